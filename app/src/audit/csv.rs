//! The audit trail as CSV: `GET /community/audit.csv` with the same filters and the same
//! scope rule as the page (a builder gets their locality's or network's lines).

use super::store;
use crate::error::AppError;
use crate::networks::domain::require_some_builder;
use crate::platform::csv::safe_cell;
use crate::platform::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use http::HeaderMap;
use std::collections::HashMap;

pub async fn audit_csv(State(st): State<AppState>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    crate::platform::csv::download(build(&st, &headers, &q).await.map(|body| ("timeweave-audit-trail.csv".to_string(), body)))
}

async fn build(st: &AppState, headers: &HeaderMap, q: &HashMap<String, String>) -> Result<Vec<u8>, AppError> {
    let viewer = crate::platform::request::signed_in_from_headers(st, headers).await?;
    require_some_builder(&viewer)?;
    let get = |k: &str| q.get(k).cloned();
    let filter = super::audit_filter(get("person"), get("action"), get("from"), get("to"))?;
    let lines = store::audit_lines(&st.db, Some(&viewer), &filter, 0, 0).await?;
    let mut w = csv::Writer::from_writer(vec![]);
    let io = |e: csv::Error| crate::error::unexpected(e);
    w.write_record(["When (UTC epoch seconds)", "Date", "Who", "Action", "On whom", "Locality", "What", "Reason", "Before", "After"])
        .map_err(io)?;
    for l in lines {
        w.write_record([
            l.at.to_string(),
            crate::util::format_date(l.at),
            safe_cell(&l.actor),
            l.action,
            safe_cell(&l.subject_name),
            safe_cell(&l.locality),
            safe_cell(&l.subject),
            safe_cell(&l.reason),
            safe_cell(&l.before),
            safe_cell(&l.after),
        ])
        .map_err(io)?;
    }
    w.into_inner().map_err(|e| crate::error::unexpected(e.to_string()))
}
