//! The directory in the Open Referral UK shape (HSDS 3.0, UK profile): a public, read-only
//! API of the entries networks share publicly, for councils' and the NHS's service finders.
//!
//! - `GET /openreferral` — what this API is (HSDS version, profile);
//! - `GET /openreferral/services` — a page of services (`page`, `per_page`, `search`,
//!   `taxonomy_term_id`, `day`: MO…SU, `organization_id`);
//! - `GET /openreferral/services/{id}` — one service in full;
//! - `GET /openreferral/organizations`, `/taxonomies`, `/taxonomy_terms` (paged).
//!
//! Ids are ours written as UUIDs (8-4-4-4-12); the parts of a service that have no id of
//! their own (its schedule, place, address, cost) get one derived from the entry's. The
//! taxonomy is the directory's own: the three kinds of entry and the five ways to
//! wellbeing. Every answer may be read from any site (`Access-Control-Allow-Origin: *`).

use super::domain::{EntryKind, Schedule, Theme, WEEKDAYS};
use super::store::{self, EntryRow};
use crate::platform::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Items per page unless asked; at most [`MAX_PER_PAGE`].
const PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 200;
const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// A 32-hex id as a UUID; anything else (a derived part) hashed into one.
pub fn uuid(id: &str) -> String {
    let hex = if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        id.to_ascii_lowercase()
    } else {
        hex::encode(&Sha256::digest(id.as_bytes())[..16])
    };
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Our id from a UUID (or from our id as it is).
pub fn from_uuid(id: &str) -> String {
    id.replace('-', "").to_ascii_lowercase()
}

/// A term of the directory's taxonomy: (id, name, description, taxonomy).
fn terms() -> Vec<(String, &'static str, &'static str, &'static str)> {
    let kinds =
        EntryKind::ALL.iter().map(|k| (uuid(&format!("kind:{}", k.as_str())), k.label(), "What kind of entry it is", "Timeweave kinds"));
    let themes = Theme::ALL
        .iter()
        .map(|t| (uuid(&format!("theme:{}", t.as_str())), t.label(), "One of the five ways to wellbeing", "Five ways to wellbeing"));
    kinds.chain(themes).collect()
}

fn term_json(id: &str, name: &str, description: &str, taxonomy: &str) -> Value {
    json!({"id": id, "name": name, "description": description, "taxonomy": taxonomy, "taxonomy_id": uuid(&format!("taxonomy:{taxonomy}"))})
}

fn organization(e: &EntryRow) -> Value {
    json!({"id": uuid(&e.organisation_id), "name": e.organisation, "description": format!("{} (in What's on)", e.organisation)})
}

/// The fields a service has in a list and in full alike.
fn service_head(e: &EntryRow) -> Value {
    let mut v = json!({
        "id": uuid(&e.id),
        "organization_id": uuid(&e.organisation_id),
        "name": e.title,
        "description": e.description,
        "status": "active",
        "assured_date": crate::util::iso_date(e.checked_at),
        "last_modified": crate::util::iso_datetime(e.updated_at),
        "organization": organization(e),
    });
    if !e.cost_detail.is_empty() {
        v["fees"] = json!(e.cost_detail);
    }
    if !e.how_to_join.is_empty() {
        v["application_process"] = json!(e.how_to_join);
    }
    v
}

fn schedule(e: &EntryRow) -> Option<Value> {
    let when = e.when();
    let clock = |m: i64| format!("{:02}:{:02}:00", m / 60, m % 60);
    let mut s = json!({"id": uuid(&format!("{}:schedule", e.id)), "service_id": uuid(&e.id), "description": when.describe()});
    match when.schedule {
        Schedule::Open => {}
        Schedule::Once { on } => {
            s["valid_from"] = json!(super::domain::iso(on));
            s["valid_to"] = json!(super::domain::iso(on));
            s["dtstart"] = json!(super::domain::iso(on));
        }
        Schedule::Weekly { weekday } => {
            s["freq"] = json!("WEEKLY");
            s["byday"] = json!(BYDAY[weekday as usize]);
        }
        Schedule::Monthly { nth, weekday } => {
            s["freq"] = json!("MONTHLY");
            s["byday"] = json!(format!("{}{}", nth.to_db(), BYDAY[weekday as usize]));
        }
    }
    if let Some(until) = when.until {
        s["valid_to"] = json!(super::domain::iso(until));
    }
    if let Some(m) = when.starts {
        s["opens_at"] = json!(clock(m));
    }
    if let Some(m) = when.ends {
        s["closes_at"] = json!(clock(m));
    }
    Some(s)
}

fn place(e: &EntryRow) -> Option<Value> {
    if e.address.is_empty() {
        return None;
    }
    let location_id = uuid(&format!("{}:location", e.id));
    let city = e.locality_name.clone().unwrap_or_default();
    let mut access = vec![];
    if e.is_step_free() {
        access.push(json!({"id": uuid(&format!("{}:step-free", e.id)), "location_id": location_id, "description": "Step-free access"}));
    }
    if !e.accessibility.is_empty() {
        access.push(json!({"id": uuid(&format!("{}:access", e.id)), "location_id": location_id, "description": e.accessibility}));
    }
    Some(json!({
        "id": uuid(&format!("{}:at", e.id)),
        "service_id": uuid(&e.id),
        "location_id": location_id,
        "location": {
            "id": location_id,
            "location_type": "physical",
            "name": if e.venue.is_empty() { e.address.clone() } else { e.venue.clone() },
            "addresses": [{
                "id": uuid(&format!("{}:address", e.id)),
                "location_id": location_id,
                "address_1": e.address,
                "city": city,
                "state_province": e.council_area,
                "postal_code": e.postcode,
                "country": "GB",
                "address_type": "physical",
            }],
            "accessibility": access,
        }
    }))
}

fn attributes(e: &EntryRow) -> Vec<Value> {
    let all = terms();
    [format!("kind:{}", e.kind().as_str()), format!("theme:{}", e.theme().as_str())]
        .iter()
        .filter_map(|key| {
            let id = uuid(key);
            let (_, name, description, taxonomy) = all.iter().find(|t| t.0 == id)?;
            Some(json!({
                "id": uuid(&format!("{}:{key}", e.id)),
                "link_id": uuid(&e.id),
                "link_type": "service",
                "taxonomy_term_id": id,
                "taxonomy_term": term_json(&id, name, description, taxonomy),
            }))
        })
        .collect()
}

/// One service in full, as `/services/{id}` gives it.
pub fn service(e: &EntryRow) -> Value {
    let mut v = service_head(e);
    v["schedules"] = json!(schedule(e).into_iter().collect::<Vec<_>>());
    v["service_at_locations"] = json!(place(e).into_iter().collect::<Vec<_>>());
    v["cost_options"] = json!([{
        "id": uuid(&format!("{}:cost", e.id)),
        "service_id": uuid(&e.id),
        "option": e.cost().label(),
        "amount_description": if e.cost_detail.is_empty() { e.cost().label().to_string() } else { e.cost_detail.clone() },
    }]);
    v["contacts"] = if e.contact.is_empty() {
        json!([])
    } else {
        json!([{"id": uuid(&format!("{}:contact", e.id)), "service_id": uuid(&e.id), "name": e.contact}])
    };
    v["attributes"] = json!(attributes(e));
    v
}

/// ORUK's page of results.
pub fn page(items: Vec<Value>, page: usize, per_page: usize) -> Value {
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let contents: Vec<Value> = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    json!({
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": contents.len(),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<usize>,
    pub per_page: Option<usize>,
    pub search: Option<String>,
    pub taxonomy_term_id: Option<String>,
    pub organization_id: Option<String>,
    /// MO … SU.
    pub day: Option<String>,
}

impl ListQuery {
    fn paging(&self) -> (usize, usize) {
        (self.page.unwrap_or(1).max(1), self.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE))
    }

    /// Whether an entry passes this query's filters.
    pub fn admits(&self, e: &EntryRow, today: super::domain::Day) -> bool {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if given(&self.search).is_some_and(|q| !super::domain::mentions_all(&q, &[&e.title, &e.description, &e.organisation])) {
            return false;
        }
        if let Some(t) = given(&self.taxonomy_term_id) {
            if !attributes(e).iter().any(|a| a["taxonomy_term_id"] == json!(t.to_ascii_lowercase())) {
                return false;
            }
        }
        if let Some(o) = given(&self.organization_id) {
            if from_uuid(&o) != e.organisation_id {
                return false;
            }
        }
        if let Some(day) = given(&self.day) {
            let Some(wd) = BYDAY
                .iter()
                .position(|d| d.eq_ignore_ascii_case(&day))
                .or_else(|| WEEKDAYS.iter().position(|d| d.eq_ignore_ascii_case(&day)))
            else {
                return false;
            };
            if !e.when().happens_on_weekday(wd as u8, today) {
                return false;
            }
        }
        true
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn failed(e: crate::error::AppError) -> Response {
    answer(StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e.to_string()}))
}

/// `GET /openreferral`.
pub async fn root(State(st): State<AppState>) -> Response {
    answer(
        StatusCode::OK,
        json!({
            "version": "3.0",
            "profile": "https://github.com/openreferral/uk-profile",
            "openapi_url": "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json",
            "services_url": format!("{}/openreferral/services", st.config.public_url),
        }),
    )
}

/// `GET /openreferral/services`.
pub async fn services(State(st): State<AppState>, Query(q): Query<ListQuery>) -> Response {
    let rows = match store::public_entries(&st.db).await {
        Ok(rows) => rows,
        Err(e) => return failed(e),
    };
    let today = super::today();
    let items = rows.iter().filter(|e| q.admits(e, today)).map(service_head).collect();
    let (p, per) = q.paging();
    answer(StatusCode::OK, page(items, p, per))
}

/// `GET /openreferral/services/{id}`.
pub async fn one_service(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    match store::entry(&st.db, &from_uuid(&id)).await {
        Ok(Some(e)) if e.is_public() && e.is_listed() => answer(StatusCode::OK, service(&e)),
        Ok(_) => answer(StatusCode::NOT_FOUND, json!({"error": "There is no public service with that id."})),
        Err(e) => failed(e),
    }
}

/// `GET /openreferral/organizations`: the organisations with a public entry.
pub async fn organizations(State(st): State<AppState>, Query(q): Query<ListQuery>) -> Response {
    let rows = match store::public_entries(&st.db).await {
        Ok(rows) => rows,
        Err(e) => return failed(e),
    };
    let mut seen = std::collections::BTreeMap::new();
    for e in &rows {
        seen.entry((e.organisation.clone(), e.organisation_id.clone())).or_insert_with(|| organization(e));
    }
    let (p, per) = q.paging();
    answer(StatusCode::OK, page(seen.into_values().collect(), p, per))
}

/// `GET /openreferral/taxonomies`.
pub async fn taxonomies(Query(q): Query<ListQuery>) -> Response {
    let items = ["Timeweave kinds", "Five ways to wellbeing"]
        .iter()
        .map(|name| json!({"id": uuid(&format!("taxonomy:{name}")), "name": name, "description": name}))
        .collect();
    let (p, per) = q.paging();
    answer(StatusCode::OK, page(items, p, per))
}

/// `GET /openreferral/taxonomy_terms`.
pub async fn taxonomy_terms(Query(q): Query<ListQuery>) -> Response {
    let items = terms().iter().map(|(id, name, description, taxonomy)| term_json(id, name, description, taxonomy)).collect();
    let (p, per) = q.paging();
    answer(StatusCode::OK, page(items, p, per))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_go_both_ways() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(uuid(id), "01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(from_uuid(&uuid(id)), id);
        // A derived part is a UUID too, always the same.
        assert_eq!(uuid("x:schedule"), uuid("x:schedule"));
        assert_eq!(uuid("x:schedule").len(), 36);
    }

    #[test]
    fn pages_count_and_cut() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let p = page(items.clone(), 2, 2);
        assert_eq!((p["total_items"].as_u64(), p["total_pages"].as_u64(), p["size"].as_u64()), (Some(5), Some(3), Some(2)));
        assert_eq!(p["contents"], json!([2, 3]));
        assert_eq!((p["first_page"].as_bool(), p["last_page"].as_bool()), (Some(false), Some(false)));
        let last = page(items, 9, 2);
        assert_eq!((last["empty"].as_bool(), last["last_page"].as_bool()), (Some(true), Some(true)));
    }
}
