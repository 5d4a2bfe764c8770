//! What's on as a calendar (iCalendar, RFC 5545, written by the `icalendar` crate): one
//! entry's `.ics` to add to a phone's calendar, and an area's feed a calendar app can
//! subscribe to.
//!
//! An entry's file is for whoever may see the entry (or anyone, if its network made it
//! public). An area's feed carries only the entries made public, since a calendar app
//! fetches it without anyone's sign-in. Times are the area's wall-clock times ("floating"
//! in RFC 5545), as on a noticeboard; a schedule becomes a recurrence rule.

use super::domain::When;
use super::store::{self, EntryRow};
use crate::platform::request::viewer_from_headers;
use crate::platform::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventLike};

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "There is nothing at this address.").into_response()
}

fn failed(e: crate::error::AppError) -> Response {
    (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string()).into_response()
}

/// The floating date-time of a day at a minute after midnight.
fn at(day: super::domain::Day, minute: i64) -> Option<chrono::NaiveDateTime> {
    let (y, m, d) = super::domain::civil(day);
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?.and_hms_opt((minute / 60) as u32, (minute % 60) as u32, 0)
}

/// The event of an entry, from its next date on; `None` for one with no dates (any time).
fn event(e: &EntryRow, public_url: &str, today: super::domain::Day) -> Option<Event> {
    let when: When = e.when();
    let first = *when.next_dates(today, 1).first()?;
    let starts = when.starts?;
    let ends = when.ends.unwrap_or(starts + 60);
    let place: Vec<&str> = [e.venue.as_str(), e.address.as_str(), e.postcode.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
    let link = format!("{public_url}/whats-on/{}", e.id);
    let mut description = e.description.clone();
    for extra in [&e.how_to_join, &e.contact] {
        if !extra.is_empty() {
            description.push_str("\n\n");
            description.push_str(extra);
        }
    }
    description.push_str(&format!("\n\n{link}"));
    let mut ev = Event::new();
    ev.uid(&format!("{}@timeweave", e.id))
        .summary(&e.title)
        .description(&description)
        .location(&place.join(", "))
        .url(&link)
        .starts(at(first, starts)?)
        .ends(at(first, ends)?);
    if let Some(rule) = when.rrule() {
        ev.add_property("RRULE", rule);
    }
    Some(ev.done())
}

fn calendar_response(name: &str, events: Vec<Event>, file: &str) -> Response {
    let mut cal = Calendar::new();
    cal.name(name);
    for e in events {
        cal.push(e);
    }
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\"")),
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        cal.done().to_string(),
    )
        .into_response()
}

/// `GET /whats-on/{id}/calendar.ics`: one entry, for whoever may see it.
pub async fn entry_ics(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let e = match store::entry(&st.db, &id).await {
        Ok(Some(e)) if e.is_listed() => e,
        Ok(_) => return not_found(),
        Err(e) => return failed(e),
    };
    if !e.is_public() {
        let viewer = match viewer_from_headers(&st, &headers).await {
            Ok(Some(v)) => v,
            Ok(None) => return not_found(),
            Err(e) => return failed(e),
        };
        match super::sight(&st, &viewer, Some(&e.network_id)).await {
            Ok(s) if s.network_id == e.network_id => {}
            _ => return not_found(),
        }
    }
    let events = event(&e, &st.config.public_url, super::today()).into_iter().collect();
    calendar_response(&e.title, events, "whats-on.ics")
}

/// `GET /whats-on/areas/{locality}/calendar.ics`: an area's public entries (its own and
/// the whole network's), for a calendar app to subscribe to.
pub async fn area_ics(State(st): State<AppState>, Path(locality): Path<String>) -> Response {
    let Ok(Some((network_id, _))) = crate::networks::store::locality_network(&st.db, &locality).await else { return not_found() };
    let rows = match store::open_entries(&st.db, &network_id, Some(&locality)).await {
        Ok(rows) => rows,
        Err(e) => return failed(e),
    };
    let today = super::today();
    let events = rows.iter().filter(|e| e.is_public()).filter_map(|e| event(e, &st.config.public_url, today)).collect();
    calendar_response("What's on", events, "whats-on.ics")
}
