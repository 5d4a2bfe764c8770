//! Push's SQL: the browsers that said yes, and the alerts waiting to be sent (claimed with
//! a conditional update, so each is sent by one server only).

use super::domain::Subscription;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use base64::Engine;
use sqlx::{Any, Transaction};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Keeps a browser's subscription for a person. The address is one browser's: if it was
/// someone else's before (a shared phone), it is theirs no longer (one statement, so two
/// saves at once cannot collide).
pub async fn save(db: &Db, user_id: &str, s: &Subscription) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
             created_at = excluded.created_at, last_sent_at = NULL",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(&s.endpoint)
    .bind(B64.encode(&s.p256dh))
    .bind(B64.encode(&s.auth))
    .bind(now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Forgets one browser of a person (they turned alerts off there).
pub async fn remove(db: &Db, user_id: &str, endpoint: &str) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2")
        .bind(user_id)
        .bind(endpoint)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Forgets every browser of a person (signed out everywhere, password changed).
pub async fn remove_all(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// Forgets a browser the push service says is gone (404 or 410).
pub async fn forget_endpoint(db: &Db, endpoint: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1").bind(endpoint).execute(&db.pool).await?;
    Ok(())
}

/// A browser that gets a person's alerts, as their own data download lists it: the push
/// service it is reached through (not its address, which is a key to it), and when.
#[derive(sqlx::FromRow, serde::Serialize)]
pub struct Device {
    /// The push service's host (the full address is a key to the browser, so it is left out).
    pub service: String,
    pub since: i64,
    pub last_alert_at: Option<i64>,
}

pub async fn devices_of(db: &Db, user_id: &str) -> Result<Vec<Device>, AppError> {
    let rows = sqlx::query_as::<_, Device>(
        "SELECT endpoint AS service, created_at AS since, last_sent_at AS last_alert_at FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|d| Device {
            service: url::Url::parse(&d.service).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default(),
            ..d
        })
        .collect())
}

/// A subscription as kept.
#[derive(sqlx::FromRow)]
pub struct Kept {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl Kept {
    /// The keys as bytes (they were checked before they were kept).
    pub fn keys(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        Some((B64.decode(&self.p256dh).ok()?, B64.decode(&self.auth).ok()?))
    }
}

pub async fn subscriptions_of(db: &Db, user_id: &str) -> Result<Vec<Kept>, AppError> {
    Ok(sqlx::query_as::<_, Kept>("SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

pub async fn mark_sent(db: &Db, endpoint: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE push_subscriptions SET last_sent_at = $1 WHERE endpoint = $2").bind(now()).bind(endpoint).execute(&db.pool).await?;
    Ok(())
}

/// Queues an alert, in the caller's transaction, only if the person has a browser to send
/// it to (one statement: no subscription, nothing written).
pub async fn queue(tx: &mut Transaction<'_, Any>, user_id: &str, text: &str, link: &str, t: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO push_outbox (id, user_id, text, link, created_at) \
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM push_subscriptions WHERE user_id = $2)",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(text)
    .bind(link)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An alert waiting to be sent.
#[derive(sqlx::FromRow)]
pub struct Waiting {
    pub id: String,
    pub user_id: String,
    pub text: String,
    pub link: String,
    pub created_at: i64,
    pub attempts: i64,
}

/// The oldest alerts not claimed, or claimed by a server that stopped before finishing
/// (claimed more than `stale_secs` ago); at most 20.
pub async fn waiting(db: &Db, stale_secs: i64) -> Result<Vec<Waiting>, AppError> {
    Ok(sqlx::query_as::<_, Waiting>(
        "SELECT id, user_id, text, link, created_at, attempts FROM push_outbox \
         WHERE claimed_at IS NULL OR claimed_at < $1 ORDER BY created_at LIMIT 20",
    )
    .bind(now() - stale_secs)
    .fetch_all(&db.pool)
    .await?)
}

/// Claims an alert for sending: `false` if another server already did.
pub async fn claim(db: &Db, w: &Waiting, stale_secs: i64) -> Result<bool, AppError> {
    let t = now();
    let claimed = sqlx::query(
        "UPDATE push_outbox SET claimed_at = $1, attempts = attempts + 1 \
         WHERE id = $2 AND attempts = $3 AND (claimed_at IS NULL OR claimed_at < $4)",
    )
    .bind(t)
    .bind(&w.id)
    .bind(w.attempts)
    .bind(t - stale_secs)
    .execute(&db.pool)
    .await?;
    Ok(claimed.rows_affected() != 0)
}

/// Done with an alert: sent, or given up.
pub async fn finish(db: &Db, id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_outbox WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

/// Puts an alert back to be tried again later.
pub async fn release(db: &Db, id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE push_outbox SET claimed_at = NULL WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

/// How many alerts wait (for `/metrics`).
pub async fn waiting_count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM push_outbox").fetch_one(&db.pool).await?)
}
