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
            let sql = format!(
                "SELECT a.referral_id, COALESCE(u.display_name, a.actor_label) AS who, a.actor_label, a.action, a.detail, a.at
             FROM referral_access_log a LEFT JOIN users u ON u.id = a.user_id {} ORDER BY a.at DESC, a.id DESC LIMIT 500",
                if referral.is_some() { "WHERE a.referral_id = $1" } else { "" }
            );
            let mut q = sqlx::query(&sql);
            if let Some(r) = &referral {
                q = q.bind(r);
            }
            Ok(q.fetch_all(&st.db.pool)
                .await?
                .into_iter()
                .map(|r| AccessLine {
                    referral_id: r.get("referral_id"),
                    who: r.get("actor_label"),
                    action: r.get("action"),
                    detail: r.get("detail"),
                    at: r.get("at"),
                })
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
    let due = sqlx::query(
        "SELECT r.id FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.erased_at IS NULL AND r.closed_at IS NOT NULL AND r.closed_at <= $1 - n.referral_retention_months * 2629800",
    )
    .bind(t)
    .fetch_all(&st.db.pool)
    .await?;
    let mut erased = 0;
    for row in due {
        let id: String = row.get("id");
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
    let due = sqlx::query(
        "SELECT r.id, r.network_id, r.locality_id FROM referrals r JOIN networks n ON n.id = r.network_id
         WHERE r.follow_up_reminded_at IS NULL AND r.joined_at IS NOT NULL AND r.status IN ('joined', 'active')
           AND r.consent_withdrawn_at IS NULL AND r.joined_at <= $1 - n.follow_up_weeks * 604800",
    )
    .bind(t)
    .fetch_all(&st.db.pool)
    .await?;
    let mut sent = 0;
    for row in due {
        let id: String = row.get("id");
        let mut tx = st.db.pool.begin().await?;
        let claimed = sqlx::query("UPDATE referrals SET follow_up_reminded_at = $1 WHERE id = $2 AND follow_up_reminded_at IS NULL")
            .bind(t)
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 1 {
            let builders = store::builders_of(&mut tx, &row.get::<String, _>("network_id"), &row.get::<String, _>("locality_id")).await?;
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
