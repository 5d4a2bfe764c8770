//! The outbox's SQL: queueing a message, reading the newest, and claiming messages for
//! delivery (a conditional UPDATE, so each is sent by one server only).

use super::OutboxMessage;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::{Any, Transaction};

/// Queues an email inside the caller's transaction.
pub async fn queue(tx: &mut Transaction<'_, Any>, to: &str, subject: &str, body: &str) -> Result<(), AppError> {
    sqlx::query("INSERT INTO outbox (id, to_address, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id())
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An outbox row as read for the outbox page.
#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: String,
    to_address: String,
    subject: String,
    body: String,
    created_at: i64,
    sent_at: Option<i64>,
}

pub async fn latest(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, AppError> {
    let rows = sqlx::query_as::<_, OutboxRow>(
        "SELECT id, to_address, subject, body, created_at, sent_at FROM outbox ORDER BY created_at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxMessage {
            id: r.id,
            to_address: r.to_address,
            subject: r.subject,
            body: r.body,
            created_at: r.created_at,
            sent: r.sent_at.is_some(),
        })
        .collect())
}

/// A message waiting to be sent.
#[derive(sqlx::FromRow)]
pub struct Unsent {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// The oldest messages not yet sent (at most 20).
pub async fn unsent(db: &Db) -> Result<Vec<Unsent>, AppError> {
    Ok(sqlx::query_as::<_, Unsent>("SELECT id, to_address, subject, body FROM outbox WHERE sent_at IS NULL ORDER BY created_at LIMIT 20")
        .fetch_all(&db.pool)
        .await?)
}

/// Claims a message for sending: `false` if another server already did.
pub async fn claim(db: &Db, id: &str) -> Result<bool, AppError> {
    let claimed =
        sqlx::query("UPDATE outbox SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL").bind(now()).bind(id).execute(&db.pool).await?;
    Ok(claimed.rows_affected() != 0)
}

/// Puts a message back in the queue with the reason its sending failed.
pub async fn release(db: &Db, id: &str, error: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE outbox SET sent_at = NULL, last_error = $1 WHERE id = $2").bind(error).bind(id).execute(&db.pool).await?;
    Ok(())
}

/// How many emails wait in the outbox (for `/metrics`).
pub async fn waiting_count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(&db.pool).await?)
}
