//! The hour ledger: a double-entry journal of whole minutes.
//!
//! - `domain`: the rules (amounts, shapes, limits, reversals) and an in-memory model of them.
//! - `store` (server): applying transfers in one transaction per batch, idempotent by id,
//!   with a hash chain per network; `ledger verify`.
//! - `writer` (server): group commit — concurrent requests share one durable commit.
//! - `queries` (server): statements and summaries, read from the entries themselves.
//! - `csv` (server): the statement as a spreadsheet.
//! - the server functions below, and `pages`: "My hours", giving to the pool, and the
//!   community builders' tools (grant, adjust, reverse, limits, record on behalf,
//!   organisation accounts).

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

/// A member to pick in a builder's form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub id: String,
    pub name: String,
    pub locality: String,
}

/// The builders' hours page: the pool, the network account, organisations and members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityHoursView {
    pub network_name: String,
    pub pool_minutes: i64,
    pub network_minutes: i64,
    pub organisations: Vec<OrgAccount>,
    pub members: Vec<Pick>,
    /// May this builder act for the whole network (organisation accounts)?
    pub whole_network: bool,
}

/// A statement for one organisation account, for the people named to act for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationHoursView {
    pub organisation: OrgAccount,
    pub summary: AccountSummary,
    pub members: Vec<Pick>,
}

const EXCHANGE_TRANSFER_PREFIX: &str = "exchange-";
const WELCOME_TRANSFER_PREFIX: &str = "welcome-";

/// The id of an exchange's one transfer (fixed, so it is posted once).
pub fn exchange_transfer_id(exchange_id: &str) -> String {
    format!("{EXCHANGE_TRANSFER_PREFIX}{exchange_id}")
}

/// The id of a member's welcome hours (fixed, so they are given once).
pub fn welcome_transfer_id(network_id: &str, user_id: &str) -> String {
    format!("{WELCOME_TRANSFER_PREFIX}{network_id}-{user_id}")
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
    let reserved = [EXCHANGE_TRANSFER_PREFIX, WELCOME_TRANSFER_PREFIX].iter().any(|p| id.starts_with(p));
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
    NewTransfer {
        id: id.to_string(),
        network_id: network_id.to_string(),
        kind: kind.as_str().to_string(),
        legs,
        memo: String::new(),
        category: None,
        exchange_id: None,
        reverses_id: None,
        reason: None,
        recorded_by: Some(viewer.user_id.clone()),
        audit: vec![],
    }
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

#[cfg(feature = "ssr")]
fn picks(rows: Vec<(String, String, String)>) -> Vec<Pick> {
    rows.into_iter().map(|(id, name, locality)| Pick { id, name, locality }).collect()
}

/// Gives a new member the network's welcome hours, once (the transfer id is fixed per
/// member). Refused quietly (and logged) when the source cannot cover it.
#[cfg(feature = "ssr")]
pub async fn grant_starting_credit(st: &AppState, network_id: &str, user_id: &str) -> Result<Outcome, AppError> {
    use sqlx::Row;
    let row = sqlx::query("SELECT starting_credit_minutes, starting_credit_source FROM networks WHERE id = $1")
        .bind(network_id)
        .fetch_one(&st.db.pool)
        .await?;
    let minutes: i64 = row.get("starting_credit_minutes");
    if minutes <= 0 {
        return Ok(Outcome::Refused(domain::TransferRefusal::ZeroLeg));
    }
    let source = if row.get::<String, _>("starting_credit_source") == "pool" { AccountRef::Pool } else { AccountRef::Network };
    let t = NewTransfer {
        id: welcome_transfer_id(network_id, user_id),
        network_id: network_id.to_string(),
        kind: TransferKind::StartingCredit.as_str().into(),
        legs: vec![(source, -minutes), (AccountRef::Member(user_id.to_string()), minutes)],
        memo: "Welcome to the time bank".into(),
        category: None,
        exchange_id: None,
        reverses_id: None,
        reason: None,
        recorded_by: None,
        audit: vec![],
    };
    let outcome = st.ledger.apply(t).await?;
    if let Outcome::Refused(r) = &outcome {
        tracing::warn!(user_id, "welcome hours not given: {}", r.message());
    }
    Ok(outcome)
}

// ---------------------------------------------------------------------------------------
// Server functions.

/// The signed-in member's own hours. Nobody else's statement is reachable from here.
#[server(endpoint = "my_hours")]
pub async fn my_hours(page: Option<u32>) -> Result<MyHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let me = AccountRef::Member(viewer.user_id.clone());
            let summary = queries::account_summary(&st.db, &m.network_id, &me, "Your hours", page.unwrap_or(1), PER_PAGE).await?;
            let organisations = queries::organisations_of(&st.db, &m.network_id, &viewer.user_id).await?;
            let (_, pool) = queries::network_balances(&st.db, &m.network_id).await?;
            Ok(MyHoursView { summary, organisations, pool_minutes: pool })
        }
        .await,
    )
}

/// A member gives some of their hours to the community pool.
#[server(endpoint = "donate_to_pool")]
pub async fn donate_to_pool(transfer_id: String, hours: String, minutes: String, memo: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?.clone();
            check_transfer_id(&transfer_id)?;
            let mut problem = FormProblem::new().keep("hours", &hours).keep("minutes", &minutes).keep("memo", &memo);
            let amount = read_amount(&mut problem, &hours, &minutes);
            let memo = read_memo(&mut problem, &memo);
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("amount missing after validation"))?;
            let mut t = new_transfer(
                &transfer_id,
                &m.network_id,
                TransferKind::Donation,
                vec![(AccountRef::Member(viewer.user_id.clone()), -amount.0), (AccountRef::Pool, amount.0)],
                &viewer,
            );
            t.memo = memo;
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect("/hours?done=donated");
            Ok(())
        }
        .await,
    )
}

/// What a community builder sees of one member's hours.
#[server(endpoint = "member_hours")]
pub async fn member_hours(user_id: String, page: Option<u32>) -> Result<MemberHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, name) = member_in_scope(&st, &viewer, &user_id).await?;
            let account = AccountRef::Member(user_id.clone());
            let summary = queries::account_summary(&st.db, &network, &account, &name, page.unwrap_or(1), PER_PAGE).await?;
            let limit_changes = queries::limit_changes(&st.db, &account.id(&network)).await?;
            let (_, pool) = queries::network_balances(&st.db, &network).await?;
            let locality_name = viewer
                .builder_of
                .iter()
                .find(|s| s.locality_id.as_deref() == Some(locality.as_str()))
                .map(|s| s.label.clone())
                .unwrap_or_default();
            Ok(MemberHoursView { user_id, locality_name, summary, limit_changes, pool_minutes: pool })
        }
        .await,
    )
}

/// A builder gives hours from the community pool to a member, with a reason.
#[server(endpoint = "grant_from_pool")]
pub async fn grant_from_pool(transfer_id: String, user_id: String, hours: String, minutes: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, _) = member_in_scope(&st, &viewer, &user_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem = FormProblem::new().keep("hours", &hours).keep("minutes", &minutes).keep("reason", &reason);
            let amount = read_amount(&mut problem, &hours, &minutes);
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let (Some(amount), Some(reason)) = (amount, reason) else { return Err(crate::error::unexpected("grant: values missing")) };
            let mut t = new_transfer(
                &transfer_id,
                &network,
                TransferKind::Grant,
                vec![(AccountRef::Pool, -amount.0), (AccountRef::Member(user_id.clone()), amount.0)],
                &viewer,
            );
            t.audit = vec![audit_on(&viewer, AuditAction::GrantHours, &network, &locality, &user_id, &reason)];
            t.reason = Some(reason);
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}/hours?done=granted"));
            Ok(())
        }
        .await,
    )
}

/// A builder corrects a member's balance against the network account, with a reason.
#[server(endpoint = "adjust_balance")]
pub async fn adjust_balance(
    transfer_id: String,
    user_id: String,
    direction: String,
    hours: String,
    minutes: String,
    reason: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, _) = member_in_scope(&st, &viewer, &user_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem =
                FormProblem::new().keep("direction", &direction).keep("hours", &hours).keep("minutes", &minutes).keep("reason", &reason);
            let sign = match direction.as_str() {
                "add" => Some(1),
                "remove" => Some(-1),
                _ => {
                    problem.push("direction", "Choose whether to add hours or take them away.");
                    None
                }
            };
            let amount = read_amount(&mut problem, &hours, &minutes);
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let (Some(sign), Some(amount), Some(reason)) = (sign, amount, reason) else {
                return Err(crate::error::unexpected("adjust: values missing"));
            };
            let m = sign * amount.0;
            let mut t = new_transfer(
                &transfer_id,
                &network,
                TransferKind::Adjustment,
                vec![(AccountRef::Network, -m), (AccountRef::Member(user_id.clone()), m)],
                &viewer,
            );
            t.audit = vec![audit_on(&viewer, AuditAction::AdjustBalance, &network, &locality, &user_id, &reason)];
            t.reason = Some(reason);
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}/hours?done=adjusted"));
            Ok(())
        }
        .await,
    )
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

/// Who may reverse a transfer: a builder whose scope covers every member in it; transfers
/// touching only shared accounts (pool, network, organisations) need a whole-network builder.
#[cfg(feature = "ssr")]
async fn transfer_in_scope(st: &AppState, viewer: &Viewer, transfer_id: &str) -> Result<(String, TransferView), AppError> {
    use sqlx::Row;
    crate::networks::domain::require_some_builder(viewer)?;
    let Some(t) = sqlx::query("SELECT network_id, kind, memo, recorded_at, reverses_id FROM transfers WHERE id = $1")
        .bind(transfer_id)
        .fetch_optional(&st.db.pool)
        .await?
    else {
        return Err(AppError::not_found("transfer"));
    };
    let network: String = t.get("network_id");
    let legs = sqlx::query(
        "SELECT e.amount_minutes, a.kind, a.user_id, COALESCE(u.display_name, o.name, '') AS name, m.locality_id
         FROM entries e JOIN accounts a ON a.id = e.account_id LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN organisations o ON o.id = a.organisation_id
         LEFT JOIN memberships m ON m.user_id = a.user_id AND m.network_id = a.network_id
         WHERE e.transfer_id = $1 ORDER BY e.amount_minutes",
    )
    .bind(transfer_id)
    .fetch_all(&st.db.pool)
    .await?;
    let mut members = 0;
    let mut back = "/community/hours".to_string();
    for l in &legs {
        if l.get::<String, _>("kind") == "member" {
            members += 1;
            let locality: Option<String> = l.get("locality_id");
            require_builder_for(viewer, &network, locality.as_deref().unwrap_or(""))?;
            back = format!("/community/members/{}/hours", l.get::<String, _>("user_id"));
        }
    }
    if members == 0 && !crate::networks::domain::is_whole_network_builder(viewer, &network) {
        return Err(AppError::Forbidden("Only a builder for the whole time bank can reverse that.".into()));
    }
    let reversed =
        sqlx::query("SELECT 1 AS x FROM transfers WHERE reverses_id = $1").bind(transfer_id).fetch_optional(&st.db.pool).await?.is_some();
    let view = TransferView {
        id: transfer_id.to_string(),
        kind: TransferKind::parse(&t.get::<String, _>("kind")).unwrap_or(TransferKind::Exchange),
        memo: t.get("memo"),
        recorded_at: t.get("recorded_at"),
        legs: legs
            .iter()
            .map(|l| {
                let name = match l.get::<String, _>("kind").as_str() {
                    "network" => "The time bank".to_string(),
                    "pool" => "The community pool".to_string(),
                    _ => l.get("name"),
                };
                (name, l.get::<i64, _>("amount_minutes"))
            })
            .collect(),
        reversed,
        is_reversal: t.get::<Option<String>, _>("reverses_id").is_some(),
        back,
    };
    Ok((network, view))
}

/// A transfer, for the builder about to reverse it.
#[server(endpoint = "transfer_for_reversal")]
pub async fn transfer_for_reversal(transfer_id: String) -> Result<TransferView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            Ok(transfer_in_scope(&st, &viewer, &transfer_id).await?.1)
        }
        .await,
    )
}

/// A builder reverses a transfer exactly, with a reason; the original stays in the journal.
#[server(endpoint = "reverse_transfer")]
pub async fn reverse_transfer(transfer_id: String, original_id: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, view) = transfer_in_scope(&st, &viewer, &original_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem = FormProblem::new().keep("reason", &reason);
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let reason = reason.ok_or_else(|| crate::error::unexpected("reverse: reason missing"))?;
            let mut t = match store::reversal_of(&st.db, &network, &original_id, &transfer_id, &reason, Some(&viewer.user_id)).await? {
                Ok(t) => t,
                Err(r) => {
                    let mut p = problem;
                    p.summary = r.message();
                    return Err(AppError::Invalid(p));
                }
            };
            let members: Vec<String> =
                t.legs.iter().filter_map(|(a, _)| if let AccountRef::Member(u) = a { Some(u.clone()) } else { None }).collect();
            let places = queries::member_places(&st.db, &members).await?;
            let subject = format!("transfer:{original_id}");
            t.audit = members
                .iter()
                .filter_map(|who| {
                    places
                        .get(who)
                        .map(|(n, l, _)| audit_on(&viewer, AuditAction::ReverseTransfer, n, l, who, &reason).subject(subject.clone()))
                })
                .collect();
            if t.audit.is_empty() {
                t.audit.push(
                    AuditEntry::new(&viewer.user_id, AuditAction::ReverseTransfer)
                        .in_network(&network, None)
                        .subject(subject)
                        .reason(reason.clone()),
                );
            }
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("{}?done=reversed", view.back));
            Ok(())
        }
        .await,
    )
}

/// A builder sets a member's own balance limits (blank: the network's usual ones), with a reason.
#[server(endpoint = "set_account_limits")]
pub async fn set_account_limits(user_id: String, below_zero: String, ceiling: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, _) = member_in_scope(&st, &viewer, &user_id).await?;
            let mut problem = FormProblem::new().keep("below_zero", &below_zero).keep("ceiling", &ceiling).keep("reason", &reason);
            let floor = Minutes::parse_limit(&below_zero).map_err(|m| problem.push("below_zero", m)).ok().map(|m| m.map(|m| -m.0));
            let ceil = Minutes::parse_limit(&ceiling).map_err(|m| problem.push("ceiling", m)).ok().map(|m| m.map(|m| m.0));
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let (Some(floor), Some(ceil), Some(reason)) = (floor, ceil, reason) else {
                return Err(crate::error::unexpected("limits: values missing"));
            };
            let account = AccountRef::Member(user_id.clone());
            let audit = audit_on(&viewer, AuditAction::ChangeLimits, &network, &locality, &user_id, &reason);
            if let Err(r) =
                store::set_limits(&st.db, &network, &account, floor, ceil, Some((&viewer.user_id, &reason)), Some(audit)).await?
            {
                let mut p = problem;
                p.summary = format!("The balance is outside those limits. {}", r.message());
                return Err(AppError::Invalid(p));
            }
            leptos_axum::redirect(&format!("/community/members/{user_id}/hours?done=limits"));
            Ok(())
        }
        .await,
    )
}

/// The builders' hours page: pool, network account, organisations, members to pick.
#[server(endpoint = "community_hours")]
pub async fn community_hours() -> Result<CommunityHoursView, AppError> {
    finish(
        async {
            use sqlx::Row;
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, whole) = crate::networks::store::builder_network(&st.db, &viewer, None).await?;
            let (network_minutes, pool_minutes) = queries::network_balances(&st.db, &network).await?;
            let organisations = queries::organisation_accounts(&st.db, &network).await?;
            let mut members = vec![];
            if whole {
                members = picks(queries::members_for_picking(&st.db, &network, None).await?);
            } else {
                for s in viewer.builder_of.iter().filter(|s| s.network_id == network) {
                    members.extend(picks(queries::members_for_picking(&st.db, &network, s.locality_id.as_deref()).await?));
                }
            }
            let network_name: String =
                sqlx::query("SELECT name FROM networks WHERE id = $1").bind(&network).fetch_one(&st.db.pool).await?.get("name");
            Ok(CommunityHoursView { network_name, pool_minutes, network_minutes, organisations, members, whole_network: whole })
        }
        .await,
    )
}

/// A builder records help given by one member to one or more others (a group session),
/// for members who have no phone or computer. Marked as recorded by that builder.
#[server(endpoint = "record_hours")]
#[allow(clippy::too_many_arguments)]
pub async fn record_hours(
    transfer_id: String,
    giver: String,
    receiver1: String,
    receiver2: Option<String>,
    receiver3: Option<String>,
    receiver4: Option<String>,
    hours: String,
    minutes: String,
    memo: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_some_builder(&viewer)?;
            check_transfer_id(&transfer_id)?;
            let others = [&receiver2, &receiver3, &receiver4];
            let mut problem = FormProblem::new()
                .keep("giver", &giver)
                .keep("receiver1", &receiver1)
                .keep("hours", &hours)
                .keep("minutes", &minutes)
                .keep("memo", &memo);
            for (i, r) in others.iter().enumerate() {
                problem = problem.keep(&format!("receiver{}", i + 2), r.as_deref().unwrap_or(""));
            }
            let mut receivers: Vec<String> = vec![];
            if receiver1.is_empty() {
                problem.push("receiver1", "Choose who received the help.");
            } else {
                receivers.push(receiver1.clone());
            }
            receivers.extend(others.iter().filter_map(|r| r.as_ref().filter(|r| !r.is_empty()).cloned()));
            if giver.is_empty() {
                problem.push("giver", "Choose who gave the help.");
            } else if receivers.contains(&giver) {
                problem.push("giver", "Someone cannot give help to themselves.");
            }
            let mut sorted = receivers.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() != receivers.len() {
                problem.push("receiver1", "Each person can be chosen once.");
            }
            let amount = read_amount(&mut problem, &hours, &minutes);
            let memo = read_memo(&mut problem, &memo);
            if memo.is_empty() {
                problem.push("memo", "Say what the help was, for example \"Shopping trip\".");
            }
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("record: amount missing"))?;
            let everyone: Vec<String> = std::iter::once(giver.clone()).chain(receivers.iter().cloned()).collect();
            let places = queries::member_places(&st.db, &everyone).await?;
            let mut network = None;
            for who in &everyone {
                let (n, locality, _) = places.get(who).ok_or_else(|| AppError::not_found("member"))?;
                require_builder_for(&viewer, n, locality)?;
                if network.as_ref().is_some_and(|x| x != n) {
                    return Err(AppError::Forbidden("Everyone in one record must belong to the same time bank.".into()));
                }
                network = Some(n.clone());
            }
            let network = network.ok_or_else(|| crate::error::unexpected("record: no network"))?;
            // Each receiver got `amount` of help; the giver earns it once per receiver.
            let mut legs = vec![(AccountRef::Member(giver.clone()), amount.0 * receivers.len() as i64)];
            legs.extend(receivers.iter().map(|r| (AccountRef::Member(r.clone()), -amount.0)));
            let mut t = new_transfer(&transfer_id, &network, TransferKind::Exchange, legs, &viewer);
            // One line per member in the trail, so each can see it on their own account.
            t.audit = everyone
                .iter()
                .filter_map(|who| places.get(who).map(|(n, l, _)| audit_on(&viewer, AuditAction::RecordOnBehalf, n, l, who, &memo)))
                .collect();
            t.memo = memo;
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect("/community/hours?done=recorded");
            Ok(())
        }
        .await,
    )
}

/// A whole-network builder opens an account for an organisation (a care home, a charity,
/// a community group) and names a member to act for it.
#[server(endpoint = "add_organisation_account")]
pub async fn add_organisation_account(name: String, kind: String, named_member: String) -> Result<(), AppError> {
    finish(
        async {
            use sqlx::Row;
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, _) = crate::networks::store::builder_network(&st.db, &viewer, None).await?;
            if !crate::networks::domain::is_whole_network_builder(&viewer, &network) {
                return Err(AppError::Forbidden("Only a builder for the whole time bank can open organisation accounts.".into()));
            }
            let mut problem = FormProblem::new().keep("org_name", &name).keep("org_kind", &kind).keep("named_member", &named_member);
            let name = name.trim().to_string();
            if name.chars().count() < 2 || name.chars().count() > 100 {
                problem.push("org_name", "Enter the organisation's name (up to 100 characters).");
            }
            let kind = kind.trim().to_string();
            if kind.is_empty() || kind.chars().count() > 60 {
                problem.push("org_kind", "Say what kind of organisation it is, for example \"Care home\".");
            }
            if named_member.is_empty() {
                problem.push("named_member", "Choose the member who will act for it.");
            }
            problem.clone().into_result()?;
            let (member_network, member_locality, _) = member_in_scope(&st, &viewer, &named_member).await?;
            if member_network != network {
                return Err(AppError::invalid("named_member", "Choose a member of this time bank."));
            }
            let mut tx = st.db.pool.begin().await?;
            let existing = sqlx::query("SELECT id FROM organisations WHERE name = $1").bind(&name).fetch_optional(&mut *tx).await?;
            let org_id: String = match existing {
                Some(r) => r.get("id"),
                None => {
                    let id = crate::util::new_id();
                    sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(&id)
                        .bind(&name)
                        .bind(&kind)
                        .bind(crate::util::now())
                        .execute(&mut *tx)
                        .await?;
                    id
                }
            };
            sqlx::query(
                "INSERT INTO accounts (id, network_id, kind, organisation_id, created_at) VALUES ($1, $2, 'organisation', $3, $4)
             ON CONFLICT (id) DO NOTHING",
            )
            .bind(AccountRef::Organisation(org_id.clone()).id(&network))
            .bind(&network)
            .bind(&org_id)
            .bind(crate::util::now())
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO organisation_members (network_id, organisation_id, user_id, named_by, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (network_id, organisation_id, user_id) DO NOTHING",
            )
            .bind(&network)
            .bind(&org_id)
            .bind(&named_member)
            .bind(&viewer.user_id)
            .bind(crate::util::now())
            .execute(&mut *tx)
            .await?;
            crate::audit::store::audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::OrganisationAccount)
                    .on_member(&network, &member_locality, &named_member)
                    .subject(format!("organisation:{org_id}"))
                    .change("", format!("{name} ({kind}), acted for by this member")),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/community/hours?done=organisation");
            Ok(())
        }
        .await,
    )
}

/// An organisation's statement, for the members named to act for it (and builders).
#[server(endpoint = "organisation_hours")]
pub async fn organisation_hours(organisation_id: String, page: Option<u32>) -> Result<OrganisationHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, org) = organisation_for(&st, &viewer, &organisation_id).await?;
            let summary = queries::account_summary(
                &st.db,
                &network,
                &AccountRef::Organisation(organisation_id.clone()),
                &org.name,
                page.unwrap_or(1),
                PER_PAGE,
            )
            .await?;
            let members = picks(queries::members_for_picking(&st.db, &network, None).await?);
            Ok(OrganisationHoursView { organisation: org, summary, members })
        }
        .await,
    )
}

/// The organisation, if the viewer is named to act for it (or builds for its network).
#[cfg(feature = "ssr")]
async fn organisation_for(st: &AppState, viewer: &Viewer, organisation_id: &str) -> Result<(String, OrgAccount), AppError> {
    crate::networks::domain::require_any_role(viewer)?;
    let network = match &viewer.membership {
        Some(m) => m.network_id.clone(),
        None => crate::networks::store::builder_network(&st.db, viewer, None).await?.0,
    };
    let named = queries::organisations_of(&st.db, &network, &viewer.user_id).await?;
    if let Some(org) = named.into_iter().find(|o| o.id == organisation_id) {
        return Ok((network, org));
    }
    if crate::networks::domain::is_whole_network_builder(viewer, &network) {
        if let Some(org) = queries::organisation_accounts(&st.db, &network).await?.into_iter().find(|o| o.id == organisation_id) {
            return Ok((network, org));
        }
    }
    Err(AppError::Forbidden("Only the people named to act for this organisation can see its hours.".into()))
}

/// Someone named for an organisation thanks a member for help with hours from the
/// organisation's account. (An organisation taking hours from a member needs that member's
/// agreement, so it comes with exchanges.)
#[server(endpoint = "organisation_gives")]
pub async fn organisation_gives(
    transfer_id: String,
    organisation_id: String,
    user_id: String,
    hours: String,
    minutes: String,
    memo: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, _) = organisation_for(&st, &viewer, &organisation_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem =
                FormProblem::new().keep("user_id", &user_id).keep("hours", &hours).keep("minutes", &minutes).keep("memo", &memo);
            let amount = read_amount(&mut problem, &hours, &minutes);
            let memo = read_memo(&mut problem, &memo);
            if memo.is_empty() {
                problem.push("memo", "Say what the help was, for example \"Tea and chat with residents\".");
            }
            let member = if user_id.is_empty() { None } else { queries::member_place(&st.db, &user_id).await? };
            let active = !user_id.is_empty() && queries::is_active_member(&st.db, &network, &user_id).await?;
            match &member {
                _ if user_id == viewer.user_id => problem.push("user_id", "You cannot give the organisation's hours to yourself."),
                Some((n, _, _)) if *n == network && active => {}
                _ => problem.push("user_id", "Choose the member who helped."),
            }
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("org: amount missing"))?;
            let mut t = new_transfer(
                &transfer_id,
                &network,
                TransferKind::Organisation,
                vec![(AccountRef::Organisation(organisation_id.clone()), -amount.0), (AccountRef::Member(user_id.clone()), amount.0)],
                &viewer,
            );
            t.memo = memo;
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("/hours/organisations/{organisation_id}?done=given"));
            Ok(())
        }
        .await,
    )
}
