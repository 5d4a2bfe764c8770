//! Alerts on a member's phone (Web Push, RFC 8030/8291/8292): the browser's own push
//! service wakes our service worker, which shows the notification even with the app closed.
//!
//! - A member turns alerts on from the notifications page (`/push.js`: the browser asks for
//!   permission and subscribes with the site's public key; the subscription comes here).
//!   Without JavaScript the choice is not shown: notifications and email still work.
//! - Every notification (`notifications::notify`) queues an alert in its own transaction
//!   when the person has a subscription; [`deliver_forever`] sends them, encrypted for the
//!   browser (`web-push-native`: aes128gcm, VAPID), and forgets a browser whose push
//!   service says it is gone.
//! - The site's push key derives from the site's secret key, so every server signs alike.

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
mod send;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub use send::{deliver_batch, deliver_forever, public_key};

/// The site's public push key for `applicationServerKey`, base64url.
#[cfg(feature = "ssr")]
pub fn browser_key(state: &crate::platform::state::AppState) -> String {
    domain::browser_key(&public_key(&state.config.keys))
}

/// Turns alerts on for this browser: keeps its subscription and sends a first alert, so
/// the member sees at once what they look like.
#[server(endpoint = "save_push_subscription")]
pub async fn save_push_subscription(endpoint: String, p256dh: String, auth: String) -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            let sub = domain::Subscription::parse(&endpoint, &p256dh, &auth, &st.config.push_origins)
                .map_err(|p| AppError::invalid("endpoint", p.message()))?;
            store::save(&st.db, &viewer.user_id, &sub).await?;
            let mut tx = st.db.pool.begin().await?;
            store::queue(
                &mut tx,
                &viewer.user_id,
                "Alerts are on for this phone. We will tell you here when someone needs you.",
                "/notifications",
                crate::util::now(),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Turns alerts off for this browser.
#[server(endpoint = "remove_push_subscription")]
pub async fn remove_push_subscription(endpoint: String) -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            store::remove(&st.db, &viewer.user_id, endpoint.trim()).await?;
            Ok(())
        }
        .await,
    )
}
