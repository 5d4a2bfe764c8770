//! What every request handler and server function can reach: the database and the settings.
//! Nothing else lives in the server's memory but the ledger writer's queue (requests still
//! waiting for their answer) and what `platform::kept` holds (browse pages and Home's
//! suggestions, used only while the database says they are current), so any number of servers can share one PostgreSQL.

use super::{config::Config, db::Db};
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Members whose Home suggestions are kept at most (each a few kilobytes).
const HOME_PICKS_KEPT: usize = 4096;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Queues transfers for group commit (holds only requests awaiting their answer).
    pub ledger: crate::ledger::writer::LedgerWriter,
    /// Recent browse pages, checked against the database on every use.
    pub browse_cache: Arc<crate::listings::cache::BrowseCache>,
    /// Home's suggestions per member (user, network, area), checked the same way.
    pub home_picks: Arc<crate::platform::kept::Kept<(String, String, String), crate::listings::Picks>>,
    /// What this server counts, for `/metrics`.
    pub metrics: Arc<crate::platform::metrics::Metrics>,
}

impl AppState {
    /// Builds the state and starts the ledger writer on the current Tokio runtime.
    pub fn new(db: Db, config: Config, leptos_options: LeptosOptions) -> AppState {
        let metrics = Arc::new(crate::platform::metrics::Metrics::new());
        let ledger = crate::ledger::writer::LedgerWriter::start(db.clone(), metrics.clone());
        AppState {
            metrics,
            db,
            config: Arc::new(config),
            leptos_options,
            ledger,
            browse_cache: Arc::new(crate::listings::cache::browse_cache()),
            home_picks: Arc::new(crate::platform::kept::Kept::with_capacity(HOME_PICKS_KEPT)),
        }
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function or a component rendering on the server.
pub fn state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| crate::error::unexpected("AppState missing from the Leptos context"))
}
