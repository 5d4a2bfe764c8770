//! The hour ledger (issue 3, in progress): the pure rules live in `domain`; storage, the
//! server functions and the "My hours" screens arrive next.

pub mod domain;
#[cfg(feature = "ssr")]
pub mod store;
