//! Per-request plumbing for server functions and server-rendered pages: who is calling
//! (from the session cookie), from where, and how to answer (cookies, redirects, status).

use crate::error::AppError;
use crate::networks::domain::Viewer;
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::{provide_context, use_context};
use leptos_axum::ResponseOptions;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "tw_session";

/// Per-request memo of the viewer, so a page and its header look the session up once.
#[derive(Clone, Default)]
pub struct ViewerCache(Arc<tokio::sync::OnceCell<Option<Viewer>>>);

/// Called for every request (pages and server functions) to set up per-request context.
pub fn provide_request_context() {
    provide_context(ViewerCache::default());
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of a cookie on this request, by its base name (`__Host-` is added behind
/// HTTPS, see [`crate::platform::config::Config::cookie_name`]).
pub fn cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    let name = crate::platform::state::state().map(|s| s.config.cookie_name(name)).unwrap_or_else(|_| name.to_string());
    cookie_from_headers(&parts.headers, &name)
}

pub fn cookie_from_headers(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    })
}

/// The signed-in person named by a request's session cookie, for plain axum handlers (file
/// downloads, photos) that run outside a Leptos request context.
pub async fn viewer_from_headers(state: &crate::platform::state::AppState, headers: &http::HeaderMap) -> Result<Option<Viewer>, AppError> {
    match cookie_from_headers(headers, &state.config.cookie_name(SESSION_COOKIE)) {
        Some(token) => crate::auth::store::session_viewer(state, &token).await,
        None => Ok(None),
    }
}

/// The signed-in person from a request's headers, or `Unauthenticated`.
pub async fn signed_in_from_headers(state: &crate::platform::state::AppState, headers: &http::HeaderMap) -> Result<Viewer, AppError> {
    viewer_from_headers(state, headers).await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in person, or `None`. Looked up once per request: the page and its header
/// ask at the same time, and the second waits for the first's answer instead of reading
/// the session again.
pub async fn viewer() -> Result<Option<Viewer>, AppError> {
    let cache = use_context::<ViewerCache>();
    let state = crate::platform::state::state()?;
    let token = cookie(SESSION_COOKIE);
    let lookup = || async move {
        match token {
            Some(token) => crate::auth::store::session_viewer(&state, &token).await,
            None => Ok(None),
        }
    };
    match cache {
        Some(cache) => cache.0.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in person, or `Unauthenticated`.
pub async fn signed_in() -> Result<Viewer, AppError> {
    crate::networks::domain::require_signed_in(viewer().await?)
}

/// Who is asking, for throttling: the socket's address (or `X-Forwarded-For` behind a trusted proxy).
pub fn client_key(trust_proxy: bool) -> String {
    let Some(parts) = parts() else { return "unknown".into() };
    client_address(&parts.headers, &parts.extensions, trust_proxy)
}

/// The client's address from a request's headers and extensions (middleware and handlers).
pub fn client_address(headers: &http::HeaderMap, extensions: &http::Extensions, trust_proxy: bool) -> String {
    let socket = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    client_from(headers.get("x-forwarded-for"), socket, trust_proxy)
}

/// The client's address from `X-Forwarded-For` (behind a trusted proxy) or the socket.
pub fn client_from(forwarded: Option<&HeaderValue>, socket: Option<std::net::SocketAddr>, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(first) = forwarded.and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next()) {
            let first = first.trim();
            if !first.is_empty() && first.len() <= 64 {
                return first.to_string();
            }
        }
    }
    socket.map(|s| s.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// A plain HTML form post (JavaScript off) rather than a call from script.
pub fn is_plain_form_post() -> bool {
    parts().and_then(|p| p.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html"))).unwrap_or(false)
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: String) {
    if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// A cookie of ours: HttpOnly, SameSite=Lax, Path=/; behind HTTPS Secure and named with
/// the `__Host-` prefix. `max_age_secs` 0 removes it.
pub fn cookie_header(config: &crate::platform::config::Config, name: &str, value: &str, max_age_secs: u64) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        config.cookie_name(name),
        if config.https() { "; Secure" } else { "" }
    )
}

/// The session cookie.
pub fn session_cookie(config: &crate::platform::config::Config, token: &str) -> String {
    cookie_header(config, SESSION_COOKIE, token, config.session_absolute.as_secs())
}

pub fn clear_session_cookie(config: &crate::platform::config::Config) -> String {
    cookie_header(config, SESSION_COOKIE, "", 0)
}

/// Ends a server function: on failure, answer script callers with the error's HTTP status
/// (a plain form post is redirected back to its page by Leptos, carrying the error).
///
/// Also: a 429 says when to try again (`Retry-After`), and a refusal (403) is marked for
/// the middleware to keep as a security event (`platform::events`).
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(res) = use_context::<ResponseOptions>() {
            if !is_plain_form_post() {
                res.set_status(http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
                if let AppError::TooManyAttempts { retry_after_secs, .. } = e {
                    res.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                }
            }
            if matches!(e, AppError::Forbidden(_)) {
                let user = use_context::<ViewerCache>().and_then(|c| c.0.get().cloned().flatten()).map(|v| v.user_id);
                let marker = format!("forbidden;{}", user.unwrap_or_default());
                if let Ok(v) = HeaderValue::from_str(&marker) {
                    res.insert_header(http::HeaderName::from_static(crate::platform::events::EVENT_HEADER), v);
                }
            }
        }
    }
    result
}

/// Sets the status of the page being rendered (404 page, error pages).
pub fn set_page_status(status: u16) {
    if let Some(res) = use_context::<ResponseOptions>() {
        res.set_status(http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
}
