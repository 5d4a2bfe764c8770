//! Storage for referrals: the row, its history, outcomes, and the access log.

use super::domain::{NewReferral, Source, Status, Wellbeing};
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::{any::AnyRow, Any, Executor, Row, Transaction};

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

pub const COLUMNS: &str = "r.id, r.network_id, r.locality_id, l.name AS locality_name, r.source, r.referrer_id,
    COALESCE(ru.display_name, '') AS referrer_name, r.organisation_id, COALESCE(o.name, '') AS organisation_name,
    r.person_name, r.date_of_birth, r.email, r.phone, r.contact_by, r.what_matters, r.interests, r.access_needs,
    r.risk_notes, r.urgency, r.consent_referral_at, r.consent_sharing_at, r.consent_method, r.consent_recorded_by,
    r.consent_withdrawn_at, r.status, r.member_id, mu.display_name AS member_name, r.first_contact_at, r.joined_at,
    r.first_exchange_at, r.first_exchange_supported_by, r.closed_at, r.outcome_summary, r.erased_at, r.created_at,
    r.updated_at, n.first_contact_days, n.follow_up_weeks";

pub const JOINS: &str = "FROM referrals r
    JOIN localities l ON l.id = r.locality_id
    JOIN networks n ON n.id = r.network_id
    LEFT JOIN users ru ON ru.id = r.referrer_id
    LEFT JOIN organisations o ON o.id = r.organisation_id
    LEFT JOIN users mu ON mu.id = r.member_id";

pub fn from_row(r: &AnyRow) -> Referral {
    Referral {
        id: r.get("id"),
        network_id: r.get("network_id"),
        locality_id: r.get("locality_id"),
        locality_name: r.get("locality_name"),
        source: Source::parse(&r.get::<String, _>("source")).unwrap_or(Source::Professional),
        referrer_id: r.get("referrer_id"),
        referrer_name: r.get("referrer_name"),
        organisation_id: r.get("organisation_id"),
        organisation_name: r.get("organisation_name"),
        person_name: r.get("person_name"),
        date_of_birth: r.get("date_of_birth"),
        email: r.get("email"),
        phone: r.get("phone"),
        contact_by: r.get("contact_by"),
        what_matters: r.get("what_matters"),
        interests: r.get::<String, _>("interests").split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
        access_needs: r.get("access_needs"),
        risk_notes: r.get("risk_notes"),
        urgency: r.get("urgency"),
        consent_referral_at: r.get("consent_referral_at"),
        consent_sharing_at: r.get("consent_sharing_at"),
        consent_method: r.get("consent_method"),
        consent_recorded_by: r.get("consent_recorded_by"),
        consent_withdrawn_at: r.get("consent_withdrawn_at"),
        status: Status::parse(&r.get::<String, _>("status")).unwrap_or(Status::Submitted),
        member_id: r.get("member_id"),
        member_name: r.get("member_name"),
        first_contact_at: r.get("first_contact_at"),
        joined_at: r.get("joined_at"),
        first_exchange_at: r.get("first_exchange_at"),
        first_exchange_supported_by: r.get("first_exchange_supported_by"),
        closed_at: r.get("closed_at"),
        outcome_summary: r.get("outcome_summary"),
        erased_at: r.get("erased_at"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
        first_contact_days: r.get("first_contact_days"),
        follow_up_weeks: r.get("follow_up_weeks"),
    }
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Referral>, AppError> {
    Ok(sqlx::query(&format!("SELECT {COLUMNS} {JOINS} WHERE r.id = $1")).bind(id).fetch_optional(&db.pool).await?.map(|r| from_row(&r)))
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, 'submitted', $17, $17)",
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
    .execute(&mut **tx)
    .await?;
    event(tx, &id, None, Status::Submitted, origin.referrer_id, origin.actor_label, "").await?;
    log(&mut **tx, &id, origin.referrer_id, origin.actor_label, "submit", "").await?;
    Ok(id)
}

/// A line of the referral's history.
pub async fn event(
    tx: &mut Transaction<'_, Any>,
    referral_id: &str,
    from: Option<Status>,
    to: Status,
    by: Option<&str>,
    by_label: &str,
    note: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO referral_events (id, referral_id, from_status, to_status, by_user_id, by_label, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(referral_id)
    .bind(from.map(|s| s.as_str()).unwrap_or(""))
    .bind(to.as_str())
    .bind(by)
    .bind(by_label)
    .bind(note)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A line of the access log (append-only). `detail` never holds personal details.
pub async fn log<'e, E>(
    exec: E,
    referral_id: &str,
    user_id: Option<&str>,
    actor_label: &str,
    action: &str,
    detail: &str,
) -> Result<(), AppError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO referral_access_log (id, referral_id, user_id, actor_label, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(referral_id)
    .bind(user_id)
    .bind(actor_label)
    .bind(action)
    .bind(detail)
    .bind(now())
    .execute(exec)
    .await?;
    Ok(())
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
    }
    Ok(n == 1)
}

/// The status before the last "on hold".
pub async fn held_from(db: &Db, id: &str) -> Result<Option<Status>, AppError> {
    Ok(sqlx::query(
        "SELECT from_status FROM referral_events WHERE referral_id = $1 AND to_status = 'on_hold' ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .and_then(|r| Status::parse(&r.get::<String, _>("from_status"))))
}

pub struct EventRow {
    pub from: String,
    pub to: String,
    pub by: String,
    pub note: String,
    pub at: i64,
}

pub async fn events(db: &Db, id: &str) -> Result<Vec<EventRow>, AppError> {
    Ok(sqlx::query(
        "SELECT e.from_status, e.to_status, COALESCE(u.display_name, e.by_label) AS by_name, e.note, e.at
         FROM referral_events e LEFT JOIN users u ON u.id = e.by_user_id WHERE e.referral_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| EventRow { from: r.get("from_status"), to: r.get("to_status"), by: r.get("by_name"), note: r.get("note"), at: r.get("at") })
    .collect())
}

pub async fn outcomes(db: &Db, id: &str) -> Result<Vec<(String, Wellbeing, String, i64)>, AppError> {
    Ok(sqlx::query(
        "SELECT stage, life_satisfaction, worthwhile, happiness, anxiety, lack_companionship, left_out, isolated, answered_by, at
         FROM referral_outcomes WHERE referral_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.get("stage"),
            Wellbeing {
                life_satisfaction: r.get("life_satisfaction"),
                worthwhile: r.get("worthwhile"),
                happiness: r.get("happiness"),
                anxiety: r.get("anxiety"),
                lack_companionship: r.get("lack_companionship"),
                left_out: r.get("left_out"),
                isolated: r.get("isolated"),
            },
            r.get("answered_by"),
            r.get("at"),
        )
    })
    .collect())
}

pub async fn add_outcome(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    stage: &str,
    w: &Wellbeing,
    answered_by: &str,
    by: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO referral_outcomes (id, referral_id, stage, life_satisfaction, worthwhile, happiness, anxiety, lack_companionship,
            left_out, isolated, answered_by, entered_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(new_id())
    .bind(id)
    .bind(stage)
    .bind(w.life_satisfaction)
    .bind(w.worthwhile)
    .bind(w.happiness)
    .bind(w.anxiety)
    .bind(w.lack_companionship)
    .bind(w.left_out)
    .bind(w.isolated)
    .bind(answered_by)
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Erases the person's details, keeping status, dates, locality, organisation, interests
/// and wellbeing scores (anonymous numbers for reports).
pub async fn erase(tx: &mut Transaction<'_, Any>, id: &str) -> Result<bool, AppError> {
    // The invitation we emailed them carries their name and address.
    sqlx::query(
        "DELETE FROM outbox WHERE subject = 'Your invitation to join the time bank'
           AND to_address = (SELECT email FROM referrals WHERE id = $1 AND erased_at IS NULL)",
    )
    .bind(id)
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
    }
    Ok(n == 1)
}

/// The community builders whose scope reaches a locality (its own and the whole network's).
pub async fn builders_of(tx: &mut Transaction<'_, Any>, network_id: &str, locality_id: &str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query("SELECT DISTINCT user_id FROM builder_roles WHERE network_id = $1 AND (locality_id IS NULL OR locality_id = $2)")
        .bind(network_id)
        .bind(locality_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| r.get("user_id"))
        .collect())
}
