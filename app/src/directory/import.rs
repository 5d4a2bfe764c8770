//! `timeweave directory import FILE`: an Open Referral UK (HSDS) file into a network's
//! What's on. Each service is turned into the builders' entry form and checked by the same
//! rules (`EntryForm::parse`), so an import can hold nothing a builder could not type; what
//! fails is reported with the form's own words. A dry run (the default) writes nothing.
//!
//! Read from a service: its name, description, organisation and application process (how
//! to join, else its web address or email); kind and theme from its
//! taxonomy terms where they are the directory's own (else "activity" and "connect"); the
//! first schedule (weekly `byday=TU`, monthly `byday=1TU` or `-1FR`, a one-off `dtstart`,
//! else "any time"), its `opens_at`/`closes_at` and `valid_to`; the first place (name,
//! address, postcode; the area whose name is its city, else the whole network;
//! "Step-free access" and other access notes); the first cost option; the first contact.
//! Imported entries are for members only until a builder shares them. A service whose
//! organisation and name are already in the network's What's on is left alone, so running
//! the same file again adds nothing.

use super::domain::{Cost, EntryKind, Theme};
use super::form::{EntryDraft, EntryForm};
use super::store;
use crate::audit::{
    domain::AuditAction,
    store::{audit, AuditEntry},
};
use crate::error::AppError;
use crate::platform::db::Db;
use serde_json::Value;

/// What an import did, or (dry run) would do.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// "Title (Organisation)" of each entry added.
    pub added: Vec<String>,
    /// Already in What's on.
    pub already: Vec<String>,
    /// (the service's name, the reasons).
    pub refused: Vec<(String, Vec<String>)>,
}

/// The services of a file: a page (`{"contents": [...]}`), a list, or one service.
pub fn services_of(file: &Value) -> Vec<&Value> {
    match file {
        Value::Array(items) => items.iter().collect(),
        Value::Object(o) => match o.get("contents").and_then(Value::as_array) {
            Some(items) => items.iter().collect(),
            None => vec![file],
        },
        _ => vec![],
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("").trim()
}

fn first<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).and_then(Value::as_array).and_then(|a| a.first())
}

const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// "10:00:00" → "10:00".
fn hh_mm(s: &str) -> String {
    s.get(..5).unwrap_or(s).to_string()
}

/// The schedule's fields of the entry form.
fn when_of(s: Option<&Value>, form: &mut EntryForm) {
    form.schedule = Some("open".into());
    let Some(s) = s else { return };
    let byday = text(s, "byday").to_ascii_uppercase();
    let day = |code: &str| BYDAY.iter().position(|d| *d == code);
    match text(s, "freq").to_ascii_uppercase().as_str() {
        "WEEKLY" => {
            if let Some(d) = day(&byday) {
                form.schedule = Some("weekly".into());
                form.weekday = d.to_string();
            }
        }
        "MONTHLY" if byday.len() >= 3 => {
            let (nth, code) = byday.split_at(byday.len() - 2);
            if let (Some(d), Ok(n)) = (day(code), nth.parse::<i64>()) {
                form.schedule = Some("monthly".into());
                form.weekday = d.to_string();
                form.nth = n.to_string();
            }
        }
        _ => {
            let on = [text(s, "dtstart"), text(s, "valid_from")].into_iter().find(|d| !d.is_empty()).unwrap_or("");
            if !on.is_empty() {
                form.schedule = Some("once".into());
                form.on_date = on.get(..10).unwrap_or(on).to_string();
            }
        }
    }
    if matches!(form.schedule.as_deref(), Some("weekly" | "monthly")) {
        form.until = text(s, "valid_to").get(..10).unwrap_or("").to_string();
    }
    form.starts = hh_mm(text(s, "opens_at"));
    form.ends = hh_mm(text(s, "closes_at"));
}

/// The place's fields of the entry form, and the area it is in (by its city's name).
fn place_of(service: &Value, areas: &[(String, String)], form: &mut EntryForm) {
    form.area = "network".into();
    let Some(location) = first(service, "service_at_locations").and_then(|s| s.get("location")) else { return };
    let address = first(location, "addresses");
    let street = address.map(|a| text(a, "address_1")).unwrap_or("");
    let name = text(location, "name");
    form.venue = if name == street { String::new() } else { name.to_string() };
    form.address = street.to_string();
    form.postcode = address.map(|a| text(a, "postal_code")).unwrap_or("").to_string();
    let city = address.map(|a| text(a, "city")).unwrap_or("");
    if let Some((id, _)) = areas.iter().find(|(_, n)| !city.is_empty() && n.eq_ignore_ascii_case(city)) {
        form.area = id.clone();
    }
    let mut notes = vec![];
    for a in location.get("accessibility").and_then(Value::as_array).into_iter().flatten() {
        match text(a, "description") {
            "Step-free access" => form.step_free = Some("yes".into()),
            "" => {}
            other => notes.push(other.to_string()),
        }
    }
    form.accessibility = notes.join(" ");
}

/// The cost's fields: the option by its label or word; an amount that says more is the detail.
fn cost_of(service: &Value, form: &mut EntryForm) {
    let option = first(service, "cost_options");
    let said = option.map(|o| text(o, "option")).unwrap_or("");
    let amount = option.map(|o| text(o, "amount_description")).unwrap_or("");
    let cost = Cost::ALL.iter().copied().find(|c| c.label().eq_ignore_ascii_case(said) || c.as_str().eq_ignore_ascii_case(said));
    let cost = cost.unwrap_or(if amount.is_empty() { Cost::Free } else { Cost::Price });
    form.cost = Some(cost.as_str().into());
    if !amount.eq_ignore_ascii_case(cost.label()) {
        form.cost_detail = amount.to_string();
    }
    if form.cost_detail.is_empty() {
        form.cost_detail = text(service, "fees").to_string();
    }
}

/// A service as the builders' entry form would have it filled in.
pub fn form_of(service: &Value, areas: &[(String, String)]) -> EntryForm {
    let terms: Vec<&str> = service
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("taxonomy_term").and_then(|t| t.get("name")).and_then(Value::as_str))
        .collect();
    let named = |label: &str| terms.iter().any(|t| t.eq_ignore_ascii_case(label));
    let kind = EntryKind::ALL.iter().copied().find(|k| named(k.label())).unwrap_or(EntryKind::Activity);
    let theme = Theme::ALL.iter().copied().find(|t| named(t.label())).unwrap_or(Theme::Connect);
    let organisation = service.get("organization").map(|o| text(o, "name")).unwrap_or("");
    let description = match text(service, "description") {
        "" => text(service, "name"),
        d => d,
    };
    let contact = first(service, "contacts")
        .map(|c| {
            let phone = first(c, "phones").map(|p| text(p, "number")).unwrap_or("");
            [text(c, "name"), phone, text(c, "email")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
        })
        .unwrap_or_default();
    let mut form = EntryForm {
        organisation: organisation.to_string(),
        title: text(service, "name").to_string(),
        kind: Some(kind.as_str().into()),
        theme: Some(theme.as_str().into()),
        description: description.to_string(),
        contact,
        ..EntryForm::default()
    };
    form.how_to_join = [text(service, "application_process"), text(service, "url"), text(service, "email")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string();
    when_of(first(service, "schedules"), &mut form);
    place_of(service, areas, &mut form);
    cost_of(service, &mut form);
    form
}

/// Reads every service of `file` into `network_id`'s What's on as `by` (a user id), or
/// (dry run) only says what it would do.
pub async fn import(db: &Db, network_id: &str, by: &str, file: &Value, apply: bool) -> Result<ImportReport, AppError> {
    let areas = store::localities(db, network_id).await?;
    let existing = store::open_entries(db, network_id, None).await?;
    let mut seen: Vec<(String, String)> = existing.iter().map(|e| (e.organisation.to_lowercase(), e.title.to_lowercase())).collect();
    let today = super::today();
    let mut report = ImportReport::default();
    let mut drafts: Vec<EntryDraft> = vec![];
    for service in services_of(file) {
        let form = form_of(service, &areas);
        let name = format!("{} ({})", form.title, form.organisation);
        let key = (form.organisation.to_lowercase(), form.title.to_lowercase());
        if seen.contains(&key) {
            report.already.push(name);
            continue;
        }
        match form.parse(true, today) {
            Ok(draft) => {
                seen.push(key);
                report.added.push(name);
                drafts.push(draft);
            }
            Err(e) => {
                let reasons = match e.problem() {
                    Some(p) => p.fields.iter().map(|(field, message)| format!("{field}: {message}")).collect(),
                    None => vec![e.to_string()],
                };
                report.refused.push((name, reasons));
            }
        }
    }
    if apply && !drafts.is_empty() {
        let at = crate::util::now();
        let mut tx = db.pool.begin().await?;
        for d in &drafts {
            let id = store::save(&mut tx, None, network_id, d, by, at, false).await?;
            audit(
                &mut tx,
                &AuditEntry::new(by, AuditAction::SaveDirectoryEntry)
                    .in_network(network_id, d.locality_id.as_deref())
                    .subject(format!("directory:{id}"))
                    .reason("Imported from an Open Referral file")
                    .change("", d.title.clone()),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(report)
}
