//! Moving an exchange on: accept, decline, cancel, record the hours, confirm or dispute.
//! Confirming posts the exchange's one ledger transfer; a repair job posts any that a
//! crash left out.

#[allow(unused_imports)]
use super::*;

#[cfg(feature = "ssr")]
use super::domain::{next, Sides, Step};
#[cfg(feature = "ssr")]
use super::store::{Exchange, StepChange};
#[cfg(feature = "ssr")]
use crate::ledger::domain::Minutes;

/// Accept, decline, cancel, record the hours, confirm or dispute.
#[server(endpoint = "exchange_step")]
pub async fn exchange_step(
    exchange_id: String,
    step: String,
    reason: Option<String>,
    hours: Option<String>,
    minutes: Option<String>,
    happened_on: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let row = load_as_participant(&st, &viewer, &exchange_id, "change it").await?;
            let Some(step) = Step::parse(&step) else { return Err(AppError::invalid("step", "Choose what to do.")) };
            let status = row.exchange.status();
            let sides = Sides {
                is_owner: row.exchange.owner_id == viewer.user_id,
                recorded_by_me: row.exchange.recorded_by.as_deref() == Some(viewer.user_id.as_str()),
            };
            let to = next(status, step, sides).map_err(|m| AppError::Conflict(m.to_string()))?;
            // The network's limit back matters only when a day is given.
            let dated = step == Step::Record && happened_on.as_deref().is_some_and(|d| !d.trim().is_empty());
            let days_back = if dated { crate::networks::store::record_days_back(&st.db, &row.exchange.network_id).await? } else { 0 };
            let (reason, amount, happened_on, problem) = read_step_form(step, reason, hours, minutes, happened_on, days_back)?;
            if step == Step::Confirm {
                if let Err(r) = confirm_exchange(&st, &exchange_id, &viewer.display_name, Some(&viewer.user_id), vec![]).await? {
                    let mut p = problem;
                    p.summary = format!("The hours could not move: {}", r.message());
                    return Err(AppError::Invalid(p));
                }
            } else {
                let change = StepChange {
                    id: &exchange_id,
                    from: status,
                    to,
                    at: crate::util::now(),
                    reason: &reason,
                    recorded_minutes: amount.map(|m| m.0).unwrap_or(0),
                    happened_on: happened_on.as_deref(),
                    by: &viewer.user_id,
                };
                let responder_offered = row.exchange.asker_id == row.exchange.provider_id;
                let notice = step_notice(step, &viewer.display_name, &row.listing_title, amount.map(|m| m.0), responder_offered);
                let mut tx = st.db.pool.begin().await?;
                if !store::apply_step(&mut tx, &change).await? {
                    tx.rollback().await?;
                    return Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()));
                }
                let other = row.exchange.other_participant(&viewer.user_id);
                crate::notifications::notify(&mut tx, &st.config.public_url, &other, &notice, &format!("/exchanges/{exchange_id}")).await?;
                tx.commit().await?;
            }
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}?done={}", to.as_str()));
            Ok(())
        }
        .await,
    )
}

/// The step form's reason (trimmed), hours and the day the help happened: checked, with
/// what was typed kept in the problem (also for a refusal later on).
#[cfg(feature = "ssr")]
fn read_step_form(
    step: Step,
    reason: Option<String>,
    hours: Option<String>,
    minutes: Option<String>,
    happened_on: Option<String>,
    days_back: i64,
) -> Result<(String, Option<Minutes>, Option<String>, FormProblem), AppError> {
    let (hours, minutes, happened) = (hours.unwrap_or_default(), minutes.unwrap_or_default(), happened_on.unwrap_or_default());
    let reason = reason.unwrap_or_default().trim().to_string();
    let mut problem = FormProblem::new()
        .keep("step", step.as_str())
        .keep("reason", &reason)
        .keep("hours", &hours)
        .keep("minutes", &minutes)
        .keep("happened_on", &happened);
    if matches!(step, Step::Cancel | Step::Dispute) && reason.chars().count() < 3 {
        problem.push("reason", "Say why, in a few words. The other person will see it.");
    }
    if reason.chars().count() > 500 {
        problem.push("reason", "Keep it under 500 characters.");
    }
    let amount = if step == Step::Record { Minutes::from_parts(&hours, &minutes).map_err(|m| problem.push("hours", m)).ok() } else { None };
    let happened_on = if step == Step::Record {
        crate::ledger::domain::happened_on(&happened, crate::util::now(), days_back)
            .map_err(|m| problem.push("happened_on", m))
            .ok()
            .flatten()
    } else {
        None
    };
    problem.clone().into_result()?;
    Ok((reason, amount, happened_on, problem))
}

/// What the other side is told after a step. `responder_offered`: the person who
/// responded offered help (to a request) rather than asking for it (from an offer), so
/// the owner's answer is about their offer, not a request.
#[cfg(feature = "ssr")]
fn step_notice(step: Step, who: &str, title: &str, minutes: Option<i64>, responder_offered: bool) -> String {
    let what = if responder_offered { "offer to help with" } else { "request about" };
    match step {
        Step::Accept => format!("{who} accepted your {what} \"{title}\""),
        Step::Decline => format!("{who} declined your {what} \"{title}\""),
        Step::Cancel => format!("{who} cancelled the exchange about \"{title}\""),
        Step::Record => format!("{who} recorded {} for \"{title}\". Please confirm it", Minutes(minutes.unwrap_or(0)).display()),
        Step::Confirm => format!("{who} confirmed the hours for \"{title}\""),
        Step::Dispute => format!("{who} says something is wrong with the hours for \"{title}\". A community builder will help"),
    }
}

/// The exchange's one ledger transfer: its id is fixed by the exchange and its content by
/// the exchange's row, so every attempt (a person, a retry, the automatic confirmation,
/// the repair job) asks for exactly the same transfer and it is applied once.
#[cfg(feature = "ssr")]
fn exchange_transfer(e: &Exchange) -> crate::ledger::store::NewTransfer {
    use crate::ledger::store::{AccountRef, NewTransfer};
    let minutes = e.recorded_minutes.unwrap_or(0);
    let legs = vec![(AccountRef::Member(e.receiver_id.clone()), -minutes), (AccountRef::Member(e.provider_id.clone()), minutes)];
    NewTransfer {
        exchange_id: Some(e.id.clone()),
        recorded_by: e.recorded_by.clone(),
        happened_on: e.happened_on.clone(),
        ..NewTransfer::new(
            crate::ledger::exchange_transfer_id(&e.id),
            &e.network_id,
            crate::ledger::domain::TransferKind::Exchange,
            legs,
            &e.title,
        )
    }
}

/// Confirms recorded hours. First claims the exchange (recorded → confirmed, one winner, so
/// a dispute cannot slip in between), then posts its one ledger transfer, then tells the
/// other side. If the ledger refuses (a limit), the claim is undone. If the process dies
/// between claim and transfer, `jobs` finds the confirmed exchange without its transfer and
/// posts it. `by` is the confirming participant, or `None` for the automatic confirmation.
#[cfg(feature = "ssr")]
pub async fn confirm_exchange(
    st: &AppState,
    exchange_id: &str,
    by_name: &str,
    by: Option<&str>,
    audit: Vec<crate::audit::store::AuditEntry>,
) -> Result<Result<(), crate::ledger::domain::TransferRefusal>, AppError> {
    use crate::ledger::store::Outcome;
    let claimed = store::claim_confirmed(&st.db, exchange_id, crate::util::now()).await?;
    let Some(row) = store::get(&st.db, exchange_id).await? else {
        return Err(AppError::not_found("exchange"));
    };
    if !claimed {
        // Someone else confirmed it: nothing more to do here. Anything else: not now.
        return if row.status() == ExchangeStatus::Confirmed {
            Ok(Ok(()))
        } else {
            Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()))
        };
    }
    let mut transfer = exchange_transfer(&row);
    transfer.audit = audit;
    if let Outcome::Refused(r) = st.ledger.apply(transfer).await? {
        store::unclaim_confirmed(&st.db, exchange_id).await?;
        return Ok(Err(r));
    }
    let mut tx = st.db.pool.begin().await?;
    store::set_transfer(&mut *tx, exchange_id, &crate::ledger::exchange_transfer_id(exchange_id)).await?;
    let told: Vec<String> = match by {
        Some(me) => vec![row.other_participant(me)],
        None => vec![row.owner_id.clone(), row.asker_id.clone()],
    };
    let text = confirmed_notice(&row, by_name, by.is_some());
    let link = format!("/exchanges/{exchange_id}");
    for user in told {
        crate::notifications::notify(&mut tx, &st.config.public_url, &user, &text, &link).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// What the participants are told when the hours are confirmed: by the other participant,
/// automatically (no name), or by a community builder settling a dispute.
#[cfg(feature = "ssr")]
fn confirmed_notice(e: &Exchange, by_name: &str, by_participant: bool) -> String {
    let title = &e.title;
    if by_participant {
        format!("{by_name} confirmed the hours for \"{title}\"")
    } else if by_name.is_empty() {
        format!("The hours for \"{title}\" were confirmed automatically")
    } else {
        format!("{by_name}, a community builder, settled the hours for \"{title}\": {}", e.reason.clone().unwrap_or_default())
    }
}

/// Posts the transfer of any confirmed exchange that lacks it (a process died between the
/// claim and the ledger; a minute's grace lets a live confirmation finish first). Returns
/// how many it repaired.
#[cfg(feature = "ssr")]
pub async fn repair_confirmed(st: &AppState) -> Result<usize, AppError> {
    use crate::ledger::store::Outcome;
    let rows = store::confirmed_without_transfer(&st.db, crate::util::now() - crate::util::MINUTE).await?;
    let mut repaired = 0;
    for row in rows {
        let transfer = exchange_transfer(&row);
        if let Outcome::Applied { .. } | Outcome::AlreadyApplied { .. } = st.ledger.apply(transfer.clone()).await? {
            store::set_transfer(&st.db.pool, &row.id, &transfer.id).await?;
            repaired += 1;
        }
    }
    Ok(repaired)
}
