//! Storage for referrals: every SQL statement of the referral pathway.
//! - [`referral`]: the referral row (reading, listing, inserting, moving it along, linking
//!   the member, invitations, erasure) and the form's interests;
//! - [`history`]: the history (`referral_events`), the wellbeing answers, and the
//!   append-only access log (`referral_access_log`);
//! - [`schedule`]: what the retention and follow-up schedules find due;
//! - [`partner`]: partner systems' tokens and idempotency keys;
//! - [`draft`]: referrals being written in steps (sealed, by the hash of a cookie's token);
//! - [`onward`]: onward referrals to the directory's organisations, and the closing summary's parts.

mod draft;
mod history;
mod onward;
mod partner;
mod referral;
mod schedule;

pub use draft::*;
pub use history::*;
pub use onward::*;
pub use partner::*;
pub use referral::*;
pub use schedule::*;
