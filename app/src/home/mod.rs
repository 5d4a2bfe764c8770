//! The start page for visitors, the home page for signed-in people (which is also the
//! "waiting for approval" page for pending members), and the code of conduct.
//!
//! Home's own data is [`home_glance`]: the balance, what waits for this member to act,
//! whether they have posted anything yet (for a new member's first steps), and the
//! suggestions (`listings::home_picks`).

pub mod pages;

use crate::error::AppError;
use crate::exchanges::ExchangeRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a resident sees first on Home.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Glance {
    pub balance_minutes: i64,
    /// Exchanges waiting for this member: an answer or a confirmation (oldest first).
    pub waiting: Vec<ExchangeRow>,
    /// Has never posted an offer or request: show the first steps.
    pub new_member: bool,
    /// What Home suggests (kept between visits while the network's listings are unchanged).
    pub picks: crate::listings::Picks,
}

/// The balance, what waits for the member, and whether they are new.
#[server(endpoint = "home_glance")]
pub async fn home_glance() -> Result<Glance, AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            let m = crate::networks::domain::require_active_member(&viewer)?;
            let me = crate::ledger::store::AccountRef::Member(viewer.user_id.clone());
            let balance_minutes = crate::ledger::store::balance(&st.db, &m.network_id, &me).await?;
            let waiting = crate::exchanges::store::waiting_for(&st.db, &viewer.user_id).await?;
            let picks = crate::listings::home_picks().await?;
            Ok(Glance { balance_minutes, waiting, new_member: !picks.has_posted, picks })
        }
        .await,
    )
}
