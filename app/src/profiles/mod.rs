//! Member profiles: name, a few lines about them, area, member since, help given and
//! received, what they offer and ask for (their open listings), and the thanks they got.
//! Contact details are never on a profile.

#[cfg(feature = "ssr")]
pub mod export;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use crate::listings::ListingCard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user_id: String,
    pub display_name: String,
    pub about: String,
    pub locality_name: String,
    pub member_since: i64,
    pub given_minutes: i64,
    pub received_minutes: i64,
    pub listings: Vec<ListingCard>,
    /// (from, text, when)
    pub thanks: Vec<(String, String, i64)>,
    pub badges: Vec<String>,
    pub is_me: bool,
    /// The viewer is a community builder for this member (links to their record).
    pub can_manage: bool,
}

/// A member's profile, for members of the same network (and its builders).
#[server(endpoint = "member_profile")]
pub async fn member_profile(user_id: String) -> Result<Profile, AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            let Some(row) = store::member(&st.db, &user_id).await? else {
                return Err(AppError::not_found("member"));
            };
            let network = row.network_id.clone();
            let same_network = viewer
                .membership
                .as_ref()
                .is_some_and(|m| m.network_id == network && m.status == crate::networks::domain::MembershipStatus::Active);
            let builds_here = crate::networks::domain::require_builder_for(&viewer, &network, &row.locality_id).is_ok();
            if !builds_here && (!same_network || row.status != "active") {
                return Err(AppError::not_found("member"));
            }
            let account = crate::ledger::store::AccountRef::Member(user_id.clone()).id(&network);
            let (given_minutes, received_minutes) = crate::ledger::queries::help_totals(&st.db, &account).await?;
            let listings = crate::listings::store::mine(&st.db, &user_id)
                .await?
                .into_iter()
                .filter(|c| {
                    c.status == crate::listings::domain::ListingStatus::Open
                        && !c.hidden
                        && c.expires_at > crate::util::now()
                        && c.network_id == network
                })
                .collect();
            let thanks = store::thanks(&st.db, &user_id, &network).await?;
            // The vetting checklist's badges first ("Met a coordinator"), then the ones earned.
            let mut badges = crate::community::store::vetting(&st.db, &user_id, &network).await?.badges();
            if given_minutes >= 600 {
                badges.push("Ten hours of help given".to_string());
            } else if given_minutes > 0 {
                badges.push("Has helped a neighbour".to_string());
            }
            Ok(Profile {
                is_me: user_id == viewer.user_id,
                can_manage: builds_here,
                user_id,
                display_name: row.display_name,
                about: row.about,
                locality_name: row.locality_name,
                member_since: row.created_at,
                given_minutes,
                received_minutes,
                listings,
                thanks,
                badges,
            })
        }
        .await,
    )
}

/// A few lines about yourself for your profile.
#[server(endpoint = "set_about")]
pub async fn set_about(about: String, from: Option<String>) -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            crate::networks::domain::require_active_member(&viewer)?;
            let text = about.trim().to_string();
            if text.chars().count() > 500 || crate::util::has_control_chars(&text) {
                return Err(crate::error::FormProblem::new()
                    .keep("about", &about)
                    .field("about", "Keep it under 500 characters, in ordinary letters, numbers and punctuation.")
                    .into_result()
                    .unwrap_err());
            }
            store::set_about(&st.db, &viewer.user_id, &text).await?;
            // Written from Account: back there; from the profile page: back to the profile.
            if from.as_deref() == Some("account") {
                leptos_axum::redirect("/account?changed=about");
            } else {
                leptos_axum::redirect(&format!("/members/{}?saved=1", viewer.user_id));
            }
            Ok(())
        }
        .await,
    )
}
