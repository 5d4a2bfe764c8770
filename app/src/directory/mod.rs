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

#[cfg(feature = "ssr")]
use crate::{
    audit::{
        domain::AuditAction,
        store::{audit, AuditEntry},
    },
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
    /// The viewer may change it.
    pub keeper: bool,
    /// Not looked at for six months: the keeper is asked to check it.
    pub due_for_review: bool,
}

/// What the entry form needs: the areas a builder may file under, and the entry as it
/// stands when changing one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFormView {
    pub network_id: String,
    pub network_name: String,
    /// (id, name); "network" for the whole network where the builder may.
    pub areas: Vec<(String, String)>,
    pub entry_id: Option<String>,
    pub values: EntryForm,
}

/// The builders' list: every open entry they keep, those due for a check first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeeperView {
    pub network_name: String,
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
/// whole network).
#[cfg(feature = "ssr")]
fn keeps(viewer: &Viewer, network_id: &str, locality_id: Option<&str>) -> bool {
    match locality_id {
        Some(l) => crate::networks::domain::require_builder_for(viewer, network_id, l).is_ok(),
        None => crate::networks::domain::is_whole_network_builder(viewer, network_id),
    }
}

/// An entry the viewer may see (its network is theirs to look at; a closed one only for
/// its keepers), with whether they keep it.
#[cfg(feature = "ssr")]
async fn seen_entry(st: &AppState, viewer: &Viewer, id: &str) -> Result<(store::EntryRow, bool), AppError> {
    let e = store::entry(&st.db, id).await?.ok_or_else(|| AppError::not_found("entry"))?;
    let s = sight(st, viewer, Some(&e.network_id)).await?;
    let keeper = keeps(viewer, &e.network_id, e.locality_id.as_deref());
    if s.network_id != e.network_id || (e.status != "active" && !keeper) {
        return Err(AppError::not_found("entry"));
    }
    Ok((e, keeper))
}

/// One entry, with its next dates.
#[server(endpoint = "directory_entry")]
pub async fn directory_entry(id: String) -> Result<EntryView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (e, keeper) = seen_entry(&st, &viewer, &id).await?;
            crate::notifications::seen(&st.db, &viewer.user_id, &format!("/whats-on/{}", e.id)).await?;
            let today = today();
            let when = e.when();
            let next_dates = when.next_dates(today, NEXT_DATES);
            let can_go = e.status == "active"
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
                keeper,
                due_for_review: e.checked_at < crate::util::now() - domain::REVIEW_AFTER_DAYS * crate::util::DAY,
            })
        }
        .await,
    )
}

/// The areas a builder may file an entry under in `network_id`.
#[cfg(feature = "ssr")]
async fn areas_for(st: &AppState, viewer: &Viewer, network_id: &str) -> Result<Vec<(String, String)>, AppError> {
    let mut areas: Vec<(String, String)> =
        store::localities(&st.db, network_id).await?.into_iter().filter(|(id, _)| keeps(viewer, network_id, Some(id))).collect();
    if keeps(viewer, network_id, None) {
        areas.insert(0, ("network".into(), "Every area (the whole network)".into()));
    }
    Ok(areas)
}

/// The entry form: empty for a new entry, or filled with the one being changed.
#[server(endpoint = "directory_entry_form")]
pub async fn directory_entry_form(id: Option<String>, network: Option<String>) -> Result<EntryFormView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_some_builder(&viewer)?;
            let (network_id, values, entry_id) = match id.filter(|i| !i.is_empty()) {
                Some(id) => {
                    let (e, keeper) = seen_entry(&st, &viewer, &id).await?;
                    if !keeper {
                        return Err(AppError::Forbidden("Only the community builders of its area can change this entry.".into()));
                    }
                    (e.network_id.clone(), form_of(&e), Some(id))
                }
                None => {
                    let (n, _) = crate::networks::store::builder_network(&st.db, &viewer, network.as_deref()).await?;
                    (n, EntryForm::default(), None)
                }
            };
            let s = sight(&st, &viewer, Some(&network_id)).await?;
            let areas = areas_for(&st, &viewer, &network_id).await?;
            Ok(EntryFormView { network_id, network_name: s.network_name, areas, entry_id, values })
        }
        .await,
    )
}

/// The form's values for an entry as it stands.
#[cfg(feature = "ssr")]
fn form_of(e: &store::EntryRow) -> EntryForm {
    let when = e.when();
    let (on_date, weekday, nth) = match when.schedule {
        domain::Schedule::Once { on } => (domain::iso(on), String::new(), String::new()),
        domain::Schedule::Weekly { weekday } => (String::new(), weekday.to_string(), String::new()),
        domain::Schedule::Monthly { nth, weekday } => (String::new(), weekday.to_string(), nth.to_db().to_string()),
        domain::Schedule::Open => Default::default(),
    };
    let yes = |b: bool| b.then(|| "yes".to_string());
    EntryForm {
        organisation: e.organisation.clone(),
        title: e.title.clone(),
        kind: Some(e.kind.clone()),
        theme: Some(e.theme.clone()),
        description: e.description.clone(),
        area: e.locality_id.clone().unwrap_or_else(|| "network".into()),
        schedule: Some(e.schedule.clone()),
        on_date,
        weekday,
        nth,
        starts: when.starts.map(domain::clock).unwrap_or_default(),
        ends: when.ends.map(domain::clock).unwrap_or_default(),
        until: when.until.map(domain::iso).unwrap_or_default(),
        venue: e.venue.clone(),
        address: e.address.clone(),
        postcode: e.postcode.clone(),
        step_free: yes(e.is_step_free()),
        accessibility: e.accessibility.clone(),
        cost: Some(e.cost.clone()),
        cost_detail: e.cost_detail.clone(),
        audience: e.audience.clone(),
        places: e.places.map(|p| p.to_string()).unwrap_or_default(),
        how_to_join: e.how_to_join.clone(),
        contact: e.contact.clone(),
        public: yes(e.is_public()),
    }
}

/// Adds an entry (`entry_id` empty) or changes one. Radio groups and tick boxes send
/// nothing when none is chosen, so they are optional here and refused with a message.
#[server(endpoint = "save_directory_entry")]
#[allow(clippy::too_many_arguments)]
pub async fn save_directory_entry(
    entry_id: Option<String>,
    network_id: String,
    organisation: String,
    title: String,
    kind: Option<String>,
    theme: Option<String>,
    description: String,
    area: String,
    schedule: Option<String>,
    on_date: String,
    weekday: String,
    nth: String,
    starts: String,
    ends: String,
    until: String,
    venue: String,
    address: String,
    postcode: String,
    step_free: Option<String>,
    accessibility: String,
    cost: Option<String>,
    cost_detail: String,
    audience: String,
    how_to_join: String,
    contact: String,
    public: Option<String>,
    places: Option<String>,
) -> Result<(), AppError> {
    let form = EntryForm {
        organisation,
        title,
        kind,
        theme,
        description,
        area,
        schedule,
        on_date,
        weekday,
        nth,
        starts,
        ends,
        until,
        venue,
        address,
        postcode,
        step_free,
        accessibility,
        cost,
        cost_detail,
        audience,
        how_to_join,
        contact,
        public,
        places: places.unwrap_or_default(),
    };
    finish(save_entry(entry_id.filter(|i| !i.is_empty()), network_id, form).await)
}

#[cfg(feature = "ssr")]
async fn save_entry(entry_id: Option<String>, network_id: String, form: EntryForm) -> Result<(), AppError> {
    let st = state()?;
    let viewer = signed_in().await?;
    crate::networks::domain::require_some_builder(&viewer)?;
    let (network_id, before) = match &entry_id {
        Some(id) => {
            let (e, keeper) = seen_entry(&st, &viewer, id).await?;
            if !keeper || e.status != "active" {
                return Err(AppError::Forbidden("Only the community builders of its area can change this entry.".into()));
            }
            (e.network_id.clone(), Some(e))
        }
        None => (crate::networks::store::builder_network(&st.db, &viewer, Some(&network_id)).await?.0, None),
    };
    let area_ok = areas_for(&st, &viewer, &network_id).await?.iter().any(|(id, _)| *id == form.area.trim());
    let draft = form.parse(area_ok, today())?;
    let at = crate::util::now();
    let mut tx = st.db.pool.begin().await?;
    let id = store::save(&mut tx, entry_id.as_deref(), &network_id, &draft, &viewer.user_id, at).await?;
    audit(
        &mut tx,
        &AuditEntry::new(&viewer.user_id, AuditAction::SaveDirectoryEntry)
            .in_network(&network_id, draft.locality_id.as_deref())
            .subject(format!("directory:{id}"))
            .change(before.map(|b| b.title).unwrap_or_default(), draft.title.clone()),
    )
    .await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/whats-on/{id}?done=saved"));
    Ok(())
}

/// A builder looked at an entry again and it is still right ("last checked" today).
#[server(endpoint = "check_directory_entry")]
pub async fn check_directory_entry(entry_id: String) -> Result<(), AppError> {
    finish(keeper_step(entry_id, AuditAction::CheckDirectoryEntry).await)
}

/// Takes an entry out of What's on.
#[server(endpoint = "close_directory_entry")]
pub async fn close_directory_entry(entry_id: String) -> Result<(), AppError> {
    finish(keeper_step(entry_id, AuditAction::CloseDirectoryEntry).await)
}

#[cfg(feature = "ssr")]
async fn keeper_step(entry_id: String, action: AuditAction) -> Result<(), AppError> {
    let st = state()?;
    let viewer = signed_in().await?;
    let (e, keeper) = seen_entry(&st, &viewer, &entry_id).await?;
    if !keeper {
        return Err(AppError::Forbidden("Only the community builders of its area can do that.".into()));
    }
    let at = crate::util::now();
    let mut tx = st.db.pool.begin().await?;
    let done = match action {
        AuditAction::CloseDirectoryEntry => store::close(&mut tx, &entry_id, at).await?,
        _ => store::mark_checked(&mut tx, &entry_id, &viewer.user_id, at).await?,
    };
    if !done {
        return Err(AppError::Conflict("That entry has been taken down already.".into()));
    }
    audit(
        &mut tx,
        &AuditEntry::new(&viewer.user_id, action)
            .in_network(&e.network_id, e.locality_id.as_deref())
            .subject(format!("directory:{entry_id}")),
    )
    .await?;
    tx.commit().await?;
    let done = if action == AuditAction::CloseDirectoryEntry { "closed" } else { "checked" };
    leptos_axum::redirect(&format!("/whats-on/{entry_id}?done={done}"));
    Ok(())
}

/// The entries a builder keeps: those not checked for six months first.
#[server(endpoint = "directory_keeper")]
pub async fn directory_keeper(network: Option<String>) -> Result<KeeperView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network_id, _) = crate::networks::store::builder_network(&st.db, &viewer, network.as_deref()).await?;
            let s = sight(&st, &viewer, Some(&network_id)).await?;
            let today = today();
            let stale_before = crate::util::now() - domain::REVIEW_AFTER_DAYS * crate::util::DAY;
            let (mut due, mut others) = (vec![], vec![]);
            for e in store::open_entries(&st.db, &network_id, None).await? {
                if keeps(&viewer, &network_id, e.locality_id.as_deref()) {
                    if e.checked_at < stale_before { &mut due } else { &mut others }.push({
                        let when = e.when();
                        card(&e, &when, when.next_dates(today, 1).first().copied())
                    });
                }
            }
            Ok(KeeperView { network_name: s.network_name, due, others })
        }
        .await,
    )
}
