//! Reports and moderation: members report a listing, a profile or a message; builders
//! review, hide or restore, warn, suspend or dismiss. (Disputed exchanges are listed on the
//! desk and settled in `exchanges::disputes`.)

#[allow(unused_imports)]
use super::*;

/// A member reports a listing, a profile or a message to the builders of the member it is
/// about.
#[server(endpoint = "report")]
pub async fn report(subject_kind: String, subject_id: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let me = require_active_member(&viewer)?.clone();
            let subject = ReportSubject::parse(&subject_kind).ok_or_else(|| AppError::not_found("thing to report"))?;
            // Who it is about, and that the reporter may see it at all.
            let about = store::reported_member(&st.db, subject, &subject_id, &me.network_id, &viewer.user_id).await?;
            let about = about.ok_or_else(|| AppError::not_found(&subject.label().to_lowercase()))?;
            if about == viewer.user_id {
                return Err(AppError::Conflict("You cannot report your own listing, profile or message.".into()));
            }
            let mut problem = FormProblem::new().keep("reason", &reason);
            let reason = read_text(&mut problem, "reason", &reason, "what is wrong, in a few words", 1000);
            problem.into_result()?;
            let Some(reason) = reason else { return Err(crate::error::unexpected("report: missing")) };
            let place = store::member_place(&st.db, &about).await?.ok_or_else(|| AppError::not_found("member"))?;
            let t = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            store::insert_report(
                &mut tx,
                &store::NewReport {
                    network_id: &place.network_id,
                    locality_id: &place.locality_id,
                    reporter_id: &viewer.user_id,
                    subject,
                    subject_id: &subject_id,
                    subject_user_id: &about,
                    reason: &reason,
                    at: t,
                },
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/report/sent");
            Ok(())
        }
        .await,
    )
}

/// One report, for the builders whose scope reaches the member it is about.
#[server(endpoint = "report_detail")]
pub async fn report_detail(report_id: String) -> Result<ReportView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, network_id, locality_id) = store::get_report(&st.db, &report_id).await?.ok_or_else(|| AppError::not_found("report"))?;
            require_builder_for(&viewer, &network_id, &locality_id)?;
            Ok(r)
        }
        .await,
    )
}

/// A builder acts on a report: review, hide or restore the listing, warn or suspend the
/// member, or dismiss. The reporter is told in general terms; the member acted on is told
/// what was done and why.
#[server(endpoint = "moderate")]
pub async fn moderate(report_id: String, action: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, network_id, locality_id) = store::get_report(&st.db, &report_id).await?.ok_or_else(|| AppError::not_found("report"))?;
            require_builder_for(&viewer, &network_id, &locality_id)?;
            if r.subject_user_id == viewer.user_id {
                return Err(AppError::Forbidden("This report is about you: another community builder must decide it.".into()));
            }
            let mut problem = keep(FormProblem::new(), &[("action", &action), ("reason", &reason)]);
            let m = Moderation::parse(&action).filter(|m| {
                Moderation::choices(r.subject, r.status, r.listing_hidden).iter().any(|(k, _)| Moderation::parse(k) == Some(*m))
            });
            if m.is_none() {
                problem.push("action", "Choose what to do from the list.");
            }
            let reason = read_text(&mut problem, "reason", &reason, "the reason (kept in the audit trail)", 1000);
            problem.into_result()?;
            let (Some(m), Some(reason)) = (m, reason) else { return Err(crate::error::unexpected("moderate: values missing")) };
            if r.status == ReportStatus::Resolved {
                return Err(AppError::Conflict("This report is already resolved.".into()));
            }
            let place = store::member_place(&st.db, &r.subject_user_id).await?.ok_or_else(|| AppError::not_found("member"))?;
            let t = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            if !store::move_report(&mut tx, &report_id, r.status, m.status_after(), m.told_to_reporter(), &viewer.user_id, t).await? {
                return Err(AppError::Conflict("Someone else acted on this report meanwhile. Please look at it again.".into()));
            }
            let entry = AuditEntry::new(&viewer.user_id, m.audit_action())
                .on_member(&place.network_id, &place.locality_id, &r.subject_user_id)
                .subject(format!("report:{report_id} {}:{}", r.subject.as_str(), r.subject_id))
                .reason(reason.clone());
            if let Some((text, link)) = apply_moderation(&mut tx, &st, &viewer, &place, &r, m, entry, &reason, t).await? {
                crate::notifications::notify(&mut tx, &st.config.public_url, &r.subject_user_id, &text, &link).await?;
            }
            let reporter = store::reporter_of(&mut tx, &report_id).await?;
            crate::notifications::notify(&mut tx, &st.config.public_url, &reporter, m.told_to_reporter(), "/notifications").await?;
            tx.commit().await?;
            leptos_axum::redirect("/community?done=moderated");
            Ok(())
        }
        .await,
    )
}

/// Does what the builder chose and writes its audit line; returns what the member acted on
/// is told (text, link), if anything (a suspension emails them instead).
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn apply_moderation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    st: &AppState,
    viewer: &Viewer,
    place: &store::MemberPlace,
    r: &ReportView,
    m: Moderation,
    entry: AuditEntry,
    reason: &str,
    t: i64,
) -> Result<Option<(String, String)>, AppError> {
    Ok(match m {
        Moderation::HideListing | Moderation::RestoreListing => {
            let hide = m == Moderation::HideListing;
            let changed = store::set_listing_hidden(tx, &r.subject_id, hide, t).await?;
            let (before, after) = if hide { ("shown", "hidden") } else { ("hidden", "shown") };
            audit(tx, &entry.change(before, if changed { after } else { "unchanged" })).await?;
            Some((
                if hide {
                    format!("A community builder hid your listing \"{}\": {reason}", r.excerpt)
                } else {
                    format!("Your listing \"{}\" is shown again.", r.excerpt)
                },
                format!("/listings/{}", r.subject_id),
            ))
        }
        Moderation::Warn => {
            audit(tx, &entry).await?;
            Some((format!("A community builder sent you a warning: {reason}"), "/home".into()))
        }
        Moderation::Suspend => {
            let (from, to) = (MembershipStatus::Active, MembershipStatus::Suspended);
            suspend_or_reinstate(tx, st, viewer, place, &r.subject_user_id, from, to, AuditAction::SuspendMember, reason).await?;
            None
        }
        Moderation::Review | Moderation::Dismiss => {
            audit(tx, &entry).await?;
            None
        }
    })
}
