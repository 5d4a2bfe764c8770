//! Going along: a member says they are going to one date of an entry (a place, or the
//! date's waiting list when its places are taken), or that they cannot go after all (the
//! first waiting then takes the place, and is told); the organisers see who is coming and
//! record afterwards who came.
//!
//! Sign-ups to one entry are made one at a time: each holds the entry's row for its
//! transaction (`store::hold_entry`) before counting the places taken, so two members
//! can never take the last place together, whichever server they reach.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::{domain, store};
#[cfg(feature = "ssr")]
use crate::{
    audit::{
        domain::AuditAction,
        store::{audit, AuditEntry},
    },
    networks::domain::Viewer,
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};

/// One coming date of an entry, as a member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateView {
    /// YYYY-MM-DD.
    pub on: String,
    /// "Tuesday 8 December".
    pub label: String,
    pub going: i64,
    pub waiting: i64,
    /// None: no limit.
    pub places_left: Option<i64>,
    /// The viewer's own place: "going", "waiting", or none.
    pub mine: Option<String>,
}

/// The coming dates of an entry (those `next_dates` gives) with who is going, for `viewer`.
#[cfg(feature = "ssr")]
pub(super) async fn coming_dates(
    st: &AppState,
    e: &store::EntryRow,
    next_dates: &[domain::Day],
    user_id: &str,
) -> Result<Vec<DateView>, AppError> {
    let (Some(first), Some(last)) = (next_dates.first(), next_dates.last()) else { return Ok(vec![]) };
    let counts = store::date_counts(&st.db, &e.id, &domain::iso(*first), &domain::iso(*last), user_id).await?;
    Ok(next_dates
        .iter()
        .map(|d| {
            let on = domain::iso(*d);
            let c = counts.iter().find(|c| c.occurs_on == on);
            let going = c.map_or(0, |c| c.going);
            DateView {
                label: domain::long_date(*d),
                going,
                waiting: c.map_or(0, |c| c.waiting),
                places_left: domain::places_left(e.places, going),
                mine: c.map(|c| c.mine.clone()).filter(|m| !m.is_empty()),
                on,
            }
        })
        .collect())
}

/// Why a member cannot sign up to an entry that was taken down.
#[cfg(feature = "ssr")]
const TAKEN_DOWN: &str = "This has been taken down: it is no longer on.";

/// The entry and the day a member named (an open entry of their own network that happens
/// on that day, today or later), in a transaction that holds the entry's row
/// (`store::hold_entry`), so sign-ups to it are made one after another.
#[cfg(feature = "ssr")]
async fn held_date(
    st: &AppState,
    viewer: &Viewer,
    entry_id: &str,
    on: &str,
) -> Result<(store::EntryRow, domain::Day, sqlx::Transaction<'static, sqlx::Any>), AppError> {
    let m = crate::networks::domain::require_active_member(viewer)?;
    let e = store::entry(&st.db, entry_id)
        .await?
        .filter(|e| e.network_id == m.network_id && !e.is_proposed())
        .ok_or_else(|| AppError::not_found("entry"))?;
    if e.status != "active" {
        return Err(AppError::Conflict(TAKEN_DOWN.into()));
    }
    let day = match domain::parse_day(on) {
        Some(day) if day < super::today() => return Err(AppError::Conflict("That day has passed.".into())),
        Some(day) if e.when().occurs_on(day) => day,
        _ => return Err(AppError::Conflict("It does not happen on that day: choose one of its dates.".into())),
    };
    let mut tx = st.db.pool.begin().await?;
    if !store::hold_entry(&mut tx, &e.id).await? {
        return Err(AppError::Conflict(TAKEN_DOWN.into()));
    }
    Ok((e, day, tx))
}

/// The signed-in member is going to the entry on `on` (YYYY-MM-DD): a place if one is
/// left, else the waiting list. Saying it twice changes nothing.
#[server(endpoint = "say_going")]
pub async fn say_going(entry_id: String, on: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (e, day, mut tx) = held_date(&st, &viewer, &entry_id, &on).await?;
            let on = domain::iso(day);
            let status = match store::place_of(&mut tx, &e.id, &on, &viewer.user_id).await? {
                Some(already) => domain::Going::parse(&already).unwrap_or(domain::Going::Going),
                None => {
                    let taken = store::taken(&mut tx, &e.id, &on).await?;
                    let status = domain::Going::for_newcomer(e.places, taken);
                    store::add_going(&mut tx, &e.id, &on, &viewer.user_id, status.as_str(), crate::util::now()).await?;
                    status
                }
            };
            tx.commit().await?;
            leptos_axum::redirect(&format!("/whats-on/{}?done={}#dates", e.id, status.as_str()));
            Ok(())
        }
        .await,
    )
}

/// The signed-in member cannot go on `on` after all (or leaves its waiting list). A place
/// they free goes to the first waiting, who is told.
#[server(endpoint = "not_going")]
pub async fn not_going(entry_id: String, on: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (e, day, mut tx) = held_date(&st, &viewer, &entry_id, &on).await?;
            let on = domain::iso(day);
            let was = store::remove_going(&mut tx, &e.id, &on, &viewer.user_id).await?;
            if was.as_deref() == Some(domain::Going::Going.as_str()) {
                if let Some(next) = store::promote_first_waiting(&mut tx, &e.id, &on).await? {
                    let text = format!("A place came free at {} on {}: you are going now.", e.title, domain::long_date(day));
                    crate::notifications::notify(&mut tx, &st.config.public_url, &next, &text, &format!("/whats-on/{}", e.id)).await?;
                }
            }
            tx.commit().await?;
            leptos_axum::redirect(&format!("/whats-on/{}?done=not_going#dates", e.id));
            Ok(())
        }
        .await,
    )
}

/// Someone on a date's list, for the organisers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub user_id: String,
    pub name: String,
    /// Whether they came, once recorded.
    pub attended: Option<bool>,
}

/// One date of an entry, as its organisers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoingDate {
    pub on: String,
    pub label: String,
    /// Today or before: who came can be recorded.
    pub happened: bool,
    pub going: Vec<Person>,
    pub waiting: Vec<Person>,
    /// Who came has been recorded.
    pub recorded: bool,
}

/// Who is coming to an entry's dates, and who came to its recent ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoingView {
    pub entry_id: String,
    pub title: String,
    pub places: Option<i64>,
    /// The coming dates first (soonest first), then the recent ones (latest first).
    pub dates: Vec<GoingDate>,
}

/// The dates the organisers see: the coming ones, and those of the last
/// [`domain::ATTENDANCE_DAYS`] (for recording who came).
#[cfg(feature = "ssr")]
fn organiser_dates(when: &domain::When, today: domain::Day) -> (Vec<domain::Day>, Vec<domain::Day>) {
    let earliest = today - domain::ATTENDANCE_DAYS;
    let mut recent: Vec<domain::Day> = when.next_dates(earliest, 64).into_iter().filter(|d| *d <= today).collect();
    recent.reverse();
    let coming = when.next_dates(today + 1, super::NEXT_DATES);
    (coming, recent)
}

/// An entry its viewer organises (keeps), for the organisers' page and recording who came.
#[cfg(feature = "ssr")]
async fn organised(st: &AppState, viewer: &Viewer, entry_id: &str) -> Result<store::EntryRow, AppError> {
    let (e, keeping) = super::seen_entry(st, viewer, entry_id).await?;
    if !keeping.any() {
        return Err(AppError::Forbidden("Only the organisers can see who is coming.".into()));
    }
    Ok(e)
}

/// Who is coming to an entry and who came: for its organisers.
#[server(endpoint = "entry_going")]
pub async fn entry_going(entry_id: String) -> Result<GoingView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let e = organised(&st, &viewer, &entry_id).await?;
            let today = super::today();
            let (coming, recent) = organiser_dates(&e.when(), today);
            let first = recent.last().or(coming.first()).copied().unwrap_or(today);
            let last = coming.last().copied().unwrap_or(today);
            let rows = store::going_on(&st.db, &e.id, &domain::iso(first), &domain::iso(last)).await?;
            let date = |d: domain::Day| {
                let on = domain::iso(d);
                let people = |status: domain::Going| -> Vec<Person> {
                    rows.iter()
                        .filter(|r| r.occurs_on == on && r.status == status.as_str())
                        .map(|r| Person { user_id: r.user_id.clone(), name: r.display_name.clone(), attended: r.attended.map(|a| a != 0) })
                        .collect()
                };
                let going = people(domain::Going::Going);
                GoingDate {
                    label: domain::long_date(d),
                    happened: d <= today,
                    recorded: going.iter().any(|p| p.attended.is_some()),
                    waiting: people(domain::Going::Waiting),
                    going,
                    on,
                }
            };
            // A past date nobody said they were going to has nothing to record.
            let dates = coming.iter().map(|d| date(*d)).chain(recent.iter().map(|d| date(*d)).filter(|d| !d.going.is_empty())).collect();
            Ok(GoingView { entry_id: e.id.clone(), title: e.title.clone(), places: e.places, dates })
        }
        .await,
    )
}

/// The organisers record who came on a date that has happened: those ticked in `came`
/// (user ids) came, everyone else who said they were going did not. Costs nobody anything.
#[server(endpoint = "record_attendance")]
pub async fn record_attendance(entry_id: String, on: String, came: Option<Vec<String>>) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let e = organised(&st, &viewer, &entry_id).await?;
            let today = super::today();
            let day = domain::parse_day(&on)
                .filter(|d| *d <= today && *d >= today - domain::ATTENDANCE_DAYS && e.when().occurs_on(*d))
                .ok_or_else(|| AppError::Conflict("Who came can be recorded for its dates of the last 60 days.".into()))?;
            let on = domain::iso(day);
            let came = came.unwrap_or_default();
            let mut tx = st.db.pool.begin().await?;
            let marked = store::record_attendance(&mut tx, &e.id, &on, &came).await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::RecordAttendance)
                    .in_network(&e.network_id, e.locality_id.as_deref())
                    .subject(format!("directory:{}", e.id))
                    .change("", format!("{marked} came on {on}")),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/whats-on/{}/going?done=recorded", e.id));
            Ok(())
        }
        .await,
    )
}
