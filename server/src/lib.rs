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
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::{compression::{CompressionLayer, CompressionLevel}, services::ServeDir, set_header::SetResponseHeaderLayer};

/// The Leptos options: from cargo-leptos' environment when present, else defaults that fit
/// `target/site` next to the repository root.
pub fn leptos_options(site_addr: SocketAddr) -> LeptosOptions {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    let site_root = env("LEPTOS_SITE_ROOT", "target/site");
    // Hashed file names only when the build wrote its hash file beside the binary.
    let hash_file_present = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("hash.txt").exists()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "timeweave"))
        .site_root(site_root)
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(site_addr)
        .hash_files(hash_file_present)
        .build()
}

/// Connects and migrates the database named by the config.
pub async fn open_state(config: Config, site_addr: SocketAddr) -> anyhow::Result<AppState> {
    let db = Db::open(&config.database_url).await?;
    Ok(AppState::new(db, config, leptos_options(site_addr)))
}

/// The whole application as an axum router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let https = state.config.https();
    let pkg_dir = format!("{}/{}", state.leptos_options.site_root, state.leptos_options.site_pkg_dir);
    // Hashed asset names never change content, so browsers may keep them for a year.
    let pkg = Router::new()
        .fallback_service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if state.leptos_options.hash_files {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        ));
    let context_state = state.clone();
    let fn_state = state.clone();
    Router::new()
        .route(
            "/api/{*fn_name}",
            post(move |req: Request| {
                let st = fn_state.clone();
                async move {
                    handle_server_fns_with_context(
                        move || {
                            provide_context(st.clone());
                            provide_request_context();
                        },
                        req,
                    )
                    .await
                }
            }),
        )
        .route("/healthz", get(healthz))
        .route("/hours/statement.csv", get(app::ledger::csv::statement_csv))
        .route("/community/audit.csv", get(app::community::csv::audit_csv))
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
        // Pages are compressed on the fly at a cheap level; /pkg files come precompressed
        // (`cargo leptos build --release --precompress`) at the highest.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn(security::same_origin_only))
        .layer(axum::middleware::from_fn(move |req: Request<Body>, next| security::security_headers(https, req, next)))
        .with_state(state)
}

/// Liveness and database check for load balancers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => (http::StatusCode::OK, "ok"),
        Err(_) => (http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Serves until the process ends. Accepted sockets get TCP_NODELAY: without it every
/// response waits ~40 ms on Nagle's algorithm and delayed ACKs.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;
    tokio::spawn(app::email::deliver_forever(state.clone()));
    tokio::spawn(app::jobs::run_forever(state.clone()));
    let app = router(state);
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    Ok(())
}
