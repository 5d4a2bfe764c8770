//! The start page for visitors, the home page for signed-in people (which is also the
//! "waiting for approval" page for pending members), and the code of conduct.

pub mod pages;
