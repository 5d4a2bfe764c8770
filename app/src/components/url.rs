//! Reading the address of the page being rendered, and writing one.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A query-string value of this page's address (`?name=…`), if present.
pub fn query(name: &'static str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// A path parameter of this page's route (`/listings/:id`), or empty.
pub fn param(name: &'static str) -> String {
    use_params_map().with_untracked(|p| p.get(name)).unwrap_or_default()
}

/// Percent-encodes a value for a query string (spaces as `+`).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// This page's path and query (`/listings?q=garden`): where to come back to after joining
/// or signing in.
pub fn current_path_and_query() -> String {
    let location = leptos_router::hooks::use_location();
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    if search.is_empty() {
        path
    } else {
        format!("{path}?{}", search.trim_start_matches('?'))
    }
}

/// `path` with `?next=` set to this page, so joining or signing in brings people back here.
pub fn then_back_here(path: &str) -> String {
    format!("{path}?next={}", urlencode(&current_path_and_query()))
}
