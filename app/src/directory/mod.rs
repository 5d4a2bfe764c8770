//! What's on: the directory of the groups, activities and services around a network's
//! areas, kept by its community builders, found by members, builders and referring
//! professionals, and taken home as a calendar (`calendar`).
//!
//! `domain` holds the rules (schedules and their dates, filters, the entry form), `store`
//! the SQL, `pages` the screens. Members see their own network's entries, with their own
//! area's first; builders keep the entries their scope reaches (a whole-network builder
//! also the network-wide ones); verified professionals may look at any network's.

#[cfg(feature = "ssr")]
pub mod calendar;
pub mod domain;
pub mod form;
pub mod going;
#[cfg(feature = "ssr")]
pub mod import;
pub mod keeping;
pub mod organisations;
#[cfg(feature = "ssr")]
pub mod oruk;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use domain::Filters;
use form::EntryForm;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use keeping::*;

#[cfg(feature = "ssr")]
use crate::{
    networks::domain::{MembershipStatus, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};

/// How many dates an entry's page lists.
pub const NEXT_DATES: usize = 6;

/// One entry in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryCard {
    pub id: String,
    pub title: String,
    pub organisation: String,
    pub kind: String,
    pub theme: String,
    /// The area's name, or "" for the whole network.
    pub area: String,
    /// "Every Tuesday, 10:00 to 11:00".
    pub when: String,
    /// "Tuesday 8 December", the next time it happens.
    pub next: Option<String>,
    pub cost: String,
    pub step_free: bool,
    /// "St Mary's hall, 12 Main Street, ML6 0AA" (empty for a service with no place).
    pub place: String,
    /// How to get in touch (for the printed sheet).
    pub contact: String,
    /// Added by the organisation's people, waiting for a builder's approval.
    pub proposed: bool,
}

/// The What's on page: the entries that pass the filters, soonest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsOnView {
    pub network_id: String,
    pub network_name: String,
    pub cards: Vec<EntryCard>,
    /// The network's areas (id, name).
    pub areas: Vec<(String, String)>,
    /// The area shown: the viewer's own unless they chose another ("all": every area).
    pub area: String,
    /// Someone who keeps entries here (a builder): they see the way to add one.
    pub keeper: bool,
    /// The viewer acts for an organisation here: they see the way to its referrals.
    pub acts_for: bool,
    /// For a professional, the networks to choose from (short name, name) where there are several.
    pub networks: Vec<(String, String)>,
}

/// One entry's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub card: EntryCard,
    pub organisation_id: String,
    pub description: String,
    pub next_dates: Vec<String>,
    /// The coming dates with who is going (empty for something reached any time).
    pub dates: Vec<going::DateView>,
    /// Places on each date (none: no limit).
    pub places: Option<i64>,
    /// The viewer is a member of its network, who can say they are going.
    pub can_go: bool,
    pub venue: String,
    pub address: String,
    pub postcode: String,
    pub accessibility: String,
    pub cost_detail: String,
    pub audience: String,
    pub how_to_join: String,
    pub contact: String,
    pub checked_on: String,
    pub open: bool,
    pub public: bool,
    /// The viewer may change it (a builder of its area, or someone acting for its
    /// organisation).
    pub keeper: bool,
    /// The viewer is a community builder of its area: they approve a proposal and decide
    /// whether it is shared publicly.
    pub builder: bool,
    /// Added by the organisation's people, waiting for a builder's approval.
    pub proposed: bool,
    /// Not looked at for six months: the keeper is asked to check it.
    pub due_for_review: bool,
}

/// What the entry form needs: the areas it may be filed under, and the entry as it stands
/// when changing one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFormView {
    pub network_id: String,
    pub network_name: String,
    /// (id, name); "network" for the whole network where the builder may.
    pub areas: Vec<(String, String)>,
    pub entry_id: Option<String>,
    pub values: EntryForm,
    /// Someone acting for an organisation (not a builder of the area): the organisation
    /// (id, name) is fixed, sharing publicly is the builders' call, and a new entry waits
    /// for a builder's approval.
    pub organisation: Option<(String, String)>,
}

/// The builders' list: proposals to approve, then every open entry they keep, those due
/// for a check first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeeperView {
    pub network_name: String,
    pub waiting: Vec<EntryCard>,
    pub due: Vec<EntryCard>,
    pub others: Vec<EntryCard>,
}

/// Which network's directory someone looks at, their own area there, and whether they
/// keep entries in it.
#[cfg(feature = "ssr")]
struct Sight {
    network_id: String,
    network_name: String,
    home_area: Option<String>,
    networks: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
async fn sight(st: &AppState, viewer: &Viewer, asked: Option<&str>) -> Result<Sight, AppError> {
    crate::networks::domain::require_any_role(viewer)?;
    if let Some(m) = viewer.membership.as_ref().filter(|m| m.status == MembershipStatus::Active) {
        if asked.is_none_or(|a| a.is_empty() || a == m.network_id) {
            return Ok(Sight {
                network_id: m.network_id.clone(),
                network_name: m.network_name.clone(),
                home_area: Some(m.locality_id.clone()),
                networks: vec![],
            });
        }
    }
    let choices = crate::networks::store::network_choices(&st.db).await?;
    let name_of = |id: &str| choices.iter().find(|n| n.id == id).map(|n| n.name.clone()).unwrap_or_default();
    if !viewer.builder_of.is_empty() || viewer.is_site_admin {
        let (network_id, _) = crate::networks::store::builder_network(&st.db, viewer, asked).await?;
        return Ok(Sight { network_name: name_of(&network_id), network_id, home_area: None, networks: vec![] });
    }
    match &viewer.professional {
        Some(p) if p.verified => {
            let chosen = asked.and_then(|a| choices.iter().find(|n| n.id == a)).or(choices.first());
            let Some(n) = chosen else { return Err(AppError::not_found("time bank")) };
            Ok(Sight {
                network_id: n.id.clone(),
                network_name: n.name.clone(),
                home_area: None,
                networks: if choices.len() > 1 { choices.iter().map(|c| (c.id.clone(), c.name.clone())).collect() } else { vec![] },
            })
        }
        _ => Err(AppError::Forbidden("What's on is for the members of a time bank.".into())),
    }
}

#[cfg(feature = "ssr")]
fn facts_of<'a>(e: &'a store::EntryRow, when: &'a domain::When) -> domain::Facts<'a> {
    domain::Facts {
        title: &e.title,
        description: &e.description,
        organisation: &e.organisation,
        kind: e.kind(),
        theme: e.theme(),
        cost: e.cost(),
        step_free: e.is_step_free(),
        when,
    }
}

#[cfg(feature = "ssr")]
/// An entry's card; `next` is the next day it happens, worked out by the caller.
fn card(e: &store::EntryRow, when: &domain::When, next: Option<domain::Day>) -> EntryCard {
    EntryCard {
        id: e.id.clone(),
        title: e.title.clone(),
        organisation: e.organisation.clone(),
        kind: e.kind().label().to_string(),
        theme: e.theme().label().to_string(),
        area: e.locality_name.clone().unwrap_or_default(),
        when: when.describe(),
        next: next.map(domain::long_date),
        cost: e.cost().label().to_string(),
        step_free: e.is_step_free(),
        place: [e.venue.as_str(), e.address.as_str(), e.postcode.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        contact: if e.contact.is_empty() { e.how_to_join.clone() } else { e.contact.clone() },
        proposed: e.is_proposed(),
    }
}

/// Today's day number (UTC: the areas are in Britain, where the difference is an hour).
#[cfg(feature = "ssr")]
pub(crate) fn today() -> domain::Day {
    crate::util::now().div_euclid(crate::util::DAY)
}

/// The open entries of a network (or of one area and the network-wide ones) that pass the
/// filters, looking from `today`: soonest first, then those reached any time; a one-off
/// that has passed, or a run that has ended, is left out. What's on and its benchmark.
#[cfg(feature = "ssr")]
pub async fn find(
    db: &crate::platform::db::Db,
    network_id: &str,
    area: Option<&str>,
    filters: &Filters,
    today: domain::Day,
) -> Result<Vec<EntryCard>, AppError> {
    let rows = store::open_entries(db, network_id, area).await?;
    let mut found: Vec<(Option<domain::Day>, EntryCard)> = rows
        .iter()
        .filter_map(|e| {
            let when = e.when();
            let next = when.next_dates(today, 1).first().copied();
            if next.is_none() && when.schedule != domain::Schedule::Open {
                return None;
            }
            filters.admits(&facts_of(e, &when), today).then(|| (next, card(e, &when, next)))
        })
        .collect();
    found.sort_by(|(a, x), (b, y)| a.unwrap_or(i64::MAX).cmp(&b.unwrap_or(i64::MAX)).then_with(|| x.title.cmp(&y.title)));
    Ok(found.into_iter().map(|(_, c)| c).collect())
}

/// What's on in a network, filtered: the entries that happen soonest first, then those
/// reached any time.
#[server(endpoint = "whats_on")]
pub async fn whats_on(filters: Option<Filters>, network: Option<String>) -> Result<WhatsOnView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let filters = filters.unwrap_or_default();
            let s = sight(&st, &viewer, network.as_deref()).await?;
            let areas = store::localities(&st.db, &s.network_id).await?;
            let area = match filters.area.as_deref().filter(|a| !a.is_empty()) {
                Some("all") => "all".to_string(),
                Some(a) if areas.iter().any(|(id, _)| id == a) => a.to_string(),
                _ => s.home_area.clone().unwrap_or_else(|| "all".into()),
            };
            let cards = find(&st.db, &s.network_id, (area != "all").then_some(area.as_str()), &filters, today()).await?;
            let keeper = viewer.is_site_admin || viewer.builder_of.iter().any(|b| b.network_id == s.network_id);
            let acts_for = !store::organisations_of(&st.db, &viewer.user_id).await?.is_empty();
            Ok(WhatsOnView {
                network_id: s.network_id,
                network_name: s.network_name,
                cards,
                areas,
                area,
                keeper,
                acts_for,
                networks: s.networks,
            })
        }
        .await,
    )
}

/// Whether someone keeps entries of `network_id` filed under `locality_id` (`None`: the
/// whole network) as a community builder.
#[cfg(feature = "ssr")]
fn keeps(viewer: &Viewer, network_id: &str, locality_id: Option<&str>) -> bool {
    match locality_id {
        Some(l) => crate::networks::domain::require_builder_for(viewer, network_id, l).is_ok(),
        None => crate::networks::domain::is_whole_network_builder(viewer, network_id),
    }
}

/// What someone may do with one entry.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Keeping {
    /// A community builder whose scope reaches its area (or an admin): everything,
    /// including approving a proposal and sharing it publicly.
    pub builder: bool,
    /// Acts for the organisation that runs it: change it, mark it checked, take it down,
    /// see who is coming.
    pub organisation: bool,
}

#[cfg(feature = "ssr")]
impl Keeping {
    pub fn any(self) -> bool {
        self.builder || self.organisation
    }
}

/// An entry the viewer may see (its network is theirs to look at; a closed one or a
/// proposal only for its keepers), with what they may do with it.
#[cfg(feature = "ssr")]
async fn seen_entry(st: &AppState, viewer: &Viewer, id: &str) -> Result<(store::EntryRow, Keeping), AppError> {
    let e = store::entry(&st.db, id).await?.ok_or_else(|| AppError::not_found("entry"))?;
    let s = sight(st, viewer, Some(&e.network_id)).await?;
    let keeping = Keeping {
        builder: keeps(viewer, &e.network_id, e.locality_id.as_deref()),
        organisation: store::acts_for(&st.db, &e.organisation_id, &viewer.user_id).await?,
    };
    if s.network_id != e.network_id || (!e.is_listed() && !keeping.any()) {
        return Err(AppError::not_found("entry"));
    }
    Ok((e, keeping))
}

/// One entry, with its next dates.
#[server(endpoint = "directory_entry")]
pub async fn directory_entry(id: String) -> Result<EntryView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (e, keeping) = seen_entry(&st, &viewer, &id).await?;
            crate::notifications::seen(&st.db, &viewer.user_id, &format!("/whats-on/{}", e.id)).await?;
            let today = today();
            let when = e.when();
            let next_dates = when.next_dates(today, NEXT_DATES);
            let can_go = e.is_listed()
                && viewer.membership.as_ref().is_some_and(|m| m.status == MembershipStatus::Active && m.network_id == e.network_id);
            let dates = going::coming_dates(&st, &e, &next_dates, &viewer.user_id).await?;
            Ok(EntryView {
                card: card(&e, &when, next_dates.first().copied()),
                organisation_id: e.organisation_id.clone(),
                description: e.description.clone(),
                next_dates: next_dates.into_iter().map(domain::long_date).collect(),
                dates,
                places: e.places,
                can_go,
                venue: e.venue.clone(),
                address: e.address.clone(),
                postcode: e.postcode.clone(),
                accessibility: e.accessibility.clone(),
                cost_detail: e.cost_detail.clone(),
                audience: e.audience.clone(),
                how_to_join: e.how_to_join.clone(),
                contact: e.contact.clone(),
                checked_on: crate::util::format_date(e.checked_at),
                open: e.status == "active",
                public: e.is_public(),
                keeper: keeping.any(),
                builder: keeping.builder,
                proposed: e.is_proposed(),
                due_for_review: e.checked_at < crate::util::now() - domain::REVIEW_AFTER_DAYS * crate::util::DAY,
            })
        }
        .await,
    )
}
