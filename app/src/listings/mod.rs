//! Offers and requests: listing, editing, pausing, closing and renewing; browsing with
//! filters and ranked text search; "my listings"; suggestions and matches (`suggest`).
//!
//! `domain` holds the rules and the search tokenizer (pure), `store` the SQL (server),
//! `pages` the screens. Every server function here needs an active member of a network,
//! and only a listing's owner may change it.

#[cfg(feature = "ssr")]
pub mod cache;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
mod suggest;

use crate::error::AppError;
use domain::{ListingKind, ListingStatus, Looker, Place};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use suggest::*;

#[cfg(feature = "ssr")]
use crate::{
    networks::domain::{require_active_member, MembershipStatus},
    platform::request::{finish, signed_in},
    platform::state::state,
};

/// Listings per page when browsing.
pub const PER_PAGE: u32 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub wellbeing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingCard {
    pub id: String,
    pub network_id: String,
    pub kind: ListingKind,
    pub title: String,
    pub snippet: String,
    pub category_name: String,
    pub locality_name: String,
    pub owner_name: String,
    pub place: Place,
    pub estimate_minutes: Option<i64>,
    pub status: ListingStatus,
    pub expires_at: i64,
    pub created_at: i64,
    /// Hidden by a community builder (out of search; the owner still sees it).
    pub hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingDetail {
    pub card: ListingCard,
    pub description: String,
    pub tags: Vec<String>,
    pub availability: String,
    pub owner_id: String,
    pub category_id: String,
    pub locality_id: String,
    pub is_owner: bool,
    /// A visitor sees the owner's first name only, and no way to their profile (`owner_id`
    /// is left empty for them).
    pub looker: Looker,
}

/// What the browse page filters by (all optional; from the address bar).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BrowseFilters {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub locality: Option<String>,
    /// "new" (default) or "near" (own area first).
    pub sort: Option<String>,
    pub page: Option<u32>,
    /// Listings per page: 20 unless asked (10 to 50).
    pub per: Option<u32>,
    /// For visitors: which time bank to look at (its short name), where there are several.
    pub network: Option<String>,
}

/// What the listing form and the filters offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingOptions {
    pub categories: Vec<Category>,
    pub localities: Vec<(String, String)>,
    pub home_locality: String,
    /// The network lets visitors look at open listings (first name and area only): said
    /// on the listing form, so nobody posts without knowing.
    #[serde(default)]
    pub visitors_see: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowseView {
    /// Shared with the browse cache: a kept page is handed out without copying it.
    pub cards: std::sync::Arc<Vec<ListingCard>>,
    pub has_more: bool,
    /// Shared with the browse cache, like the cards.
    pub choices: std::sync::Arc<ListingOptions>,
    /// The search form, results and pager as HTML, drawn once per kept page by
    /// `pages::browse_body_html`; only ever set on the server.
    #[serde(skip)]
    pub html: std::sync::Arc<str>,
    /// Who is looking: members get the ways to post; visitors the way to join.
    pub looker: Looker,
    /// The time bank shown (for visitors, who choose it): short name and name.
    pub network: (String, String),
    /// For a visitor who has not chosen among several time banks: the ones to choose from.
    pub choose_network: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
async fn choices_for(st: &crate::platform::state::AppState, m: &crate::networks::domain::Membership) -> Result<ListingOptions, AppError> {
    let (categories, localities) = store::choices(&st.db, &m.network_id).await?;
    let visitors_see = !store::open_networks(&st.db, Some(&m.network_id)).await?.is_empty();
    Ok(ListingOptions { categories, localities, home_locality: m.locality_id.clone(), visitors_see })
}

/// Categories and areas for the listing form.
#[server(endpoint = "listing_choices")]
pub async fn listing_choices() -> Result<ListingOptions, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            choices_for(&st, m).await
        }
        .await,
    )
}

/// Open listings of a network, filtered and searched: a member's own network; for a
/// visitor (or a member waiting for approval) a network that lets visitors look, with
/// first names only. Served from the browse cache while the network's listings are
/// unchanged (see `cache`).
#[server(endpoint = "browse_listings")]
pub async fn browse_listings(filters: Option<BrowseFilters>) -> Result<BrowseView, AppError> {
    finish(
        async {
            let st = state()?;
            let filters = filters.unwrap_or_default();
            let viewer = crate::platform::request::viewer().await?;
            let sight = match viewer.as_ref() {
                Some(v) if v.membership.as_ref().is_some_and(|m| m.status == MembershipStatus::Active) => {
                    let m = require_active_member(v)?;
                    Sight {
                        network_id: m.network_id.clone(),
                        network: (String::new(), m.network_name.clone()),
                        home_locality: m.locality_id.clone(),
                        version: m.browse_version,
                        looker: Looker::Member,
                    }
                }
                _ => match visitor_sight(&st, viewer.as_ref(), filters.network.as_deref(), filters.locality.as_deref()).await? {
                    Ok(sight) => sight,
                    Err(choose_network) => return Ok(BrowseView::choosing(choose_network)),
                },
            };
            browse_as(&st, sight, filters).await
        }
        .await,
    )
}

/// Which network someone browses, as whom, and what the cache needs to know.
#[cfg(feature = "ssr")]
struct Sight {
    network_id: String,
    network: (String, String),
    /// A member's own area (or the area a visitor chose): "my area first", and networks
    /// that keep each area's listings to its own members.
    home_locality: String,
    version: Option<i64>,
    looker: Looker,
}

/// The network a visitor looks at: the one they asked for (a member waiting for approval:
/// their own), or the only one open to visitors; `Err` with the choices when several are
/// open and none was asked for. Refused where the network does not let visitors look.
#[cfg(feature = "ssr")]
async fn visitor_sight(
    st: &crate::platform::state::AppState,
    viewer: Option<&crate::networks::domain::Viewer>,
    asked: Option<&str>,
    locality: Option<&str>,
) -> Result<Result<Sight, Vec<(String, String)>>, AppError> {
    let membership = viewer.and_then(|v| v.membership.as_ref());
    let waiting = membership.is_some_and(|m| m.status == MembershipStatus::Pending);
    let refused = || match viewer {
        Some(v) if membership.is_some() => require_active_member(v).err().unwrap_or_else(AppError::forbidden),
        Some(_) => AppError::Forbidden("This time bank shows its listings to its members only.".into()),
        None => AppError::Unauthenticated,
    };
    if membership.is_some() && !waiting {
        return Err(refused());
    }
    let asked = if waiting { membership.map(|m| m.network_id.as_str()) } else { asked.filter(|a| !a.is_empty()) };
    let mut open = store::open_networks(&st.db, asked).await?;
    if open.len() > 1 && asked.is_none() {
        return Ok(Err(open.into_iter().map(|n| (n.slug, n.name)).collect()));
    }
    let Some(n) = open.pop() else { return Err(refused()) };
    Ok(Ok(Sight {
        network_id: n.id,
        network: (n.slug, n.name),
        home_locality: locality.unwrap_or("").to_string(),
        version: n.version,
        looker: Looker::Visitor { waiting },
    }))
}

/// One page of results for `sight`, from the cache when it is still true.
#[cfg(feature = "ssr")]
async fn browse_as(st: &crate::platform::state::AppState, sight: Sight, filters: BrowseFilters) -> Result<BrowseView, AppError> {
    let per_page = filters.per.unwrap_or(PER_PAGE).clamp(10, 50);
    let visitor = sight.looker.is_visitor();
    let key = cache::Key::new(&sight.network_id, &sight.home_locality, visitor, &filters, per_page);
    let started = crate::util::now();
    if let Some(mut page) = sight.version.and_then(|v| st.browse_cache.get(&key, v, started)) {
        // Kept for every visitor alike: who is looking (waiting or not) is this request's.
        page.looker = sight.looker;
        return Ok(page);
    }
    // One after the other: running them side by side on two connections measured
    // slower under load (more thread hand-offs for the same work).
    let (mut cards, has_more) = store::browse(&st.db, &sight.network_id, &filters, &sight.home_locality, per_page).await?;
    if visitor {
        for card in &mut cards {
            card.owner_name = domain::visitor_name(&card.owner_name);
        }
    }
    let (categories, localities) = store::choices(&st.db, &sight.network_id).await?;
    let choices = ListingOptions { categories, localities, home_locality: sight.home_locality.clone(), visitors_see: false };
    let mut view = BrowseView {
        cards: std::sync::Arc::new(cards),
        has_more,
        choices: std::sync::Arc::new(choices),
        html: "".into(),
        looker: sight.looker,
        network: sight.network.clone(),
        choose_network: vec![],
    };
    view.html = pages::browse_body_html(&filters, &view).into();
    if let Some(version) = sight.version {
        let valid_until = store::next_expiry(&st.db, &sight.network_id, started).await?;
        st.browse_cache.put(key, version, valid_until, view.clone());
    }
    Ok(view)
}

impl BrowseView {
    /// Nothing to show yet: the visitor chooses a time bank first.
    pub fn choosing(networks: Vec<(String, String)>) -> BrowseView {
        BrowseView {
            cards: Default::default(),
            has_more: false,
            choices: std::sync::Arc::new(ListingOptions {
                categories: vec![],
                localities: vec![],
                home_locality: String::new(),
                visitors_see: false,
            }),
            html: "".into(),
            looker: Looker::Visitor { waiting: false },
            network: Default::default(),
            choose_network: networks,
        }
    }
}

#[cfg(feature = "ssr")]
async fn read_form(
    st: &crate::platform::state::AppState,
    network_id: &str,
    form: &domain::ListingForm,
) -> Result<(domain::ListingDraft, String), AppError> {
    let category = if form.category.is_empty() { None } else { store::category_name(&st.db, network_id, &form.category).await? };
    let locality_ok = !form.locality.is_empty() && store::locality_in_network(&st.db, network_id, &form.locality).await?;
    let draft = form.parse(category.is_some(), locality_ok).map_err(AppError::Invalid)?;
    Ok((draft, category.unwrap_or_default()))
}

/// Only a listing's owner may change it.
#[cfg(feature = "ssr")]
async fn require_owner(st: &crate::platform::state::AppState, user_id: &str, id: &str) -> Result<ListingDetail, AppError> {
    match store::get(&st.db, id).await? {
        Some((d, _)) if d.owner_id == user_id => Ok(d),
        Some(_) => Err(AppError::Forbidden("Only the person who posted this can change it.".into())),
        None => Err(AppError::not_found("listing")),
    }
}

/// Posts a new offer or request.
#[server(endpoint = "create_listing")]
#[allow(clippy::too_many_arguments)]
pub async fn create_listing(
    kind: String,
    title: String,
    description: String,
    category: String,
    tags: String,
    locality: String,
    // Radio buttons: nothing is sent when none is chosen.
    place: Option<String>,
    availability: String,
    estimate: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let place = place.unwrap_or_default();
            let form = domain::ListingForm { kind, title, description, category, tags, locality, place, availability, estimate };
            let (draft, category) = read_form(&st, &m.network_id, &form).await?;
            let id = store::insert(&st.db, &m.network_id, &viewer.user_id, &draft, &category).await?;
            leptos_axum::redirect(&format!("/listings/{id}?done=created"));
            Ok(())
        }
        .await,
    )
}

/// One listing, for members of its network and the builders of its area; for visitors
/// (and members waiting for approval) where its network lets them look, if it is open,
/// with the owner's first name only.
#[server(endpoint = "get_listing")]
pub async fn get_listing(id: String) -> Result<ListingDetail, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = crate::platform::request::viewer().await?;
            let Some((mut detail, network)) = store::get(&st.db, &id).await? else { return Err(AppError::not_found("listing")) };
            let member = viewer.as_ref().and_then(|v| v.membership.as_ref()).filter(|m| m.status == MembershipStatus::Active);
            let builds_here =
                viewer.as_ref().is_some_and(|v| crate::networks::domain::require_builder_for(v, &network, &detail.locality_id).is_ok());
            if member.is_none() && !builds_here {
                return visitor_listing(&st, viewer.as_ref(), detail, &network).await;
            }
            let viewer = viewer.ok_or(AppError::Unauthenticated)?;
            if !builds_here {
                let m = require_active_member(&viewer)?;
                if network != m.network_id {
                    return Err(AppError::not_found("listing"));
                }
            }
            detail.is_owner = detail.owner_id == viewer.user_id;
            if !detail.is_owner && !builds_here && !member_sees_area(&st, &viewer, &network, &detail.locality_id).await? {
                return Err(AppError::not_found("listing"));
            }
            // A hidden listing, or one whose owner is suspended, is gone for everyone else.
            if !detail.is_owner
                && !builds_here
                && (detail.card.hidden || !crate::ledger::queries::is_active_member(&st.db, &network, &detail.owner_id).await?)
            {
                return Err(AppError::not_found("listing"));
            }
            Ok(detail)
        }
        .await,
    )
}

/// Whether a member of this network sees listings of `area` ([`domain::area_visible`]).
#[cfg(feature = "ssr")]
pub async fn member_sees_area(
    st: &crate::platform::state::AppState,
    viewer: &crate::networks::domain::Viewer,
    network: &str,
    area: &str,
) -> Result<bool, AppError> {
    let Some(m) = viewer.membership.as_ref().filter(|m| m.network_id == network) else { return Ok(false) };
    // The network's setting is read only for another area's listing.
    let see_other = m.locality_id != area && store::areas_see_each_other(&st.db, network).await?;
    Ok(domain::area_visible(&m.locality_id, area, see_other))
}

/// A listing as a visitor sees it: only an open one, in a network that lets visitors look
/// (a member waiting for approval: their own network), with the owner's first name.
#[cfg(feature = "ssr")]
async fn visitor_listing(
    st: &crate::platform::state::AppState,
    viewer: Option<&crate::networks::domain::Viewer>,
    mut detail: ListingDetail,
    network: &str,
) -> Result<ListingDetail, AppError> {
    let sight = match visitor_sight(st, viewer, Some(network), None).await? {
        Ok(sight) if sight.network_id == network => sight,
        // Waiting to join another network, or several to choose from: not this one.
        _ => return Err(AppError::not_found("listing")),
    };
    let c = &detail.card;
    let showing = c.status == ListingStatus::Open && c.expires_at > crate::util::now() && !c.hidden;
    if !showing || !crate::ledger::queries::is_active_member(&st.db, network, &detail.owner_id).await? {
        return Err(AppError::not_found("listing"));
    }
    detail.card.owner_name = domain::visitor_name(&detail.card.owner_name);
    detail.owner_id = String::new();
    detail.looker = sight.looker;
    Ok(detail)
}

/// Changes a listing's content: its owner only.
#[server(endpoint = "update_listing")]
#[allow(clippy::too_many_arguments)]
pub async fn update_listing(
    id: String,
    kind: String,
    title: String,
    description: String,
    category: String,
    tags: String,
    locality: String,
    // Radio buttons: nothing is sent when none is chosen.
    place: Option<String>,
    availability: String,
    estimate: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            require_owner(&st, &viewer.user_id, &id).await?;
            let place = place.unwrap_or_default();
            let form = domain::ListingForm { kind, title, description, category, tags, locality, place, availability, estimate };
            let (draft, category) = read_form(&st, &m.network_id, &form).await?;
            if !store::update(&st.db, &id, &viewer.user_id, &draft, &category).await? {
                return Err(AppError::forbidden());
            }
            leptos_axum::redirect(&format!("/listings/{id}?done=saved"));
            Ok(())
        }
        .await,
    )
}

/// Pause, resume, close or renew a listing: its owner only.
#[server(endpoint = "change_listing")]
pub async fn change_listing(id: String, change: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_active_member(&viewer)?;
            use domain::{can_renew, ListingChange};
            let Some(wanted) = ListingChange::parse(&change) else {
                return Err(AppError::invalid("change", "Choose what to do with the listing."));
            };
            let listing = require_owner(&st, &viewer.user_id, &id).await?;
            let now = crate::util::now();
            if wanted == ListingChange::Renew && !can_renew(listing.card.status, listing.card.expires_at, now) {
                return Err(AppError::Conflict(format!(
                    "It shows until {}: you can renew it in its last week.",
                    crate::util::format_date(listing.card.expires_at)
                )));
            }
            store::set_status(&st.db, &id, &viewer.user_id, wanted.status(), wanted == ListingChange::Renew).await?;
            leptos_axum::redirect(&format!("/my-listings?done={change}"));
            Ok(())
        }
        .await,
    )
}

/// The signed-in member's own listings.
#[server(endpoint = "my_listings")]
pub async fn my_listings() -> Result<Vec<ListingCard>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_active_member(&viewer)?;
            store::mine(&st.db, &viewer.user_id).await
        }
        .await,
    )
}
