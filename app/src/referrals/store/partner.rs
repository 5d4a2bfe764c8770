//! Partner systems: their bearer tokens (only the hash is kept) and the Idempotency-Keys
//! that make a retried submission answer with the first referral.

use crate::error::AppError;
use crate::platform::db::Db;

/// A live partner token: its organisation and how it is named.
#[derive(sqlx::FromRow)]
pub struct PartnerRow {
    pub organisation_id: String,
    pub label: String,
    /// The organisation's name.
    pub name: String,
}

/// The partner behind a token's hash, unless revoked.
pub async fn partner_by_token(db: &Db, token_hash: &str) -> Result<Option<PartnerRow>, AppError> {
    Ok(sqlx::query_as::<_, PartnerRow>(
        "SELECT t.organisation_id, t.label, o.name FROM partner_tokens t JOIN organisations o ON o.id = t.organisation_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(&db.pool)
    .await?)
}

/// An organisation's id, found by its id or (any case) its name.
pub async fn organisation_id(db: &Db, id_or_name: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT id FROM organisations WHERE id = $1 OR LOWER(name) = LOWER($1)")
        .bind(id_or_name)
        .fetch_optional(&db.pool)
        .await?)
}

/// Keeps a new partner token's hash.
pub async fn insert_partner_token(
    db: &Db,
    token_hash: &str,
    organisation_id: &str,
    label: &str,
    created_by: Option<&str>,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO partner_tokens (token_hash, organisation_id, label, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(organisation_id)
        .bind(label)
        .bind(created_by)
        .bind(at)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Takes an Idempotency-Key for an organisation: one conditional insert, true if this
/// request now holds it.
pub async fn insert_idempotency_key(db: &Db, org: &str, key: &str, body_hash: &str, at: i64) -> Result<bool, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO partner_idempotency (organisation_id, idem_key, body_hash, referral_id, created_at)
         VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (organisation_id, idem_key) DO NOTHING",
    )
    .bind(org)
    .bind(key)
    .bind(body_hash)
    .bind(at)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// A key already taken: the body it came with, and the referral it made (once made).
#[derive(sqlx::FromRow)]
pub struct IdempotencyRow {
    pub body_hash: String,
    pub referral_id: Option<String>,
}

pub async fn idempotency_key(db: &Db, org: &str, key: &str) -> Result<Option<IdempotencyRow>, AppError> {
    Ok(sqlx::query_as::<_, IdempotencyRow>(
        "SELECT body_hash, referral_id FROM partner_idempotency WHERE organisation_id = $1 AND idem_key = $2",
    )
    .bind(org)
    .bind(key)
    .fetch_optional(&db.pool)
    .await?)
}

/// Records the referral a key made.
pub async fn finish_idempotency_key(db: &Db, org: &str, key: &str, referral_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE partner_idempotency SET referral_id = $1 WHERE organisation_id = $2 AND idem_key = $3")
        .bind(referral_id)
        .bind(org)
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Frees a key whose request made nothing, so it may be used again.
pub async fn release_idempotency_key(db: &Db, org: &str, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM partner_idempotency WHERE organisation_id = $1 AND idem_key = $2")
        .bind(org)
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}
