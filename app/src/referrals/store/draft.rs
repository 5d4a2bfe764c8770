//! Referrals being written in steps: one sealed row per draft, found by the hash of the
//! token in the writer's cookie; gone when sent or a day after it was last saved.

use crate::error::AppError;
use crate::platform::db::Db;

/// A draft as stored: whose it is, and its sealed answers.
#[derive(sqlx::FromRow)]
pub struct DraftRow {
    pub user_id: Option<String>,
    pub self_referral: i64,
    pub sealed: String,
}

pub async fn draft(db: &Db, token_hash: &str, fresh_since: i64) -> Result<Option<DraftRow>, AppError> {
    Ok(sqlx::query_as::<_, DraftRow>(
        "SELECT user_id, self_referral, sealed FROM referral_drafts WHERE token_hash = $1 AND updated_at >= $2",
    )
    .bind(token_hash)
    .bind(fresh_since)
    .fetch_optional(&db.pool)
    .await?)
}

/// Saves a draft (new or changed), and clears away drafts not saved since `stale_before`.
pub async fn save_draft(
    db: &Db,
    token_hash: &str,
    user_id: Option<&str>,
    self_referral: bool,
    sealed: &str,
    now: i64,
    stale_before: i64,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM referral_drafts WHERE updated_at < $1").bind(stale_before).execute(&mut *tx).await?;
    let changed = sqlx::query("UPDATE referral_drafts SET sealed = $1, updated_at = $2 WHERE token_hash = $3")
        .bind(sealed)
        .bind(now)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        sqlx::query(
            "INSERT INTO referral_drafts (token_hash, user_id, self_referral, sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(self_referral as i64)
        .bind(sealed)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn delete_draft(db: &Db, token_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM referral_drafts WHERE token_hash = $1").bind(token_hash).execute(&db.pool).await?;
    Ok(())
}
