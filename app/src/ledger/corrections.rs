//! The builders' corrections on a member's account, each with a reason in the audit
//! trail: hours from the pool, a correction against the network account, reversing a
//! transfer exactly, and the account's own balance limits.

#[allow(unused_imports)]
use super::*;

/// A builder gives hours from the community pool to a member, with a reason.
#[server(endpoint = "grant_from_pool")]
pub async fn grant_from_pool(transfer_id: String, user_id: String, hours: String, minutes: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, _) = member_in_scope(&st, &viewer, &user_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem = FormProblem::new().keep("hours", &hours).keep("minutes", &minutes).keep("reason", &reason);
            let amount = read_amount(&mut problem, &hours, &minutes);
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let (Some(amount), Some(reason)) = (amount, reason) else { return Err(crate::error::unexpected("grant: values missing")) };
            let mut t = new_transfer(
                &transfer_id,
                &network,
                TransferKind::Grant,
                vec![(AccountRef::Pool, -amount.0), (AccountRef::Member(user_id.clone()), amount.0)],
                &viewer,
            );
            t.audit = vec![audit_on(&viewer, AuditAction::GrantHours, &network, &locality, &user_id, &reason)];
            t.reason = Some(reason);
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}/hours?done=granted"));
            Ok(())
        }
        .await,
    )
}

/// A builder corrects a member's balance against the network account, with a reason.
#[server(endpoint = "adjust_balance")]
pub async fn adjust_balance(
    transfer_id: String,
    user_id: String,
    direction: String,
    hours: String,
    minutes: String,
    reason: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, _) = member_in_scope(&st, &viewer, &user_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem =
                FormProblem::new().keep("direction", &direction).keep("hours", &hours).keep("minutes", &minutes).keep("reason", &reason);
            let sign = match direction.as_str() {
                "add" => Some(1),
                "remove" => Some(-1),
                _ => {
                    problem.push("direction", "Choose whether to add hours or take them away.");
                    None
                }
            };
            let amount = read_amount(&mut problem, &hours, &minutes);
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let (Some(sign), Some(amount), Some(reason)) = (sign, amount, reason) else {
                return Err(crate::error::unexpected("adjust: values missing"));
            };
            let m = sign * amount.0;
            let mut t = new_transfer(
                &transfer_id,
                &network,
                TransferKind::Adjustment,
                vec![(AccountRef::Network, -m), (AccountRef::Member(user_id.clone()), m)],
                &viewer,
            );
            t.audit = vec![audit_on(&viewer, AuditAction::AdjustBalance, &network, &locality, &user_id, &reason)];
            t.reason = Some(reason);
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}/hours?done=adjusted"));
            Ok(())
        }
        .await,
    )
}

/// Who may reverse a transfer: a builder whose scope covers every member in it; transfers
/// touching only shared accounts (pool, network, organisations) need a whole-network builder.
#[cfg(feature = "ssr")]
async fn transfer_in_scope(st: &AppState, viewer: &Viewer, transfer_id: &str) -> Result<(String, TransferView), AppError> {
    crate::networks::domain::require_some_builder(viewer)?;
    let Some(t) = store::reads::transfer(&st.db, transfer_id).await? else {
        return Err(AppError::not_found("transfer"));
    };
    let network = t.network_id;
    let legs = store::reads::transfer_legs(&st.db, transfer_id).await?;
    let mut members = 0;
    let mut back = "/community/hours".to_string();
    for l in &legs {
        if l.kind == "member" {
            members += 1;
            require_builder_for(viewer, &network, l.locality_id.as_deref().unwrap_or(""))?;
            back = format!("/community/members/{}/hours", l.user_id.as_deref().unwrap_or_default());
        }
    }
    if members == 0 && !crate::networks::domain::is_whole_network_builder(viewer, &network) {
        return Err(AppError::Forbidden("Only a builder for the whole time bank can reverse that.".into()));
    }
    let reversed = store::reads::is_reversed(&st.db, transfer_id).await?;
    let view = TransferView {
        id: transfer_id.to_string(),
        kind: TransferKind::parse(&t.kind).unwrap_or(TransferKind::Exchange),
        memo: t.memo,
        recorded_at: t.recorded_at,
        legs: legs
            .into_iter()
            .map(|l| {
                let name = match l.kind.as_str() {
                    "network" => "The time bank".to_string(),
                    "pool" => "The community pool".to_string(),
                    _ => l.name,
                };
                (name, l.amount_minutes)
            })
            .collect(),
        reversed,
        is_reversal: t.reverses_id.is_some(),
        back,
    };
    Ok((network, view))
}

/// A transfer, for the builder about to reverse it.
#[server(endpoint = "transfer_for_reversal")]
pub async fn transfer_for_reversal(transfer_id: String) -> Result<TransferView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            Ok(transfer_in_scope(&st, &viewer, &transfer_id).await?.1)
        }
        .await,
    )
}

/// A builder reverses a transfer exactly, with a reason; the original stays in the journal.
#[server(endpoint = "reverse_transfer")]
pub async fn reverse_transfer(transfer_id: String, original_id: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, view) = transfer_in_scope(&st, &viewer, &original_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem = FormProblem::new().keep("reason", &reason);
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let reason = reason.ok_or_else(|| crate::error::unexpected("reverse: reason missing"))?;
            let mut t = match store::reversal_of(&st.db, &network, &original_id, &transfer_id, &reason, Some(&viewer.user_id)).await? {
                Ok(t) => t,
                Err(r) => {
                    let mut p = problem;
                    p.summary = r.message();
                    return Err(AppError::Invalid(p));
                }
            };
            let members: Vec<String> =
                t.legs.iter().filter_map(|(a, _)| if let AccountRef::Member(u) = a { Some(u.clone()) } else { None }).collect();
            let places = queries::member_places(&st.db, &members).await?;
            let subject = format!("transfer:{original_id}");
            t.audit = members
                .iter()
                .filter_map(|who| {
                    places
                        .get(who)
                        .map(|(n, l, _)| audit_on(&viewer, AuditAction::ReverseTransfer, n, l, who, &reason).subject(subject.clone()))
                })
                .collect();
            if t.audit.is_empty() {
                t.audit.push(
                    AuditEntry::new(&viewer.user_id, AuditAction::ReverseTransfer)
                        .in_network(&network, None)
                        .subject(subject)
                        .reason(reason.clone()),
                );
            }
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("{}?done=reversed", view.back));
            Ok(())
        }
        .await,
    )
}

/// A builder sets a member's own balance limits (blank: the network's usual ones), with a reason.
#[server(endpoint = "set_account_limits")]
pub async fn set_account_limits(user_id: String, below_zero: String, ceiling: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, _) = member_in_scope(&st, &viewer, &user_id).await?;
            let mut problem = FormProblem::new().keep("below_zero", &below_zero).keep("ceiling", &ceiling).keep("reason", &reason);
            let floor = Minutes::parse_limit(&below_zero).map_err(|m| problem.push("below_zero", m)).ok().map(|m| m.map(|m| -m.0));
            let ceil = Minutes::parse_limit(&ceiling).map_err(|m| problem.push("ceiling", m)).ok().map(|m| m.map(|m| m.0));
            let reason = read_reason(&mut problem, &reason);
            problem.clone().into_result()?;
            let (Some(floor), Some(ceil), Some(reason)) = (floor, ceil, reason) else {
                return Err(crate::error::unexpected("limits: values missing"));
            };
            let account = AccountRef::Member(user_id.clone());
            let audit = audit_on(&viewer, AuditAction::ChangeLimits, &network, &locality, &user_id, &reason);
            if let Err(r) =
                store::set_limits(&st.db, &network, &account, floor, ceil, Some((&viewer.user_id, &reason)), Some(audit)).await?
            {
                let mut p = problem;
                p.summary = format!("The balance is outside those limits. {}", r.message());
                return Err(AppError::Invalid(p));
            }
            leptos_axum::redirect(&format!("/community/members/{user_id}/hours?done=limits"));
            Ok(())
        }
        .await,
    )
}
