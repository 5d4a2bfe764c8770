//! In-app notifications with an unread count in the menu, and email for the same events:
//! each person chooses immediately, a daily digest, or never.
//!
//! A notification is written in the same transaction as what caused it; an immediate
//! email goes into the outbox in that transaction too. Digests are sent by the background
//! jobs (`crate::jobs`).

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

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
    /// The site's public push key, for turning on alerts on this phone.
    pub push_key: String,
}

/// The notification in the app and as an alert on their phones; who they are, for the email.
#[cfg(feature = "ssr")]
async fn in_app(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user_id: &str, text: &str, link: &str) -> Result<store::Recipient, AppError> {
    let t = crate::util::now();
    store::insert(tx, user_id, text, link, t).await?;
    crate::push::store::queue(tx, user_id, text, link, t).await?;
    store::recipient(tx, user_id).await
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
    let who = in_app(tx, user_id, text, link).await?;
    if let (Some(email), "immediately") = (who.email, who.email_frequency.as_str()) {
        crate::email::queue(
            tx,
            &email,
            text,
            &format!(
                "Hello {},\n\n{text}\n\n{public_url}{link}\n\nYou can choose to get these emails once a day, or not at all, on your account page: {public_url}/account\n",
                who.display_name
            ),
        )
        .await?;
    }
    Ok(())
}

/// Tells someone about something that carries its own email (a closing summary, say):
/// in the app at once, and the email unless they chose never to get emails (a daily
/// digest does not wait for it, so it goes at once).
#[cfg(feature = "ssr")]
pub async fn notify_with_email(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
    text: &str,
    link: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    let who = in_app(tx, user_id, text, link).await?;
    if let Some(email) = who.email.filter(|_| who.email_frequency != "never") {
        crate::email::queue(tx, &email, subject, &format!("Hello {},\n\n{body}", who.display_name)).await?;
    }
    Ok(())
}

/// The page at `link` was opened by `user_id`: what they were told about it is no longer
/// new. Every page a notification leads to calls this when its owner opens it.
#[cfg(feature = "ssr")]
pub async fn seen(db: &crate::platform::db::Db, user_id: &str, link: &str) -> Result<(), AppError> {
    store::mark_read_about(db, user_id, link, crate::util::now()).await
}

/// The signed-in person's notifications, newest first (the last 50).
#[server(endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<NotificationsView, AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            let items = store::latest(&st.db, &viewer.user_id).await?;
            let email_frequency = store::email_frequency(&st.db, &viewer.user_id).await?;
            Ok(NotificationsView { items, email_frequency, push_key: crate::push::browser_key(&st) })
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
            store::mark_all_read(&st.db, &viewer.user_id, crate::util::now()).await?;
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
            store::set_email_frequency(&st.db, &viewer.user_id, &frequency, crate::util::now()).await?;
            leptos_axum::redirect("/notifications?saved=1");
            Ok(())
        }
        .await,
    )
}
