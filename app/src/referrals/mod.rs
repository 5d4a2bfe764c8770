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
//!
//! Every read and change writes a line to `referral_access_log`, which only admins see.

#[cfg(feature = "ssr")]
pub mod api;
pub mod domain;
pub mod draft;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

mod intake;
mod lifecycle;
mod onward;
mod privacy;
mod queues;
mod steps;
pub use intake::*;
pub use lifecycle::*;
pub use onward::*;
pub use privacy::*;
pub use queues::*;
pub use steps::*;

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
    /// Where the first exchange's other member is looked for ("network=…&locality=…"),
    /// once the person has joined; builders only.
    pub area_search: Option<String>,
    /// Builders only: the starter hours given, if they were (minutes, when).
    pub starter_given: Option<(i64, i64)>,
    /// Referred on to What's on, and the closing summary.
    pub onward: OnwardPart,
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
    let interests = store::interests(&st.db).await?.into_iter().map(|i| (i.id, i.name, i.theme == "wellbeing")).collect();
    Ok((areas, interests))
}

/// A referral checked against the form's choices (the areas and interests there are) as of
/// today: the one check for the form, its steps, the self-referral and the partner API.
#[cfg(feature = "ssr")]
pub(super) fn parse_against(
    input: &ReferralInput,
    self_referral: bool,
    areas: &[(String, Vec<(String, String)>)],
    interests: &[(String, String, bool)],
) -> Result<domain::NewReferral, FormProblem> {
    let localities: Vec<String> = areas.iter().flat_map(|(_, ls)| ls.iter().map(|(id, _)| id.clone())).collect();
    let categories: Vec<String> = interests.iter().map(|(id, _, _)| id.clone()).collect();
    input.parse(&localities, &categories, domain::ymd(crate::util::now()), self_referral)
}

/// Checks a referral and stores it, for the three ways in (form, self-referral, partner).
#[cfg(feature = "ssr")]
pub async fn take_referral(
    st: &AppState,
    input: &ReferralInput,
    self_referral: bool,
    origin: store::Origin<'_>,
) -> Result<String, AppError> {
    let (areas, interests) = form_choices(st).await?;
    let r = parse_against(input, self_referral, &areas, &interests).map_err(AppError::Invalid)?;
    let (network_id, _) =
        crate::networks::store::locality_network(&st.db, &r.locality).await?.ok_or_else(|| AppError::not_found("area"))?;
    let mut tx = st.db.pool.begin().await?;
    let id = store::insert(&mut tx, &network_id, &r, &origin).await?;
    // The builders of that locality hear of it at once (no personal details in the message).
    for user in crate::networks::store::builders_of(&mut tx, &network_id, Some(&r.locality)).await? {
        crate::notifications::notify(
            &mut tx,
            &st.config.public_url,
            &user,
            &format!("A new {} referral is waiting in your queue", r.urgency.as_str()),
            &format!("/referrals/{id}"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The interests ticked on a form (posted as `interests[<id>]=yes`).
#[cfg(feature = "ssr")]
fn ticked_interests(interests: Option<std::collections::BTreeMap<String, String>>) -> Vec<String> {
    interests.unwrap_or_default().into_keys().collect()
}

/// Whether a checkbox was ticked (a ticked box posts a non-empty value).
#[cfg(feature = "ssr")]
fn ticked(checkbox: Option<String>) -> bool {
    checkbox.is_some_and(|v| !v.is_empty())
}
