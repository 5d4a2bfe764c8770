//! A statement as CSV, for a member's own records or a funder's spreadsheet:
//! `GET /hours/statement.csv` (your own), `?member=<id>` (a builder, for a member in their
//! scope), `?organisation=<id>` (someone named for that organisation). The same rules as
//! the pages decide who may download what.

use super::store::AccountRef;
use super::{domain::Minutes, queries};
use crate::error::AppError;
use crate::networks::domain::require_active_member;
use crate::platform::csv::{download, safe_cell};
use crate::platform::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use http::HeaderMap;
use std::collections::HashMap;

pub async fn statement_csv(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    download(build(&st, &headers, &q).await)
}

async fn build(st: &AppState, headers: &HeaderMap, q: &HashMap<String, String>) -> Result<(String, Vec<u8>), AppError> {
    let viewer = crate::platform::request::signed_in_from_headers(st, headers).await?;
    let (network, account, label) = if let Some(member) = q.get("member") {
        let (network, _, name) = super::member_in_scope(st, &viewer, member).await?;
        (network, AccountRef::Member(member.clone()), name)
    } else if let Some(org) = q.get("organisation") {
        let m = require_active_member(&viewer)?;
        let orgs = queries::organisations_of(&st.db, &m.network_id, &viewer.user_id).await?;
        let found = orgs.into_iter().find(|o| &o.id == org).ok_or_else(AppError::forbidden)?;
        (m.network_id.clone(), AccountRef::Organisation(org.clone()), found.name)
    } else {
        let m = require_active_member(&viewer)?;
        (m.network_id.clone(), AccountRef::Member(viewer.user_id.clone()), viewer.display_name.clone())
    };
    let summary = queries::account_summary(&st.db, &network, &account, &label, 1, 0).await?;
    let mut w = csv::Writer::from_writer(vec![]);
    let io = |e: csv::Error| crate::error::unexpected(e);
    w.write_record(["Date", "What", "With", "Note", "Change", "Balance after", "Change (minutes)", "Balance after (minutes)"])
        .map_err(io)?;
    for l in summary.statement.iter().rev() {
        let note = [
            Some(l.memo.clone()),
            l.reason.clone(),
            l.happened_on.as_deref().map(|d| format!("help on {}", crate::util::format_iso_date(d))),
            l.recorded_by.as_ref().map(|b| format!("recorded by {b}")),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
        w.write_record([
            crate::util::format_date(l.recorded_at),
            l.kind.label().to_string(),
            safe_cell(&l.with),
            safe_cell(&note),
            Minutes(l.amount_minutes).display(),
            Minutes(l.balance_after_minutes).display(),
            l.amount_minutes.to_string(),
            l.balance_after_minutes.to_string(),
        ])
        .map_err(io)?;
    }
    let body = w.into_inner().map_err(|e| crate::error::unexpected(e.to_string()))?;
    let slug: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    Ok((format!("timeweave-hours-{slug}.csv"), body))
}
