//! A form's error state may only come from this browser's own post.
//!
//! Without JavaScript, a server function's error reaches the page through the redirect
//! back to it: Leptos adds `__path` and `__err` (the error with the values typed, base64
//! JSON) to the address, and the page fills the form again from it. Anyone could craft such
//! a link. So this middleware signs the state on its way out and refuses it on its way in
//! unless the signature holds:
//!
//! - out: a redirect answering `POST /api/…` that carries `__err` gets
//!   `__sig=<expiry>.<HMAC(key, browser, path, err, expiry)>`, where "browser" is a random
//!   value in this browser's `tw_form` cookie (set here if missing; HttpOnly, SameSite=Lax);
//! - in: a page request carrying `__err` without a valid, unexpired signature for this
//!   browser's cookie has `__err`, `__path` and `__sig` taken off before Leptos sees it, so
//!   the page renders as if freshly opened.
//!
//! A link made by someone else therefore shows nothing they typed, even when they post the
//! form themselves and pass on the address they were sent to.

use crate::platform::state::AppState;
use axum::{extract::Request, middleware::Next, response::Response};
use http::{header, HeaderValue, Method, Uri};

/// The cookie that names this browser for form state.
pub const FORM_COOKIE: &str = "tw_form";
/// How long a signed error state stays good (enough to read and correct the form).
const VALID_SECS: i64 = 30 * 60;
const PURPOSE: &str = "form-state";

fn signature(state: &AppState, browser: &str, path: &str, err: &str, expiry: i64) -> String {
    let expiry = expiry.to_string();
    state.config.keys.mac(PURPOSE, &[browser.as_bytes(), path.as_bytes(), err.as_bytes(), expiry.as_bytes()])
}

fn valid(state: &AppState, browser: &str, path: &str, err: &str, sig: &str) -> bool {
    let Some((expiry, mac)) = sig.split_once('.') else { return false };
    let Ok(expiry) = expiry.parse::<i64>() else { return false };
    if expiry < crate::util::now() || browser.is_empty() {
        return false;
    }
    let expiry = expiry.to_string();
    state.config.keys.verify_mac(PURPOSE, &[browser.as_bytes(), path.as_bytes(), err.as_bytes(), expiry.as_bytes()], mac)
}

/// The middleware (see the module comment).
pub async fn check_form_state(state: std::sync::Arc<AppState>, mut req: Request, next: Next) -> Response {
    let cookie_name = state.config.cookie_name(FORM_COOKIE);
    let browser = super::request::cookie_from_headers(req.headers(), &cookie_name);
    let is_fn_post = req.method() == Method::POST && req.uri().path().starts_with("/api/");
    if !is_fn_post {
        if let Some(query) = req.uri().query().filter(|q| q.contains("__err")) {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
            let ok = valid(&state, browser.as_deref().unwrap_or(""), get("__path"), get("__err"), get("__sig"));
            if !ok {
                let kept: Vec<&(String, String)> =
                    pairs.iter().filter(|(k, _)| !matches!(k.as_str(), "__err" | "__path" | "__sig")).collect();
                let mut rebuilt = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in kept {
                    rebuilt.append_pair(k, v);
                }
                let query = rebuilt.finish();
                let path_and_query = if query.is_empty() { req.uri().path().to_string() } else { format!("{}?{query}", req.uri().path()) };
                if let Ok(uri) = path_and_query.parse::<Uri>() {
                    *req.uri_mut() = uri;
                }
            }
        }
        return next.run(req).await;
    }
    let mut res = next.run(req).await;
    if !res.status().is_redirection() {
        return res;
    }
    let Some(location) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).filter(|l| l.contains("__err")) else {
        return res;
    };
    let relative = !location.contains("://");
    let Ok(mut url) = (if relative { url::Url::parse(&format!("http://relative{location}")) } else { url::Url::parse(location) }) else {
        return res;
    };
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let (new_cookie, browser) = match browser.filter(|b| !b.is_empty() && b.len() <= 100) {
        Some(b) => (false, b),
        None => (true, crate::util::new_token()),
    };
    let expiry = crate::util::now() + VALID_SECS;
    let sig = format!("{expiry}.{}", signature(&state, &browser, &get("__path"), &get("__err"), expiry));
    url.query_pairs_mut().append_pair("__sig", &sig);
    let signed = if relative {
        let mut s = url.path().to_string();
        if let Some(q) = url.query() {
            s.push('?');
            s.push_str(q);
        }
        s
    } else {
        url.to_string()
    };
    if let Ok(v) = HeaderValue::from_str(&signed) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    if new_cookie {
        let cookie =
            format!("{cookie_name}={browser}; Path=/; HttpOnly; SameSite=Lax{}", if state.config.https() { "; Secure" } else { "" });
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
