//! The axum wiring for Timeweave: routes, middleware, static files and the listener.
//! `main.rs` is the command line; integration tests start [`serve`] on port 0.

use app::platform::{config::Config, db::Db, request::provide_request_context, security, state::AppState};
use app::{shell, App};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue},
    response::IntoResponse,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
};

/// The Leptos options: from cargo-leptos' environment when present, else defaults that fit
/// `target/site` next to the repository root.
pub fn leptos_options(site_addr: SocketAddr) -> LeptosOptions {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    let site_root = env("LEPTOS_SITE_ROOT", "target/site");
    // Hashed file names only when the build wrote its hash file beside the binary.
    let hash_file_present = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("hash.txt").exists())).unwrap_or(false);
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "timeweave"))
        .site_root(site_root)
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(site_addr)
        .hash_files(hash_file_present)
        .build()
}

/// Connects and migrates the database named by the config.
pub async fn open_state(mut config: Config, site_addr: SocketAddr) -> anyhow::Result<AppState> {
    config.resolve_keys()?;
    let db = Db::open(&config.database_url).await?;
    Ok(AppState::new(db, config, leptos_options(site_addr)))
}

/// The whole application as an axum router.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let https = state.config.https();
    let pkg_dir = format!("{}/{}", state.leptos_options.site_root, state.leptos_options.site_pkg_dir);
    // Hashed asset names never change content, so browsers may keep them for a year.
    let pkg = Router::new().fallback_service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip()).layer(
        SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if state.leptos_options.hash_files { "public, max-age=31536000, immutable" } else { "no-cache" }),
        ),
    );
    let context_state = state.clone();
    // The middlewares share one state behind an Arc: one count per request, not a copy.
    let shared = std::sync::Arc::new(state.clone());
    // Every server function has its own route (leptos_routes_with_context adds them); any
    // other name under /api is a plain 404, without the framework's hints.
    Router::new()
        .route("/api/{*fn_name}", post(|| async { plain(http::StatusCode::NOT_FOUND, "There is nothing at this address.") }))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/hours/statement.csv", get(app::ledger::csv::statement_csv))
        .route("/account/my-data.json", get(app::profiles::export::my_data_json))
        .route("/account/my-data.csv", get(app::profiles::export::my_data_csv))
        .route("/photos/{file}", get(app::profiles::photo::serve))
        .route("/whats-on/{id}/calendar.ics", get(app::directory::calendar::entry_ics))
        .route("/whats-on/areas/{locality}/calendar.ics", get(app::directory::calendar::area_ics))
        .route("/openreferral", get(app::directory::oruk::root))
        .route("/openreferral/services", get(app::directory::oruk::services))
        .route("/openreferral/services/{id}", get(app::directory::oruk::one_service))
        .route("/openreferral/organizations", get(app::directory::oruk::organizations))
        .route("/openreferral/taxonomies", get(app::directory::oruk::taxonomies))
        .route("/openreferral/taxonomy_terms", get(app::directory::oruk::taxonomy_terms))
        .route("/community/audit.csv", get(app::audit::csv::audit_csv))
        .route("/insight/{file}", get(app::insight::csv::table_csv))
        .route("/referrals/{id}/export.json", get(app::referrals::api::export_json))
        .route("/referrals/{id}/fhir.json", get(app::referrals::api::fhir_json))
        .route("/partner/v1/referrals", post(app::referrals::api::partner_submit))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_request_context();
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .nest_service("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let st = state.clone();
                move || {
                    provide_context(st.clone());
                    provide_request_context();
                }
            },
            shell,
        ))
        // Every request counted by its route's pattern (`/listings/{id}`, not each id).
        .layer(axum::middleware::from_fn({
            let st = shared.clone();
            move |req: Request<Body>, next| count_request(st.clone(), req, next)
        }))
        // Pages are compressed on the fly at a cheap level; /pkg files come precompressed
        // (`cargo leptos build --release --precompress`) at the highest.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn({
            let st = shared.clone();
            move |req: Request<Body>, next| unreadable_is_the_callers_fault(st.clone(), req, next)
        }))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // A photo is the one body larger than a form: its own route and limit (read by the
        // handler, which says "too big" on the page rather than answering 413).
        .merge(
            Router::new()
                .route("/account/photo", post(app::profiles::photo::upload))
                .layer(axum::extract::DefaultBodyLimit::max(app::profiles::domain::MAX_PHOTO_BYTES + 64 * 1024)),
        )
        .layer(axum::middleware::from_fn({
            let st = shared.clone();
            move |req: Request<Body>, next| app::platform::form_state::check_form_state(st.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn({
            let st = shared.clone();
            move |req: Request<Body>, next| security::no_store_and_events(st.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn({
            let st = shared.clone();
            move |req: Request<Body>, next| security::same_origin_only(st.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(move |req: Request<Body>, next| security::security_headers(https, req, next)))
        .with_state(state)
}

/// The application's routes, worked out once per process by rendering the app in Leptos'
/// route-listing mode, then shared by every router made in it.
///
/// Once, not per router: with several servers in one process (the integration tests start
/// one per test), listing the routes on one thread while another thread drew a page made
/// that page, now and then, never finish (its first `Suspense` was never woken; the
/// server went on answering everything else). Found with
/// `foundation::first_pages_of_servers_starting_side_by_side_are_all_answered`.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The largest body any request may carry (the longest form, a referral, is a few KiB;
/// a partner's JSON referral likewise); larger answers 413.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// A server function whose arguments could not be read (a missing field, a bad number, a
/// repeated field, bytes that are not UTF-8, a body cut short) is the caller's fault: 400
/// with the plain message, never a 500, and a security event. Server functions answer
/// their own errors with their own status (`request::finish`); a 500 carrying a transport
/// error means the arguments never reached the function.
async fn unreadable_is_the_callers_fault(
    st: std::sync::Arc<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let client = app::platform::request::client_address(req.headers(), req.extensions(), st.config.trust_proxy);
    let res = next.run(req).await;
    if res.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let transport = serde_json::from_slice::<app::error::AppError>(&bytes).ok().and_then(|e| match e {
        app::error::AppError::Transport(m) => Some(m),
        _ => None,
    });
    let mut res = axum::response::Response::from_parts(parts, Body::from(bytes));
    if let Some(message) = transport {
        *res.status_mut() = http::StatusCode::BAD_REQUEST;
        app::platform::events::record(
            &st.db,
            app::platform::events::EventKind::MalformedRequest,
            app::platform::events::Event { subject: &path, client: &client, detail: &message, ..Default::default() },
        )
        .await;
    }
    res
}

fn plain(status: http::StatusCode, text: &'static str) -> axum::response::Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Liveness and database check for load balancers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.db.is_reachable().await {
        (http::StatusCode::OK, "ok")
    } else {
        (http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// Ready for traffic: the database answers and its schema is the one this binary expects
/// (a server started against a database another version migrated further, or not yet, is
/// alive but not ready). For a load balancer's health check; `/healthz` says only "alive".
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.pending_migrations().await {
        Ok(pending) if pending.is_empty() => (http::StatusCode::OK, "ready".to_string()),
        Ok(pending) => {
            (http::StatusCode::SERVICE_UNAVAILABLE, format!("database schema not current: {} migration(s) not applied", pending.len()))
        }
        Err(_) => (http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable".to_string()),
    }
}

/// Counts a request in `/metrics`: by its route's pattern, so a million listings make one
/// series, not a million (addresses no route matched count as "other").
async fn count_request(state: std::sync::Arc<AppState>, req: Request<Body>, next: axum::middleware::Next) -> axum::response::Response {
    let route = req.extensions().get::<axum::extract::MatchedPath>().map(|p| p.as_str().to_string());
    let route = match route {
        Some(r) => r,
        None if req.uri().path().starts_with("/pkg/") => "/pkg/{file}".to_string(),
        None => "other".to_string(),
    };
    let method = req.method().clone();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let (status, seconds) = (res.status().as_u16(), started.elapsed().as_secs_f64());
    state.metrics.observe(&route, method.as_str(), status, seconds);
    // One line per request when asked for (RUST_LOG=info,request=debug); a server error always.
    let ms = (seconds * 1000.0 * 10.0).round() / 10.0;
    if status >= 500 {
        tracing::warn!(target: "request", %method, route, status, ms, "server error");
    } else {
        tracing::debug!(target: "request", %method, route, status, ms);
    }
    res
}

/// `/metrics`, in Prometheus' text format, for the configured token or (without one) for
/// this machine only; anyone else gets a plain 404, as for an address that does not exist.
async fn metrics(State(state): State<AppState>, req: Request<Body>) -> axum::response::Response {
    let headers = req.headers();
    let socket = req.extensions().get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0);
    let client = app::platform::request::client_from(headers.get("x-forwarded-for"), socket, state.config.trust_proxy);
    let loopback = client.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !app::platform::metrics::may_read(state.config.metrics_token.as_deref(), authorization, loopback) {
        return plain(http::StatusCode::NOT_FOUND, "There is nothing at this address.").into_response();
    }
    let m = &state.metrics;
    let size = state.db.pool.size() as i64;
    let idle = state.db.pool.num_idle() as i64;
    m.pool_connections.with_label_values(&["idle"]).set(idle);
    m.pool_connections.with_label_values(&["in_use"]).set(size - idle);
    if let Ok(n) = app::email::store::waiting_count(&state.db).await {
        m.mail_waiting.set(n);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], m.render()).into_response()
}

/// Serves until the process ends. Accepted sockets get TCP_NODELAY: without it every
/// response waits ~40 ms on Nagle's algorithm and delayed ACKs.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;
    tokio::spawn(app::email::deliver_forever(state.clone()));
    tokio::spawn(app::jobs::run_forever(state.clone()));
    tokio::spawn(app::push::deliver_forever(state.clone()));
    let app = router(state);
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
