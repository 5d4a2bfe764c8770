//! Email, sent through a transactional outbox.
//!
//! An action that emails someone writes the message into the `outbox` table in the same
//! transaction as the action, so a message is never sent for something that was rolled back
//! and never lost for something that happened. When `SMTP_URL` is set, a background task
//! delivers queued messages with lettre; without it, messages stay in the outbox, which the
//! demo shows at `/outbox` (and site admins can always read).

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

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
            let public = state.config.demo && crate::platform::flags::is_demo_database(&state.db).await?;
            if !public {
                let viewer = crate::platform::request::signed_in().await?;
                crate::networks::domain::require_site_admin(&viewer)?;
            }
            store::latest(&state.db, 50).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub use delivery::deliver_forever;
#[cfg(feature = "ssr")]
pub use store::queue;

#[cfg(feature = "ssr")]
mod delivery {
    use super::store;
    use crate::platform::state::AppState;

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
        for m in store::unsent(&state.db).await? {
            // Claim it: only one server sends each message.
            if !store::claim(&state.db, &m.id).await? {
                continue;
            }
            let message = lettre::Message::builder()
                .from(state.config.mail_from.parse()?)
                .to(m.to_address.parse()?)
                .subject(m.subject)
                .body(m.body)?;
            if let Err(e) = transport.send(message).await {
                store::release(&state.db, &m.id, &e.to_string()).await?;
            }
        }
        Ok(())
    }
}
