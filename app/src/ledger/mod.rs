//! The hour ledger: a double-entry journal of whole minutes.
//!
//! - `domain`: the rules (amounts, shapes, limits, reversals) and an in-memory model of them.
//! - `store` (server): all of the ledger's SQL: applying transfers in one transaction per
//!   batch, idempotent by id, with a hash chain per network; `ledger verify`; the reads.
//! - `writer` (server): group commit — concurrent requests share one durable commit.
//! - `queries` (server): statements and summaries, put together from the entries themselves.
//! - `csv` (server): the statement as a spreadsheet.
//! - this module: the view types and the helpers the server functions share (also used by
//!   exchanges and referrals); the server functions by sub-area: `statements` (my hours, a
//!   member's hours), `recording` (giving to the pool, recording on behalf), `corrections`
//!   (grant, adjust, reverse, limits), `community` (the builders' hours page, organisation
//!   accounts); and `pages`.

#[cfg(feature = "ssr")]
pub mod csv;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod writer;

mod community;
mod corrections;
mod recording;
mod statements;
pub use community::*;
pub use corrections::*;
pub use recording::*;
pub use statements::*;

use crate::error::AppError;
use domain::TransferKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::audit::{domain::AuditAction, store::AuditEntry};
#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    networks::domain::{require_active_member, require_builder_for, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use domain::Minutes;
#[cfg(feature = "ssr")]
use store::{AccountRef, NewTransfer, Outcome};

/// Statement lines per page.
pub const PER_PAGE: u32 = 25;

/// One line of a statement, from the point of view of the account it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub transfer_id: String,
    pub recorded_at: i64,
    /// The day the help happened (`YYYY-MM-DD`), when not the day it was recorded.
    pub happened_on: Option<String>,
    pub kind: TransferKind,
    pub memo: String,
    /// The other side, in words: "Agnes Murray", "the community pool", "Ann, Bob and 2 more".
    pub with: String,
    pub amount_minutes: i64,
    pub balance_after_minutes: i64,
    pub reason: Option<String>,
    pub recorded_by: Option<String>,
    pub reversed: bool,
    pub is_reversal: bool,
}

/// An account's balance, limits, totals and one page of its statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub label: String,
    pub balance_minutes: i64,
    pub floor_minutes: Option<i64>,
    pub ceiling_minutes: Option<i64>,
    /// The account has its own limits rather than the network's usual ones.
    pub limits_are_own: bool,
    /// Help given (credit earned) and received, from exchanges not reversed.
    pub given_minutes: i64,
    pub received_minutes: i64,
    pub statement: Vec<StatementLine>,
    pub page: u32,
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub balance_minutes: i64,
    pub named_members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitChange {
    pub floor_minutes: Option<i64>,
    pub ceiling_minutes: Option<i64>,
    pub reason: String,
    pub changed_at: i64,
    pub changed_by: String,
}

/// What "My hours" shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyHoursView {
    pub summary: AccountSummary,
    pub organisations: Vec<OrgAccount>,
    pub pool_minutes: i64,
}

/// What a builder sees of one member's hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberHoursView {
    pub user_id: String,
    pub locality_name: String,
    pub summary: AccountSummary,
    pub limit_changes: Vec<LimitChange>,
    pub pool_minutes: i64,
}

/// The builders' hours page: the pool, the network account, organisations and members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityHoursView {
    pub network_name: String,
    pub pool_minutes: i64,
    pub network_minutes: i64,
    pub organisations: Vec<OrgAccount>,
    /// May this builder act for the whole network (organisation accounts)?
    pub whole_network: bool,
}

/// A statement for one organisation account, for the people named to act for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationHoursView {
    pub organisation: OrgAccount,
    pub summary: AccountSummary,
}

/// The transfer a builder is about to reverse, for the confirmation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferView {
    pub id: String,
    pub kind: TransferKind,
    pub memo: String,
    pub recorded_at: i64,
    /// (name, amount) for each account, in words.
    pub legs: Vec<(String, i64)>,
    pub reversed: bool,
    pub is_reversal: bool,
    /// Where to go back to.
    pub back: String,
}

const EXCHANGE_TRANSFER_PREFIX: &str = "exchange-";
const WELCOME_TRANSFER_PREFIX: &str = "welcome-";
const STARTER_TRANSFER_PREFIX: &str = "starter-";
const FIRST_EXCHANGE_TRANSFER_PREFIX: &str = "first-exchange-";
const CLOSING_TRANSFER_PREFIX: &str = "closing-";
/// Ids only the server makes: a client's form may never use one (it could block the real one).
#[cfg(feature = "ssr")]
const SERVER_MADE: [&str; 5] =
    [EXCHANGE_TRANSFER_PREFIX, WELCOME_TRANSFER_PREFIX, STARTER_TRANSFER_PREFIX, FIRST_EXCHANGE_TRANSFER_PREFIX, CLOSING_TRANSFER_PREFIX];

/// The id of an exchange's one transfer (fixed, so it is posted once).
pub fn exchange_transfer_id(exchange_id: &str) -> String {
    format!("{EXCHANGE_TRANSFER_PREFIX}{exchange_id}")
}

/// The id of a member's welcome hours (fixed, so they are given once).
pub fn welcome_transfer_id(network_id: &str, user_id: &str) -> String {
    format!("{WELCOME_TRANSFER_PREFIX}{network_id}-{user_id}")
}

/// The id of a referral's starter hours (fixed, so they are given once per referral).
pub fn starter_transfer_id(referral_id: &str) -> String {
    format!("{STARTER_TRANSFER_PREFIX}{referral_id}")
}

/// The id of a referral's supported first exchange (fixed, so it is recorded once).
pub fn first_exchange_transfer_id(referral_id: &str) -> String {
    format!("{FIRST_EXCHANGE_TRANSFER_PREFIX}{referral_id}")
}

/// The id of the transfer that settles a closed account's hours in a network (fixed, so it
/// is made once, whichever server and however often the job runs).
pub fn closing_transfer_id(network_id: &str, user_id: &str) -> String {
    format!("{CLOSING_TRANSFER_PREFIX}{network_id}-{user_id}")
}

/// A fresh id for a form that moves hours: sent with the form, so pressing the button twice
/// (or the browser re-posting) applies it once.
pub fn fresh_transfer_id() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::util::new_id()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

// ---------------------------------------------------------------------------------------
// Helpers for the server functions below.

#[cfg(feature = "ssr")]
pub(crate) fn check_transfer_id(id: &str) -> Result<(), AppError> {
    // Ids the server makes itself (an exchange's, a welcome's) are out of a client's reach.
    let reserved = SERVER_MADE.iter().any(|p| id.starts_with(p));
    let ok = !reserved && (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::Conflict("This form is out of date. Please reload the page and try again.".into()))
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn read_amount(problem: &mut FormProblem, hours: &str, minutes: &str) -> Option<Minutes> {
    Minutes::from_parts(hours, minutes).map_err(|m| problem.push("hours", m)).ok()
}

/// A reason is required for every builder action: a sentence someone else can understand later.
#[cfg(feature = "ssr")]
fn read_reason(problem: &mut FormProblem, reason: &str) -> Option<String> {
    let r = reason.trim();
    if crate::util::has_control_chars(r) {
        problem.push("reason", "Please use ordinary letters, numbers and punctuation.");
        None
    } else if r.chars().count() < 3 {
        problem.push("reason", "Write the reason, so others can understand it later.");
        None
    } else if r.chars().count() > 500 {
        problem.push("reason", "Keep the reason under 500 characters.");
        None
    } else {
        Some(r.to_string())
    }
}

#[cfg(feature = "ssr")]
fn read_memo(problem: &mut FormProblem, memo: &str) -> String {
    let m = memo.trim();
    if crate::util::has_control_chars(m) {
        problem.push("memo", "Please use ordinary letters, numbers and punctuation.");
    } else if m.chars().count() > 200 {
        problem.push("memo", "Keep this under 200 characters.");
    }
    m.to_string()
}

/// Applies through the writer; a refusal becomes a message on the form, keeping its values.
#[cfg(feature = "ssr")]
pub(crate) async fn apply_or_explain(st: &AppState, t: NewTransfer, problem: FormProblem) -> Result<(), AppError> {
    match st.ledger.apply(t).await? {
        Outcome::Applied { .. } | Outcome::AlreadyApplied { .. } => Ok(()),
        Outcome::Refused(r) => {
            let mut p = problem;
            p.summary = r.message();
            Err(AppError::Invalid(p))
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn new_transfer(id: &str, network_id: &str, kind: TransferKind, legs: Vec<(AccountRef, i64)>, viewer: &Viewer) -> NewTransfer {
    NewTransfer { recorded_by: Some(viewer.user_id.clone()), ..NewTransfer::new(id, network_id, kind, legs, "") }
}

/// The audit-trail line for a ledger tool used on a member.
#[cfg(feature = "ssr")]
pub(crate) fn audit_on(viewer: &Viewer, action: AuditAction, network: &str, locality: &str, user_id: &str, reason: &str) -> AuditEntry {
    AuditEntry::new(&viewer.user_id, action).on_member(network, locality, user_id).reason(reason)
}

/// The member a builder is acting on, if this builder's scope reaches them.
#[cfg(feature = "ssr")]
async fn member_in_scope(st: &AppState, viewer: &Viewer, user_id: &str) -> Result<(String, String, String), AppError> {
    let Some((network, locality, name)) = queries::member_place(&st.db, user_id).await? else {
        return Err(AppError::not_found("member"));
    };
    require_builder_for(viewer, &network, &locality)?;
    Ok((network, locality, name))
}

/// Gives a new member the network's welcome hours, once (the transfer id is fixed per
/// member). Refused quietly (and logged) when the source cannot cover it.
#[cfg(feature = "ssr")]
pub async fn grant_starting_credit(st: &AppState, network_id: &str, user_id: &str) -> Result<Outcome, AppError> {
    let (minutes, source) = store::reads::starting_credit(&st.db, network_id).await?;
    if minutes <= 0 {
        return Ok(Outcome::Refused(domain::TransferRefusal::ZeroLeg));
    }
    let source = if source == "pool" { AccountRef::Pool } else { AccountRef::Network };
    let legs = vec![(source, -minutes), (AccountRef::Member(user_id.to_string()), minutes)];
    let t = NewTransfer::new(
        welcome_transfer_id(network_id, user_id),
        network_id,
        TransferKind::StartingCredit,
        legs,
        "Welcome to the time bank",
    );
    let outcome = st.ledger.apply(t).await?;
    if let Outcome::Refused(r) = &outcome {
        tracing::warn!(user_id, "welcome hours not given: {}", r.message());
    }
    Ok(outcome)
}
