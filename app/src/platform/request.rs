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

/// The value of a cookie on this request.
pub fn cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    cookie_from_headers(&parts.headers, name)
}

pub fn cookie_from_headers(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    })
}

/// The signed-in person, or `None`. Looked up once per request.
pub async fn viewer() -> Result<Option<Viewer>, AppError> {
    let cache = use_context::<ViewerCache>();
    if let Some(cache) = &cache {
        if let Some(v) = cache.0.get() {
            return Ok(v.clone());
        }
    }
    let state = crate::platform::state::state()?;
    let viewer = match cookie(SESSION_COOKIE) {
        Some(token) => crate::auth::store::session_viewer(&state, &token).await?,
        None => None,
    };
    if let Some(cache) = cache {
        let _ = cache.0.set(viewer.clone());
    }
    Ok(viewer)
}

/// The signed-in person, or `Unauthenticated`.
pub async fn signed_in() -> Result<Viewer, AppError> {
    crate::networks::domain::require_signed_in(viewer().await?)
}

/// Who is asking, for throttling: the socket's address (or `X-Forwarded-For` behind a trusted proxy).
pub fn client_key(trust_proxy: bool) -> String {
    let Some(parts) = parts() else { return "unknown".into() };
    if trust_proxy {
        if let Some(first) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        {
            return first.trim().to_string();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// A plain HTML form post (JavaScript off) rather than a call from script.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| p.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: String) {
    if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&value)) {
        res.append_header(header::SET_COOKIE, v);
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS.
pub fn session_cookie(token: &str, max_age_secs: u64, https: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if https { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(https: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if https { "; Secure" } else { "" }
    )
}

/// Ends a server function: on failure, answer script callers with the error's HTTP status
/// (a plain form post is redirected back to its page by Leptos, carrying the error).
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if !is_plain_form_post() {
            if let Some(res) = use_context::<ResponseOptions>() {
                res.set_status(http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
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
