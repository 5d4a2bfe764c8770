//! Member profiles: name, a few lines about them, area, member since, help given and
//! received, what they offer and ask for (their open listings), and the thanks they got.
//! Contact details are never on a profile. A photo is optional (`photo`: sent from
//! Account, re-encoded on the server; a builder may remove one).

pub mod closing;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod export;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod photo;
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
    /// The photo's address, if they have one.
    pub photo: Option<String>,
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
            if viewer.user_id == user_id {
                crate::notifications::seen(&st.db, &viewer.user_id, &format!("/members/{user_id}")).await?;
            }
            let network = row.network_id.clone();
            let status = crate::networks::domain::MembershipStatus::parse(&row.status)
                .unwrap_or(crate::networks::domain::MembershipStatus::Suspended);
            if !domain::may_see_profile(&viewer, &user_id, &network, &row.locality_id, status) {
                return Err(AppError::not_found("member"));
            }
            let builds_here = crate::networks::domain::require_builder_for(&viewer, &network, &row.locality_id).is_ok();
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
            let photo = row.photo_token.as_deref().map(photo_address);
            Ok(Profile {
                photo,
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

/// The address a photo is served at (`photo::serve`).
pub fn photo_address(token: &str) -> String {
    format!("/photos/{token}.jpg")
}

/// Takes down the signed-in member's own photo.
#[server(endpoint = "remove_my_photo")]
pub async fn remove_my_photo() -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            let mut tx = st.db.pool.begin().await?;
            store::delete_photo(&mut tx, &viewer.user_id).await?;
            tx.commit().await?;
            leptos_axum::redirect("/account?changed=photo-removed#photo-heading");
            Ok(())
        }
        .await,
    )
}

/// A community builder takes down a member's photo, with a reason the member is told.
#[server(endpoint = "remove_member_photo")]
pub async fn remove_member_photo(user_id: String, photo_reason: String) -> Result<(), AppError> {
    crate::platform::request::finish(
        async {
            use crate::audit::{
                domain::AuditAction,
                store::{audit, AuditEntry},
            };
            let st = crate::platform::state::state()?;
            let viewer = crate::platform::request::signed_in().await?;
            let Some(row) = store::member(&st.db, &user_id).await? else {
                return Err(AppError::not_found("member"));
            };
            crate::networks::domain::require_builder_for(&viewer, &row.network_id, &row.locality_id)?;
            let mut problem = crate::error::FormProblem::new().keep("photo_reason", &photo_reason);
            let reason = crate::error::read_text(&mut problem, "photo_reason", &photo_reason, "why (the member is told it)", 500);
            problem.into_result()?;
            let Some(reason) = reason else { return Err(crate::error::unexpected("photo: reason missing")) };
            let mut tx = st.db.pool.begin().await?;
            if !store::delete_photo(&mut tx, &user_id).await? {
                return Err(AppError::Conflict(format!("{} has no photo now.", row.display_name)));
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::RemovePhoto)
                    .on_member(&row.network_id, &row.locality_id, &user_id)
                    .reason(reason.clone()),
            )
            .await?;
            let text = format!("A community builder took down your photo: {reason}");
            crate::notifications::notify(&mut tx, &st.config.public_url, &user_id, &text, "/account#photo-heading").await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}?done=photo"));
            Ok(())
        }
        .await,
    )
}
