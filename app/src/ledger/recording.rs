//! Recording hours: a member gives hours to the community pool; a builder records help
//! given between members who have no phone or computer (one giver, up to four receivers).

#[allow(unused_imports)]
use super::*;
#[cfg(feature = "ssr")]
use crate::networks::read_member;

/// A member gives some of their hours to the community pool.
#[server(endpoint = "donate_to_pool")]
pub async fn donate_to_pool(transfer_id: String, hours: String, minutes: String, memo: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?.clone();
            check_transfer_id(&transfer_id)?;
            let mut problem = FormProblem::new().keep("hours", &hours).keep("minutes", &minutes).keep("memo", &memo);
            let amount = read_amount(&mut problem, &hours, &minutes);
            let memo = read_memo(&mut problem, &memo);
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("amount missing after validation"))?;
            let mut t = new_transfer(
                &transfer_id,
                &m.network_id,
                TransferKind::Donation,
                vec![(AccountRef::Member(viewer.user_id.clone()), -amount.0), (AccountRef::Pool, amount.0)],
                &viewer,
            );
            t.memo = memo;
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect("/hours?done=donated");
            Ok(())
        }
        .await,
    )
}

/// A builder records help given by one member to one or more others (a group session),
/// for members who have no phone or computer. Marked as recorded by that builder.
#[server(endpoint = "record_hours")]
#[allow(clippy::too_many_arguments)]
pub async fn record_hours(
    transfer_id: String,
    giver: String,
    giver_pick: Option<String>,
    receiver1: String,
    receiver1_pick: Option<String>,
    receiver2: Option<String>,
    receiver2_pick: Option<String>,
    receiver3: Option<String>,
    receiver3_pick: Option<String>,
    receiver4: Option<String>,
    receiver4_pick: Option<String>,
    hours: String,
    minutes: String,
    memo: String,
    happened_on: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_some_builder(&viewer)?;
            let happened = happened_on.unwrap_or_default();
            check_transfer_id(&transfer_id)?;
            let others = [(&receiver2, &receiver2_pick), (&receiver3, &receiver3_pick), (&receiver4, &receiver4_pick)];
            let mut problem = FormProblem::new()
                .keep("giver", &giver)
                .keep("receiver1", &receiver1)
                .keep("hours", &hours)
                .keep("minutes", &minutes)
                .keep("memo", &memo)
                .keep("happened_on", &happened);
            for (i, (r, _)) in others.iter().enumerate() {
                problem = problem.keep(&format!("receiver{}", i + 2), r.as_deref().unwrap_or(""));
            }
            // Each person is found by what the builder typed (or chose from the suggestions).
            let within = crate::networks::store::Within { builder: Some(&viewer), active_only: true, ..Default::default() };
            let db = &st.db;
            let giver =
                read_member(db, &within, &mut problem, "giver", &giver, giver_pick.as_deref(), Some("Type the name of who gave the help."))
                    .await?;
            let mut receivers = vec![];
            let first = read_member(
                db,
                &within,
                &mut problem,
                "receiver1",
                &receiver1,
                receiver1_pick.as_deref(),
                Some("Type the name of who received the help."),
            )
            .await?;
            receivers.extend(first);
            for (field, (typed, pick)) in ["receiver2", "receiver3", "receiver4"].into_iter().zip(others) {
                let typed = typed.as_deref().unwrap_or("");
                receivers.extend(read_member(db, &within, &mut problem, field, typed, pick.as_deref(), None).await?);
            }
            if giver.as_ref().is_some_and(|g| receivers.iter().any(|r| r.hit.user_id == g.hit.user_id)) {
                problem.push("giver", "Someone cannot give help to themselves.");
            }
            let mut ids: Vec<&str> = receivers.iter().map(|r| r.hit.user_id.as_str()).collect();
            ids.sort();
            ids.dedup();
            if ids.len() != receivers.len() {
                problem.push("receiver1", "Each person can be chosen once.");
            }
            let amount = read_amount(&mut problem, &hours, &minutes);
            let memo = read_memo(&mut problem, &memo);
            if memo.is_empty() {
                problem.push("memo", "Say what the help was, for example \"Shopping trip\".");
            }
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("record: amount missing"))?;
            let giver = giver.ok_or_else(|| crate::error::unexpected("record: giver missing"))?;
            // Everyone was found within this builder's scope; they must share one time bank.
            let everyone: Vec<&crate::networks::store::FoundMember> = std::iter::once(&giver).chain(receivers.iter()).collect();
            let network = giver.network_id.clone();
            if everyone.iter().any(|m| m.network_id != network) {
                return Err(AppError::Forbidden("Everyone in one record must belong to the same time bank.".into()));
            }
            // The day it happened, within the network's limit (known once the members are;
            // read only when a day is given: most help is recorded the day it happens).
            let days_back = if happened.trim().is_empty() { 0 } else { crate::networks::store::record_days_back(&st.db, &network).await? };
            let happened_on =
                super::domain::happened_on(&happened, crate::util::now(), days_back).map_err(|m| problem.push("happened_on", m)).ok();
            problem.clone().into_result()?;
            // Each receiver got `amount` of help; the giver earns it once per receiver.
            let mut legs = vec![(AccountRef::Member(giver.hit.user_id.clone()), amount.0 * receivers.len() as i64)];
            legs.extend(receivers.iter().map(|r| (AccountRef::Member(r.hit.user_id.clone()), -amount.0)));
            let mut t = new_transfer(&transfer_id, &network, TransferKind::Exchange, legs, &viewer);
            // One line per member in the trail, so each can see it on their own account.
            t.audit = everyone
                .iter()
                .map(|m| audit_on(&viewer, AuditAction::RecordOnBehalf, &m.network_id, &m.locality_id, &m.hit.user_id, &memo))
                .collect();
            t.memo = memo;
            t.happened_on = happened_on.flatten();
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect("/community/hours?done=recorded");
            Ok(())
        }
        .await,
    )
}
