//! Member profiles: name, a few lines about them, area, member since, help given and
//! received, what they offer and ask for (their open listings), and the thanks they got.
//! Contact details are never on a profile.

pub mod pages;

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
    crate::platform::request::finish(async {
        use sqlx::Row;
        let st = crate::platform::state::state()?;
        let viewer = crate::platform::request::signed_in().await?;
        crate::networks::domain::require_any_role(&viewer)?;
        let Some(row) = sqlx::query(
            "SELECT u.id, u.display_name, u.about, m.network_id, m.locality_id, m.created_at, m.status, l.name AS locality_name
             FROM users u JOIN memberships m ON m.user_id = u.id JOIN localities l ON l.id = m.locality_id WHERE u.id = $1
             ORDER BY m.created_at LIMIT 1",
        )
        .bind(&user_id)
        .fetch_optional(&st.db.pool)
        .await?
        else {
            return Err(AppError::not_found("member"));
        };
        let network: String = row.get("network_id");
        let same_network = viewer.membership.as_ref().is_some_and(|m| m.network_id == network && m.status == crate::networks::domain::MembershipStatus::Active);
        let builds_here = crate::networks::domain::require_builder_for(&viewer, &network, &row.get::<String, _>("locality_id")).is_ok();
        if !(same_network || builds_here) || (row.get::<String, _>("status") != "active" && !builds_here) {
            return Err(AppError::not_found("member"));
        }
        let account = crate::ledger::store::AccountRef::Member(user_id.clone()).id(&network);
        let (given_minutes, received_minutes) = crate::ledger::queries::help_totals(&st.db, &account).await?;
        let listings = crate::listings::store::mine(&st.db, &user_id)
            .await?
            .into_iter()
            .filter(|c| c.status == crate::listings::domain::ListingStatus::Open && !c.hidden && c.expires_at > crate::util::now() && c.network_id == network)
            .collect();
        let thanks = sqlx::query(
            "SELECT u.display_name, t.body, t.created_at FROM thanks t JOIN users u ON u.id = t.from_id JOIN exchanges e ON e.id = t.exchange_id
             WHERE t.to_id = $1 AND e.network_id = $2 ORDER BY t.created_at DESC LIMIT 20",
        )
        .bind(&user_id)
        .bind(&network)
        .fetch_all(&st.db.pool)
        .await?
        .into_iter()
        .map(|r| (r.get("display_name"), r.get("body"), r.get("created_at")))
        .collect();
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
            display_name: row.get("display_name"),
            about: row.get("about"),
            locality_name: row.get("locality_name"),
            member_since: row.get("created_at"),
            given_minutes,
            received_minutes,
            listings,
            thanks,
            badges,
        })
    }.await)
}

/// A few lines about yourself for your profile.
#[server(endpoint = "set_about")]
pub async fn set_about(about: String) -> Result<(), AppError> {
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
            sqlx::query("UPDATE users SET about = $1 WHERE id = $2").bind(&text).bind(&viewer.user_id).execute(&st.db.pool).await?;
            leptos_axum::redirect(&format!("/members/{}?saved=1", viewer.user_id));
            Ok(())
        }
        .await,
    )
}
