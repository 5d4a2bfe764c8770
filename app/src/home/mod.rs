//! The start page for visitors, the home page for signed-in people (which is also the
//! "waiting for approval" page for pending members), and the code of conduct.
//!
//! Home's own data is [`home_glance`]: the balance, what waits for this member to act, the
//! noticeboard, the wellbeing questions when they are due, whether they have posted anything
//! yet (for a new member's first steps), and the suggestions (`listings::home_picks`). All
//! but the suggestions come in one read (`store::glance`).

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

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
    /// The noticeboard of the member's area (newest first, at most 5).
    pub notices: Vec<crate::community::AnnouncementView>,
    /// The wellbeing questions, when a referred member is due to answer them.
    pub wellbeing: Option<crate::referrals::WellbeingDue>,
}

/// The balance, what waits for the member, the noticeboard, the wellbeing questions when
/// due, and whether they are new.
#[server(endpoint = "home_glance")]
pub async fn home_glance() -> Result<Glance, AppError> {
    crate::platform::request::finish(
        async {
            use crate::exchanges::domain::ExchangeStatus;
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            let m = crate::networks::domain::require_active_member(&viewer)?;
            let account = crate::ledger::store::AccountRef::Member(viewer.user_id.clone()).id(&m.network_id);
            let rows = store::glance(&st.db, &viewer.user_id, &account, &m.network_id, &m.locality_id).await?;
            let mut glance = Glance::default();
            for r in rows {
                match r.part.as_str() {
                    "balance" => glance.balance_minutes = r.at,
                    "waiting" => glance.waiting.push(ExchangeRow {
                        status: ExchangeStatus::parse(&r.status).unwrap_or(ExchangeStatus::Cancelled),
                        updated_at: r.at,
                        id: r.id,
                        listing_title: r.title,
                        other_name: r.who,
                    }),
                    "notice" => glance.notices.push(crate::community::AnnouncementView {
                        audience: if r.status.is_empty() { "Everyone in the network".into() } else { r.status.clone() },
                        locality_id: (!r.place.is_empty()).then_some(r.place),
                        at: r.at,
                        id: r.id,
                        title: r.title,
                        body: r.body,
                        posted_by: r.who,
                    }),
                    _ => {
                        let joined = store::joined_at(&r);
                        glance.wellbeing = crate::referrals::wellbeing_stage(r.n2, r.n3, joined, r.n1, crate::util::now())
                            .map(|stage| crate::referrals::WellbeingDue { stage: stage.to_string() });
                    }
                }
            }
            // A union keeps no order of its own: oldest waiting first, newest notice first.
            glance.waiting.sort_by(|a, b| (a.updated_at, &a.id).cmp(&(b.updated_at, &b.id)));
            glance.notices.sort_by(|a, b| (b.at, &a.id).cmp(&(a.at, &b.id)));
            glance.picks = crate::listings::home_picks(&st, &viewer, m).await?;
            glance.new_member = !glance.picks.has_posted;
            Ok(glance)
        }
        .await,
    )
}
