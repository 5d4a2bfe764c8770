//! Running a community: what community builders (and site admins) do. This module owns
//! the view types the pages show and the checks every builder action shares; the server
//! functions live in sub-modules by sub-area:
//!
//! - `membership`: the desk (who is waiting, what was reported, which exchanges are
//!   disputed), approve or decline with a message, the member's page for builders (vetting
//!   checklist shown as badges, private notes, what was done on their account), suspend and
//!   reinstate, assisted joining on paper;
//! - `moves`: a member asks to move to another area of their network; a builder of either
//!   area confirms (the membership and the member's open listings move) or declines;
//! - `moderation`: members report a listing, profile or message; builders review, hide or
//!   restore, warn, suspend or dismiss (disputed exchanges are settled in
//!   `exchanges::disputes`);
//! - `rules`: the network's rules and categories, announcements;
//! - `admin`: networks, localities and builders (site admins).
//!
//! `domain` holds the pure rules, `store` all the SQL, `pages` the screens. Every action is
//! written to the audit trail (`crate::audit`) in the same transaction as the action itself.
//!
//! Scope: every function decides on the server whether the caller's builder scope (a whole
//! network, or one locality) reaches the member or thing acted on.

pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

mod admin;
mod membership;
mod moderation;
mod moves;
mod rules;
pub use admin::*;
pub use membership::*;
pub use moderation::*;
pub use moves::*;
pub use rules::*;

use crate::error::AppError;
use crate::networks::domain::MembershipStatus;
use domain::{MoveStatus, ReportStatus, ReportSubject, Vetting};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::audit::domain::AuditAction;
#[cfg(feature = "ssr")]
use crate::audit::store::{audit, AuditEntry};
#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    networks::domain::{require_active_member, require_builder_for, require_site_admin, require_some_builder, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use domain::{read_text, Moderation};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMemberView {
    pub user_id: String,
    pub name: String,
    pub email: Option<String>,
    pub locality: String,
    pub about: String,
    pub joined_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub body: String,
    pub written_by: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: String,
    pub subject: ReportSubject,
    pub subject_id: String,
    pub subject_user_id: String,
    pub subject_name: String,
    pub reporter_name: String,
    pub locality_name: String,
    pub reason: String,
    pub status: ReportStatus,
    pub outcome: String,
    pub created_at: i64,
    /// What the reported thing says now (a title, a message, an "about").
    pub excerpt: String,
    pub listing_hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub at: i64,
    pub locality_id: Option<String>,
    pub audience: String,
    pub posted_by: String,
}

/// Everything a builder's member page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRecordView {
    pub user_id: String,
    pub name: String,
    pub email: Option<String>,
    /// Digits, '' when not known.
    pub phone: String,
    pub locality: String,
    pub status: MembershipStatus,
    pub status_reason: String,
    pub about: String,
    pub joined_at: i64,
    pub joined_by: Option<String>,
    pub paper_consent_at: Option<i64>,
    /// The photo's address, if they have one.
    pub photo: Option<String>,
    pub vetting: Vetting,
    pub notes: Vec<NoteView>,
    pub actions: Vec<crate::audit::domain::AuditLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: String,
    pub name: String,
    pub retired: bool,
    /// Seeded for every network (renamed or retired per network by making its own copy is
    /// not supported: shared ones can only be retired by a site admin).
    pub shared: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub network_id: String,
    pub network_name: String,
    pub settings: domain::NetworkSettings,
    pub categories: Vec<CategoryView>,
    pub localities: Vec<(String, String)>,
    pub announcements: Vec<AnnouncementView>,
    pub whole_network: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeRow {
    pub exchange_id: String,
    pub title: String,
    pub provider_name: String,
    pub receiver_name: String,
    pub recorded_minutes: Option<i64>,
    pub updated_at: i64,
}

/// A member's request to move to another area of their network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaMoveView {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub network_id: String,
    pub from_locality_id: String,
    pub from_area: String,
    pub to_locality_id: String,
    pub to_area: String,
    pub reason: String,
    pub status: MoveStatus,
    pub asked_at: i64,
    /// The builder's message when declined (or a welcome when moved).
    pub answer: String,
}

/// A member's area on Account: where they are, where they may move, and their newest request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAreaView {
    pub locality_id: String,
    pub area: String,
    /// The network's other areas, (id, name).
    pub others: Vec<(String, String)>,
    pub latest: Option<AreaMoveView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskView {
    pub pending: Vec<PendingMemberView>,
    pub moves: Vec<AreaMoveView>,
    pub reports: Vec<ReportView>,
    pub resolved: Vec<ReportView>,
    pub disputes: Vec<DisputeRow>,
    pub localities: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkAdminView {
    pub id: String,
    pub name: String,
    pub council_area: String,
    pub localities: Vec<(String, String, Option<i64>)>,
    /// (builder name, scope)
    pub builders: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------------------
// Shared checks

/// The member a builder is acting on, if the builder's scope reaches them.
#[cfg(feature = "ssr")]
async fn member_for_builder(st: &AppState, viewer: &Viewer, user_id: &str) -> Result<store::MemberPlace, AppError> {
    let place = store::member_place(&st.db, user_id).await?.ok_or_else(|| AppError::not_found("member"))?;
    require_builder_for(viewer, &place.network_id, &place.locality_id)?;
    Ok(place)
}

#[cfg(feature = "ssr")]
fn keep(problem: FormProblem, fields: &[(&str, &str)]) -> FormProblem {
    fields.iter().fold(problem, |p, (k, v)| p.keep(k, v))
}
