//! Storage for two-step sign-in: the `second_factors` row (sealed secret, last accepted
//! time step, recovery codes waiting to be shown), the hashed `recovery_codes`, and the
//! half-way point of signing in (`sign_in_challenges`). Sealing, hashing and the rules are
//! in `auth::second_factor`; here values arrive sealed or hashed.

use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

/// A person's factor as stored: the secret and waiting codes still sealed.
#[derive(sqlx::FromRow)]
pub struct FactorRow {
    pub secret: String,
    pub enabled_at: Option<i64>,
    pub pending_codes: String,
    /// Recovery codes not yet used.
    pub left_codes: i64,
}

pub async fn factor(db: &Db, user_id: &str) -> Result<Option<FactorRow>, AppError> {
    Ok(sqlx::query_as::<_, FactorRow>(
        "SELECT f.secret, f.enabled_at, f.pending_codes,
                (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = f.user_id AND r.used_at IS NULL) AS left_codes
         FROM second_factors f WHERE f.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Whether the person has a second factor turned on.
pub async fn is_enabled(db: &Db, user_id: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT 1 AS one FROM second_factors WHERE user_id = $1 AND enabled_at IS NOT NULL")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Whether the factor is on, or being set up by this session (`session_hash`).
pub async fn on_or_set_up_by(db: &Db, user_id: &str, session_hash: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT 1 AS one FROM second_factors WHERE user_id = $1 AND (enabled_at IS NOT NULL OR setup_session = $2)")
        .bind(user_id)
        .bind(session_hash)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Whether the factor is being set up (not yet on) by this session (`session_hash`).
pub async fn set_up_by(db: &Db, user_id: &str, session_hash: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT 1 AS one FROM second_factors WHERE user_id = $1 AND enabled_at IS NULL AND setup_session = $2")
        .bind(user_id)
        .bind(session_hash)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Replaces any factor still being set up with a new one for this session, in one
/// transaction. A factor already on is left alone.
pub async fn restart_setup(
    db: &Db,
    user_id: &str,
    sealed_secret: &str,
    sealed_pending: &str,
    session_hash: &str,
    t: i64,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM second_factors WHERE user_id = $1 AND enabled_at IS NULL").bind(user_id).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO second_factors (user_id, secret, enabled_at, last_step, pending_codes, setup_session, created_at)
         VALUES ($1, $2, NULL, 0, $3, $4, $5) ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(sealed_secret)
    .bind(sealed_pending)
    .bind(session_hash)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Turns a factor being set up on, with the step of its first good code. `false`: it was
/// on already.
pub async fn turn_on(tx: &mut Transaction<'_, Any>, user_id: &str, step: i64, t: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE second_factors SET enabled_at = $1, last_step = $2, pending_codes = '' WHERE user_id = $3 AND enabled_at IS NULL",
    )
    .bind(t)
    .bind(step)
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// The person's recovery codes become these (hashed), replacing any they had.
pub async fn replace_recovery_codes(tx: &mut Transaction<'_, Any>, user_id: &str, hashes: &[String], t: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (code_hash, user_id, used_at, created_at) VALUES ($1, $2, NULL, $3)")
            .bind(hash)
            .bind(user_id)
            .bind(t)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Removes the factor and its recovery codes.
pub async fn delete(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM second_factors WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// Uses up a code's time step: `false` if that step (or a later one) was used already.
pub async fn use_step(db: &Db, user_id: &str, step: i64) -> Result<bool, AppError> {
    let used = sqlx::query("UPDATE second_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
        .bind(step)
        .bind(user_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(used == 1)
}

/// Uses up a recovery code by its hash: `false` if unknown or used already.
pub async fn use_recovery_code(db: &Db, user_id: &str, hash: &str, t: i64) -> Result<bool, AppError> {
    let used = sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL")
        .bind(t)
        .bind(hash)
        .bind(user_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(used == 1)
}

/// A factor's sealed values, for re-sealing after a key rotation.
#[derive(sqlx::FromRow)]
pub struct SealedFactor {
    pub user_id: String,
    pub secret: String,
    pub pending_codes: String,
}

pub async fn all_sealed(db: &Db) -> Result<Vec<SealedFactor>, AppError> {
    Ok(sqlx::query_as::<_, SealedFactor>("SELECT user_id, secret, pending_codes FROM second_factors").fetch_all(&db.pool).await?)
}

/// Stores newly sealed values, if the secret is still `old_secret`. Returns rows changed.
pub async fn reseal(db: &Db, user_id: &str, old_secret: &str, secret: &str, pending_codes: &str) -> Result<u64, AppError> {
    Ok(sqlx::query("UPDATE second_factors SET secret = $1, pending_codes = $2 WHERE user_id = $3 AND secret = $4")
        .bind(secret)
        .bind(pending_codes)
        .bind(user_id)
        .bind(old_secret)
        .execute(&db.pool)
        .await?
        .rows_affected())
}

/// A factor that is on from the start, with a sealed secret (tests).
pub async fn insert_enabled(tx: &mut Transaction<'_, Any>, user_id: &str, sealed_secret: &str, t: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO second_factors (user_id, secret, enabled_at, last_step, pending_codes, created_at) VALUES ($1, $2, $3, 0, '', $3)",
    )
    .bind(user_id)
    .bind(sealed_secret)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- the half-way point of signing in ----

/// Clears out expired challenges and opens a new one under `token_hash`.
pub async fn open_challenge(db: &Db, token_hash: &str, user_id: &str, next: &str, t: i64, expires_at: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at < $1").bind(t).execute(&db.pool).await?;
    sqlx::query("INSERT INTO sign_in_challenges (token_hash, user_id, next_path, attempts, expires_at) VALUES ($1, $2, $3, 0, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(next)
        .bind(expires_at)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A live challenge with attempts left.
#[derive(sqlx::FromRow)]
pub struct ChallengeRow {
    pub user_id: String,
    pub next_path: String,
}

pub async fn challenge(db: &Db, token_hash: &str, t: i64, max_attempts: i64) -> Result<Option<ChallengeRow>, AppError> {
    Ok(sqlx::query_as::<_, ChallengeRow>(
        "SELECT user_id, next_path FROM sign_in_challenges WHERE token_hash = $1 AND expires_at >= $2 AND attempts < $3",
    )
    .bind(token_hash)
    .bind(t)
    .bind(max_attempts)
    .fetch_optional(&db.pool)
    .await?)
}

/// Counts one attempt on a challenge, in one conditional UPDATE. `false`: none left.
pub async fn take_attempt(db: &Db, token_hash: &str, max_attempts: i64, t: i64) -> Result<bool, AppError> {
    let taken =
        sqlx::query("UPDATE sign_in_challenges SET attempts = attempts + 1 WHERE token_hash = $1 AND attempts < $2 AND expires_at >= $3")
            .bind(token_hash)
            .bind(max_attempts)
            .bind(t)
            .execute(&db.pool)
            .await?
            .rows_affected();
    Ok(taken == 1)
}

pub async fn close_challenge(db: &Db, token_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1").bind(token_hash).execute(&db.pool).await?;
    Ok(())
}

/// Notes on a session that it proved a second factor.
pub async fn mark_session(db: &Db, session_hash: &str, t: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET second_factor_at = $1 WHERE id_hash = $2").bind(t).bind(session_hash).execute(&db.pool).await?;
    Ok(())
}
