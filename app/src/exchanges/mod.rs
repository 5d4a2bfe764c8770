//! Exchanges: from a listing, one member responds with a first message; the owner accepts
//! or declines; they write to each other; one side records the hours and the other confirms
//! (one ledger transfer, linked to the exchange) or disputes.
//!
//! Only the two participants (and the community builders of either member, read only) can
//! see an exchange. Members' email addresses and phone numbers are never part of it.
//!
//! The server functions by sub-area: `respond` (starting an exchange from a listing),
//! `steps` (accept, decline, cancel, record, confirm, dispute; the one ledger transfer),
//! `talk` (messages, sharing contact details, thanks), `reading` (one exchange, my
//! exchanges). `domain` holds the state machine (pure), `store` the SQL (server).

mod disputes;
pub mod domain;
pub mod pages;
pub use disputes::*;

#[cfg(feature = "ssr")]
pub mod store;

mod reading;
mod respond;
mod steps;
mod talk;
pub use reading::*;
pub use respond::*;
pub use steps::*;
pub use talk::*;

use crate::error::AppError;
use domain::ExchangeStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    networks::domain::{require_active_member, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use domain::MessageKind;
#[cfg(feature = "ssr")]
use store::NamedExchange;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    /// Shared contact details (never reportable: builders must not see them).
    pub contact: bool,
    pub author_name: String,
    pub mine: bool,
    pub body: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeView {
    pub id: String,
    pub listing_id: String,
    pub listing_title: String,
    pub status: ExchangeStatus,
    pub provider_name: String,
    pub receiver_name: String,
    pub other_name: String,
    pub i_am_participant: bool,
    pub i_am_owner: bool,
    pub recorded_minutes: Option<i64>,
    /// The day the help happened (`YYYY-MM-DD`), when not the day the hours were recorded.
    pub happened_on: Option<String>,
    pub recorded_by_me: bool,
    pub reason: Option<String>,
    pub messages: Vec<MessageView>,
    /// The steps this viewer may take now: (step, button label).
    pub steps: Vec<(String, String)>,
    /// Thank-yous left so far: (from, text).
    pub thanks: Vec<(String, String)>,
    /// The exchange is done and this participant has not thanked the other yet.
    pub can_thank: bool,
    /// A community builder (not a participant) may settle this disputed exchange.
    pub can_resolve: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRow {
    pub id: String,
    pub listing_title: String,
    pub other_name: String,
    pub status: ExchangeStatus,
    pub updated_at: i64,
}

/// Messages one person may send in 10 minutes.
pub const MESSAGES_PER_10_MIN: i64 = 20;
pub const MESSAGE_MAX_CHARS: usize = 2000;

#[cfg(feature = "ssr")]
fn read_message(problem: &mut FormProblem, body: &str) -> Option<String> {
    let b = body.trim();
    if crate::util::has_control_chars(b) {
        problem.push("body", "Please use ordinary letters, numbers and punctuation.");
        None
    } else if b.is_empty() {
        problem.push("body", "Write a message.");
        None
    } else if b.chars().count() > MESSAGE_MAX_CHARS {
        problem.push("body", "Keep a message under 2,000 characters.");
        None
    } else {
        Some(b.to_string())
    }
}

/// Refuses a message past `MESSAGES_PER_10_MIN` in the last ten minutes.
#[cfg(feature = "ssr")]
async fn check_rate(st: &AppState, user: &str) -> Result<(), AppError> {
    let window = 10 * crate::util::MINUTE;
    let n = store::messages_since(&st.db, user, crate::util::now() - window).await?;
    if n >= MESSAGES_PER_10_MIN {
        return Err(AppError::TooManyAttempts {
            message: "You have sent a lot of messages in a short time. Please wait a few minutes.".into(),
            retry_after_secs: window as u64,
        });
    }
    Ok(())
}

/// An exchange with its names, and whether this viewer is a participant. Anyone else who
/// may not read it gets "not found".
/// An exchange that only its two participants may act on; anyone else is told they
/// cannot `what` ("change it", "write in it", …).
#[cfg(feature = "ssr")]
async fn load_as_participant(st: &AppState, viewer: &Viewer, id: &str, what: &str) -> Result<NamedExchange, AppError> {
    match load(st, viewer, id).await? {
        (row, true) => Ok(row),
        (_, false) => Err(AppError::Forbidden(format!("Only the two people in an exchange can {what}."))),
    }
}

#[cfg(feature = "ssr")]
async fn load(st: &AppState, viewer: &Viewer, id: &str) -> Result<(NamedExchange, bool), AppError> {
    let Some(row) = store::get_named(&st.db, id).await? else {
        return Err(AppError::not_found("exchange"));
    };
    let participant = row.exchange.has_participant(&viewer.user_id);
    if !participant {
        // The builders who look after either member may read it (disputes come to them);
        // the listing's area does not count, since its owner picks it freely.
        let e = &row.exchange;
        let localities = store::member_localities(&st.db, &e.network_id, &e.provider_id, &e.receiver_id).await?;
        if !localities.iter().any(|l| crate::networks::domain::require_builder_for(viewer, &e.network_id, l).is_ok()) {
            return Err(AppError::not_found("exchange"));
        }
    } else {
        crate::networks::domain::require_any_role(viewer)?;
    }
    Ok((row, participant))
}
