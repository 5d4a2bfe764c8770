//! All of the community feature's SQL, by sub-area: membership (a member's place, the
//! queue, status, vetting, notes), moves to another area, reports and moderation (and the disputed exchanges on
//! the desk), the network's rules, categories and announcements, and the site admins'
//! networks, localities and builder roles. Server functions call these; nothing else in
//! `community` touches the database.

mod admin;
mod members;
mod moves;
mod reports;
mod rules;

pub use admin::*;
pub use members::*;
pub use moves::*;
pub use reports::*;
pub use rules::*;
