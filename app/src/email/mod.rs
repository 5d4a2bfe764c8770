//! Email, sent through a transactional outbox.
//!
//! An action that emails someone writes the message into the `outbox` table in the same
//! transaction as the action, so a message is never sent for something that was rolled back
//! and never lost for something that happened. When `SMTP_URL` is set, a background task
//! delivers queued messages with lettre; without it, messages stay in the outbox, which the
//! demo shows at `/outbox` (and site admins can always read).

pub mod pages;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub sent: bool,
}

/// The newest 50 emails. In the demo's own database: anyone (so visitors can follow the
/// links); otherwise site admins.
#[server(endpoint = "outbox")]
pub async fn outbox_messages() -> Result<Vec<OutboxMessage>, AppError> {
    crate::platform::request::finish(
        async {
            let state = crate::platform::state::state()?;
            // Public only in the demo, and only in a database the demo itself made (a real
            // database started with --demo by mistake keeps its reset links private).
            let public = state.config.demo && crate::demo::is_demo_database(&state.db).await?;
            if !public {
                let viewer = crate::platform::request::signed_in().await?;
                crate::networks::domain::require_site_admin(&viewer)?;
            }
            ssr::latest(&state.db, 50).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::OutboxMessage;
    use crate::error::AppError;
    use crate::platform::db::Db;
    use crate::platform::state::AppState;
    use crate::util::{new_id, now};
    use sqlx::{Any, Row, Transaction};

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

    pub async fn latest(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, AppError> {
        let rows =
            sqlx::query("SELECT id, to_address, subject, body, created_at, sent_at FROM outbox ORDER BY created_at DESC, id LIMIT $1")
                .bind(limit)
                .fetch_all(&db.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| OutboxMessage {
                id: r.get("id"),
                to_address: r.get("to_address"),
                subject: r.get("subject"),
                body: r.get("body"),
                created_at: r.get("created_at"),
                sent: r.get::<Option<i64>, _>("sent_at").is_some(),
            })
            .collect())
    }

    /// Delivers queued mail by SMTP until the process ends. Several servers may run this:
    /// each message is claimed with a conditional update before it is sent.
    pub async fn deliver_forever(state: AppState) {
        let Some(url) = state.config.smtp_url.clone() else { return };
        let transport = match lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&url) {
            Ok(b) => b.build(),
            Err(e) => {
                tracing::error!("SMTP_URL is not usable, mail stays in the outbox: {e}");
                return;
            }
        };
        loop {
            if let Err(e) = deliver_batch(&state, &transport).await {
                tracing::warn!("mail delivery: {e}");
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    }

    async fn deliver_batch(state: &AppState, transport: &lettre::AsyncSmtpTransport<lettre::Tokio1Executor>) -> anyhow::Result<()> {
        use lettre::AsyncTransport;
        let rows = sqlx::query("SELECT id, to_address, subject, body FROM outbox WHERE sent_at IS NULL ORDER BY created_at LIMIT 20")
            .fetch_all(&state.db.pool)
            .await?;
        for r in rows {
            let id: String = r.get("id");
            // Claim it: only one server sends each message.
            let claimed = sqlx::query("UPDATE outbox SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL")
                .bind(now())
                .bind(&id)
                .execute(&state.db.pool)
                .await?
                .rows_affected();
            if claimed == 0 {
                continue;
            }
            let message = lettre::Message::builder()
                .from(state.config.mail_from.parse()?)
                .to(r.get::<String, _>("to_address").parse()?)
                .subject(r.get::<String, _>("subject"))
                .body(r.get::<String, _>("body"))?;
            if let Err(e) = transport.send(message).await {
                sqlx::query("UPDATE outbox SET sent_at = NULL, last_error = $1 WHERE id = $2")
                    .bind(e.to_string())
                    .bind(&id)
                    .execute(&state.db.pool)
                    .await?;
            }
        }
        Ok(())
    }
}
