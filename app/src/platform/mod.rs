//! Server-only plumbing shared by every feature: configuration, the database, per-request
//! context (who is calling), the security middleware and what the server counts
//! (`metrics`).

pub mod backup;
pub mod config;
pub mod csv;
pub mod db;
pub mod direct;
pub mod events;
pub mod flags;
pub mod form_state;
pub mod kept;
pub mod limits;
pub mod metrics;
pub mod pg_reads;
pub mod request;
pub mod secrets;
pub mod security;
pub mod state;
