//! Settling a disputed exchange: a community builder of either member (not one of the
//! two) sets the hours, which posts the exchange's one transfer, or cancels it, with a
//! reason both members see. The exchange page offers it; the builders' desk lists the
//! disputes. Its SQL is in `disputes::store`.

#[cfg(feature = "ssr")]
mod store;

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::domain::ExchangeStatus;
#[cfg(feature = "ssr")]
use crate::{
    audit::{
        domain::AuditAction,
        store::{audit, AuditEntry},
    },
    error::{read_text, FormProblem},
    ledger::domain::Minutes,
    networks::domain::{require_builder_for, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};

/// A builder settles a disputed exchange: sets the hours (which posts the exchange's one
/// transfer) or cancels it, with a reason both members see.
#[server(endpoint = "resolve_dispute")]
pub async fn resolve_dispute(exchange_id: String, outcome: String, hours: String, minutes: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let ex = store::disputed_exchange(&st.db, &exchange_id).await?.ok_or_else(|| AppError::not_found("exchange"))?;
            require_settler(&st, &viewer, &ex).await?;
            let (settlement, reason) = read_settlement(&outcome, &hours, &minutes, &reason)?;
            if ex.status != ExchangeStatus::Disputed.as_str() {
                return Err(AppError::Conflict("This exchange is not disputed now.".into()));
            }
            settle(&st, &viewer, &exchange_id, &ex, settlement, &reason).await?;
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}"));
            Ok(())
        }
        .await,
    )
}

/// What the builder decided: the hours to record, or to cancel.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
enum Settlement {
    Hours(Minutes),
    Cancel,
}

/// Either side's builders may settle it, but not someone who took part.
#[cfg(feature = "ssr")]
async fn require_settler(st: &AppState, viewer: &Viewer, ex: &store::DisputedExchange) -> Result<(), AppError> {
    let locality_id = ex.locality_id.clone().unwrap_or_default();
    let provider_place = store::member_place(&st.db, &ex.provider_id).await?;
    let in_scope = require_builder_for(viewer, &ex.network_id, &locality_id).is_ok()
        || provider_place.as_ref().is_some_and(|(network, locality)| require_builder_for(viewer, network, locality).is_ok());
    if !in_scope {
        return Err(AppError::Forbidden("Only the community builders of those members can settle this exchange.".into()));
    }
    if viewer.user_id == ex.provider_id || viewer.user_id == ex.receiver_id {
        return Err(AppError::Forbidden("You took part in this exchange: ask another community builder to settle it.".into()));
    }
    Ok(())
}

/// The form: set the hours (with an amount) or cancel, and a reason.
#[cfg(feature = "ssr")]
fn read_settlement(outcome: &str, hours: &str, minutes: &str, reason: &str) -> Result<(Settlement, String), AppError> {
    let mut problem = [("outcome", outcome), ("hours", hours), ("minutes", minutes), ("reason", reason)]
        .iter()
        .fold(FormProblem::new(), |p, (k, v)| p.keep(k, v));
    let set_hours = match outcome {
        "hours" => Some(true),
        "cancel" => Some(false),
        _ => {
            problem.push("outcome", "Choose to set the hours or cancel the exchange.");
            None
        }
    };
    let amount =
        if set_hours == Some(true) { Minutes::from_parts(hours, minutes).map_err(|m| problem.push("hours", m)).ok() } else { None };
    let reason = read_text(&mut problem, "reason", reason, "the reason (both members see it)", 1000);
    problem.into_result()?;
    let (Some(set_hours), Some(reason)) = (set_hours, reason) else { return Err(crate::error::unexpected("dispute: values missing")) };
    let settlement = if set_hours { Settlement::Hours(amount.unwrap_or(Minutes(0))) } else { Settlement::Cancel };
    Ok((settlement, reason))
}

/// Moves the exchange out of "disputed" and writes the audit line: with the hours, through
/// the ledger (the line rides on the exchange's one transfer); cancelled, here, telling
/// both members.
#[cfg(feature = "ssr")]
async fn settle(
    st: &AppState,
    viewer: &Viewer,
    exchange_id: &str,
    ex: &store::DisputedExchange,
    settlement: Settlement,
    reason: &str,
) -> Result<(), AppError> {
    let recorded = ex.recorded_minutes.unwrap_or(0);
    let before = format!("disputed, {} recorded", Minutes(recorded).display());
    let (status, minutes, after) = match settlement {
        Settlement::Hours(m) => (ExchangeStatus::Recorded, m.0, format!("hours set to {}", m.display())),
        Settlement::Cancel => (ExchangeStatus::Cancelled, recorded, "cancelled".to_string()),
    };
    let mut tx = st.db.pool.begin().await?;
    let t = crate::util::now();
    if !store::settle(&mut tx, exchange_id, status, minutes, &viewer.user_id, reason, t).await? {
        return Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()));
    }
    let entry = AuditEntry::new(&viewer.user_id, AuditAction::ResolveDispute)
        .on_member(&ex.network_id, ex.locality_id.as_deref().unwrap_or(""), &ex.receiver_id)
        .subject(format!("exchange:{exchange_id} {}", ex.title))
        .reason(reason)
        .change(before, after);
    match settlement {
        Settlement::Hours(_) => {
            // The hours: the audit line rides on the exchange's one transfer, so it is
            // written in the ledger's transaction and only if the hours really move; the
            // members are told by the confirmation itself.
            tx.commit().await?;
            if let Err(r) = super::confirm_exchange(st, exchange_id, &viewer.display_name, None, vec![entry]).await? {
                // The ledger refused (a limit): back to disputed, nothing moved, no line.
                store::back_to_disputed(&st.db, exchange_id).await?;
                return Err(AppError::invalid("hours", r.message()));
            }
        }
        Settlement::Cancel => {
            audit(&mut tx, &entry).await?;
            let link = format!("/exchanges/{exchange_id}");
            let text = format!("A community builder cancelled \"{}\": {reason}", ex.title);
            for user in [&ex.provider_id, &ex.receiver_id] {
                crate::notifications::notify(&mut tx, &st.config.public_url, user, &text, &link).await?;
            }
            tx.commit().await?;
        }
    }
    Ok(())
}
