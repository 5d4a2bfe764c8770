//! In-app notifications with an unread count in the menu, and email for the same events:
//! each person chooses immediately, a daily digest, or never.
//!
//! A notification is written in the same transaction as what caused it; an immediate
//! email goes into the outbox in that transaction too. Digests are sent by the background
//! jobs (`crate::jobs`).

pub mod pages;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub text: String,
    pub link: String,
    pub created_at: i64,
    pub unread: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsView {
    pub items: Vec<Notification>,
    pub email_frequency: String,
}

/// Tells someone about something, in the caller's transaction.
#[cfg(feature = "ssr")]
pub async fn notify(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    public_url: &str,
    user_id: &str,
    text: &str,
    link: &str,
) -> Result<(), AppError> {
    use sqlx::Row;
    sqlx::query("INSERT INTO notifications (id, user_id, text, link, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(crate::util::new_id())
        .bind(user_id)
        .bind(text)
        .bind(link)
        .bind(crate::util::now())
        .execute(&mut **tx)
        .await?;
    let row =
        sqlx::query("SELECT email, display_name, email_frequency FROM users WHERE id = $1").bind(user_id).fetch_one(&mut **tx).await?;
    if let (Some(email), "immediately") = (row.get::<Option<String>, _>("email"), row.get::<String, _>("email_frequency").as_str()) {
        crate::email::queue(
            tx,
            &email,
            text,
            &format!(
                "Hello {},\n\n{text}\n\n{public_url}{link}\n\nYou can choose to get these emails once a day, or not at all, on your account page: {public_url}/account\n",
                row.get::<String, _>("display_name")
            ),
        )
        .await?;
    }
    Ok(())
}

/// The signed-in person's notifications, newest first (the last 50).
#[server(endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<NotificationsView, AppError> {
    crate::platform::request::finish(
        async {
            use sqlx::Row;
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            let items = sqlx::query(
                "SELECT id, text, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 50",
            )
            .bind(&viewer.user_id)
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| Notification {
                id: r.get("id"),
                text: r.get("text"),
                link: r.get("link"),
                created_at: r.get("created_at"),
                unread: r.get::<Option<i64>, _>("read_at").is_none(),
            })
            .collect();
            let email_frequency: String = sqlx::query("SELECT email_frequency FROM users WHERE id = $1")
                .bind(&viewer.user_id)
                .fetch_one(&st.db.pool)
                .await?
                .get("email_frequency");
            Ok(NotificationsView { items, email_frequency })
        }
        .await,
    )
}

/// Marks every notification as read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(crate::util::now())
                .bind(&viewer.user_id)
                .execute(&st.db.pool)
                .await?;
            leptos_axum::redirect("/notifications");
            Ok(())
        }
        .await,
    )
}

/// How often to email: "immediately", "daily" or "never".
#[server(endpoint = "set_email_frequency")]
pub async fn set_email_frequency(frequency: String) -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            if !matches!(frequency.as_str(), "immediately" | "daily" | "never") {
                return Err(AppError::invalid("frequency", "Choose how often we should email you."));
            }
            sqlx::query("UPDATE users SET email_frequency = $1, last_digest_at = COALESCE(last_digest_at, $2) WHERE id = $3")
                .bind(&frequency)
                .bind(crate::util::now())
                .bind(&viewer.user_id)
                .execute(&st.db.pool)
                .await?;
            leptos_axum::redirect("/notifications?saved=1");
            Ok(())
        }
        .await,
    )
}
