//! The referral pathway: health and care staff (and people themselves) refer someone into
//! the time bank; the builders of the person's locality take it from there to a first
//! supported exchange, and record how the person is doing.
//!
//! Who sees what (decided here, on the server, for every function):
//! - the builders whose scope reaches the referral's locality: everything, and they move
//!   it along (once consent to share is withdrawn: only status and dates);
//! - site admins: everything, for support — every read is logged as such;
//! - the professional who referred, and their organisation's lead: the details they sent,
//!   the status, the dates and the closing summary; never the person's exchanges,
//!   messages or balance (nothing here reads them);
//! - everyone else, the referred person included: "not found".
//! Every read and change writes a line to `referral_access_log`, which only admins see.

#[cfg(feature = "ssr")]
pub mod api;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use domain::{Move, Status, Wellbeing};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    networks::domain::Viewer,
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use domain::{Mover, ReferralInput};
#[cfg(feature = "ssr")]
use sqlx::Row;

/// How the caller stands to a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relation {
    Builder,
    Admin,
    Referrer,
    OrganisationLead,
}

impl Relation {
    pub fn acts_as_builder(self) -> bool {
        matches!(self, Relation::Builder | Relation::Admin)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// What the referral form needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFormView {
    /// (network name, its localities)
    pub areas: Vec<(String, Vec<(String, String)>)>,
    /// (id, name, is a wellbeing theme)
    pub interests: Vec<(String, String, bool)>,
    pub organisation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: String,
    pub person_name: String,
    pub locality: String,
    pub status: Status,
    pub urgency: String,
    pub from: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Working days since it arrived, and the network's target for first contact.
    pub age_days: i64,
    pub target_days: i64,
    pub overdue: bool,
    pub consent_withdrawn: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralsView {
    /// For builders and admins: the referrals in their scope, open first, oldest first.
    pub queue: Vec<QueueItem>,
    pub is_builder: bool,
    /// For professionals: their own (or, for an organisation's lead, the organisation's).
    pub sent: Vec<QueueItem>,
    pub is_professional: bool,
    pub verified: bool,
    pub org_lead: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub from: String,
    pub to: String,
    pub by: String,
    pub note: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeLine {
    pub stage: String,
    pub scores: Wellbeing,
    pub answered_by: String,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub name: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub contact_by: String,
    pub what_matters: String,
    pub interests: Vec<String>,
    pub access_needs: String,
    pub risk_notes: String,
}

/// One referral as the caller may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    pub id: String,
    pub relation: Relation,
    pub status: Status,
    pub locality: String,
    pub network_id: String,
    pub source: String,
    pub referrer: String,
    pub organisation: String,
    pub urgency: String,
    /// None once erased, or (for builders) once consent to share was withdrawn.
    pub person: Option<PersonDetails>,
    pub consent_method: String,
    pub consent_recorded_by: String,
    pub consent_at: i64,
    pub consent_withdrawn_at: Option<i64>,
    pub erased_at: Option<i64>,
    pub created_at: i64,
    pub first_contact_at: Option<i64>,
    pub joined_at: Option<i64>,
    pub first_exchange_at: Option<i64>,
    pub first_exchange_supported_by: String,
    pub closed_at: Option<i64>,
    pub outcome_summary: String,
    pub age_days: i64,
    pub target_days: i64,
    pub overdue: bool,
    /// Builders only from here on.
    pub member_id: Option<String>,
    pub member_name: Option<String>,
    pub history: Vec<HistoryLine>,
    pub outcomes: Vec<OutcomeLine>,
    pub follow_up_due: Option<i64>,
    pub moves: Vec<Move>,
    /// Other active members of the locality, for recording the first exchange.
    pub locality_members: Vec<Choice>,
    pub new_transfer_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLine {
    pub referral_id: String,
    pub who: String,
    pub action: String,
    pub detail: String,
    pub at: i64,
}

// ---------------------------------------------------------------------------------------
// Helpers

#[cfg(feature = "ssr")]
fn label_of(viewer: &Viewer, relation: Relation) -> String {
    match relation {
        Relation::Admin => format!("{} (site admin, support)", viewer.display_name),
        Relation::Builder => format!("{} (community builder)", viewer.display_name),
        Relation::Referrer => format!("{} (referrer)", viewer.display_name),
        Relation::OrganisationLead => format!("{} (organisation lead)", viewer.display_name),
    }
}

/// How the viewer stands to a stored referral, if at all.
#[cfg(feature = "ssr")]
pub fn relation_to(viewer: &Viewer, r: &store::Referral) -> Option<Relation> {
    if viewer.builder_of.iter().any(|s| s.covers(&r.network_id, &r.locality_id)) {
        return Some(Relation::Builder);
    }
    if viewer.is_site_admin {
        return Some(Relation::Admin);
    }
    let p = viewer.professional.as_ref().filter(|p| p.verified)?;
    if r.referrer_id.as_deref() == Some(viewer.user_id.as_str()) {
        return Some(Relation::Referrer);
    }
    if p.is_org_lead && r.organisation_id.as_deref() == Some(p.organisation_id.as_str()) {
        return Some(Relation::OrganisationLead);
    }
    None
}

/// The referral and the caller's relation to it; outsiders are told it does not exist.
#[cfg(feature = "ssr")]
async fn open(st: &AppState, viewer: &Viewer, id: &str) -> Result<(store::Referral, Relation), AppError> {
    let r = store::get(&st.db, id).await?.ok_or_else(|| AppError::not_found("referral"))?;
    match relation_to(viewer, &r) {
        Some(rel) => Ok((r, rel)),
        None => Err(AppError::not_found("referral")),
    }
}

/// The same, but only for the builders of the locality (and admins).
#[cfg(feature = "ssr")]
async fn open_as_builder(st: &AppState, viewer: &Viewer, id: &str) -> Result<(store::Referral, Relation), AppError> {
    let (r, rel) = open(st, viewer, id).await?;
    if !rel.acts_as_builder() {
        return Err(AppError::Forbidden("Only the community builders of the person's area can do that.".into()));
    }
    Ok((r, rel))
}

#[cfg(feature = "ssr")]
fn clock(created_at: i64, status: Status, target: i64) -> (i64, bool) {
    let age = domain::working_days_between(created_at, crate::util::now());
    (age, status.awaits_contact() && age > target)
}

#[cfg(feature = "ssr")]
fn queue_item(r: &store::Referral, hide_person: bool) -> QueueItem {
    let (age_days, overdue) = clock(r.created_at, r.status, r.first_contact_days);
    QueueItem {
        id: r.id.clone(),
        person_name: if r.erased_at.is_some() {
            "(details erased)".into()
        } else if hide_person {
            "(consent withdrawn)".into()
        } else {
            r.person_name.clone()
        },
        locality: r.locality_name.clone(),
        status: r.status,
        urgency: r.urgency.clone(),
        from: match r.source {
            domain::Source::SelfReferral => "Self-referral".into(),
            _ if !r.organisation_name.is_empty() => r.organisation_name.clone(),
            _ => "Partner system".into(),
        },
        created_at: r.created_at,
        updated_at: r.updated_at,
        age_days,
        target_days: r.first_contact_days,
        overdue,
        consent_withdrawn: r.consent_withdrawn_at.is_some(),
    }
}

/// The localities and interests the forms offer.
#[cfg(feature = "ssr")]
async fn form_choices(st: &AppState) -> Result<(Vec<(String, Vec<(String, String)>)>, Vec<(String, String, bool)>), AppError> {
    let areas = crate::networks::store::network_choices(&st.db)
        .await?
        .into_iter()
        .map(|n| (n.name, n.localities.into_iter().map(|l| (l.id, l.name)).collect()))
        .collect();
    let interests = sqlx::query("SELECT id, name, theme FROM categories WHERE network_id IS NULL AND retired_at IS NULL ORDER BY theme DESC, position")
        .fetch_all(&st.db.pool)
        .await?
        .into_iter()
        .map(|r| (r.get("id"), r.get("name"), r.get::<String, _>("theme") == "wellbeing"))
        .collect();
    Ok((areas, interests))
}

/// Checks a referral and stores it, for the three ways in (form, self-referral, partner).
#[cfg(feature = "ssr")]
pub async fn take_referral(st: &AppState, input: &ReferralInput, self_referral: bool, origin: store::Origin<'_>) -> Result<String, AppError> {
    let (areas, interests) = form_choices(st).await?;
    let localities: Vec<String> = areas.iter().flat_map(|(_, ls)| ls.iter().map(|(id, _)| id.clone())).collect();
    let categories: Vec<String> = interests.iter().map(|(id, _, _)| id.clone()).collect();
    let today = domain::ymd(crate::util::now());
    let r = input.parse(&localities, &categories, today, self_referral).map_err(AppError::Invalid)?;
    let (network_id, _) = crate::networks::store::locality_network(&st.db, &r.locality).await?.ok_or_else(|| AppError::not_found("area"))?;
    let mut tx = st.db.pool.begin().await?;
    let id = store::insert(&mut tx, &network_id, &r, &origin).await?;
    // The builders of that locality hear of it at once (no personal details in the message).
    for user in store::builders_of(&mut tx, &network_id, &r.locality).await? {
        crate::notifications::notify(&mut tx, &st.config.public_url, &user,
            &format!("A new {} referral is waiting in your queue", r.urgency.as_str()),
            &format!("/referrals/{id}"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

#[cfg(feature = "ssr")]
fn input_from(
    person_name: String,
    date_of_birth: String,
    email: String,
    phone: String,
    contact_by: String,
    locality: String,
    what_matters: String,
    interests: Option<std::collections::BTreeMap<String, String>>,
    access_needs: Option<String>,
    risk_notes: Option<String>,
    urgency: String,
    consent_referral: Option<String>,
    consent_sharing: Option<String>,
    consent_method: Option<String>,
) -> ReferralInput {
    ReferralInput {
        person_name,
        date_of_birth,
        email,
        phone,
        contact_by,
        locality,
        what_matters,
        interests: interests.unwrap_or_default().into_keys().collect(),
        access_needs: access_needs.unwrap_or_default(),
        risk_notes: risk_notes.unwrap_or_default(),
        urgency,
        consent_referral: consent_referral.is_some_and(|v| !v.is_empty()),
        consent_sharing: consent_sharing.is_some_and(|v| !v.is_empty()),
        consent_method: consent_method.unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------
// Referring

/// The referral form's choices; only verified professionals may refer.
#[server(endpoint = "referral_form")]
pub async fn referral_form() -> Result<ReferralFormView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let p = require_verified_professional(&viewer)?;
        let (areas, interests) = form_choices(&st).await?;
        Ok(ReferralFormView { areas, interests, organisation: p.organisation_name.clone() })
    }.await)
}

#[cfg(feature = "ssr")]
fn require_verified_professional(viewer: &Viewer) -> Result<&crate::networks::domain::Professional, AppError> {
    match &viewer.professional {
        Some(p) if p.verified => Ok(p),
        Some(_) => Err(AppError::Forbidden(
            "Your professional account is waiting for a site administrator to check it. We will email you when you can refer.".into(),
        )),
        None if viewer.needs_second_factor => {
            Err(AppError::Forbidden("Set up two-step sign-in first: referrals are only open to staff who sign in with a code.".into()))
        }
        None => Err(AppError::Forbidden("Only verified health and care professionals can refer someone. You can refer yourself instead.".into())),
    }
}

/// A professional refers someone, with both consents.
#[server(endpoint = "submit_referral")]
#[allow(clippy::too_many_arguments)]
pub async fn submit_referral(
    person_name: String,
    date_of_birth: String,
    email: String,
    phone: String,
    contact_by: String,
    locality: String,
    what_matters: String,
    interests: Option<std::collections::BTreeMap<String, String>>,
    access_needs: Option<String>,
    risk_notes: Option<String>,
    urgency: String,
    consent_referral: Option<String>,
    consent_sharing: Option<String>,
    consent_method: Option<String>,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let p = require_verified_professional(&viewer)?.clone();
        let input = input_from(
            person_name, date_of_birth, email, phone, contact_by, locality, what_matters, interests, access_needs, risk_notes,
            urgency, consent_referral, consent_sharing, consent_method,
        );
        let label = format!("{} (referrer)", viewer.display_name);
        let id = take_referral(
            &st,
            &input,
            false,
            store::Origin {
                source: domain::Source::Professional,
                referrer_id: Some(&viewer.user_id),
                organisation_id: Some(&p.organisation_id),
                consent_recorded_by: &viewer.display_name,
                actor_label: &label,
            },
        )
        .await?;
        leptos_axum::redirect(&format!("/referrals/{id}?done=sent"));
        Ok(())
    }.await)
}

/// Someone refers themselves (no account needed). Shorter: no risk notes, consent online.
#[server(endpoint = "self_refer")]
#[allow(clippy::too_many_arguments)]
pub async fn self_refer(
    person_name: String,
    date_of_birth: String,
    email: String,
    phone: String,
    contact_by: String,
    locality: String,
    what_matters: String,
    interests: Option<std::collections::BTreeMap<String, String>>,
    access_needs: Option<String>,
    consent_referral: Option<String>,
    consent_sharing: Option<String>,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        // A public form: limited per address and per email, so nobody can flood a
        // locality's queue or someone's inbox.
        let client = crate::platform::request::client_key(st.config.trust_proxy);
        let target = email.trim().to_lowercase();
        use crate::platform::limits::{SELF_REFER_PER_CLIENT, SELF_REFER_PER_EMAIL};
        crate::auth::throttle::request_limits(&st, SELF_REFER_PER_CLIENT, SELF_REFER_PER_EMAIL, &client, &target, "requests to be put in touch")
            .await??;
        let input = input_from(
            person_name,
            date_of_birth,
            email,
            phone,
            contact_by,
            locality,
            what_matters,
            interests,
            access_needs,
            None,
            "routine".into(),
            consent_referral,
            consent_sharing,
            Some("online".into()),
        );
        take_referral(
            &st,
            &input,
            true,
            store::Origin {
                source: domain::Source::SelfReferral,
                referrer_id: None,
                organisation_id: None,
                consent_recorded_by: "the person themselves",
                actor_label: "the person themselves",
            },
        )
        .await?;
        leptos_axum::redirect("/refer-yourself/sent");
        Ok(())
    }.await)
}

/// Choices for the self-referral form (public).
#[server(endpoint = "self_referral_form")]
pub async fn self_referral_form() -> Result<ReferralFormView, AppError> {
    finish(async {
        let st = state()?;
        let (areas, interests) = form_choices(&st).await?;
        Ok(ReferralFormView { areas, interests, organisation: String::new() })
    }.await)
}

// ---------------------------------------------------------------------------------------
// Queues

/// The builder's queue and the professional's own referrals.
#[server(endpoint = "referrals_overview")]
pub async fn referrals_overview() -> Result<ReferralsView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let is_builder = viewer.is_site_admin || !viewer.builder_of.is_empty();
        let professional = viewer.professional.clone();
        if !is_builder && professional.is_none() {
            return Err(if viewer.needs_second_factor {
                AppError::Forbidden("Set up two-step sign-in to see referrals.".into())
            } else {
                AppError::Forbidden("Only community builders and health and care professionals see referrals.".into())
            });
        }
        let mut queue = vec![];
        if is_builder {
            let (clause, binds) = crate::community::store::scope_clause(&viewer, "r.network_id", "r.locality_id", 0);
            let sql = format!(
                "SELECT {} {} WHERE {clause} AND (r.closed_at IS NULL OR r.closed_at > $1000) ORDER BY r.created_at LIMIT 300",
                store::COLUMNS,
                store::JOINS
            );
            // $1000 is a placeholder renumbered below to follow the scope's binds.
            let sql = sql.replace("$1000", &format!("${}", binds.len() + 1));
            let mut q = sqlx::query(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            let rows = q.bind(crate::util::now() - 30 * 86_400).fetch_all(&st.db.pool).await?;
            let mut tx = st.db.pool.begin().await?;
            for row in &rows {
                let r = store::from_row(row);
                let rel = relation_to(&viewer, &r).unwrap_or(Relation::Admin);
                store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "list", "queue").await?;
                queue.push(queue_item(&r, r.consent_withdrawn_at.is_some()));
            }
            tx.commit().await?;
            // Open and overdue first, then by age.
            queue.sort_by_key(|q| (q.status.is_final(), !q.overdue, q.created_at));
        }
        let mut sent = vec![];
        let (verified, org_lead) = professional.as_ref().map(|p| (p.verified, p.is_org_lead)).unwrap_or((false, false));
        if let Some(p) = professional.as_ref().filter(|p| p.verified) {
            let (filter, key) = if p.is_org_lead { ("r.organisation_id = $1", &p.organisation_id) } else { ("r.referrer_id = $1", &viewer.user_id) };
            let rows = sqlx::query(&format!("SELECT {} {} WHERE {filter} ORDER BY r.created_at DESC LIMIT 300", store::COLUMNS, store::JOINS))
                .bind(key)
                .fetch_all(&st.db.pool)
                .await?;
            let mut tx = st.db.pool.begin().await?;
            for row in &rows {
                let r = store::from_row(row);
                let rel = relation_to(&viewer, &r).unwrap_or(Relation::Referrer);
                store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "list", "referrer's list").await?;
                sent.push(queue_item(&r, false));
            }
            tx.commit().await?;
        }
        Ok(ReferralsView { queue, is_builder, sent, is_professional: professional.is_some(), verified, org_lead })
    }.await)
}

/// One referral, as much as the caller may see. Logged.
#[server(endpoint = "referral_detail")]
pub async fn referral_detail(id: String) -> Result<ReferralView, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open(&st, &viewer, &id).await?;
        store::log(&st.db.pool, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "read", "").await?;
        let builder = rel.acts_as_builder();
        let hidden = r.erased_at.is_some() || (builder && r.consent_withdrawn_at.is_some());
        let (age_days, overdue) = clock(r.created_at, r.status, r.first_contact_days);
        let person = (!hidden).then(|| PersonDetails {
            name: r.person_name.clone(),
            date_of_birth: r.date_of_birth.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            contact_by: domain::contact_label(&r.contact_by).to_string(),
            what_matters: r.what_matters.clone(),
            interests: r.interests.clone(),
            access_needs: r.access_needs.clone(),
            risk_notes: r.risk_notes.clone(),
        });
        let mover = if builder { Mover::Builder } else { Mover::Referrer };
        let held = if r.status == Status::OnHold { store::held_from(&st.db, &r.id).await? } else { None };
        let mut moves = domain::offered(r.status, mover, held);
        if r.consent_withdrawn_at.is_some() {
            moves.retain(|m| *m == Move::Close);
        }
        // Builders see who did what and why; the referrer (and builders once consent is
        // withdrawn or the details erased) only the date of each step.
        let full = builder && !hidden;
        let history = store::events(&st.db, &r.id)
            .await?
            .into_iter()
            .map(|e| HistoryLine {
                from: e.from,
                to: e.to,
                by: if full { e.by } else { String::new() },
                note: if full { e.note } else { String::new() },
                at: e.at,
            })
            .collect();
        let (outcomes, locality_members) = if full {
            let outcomes = store::outcomes(&st.db, &r.id)
                .await?
                .into_iter()
                .map(|(stage, scores, answered_by, at)| OutcomeLine { stage, scores, answered_by, at })
                .collect();
            let members = if matches!(r.status, Status::Joined) {
                sqlx::query(
                    "SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
                     WHERE m.network_id = $1 AND m.locality_id = $2 AND m.status = 'active' AND u.id <> $3 ORDER BY u.display_name LIMIT 500",
                )
                .bind(&r.network_id)
                .bind(&r.locality_id)
                .bind(r.member_id.clone().unwrap_or_default())
                .fetch_all(&st.db.pool)
                .await?
                .into_iter()
                .map(|m| Choice { id: m.get("id"), name: m.get("display_name") })
                .collect()
            } else {
                vec![]
            };
            (outcomes, members)
        } else {
            (vec![], vec![])
        };
        let follow_up_due = r.joined_at.map(|j| j + r.follow_up_weeks * 7 * 86_400);
        Ok(ReferralView {
            id: r.id.clone(),
            relation: rel,
            status: r.status,
            locality: r.locality_name.clone(),
            network_id: if builder { r.network_id.clone() } else { String::new() },
            source: r.source.as_str().to_string(),
            referrer: r.referrer_name.clone(),
            organisation: r.organisation_name.clone(),
            urgency: r.urgency.clone(),
            person,
            consent_method: r.consent_method.clone(),
            consent_recorded_by: r.consent_recorded_by.clone(),
            consent_at: r.consent_referral_at,
            consent_withdrawn_at: r.consent_withdrawn_at,
            erased_at: r.erased_at,
            created_at: r.created_at,
            first_contact_at: r.first_contact_at,
            joined_at: r.joined_at,
            first_exchange_at: r.first_exchange_at,
            first_exchange_supported_by: if builder { r.first_exchange_supported_by.clone() } else { String::new() },
            closed_at: r.closed_at,
            outcome_summary: if r.status == Status::Closed || builder { r.outcome_summary.clone() } else { String::new() },
            age_days,
            target_days: r.first_contact_days,
            overdue,
            member_id: if builder && !hidden { r.member_id.clone() } else { None },
            member_name: if builder && !hidden { r.member_name.clone() } else { None },
            history,
            outcomes,
            follow_up_due: if builder { follow_up_due } else { None },
            moves,
            locality_members,
            new_transfer_id: crate::util::new_id(),
        })
    }.await)
}

// ---------------------------------------------------------------------------------------
// Moving it along

#[cfg(feature = "ssr")]
fn read_note(problem: &mut FormProblem, mv: Move, note: &str) -> Option<String> {
    let n = note.trim();
    if mv.needs_note() && n.chars().count() < 3 {
        problem.push(
            "note",
            if mv == Move::Close { "Write a short outcome summary: the referrer will see it." } else { "Write the reason, so others understand it later." },
        );
        None
    } else if n.chars().count() > 1000 || crate::util::has_control_chars(n) {
        problem.push("note", "Keep it to 1000 ordinary characters.");
        None
    } else {
        Some(n.to_string())
    }
}

/// Moves a referral along: accept, decline, contacted, could not contact, hold, resume,
/// close (builders); withdraw (the referrer or their organisation's lead).
#[server(endpoint = "move_referral")]
pub async fn move_referral(id: String, action: String, note: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open(&st, &viewer, &id).await?;
        let mv = Move::parse(&action).filter(|m| !matches!(m, Move::Join | Move::Activate)).ok_or_else(|| AppError::invalid("action", "Choose what to do."))?;
        let mover = if rel.acts_as_builder() { Mover::Builder } else { Mover::Referrer };
        let held = if r.status == Status::OnHold { store::held_from(&st.db, &r.id).await? } else { None };
        let allowed = r.consent_withdrawn_at.is_none() || mv == Move::Close;
        let Some(to) = domain::next_status(r.status, mv, mover, held).filter(|_| allowed) else {
            return Err(AppError::Conflict(format!("A referral that is \"{}\" cannot be moved that way.", r.status.label())));
        };
        let mut problem = FormProblem::new().keep("note", &note);
        let note = read_note(&mut problem, mv, &note);
        problem.into_result()?;
        let note = note.unwrap_or_default();
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        let summary = (mv == Move::Close).then_some(note.as_str());
        if !store::set_status(&mut tx, &r.id, r.status, to, summary).await? {
            return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page to see where it stands.".into()));
        }
        store::event(&mut tx, &r.id, Some(r.status), to, Some(&viewer.user_id), &label, &note).await?;
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", &format!("{} -> {}", r.status.as_str(), to.as_str())).await?;
        if let Some(referrer) = r.referrer_id.as_deref().filter(|x| *x != viewer.user_id) {
            crate::notifications::notify(&mut tx, &st.config.public_url, referrer, &format!("A referral you made is now: {}", to.label()), &format!("/referrals/{}", r.id)).await?;
        }
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done={}", r.id, mv.as_str()));
        Ok(())
    }.await)
}

/// The builder signs the person up (assisted joining) from the referral: they become a
/// member of the referral's locality, and the referral moves to "joined".
#[server(endpoint = "referral_join")]
pub async fn referral_join(id: String, display_name: String, agreed: Option<String>) -> Result<(), AppError> {
    finish(async {
        use crate::community::{domain::AuditAction, store::{audit, AuditEntry}};
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        if domain::next_status(r.status, Move::Join, Mover::Builder, None).is_none() || r.consent_withdrawn_at.is_some() {
            return Err(AppError::Conflict(format!("A referral that is \"{}\" cannot be joined up now: make contact first.", r.status.label())));
        }
        let mut problem = FormProblem::new().keep("display_name", &display_name).keep("agreed", agreed.as_deref().unwrap_or(""));
        let name = crate::auth::domain::DisplayName::parse(&display_name).map_err(|m| problem.push("display_name", m)).ok();
        if agreed.is_none() {
            problem.push("agreed", "Tick to confirm the person agreed to join and to the code of conduct.");
        }
        problem.into_result()?;
        let name = name.ok_or_else(|| crate::error::unexpected("referral join: name"))?;
        let user_id = crate::util::new_id();
        let t = crate::util::now();
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, NULL, $2, NULL, $3)")
            .bind(&user_id)
            .bind(name.as_str())
            .bind(t)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO memberships (id, user_id, network_id, locality_id, status, about, code_of_conduct_agreed_at, joined_by, paper_consent_at, created_at)
             VALUES ($1, $2, $3, $4, 'active', '', $5, $6, $5, $5)",
        )
        .bind(crate::util::new_id())
        .bind(&user_id)
        .bind(&r.network_id)
        .bind(&r.locality_id)
        .bind(t)
        .bind(&viewer.user_id)
        .execute(&mut *tx)
        .await?;
        if !store::set_status(&mut tx, &r.id, r.status, Status::Joined, None).await? {
            return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page.".into()));
        }
        sqlx::query("UPDATE referrals SET member_id = $1 WHERE id = $2").bind(&user_id).bind(&r.id).execute(&mut *tx).await?;
        store::event(&mut tx, &r.id, Some(r.status), Status::Joined, Some(&viewer.user_id), &label, "Signed up by a community builder").await?;
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "joined: member account made").await?;
        audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::AssistedJoin)
                .on_member(&r.network_id, &r.locality_id, &user_id)
                .reason("Joined from a referral; agreement recorded by the builder")
                .change("", format!("active member {}", name.as_str())),
        )
        .await?;
        if let Some(referrer) = r.referrer_id.as_deref() {
            crate::notifications::notify(&mut tx, &st.config.public_url, referrer, "A person you referred has joined the time bank", &format!("/referrals/{}", r.id)).await?;
        }
        tx.commit().await?;
        crate::ledger::grant_starting_credit(&st, &r.network_id, &user_id).await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=joined", r.id));
        Ok(())
    }.await)
}

/// Starter hours from the community pool for the new member.
#[server(endpoint = "grant_starter_hours")]
pub async fn grant_starter_hours(id: String, transfer_id: String, starter: String) -> Result<(), AppError> {
    finish(async {
        use crate::community::domain::AuditAction;
        use crate::ledger::{domain::TransferKind, store::AccountRef};
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        if r.consent_withdrawn_at.is_some() || r.erased_at.is_some() {
            return Err(AppError::Conflict("Consent was withdrawn or the details erased: give hours from the member's own page instead.".into()));
        }
        let Some(member) = r.member_id.clone() else {
            return Err(AppError::Conflict("Sign the person up first; then you can give them starter hours.".into()));
        };
        crate::ledger::check_transfer_id(&transfer_id)?;
        let mut problem = FormProblem::new().keep("starter", &starter);
        let amount = match starter.trim().parse::<i64>() {
            Ok(h) if (1..=10).contains(&h) => Some(crate::ledger::domain::Minutes(h * 60)),
            _ => {
                problem.push("starter", "Choose from 1 to 10 starter hours.");
                None
            }
        };
        problem.clone().into_result()?;
        let amount = amount.ok_or_else(|| crate::error::unexpected("starter: amount"))?;
        let reason = "Starter hours for a referred member".to_string();
        let mut t = crate::ledger::new_transfer(
            &transfer_id,
            &r.network_id,
            TransferKind::Grant,
            vec![(AccountRef::Pool, -amount.0), (AccountRef::Member(member.clone()), amount.0)],
            &viewer,
        );
        t.audit = vec![crate::ledger::audit_on(&viewer, AuditAction::GrantHours, &r.network_id, &r.locality_id, &member, &reason)];
        t.reason = Some(reason);
        crate::ledger::apply_or_explain(&st, t, problem).await?;
        store::log(&st.db.pool, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "change", &format!("starter hours: {} minutes", amount.0)).await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=starter", r.id));
        Ok(())
    }.await)
}

/// Records the first exchange (supported: a builder or trusted member went along), posts
/// its hours, and moves the referral to "active".
#[server(endpoint = "record_first_exchange")]
#[allow(clippy::too_many_arguments)]
pub async fn record_first_exchange(
    id: String,
    transfer_id: String,
    other_member: String,
    direction: String,
    hours: String,
    minutes: String,
    memo: String,
    supported_by: String,
) -> Result<(), AppError> {
    finish(async {
        use crate::community::domain::AuditAction;
        use crate::ledger::{domain::TransferKind, store::AccountRef};
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        let Some(member) = r.member_id.clone().filter(|_| r.status == Status::Joined && r.consent_withdrawn_at.is_none() && r.erased_at.is_none()) else {
            return Err(AppError::Conflict("The first exchange is recorded once the person has joined.".into()));
        };
        crate::ledger::check_transfer_id(&transfer_id)?;
        let mut problem = FormProblem::new()
            .keep("other_member", &other_member)
            .keep("direction", &direction)
            .keep("hours", &hours)
            .keep("minutes", &minutes)
            .keep("memo", &memo)
            .keep("supported_by", &supported_by);
        let place = crate::ledger::queries::member_place(&st.db, &other_member).await?;
        match &place {
            Some((n, l, _)) if n == &r.network_id && l == &r.locality_id && other_member != member => {}
            _ => problem.push("other_member", "Choose the other member from this area."),
        }
        let gave = match direction.as_str() {
            "gave" => Some(true),
            "received" => Some(false),
            _ => {
                problem.push("direction", "Choose who helped whom.");
                None
            }
        };
        let amount = crate::ledger::read_amount(&mut problem, &hours, &minutes);
        let memo = crate::community::domain::read_text(&mut problem, "memo", &memo, "what the exchange was, for example \"Walk in the park\"", 200);
        let supported = crate::community::domain::read_text(&mut problem, "supported_by", &supported_by, "who went along to support them", 100);
        problem.clone().into_result()?;
        let (Some(gave), Some(amount), Some(memo), Some(supported)) = (gave, amount, memo, supported) else {
            return Err(crate::error::unexpected("first exchange: values"));
        };
        let (giver, receiver) = if gave { (member.clone(), other_member.clone()) } else { (other_member.clone(), member.clone()) };
        let mut t = crate::ledger::new_transfer(
            &transfer_id,
            &r.network_id,
            TransferKind::Exchange,
            vec![(AccountRef::Member(giver), amount.0), (AccountRef::Member(receiver), -amount.0)],
            &viewer,
        );
        t.audit = [&member, &other_member]
            .iter()
            .map(|who| crate::ledger::audit_on(&viewer, AuditAction::RecordOnBehalf, &r.network_id, &r.locality_id, who, &memo))
            .collect();
        t.memo = memo.clone();
        crate::ledger::apply_or_explain(&st, t, problem).await?;
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        if store::set_status(&mut tx, &r.id, Status::Joined, Status::Active, None).await? {
            sqlx::query("UPDATE referrals SET first_exchange_supported_by = $1 WHERE id = $2").bind(&supported).bind(&r.id).execute(&mut *tx).await?;
            store::event(&mut tx, &r.id, Some(Status::Joined), Status::Active, Some(&viewer.user_id), &label, &format!("First exchange: {memo}; supported by {supported}")).await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "joined -> active").await?;
            if let Some(referrer) = r.referrer_id.as_deref() {
                crate::notifications::notify(&mut tx, &st.config.public_url, referrer, "A person you referred has had their first exchange", &format!("/referrals/{}", r.id)).await?;
            }
        } else {
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "first exchange hours recorded (status had already moved)").await?;
        }
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=first", r.id));
        Ok(())
    }.await)
}

/// Wellbeing answers at joining (baseline) or at the follow-up.
#[server(endpoint = "record_outcome")]
#[allow(clippy::too_many_arguments)]
pub async fn record_outcome(
    id: String,
    stage: String,
    answered_by: String,
    life_satisfaction: String,
    worthwhile: String,
    happiness: String,
    anxiety: String,
    lack_companionship: String,
    left_out: String,
    isolated: String,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        if r.member_id.is_none() || r.consent_withdrawn_at.is_some() || r.erased_at.is_some() {
            return Err(AppError::Conflict("Wellbeing answers are recorded once the person has joined.".into()));
        }
        let answers = [
            ("life_satisfaction", life_satisfaction.as_str()),
            ("worthwhile", worthwhile.as_str()),
            ("happiness", happiness.as_str()),
            ("anxiety", anxiety.as_str()),
            ("lack_companionship", lack_companionship.as_str()),
            ("left_out", left_out.as_str()),
            ("isolated", isolated.as_str()),
        ];
        let parsed = Wellbeing::parse(&answers);
        let mut problem = parsed.clone().err().unwrap_or_default().keep("stage", &stage).keep("answered_by", &answered_by);
        if !matches!(stage.as_str(), "baseline" | "follow_up") {
            problem.push("stage", "Choose when these answers were given.");
        }
        if !matches!(answered_by.as_str(), "person" | "builder") {
            problem.push("answered_by", "Choose who filled the answers in.");
        }
        problem.into_result()?;
        let w = parsed.map_err(AppError::Invalid)?;
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        store::add_outcome(&mut tx, &r.id, &stage, &w, &answered_by, &viewer.user_id).await?;
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", &format!("wellbeing answers: {stage}")).await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=outcome", r.id));
        Ok(())
    }.await)
}

/// The person withdrew consent to share: builders stop seeing the details, the referral
/// closes, and it is marked. Builders of the locality or the referrer record it.
#[server(endpoint = "withdraw_consent")]
pub async fn withdraw_consent(id: String, consent_note: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open(&st, &viewer, &id).await?;
        if r.consent_withdrawn_at.is_some() {
            return Err(AppError::Conflict("Consent was already withdrawn.".into()));
        }
        let mut problem = FormProblem::new().keep("consent_note", &consent_note);
        let note = read_note(&mut problem, Move::Withdraw, &consent_note);
        for f in problem.fields.iter_mut() {
            f.0 = "consent_note".into();
        }
        problem.into_result()?;
        let note = note.unwrap_or_default();
        let label = label_of(&viewer, rel);
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("UPDATE referrals SET consent_withdrawn_at = $1, updated_at = $1 WHERE id = $2 AND consent_withdrawn_at IS NULL")
            .bind(t)
            .bind(&r.id)
            .execute(&mut *tx)
            .await?;
        if !r.status.is_final() {
            // The referrer's own withdrawal where the rules allow it; otherwise it closes.
            let to = domain::next_status(r.status, Move::Withdraw, Mover::Referrer, None)
                .filter(|_| !rel.acts_as_builder())
                .unwrap_or(Status::Closed);
            if !store::set_status(&mut tx, &r.id, r.status, to, Some("Consent to share was withdrawn.")).await? {
                return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page and try again.".into()));
            }
            store::event(&mut tx, &r.id, Some(r.status), to, Some(&viewer.user_id), &label, &format!("Consent withdrawn: {note}")).await?;
        }
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "consent to share withdrawn").await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=consent", r.id));
        Ok(())
    }.await)
}

// ---------------------------------------------------------------------------------------
// The access log (site admins)

/// Every read and change of referrals, newest first (site admins only).
#[server(endpoint = "referral_access_log")]
pub async fn referral_access_log(referral: Option<String>) -> Result<Vec<AccessLine>, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        crate::networks::domain::require_site_admin(&viewer)?;
        let referral = referral.filter(|r| !r.is_empty());
        let sql = format!(
            "SELECT a.referral_id, COALESCE(u.display_name, a.actor_label) AS who, a.actor_label, a.action, a.detail, a.at
             FROM referral_access_log a LEFT JOIN users u ON u.id = a.user_id {} ORDER BY a.at DESC, a.id DESC LIMIT 500",
            if referral.is_some() { "WHERE a.referral_id = $1" } else { "" }
        );
        let mut q = sqlx::query(&sql);
        if let Some(r) = &referral {
            q = q.bind(r);
        }
        Ok(q.fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| AccessLine {
                referral_id: r.get("referral_id"),
                who: r.get("actor_label"),
                action: r.get("action"),
                detail: r.get("detail"),
                at: r.get("at"),
            })
            .collect())
    }.await)
}

// ---------------------------------------------------------------------------------------
// Retention, erasure, reminders

/// Erases the personal details of referrals closed longer ago than their network's
/// retention setting (default 24 months), keeping the anonymous numbers. Run by the
/// background jobs every minute on every server (each erasure is claimed once) and on
/// demand by a site admin. Returns how many were erased.
#[cfg(feature = "ssr")]
pub async fn retention(st: &AppState, t: i64) -> Result<usize, AppError> {
    let due = sqlx::query(
        "SELECT r.id FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.erased_at IS NULL AND r.closed_at IS NOT NULL AND r.closed_at <= $1 - n.referral_retention_months * 2629800",
    )
    .bind(t)
    .fetch_all(&st.db.pool)
    .await?;
    let mut erased = 0;
    for row in due {
        let id: String = row.get("id");
        let mut tx = st.db.pool.begin().await?;
        if store::erase(&mut tx, &id).await? {
            store::log(&mut *tx, &id, None, "retention schedule", "erase", "retention period ended").await?;
            erased += 1;
        }
        tx.commit().await?;
    }
    Ok(erased)
}

/// Tells the builders of the locality when a referred member's follow-up wellbeing
/// questions are due (the network's setting, default 12 weeks after joining). Once each.
#[cfg(feature = "ssr")]
pub async fn follow_up_reminders(st: &AppState, t: i64) -> Result<usize, AppError> {
    let due = sqlx::query(
        "SELECT r.id, r.network_id, r.locality_id FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.follow_up_reminded_at IS NULL AND r.joined_at IS NOT NULL AND r.status IN ('joined', 'active')
           AND r.consent_withdrawn_at IS NULL AND r.joined_at <= $1 - n.follow_up_weeks * 604800",
    )
    .bind(t)
    .fetch_all(&st.db.pool)
    .await?;
    let mut sent = 0;
    for row in due {
        let id: String = row.get("id");
        let mut tx = st.db.pool.begin().await?;
        let claimed = sqlx::query("UPDATE referrals SET follow_up_reminded_at = $1 WHERE id = $2 AND follow_up_reminded_at IS NULL")
            .bind(t)
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 1 {
            let builders = store::builders_of(&mut tx, &row.get::<String, _>("network_id"), &row.get::<String, _>("locality_id")).await?;
            for b in builders {
                crate::notifications::notify(
                    &mut tx,
                    &st.config.public_url,
                    &b,
                    "Follow-up wellbeing questions are due for a referred member",
                    &format!("/referrals/{id}"),
                )
                .await?;
            }
            store::log(&mut *tx, &id, None, "follow-up schedule", "change", "follow-up reminder sent to the builders").await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// Erases a referral's personal details now, at the person's request (builders of the
/// locality and site admins).
#[server(endpoint = "erase_referral")]
pub async fn erase_referral(id: String, erase_reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        let mut problem = FormProblem::new().keep("erase_reason", &erase_reason);
        let reason = crate::community::domain::read_text(&mut problem, "erase_reason", &erase_reason, "when and how the person asked", 500);
        problem.into_result()?;
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        if !store::erase(&mut tx, &r.id).await? {
            return Err(AppError::Conflict("These details were already erased.".into()));
        }
        if !r.status.is_final() && !store::set_status(&mut tx, &r.id, r.status, Status::Closed, Some("")).await? {
            return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page and try again.".into()));
        }
        // The builder's words (when and how the person asked) go in the history, not the
        // append-only log.
        let to = if r.status.is_final() { r.status } else { Status::Closed };
        store::event(&mut tx, &r.id, Some(r.status), to, Some(&viewer.user_id), &label, &format!("Erased at the person's request: {}", reason.unwrap_or_default())).await?;
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "erase", "at the person's request").await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=erased", r.id));
        Ok(())
    }.await)
}

/// Runs the retention schedule now (site admins).
#[server(endpoint = "run_referral_retention")]
pub async fn run_referral_retention() -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        crate::networks::domain::require_site_admin(&viewer)?;
        let n = retention(&st, crate::util::now()).await?;
        leptos_axum::redirect(&format!("/admin/referral-log?erased={n}"));
        Ok(())
    }.await)
}

// ---------------------------------------------------------------------------------------
// Joining by invitation

/// Emails the person a link to join the time bank themselves (they choose a password);
/// joining through it links their account to the referral and moves it to "joined".
#[server(endpoint = "invite_referral")]
pub async fn invite_referral(id: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
        if domain::next_status(r.status, Move::Join, Mover::Builder, None).is_none() || r.consent_withdrawn_at.is_some() {
            return Err(AppError::Conflict(format!("A referral that is \"{}\" cannot be invited to join: make contact first.", r.status.label())));
        }
        if r.email.is_empty() {
            return Err(AppError::Conflict("There is no email address for them: sign them up here instead.".into()));
        }
        let token = crate::util::new_token();
        let label = label_of(&viewer, rel);
        let mut tx = st.db.pool.begin().await?;
        sqlx::query("UPDATE referrals SET invite_token_hash = $1, invite_expires_at = $2 WHERE id = $3")
            .bind(crate::util::hash_token(&token))
            .bind(crate::util::now() + 14 * 86_400)
            .bind(&r.id)
            .execute(&mut *tx)
            .await?;
        crate::email::queue(
            &mut tx,
            &r.email,
            "Your invitation to join the time bank",
            &format!(
                "Hello {},\n\n{} from the time bank in {} invites you to join. Members help each other: every hour you give, you can receive.\n\nJoin here (the link works for 14 days):\n{}/join?invite={token}\n\nIf you would rather not, you can ignore this email.\n",
                r.person_name, viewer.display_name, r.locality_name, st.config.public_url
            ),
        )
        .await?;
        store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "invitation to join emailed").await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/referrals/{}?done=invited", r.id));
        Ok(())
    }.await)
}

/// The referral behind a live invitation link: (referral id, network, locality, status).
#[cfg(feature = "ssr")]
pub async fn invitation(st: &AppState, token: &str) -> Result<Option<(String, String, String, Status)>, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT id, network_id, locality_id, status FROM referrals
         WHERE invite_token_hash = $1 AND invite_expires_at >= $2 AND consent_withdrawn_at IS NULL AND member_id IS NULL",
    )
    .bind(crate::util::hash_token(token))
    .bind(crate::util::now())
    .fetch_optional(&st.db.pool)
    .await?;
    Ok(row.and_then(|r| {
        let status = Status::parse(&r.get::<String, _>("status"))?;
        domain::next_status(status, Move::Join, Mover::Builder, None).map(|_| (r.get("id"), r.get("network_id"), r.get("locality_id"), status))
    }))
}

/// Links a member who joined by invitation to their referral (inside the join's transaction).
#[cfg(feature = "ssr")]
pub async fn joined_by_invitation(tx: &mut sqlx::Transaction<'_, sqlx::Any>, referral_id: &str, from: Status, user_id: &str) -> Result<bool, AppError> {
    if !store::set_status(tx, referral_id, from, Status::Joined, None).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE referrals SET member_id = $1, invite_token_hash = NULL WHERE id = $2").bind(user_id).bind(referral_id).execute(&mut **tx).await?;
    store::event(tx, referral_id, Some(from), Status::Joined, None, "the person themselves (invitation)", "Joined through the emailed invitation").await?;
    store::log(&mut **tx, referral_id, None, "the person themselves (invitation)", "change", "joined by invitation").await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// The person's own wellbeing answers

/// Which wellbeing questions the signed-in member is asked now, if any: "baseline" once
/// they have joined from a referral, "follow_up" when the follow-up is due. They see only
/// the questions, never the referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WellbeingDue {
    pub stage: String,
}

#[cfg(feature = "ssr")]
async fn wellbeing_due_for(st: &AppState, user_id: &str) -> Result<Option<(String, String)>, AppError> {
    let row = sqlx::query(
        "SELECT r.id, r.joined_at, n.follow_up_weeks,
                (SELECT COUNT(*) FROM referral_outcomes o WHERE o.referral_id = r.id AND o.stage = 'baseline') AS baselines,
                (SELECT COUNT(*) FROM referral_outcomes o WHERE o.referral_id = r.id AND o.stage = 'follow_up') AS follow_ups
         FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.member_id = $1 AND r.status IN ('joined', 'active') AND r.consent_withdrawn_at IS NULL AND r.erased_at IS NULL
         ORDER BY r.created_at DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&st.db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let id: String = r.get("id");
    if r.get::<i64, _>("baselines") == 0 {
        return Ok(Some((id, "baseline".into())));
    }
    let due = r.get::<Option<i64>, _>("joined_at").unwrap_or(i64::MAX / 2) + r.get::<i64, _>("follow_up_weeks") * 604_800;
    if r.get::<i64, _>("follow_ups") == 0 && crate::util::now() >= due {
        return Ok(Some((id, "follow_up".into())));
    }
    Ok(None)
}

#[server(endpoint = "my_wellbeing")]
pub async fn my_wellbeing() -> Result<Option<WellbeingDue>, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        Ok(wellbeing_due_for(&st, &viewer.user_id).await?.map(|(_, stage)| WellbeingDue { stage }))
    }.await)
}

/// The member answers the wellbeing questions themselves.
#[server(endpoint = "answer_wellbeing")]
#[allow(clippy::too_many_arguments)]
pub async fn answer_wellbeing(
    life_satisfaction: String,
    worthwhile: String,
    happiness: String,
    anxiety: String,
    lack_companionship: String,
    left_out: String,
    isolated: String,
) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let Some((referral, stage)) = wellbeing_due_for(&st, &viewer.user_id).await? else {
            return Err(AppError::Conflict("There are no questions for you at the moment. Thank you.".into()));
        };
        let answers = [
            ("life_satisfaction", life_satisfaction.as_str()),
            ("worthwhile", worthwhile.as_str()),
            ("happiness", happiness.as_str()),
            ("anxiety", anxiety.as_str()),
            ("lack_companionship", lack_companionship.as_str()),
            ("left_out", left_out.as_str()),
            ("isolated", isolated.as_str()),
        ];
        let w = Wellbeing::parse(&answers).map_err(AppError::Invalid)?;
        let mut tx = st.db.pool.begin().await?;
        store::add_outcome(&mut tx, &referral, &stage, &w, "person", &viewer.user_id).await?;
        store::log(&mut *tx, &referral, Some(&viewer.user_id), "the person themselves", "change", &format!("wellbeing answers: {stage}")).await?;
        tx.commit().await?;
        leptos_axum::redirect("/home?wellbeing=thanks");
        Ok(())
    }.await)
}
