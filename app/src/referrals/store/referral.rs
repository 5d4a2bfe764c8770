//! The referral row: reading it (one, the builders' queue, the referrer's list), making
//! it, moving its status, linking the member made for the person, the emailed invitation,
//! erasure; and the interests the forms offer.

use super::history::{event, log};
use crate::error::AppError;
use crate::networks::domain::Viewer;
use crate::platform::db::Db;
use crate::referrals::domain::{NewReferral, Source, Status, INVITATION_SUBJECT, SUMMARY_SUBJECT};
use crate::util::{new_id, now};
use sqlx::{Any, Transaction};

/// A referral as stored (personal fields are empty once erased).
#[derive(Clone, Debug)]
pub struct Referral {
    pub id: String,
    pub network_id: String,
    pub locality_id: String,
    pub locality_name: String,
    pub source: Source,
    pub referrer_id: Option<String>,
    pub referrer_name: String,
    pub organisation_id: Option<String>,
    pub organisation_name: String,
    pub person_name: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub contact_by: String,
    pub what_matters: String,
    pub interests: Vec<String>,
    pub access_needs: String,
    pub risk_notes: String,
    pub urgency: String,
    pub consent_referral_at: i64,
    pub consent_sharing_at: i64,
    pub consent_method: String,
    pub consent_recorded_by: String,
    pub consent_withdrawn_at: Option<i64>,
    pub status: Status,
    pub member_id: Option<String>,
    pub member_name: Option<String>,
    pub first_contact_at: Option<i64>,
    pub joined_at: Option<i64>,
    pub first_exchange_at: Option<i64>,
    pub first_exchange_supported_by: String,
    pub closed_at: Option<i64>,
    pub outcome_summary: String,
    pub erased_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_contact_days: i64,
    pub follow_up_weeks: i64,
}

/// The columns of [`COLUMNS`] as the database gives them.
#[derive(sqlx::FromRow)]
struct ReferralRow {
    id: String,
    network_id: String,
    locality_id: String,
    locality_name: String,
    source: String,
    referrer_id: Option<String>,
    referrer_name: String,
    organisation_id: Option<String>,
    organisation_name: String,
    person_name: String,
    date_of_birth: String,
    email: String,
    phone: String,
    contact_by: String,
    what_matters: String,
    interests: String,
    access_needs: String,
    risk_notes: String,
    urgency: String,
    consent_referral_at: i64,
    consent_sharing_at: i64,
    consent_method: String,
    consent_recorded_by: String,
    consent_withdrawn_at: Option<i64>,
    status: String,
    member_id: Option<String>,
    member_name: Option<String>,
    first_contact_at: Option<i64>,
    joined_at: Option<i64>,
    first_exchange_at: Option<i64>,
    first_exchange_supported_by: String,
    closed_at: Option<i64>,
    outcome_summary: String,
    erased_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    first_contact_days: i64,
    follow_up_weeks: i64,
}

impl From<ReferralRow> for Referral {
    fn from(r: ReferralRow) -> Referral {
        Referral {
            id: r.id,
            network_id: r.network_id,
            locality_id: r.locality_id,
            locality_name: r.locality_name,
            source: Source::parse(&r.source).unwrap_or(Source::Professional),
            referrer_id: r.referrer_id,
            referrer_name: r.referrer_name,
            organisation_id: r.organisation_id,
            organisation_name: r.organisation_name,
            person_name: r.person_name,
            date_of_birth: r.date_of_birth,
            email: r.email,
            phone: r.phone,
            contact_by: r.contact_by,
            what_matters: r.what_matters,
            interests: r.interests.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            access_needs: r.access_needs,
            risk_notes: r.risk_notes,
            urgency: r.urgency,
            consent_referral_at: r.consent_referral_at,
            consent_sharing_at: r.consent_sharing_at,
            consent_method: r.consent_method,
            consent_recorded_by: r.consent_recorded_by,
            consent_withdrawn_at: r.consent_withdrawn_at,
            status: Status::parse(&r.status).unwrap_or(Status::Submitted),
            member_id: r.member_id,
            member_name: r.member_name,
            first_contact_at: r.first_contact_at,
            joined_at: r.joined_at,
            first_exchange_at: r.first_exchange_at,
            first_exchange_supported_by: r.first_exchange_supported_by,
            closed_at: r.closed_at,
            outcome_summary: r.outcome_summary,
            erased_at: r.erased_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            first_contact_days: r.first_contact_days,
            follow_up_weeks: r.follow_up_weeks,
        }
    }
}

const COLUMNS: &str = "r.id, r.network_id, r.locality_id, l.name AS locality_name, r.source, r.referrer_id,
    COALESCE(ru.display_name, '') AS referrer_name, r.organisation_id, COALESCE(o.name, '') AS organisation_name,
    r.person_name, r.date_of_birth, r.email, r.phone, r.contact_by, r.what_matters, r.interests, r.access_needs,
    r.risk_notes, r.urgency, r.consent_referral_at, r.consent_sharing_at, r.consent_method, r.consent_recorded_by,
    r.consent_withdrawn_at, r.status, r.member_id, mu.display_name AS member_name, r.first_contact_at, r.joined_at,
    r.first_exchange_at, r.first_exchange_supported_by, r.closed_at, r.outcome_summary, r.erased_at, r.created_at,
    r.updated_at, n.first_contact_days, n.follow_up_weeks";

const JOINS: &str = "FROM referrals r
    JOIN localities l ON l.id = r.locality_id
    JOIN networks n ON n.id = r.network_id
    LEFT JOIN users ru ON ru.id = r.referrer_id
    LEFT JOIN organisations o ON o.id = r.organisation_id
    LEFT JOIN users mu ON mu.id = r.member_id";

pub async fn get(db: &Db, id: &str) -> Result<Option<Referral>, AppError> {
    Ok(sqlx::query_as::<_, ReferralRow>(&format!("SELECT {COLUMNS} {JOINS} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .map(Referral::from))
}

/// The referrals in a builder's (or site admin's) scope that are open or closed after
/// `closed_since`, oldest first, at most 300.
pub async fn in_scope(db: &Db, viewer: &Viewer, closed_since: i64) -> Result<Vec<Referral>, AppError> {
    let (clause, binds) = crate::networks::store::scope_clause(viewer, "r.network_id", "r.locality_id", 0);
    let sql =
        format!("SELECT {COLUMNS} {JOINS} WHERE {clause} AND (r.closed_at IS NULL OR r.closed_at > $1000) ORDER BY r.created_at LIMIT 300");
    // $1000 is a placeholder renumbered below to follow the scope's binds.
    let sql = sql.replace("$1000", &format!("${}", binds.len() + 1));
    let mut q = sqlx::query_as::<_, ReferralRow>(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    Ok(q.bind(closed_since).fetch_all(&db.pool).await?.into_iter().map(Referral::from).collect())
}

/// Whose referrals a professional's list shows.
pub enum SentBy<'a> {
    /// The professional's own.
    Referrer(&'a str),
    /// Everyone's at the organisation (its lead).
    Organisation(&'a str),
}

/// The referrals a professional (or their organisation) sent, newest first, at most 300.
pub async fn sent_by(db: &Db, by: SentBy<'_>) -> Result<Vec<Referral>, AppError> {
    let (filter, key) = match by {
        SentBy::Organisation(org) => ("r.organisation_id = $1", org),
        SentBy::Referrer(user) => ("r.referrer_id = $1", user),
    };
    Ok(sqlx::query_as::<_, ReferralRow>(&format!("SELECT {COLUMNS} {JOINS} WHERE {filter} ORDER BY r.created_at DESC LIMIT 300"))
        .bind(key)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Referral::from)
        .collect())
}

/// Who made it and how, for the insert.
pub struct Origin<'a> {
    pub source: Source,
    pub referrer_id: Option<&'a str>,
    pub organisation_id: Option<&'a str>,
    pub consent_recorded_by: &'a str,
    /// For the history and the access log.
    pub actor_label: &'a str,
}

/// Stores a new referral with its first history line and access-log line.
pub async fn insert(tx: &mut Transaction<'_, Any>, network_id: &str, r: &NewReferral, origin: &Origin<'_>) -> Result<String, AppError> {
    let id = new_id();
    let t = now();
    sqlx::query(
        "INSERT INTO referrals (id, network_id, locality_id, source, referrer_id, organisation_id, person_name, date_of_birth,
            email, phone, contact_by, what_matters, interests, access_needs, risk_notes, urgency, consent_referral_at,
            consent_sharing_at, consent_method, consent_recorded_by, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20, $17, $17)",
    )
    .bind(&id)
    .bind(network_id)
    .bind(&r.locality)
    .bind(origin.source.as_str())
    .bind(origin.referrer_id)
    .bind(origin.organisation_id)
    .bind(&r.person_name)
    .bind(&r.date_of_birth)
    .bind(&r.email)
    .bind(&r.phone)
    .bind(&r.contact_by)
    .bind(&r.what_matters)
    .bind(r.interests.join(","))
    .bind(&r.access_needs)
    .bind(&r.risk_notes)
    .bind(r.urgency.as_str())
    .bind(t)
    .bind(&r.consent_method)
    .bind(origin.consent_recorded_by)
    .bind(Status::Submitted.as_str())
    .execute(&mut **tx)
    .await?;
    event(tx, &id, None, Status::Submitted, origin.referrer_id, origin.actor_label, "").await?;
    log(&mut **tx, &id, origin.referrer_id, origin.actor_label, "submit", "").await?;
    Ok(id)
}

/// Moves the status if it is still `from` (so two builders pressing at once move it once).
/// Sets the dates that go with the new status.
pub async fn set_status(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    from: Status,
    to: Status,
    summary: Option<&str>,
) -> Result<bool, AppError> {
    let t = now();
    let extra = match to {
        Status::Contacted => ", first_contact_at = COALESCE(first_contact_at, $4)",
        Status::Joined => ", joined_at = COALESCE(joined_at, $4)",
        Status::Active => ", first_exchange_at = COALESCE(first_exchange_at, $4)",
        Status::Closed | Status::Declined | Status::Withdrawn => ", closed_at = $4",
        _ => "",
    };
    let n = sqlx::query(&format!("UPDATE referrals SET status = $1, updated_at = $4{extra} WHERE id = $2 AND status = $3"))
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .bind(t)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 1 {
        if let Some(s) = summary {
            sqlx::query("UPDATE referrals SET outcome_summary = $1 WHERE id = $2").bind(s).bind(id).execute(&mut **tx).await?;
        }
        if to.is_final() {
            // Nothing more goes to the organisations it was sent on to.
            super::withdraw_waiting_onward(tx, id, t).await?;
        }
    }
    Ok(n == 1)
}

/// The status before the last "on hold".
pub async fn held_from(db: &Db, id: &str) -> Result<Option<Status>, AppError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT from_status FROM referral_events WHERE referral_id = $1 AND to_status = $2 ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(id)
    .bind(Status::OnHold.as_str())
    .fetch_optional(&db.pool)
    .await?
    .and_then(|s| Status::parse(&s)))
}

/// Links the member account made for the person (a builder signed them up).
pub async fn set_member(tx: &mut Transaction<'_, Any>, id: &str, user_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET member_id = $1 WHERE id = $2").bind(user_id).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Links the member who joined through the emailed invitation, and spends the invitation.
pub async fn set_member_by_invitation(tx: &mut Transaction<'_, Any>, id: &str, user_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET member_id = $1, invite_token_hash = NULL WHERE id = $2")
        .bind(user_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Who went along to support the first exchange.
pub async fn set_first_exchange_supported_by(tx: &mut Transaction<'_, Any>, id: &str, supported_by: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET first_exchange_supported_by = $1 WHERE id = $2")
        .bind(supported_by)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks consent to share as withdrawn at `at` (once).
pub async fn set_consent_withdrawn(tx: &mut Transaction<'_, Any>, id: &str, at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET consent_withdrawn_at = $1, updated_at = $1 WHERE id = $2 AND consent_withdrawn_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    super::withdraw_waiting_onward(tx, id, at).await?;
    Ok(())
}

/// Keeps the hash of an emailed join link and when it stops working.
pub async fn set_invitation(tx: &mut Transaction<'_, Any>, id: &str, token_hash: &str, expires_at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET invite_token_hash = $1, invite_expires_at = $2 WHERE id = $3")
        .bind(token_hash)
        .bind(expires_at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The referral behind a join link, while the link is live, consent stands and nobody
/// has joined through it yet.
#[derive(sqlx::FromRow)]
pub struct InvitedRow {
    pub id: String,
    pub network_id: String,
    pub locality_id: String,
    pub status: String,
}

pub async fn invited(db: &Db, token_hash: &str, at: i64) -> Result<Option<InvitedRow>, AppError> {
    Ok(sqlx::query_as::<_, InvitedRow>(
        "SELECT id, network_id, locality_id, status FROM referrals
         WHERE invite_token_hash = $1 AND invite_expires_at >= $2 AND consent_withdrawn_at IS NULL AND member_id IS NULL",
    )
    .bind(token_hash)
    .bind(at)
    .fetch_optional(&db.pool)
    .await?)
}

/// Erases the person's details, keeping status, dates, locality, organisation, interests
/// and wellbeing scores (anonymous numbers for reports).
pub async fn erase(tx: &mut Transaction<'_, Any>, id: &str) -> Result<bool, AppError> {
    // The invitation we emailed them carries their name and address.
    sqlx::query(
        "DELETE FROM outbox WHERE subject = $2
           AND to_address = (SELECT email FROM referrals WHERE id = $1 AND erased_at IS NULL)",
    )
    .bind(id)
    .bind(INVITATION_SUBJECT)
    .execute(&mut **tx)
    .await?;
    // The closing summary emailed to the referrer (it may name them).
    sqlx::query("DELETE FROM outbox WHERE subject = $1 AND body LIKE $2")
        .bind(SUMMARY_SUBJECT)
        .bind(format!("%/referrals/{id}%"))
        .execute(&mut **tx)
        .await?;
    let n = sqlx::query(
        "UPDATE referrals SET person_name = '', date_of_birth = '', email = '', phone = '', what_matters = '', access_needs = '',
            risk_notes = '', outcome_summary = '', member_id = NULL, invite_token_hash = NULL, erased_at = $1
         WHERE id = $2 AND erased_at IS NULL",
    )
    .bind(now())
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 {
        sqlx::query("UPDATE referral_events SET note = '' WHERE referral_id = $1").bind(id).execute(&mut **tx).await?;
        super::withdraw_waiting_onward(tx, id, now()).await?;
        sqlx::query("UPDATE onward_referrals SET note = '', reason = '' WHERE referral_id = $1").bind(id).execute(&mut **tx).await?;
    }
    Ok(n == 1)
}

/// A site-wide interest the referral forms offer.
#[derive(sqlx::FromRow)]
pub struct InterestRow {
    pub id: String,
    pub name: String,
    pub theme: String,
}

/// The site-wide interests still in use, wellbeing themes first.
pub async fn interests(db: &Db) -> Result<Vec<InterestRow>, AppError> {
    Ok(sqlx::query_as::<_, InterestRow>(
        "SELECT id, name, theme FROM categories WHERE network_id IS NULL AND retired_at IS NULL ORDER BY theme DESC, position",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// The names of site-wide interests (retired ones too: an old referral keeps its words), in
/// the order of `ids`; an id no longer known is shown as it is.
pub async fn interest_names(db: &Db, ids: &[String]) -> Result<Vec<String>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql =
        format!("SELECT id, name FROM categories WHERE network_id IS NULL AND id IN ({})", crate::platform::db::placeholders(ids.len(), 0));
    let mut q = sqlx::query_as::<_, (String, String)>(&sql);
    for id in ids {
        q = q.bind(id);
    }
    let names: std::collections::HashMap<String, String> = q.fetch_all(&db.pool).await?.into_iter().collect();
    Ok(ids.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone())).collect())
}
