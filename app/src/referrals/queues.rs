//! The builders' queue and the professional's own referrals; one referral as each caller may see it.

#[allow(unused_imports)]
use super::*;

// Queues

/// The builder's queue and the professional's own referrals.
#[server(endpoint = "referrals_overview")]
pub async fn referrals_overview() -> Result<ReferralsView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let is_builder = viewer.is_site_admin || !viewer.builder_of.is_empty();
            let professional = viewer.professional.clone();
            if !is_builder && professional.is_none() {
                return Err(if viewer.needs_second_factor {
                    AppError::Forbidden("Set up two-step sign-in to see referrals.".into())
                } else {
                    AppError::Forbidden("Only community builders and health and care professionals see referrals.".into())
                });
            }
            let mut queue = vec![];
            if is_builder {
                let rows = store::in_scope(&st.db, &viewer, crate::util::now() - 30 * crate::util::DAY).await?;
                let mut tx = st.db.pool.begin().await?;
                for r in &rows {
                    let rel = relation_to(&viewer, r).unwrap_or(Relation::Admin);
                    store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "list", "queue").await?;
                    queue.push(queue_item(r, r.consent_withdrawn_at.is_some()));
                }
                tx.commit().await?;
                // Open and overdue first, then by age.
                queue.sort_by_key(|q| (q.status.is_final(), !q.overdue, q.created_at));
            }
            let mut sent = vec![];
            let (verified, org_lead) = professional.as_ref().map(|p| (p.verified, p.is_org_lead)).unwrap_or((false, false));
            if let Some(p) = professional.as_ref().filter(|p| p.verified) {
                let by =
                    if p.is_org_lead { store::SentBy::Organisation(&p.organisation_id) } else { store::SentBy::Referrer(&viewer.user_id) };
                let rows = store::sent_by(&st.db, by).await?;
                let mut tx = st.db.pool.begin().await?;
                for r in &rows {
                    let rel = relation_to(&viewer, r).unwrap_or(Relation::Referrer);
                    store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "list", "referrer's list").await?;
                    sent.push(queue_item(r, false));
                }
                tx.commit().await?;
            }
            Ok(ReferralsView { queue, is_builder, sent, is_professional: professional.is_some(), verified, org_lead })
        }
        .await,
    )
}

/// One referral, as much as the caller may see. Logged.
#[server(endpoint = "referral_detail")]
pub async fn referral_detail(id: String) -> Result<ReferralView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open(&st, &viewer, &id).await?;
            store::log(&st.db.pool, &r.id, Some(&viewer.user_id), &label_of(&viewer, rel), "read", "").await?;
            crate::notifications::seen(&st.db, &viewer.user_id, &format!("/referrals/{}", r.id)).await?;
            let builder = rel.acts_as_builder();
            let hidden = r.erased_at.is_some() || (builder && r.consent_withdrawn_at.is_some());
            let (age_days, overdue) = clock(r.created_at, r.status, r.first_contact_days);
            let interests = if hidden { vec![] } else { store::interest_names(&st.db, &r.interests).await? };
            let person = (!hidden).then(|| PersonDetails {
                name: r.person_name.clone(),
                date_of_birth: r.date_of_birth.clone(),
                email: r.email.clone(),
                phone: r.phone.clone(),
                contact_by: domain::contact_label(&r.contact_by).to_string(),
                what_matters: r.what_matters.clone(),
                interests,
                access_needs: r.access_needs.clone(),
                risk_notes: r.risk_notes.clone(),
            });
            let mover = if builder { Mover::Builder } else { Mover::Referrer };
            let held = if r.status == Status::OnHold { store::held_from(&st.db, &r.id).await? } else { None };
            let mut moves = domain::offered(r.status, mover, held);
            if r.consent_withdrawn_at.is_some() {
                moves.retain(|m| *m == Move::Close);
            }
            // Builders see who did what and why; the referrer (and builders once consent is
            // withdrawn or the details erased) only the date of each step.
            let full = builder && !hidden;
            let history = store::events(&st.db, &r.id)
                .await?
                .into_iter()
                // Notes along the way (referred on, answered) are for builders.
                .filter(|e| full || e.from != e.to)
                .map(|e| HistoryLine {
                    from: e.from,
                    to: e.to,
                    by: if full { e.by } else { String::new() },
                    note: if full { e.note } else { String::new() },
                    at: e.at,
                })
                .collect();
            let outcomes = if full {
                store::outcomes(&st.db, &r.id)
                    .await?
                    .into_iter()
                    .map(|o| OutcomeLine { stage: o.stage, scores: o.scores, answered_by: o.answered_by, at: o.at })
                    .collect()
            } else {
                vec![]
            };
            let area_search = (full && r.status == Status::Joined).then(|| format!("network={}&locality={}", r.network_id, r.locality_id));
            let follow_up_due = r.joined_at.map(|j| j + r.follow_up_weeks * crate::util::WEEK);
            let starter_given = if builder && r.member_id.is_some() { starter_given(&st, &r.id).await? } else { None };
            let onward = onward_part(&st, &r, rel).await?;
            // The referrer reads the summary only when the person agreed to share it.
            let summary_seen = builder || onward.closing.as_ref().is_some_and(|c| c.shared);
            Ok(ReferralView {
                id: r.id.clone(),
                relation: rel,
                status: r.status,
                locality: r.locality_name.clone(),
                network_id: if builder { r.network_id.clone() } else { String::new() },
                source: r.source.as_str().to_string(),
                referrer: r.referrer_name.clone(),
                organisation: r.organisation_name.clone(),
                urgency: r.urgency.clone(),
                person,
                consent_method: r.consent_method.clone(),
                consent_recorded_by: r.consent_recorded_by.clone(),
                consent_at: r.consent_referral_at,
                consent_withdrawn_at: r.consent_withdrawn_at,
                erased_at: r.erased_at,
                created_at: r.created_at,
                first_contact_at: r.first_contact_at,
                joined_at: r.joined_at,
                first_exchange_at: r.first_exchange_at,
                first_exchange_supported_by: if builder { r.first_exchange_supported_by.clone() } else { String::new() },
                closed_at: r.closed_at,
                outcome_summary: if summary_seen { r.outcome_summary.clone() } else { String::new() },
                age_days,
                target_days: r.first_contact_days,
                overdue,
                member_id: if builder && !hidden { r.member_id.clone() } else { None },
                member_name: if builder && !hidden { r.member_name.clone() } else { None },
                history,
                outcomes,
                follow_up_due: if builder { follow_up_due } else { None },
                moves,
                area_search,
                starter_given,
                onward,
            })
        }
        .await,
    )
}

/// The starter hours given for a referral, if they were: (minutes, when).
#[cfg(feature = "ssr")]
async fn starter_given(st: &crate::platform::state::AppState, referral_id: &str) -> Result<Option<(i64, i64)>, AppError> {
    let id = crate::ledger::starter_transfer_id(referral_id);
    let Some(t) = crate::ledger::store::reads::transfer(&st.db, &id).await? else { return Ok(None) };
    let legs = crate::ledger::store::reads::transfer_legs(&st.db, &id).await?;
    Ok(Some((legs.iter().map(|l| l.amount_minutes).max().unwrap_or(0), t.recorded_at)))
}
