//! Security middleware applied to every response.
//!
//! - A Content-Security-Policy with a fresh nonce per response for Leptos' inline hydration
//!   script (no `unsafe-inline`, no `unsafe-eval`; `wasm-unsafe-eval` lets the browser
//!   compile our WebAssembly), `frame-ancestors 'none'`, `nosniff`, a same-origin
//!   Referrer-Policy, and HSTS when served over HTTPS.
//! - State-changing requests (anything but GET, HEAD, OPTIONS) from another origin are
//!   refused with 403, judged by `Origin` and, where a browser sends no Origin, by
//!   `Sec-Fetch-Site`. Session cookies are also `SameSite=Lax`. Each refusal is kept as a
//!   security event.
//! - `Cache-Control: no-store` on every server function's answer and on every page or file
//!   served to a browser that holds a session, so no shared or back-button cache keeps
//!   anyone's details.
//! - Refusals marked by server functions (403) are kept as security events with the
//!   request's path and address.

use axum::{body::Body, extract::Request, middleware::Next, response::Response};
use http::{header, HeaderValue, Method, StatusCode};

/// The nonce of this response's CSP, handed to Leptos through the request's extensions.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Adds the security headers; `https` adds HSTS.
pub async fn security_headers(https: bool, mut req: Request, next: Next) -> Response {
    // Unpredictable without a system call per response: the thread's CSPRNG (ChaCha,
    // seeded from the operating system).
    let nonce = {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    };
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

/// Refuses state-changing requests that come from another site.
pub async fn same_origin_only(state: std::sync::Arc<crate::platform::state::AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if is_cross_origin(req.headers()) {
        let client = super::request::client_address(req.headers(), req.extensions(), state.config.trust_proxy);
        let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        super::events::record(
            &state.db,
            super::events::EventKind::CrossOriginRefused,
            super::events::Event { subject: req.uri().path(), client: &client, detail: &format!("origin {origin}"), ..Default::default() },
        )
        .await;
        return Response::builder()
            .status(StatusCode::FORBIDDEN)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from("This request came from another website, so it was refused."))
            .unwrap_or_default();
    }
    next.run(req).await
}

/// No caching of anything personal, and the refusals server functions marked kept as events.
pub async fn no_store_and_events(state: std::sync::Arc<crate::platform::state::AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let personal = path.starts_with("/api/")
        || path.starts_with("/partner/")
        || super::request::cookie_from_headers(req.headers(), &state.config.cookie_name(super::request::SESSION_COOKIE)).is_some();
    // What names the client, kept cheaply: the address is worked out only for an event.
    let forwarded = req.headers().get("x-forwarded-for").cloned();
    let socket = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    let mut res = next.run(req).await;
    // Photos say for themselves how long the signed-in browser may keep them (`profiles::photo`).
    if personal && !path.starts_with("/pkg/") && !path.starts_with("/photos/") {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(marker) = res.headers_mut().remove(super::events::EVENT_HEADER) {
        let marker = marker.to_str().unwrap_or("").to_string();
        let (kind, user) = marker.split_once(';').unwrap_or((marker.as_str(), ""));
        if kind == "forbidden" {
            let client = super::request::client_from(forwarded.as_ref(), socket, state.config.trust_proxy);
            let user = (!user.is_empty()).then_some(user);
            super::events::record(
                &state.db,
                super::events::EventKind::Forbidden,
                super::events::Event { user_id: user, subject: &path, client: &client, ..Default::default() },
            )
            .await;
        }
    }
    res
}

/// `Origin` must name this host; with no `Origin`, `Sec-Fetch-Site` must not say cross-site.
pub fn is_cross_origin(headers: &http::HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        return origin == "null" || Some(origin_host) != host;
    }
    matches!(headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()), Some("cross-site") | Some("same-site"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_must_match_host() {
        assert!(!is_cross_origin(&headers(&[("host", "tw.example"), ("origin", "https://tw.example")])));
        assert!(is_cross_origin(&headers(&[("host", "tw.example"), ("origin", "https://evil.example")])));
        assert!(is_cross_origin(&headers(&[("host", "tw.example"), ("origin", "null")])));
        assert!(is_cross_origin(&headers(&[("host", "tw.example"), ("sec-fetch-site", "cross-site")])));
        assert!(!is_cross_origin(&headers(&[("host", "tw.example")])));
    }
}
