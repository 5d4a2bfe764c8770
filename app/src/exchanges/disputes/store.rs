//! SQL for settling a disputed exchange: the exchange and where its members belong,
//! moving it out of "disputed", and back when the ledger refuses the hours.

use super::super::domain::ExchangeStatus;
use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

/// A disputed exchange as settling it needs it; `locality_id` is the receiver's.
#[derive(sqlx::FromRow)]
pub struct DisputedExchange {
    pub network_id: String,
    pub status: String,
    pub title: String,
    pub provider_id: String,
    pub receiver_id: String,
    pub recorded_minutes: Option<i64>,
    pub locality_id: Option<String>,
}

pub async fn disputed_exchange(db: &Db, exchange_id: &str) -> Result<Option<DisputedExchange>, AppError> {
    Ok(sqlx::query_as::<_, DisputedExchange>(
        "SELECT e.network_id, e.status, e.title, e.provider_id, e.receiver_id, e.recorded_minutes, m.locality_id
         FROM exchanges e LEFT JOIN memberships m ON m.user_id = e.receiver_id AND m.network_id = e.network_id WHERE e.id = $1",
    )
    .bind(exchange_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A member's (first) membership: (network, locality).
pub async fn member_place(db: &Db, user_id: &str) -> Result<Option<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, (String, String)>(
        "SELECT m.network_id, m.locality_id
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id
         WHERE m.user_id = $1 ORDER BY m.created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Moves a disputed exchange to `to` (recorded or cancelled) with its minutes, who settled
/// it and why; false if it was no longer disputed.
pub async fn settle(
    tx: &mut Transaction<'_, Any>,
    exchange_id: &str,
    to: ExchangeStatus,
    recorded_minutes: i64,
    by: &str,
    reason: &str,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE exchanges SET status = $6, recorded_minutes = $1, recorded_by = $2, reason = $3, updated_at = $4 WHERE id = $5 AND status = 'disputed'",
    )
    .bind(recorded_minutes)
    .bind(by)
    .bind(reason)
    .bind(at)
    .bind(exchange_id)
    .bind(to.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(moved != 0)
}

/// After the ledger refused the hours: the exchange is disputed again.
pub async fn back_to_disputed(db: &Db, exchange_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE exchanges SET status = 'disputed' WHERE id = $1 AND status = 'recorded'")
        .bind(exchange_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
