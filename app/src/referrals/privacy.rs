//! Privacy: the access log (site admins), retention and erasure, follow-up reminders.

#[allow(unused_imports)]
use super::*;

// The access log (site admins)

/// Every read and change of referrals, newest first (site admins only).
#[server(endpoint = "referral_access_log")]
pub async fn referral_access_log(referral: Option<String>) -> Result<Vec<AccessLine>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_site_admin(&viewer)?;
            let referral = referral.filter(|r| !r.is_empty());
            Ok(store::access_log(&st.db, referral.as_deref())
                .await?
                .into_iter()
                .map(|r| AccessLine { referral_id: r.referral_id, who: r.actor_label, action: r.action, detail: r.detail, at: r.at })
                .collect())
        }
        .await,
    )
}

// Retention, erasure, reminders

/// Erases the personal details of referrals closed longer ago than their network's
/// retention setting (default 24 months), keeping the anonymous numbers. Run by the
/// background jobs every minute on every server (each erasure is claimed once) and on
/// demand by a site admin. Returns how many were erased.
#[cfg(feature = "ssr")]
pub async fn retention(st: &AppState, t: i64) -> Result<usize, AppError> {
    let due = store::past_retention(&st.db, t).await?;
    let mut erased = 0;
    for id in due {
        let mut tx = st.db.pool.begin().await?;
        if store::erase(&mut tx, &id).await? {
            store::log(&mut *tx, &id, None, "retention schedule", "erase", "retention period ended").await?;
            erased += 1;
        }
        tx.commit().await?;
    }
    Ok(erased)
}

/// Tells the builders of the locality when a referred member's follow-up wellbeing
/// questions are due (the network's setting, default 12 weeks after joining). Once each.
#[cfg(feature = "ssr")]
pub async fn follow_up_reminders(st: &AppState, t: i64) -> Result<usize, AppError> {
    let due = store::follow_ups_due(&st.db, t).await?;
    let mut sent = 0;
    for row in due {
        let id = row.id;
        let mut tx = st.db.pool.begin().await?;
        if store::claim_follow_up(&mut tx, &id, t).await? {
            let builders = crate::networks::store::builders_of(&mut tx, &row.network_id, Some(&row.locality_id)).await?;
            for b in builders {
                crate::notifications::notify(
                    &mut tx,
                    &st.config.public_url,
                    &b,
                    "Follow-up wellbeing questions are due for a referred member",
                    &format!("/referrals/{id}"),
                )
                .await?;
            }
            store::log(&mut *tx, &id, None, "follow-up schedule", "change", "follow-up reminder sent to the builders").await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// Erases a referral's personal details now, at the person's request (builders of the
/// locality and site admins).
#[server(endpoint = "erase_referral")]
pub async fn erase_referral(id: String, erase_reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
            let mut problem = FormProblem::new().keep("erase_reason", &erase_reason);
            let reason =
                crate::community::domain::read_text(&mut problem, "erase_reason", &erase_reason, "when and how the person asked", 500);
            problem.into_result()?;
            let label = label_of(&viewer, rel);
            let mut tx = st.db.pool.begin().await?;
            if !store::erase(&mut tx, &r.id).await? {
                return Err(AppError::Conflict("These details were already erased.".into()));
            }
            if !r.status.is_final() && !store::set_status(&mut tx, &r.id, r.status, Status::Closed, Some("")).await? {
                return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page and try again.".into()));
            }
            // The builder's words (when and how the person asked) go in the history, not the
            // append-only log.
            let to = if r.status.is_final() { r.status } else { Status::Closed };
            store::event(
                &mut tx,
                &r.id,
                Some(r.status),
                to,
                Some(&viewer.user_id),
                &label,
                &format!("Erased at the person's request: {}", reason.unwrap_or_default()),
            )
            .await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "erase", "at the person's request").await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=erased", r.id));
            Ok(())
        }
        .await,
    )
}

/// Runs the retention schedule now (site admins).
#[server(endpoint = "run_referral_retention")]
pub async fn run_referral_retention() -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_site_admin(&viewer)?;
            let n = retention(&st, crate::util::now()).await?;
            leptos_axum::redirect(&format!("/admin/referral-log?erased={n}"));
            Ok(())
        }
        .await,
    )
}
