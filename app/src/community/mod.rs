//! Running a community: what community builders (and site admins) do, and the trail it
//! leaves.
//!
//! - membership: the queue of people waiting to join, approve or decline with a message,
//!   suspend and reinstate, assisted joining on paper;
//! - the member's page for builders: vetting checklist (shown as badges), private notes,
//!   what was done on their account;
//! - moderation: members report a listing, profile or message; builders review, hide or
//!   restore, warn, suspend or dismiss; disputed exchanges are settled here too;
//! - the network's rules and categories, announcements, networks and localities (admins);
//! - the audit trail: every action above, and every ledger tool, is written to
//!   `audit_log` in the same transaction as the action itself.
//!
//! Scope: every function decides on the server whether the caller's builder scope (a whole
//! network, or one locality) reaches the member or thing acted on.

pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use crate::networks::domain::MembershipStatus;
use domain::{ReportStatus, ReportSubject, Vetting};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    networks::domain::{require_active_member, require_builder_for, require_site_admin, require_some_builder, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use domain::{read_text, AuditAction, Moderation};
#[cfg(feature = "ssr")]
use sqlx::Row;
#[cfg(feature = "ssr")]
use store::AuditEntry;

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
pub struct AuditLine {
    pub id: String,
    pub action: String,
    pub actor: String,
    pub subject_name: String,
    pub subject_user_id: Option<String>,
    pub subject: String,
    pub locality: String,
    pub reason: String,
    pub before: String,
    pub after: String,
    pub at: i64,
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
    pub locality: String,
    pub status: MembershipStatus,
    pub status_reason: String,
    pub about: String,
    pub joined_at: i64,
    pub joined_by: Option<String>,
    pub paper_consent_at: Option<i64>,
    pub vetting: Vetting,
    pub notes: Vec<NoteView>,
    pub actions: Vec<AuditLine>,
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
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    pub page: u32,
    pub has_more: bool,
    pub actions: Vec<(String, String)>,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskView {
    pub pending: Vec<PendingMemberView>,
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

/// A network the viewer builds for as a whole (or a site admin).
#[cfg(feature = "ssr")]
fn require_network_builder(viewer: &Viewer, network_id: &str) -> Result<(), AppError> {
    if viewer.is_site_admin || viewer.builder_of.iter().any(|s| s.network_id == network_id && s.locality_id.is_none()) {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only community builders for the whole network can change its rules.".into()))
    }
}

/// The network a builder works in: the one asked for if they build there, else their first.
#[cfg(feature = "ssr")]
async fn builder_network(st: &AppState, viewer: &Viewer, asked: Option<&str>) -> Result<String, AppError> {
    require_some_builder(viewer)?;
    if let Some(n) = asked.filter(|n| !n.is_empty()) {
        if viewer.is_site_admin || viewer.builder_of.iter().any(|s| s.network_id == n) {
            return Ok(n.to_string());
        }
        return Err(AppError::Forbidden("You are not a community builder of that network.".into()));
    }
    if let Some(s) = viewer.builder_of.first() {
        return Ok(s.network_id.clone());
    }
    let row = sqlx::query("SELECT id FROM networks ORDER BY created_at, id LIMIT 1").fetch_optional(&st.db.pool).await?;
    row.map(|r| r.get("id")).ok_or_else(|| AppError::not_found("time bank"))
}

#[cfg(feature = "ssr")]
fn keep(problem: FormProblem, fields: &[(&str, &str)]) -> FormProblem {
    fields.iter().fold(problem, |p, (k, v)| p.keep(k, v))
}

// ---------------------------------------------------------------------------------------
// The builder's desk: who is waiting, what was reported, which exchanges are disputed.

#[server(endpoint = "builder_desk")]
pub async fn builder_desk() -> Result<DeskView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_some_builder(&viewer)?;
        let (clause, binds) = store::scope_clause(&viewer, "m.network_id", "m.locality_id", 0);
        let sql = format!(
            "SELECT u.id, u.display_name, u.email, l.name AS locality_name, m.about, m.created_at
             FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id
             WHERE m.status = 'pending' AND {clause} ORDER BY m.created_at, u.id LIMIT 200"
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b.as_str());
        }
        let pending = q
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| PendingMemberView {
                user_id: r.get("id"),
                name: r.get("display_name"),
                email: r.get("email"),
                locality: r.get("locality_name"),
                about: r.get("about"),
                joined_at: r.get("created_at"),
            })
            .collect();
        // A dispute is in scope when either member's locality is.
        let (by_provider, binds) = store::scope_clause(&viewer, "e.network_id", "pm.locality_id", 0);
        let (by_receiver, binds2) = store::scope_clause(&viewer, "e.network_id", "rm.locality_id", binds.len());
        let sql = format!(
            "SELECT e.id, e.title, pu.display_name AS provider_name, ru.display_name AS receiver_name, e.recorded_minutes, e.updated_at
             FROM exchanges e JOIN users pu ON pu.id = e.provider_id JOIN users ru ON ru.id = e.receiver_id
             LEFT JOIN memberships pm ON pm.user_id = e.provider_id AND pm.network_id = e.network_id
             LEFT JOIN memberships rm ON rm.user_id = e.receiver_id AND rm.network_id = e.network_id
             WHERE e.status = 'disputed' AND ({by_provider} OR {by_receiver})
             ORDER BY e.updated_at, e.id LIMIT 200"
        );
        let mut q = sqlx::query(&sql);
        for b in binds.iter().chain(binds2.iter()) {
            q = q.bind(b.as_str());
        }
        let disputes = q
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| DisputeRow {
                exchange_id: r.get("id"),
                title: r.get("title"),
                provider_name: r.get("provider_name"),
                receiver_name: r.get("receiver_name"),
                recorded_minutes: r.get("recorded_minutes"),
                updated_at: r.get("updated_at"),
            })
            .collect();
        let network = builder_network(&st, &viewer, None).await?;
        Ok(DeskView {
            pending,
            reports: store::reports_in_scope(&st.db, &viewer, false, 200).await?,
            resolved: store::reports_in_scope(&st.db, &viewer, true, 20).await?,
            disputes,
            localities: localities_in_scope(&st, &viewer, &network).await?,
        })
    }.await)
}

/// The localities of `network` this viewer builds for (all of them for a whole-network builder).
#[cfg(feature = "ssr")]
async fn localities_in_scope(st: &AppState, viewer: &Viewer, network: &str) -> Result<Vec<(String, String)>, AppError> {
    let rows = sqlx::query("SELECT id, name FROM localities WHERE network_id = $1 ORDER BY name").bind(network).fetch_all(&st.db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get::<String, _>("id"), r.get::<String, _>("name")))
        .filter(|(id, _)| require_builder_for(viewer, network, id).is_ok())
        .collect())
}

/// Approve or decline someone waiting to join, with a message that is emailed to them.
/// Approval gives the network's welcome hours.
#[server(endpoint = "decide_membership")]
pub async fn decide_membership(user_id: String, decision: String, message: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let place = member_for_builder(&st, &viewer, &user_id).await?;
        let mut problem = keep(FormProblem::new(), &[("decision", &decision), ("message", &message)]);
        let approve = match decision.as_str() {
            "approve" => Some(true),
            "decline" => Some(false),
            _ => {
                problem.push("decision", "Choose to approve or decline.");
                None
            }
        };
        let message = match approve {
            // A welcome note is optional; a refusal always says why.
            Some(true) if message.trim().is_empty() => Some(String::new()),
            _ => read_text(&mut problem, "message", &message, "a short message to the person (it is emailed to them)", 1000),
        };
        problem.into_result()?;
        let (Some(approve), Some(message)) = (approve, message) else { return Err(crate::error::unexpected("decide: values missing")) };
        let mut tx = st.db.pool.begin().await?;
        let done = if approve {
            store::set_status(&mut tx, &user_id, &place.network_id, MembershipStatus::Pending, MembershipStatus::Active, "").await?
        } else {
            store::remove_pending(&mut tx, &user_id, &place.network_id).await?
        };
        if !done {
            return Err(AppError::Conflict(format!("{} is no longer waiting for approval.", place.name)));
        }
        let action = if approve { AuditAction::ApproveMember } else { AuditAction::DeclineMember };
        store::audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, action)
                .on_member(&place.network_id, &place.locality_id, &user_id)
                .reason(message.clone())
                .change("waiting for approval", if approve { "active" } else { "declined" }),
        )
        .await?;
        if let Some(email) = &place.email {
            let (subject, body) = if approve {
                (
                    "Welcome: your Timeweave membership is approved".to_string(),
                    format!(
                        "Hello {},\n\nGood news: a community builder approved your membership of the time bank in {}. You can now post offers and requests and start helping each other.\n\n{}{}Sign in: {}/sign-in\n",
                        place.name,
                        place.locality_name,
                        message,
                        if message.is_empty() { "" } else { "\n\n" },
                        st.config.public_url
                    ),
                )
            } else {
                (
                    "About your Timeweave application".to_string(),
                    format!(
                        "Hello {},\n\nA community builder looked at your application to join the time bank in {} and could not approve it this time. They wrote:\n\n{}\n\nIf you have questions, reply to your community builder.\n",
                        place.name, place.locality_name, message
                    ),
                )
            };
            crate::email::queue(&mut tx, email, &subject, &body).await?;
        }
        tx.commit().await?;
        if approve {
            crate::ledger::grant_starting_credit(&st, &place.network_id, &user_id).await?;
        }
        leptos_axum::redirect(&format!("/community?done={}", if approve { "approved" } else { "declined" }));
        Ok(())
    }.await)
}

/// A builder's page on one member: status, vetting, notes and what was done on the account.
#[server(endpoint = "member_record")]
pub async fn member_record(user_id: String) -> Result<MemberRecordView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let place = member_for_builder(&st, &viewer, &user_id).await?;
        let filter = store::AuditFilter { subject_user_id: Some(user_id.clone()), ..Default::default() };
        Ok(MemberRecordView {
            vetting: store::vetting(&st.db, &user_id, &place.network_id).await?,
            notes: store::notes(&st.db, &user_id, &place.network_id).await?,
            actions: store::audit_lines(&st.db, Some(&viewer), &filter, 50, 0).await?,
            user_id,
            name: place.name,
            email: place.email,
            locality: place.locality_name,
            status: place.status,
            status_reason: place.status_reason,
            about: place.about,
            joined_at: place.joined_at,
            joined_by: place.joined_by,
            paper_consent_at: place.paper_consent_at,
        })
    }.await)
}

/// The vetting checklist. A disclosure check is recorded only for roles that need one.
#[server(endpoint = "set_vetting")]
pub async fn set_vetting(
    user_id: String,
    met_coordinator: Option<String>,
    references: String,
    code_signed: Option<String>,
    id_seen: Option<String>,
    disclosure: String,
    disclosure_date: String,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let place = member_for_builder(&st, &viewer, &user_id).await?;
        let mut problem = keep(
            FormProblem::new(),
            &[
                ("met_coordinator", met_coordinator.as_deref().unwrap_or("")),
                ("references", &references),
                ("code_signed", code_signed.as_deref().unwrap_or("")),
                ("id_seen", id_seen.as_deref().unwrap_or("")),
                ("disclosure", &disclosure),
                ("disclosure_date", &disclosure_date),
            ],
        );
        let v = Vetting::parse(
            met_coordinator.is_some(),
            &references,
            code_signed.is_some(),
            id_seen.is_some(),
            &disclosure,
            &disclosure_date,
            &mut problem,
        );
        problem.into_result()?;
        let Some(v) = v else { return Err(crate::error::unexpected("vetting: values missing")) };
        let before = store::vetting(&st.db, &user_id, &place.network_id).await?;
        let mut tx = st.db.pool.begin().await?;
        store::save_vetting(&mut tx, &user_id, &place.network_id, &v, &viewer.user_id).await?;
        store::audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::UpdateVetting)
                .on_member(&place.network_id, &place.locality_id, &user_id)
                .change(before.summary(), v.summary()),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/community/members/{user_id}?done=vetting"));
        Ok(())
    }.await)
}

/// Suspend or reinstate, with a reason. A suspended member cannot act and their listings
/// leave search; reinstating brings them back as they were.
#[server(endpoint = "change_member_status")]
pub async fn change_member_status(user_id: String, change: String, reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let place = member_for_builder(&st, &viewer, &user_id).await?;
        if user_id == viewer.user_id {
            return Err(AppError::Forbidden("You cannot suspend yourself. Ask another community builder.".into()));
        }
        let mut problem = keep(FormProblem::new(), &[("change", &change), ("reason", &reason)]);
        let reason = read_text(&mut problem, "reason", &reason, "the reason (the member is told it)", 1000);
        let step = match change.as_str() {
            "suspend" => Some((MembershipStatus::Active, MembershipStatus::Suspended, AuditAction::SuspendMember)),
            "reinstate" => Some((MembershipStatus::Suspended, MembershipStatus::Active, AuditAction::ReinstateMember)),
            _ => {
                problem.push("change", "Choose to suspend or reinstate.");
                None
            }
        };
        problem.into_result()?;
        let (Some(reason), Some((from, to, action))) = (reason, step) else { return Err(crate::error::unexpected("status: values missing")) };
        let mut tx = st.db.pool.begin().await?;
        suspend_or_reinstate(&mut tx, &st, &viewer, &place, &user_id, from, to, action, &reason).await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/community/members/{user_id}?done={change}"));
        Ok(())
    }.await)
}

#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn suspend_or_reinstate(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    st: &AppState,
    viewer: &Viewer,
    place: &store::MemberPlace,
    user_id: &str,
    from: MembershipStatus,
    to: MembershipStatus,
    action: AuditAction,
    reason: &str,
) -> Result<(), AppError> {
    if !store::set_status(tx, user_id, &place.network_id, from, to, reason).await? {
        return Err(AppError::Conflict(format!("{} is not {} now.", place.name, from.label().to_lowercase())));
    }
    store::audit(
        tx,
        &AuditEntry::new(&viewer.user_id, action)
            .on_member(&place.network_id, &place.locality_id, user_id)
            .reason(reason)
            .change(from.label(), to.label()),
    )
    .await?;
    if to == MembershipStatus::Suspended {
        // Their sessions end now: a suspended member cannot act.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    }
    if let Some(email) = &place.email {
        let body = if to == MembershipStatus::Suspended {
            format!("Hello {},\n\nA community builder has suspended your Timeweave membership. The reason they gave:\n\n{reason}\n\nWhile suspended you cannot sign in to exchange, and your listings are hidden. Please contact your community builder.\n", place.name)
        } else {
            format!("Hello {},\n\nYour Timeweave membership is active again. The community builder wrote:\n\n{reason}\n\nSign in: {}/sign-in\n", place.name, st.config.public_url)
        };
        crate::email::queue(tx, email, "About your Timeweave membership", &body).await?;
    }
    Ok(())
}

/// A private note on a member, seen only by the builders whose scope reaches them.
#[server(endpoint = "add_member_note")]
pub async fn add_member_note(user_id: String, body: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let place = member_for_builder(&st, &viewer, &user_id).await?;
        let mut problem = FormProblem::new().keep("body", &body);
        let text = read_text(&mut problem, "body", &body, "the note", 2000);
        problem.into_result()?;
        let Some(text) = text else { return Err(crate::error::unexpected("note: missing")) };
        let mut tx = st.db.pool.begin().await?;
        store::add_note(&mut tx, &user_id, &place.network_id, &text, &viewer.user_id).await?;
        // The trail says a note was written, not what it says (notes stay private to builders).
        store::audit(&mut tx, &AuditEntry::new(&viewer.user_id, AuditAction::AddNote).on_member(&place.network_id, &place.locality_id, &user_id))
            .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/community/members/{user_id}?done=note"));
        Ok(())
    }.await)
}

/// Assisted joining: a builder signs up someone with no email or phone (the person agreed on
/// a paper form). They cannot sign in; builders record their exchanges for them.
#[server(endpoint = "assisted_join")]
pub async fn assisted_join(display_name: String, locality: String, about: String, paper_consent: Option<String>) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_some_builder(&viewer)?;
        let mut problem = keep(
            FormProblem::new(),
            &[("display_name", &display_name), ("locality", &locality), ("about", &about), ("paper_consent", paper_consent.as_deref().unwrap_or(""))],
        );
        let name = crate::auth::domain::DisplayName::parse(&display_name).map_err(|m| problem.push("display_name", m)).ok();
        let network = crate::networks::store::locality_network(&st.db, &locality).await?;
        match &network {
            None => problem.push("locality", "Choose the area the person lives in."),
            Some((n, _)) => require_builder_for(&viewer, n, &locality)?,
        }
        if about.chars().count() > 1000 || crate::util::has_control_chars(&about) {
            problem.push("about", "Keep it to 1000 ordinary characters.");
        }
        if paper_consent.is_none() {
            problem.push("paper_consent", "Tick to confirm the person signed the paper membership and consent form.");
        }
        problem.into_result()?;
        let (Some(name), Some((network_id, _))) = (name, network) else { return Err(crate::error::unexpected("assisted: values missing")) };
        let user_id = crate::util::new_id();
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, NULL, $2, NULL, $3)")
            .bind(&user_id)
            .bind(name.as_str())
            .bind(t)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO memberships (id, user_id, network_id, locality_id, status, about, code_of_conduct_agreed_at, joined_by, paper_consent_at, created_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $6, $6)",
        )
        .bind(crate::util::new_id())
        .bind(&user_id)
        .bind(&network_id)
        .bind(&locality)
        .bind(about.trim())
        .bind(t)
        .bind(&viewer.user_id)
        .execute(&mut *tx)
        .await?;
        store::audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::AssistedJoin)
                .on_member(&network_id, &locality, &user_id)
                .reason("Paper membership and consent form signed")
                .change("", format!("active member {}", name.as_str())),
        )
        .await?;
        tx.commit().await?;
        crate::ledger::grant_starting_credit(&st, &network_id, &user_id).await?;
        leptos_axum::redirect(&format!("/community/members/{user_id}?done=joined"));
        Ok(())
    }.await)
}

// ---------------------------------------------------------------------------------------
// Reports and moderation

/// A member reports a listing, a profile or a message to the builders of the member it is
/// about.
#[server(endpoint = "report")]
pub async fn report(subject_kind: String, subject_id: String, reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let me = require_active_member(&viewer)?.clone();
        let subject = ReportSubject::parse(&subject_kind).ok_or_else(|| AppError::not_found("thing to report"))?;
        // Who it is about, and that the reporter may see it at all.
        let about: Option<String> = match subject {
            ReportSubject::Listing => sqlx::query("SELECT owner_id FROM listings WHERE id = $1 AND network_id = $2")
                .bind(&subject_id)
                .bind(&me.network_id)
                .fetch_optional(&st.db.pool)
                .await?
                .map(|r| r.get("owner_id")),
            ReportSubject::Profile => sqlx::query("SELECT user_id FROM memberships WHERE user_id = $1 AND network_id = $2")
                .bind(&subject_id)
                .bind(&me.network_id)
                .fetch_optional(&st.db.pool)
                .await?
                .map(|r| r.get("user_id")),
            ReportSubject::Message => sqlx::query(
                "SELECT m.author_id FROM exchange_messages m JOIN exchanges e ON e.id = m.exchange_id
                 WHERE m.id = $1 AND (e.provider_id = $2 OR e.receiver_id = $2) AND m.kind = 'message'",
            )
            .bind(&subject_id)
            .bind(&viewer.user_id)
            .fetch_optional(&st.db.pool)
            .await?
            .map(|r| r.get("author_id")),
        };
        let about = about.ok_or_else(|| AppError::not_found(&subject.label().to_lowercase()))?;
        if about == viewer.user_id {
            return Err(AppError::Conflict("You cannot report your own listing, profile or message.".into()));
        }
        let mut problem = FormProblem::new().keep("reason", &reason);
        let reason = read_text(&mut problem, "reason", &reason, "what is wrong, in a few words", 1000);
        problem.into_result()?;
        let Some(reason) = reason else { return Err(crate::error::unexpected("report: missing")) };
        let place = store::member_place(&st.db, &about).await?.ok_or_else(|| AppError::not_found("member"))?;
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query(
            "INSERT INTO reports (id, network_id, locality_id, reporter_id, subject_kind, subject_id, subject_user_id, reason, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9)",
        )
        .bind(crate::util::new_id())
        .bind(&place.network_id)
        .bind(&place.locality_id)
        .bind(&viewer.user_id)
        .bind(subject.as_str())
        .bind(&subject_id)
        .bind(&about)
        .bind(&reason)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        leptos_axum::redirect("/report/sent");
        Ok(())
    }.await)
}

/// One report, for the builders whose scope reaches the member it is about.
#[server(endpoint = "report_detail")]
pub async fn report_detail(report_id: String) -> Result<ReportView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, network_id, locality_id) = store::get_report(&st.db, &report_id).await?.ok_or_else(|| AppError::not_found("report"))?;
        require_builder_for(&viewer, &network_id, &locality_id)?;
        Ok(r)
    }.await)
}

/// A builder acts on a report: review, hide or restore the listing, warn or suspend the
/// member, or dismiss. The reporter is told in general terms; the member acted on is told
/// what was done and why.
#[server(endpoint = "moderate")]
pub async fn moderate(report_id: String, action: String, reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, network_id, locality_id) = store::get_report(&st.db, &report_id).await?.ok_or_else(|| AppError::not_found("report"))?;
        require_builder_for(&viewer, &network_id, &locality_id)?;
        if r.subject_user_id == viewer.user_id {
            return Err(AppError::Forbidden("This report is about you: another community builder must decide it.".into()));
        }
        let mut problem = keep(FormProblem::new(), &[("action", &action), ("reason", &reason)]);
        let m = Moderation::parse(&action).filter(|m| Moderation::choices(r.subject, r.status).iter().any(|(k, _)| Moderation::parse(k) == Some(*m)));
        if m.is_none() {
            problem.push("action", "Choose what to do from the list.");
        }
        let reason = read_text(&mut problem, "reason", &reason, "the reason (kept in the audit trail)", 1000);
        problem.into_result()?;
        let (Some(m), Some(reason)) = (m, reason) else { return Err(crate::error::unexpected("moderate: values missing")) };
        if r.status == ReportStatus::Resolved {
            return Err(AppError::Conflict("This report is already resolved.".into()));
        }
        let place = store::member_place(&st.db, &r.subject_user_id).await?.ok_or_else(|| AppError::not_found("member"))?;
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        let moved = sqlx::query("UPDATE reports SET status = $1, outcome = $2, handled_by = $3, updated_at = $4 WHERE id = $5 AND status = $6")
            .bind(m.status_after().as_str())
            .bind(m.told_to_reporter())
            .bind(&viewer.user_id)
            .bind(t)
            .bind(&report_id)
            .bind(r.status.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 0 {
            return Err(AppError::Conflict("Someone else acted on this report meanwhile. Please look at it again.".into()));
        }
        let entry = AuditEntry::new(&viewer.user_id, m.audit_action())
            .on_member(&place.network_id, &place.locality_id, &r.subject_user_id)
            .subject(format!("report:{report_id} {}:{}", r.subject.as_str(), r.subject_id))
            .reason(reason.clone());
        let link_for_member;
        match m {
            Moderation::HideListing | Moderation::RestoreListing => {
                let hide = m == Moderation::HideListing;
                let changed = sqlx::query(if hide {
                    "UPDATE listings SET hidden_at = $1 WHERE id = $2 AND hidden_at IS NULL"
                } else {
                    "UPDATE listings SET hidden_at = NULL WHERE id = $2 AND hidden_at IS NOT NULL AND $1 > 0"
                })
                .bind(t)
                .bind(&r.subject_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                store::audit(&mut tx, &entry.change(if hide { "shown" } else { "hidden" }, if changed == 1 { if hide { "hidden" } else { "shown" } } else { "unchanged" }))
                    .await?;
                link_for_member = Some((
                    if hide {
                        format!("A community builder hid your listing \"{}\": {reason}", r.excerpt)
                    } else {
                        format!("Your listing \"{}\" is shown again.", r.excerpt)
                    },
                    format!("/listings/{}", r.subject_id),
                ));
            }
            Moderation::Warn => {
                store::audit(&mut tx, &entry).await?;
                link_for_member = Some((format!("A community builder sent you a warning: {reason}"), "/home".into()));
            }
            Moderation::Suspend => {
                suspend_or_reinstate(
                    &mut tx,
                    &st,
                    &viewer,
                    &place,
                    &r.subject_user_id,
                    MembershipStatus::Active,
                    MembershipStatus::Suspended,
                    AuditAction::SuspendMember,
                    &reason,
                )
                .await?;
                link_for_member = None;
            }
            Moderation::Review | Moderation::Dismiss => {
                store::audit(&mut tx, &entry).await?;
                link_for_member = None;
            }
        }
        if let Some((text, link)) = link_for_member {
            crate::notifications::notify(&mut tx, &st.config.public_url, &r.subject_user_id, &text, &link).await?;
        }
        let reporter: String = sqlx::query("SELECT reporter_id FROM reports WHERE id = $1").bind(&report_id).fetch_one(&mut *tx).await?.get("reporter_id");
        crate::notifications::notify(&mut tx, &st.config.public_url, &reporter, m.told_to_reporter(), "/notifications").await?;
        tx.commit().await?;
        leptos_axum::redirect("/community?done=moderated");
        Ok(())
    }.await)
}

/// A builder settles a disputed exchange: sets the hours (which posts the exchange's one
/// transfer) or cancels it, with a reason both members see.
#[server(endpoint = "resolve_dispute")]
pub async fn resolve_dispute(exchange_id: String, outcome: String, hours: String, minutes: String, reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let row = sqlx::query(
            "SELECT e.network_id, e.status, e.title, e.provider_id, e.receiver_id, e.recorded_minutes, m.locality_id
             FROM exchanges e LEFT JOIN memberships m ON m.user_id = e.receiver_id AND m.network_id = e.network_id WHERE e.id = $1",
        )
        .bind(&exchange_id)
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("exchange"))?;
        let network_id: String = row.get("network_id");
        let locality_id: String = row.get::<Option<String>, _>("locality_id").unwrap_or_default();
        let provider_id: String = row.get("provider_id");
        let receiver_id: String = row.get("receiver_id");
        // Either side's builders may settle it.
        let provider_place = store::member_place(&st.db, &provider_id).await?;
        let in_scope = require_builder_for(&viewer, &network_id, &locality_id).is_ok()
            || provider_place.as_ref().is_some_and(|p| require_builder_for(&viewer, &p.network_id, &p.locality_id).is_ok());
        if !in_scope {
            return Err(AppError::Forbidden("Only the community builders of those members can settle this exchange.".into()));
        }
        if viewer.user_id == provider_id || viewer.user_id == receiver_id {
            return Err(AppError::Forbidden("You took part in this exchange: ask another community builder to settle it.".into()));
        }
        let mut problem = keep(FormProblem::new(), &[("outcome", &outcome), ("hours", &hours), ("minutes", &minutes), ("reason", &reason)]);
        let set_hours = match outcome.as_str() {
            "hours" => Some(true),
            "cancel" => Some(false),
            _ => {
                problem.push("outcome", "Choose to set the hours or cancel the exchange.");
                None
            }
        };
        let amount = if set_hours == Some(true) {
            crate::ledger::domain::Minutes::from_parts(&hours, &minutes).map_err(|m| problem.push("hours", m)).ok()
        } else {
            None
        };
        let reason = read_text(&mut problem, "reason", &reason, "the reason (both members see it)", 1000);
        problem.into_result()?;
        let (Some(set_hours), Some(reason)) = (set_hours, reason) else { return Err(crate::error::unexpected("dispute: values missing")) };
        if row.get::<String, _>("status") != "disputed" {
            return Err(AppError::Conflict("This exchange is not disputed now.".into()));
        }
        let title: String = row.get("title");
        let before = format!("disputed, {} recorded", crate::ledger::domain::Minutes(row.get::<Option<i64>, _>("recorded_minutes").unwrap_or(0)).display());
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        let (sql, after) = if set_hours {
            let m = amount.map(|a| a.0).unwrap_or(0);
            (
                "UPDATE exchanges SET status = 'recorded', recorded_minutes = $1, recorded_by = $2, reason = $3, updated_at = $4 WHERE id = $5 AND status = 'disputed'",
                (m, format!("hours set to {}", crate::ledger::domain::Minutes(m).display())),
            )
        } else {
            (
                "UPDATE exchanges SET status = 'cancelled', recorded_minutes = $1, recorded_by = $2, reason = $3, updated_at = $4 WHERE id = $5 AND status = 'disputed'",
                (row.get::<Option<i64>, _>("recorded_minutes").unwrap_or(0), "cancelled".to_string()),
            )
        };
        let moved = sqlx::query(sql)
            .bind(after.0)
            .bind(&viewer.user_id)
            .bind(&reason)
            .bind(t)
            .bind(&exchange_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 0 {
            return Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()));
        }
        let entry = AuditEntry::new(&viewer.user_id, AuditAction::ResolveDispute)
            .on_member(&network_id, &locality_id, &receiver_id)
            .subject(format!("exchange:{exchange_id} {title}"))
            .reason(reason.clone())
            .change(before, after.1.clone());
        if set_hours {
            // The hours: the audit line rides on the exchange's one transfer, so it is
            // written in the ledger's transaction and only if the hours really move; the
            // members are told by the confirmation itself.
            tx.commit().await?;
            if let Err(r) = crate::exchanges::confirm_exchange(&st, &exchange_id, &viewer.display_name, None, vec![entry]).await? {
                // The ledger refused (a limit): back to disputed, nothing moved, no line.
                sqlx::query("UPDATE exchanges SET status = 'disputed' WHERE id = $1 AND status = 'recorded'").bind(&exchange_id).execute(&st.db.pool).await?;
                return Err(AppError::invalid("hours", r.message()));
            }
        } else {
            store::audit(&mut tx, &entry).await?;
            let link = format!("/exchanges/{exchange_id}");
            for user in [&provider_id, &receiver_id] {
                crate::notifications::notify(&mut tx, &st.config.public_url, user, &format!("A community builder cancelled \"{title}\": {reason}"), &link).await?;
            }
            tx.commit().await?;
        }
        leptos_axum::redirect(&format!("/exchanges/{exchange_id}"));
        Ok(())
    }.await)
}

// ---------------------------------------------------------------------------------------
// The network's rules, categories and noticeboard

#[server(endpoint = "network_settings")]
pub async fn network_settings(network_id: Option<String>) -> Result<SettingsView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let network_id = builder_network(&st, &viewer, network_id.as_deref()).await?;
        let (network_name, settings) = store::settings(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("time bank"))?;
        let categories = sqlx::query(
            "SELECT id, name, retired_at, network_id FROM categories WHERE network_id IS NULL OR network_id = $1 ORDER BY position, name",
        )
        .bind(&network_id)
        .fetch_all(&st.db.pool)
        .await?
        .into_iter()
        .map(|r| CategoryView {
            id: r.get("id"),
            name: r.get("name"),
            retired: r.get::<Option<i64>, _>("retired_at").is_some(),
            shared: r.get::<Option<String>, _>("network_id").is_none(),
        })
        .collect();
        Ok(SettingsView {
            whole_network: require_network_builder(&viewer, &network_id).is_ok(),
            localities: localities_in_scope(&st, &viewer, &network_id).await?,
            announcements: store::announcements_for(&st.db, &network_id, None, 50)
                .await?
                .into_iter()
                .filter(|a| a.locality_id.as_deref().map_or(true, |l| require_builder_for(&viewer, &network_id, l).is_ok()))
                .collect(),
            network_id,
            network_name,
            settings,
            categories,
        })
    }.await)
}

#[server(endpoint = "update_network_settings")]
#[allow(clippy::too_many_arguments)]
pub async fn update_network_settings(
    network_id: String,
    requires_approval: Option<String>,
    starting_credit: String,
    starting_credit_source: String,
    below_zero: String,
    ceiling: String,
    auto_confirm_days: String,
    listing_expiry_days: String,
    see_other_localities: Option<String>,
    first_contact_days: Option<String>,
    follow_up_weeks: Option<String>,
    referral_retention_months: Option<String>,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_network_builder(&viewer, &network_id)?;
        let (_, current) = store::settings(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("time bank"))?;
        // Forms from before the referral rules existed leave them as they are.
        let first_contact_days = first_contact_days.unwrap_or_else(|| current.first_contact_days.to_string());
        let follow_up_weeks = follow_up_weeks.unwrap_or_else(|| current.follow_up_weeks.to_string());
        let referral_retention_months = referral_retention_months.unwrap_or_else(|| current.referral_retention_months.to_string());
        let mut problem = keep(
            FormProblem::new(),
            &[
                ("requires_approval", requires_approval.as_deref().unwrap_or("")),
                ("starting_credit", &starting_credit),
                ("starting_credit_source", &starting_credit_source),
                ("below_zero", &below_zero),
                ("ceiling", &ceiling),
                ("auto_confirm_days", &auto_confirm_days),
                ("listing_expiry_days", &listing_expiry_days),
                ("see_other_localities", see_other_localities.as_deref().unwrap_or("")),
                ("first_contact_days", &first_contact_days),
                ("follow_up_weeks", &follow_up_weeks),
                ("referral_retention_months", &referral_retention_months),
            ],
        );
        let s = domain::NetworkSettings::parse(
            requires_approval.is_some(),
            &starting_credit,
            &starting_credit_source,
            &below_zero,
            &ceiling,
            &auto_confirm_days,
            &listing_expiry_days,
            see_other_localities.is_some(),
            [&first_contact_days, &follow_up_weeks, &referral_retention_months],
            &mut problem,
        );
        problem.into_result()?;
        let Some(s) = s else { return Err(crate::error::unexpected("settings: missing")) };
        let (_, before) = store::settings(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("time bank"))?;
        let mut tx = st.db.pool.begin().await?;
        store::save_settings(&mut tx, &network_id, &s).await?;
        store::audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::ChangeSettings).in_network(&network_id, None).change(before.summary(), s.summary()),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect("/community/settings?done=settings");
        Ok(())
    }.await)
}

/// Add a category to the network, or rename, retire or bring back one of its own.
/// Retired categories stay on old listings and leave the lists for new ones.
#[server(endpoint = "change_category")]
pub async fn change_category(
    network_id: String,
    op: String,
    category_id: Option<String>,
    name: Option<String>,
    new_name: Option<String>,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_network_builder(&viewer, &network_id)?;
        // The add form's box is `name`, the rename form's `new_name` (two forms, one page).
        let field = if op == "rename" { "new_name" } else { "name" };
        let name = if op == "rename" { new_name.unwrap_or_default() } else { name.unwrap_or_default() };
        let mut problem = FormProblem::new().keep(field, &name).keep("category_id", category_id.as_deref().unwrap_or(""));
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        let entry = AuditEntry::new(&viewer.user_id, AuditAction::ChangeCategory).in_network(&network_id, None);
        let entry = match op.as_str() {
            "add" | "rename" => {
                if op == "rename" && category_id.as_deref().unwrap_or("").is_empty() {
                    problem.push("category_id", "Choose the category to rename.");
                }
                let name = read_text(&mut problem, field, &name, "the category's name", 60);
                problem.clone().into_result()?;
                let name = name.unwrap_or_default();
                let taken = sqlx::query("SELECT 1 FROM categories WHERE (network_id IS NULL OR network_id = $1) AND lower(name) = lower($2)")
                    .bind(&network_id)
                    .bind(&name)
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(AppError::Invalid(problem.field(field, "There is already a category with that name.")));
                }
                if op == "add" {
                    let id = crate::util::new_id();
                    sqlx::query(
                        "INSERT INTO categories (id, network_id, name, theme, position, retired_at, created_at)
                         VALUES ($1, $2, $3, 'skill', (SELECT COALESCE(MAX(position), 0) + 1 FROM categories), NULL, $4)",
                    )
                    .bind(&id)
                    .bind(&network_id)
                    .bind(&name)
                    .bind(t)
                    .execute(&mut *tx)
                    .await?;
                    entry.subject(format!("category:{id}")).change("", name)
                } else {
                    let id = category_id.clone().unwrap_or_default();
                    let old = own_category(&mut tx, &network_id, &id).await?;
                    sqlx::query("UPDATE categories SET name = $1 WHERE id = $2").bind(&name).bind(&id).execute(&mut *tx).await?;
                    entry.subject(format!("category:{id}")).change(old, name)
                }
            }
            "retire" | "restore" => {
                let id = category_id.clone().unwrap_or_default();
                let old = own_category(&mut tx, &network_id, &id).await?;
                let retire = op == "retire";
                sqlx::query("UPDATE categories SET retired_at = $1 WHERE id = $2").bind(retire.then_some(t)).bind(&id).execute(&mut *tx).await?;
                entry.subject(format!("category:{id}")).change(old.clone(), if retire { format!("{old} (retired)") } else { old })
            }
            _ => return Err(AppError::invalid("op", "Choose what to do with the category.")),
        };
        store::audit(&mut tx, &entry).await?;
        tx.commit().await?;
        leptos_axum::redirect("/community/settings?done=category");
        Ok(())
    }.await)
}

/// The name of a category this network owns. The shared, seeded categories belong to every
/// network: only a site admin may change those.
#[cfg(feature = "ssr")]
async fn own_category(tx: &mut sqlx::Transaction<'_, sqlx::Any>, network_id: &str, id: &str) -> Result<String, AppError> {
    let row = sqlx::query("SELECT name, network_id FROM categories WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    match row {
        Some(r) if r.get::<Option<String>, _>("network_id").as_deref() == Some(network_id) => Ok(r.get("name")),
        Some(_) => Err(AppError::Forbidden("That category is shared by every network; ask a site administrator to change it.".into())),
        None => Err(AppError::not_found("category")),
    }
}

/// A notice for the whole network or one locality; optionally emailed to its members.
#[server(endpoint = "post_announcement")]
pub async fn post_announcement(network_id: String, audience: String, title: String, body: String, email: Option<String>) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let locality = if audience == "network" || audience.is_empty() {
            require_network_builder(&viewer, &network_id)?;
            None
        } else {
            let in_network = sqlx::query("SELECT 1 FROM localities WHERE id = $1 AND network_id = $2")
                .bind(&audience)
                .bind(&network_id)
                .fetch_optional(&st.db.pool)
                .await?;
            if in_network.is_none() {
                return Err(AppError::invalid("audience", "Choose who the announcement is for."));
            }
            require_builder_for(&viewer, &network_id, &audience)?;
            Some(audience.clone())
        };
        let mut problem = keep(FormProblem::new(), &[("audience", &audience), ("title", &title), ("body", &body), ("email", email.as_deref().unwrap_or(""))]);
        let title = read_text(&mut problem, "title", &title, "a title", 120);
        let body = read_text(&mut problem, "body", &body, "the announcement", 4000);
        problem.into_result()?;
        let (Some(title), Some(body)) = (title, body) else { return Err(crate::error::unexpected("announcement: missing")) };
        let id = crate::util::new_id();
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query(
            "INSERT INTO announcements (id, network_id, locality_id, title, body, posted_by, emailed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&network_id)
        .bind(&locality)
        .bind(&title)
        .bind(&body)
        .bind(&viewer.user_id)
        .bind(email.is_some() as i64)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        if email.is_some() {
            let rows = sqlx::query(
                "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.network_id = $1 AND m.status = 'active' AND ($2 = '' OR m.locality_id = $2) AND u.email IS NOT NULL
                   AND u.email_frequency <> 'never'",
            )
            .bind(&network_id)
            .bind(locality.as_deref().unwrap_or(""))
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let to: String = r.get("email");
                crate::email::queue(&mut tx, &to, &title, &format!("{body}\n\n— {}, community builder\n{}/home\n", viewer.display_name, st.config.public_url)).await?;
            }
        }
        store::audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::PostAnnouncement)
                .in_network(&network_id, locality.as_deref())
                .subject(format!("announcement:{id}"))
                .change("", title),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect("/community/settings?done=announcement");
        Ok(())
    }.await)
}

#[server(endpoint = "end_announcement")]
pub async fn end_announcement(announcement_id: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let row = sqlx::query("SELECT network_id, locality_id, title FROM announcements WHERE id = $1 AND ended_at IS NULL")
            .bind(&announcement_id)
            .fetch_optional(&st.db.pool)
            .await?
            .ok_or_else(|| AppError::not_found("announcement"))?;
        let network_id: String = row.get("network_id");
        let locality: Option<String> = row.get("locality_id");
        match &locality {
            Some(l) => require_builder_for(&viewer, &network_id, l)?,
            None => require_network_builder(&viewer, &network_id)?,
        }
        let mut tx = st.db.pool.begin().await?;
        let ended = sqlx::query("UPDATE announcements SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(crate::util::now())
            .bind(&announcement_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if ended == 0 {
            return Err(AppError::Conflict("That announcement was already taken down.".into()));
        }
        store::audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::EndAnnouncement)
                .in_network(&network_id, locality.as_deref())
                .subject(format!("announcement:{announcement_id}"))
                .change(row.get::<String, _>("title"), "taken down"),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect("/community/settings?done=ended");
        Ok(())
    }.await)
}

/// The noticeboard on a member's home page.
#[server(endpoint = "noticeboard")]
pub async fn noticeboard() -> Result<Vec<AnnouncementView>, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        match &viewer.membership {
            Some(m) if m.status == MembershipStatus::Active => store::announcements_for(&st.db, &m.network_id, Some(&m.locality_id), 5).await,
            _ => Ok(vec![]),
        }
    }.await)
}

// ---------------------------------------------------------------------------------------
// The audit trail

#[server(endpoint = "audit_trail")]
pub async fn audit_trail(person: Option<String>, action: Option<String>, from: Option<String>, to: Option<String>, page: Option<u32>) -> Result<AuditPage, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_some_builder(&viewer)?;
        let filter = audit_filter(person, action, from, to)?;
        let page = page.unwrap_or(1).max(1);
        const PER: i64 = 50;
        let mut lines = store::audit_lines(&st.db, Some(&viewer), &filter, PER + 1, (page as i64 - 1) * PER).await?;
        let has_more = lines.len() as i64 > PER;
        lines.truncate(PER as usize);
        Ok(AuditPage {
            lines,
            page,
            has_more,
            actions: AuditAction::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string())).collect(),
        })
    }.await)
}

/// Reads the trail's filters (dates as YYYY-MM-DD, UTC days).
#[cfg(feature = "ssr")]
pub fn audit_filter(person: Option<String>, action: Option<String>, from: Option<String>, to: Option<String>) -> Result<store::AuditFilter, AppError> {
    let day = |s: Option<String>, field: &str| -> Result<Option<i64>, AppError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(d) => domain::parse_iso_date(d)
                .map(|(y, m, dd)| Some(crate::util::days_from_civil(y, m, dd) * 86_400))
                .ok_or_else(|| AppError::invalid(field, "Write the date as year-month-day, for example 2026-03-14.")),
        }
    };
    Ok(store::AuditFilter {
        person,
        action: action.as_deref().and_then(AuditAction::parse),
        from: day(from, "from")?,
        to: day(to, "to")?.map(|t| t + 86_400),
        subject_user_id: None,
    })
}

/// A trail line as the member it is about may see it, or nothing. An allow-list: what was
/// done to the account and why. Ledger lines lose their "after" (it names the other
/// accounts of a shared transfer; the member's statement shows their own side), report
/// actions lose which report it was.
#[cfg(feature = "ssr")]
fn for_the_member(mut l: AuditLine) -> Option<AuditLine> {
    use AuditAction::*;
    let action = AuditAction::ALL.into_iter().find(|a| a.label() == l.action)?;
    match action {
        ApproveMember | SuspendMember | ReinstateMember | UpdateVetting | AssistedJoin | ResolveDispute | ChangeLimits | AppointBuilder
        | OrganisationAccount => {}
        GrantHours | AdjustBalance | ReverseTransfer | RecordOnBehalf => {
            l.before.clear();
            l.after.clear();
        }
        HideListing | RestoreListing | WarnMember => l.subject.clear(),
        _ => return None,
    }
    Some(l)
}

/// What builders and admins did on the signed-in member's own account. Left out: private
/// notes (they stay with the builders) and a report's review or dismissal (nothing was done
/// to the account, and telling someone they were reported helps nobody).
#[server(endpoint = "my_account_actions")]
pub async fn my_account_actions() -> Result<Vec<AuditLine>, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let filter = store::AuditFilter { subject_user_id: Some(viewer.user_id.clone()), ..Default::default() };
        Ok(store::audit_lines(&st.db, None, &filter, 200, 0).await?.into_iter().filter_map(for_the_member).collect())
    }.await)
}

// ---------------------------------------------------------------------------------------
// Site admins: networks, localities, builders

#[server(endpoint = "admin_networks")]
pub async fn admin_networks() -> Result<Vec<NetworkAdminView>, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_site_admin(&viewer)?;
        let mut out: Vec<NetworkAdminView> = sqlx::query("SELECT id, name, council_area FROM networks ORDER BY name")
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| NetworkAdminView { id: r.get("id"), name: r.get("name"), council_area: r.get("council_area"), localities: vec![], builders: vec![] })
            .collect();
        for n in &mut out {
            n.localities = sqlx::query("SELECT id, name, population FROM localities WHERE network_id = $1 ORDER BY name")
                .bind(&n.id)
                .fetch_all(&st.db.pool)
                .await?
                .into_iter()
                .map(|r| (r.get("id"), r.get("name"), r.get("population")))
                .collect();
            n.builders = sqlx::query(
                "SELECT u.display_name, l.name AS locality_name FROM builder_roles b JOIN users u ON u.id = b.user_id
                 LEFT JOIN localities l ON l.id = b.locality_id WHERE b.network_id = $1 ORDER BY u.display_name",
            )
            .bind(&n.id)
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| (r.get("display_name"), r.get::<Option<String>, _>("locality_name").unwrap_or_else(|| "Whole network".into())))
            .collect();
        }
        Ok(out)
    }.await)
}

#[server(endpoint = "create_network")]
pub async fn create_network(name: String, council_area: String, first_locality: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_site_admin(&viewer)?;
        let mut problem = keep(FormProblem::new(), &[("name", &name), ("council_area", &council_area), ("first_locality", &first_locality)]);
        let name = read_text(&mut problem, "name", &name, "the network's name", 100);
        let area = read_text(&mut problem, "council_area", &council_area, "the council area", 100);
        let first = read_text(&mut problem, "first_locality", &first_locality, "the first locality's name", 100);
        problem.into_result()?;
        let (Some(name), Some(area), Some(first)) = (name, area, first) else { return Err(crate::error::unexpected("network: missing")) };
        let slug = slugify(&name);
        let taken = sqlx::query("SELECT 1 FROM networks WHERE slug = $1 OR lower(name) = lower($2)").bind(&slug).bind(&name).fetch_optional(&st.db.pool).await?;
        if taken.is_some() {
            return Err(AppError::invalid("name", "There is already a network with that name."));
        }
        let (id, lid, t) = (crate::util::new_id(), crate::util::new_id(), crate::util::now());
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("INSERT INTO networks (id, slug, name, council_area, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(&slug)
            .bind(&name)
            .bind(&area)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO localities (id, network_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&lid)
            .bind(&id)
            .bind(slugify(&first))
            .bind(&first)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        store::audit(&mut tx, &AuditEntry::new(&viewer.user_id, AuditAction::CreateNetwork).in_network(&id, Some(&lid)).change("", format!("{name} ({area}), first locality {first}")))
            .await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/networks?done=network");
        Ok(())
    }.await)
}

#[server(endpoint = "create_locality")]
pub async fn create_locality(network_id: String, locality_name: String, population: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_site_admin(&viewer)?;
        let mut problem = keep(FormProblem::new(), &[("network_id", &network_id), ("locality_name", &locality_name), ("population", &population)]);
        let name = read_text(&mut problem, "locality_name", &locality_name, "the locality's name", 100);
        let population = match population.trim().replace(',', "") {
            p if p.is_empty() => Some(None),
            p => match p.parse::<i64>() {
                Ok(n) if (1..=10_000_000).contains(&n) => Some(Some(n)),
                _ => {
                    problem.push("population", "Write the number of residents, for example 27400, or leave it empty.");
                    None
                }
            },
        };
        problem.into_result()?;
        let (Some(name), Some(population)) = (name, population) else { return Err(crate::error::unexpected("locality: missing")) };
        let exists = sqlx::query("SELECT 1 FROM networks WHERE id = $1").bind(&network_id).fetch_optional(&st.db.pool).await?;
        if exists.is_none() {
            return Err(AppError::invalid("network_id", "Choose the network the locality belongs to."));
        }
        let slug = slugify(&name);
        let taken = sqlx::query("SELECT 1 FROM localities WHERE network_id = $1 AND slug = $2").bind(&network_id).bind(&slug).fetch_optional(&st.db.pool).await?;
        if taken.is_some() {
            return Err(AppError::invalid("locality_name", "That network already has a locality with that name."));
        }
        let id = crate::util::new_id();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("INSERT INTO localities (id, network_id, slug, name, population, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(&network_id)
            .bind(&slug)
            .bind(&name)
            .bind(population)
            .bind(crate::util::now())
            .execute(&mut *tx)
            .await?;
        store::audit(&mut tx, &AuditEntry::new(&viewer.user_id, AuditAction::CreateLocality).in_network(&network_id, Some(&id)).change("", name)).await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/networks?done=locality");
        Ok(())
    }.await)
}

/// Makes someone (by their account's email) a community builder for a whole network
/// (`scope` = `net:<network id>`) or one locality (`scope` = the locality's id).
#[server(endpoint = "appoint_builder")]
pub async fn appoint_builder(email: String, scope: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_site_admin(&viewer)?;
        let problem = keep(FormProblem::new(), &[("email", &email), ("scope", &scope)]);
        let user = sqlx::query("SELECT id, display_name FROM users WHERE email = $1").bind(email.trim().to_lowercase()).fetch_optional(&st.db.pool).await?;
        let Some(user) = user else {
            return Err(AppError::Invalid(problem.field("email", "There is no account with that email. Ask them to join first.")));
        };
        let found = match scope.strip_prefix("net:") {
            Some(n) => sqlx::query("SELECT id AS network_id, NULL AS locality_id FROM networks WHERE id = $1").bind(n).fetch_optional(&st.db.pool).await?,
            None => sqlx::query("SELECT network_id, id AS locality_id FROM localities WHERE id = $1").bind(&scope).fetch_optional(&st.db.pool).await?,
        };
        let Some(found) = found else {
            return Err(AppError::Invalid(problem.field("scope", "Choose a whole network or one of its localities.")));
        };
        let network_id: String = found.get("network_id");
        let locality: Option<String> = found.get("locality_id");
        let user_id: String = user.get("id");
        let dup = sqlx::query("SELECT 1 FROM builder_roles WHERE user_id = $1 AND network_id = $2 AND COALESCE(locality_id, '') = $3")
            .bind(&user_id)
            .bind(&network_id)
            .bind(locality.as_deref().unwrap_or(""))
            .fetch_optional(&st.db.pool)
            .await?;
        if dup.is_some() {
            return Err(AppError::Conflict("They already build for that scope.".into()));
        }
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(crate::util::new_id())
            .bind(&user_id)
            .bind(&network_id)
            .bind(&locality)
            .bind(crate::util::now())
            .execute(&mut *tx)
            .await?;
        let mut entry = AuditEntry::new(&viewer.user_id, AuditAction::AppointBuilder)
            .in_network(&network_id, locality.as_deref())
            .change("", format!("community builder for {}", if locality.is_some() { "a locality" } else { "the whole network" }));
        entry.subject_user_id = Some(user_id);
        store::audit(&mut tx, &entry).await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/networks?done=builder");
        Ok(())
    }.await)
}

#[cfg(feature = "ssr")]
fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        crate::util::new_id()[..8].to_string()
    } else {
        out
    }
}
