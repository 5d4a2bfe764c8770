//! `GET /insight/{table}.csv?network=…&locality=…&from=…&to=…`: any table of the
//! dashboard as CSV, built by the same code as the page for the same caller, so the file
//! holds exactly the page's figures (small counts protected the same way).

use super::{build, Ask};
use crate::error::AppError;
use crate::platform::csv::safe_cell;
use crate::platform::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::HeaderMap;
use std::collections::HashMap;

pub async fn table_csv(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    crate::platform::csv::download(csv_for(&st, &headers, &file, &q).await)
}

async fn csv_for(st: &AppState, headers: &HeaderMap, file: &str, q: &HashMap<String, String>) -> Result<(String, Vec<u8>), AppError> {
    let viewer = crate::platform::request::signed_in_from_headers(st, headers).await?;
    let slug = file.strip_suffix(".csv").ok_or_else(|| AppError::not_found("table"))?;
    let ask = Ask {
        network: q.get("network").cloned(),
        locality: q.get("locality").cloned(),
        organisation: q.get("organisation").cloned(),
        from: q.get("from").cloned(),
        to: q.get("to").cloned(),
        quarter: q.get("quarter").cloned(),
        protected: q.get("protected").cloned(),
    };
    let insight = build(st, &viewer, &ask, q.contains_key("report")).await?;
    let table = insight.tables.iter().find(|t| t.slug == slug).ok_or_else(|| AppError::not_found("table"))?;
    let mut w = csv::Writer::from_writer(vec![]);
    let io = |e: csv::Error| crate::error::unexpected(e);
    w.write_record(&table.columns).map_err(io)?;
    for row in table.rows.iter().chain(table.total.iter()) {
        // Only text people named (organisations, categories) can start like a formula.
        w.write_record(row.iter().map(|c| if c.is_number() { c.csv() } else { safe_cell(&c.csv()) })).map_err(io)?;
    }
    let body = w.into_inner().map_err(|e| crate::error::unexpected(e.to_string()))?;
    let place: String = insight.heading.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let place = place.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    Ok((format!("timeweave-{place}-{slug}-{}-to-{}.csv", insight.from, insight.to), body))
}
