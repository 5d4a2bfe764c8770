//! Onward referrals (`onward_referrals`): a referral sent on to an organisation of the
//! directory, and its answer.

use crate::error::AppError;
use crate::platform::db::Db;
use crate::referrals::domain::Onward;
use crate::util::new_id;
use sqlx::{Any, Transaction};

/// An onward referral with its entry's and organisation's names.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OnwardRow {
    pub id: String,
    pub referral_id: String,
    pub entry_id: String,
    pub entry_title: String,
    pub organisation_id: String,
    pub organisation: String,
    pub share_what_matters: i64,
    pub share_access_needs: i64,
    pub note: String,
    pub status: String,
    pub reason: String,
    pub due_at: i64,
    pub sent_by: String,
    pub sent_by_name: String,
    pub sent_at: i64,
    pub answered_by_name: Option<String>,
    pub answered_at: Option<i64>,
}

impl OnwardRow {
    pub fn status(&self) -> Onward {
        Onward::parse(&self.status).unwrap_or(Onward::Withdrawn)
    }
}

const SELECT_ONWARD: &str = "SELECT w.id, w.referral_id, w.entry_id, e.title AS entry_title, w.organisation_id, o.name AS organisation,
        w.share_what_matters, w.share_access_needs, w.note, w.status, w.reason, w.due_at, w.sent_by, s.display_name AS sent_by_name, w.sent_at,
        a.display_name AS answered_by_name, w.answered_at
    FROM onward_referrals w
    JOIN directory_entries e ON e.id = w.entry_id
    JOIN directory_organisations o ON o.id = w.organisation_id
    JOIN users s ON s.id = w.sent_by
    LEFT JOIN users a ON a.id = w.answered_by";

/// The onward referrals of a referral, oldest first.
pub async fn onward_of(db: &Db, referral_id: &str) -> Result<Vec<OnwardRow>, AppError> {
    Ok(sqlx::query_as::<_, OnwardRow>(&format!("{SELECT_ONWARD} WHERE w.referral_id = $1 ORDER BY w.sent_at, w.id"))
        .bind(referral_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn onward(db: &Db, id: &str) -> Result<Option<OnwardRow>, AppError> {
    Ok(sqlx::query_as::<_, OnwardRow>(&format!("{SELECT_ONWARD} WHERE w.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

/// The onward referrals to the organisations someone acts for: every one waiting, and
/// those answered since `answered_since`; waiting first, oldest first.
pub async fn onward_to_member(db: &Db, user_id: &str, answered_since: i64) -> Result<Vec<OnwardRow>, AppError> {
    Ok(sqlx::query_as::<_, OnwardRow>(&format!(
        "{SELECT_ONWARD} WHERE w.organisation_id IN (SELECT m.organisation_id FROM directory_org_members m WHERE m.user_id = $1)
           AND (w.status = 'waiting' OR w.answered_at >= $2 OR w.sent_at >= $2)
         ORDER BY CASE WHEN w.status = 'waiting' THEN 0 ELSE 1 END, w.sent_at, w.id LIMIT 300"
    ))
    .bind(user_id)
    .bind(answered_since)
    .fetch_all(&db.pool)
    .await?)
}

/// Whether someone acts for an organisation.
pub async fn acts_for(db: &Db, organisation_id: &str, user_id: &str) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM directory_org_members WHERE organisation_id = $1 AND user_id = $2")
        .bind(organisation_id)
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// What an onward referral is made of.
pub struct NewOnward<'a> {
    pub referral_id: &'a str,
    pub entry_id: &'a str,
    pub organisation_id: &'a str,
    pub share_what_matters: bool,
    pub share_access_needs: bool,
    pub note: &'a str,
    pub due_at: i64,
    pub sent_by: &'a str,
    pub sent_at: i64,
}

/// Stores an onward referral; `None` when one to that entry is already waiting or
/// accepted (the unique index decides, so two sent at once make one).
pub async fn insert_onward(tx: &mut Transaction<'_, Any>, w: &NewOnward<'_>) -> Result<Option<String>, AppError> {
    let id = new_id();
    let done = sqlx::query(
        "INSERT INTO onward_referrals (id, referral_id, entry_id, organisation_id, share_what_matters, share_access_needs, note,
             status, due_at, sent_by, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting', $8, $9, $10)
         ON CONFLICT (referral_id, entry_id) WHERE status IN ('waiting', 'accepted') DO NOTHING",
    )
    .bind(&id)
    .bind(w.referral_id)
    .bind(w.entry_id)
    .bind(w.organisation_id)
    .bind(i64::from(w.share_what_matters))
    .bind(i64::from(w.share_access_needs))
    .bind(w.note)
    .bind(w.due_at)
    .bind(w.sent_by)
    .bind(w.sent_at)
    .execute(&mut **tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// Answers (or withdraws) an onward referral that is still waiting; false if it no longer is.
pub async fn answer_onward(tx: &mut Transaction<'_, Any>, id: &str, to: Onward, reason: &str, by: &str, at: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE onward_referrals SET status = $1, reason = $2, answered_by = $3, answered_at = $4 WHERE id = $5 AND status = 'waiting'",
    )
    .bind(to.as_str())
    .bind(reason)
    .bind(by)
    .bind(at)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withdraws every waiting onward referral of a referral (consent withdrawn, erased, or
/// closed): the organisations no longer see the person.
pub async fn withdraw_waiting_onward(tx: &mut Transaction<'_, Any>, referral_id: &str, at: i64) -> Result<u64, AppError> {
    let done =
        sqlx::query("UPDATE onward_referrals SET status = 'withdrawn', answered_at = $1 WHERE referral_id = $2 AND status = 'waiting'")
            .bind(at)
            .bind(referral_id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected())
}

/// The network's working days for an organisation's answer.
pub async fn onward_reply_days(db: &Db, network_id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT onward_reply_days FROM networks WHERE id = $1").bind(network_id).fetch_one(&db.pool).await?)
}

/// Records that the person agreed the closing summary goes back to the referrer.
pub async fn set_summary_shared(tx: &mut Transaction<'_, Any>, referral_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET summary_shared = 1 WHERE id = $1").bind(referral_id).execute(&mut **tx).await?;
    Ok(())
}

/// Whether the person agreed the closing summary goes back to the referrer.
pub async fn summary_shared(db: &Db, referral_id: &str) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT summary_shared FROM referrals WHERE id = $1").bind(referral_id).fetch_one(&db.pool).await?;
    Ok(n != 0)
}

/// The What's on entries the member came to (recorded by the organisers): (title, times).
pub async fn attended_by(db: &Db, user_id: &str) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (String, i64)>(
        "SELECT e.title, COUNT(*) FROM directory_going g JOIN directory_entries e ON e.id = g.entry_id
         WHERE g.user_id = $1 AND g.attended = 1 GROUP BY e.id, e.title ORDER BY e.title",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The onward referrals past their answer date, still waiting, not yet reminded about.
pub async fn overdue_onward(db: &Db, t: i64) -> Result<Vec<OnwardRow>, AppError> {
    Ok(sqlx::query_as::<_, OnwardRow>(&format!(
        "{SELECT_ONWARD} WHERE w.status = 'waiting' AND w.due_at < $1 AND w.reminded_at IS NULL ORDER BY w.due_at, w.id"
    ))
    .bind(t)
    .fetch_all(&db.pool)
    .await?)
}

/// Claims the one reminder about an overdue onward referral; false if it was sent or the
/// referral answered meanwhile.
pub async fn claim_onward_reminder(tx: &mut Transaction<'_, Any>, id: &str, t: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE onward_referrals SET reminded_at = $2 WHERE id = $1 AND status = 'waiting' AND reminded_at IS NULL")
        .bind(id)
        .bind(t)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
