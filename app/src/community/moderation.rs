//! Reports and moderation: members report a listing, a profile or a message; builders
//! review, hide or restore, warn, suspend or dismiss; disputed exchanges are settled here.

#[allow(unused_imports)]
use super::*;

/// A member reports a listing, a profile or a message to the builders of the member it is
/// about.
#[server(endpoint = "report")]
pub async fn report(subject_kind: String, subject_id: String, reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let me = require_active_member(&viewer)?.clone();
        let subject = ReportSubject::parse(&subject_kind).ok_or_else(|| AppError::not_found("thing to report"))?;
        // Who it is about, and that the reporter may see it at all.
        let about: Option<String> = match subject {
            ReportSubject::Listing => sqlx::query("SELECT owner_id FROM listings WHERE id = $1 AND network_id = $2")
                .bind(&subject_id)
                .bind(&me.network_id)
                .fetch_optional(&st.db.pool)
                .await?
                .map(|r| r.get("owner_id")),
            ReportSubject::Profile => sqlx::query("SELECT user_id FROM memberships WHERE user_id = $1 AND network_id = $2")
                .bind(&subject_id)
                .bind(&me.network_id)
                .fetch_optional(&st.db.pool)
                .await?
                .map(|r| r.get("user_id")),
            ReportSubject::Message => sqlx::query(
                "SELECT m.author_id FROM exchange_messages m JOIN exchanges e ON e.id = m.exchange_id
                 WHERE m.id = $1 AND (e.provider_id = $2 OR e.receiver_id = $2) AND m.kind = 'message'",
            )
            .bind(&subject_id)
            .bind(&viewer.user_id)
            .fetch_optional(&st.db.pool)
            .await?
            .map(|r| r.get("author_id")),
        };
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
        sqlx::query(
            "INSERT INTO reports (id, network_id, locality_id, reporter_id, subject_kind, subject_id, subject_user_id, reason, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9)",
        )
        .bind(crate::util::new_id())
        .bind(&place.network_id)
        .bind(&place.locality_id)
        .bind(&viewer.user_id)
        .bind(subject.as_str())
        .bind(&subject_id)
        .bind(&about)
        .bind(&reason)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        leptos_axum::redirect("/report/sent");
        Ok(())
    }.await)
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
            let m = Moderation::parse(&action)
                .filter(|m| Moderation::choices(r.subject, r.status).iter().any(|(k, _)| Moderation::parse(k) == Some(*m)));
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
            let moved =
                sqlx::query("UPDATE reports SET status = $1, outcome = $2, handled_by = $3, updated_at = $4 WHERE id = $5 AND status = $6")
                    .bind(m.status_after().as_str())
                    .bind(m.told_to_reporter())
                    .bind(&viewer.user_id)
                    .bind(t)
                    .bind(&report_id)
                    .bind(r.status.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if moved == 0 {
                return Err(AppError::Conflict("Someone else acted on this report meanwhile. Please look at it again.".into()));
            }
            let entry = AuditEntry::new(&viewer.user_id, m.audit_action())
                .on_member(&place.network_id, &place.locality_id, &r.subject_user_id)
                .subject(format!("report:{report_id} {}:{}", r.subject.as_str(), r.subject_id))
                .reason(reason.clone());
            let link_for_member;
            match m {
                Moderation::HideListing | Moderation::RestoreListing => {
                    let hide = m == Moderation::HideListing;
                    let changed = sqlx::query(if hide {
                        "UPDATE listings SET hidden_at = $1 WHERE id = $2 AND hidden_at IS NULL"
                    } else {
                        "UPDATE listings SET hidden_at = NULL WHERE id = $2 AND hidden_at IS NOT NULL AND $1 > 0"
                    })
                    .bind(t)
                    .bind(&r.subject_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    audit(
                        &mut tx,
                        &entry.change(
                            if hide { "shown" } else { "hidden" },
                            if changed == 1 {
                                if hide {
                                    "hidden"
                                } else {
                                    "shown"
                                }
                            } else {
                                "unchanged"
                            },
                        ),
                    )
                    .await?;
                    link_for_member = Some((
                        if hide {
                            format!("A community builder hid your listing \"{}\": {reason}", r.excerpt)
                        } else {
                            format!("Your listing \"{}\" is shown again.", r.excerpt)
                        },
                        format!("/listings/{}", r.subject_id),
                    ));
                }
                Moderation::Warn => {
                    audit(&mut tx, &entry).await?;
                    link_for_member = Some((format!("A community builder sent you a warning: {reason}"), "/home".into()));
                }
                Moderation::Suspend => {
                    suspend_or_reinstate(
                        &mut tx,
                        &st,
                        &viewer,
                        &place,
                        &r.subject_user_id,
                        MembershipStatus::Active,
                        MembershipStatus::Suspended,
                        AuditAction::SuspendMember,
                        &reason,
                    )
                    .await?;
                    link_for_member = None;
                }
                Moderation::Review | Moderation::Dismiss => {
                    audit(&mut tx, &entry).await?;
                    link_for_member = None;
                }
            }
            if let Some((text, link)) = link_for_member {
                crate::notifications::notify(&mut tx, &st.config.public_url, &r.subject_user_id, &text, &link).await?;
            }
            let reporter: String =
                sqlx::query("SELECT reporter_id FROM reports WHERE id = $1").bind(&report_id).fetch_one(&mut *tx).await?.get("reporter_id");
            crate::notifications::notify(&mut tx, &st.config.public_url, &reporter, m.told_to_reporter(), "/notifications").await?;
            tx.commit().await?;
            leptos_axum::redirect("/community?done=moderated");
            Ok(())
        }
        .await,
    )
}

/// A builder settles a disputed exchange: sets the hours (which posts the exchange's one
/// transfer) or cancels it, with a reason both members see.
#[server(endpoint = "resolve_dispute")]
pub async fn resolve_dispute(exchange_id: String, outcome: String, hours: String, minutes: String, reason: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let row = sqlx::query(
            "SELECT e.network_id, e.status, e.title, e.provider_id, e.receiver_id, e.recorded_minutes, m.locality_id
             FROM exchanges e LEFT JOIN memberships m ON m.user_id = e.receiver_id AND m.network_id = e.network_id WHERE e.id = $1",
        )
        .bind(&exchange_id)
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("exchange"))?;
        let network_id: String = row.get("network_id");
        let locality_id: String = row.get::<Option<String>, _>("locality_id").unwrap_or_default();
        let provider_id: String = row.get("provider_id");
        let receiver_id: String = row.get("receiver_id");
        // Either side's builders may settle it.
        let provider_place = store::member_place(&st.db, &provider_id).await?;
        let in_scope = require_builder_for(&viewer, &network_id, &locality_id).is_ok()
            || provider_place.as_ref().is_some_and(|p| require_builder_for(&viewer, &p.network_id, &p.locality_id).is_ok());
        if !in_scope {
            return Err(AppError::Forbidden("Only the community builders of those members can settle this exchange.".into()));
        }
        if viewer.user_id == provider_id || viewer.user_id == receiver_id {
            return Err(AppError::Forbidden("You took part in this exchange: ask another community builder to settle it.".into()));
        }
        let mut problem = keep(FormProblem::new(), &[("outcome", &outcome), ("hours", &hours), ("minutes", &minutes), ("reason", &reason)]);
        let set_hours = match outcome.as_str() {
            "hours" => Some(true),
            "cancel" => Some(false),
            _ => {
                problem.push("outcome", "Choose to set the hours or cancel the exchange.");
                None
            }
        };
        let amount = if set_hours == Some(true) {
            crate::ledger::domain::Minutes::from_parts(&hours, &minutes).map_err(|m| problem.push("hours", m)).ok()
        } else {
            None
        };
        let reason = read_text(&mut problem, "reason", &reason, "the reason (both members see it)", 1000);
        problem.into_result()?;
        let (Some(set_hours), Some(reason)) = (set_hours, reason) else { return Err(crate::error::unexpected("dispute: values missing")) };
        if row.get::<String, _>("status") != "disputed" {
            return Err(AppError::Conflict("This exchange is not disputed now.".into()));
        }
        let title: String = row.get("title");
        let before = format!("disputed, {} recorded", crate::ledger::domain::Minutes(row.get::<Option<i64>, _>("recorded_minutes").unwrap_or(0)).display());
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        let (sql, after) = if set_hours {
            let m = amount.map(|a| a.0).unwrap_or(0);
            (
                "UPDATE exchanges SET status = 'recorded', recorded_minutes = $1, recorded_by = $2, reason = $3, updated_at = $4 WHERE id = $5 AND status = 'disputed'",
                (m, format!("hours set to {}", crate::ledger::domain::Minutes(m).display())),
            )
        } else {
            (
                "UPDATE exchanges SET status = 'cancelled', recorded_minutes = $1, recorded_by = $2, reason = $3, updated_at = $4 WHERE id = $5 AND status = 'disputed'",
                (row.get::<Option<i64>, _>("recorded_minutes").unwrap_or(0), "cancelled".to_string()),
            )
        };
        let moved = sqlx::query(sql)
            .bind(after.0)
            .bind(&viewer.user_id)
            .bind(&reason)
            .bind(t)
            .bind(&exchange_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 0 {
            return Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()));
        }
        let entry = AuditEntry::new(&viewer.user_id, AuditAction::ResolveDispute)
            .on_member(&network_id, &locality_id, &receiver_id)
            .subject(format!("exchange:{exchange_id} {title}"))
            .reason(reason.clone())
            .change(before, after.1.clone());
        if set_hours {
            // The hours: the audit line rides on the exchange's one transfer, so it is
            // written in the ledger's transaction and only if the hours really move; the
            // members are told by the confirmation itself.
            tx.commit().await?;
            if let Err(r) = crate::exchanges::confirm_exchange(&st, &exchange_id, &viewer.display_name, None, vec![entry]).await? {
                // The ledger refused (a limit): back to disputed, nothing moved, no line.
                sqlx::query("UPDATE exchanges SET status = 'disputed' WHERE id = $1 AND status = 'recorded'").bind(&exchange_id).execute(&st.db.pool).await?;
                return Err(AppError::invalid("hours", r.message()));
            }
        } else {
            audit(&mut tx, &entry).await?;
            let link = format!("/exchanges/{exchange_id}");
            for user in [&provider_id, &receiver_id] {
                crate::notifications::notify(&mut tx, &st.config.public_url, user, &format!("A community builder cancelled \"{title}\": {reason}"), &link).await?;
            }
            tx.commit().await?;
        }
        leptos_axum::redirect(&format!("/exchanges/{exchange_id}"));
        Ok(())
    }.await)
}
