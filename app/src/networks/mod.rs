//! Networks (time banks), their localities, memberships and roles.
//!
//! `domain` holds the rules of who may do what; `store` (server only) reads them from the
//! database; the server functions here are what pages call.

pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use domain::{MembershipStatus, Viewer};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalityChoice {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkChoice {
    pub id: String,
    pub name: String,
    /// Where visitors may look at its listings: its short name for `/listings?network=`.
    pub browse: Option<String>,
    pub localities: Vec<LocalityChoice>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub display_name: String,
    pub locality_name: String,
    pub status: MembershipStatus,
    pub joined_at: i64,
}

/// Who is signed in (None for visitors). Used by the page header on every page.
#[server(endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    crate::platform::request::finish(crate::platform::request::viewer().await)
}

/// The networks and localities a visitor can join.
#[server(endpoint = "join_choices")]
pub async fn join_choices() -> Result<Vec<NetworkChoice>, AppError> {
    let state = crate::platform::state::state()?;
    crate::platform::request::finish(store::network_choices(&state.db).await)
}

/// The members a community builder looks after (site admins: everyone).
#[server(endpoint = "community_members")]
pub async fn community_members() -> Result<Vec<MemberRow>, AppError> {
    crate::platform::request::finish(
        async {
            let viewer = crate::platform::request::signed_in().await?;
            domain::require_some_builder(&viewer)?;
            let state = crate::platform::state::state()?;
            store::members_in_scopes(&state.db, &viewer.builder_of, viewer.is_site_admin).await
        }
        .await,
    )
}
