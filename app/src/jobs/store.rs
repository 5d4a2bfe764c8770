//! The background jobs' SQL: what is due (warnings, automatic confirmations, digests) and
//! the conditional UPDATEs that claim each thing for one server.

use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::DAY;
use sqlx::{Any, Transaction};

/// Forgets security events from before `before`.
pub async fn prune_security_events(db: &Db, before: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM security_events WHERE at < $1").bind(before).execute(&db.pool).await?;
    Ok(())
}

/// Recorded hours to be confirmed automatically within a day, not yet warned about.
#[derive(sqlx::FromRow)]
pub struct DueWarning {
    pub id: String,
    pub owner_id: String,
    pub asker_id: String,
    pub recorded_by: Option<String>,
    pub title: String,
}

pub async fn due_warnings(db: &Db, t: i64) -> Result<Vec<DueWarning>, AppError> {
    Ok(sqlx::query_as::<_, DueWarning>(
        "SELECT e.id, e.owner_id, e.asker_id, e.recorded_by, l.title FROM exchanges e JOIN networks n ON n.id = e.network_id
         JOIN listings l ON l.id = e.listing_id
         WHERE e.status = 'recorded' AND e.warned_at IS NULL AND e.recorded_at <= $1 - (n.auto_confirm_days - 1) * $2",
    )
    .bind(t)
    .bind(DAY)
    .fetch_all(&db.pool)
    .await?)
}

/// Claims the warning for one exchange: `false` if it was warned about (or moved on) already.
pub async fn claim_warning(tx: &mut Transaction<'_, Any>, exchange_id: &str, t: i64) -> Result<bool, AppError> {
    let claimed = sqlx::query("UPDATE exchanges SET warned_at = $1 WHERE id = $2 AND warned_at IS NULL AND status = 'recorded'")
        .bind(t)
        .bind(exchange_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(claimed == 1)
}

/// Exchanges whose recorded hours are past the network's automatic confirmation.
pub async fn due_confirmations(db: &Db, t: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT e.id FROM exchanges e JOIN networks n ON n.id = e.network_id
         WHERE e.status = 'recorded' AND e.recorded_at <= $1 - n.auto_confirm_days * $2",
    )
    .bind(t)
    .bind(DAY)
    .fetch_all(&db.pool)
    .await?)
}

/// Someone who chose a daily digest, has unread news, and had no digest since `since`.
#[derive(sqlx::FromRow)]
pub struct DigestDue {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub last_digest_at: Option<i64>,
}

pub async fn due_digests(db: &Db, since: i64) -> Result<Vec<DigestDue>, AppError> {
    Ok(sqlx::query_as::<_, DigestDue>(
        "SELECT u.id, u.email, u.display_name, u.last_digest_at FROM users u
         WHERE u.email_frequency = 'daily' AND u.email IS NOT NULL AND (u.last_digest_at IS NULL OR u.last_digest_at <= $1)
           AND EXISTS (SELECT 1 FROM notifications nt WHERE nt.user_id = u.id AND nt.read_at IS NULL AND nt.created_at >= COALESCE(u.last_digest_at, 0))",
    )
    .bind(since)
    .fetch_all(&db.pool)
    .await?)
}

/// Claims a person's digest for `t`: `false` if one went since `since` already.
pub async fn claim_digest(tx: &mut Transaction<'_, Any>, user_id: &str, t: i64, since: i64) -> Result<bool, AppError> {
    let claimed = sqlx::query("UPDATE users SET last_digest_at = $1 WHERE id = $2 AND (last_digest_at IS NULL OR last_digest_at <= $3)")
        .bind(t)
        .bind(user_id)
        .bind(since)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(claimed == 1)
}

/// An unread notification for the digest.
#[derive(sqlx::FromRow)]
pub struct DigestItem {
    pub text: String,
    pub link: String,
}

pub async fn unread_since(tx: &mut Transaction<'_, Any>, user_id: &str, since: i64) -> Result<Vec<DigestItem>, AppError> {
    Ok(sqlx::query_as::<_, DigestItem>(
        "SELECT text, link FROM notifications WHERE user_id = $1 AND read_at IS NULL AND created_at >= $2 ORDER BY created_at",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn network_ids(db: &Db) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT id FROM networks").fetch_all(&db.pool).await?)
}

/// Takes (or renews) the lease on a kind of work for `holder` until `until`; false while
/// another server holds it.
pub async fn take_lease(db: &Db, name: &str, holder: &str, t: i64, until: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE job_runs SET holder = $2, held_until = $4, last_started_at = $3
         WHERE name = $1 AND (holder = $2 OR held_until < $3)",
    )
    .bind(name)
    .bind(holder)
    .bind(t)
    .bind(until)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the next scheduled backup, due when the last one started before `due_before`.
pub async fn claim_backup(db: &Db, t: i64, due_before: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE job_runs SET last_started_at = $1 WHERE name = 'backup' AND last_started_at <= $2")
        .bind(t)
        .bind(due_before)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
