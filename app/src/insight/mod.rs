//! Insight and funder reports: how each locality is doing, computed on request from the
//! ledger, the listings and the referral records. This module holds the server function
//! `insight` (the dashboard, the quarterly report and, through `build`, the CSV files) and
//! the one place that decides who sees which figures.
//!
//! Who sees what (decided here, on the server, for the page, the report and every CSV):
//! - site admins: any network or organisation, every count exact (`?protected=1` shows
//!   them what everyone else sees);
//! - community builders: their network (whole-network builders, with the comparison of
//!   localities) or their locality; small counts protected;
//! - an organisation's verified lead: the figures of the referrals their organisation
//!   made, and nothing about individual people; small counts protected;
//! - everyone else: nothing.

#[cfg(feature = "ssr")]
pub mod csv;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use domain::Table;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    networks::domain::Viewer,
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use domain::{Focus, Period};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// What the caller asked for, as in the address (`?network=…&locality=…&from=…&to=…`).
/// Empty values mean "not asked".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ask {
    pub network: Option<String>,
    pub locality: Option<String>,
    pub organisation: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub quarter: Option<String>,
    pub protected: Option<String>,
}

impl Ask {
    /// The same question as a query string, for links to the CSV files and the report.
    pub fn query_string(&self, with_period: bool) -> String {
        let mut parts = vec![];
        let mut add = |k: &str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", crate::components::url::urlencode(v)));
            }
        };
        add("network", &self.network);
        add("locality", &self.locality);
        add("organisation", &self.organisation);
        if with_period {
            add("from", &self.from);
            add("to", &self.to);
            add("quarter", &self.quarter);
        }
        add("protected", &self.protected);
        parts.join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InsightData {
    /// "Airdrie", "North Lanarkshire Time Bank (whole network)", "NHS Lanarkshire's referrals".
    pub heading: String,
    pub period_label: String,
    pub quarter_label: Option<String>,
    pub from: String,
    pub to: String,
    /// A period that could not be read, with the reason; the default period is shown.
    pub period_problem: Option<String>,
    pub exact: bool,
    pub is_admin: bool,
    pub networks: Vec<Choice>,
    pub network: String,
    pub localities: Vec<Choice>,
    /// Empty for the whole network.
    pub locality: String,
    /// Locality builders cannot switch locality.
    pub locality_fixed: bool,
    pub organisation: Option<Choice>,
    pub quarters: Vec<(String, String)>,
    /// The last twelve months, as (first day, last day).
    pub twelve_months: (String, String),
    pub tables: Vec<Table>,
    /// The settled question (network, locality, period) as a query string.
    pub query: String,
    pub generated_at: i64,
}

/// The dashboard (and, with `report`, the quarterly report: its default period is the
/// last full quarter instead of the last twelve months).
///
/// The question's fields travel under their own names (`network`, `locality`, ...).
#[server(endpoint = "insight")]
pub async fn insight(#[server(flatten)] ask: Ask, report: Option<String>) -> Result<InsightData, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            build(&st, &viewer, &ask, report.is_some()).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
enum Scope {
    Network { network_id: String, network_name: String, locality: Option<Choice>, fixed: bool },
    Organisation(Choice),
}

/// Who may see which figures: the one place it is decided. Returns the scope, the
/// localities and the networks the caller may switch between.
#[cfg(feature = "ssr")]
async fn resolve(st: &AppState, viewer: &Viewer, ask: &Ask) -> Result<(Scope, Vec<Choice>, Vec<Choice>), AppError> {
    let refused = || {
        if viewer.needs_second_factor {
            AppError::Forbidden("Set up two-step sign-in to see how your area is doing.".into())
        } else {
            AppError::Forbidden(
                "These figures are for community builders, site administrators and the leads of referring organisations.".into(),
            )
        }
    };
    let org_lead = viewer.professional.as_ref().filter(|p| p.verified && p.is_org_lead);
    let wanted_org = ask.organisation.clone().filter(|o| !o.is_empty());
    let is_builder = viewer.is_site_admin || !viewer.builder_of.is_empty();
    if wanted_org.is_some() || (!is_builder && org_lead.is_some()) {
        let id = wanted_org.or_else(|| org_lead.map(|p| p.organisation_id.clone())).unwrap_or_default();
        if !viewer.is_site_admin && org_lead.map(|p| p.organisation_id != id).unwrap_or(true) {
            return Err(refused());
        }
        let name = store::organisation_name(&st.db, &id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
        return Ok((Scope::Organisation(Choice { id, name }), vec![], vec![]));
    }
    if !is_builder {
        return Err(refused());
    }
    // The networks the caller may look at, and whether they are held to one locality.
    let networks: Vec<Choice> = if viewer.is_site_admin {
        store::all_networks(&st.db).await?
    } else {
        let mut v: Vec<Choice> = viewer.builder_of.iter().map(|s| Choice { id: s.network_id.clone(), name: s.label.clone() }).collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v.dedup_by(|a, b| a.id == b.id);
        v
    };
    let wanted = ask.network.clone().filter(|n| !n.is_empty());
    let network_id = match &wanted {
        Some(n) if networks.iter().any(|c| &c.id == n) => n.clone(),
        Some(_) => return Err(AppError::not_found("network")),
        None => viewer
            .membership
            .as_ref()
            .map(|m| m.network_id.clone())
            .filter(|n| networks.iter().any(|c| &c.id == n))
            .or_else(|| networks.first().map(|c| c.id.clone()))
            .ok_or_else(|| AppError::not_found("network"))?,
    };
    let network_name = store::network_name(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("network"))?;
    let localities: Vec<Choice> =
        store::localities(&st.db, &network_id).await?.into_iter().map(|l| Choice { id: l.id, name: l.name }).collect();
    let whole = crate::networks::domain::is_whole_network_builder(viewer, &network_id);
    let wanted_locality = ask.locality.clone().filter(|l| !l.is_empty());
    let (locality, fixed) = if whole {
        // A locality of another network (left in the form when the network was changed)
        // means the whole network.
        (wanted_locality.and_then(|l| localities.iter().find(|c| c.id == l).cloned()), false)
    } else {
        let own: Vec<&String> =
            viewer.builder_of.iter().filter(|s| s.network_id == network_id).filter_map(|s| s.locality_id.as_ref()).collect();
        let pick = match wanted_locality {
            Some(l) if own.contains(&&l) => l,
            Some(_) => return Err(refused()),
            None => own.first().map(|s| s.to_string()).ok_or_else(refused)?,
        };
        (Some(localities.iter().find(|c| c.id == pick).cloned().ok_or_else(|| AppError::not_found("locality"))?), own.len() == 1)
    };
    Ok((Scope::Network { network_id, network_name, locality, fixed }, localities, networks))
}

/// The period asked for (a quarter, or a first and last day), or the default one (the last
/// full quarter for the report, the last twelve months otherwise) with why the asked one
/// could not be read.
#[cfg(feature = "ssr")]
fn period_asked(ask: &Ask, report: bool, now: i64) -> (Period, Option<String>) {
    let default = if report { Period::last_full_quarter(now) } else { Period::last_twelve_months(now) };
    let mut period_problem = None;
    let period = if let Some(q) = ask.quarter.as_ref().filter(|q| !q.is_empty()) {
        Period::parse_quarter(q).unwrap_or_else(|| {
            period_problem = Some("That quarter could not be read; showing the last full quarter.".into());
            Period::last_full_quarter(now)
        })
    } else {
        match (ask.from.as_deref().unwrap_or(""), ask.to.as_deref().unwrap_or("")) {
            ("", "") => default,
            (f, t) => Period::parse(if f.is_empty() { "?" } else { f }, if t.is_empty() { "?" } else { t }).unwrap_or_else(|e| {
                period_problem = Some(e);
                default
            }),
        }
    };
    (period, period_problem)
}

/// Everything the page, the report and the CSV files show, for one caller and question.
#[cfg(feature = "ssr")]
pub async fn build(st: &AppState, viewer: &Viewer, ask: &Ask, report: bool) -> Result<InsightData, AppError> {
    let now = crate::util::now();
    let (scope, localities, networks) = resolve(st, viewer, ask).await?;
    let (period, period_problem) = period_asked(ask, report, now);
    // Admins see exact counts on the dashboard unless they ask (`protected=1`); the
    // report, which goes to funders, is protected unless they ask for exact (`protected=0`).
    let exact = viewer.is_site_admin
        && match ask.protected.as_deref() {
            Some("1") => false,
            Some("0") => true,
            _ => !report,
        };
    let networks = if networks.len() > 1 { networks } else { vec![] };
    let (heading, network, locality, fixed, organisation, tables, localities) = match scope {
        Scope::Network { network_id, network_name, locality, fixed } => {
            let fig = store::network_figures(&st.db, &network_id, &period, now).await?;
            let (focus, heading) = match &locality {
                Some(l) => (Focus::Locality(l.id.clone()), format!("{}, {network_name}", l.name)),
                None => (Focus::Network, format!("{network_name} (every locality)")),
            };
            let tables = domain::dashboard(&fig, &focus, &period, exact);
            (heading, network_id, locality.map(|l| l.id).unwrap_or_default(), fixed, None, tables, localities)
        }
        Scope::Organisation(org) => {
            let fig = store::organisation_figures(&st.db, &org.id, &period).await?;
            let tables = domain::dashboard(&fig, &Focus::Organisation, &period, exact);
            (format!("Referrals made by {}", org.name), String::new(), String::new(), true, Some(org), tables, vec![])
        }
    };
    let settled = Ask {
        network: (!network.is_empty()).then(|| network.clone()),
        locality: (!locality.is_empty()).then(|| locality.clone()),
        organisation: organisation.as_ref().map(|o| o.id.clone()),
        from: Some(period.from_iso()),
        to: Some(period.to_iso()),
        quarter: None,
        protected: viewer.is_site_admin.then(|| if exact { "0" } else { "1" }.to_string()),
    };
    Ok(InsightData {
        heading,
        period_label: period.label(),
        quarter_label: period.quarter_label(),
        from: period.from_iso(),
        to: period.to_iso(),
        period_problem,
        exact,
        is_admin: viewer.is_site_admin,
        networks,
        network,
        localities,
        locality,
        locality_fixed: fixed,
        organisation,
        quarters: Period::recent_quarters(now, 4),
        twelve_months: (Period::last_twelve_months(now).from_iso(), Period::last_twelve_months(now).to_iso()),
        tables,
        query: settled.query_string(true),
        generated_at: now,
    })
}
