//! The site admins' view of security events (`/admin/security`): failed and throttled
//! sign-ins, lockouts, wrong codes, two-step changes, refused cross-origin requests,
//! refusals and partner-token use. The events are written by `platform::events`.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One event as shown to a site admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SecurityEventRow {
    pub at: i64,
    pub kind: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub subject: String,
    pub client: String,
    pub detail: String,
}

/// What the page shows: the newest events (of one kind, if chosen) and the kinds to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEventsView {
    pub events: Vec<SecurityEventRow>,
    pub kinds: Vec<String>,
    pub kind: String,
}

/// The newest 200 security events, optionally of one kind. Site admins only.
#[server(endpoint = "security_events")]
pub async fn security_events(kind: Option<String>) -> Result<SecurityEventsView, AppError> {
    crate::platform::request::finish(
        async {
            use crate::platform::events::EventKind;
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_site_admin(&viewer)?;
            let kind = kind.and_then(|k| EventKind::from_code(&k)).map(|k| k.code().to_string()).unwrap_or_default();
            let events = store::newest(&st.db, &kind).await?;
            Ok(SecurityEventsView { events, kinds: EventKind::ALL.iter().map(|k| k.code().to_string()).collect(), kind })
        }
        .await,
    )
}
