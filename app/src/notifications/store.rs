//! Notifications' SQL: writing one, the email choice of the person told, reading and
//! marking them read, and the choice of how often to email.

use super::Notification;
use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

/// Writes a notification, in the caller's transaction.
pub async fn insert(tx: &mut Transaction<'_, Any>, user_id: &str, text: &str, link: &str, t: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO notifications (id, user_id, text, link, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(crate::util::new_id())
        .bind(user_id)
        .bind(text)
        .bind(link)
        .bind(t)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Who is told, and how they like to hear.
#[derive(sqlx::FromRow)]
pub struct Recipient {
    pub email: Option<String>,
    pub display_name: String,
    pub email_frequency: String,
}

pub async fn recipient(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<Recipient, AppError> {
    Ok(sqlx::query_as::<_, Recipient>("SELECT email, display_name, email_frequency FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?)
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: String,
    text: String,
    link: String,
    created_at: i64,
    read_at: Option<i64>,
}

/// The person's newest 50 notifications.
pub async fn latest(db: &Db, user_id: &str) -> Result<Vec<Notification>, AppError> {
    let rows = sqlx::query_as::<_, NotificationRow>(
        "SELECT id, text, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification { id: r.id, text: r.text, link: r.link, created_at: r.created_at, unread: r.read_at.is_none() })
        .collect())
}

pub async fn email_frequency(db: &Db, user_id: &str) -> Result<String, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT email_frequency FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?)
}

pub async fn mark_all_read(db: &Db, user_id: &str, t: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(t)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Marks read what `user_id` was told about one page (its address, or a place on it).
pub async fn mark_read_about(db: &Db, user_id: &str, link: &str, t: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND (link = $3 OR link LIKE $4 OR link LIKE $5)",
    )
    .bind(t)
    .bind(user_id)
    .bind(link)
    .bind(format!("{link}#%"))
    .bind(format!("{link}?%"))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Sets how often to email; a first choice starts the digest clock now.
pub async fn set_email_frequency(db: &Db, user_id: &str, frequency: &str, t: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET email_frequency = $1, last_digest_at = COALESCE(last_digest_at, $2) WHERE id = $3")
        .bind(frequency)
        .bind(t)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
