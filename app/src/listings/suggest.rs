//! Suggestions: listings that fit a member's own (matches on a listing's page, Home's
//! "you could help with" and "you might like"), what is new near them, and Home's picks
//! kept between visits.

use super::ListingCard;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::{
    domain::{self, ListingKind},
    store,
};
#[cfg(feature = "ssr")]
use crate::{
    networks::domain::require_active_member,
    platform::request::{finish, signed_in},
    platform::state::state,
};

/// A suggested listing and why, in words ("also in Airdrie · offers Gardening").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub card: ListingCard,
    pub reason: String,
}

/// At most three of the newest listings in `m`'s area (not `user`'s own), leaving out `skip`.
#[cfg(feature = "ssr")]
async fn near(
    st: &crate::platform::state::AppState,
    user: &str,
    m: &crate::networks::domain::Membership,
    skip: &[String],
) -> Result<Vec<Suggestion>, AppError> {
    let limit = 3;
    let cards = store::newest_in_area(&st.db, &m.network_id, &m.locality_id, user, limit + skip.len().min(6) as i64).await?;
    Ok(cards
        .into_iter()
        .filter(|c| !skip.contains(&c.id))
        .take(limit as usize)
        .map(|card| {
            let what = domain::offers_or_asks(card.kind, &card.category_name);
            Suggestion { reason: format!("new in {} · {what}", card.locality_name), card }
        })
        .collect())
}

#[cfg(feature = "ssr")]
fn opposite(kind: ListingKind) -> ListingKind {
    match kind {
        ListingKind::Offer => ListingKind::Request,
        ListingKind::Request => ListingKind::Offer,
    }
}

/// For a request, offers that could meet it; for an offer, requests it could meet.
#[server(endpoint = "listing_matches")]
pub async fn listing_matches(id: String) -> Result<Vec<Suggestion>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let Some((d, network)) = store::get(&st.db, &id).await? else { return Err(AppError::not_found("listing")) };
            if network != m.network_id {
                return Err(AppError::not_found("listing"));
            }
            let found = store::suggestions(
                &st.db,
                &network,
                opposite(d.card.kind),
                std::slice::from_ref(&d.category_id),
                &d.locality_id,
                &d.owner_id,
                5,
            )
            .await?;
            Ok(found.into_iter().filter(|(c, _)| c.id != id).map(|(card, reason)| Suggestion { card, reason }).collect())
        }
        .await,
    )
}

/// Requests `user` could help with (matching what they offer) and offers they might like
/// (matching what they asked for), three of each at most.
#[cfg(feature = "ssr")]
async fn matching(
    st: &crate::platform::state::AppState,
    user: &str,
    m: &crate::networks::domain::Membership,
) -> Result<(Vec<Suggestion>, Vec<Suggestion>), AppError> {
    let wrap = |v: Vec<(ListingCard, String)>| v.into_iter().map(|(card, reason)| Suggestion { card, reason }).collect::<Vec<_>>();
    let my_offers = store::my_categories(&st.db, user, ListingKind::Offer).await?;
    let my_requests = store::my_categories(&st.db, user, ListingKind::Request).await?;
    let requests = store::suggestions(&st.db, &m.network_id, ListingKind::Request, &my_offers, &m.locality_id, user, 3).await?;
    let offers = store::suggestions(&st.db, &m.network_id, ListingKind::Offer, &my_requests, &m.locality_id, user, 3).await?;
    Ok((wrap(requests), wrap(offers)))
}

/// Everything Home suggests, in one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picks {
    /// Requests the member could help with.
    pub requests: Vec<Suggestion>,
    /// Offers they might like.
    pub offers: Vec<Suggestion>,
    /// What is new in their area, when the two above hold fewer than three.
    pub near: Vec<Suggestion>,
    /// Has ever posted an offer or request (no first steps then).
    pub has_posted: bool,
}

/// Home's suggestions for `viewer` (an active member `m`), kept in the server's memory per
/// member while their network's listings are unchanged (`platform::kept`: the browse version
/// and the next expiry), so the page residents open most reads them once, not on every visit.
/// Not an endpoint of its own: Home's `home_glance` is the one way in.
#[cfg(feature = "ssr")]
pub async fn home_picks(
    st: &crate::platform::state::AppState,
    viewer: &crate::networks::domain::Viewer,
    m: &crate::networks::domain::Membership,
) -> Result<Picks, AppError> {
    let key = (viewer.user_id.clone(), m.network_id.clone(), m.locality_id.clone());
    let started = crate::util::now();
    if let Some(picks) = m.browse_version.and_then(|v| st.home_picks.get(&key, v, started)) {
        return Ok(picks);
    }
    let (requests, offers) = matching(st, &viewer.user_id, m).await?;
    let near = if requests.len() + offers.len() < 3 {
        let shown: Vec<String> = requests.iter().chain(&offers).map(|s| s.card.id.clone()).collect();
        near(st, &viewer.user_id, m, &shown).await?
    } else {
        vec![]
    };
    let has_posted = store::has_any(&st.db, &viewer.user_id).await?;
    let picks = Picks { requests, offers, near, has_posted };
    if let Some(version) = m.browse_version {
        let valid_until = store::next_expiry(&st.db, &m.network_id, started).await?;
        st.home_picks.put(key, version, valid_until, picks.clone());
    }
    Ok(picks)
}
