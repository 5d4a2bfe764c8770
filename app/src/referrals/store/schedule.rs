//! What the background schedules find due: referrals past their network's retention
//! period, and referred members whose follow-up wellbeing questions are due.

use crate::error::AppError;
use crate::platform::db::Db;
use crate::referrals::domain::Status;
use crate::util::{DAY, WEEK};
use sqlx::{Any, Transaction};

/// A month, for the retention setting: a year of 365.25 days over 12.
pub const AVERAGE_MONTH: i64 = DAY * 36_525 / 1_200;

/// Referrals closed longer ago than their network's retention setting and not yet erased.
pub async fn past_retention(db: &Db, t: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT r.id FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.erased_at IS NULL AND r.closed_at IS NOT NULL AND r.closed_at <= $1 - n.referral_retention_months * $2",
    )
    .bind(t)
    .bind(AVERAGE_MONTH)
    .fetch_all(&db.pool)
    .await?)
}

/// A referral whose follow-up is due, and where it is.
#[derive(sqlx::FromRow)]
pub struct FollowUpRow {
    pub id: String,
    pub network_id: String,
    pub locality_id: String,
}

/// Joined or active referrals (consent standing) whose follow-up falls due by `t` and whose
/// builders have not been reminded.
pub async fn follow_ups_due(db: &Db, t: i64) -> Result<Vec<FollowUpRow>, AppError> {
    Ok(sqlx::query_as::<_, FollowUpRow>(
        "SELECT r.id, r.network_id, r.locality_id FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.follow_up_reminded_at IS NULL AND r.joined_at IS NOT NULL AND r.status IN ($2, $3)
           AND r.consent_withdrawn_at IS NULL AND r.joined_at <= $1 - n.follow_up_weeks * $4",
    )
    .bind(t)
    .bind(Status::Joined.as_str())
    .bind(Status::Active.as_str())
    .bind(WEEK)
    .fetch_all(&db.pool)
    .await?)
}

/// Claims the follow-up reminder of a referral (true once, whichever server asks first).
pub async fn claim_follow_up(tx: &mut Transaction<'_, Any>, id: &str, t: i64) -> Result<bool, AppError> {
    let claimed = sqlx::query("UPDATE referrals SET follow_up_reminded_at = $1 WHERE id = $2 AND follow_up_reminded_at IS NULL")
        .bind(t)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(claimed == 1)
}
