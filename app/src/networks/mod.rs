//! Networks (time banks), their localities, memberships and roles.
//!
//! `domain` holds the rules of who may do what; `store` (server only) reads them from the
//! database; the server functions here are what pages call.

pub mod domain;
pub mod find;
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

/// One page of the members a builder looks after, found by what they typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersView {
    pub q: String,
    pub rows: Vec<MemberRow>,
    /// How many match (all pages), and how many of those wait for approval.
    pub total: i64,
    pub waiting: i64,
    pub page: u32,
    pub has_more: bool,
    /// The search was too short to look for (fewer than two letters or digits).
    pub too_short: bool,
}

/// Members on one page of the list.
pub const MEMBERS_PER_PAGE: i64 = 50;

/// The members a community builder looks after (site admins: everyone), by name, a page
/// at a time; with `q`, those whose name, email or phone number holds it.
#[server(endpoint = "community_members")]
pub async fn community_members(q: Option<String>, page: Option<u32>) -> Result<MembersView, AppError> {
    crate::platform::request::finish(
        async {
            let viewer = crate::platform::request::signed_in().await?;
            domain::require_some_builder(&viewer)?;
            let state = crate::platform::state::state()?;
            let q = q.unwrap_or_default().trim().chars().take(100).collect::<String>();
            let search = find::MemberSearch::parse(&q);
            let too_short = !q.is_empty() && search.is_none();
            let page = page.unwrap_or(1).max(1);
            if too_short {
                return Ok(MembersView { q, rows: vec![], total: 0, waiting: 0, page, has_more: false, too_short });
            }
            let within = store::Within { builder: Some(&viewer), ..Default::default() };
            let (total, waiting) = store::count_members(&state.db, &within, search.as_ref()).await?;
            let offset = (page as i64 - 1) * MEMBERS_PER_PAGE;
            let found = store::find_members(&state.db, &within, search.as_ref(), MEMBERS_PER_PAGE + 1, offset).await?;
            let has_more = found.len() as i64 > MEMBERS_PER_PAGE;
            let rows = found
                .into_iter()
                .take(MEMBERS_PER_PAGE as usize)
                .map(|f| MemberRow {
                    user_id: f.hit.user_id,
                    display_name: f.hit.display_name,
                    locality_name: f.hit.locality_name,
                    status: f.status,
                    joined_at: f.joined_at,
                })
                .collect();
            Ok(MembersView { q, rows, total, waiting, page, has_more, too_short })
        }
        .await,
    )
}

/// Suggestions as a builder types a member's name, email or phone number: active members
/// they look after (optionally in one network or area), at most eight.
#[server(endpoint = "find_members")]
pub async fn find_members(q: String, network: Option<String>, locality: Option<String>) -> Result<Vec<find::MemberHit>, AppError> {
    crate::platform::request::finish(
        async {
            let viewer = crate::platform::request::signed_in().await?;
            domain::require_some_builder(&viewer)?;
            let state = crate::platform::state::state()?;
            let within = store::Within {
                builder: Some(&viewer),
                network: network.as_deref().filter(|n| !n.is_empty()),
                locality: locality.as_deref().filter(|l| !l.is_empty()),
                active_only: true,
            };
            suggestions(&state.db, &within, &q).await
        }
        .await,
    )
}

/// What a find-a-member field suggests as someone types: at most eight members `within`.
/// The caller has decided who may look where.
#[cfg(feature = "ssr")]
pub async fn suggestions(db: &crate::platform::db::Db, within: &store::Within<'_>, q: &str) -> Result<Vec<find::MemberHit>, AppError> {
    let Some(search) = find::MemberSearch::parse(q) else { return Ok(vec![]) };
    let found = store::find_members(db, within, Some(&search), find::MOST_CHOICES as i64, 0).await?;
    Ok(found.into_iter().map(|f| f.hit).collect())
}

/// A member's id as the server makes them (32 hex digits): never a name anyone types.
#[cfg(feature = "ssr")]
fn looks_like_id(s: &str) -> bool {
    s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// Reads a "find a member" field of a form ([`crate::components::forms::MemberField`]):
/// the member chosen from the suggestions or the list (`chosen`), else the one member that
/// what was typed names. When it names none or several, says so on the field (with the
/// several to choose from) and gives `None`. An empty field is fine when `missing` is `None`.
#[cfg(feature = "ssr")]
pub async fn read_member(
    db: &crate::platform::db::Db,
    within: &store::Within<'_>,
    problem: &mut crate::error::FormProblem,
    field: &str,
    typed: &str,
    chosen: Option<&str>,
    missing: Option<&str>,
) -> Result<Option<store::FoundMember>, AppError> {
    use find::{settle, Found, MemberSearch, MOST_CHOICES};
    let chosen = chosen.map(str::trim).filter(|c| !c.is_empty());
    let search = match chosen {
        Some(id) => MemberSearch::by_id(id),
        None if typed.trim().is_empty() => {
            if let Some(m) = missing {
                problem.push(field, m);
            }
            return Ok(None);
        }
        None => match MemberSearch::parse(typed) {
            Some(s) => s,
            None => {
                problem.push(field, "Type at least two letters of their name, or their email or phone number.");
                return Ok(None);
            }
        },
    };
    let found = store::find_members(db, within, Some(&search), MOST_CHOICES as i64 + 1, 0).await?;
    let hits = found.iter().map(|f| f.hit.clone()).collect();
    match settle(&search, hits) {
        Found::One(hit) => Ok(found.into_iter().find(|f| f.hit.user_id == hit.user_id)),
        // An id (chosen, or sent by a script) of someone outside the scope is a refusal;
        // of someone in it but waiting or suspended, a message on the field.
        Found::None if chosen.is_some() || looks_like_id(&search.exact) => {
            let by_id = MemberSearch::by_id(&search.exact);
            let in_scope = store::Within { active_only: false, ..*within };
            if !store::find_members(db, &in_scope, Some(&by_id), 1, 0).await?.is_empty() {
                problem.push(field, "That member is waiting for approval or suspended, so cannot be chosen.");
                return Ok(None);
            }
            if !store::find_members(db, &store::Within::default(), Some(&by_id), 1, 0).await?.is_empty() {
                return Err(AppError::Forbidden("That member is not one you can choose here.".into()));
            }
            problem.push(field, "That member cannot be chosen here. Search again.");
            Ok(None)
        }
        Found::None => {
            problem.push(
                field,
                format!("No member here matches \"{}\". Check the spelling, or try their email or phone number.", typed.trim()),
            );
            Ok(None)
        }
        Found::Several { hits, more } => {
            let message = if more {
                format!("More than {MOST_CHOICES} members match \"{}\". Choose one below, or type more of the name.", typed.trim())
            } else {
                format!("{} members match \"{}\". Choose one below.", hits.len(), typed.trim())
            };
            problem.push(field, message);
            problem.keep_choices(field, hits.iter().map(|h| (h.user_id.clone(), h.long_label())).collect());
            Ok(None)
        }
    }
}
