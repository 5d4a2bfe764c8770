//! Moving a referral along: the lifecycle's moves, signing the person up, starter hours,
//! the supported first exchange, outcomes, withdrawn consent, and the person's own
//! wellbeing answers.

#[allow(unused_imports)]
use super::*;

// Moving it along

#[cfg(feature = "ssr")]
pub(super) fn read_note(problem: &mut FormProblem, mv: Move, note: &str) -> Option<String> {
    let n = note.trim();
    if mv.needs_note() && n.chars().count() < 3 {
        problem.push(
            "note",
            if mv == Move::Close {
                "Write a short outcome summary: the referrer will see it."
            } else {
                "Write the reason, so others understand it later."
            },
        );
        None
    } else if n.chars().count() > 1000 || crate::util::has_control_chars(n) {
        problem.push("note", "Keep it to 1000 ordinary characters.");
        None
    } else {
        Some(n.to_string())
    }
}

/// Moves a referral along: accept, decline, contacted, could not contact, hold, resume,
/// close (builders); withdraw (the referrer or their organisation's lead).
#[server(endpoint = "move_referral")]
pub async fn move_referral(
    id: String,
    // Radio buttons: nothing is sent when none is chosen.
    action: Option<String>,
    note: String,
    // Closing: the person agreed that the summary goes back to the referrer.
    share_summary: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open(&st, &viewer, &id).await?;
            let Some(mv) = Move::parse(action.as_deref().unwrap_or("")).filter(|m| !matches!(m, Move::Join | Move::Activate)) else {
                // The note typed stays on the form.
                return Err(FormProblem::new().keep("note", &note).field("action", "Choose what to do.").into_result().unwrap_err());
            };
            let mover = if rel.acts_as_builder() { Mover::Builder } else { Mover::Referrer };
            let held = if r.status == Status::OnHold { store::held_from(&st.db, &r.id).await? } else { None };
            let allowed = r.consent_withdrawn_at.is_none() || mv == Move::Close;
            let Some(to) = domain::next_status(r.status, mv, mover, held).filter(|_| allowed) else {
                return Err(AppError::Conflict(format!("A referral that is \"{}\" cannot be moved that way.", r.status.label())));
            };
            let mut problem = FormProblem::new().keep("note", &note);
            let note = read_note(&mut problem, mv, &note);
            problem.into_result()?;
            let note = note.unwrap_or_default();
            let label = label_of(&viewer, rel);
            // What goes back to the referrer when the person agreed (read before writing).
            let closing = if mv == Move::Close && ticked(share_summary) && rel.acts_as_builder() && r.erased_at.is_none() {
                let mut c = super::onward::closing_summary(&st, &r, true).await?;
                c.text = note.clone();
                Some(c)
            } else {
                None
            };
            let mut tx = st.db.pool.begin().await?;
            let summary = (mv == Move::Close).then_some(note.as_str());
            if !store::set_status(&mut tx, &r.id, r.status, to, summary).await? {
                return Err(AppError::Conflict(
                    "Someone else changed this referral just now. Reload the page to see where it stands.".into(),
                ));
            }
            store::event(&mut tx, &r.id, Some(r.status), to, Some(&viewer.user_id), &label, &note).await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", &format!("{} -> {}", r.status.as_str(), to.as_str()))
                .await?;
            if closing.is_some() {
                store::set_summary_shared(&mut tx, &r.id).await?;
                store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "share", "closing summary to the referrer").await?;
            }
            if let Some(referrer) = r.referrer_id.as_deref().filter(|x| *x != viewer.user_id) {
                let link = format!("/referrals/{}", r.id);
                match &closing {
                    Some(c) => {
                        let body = super::onward::summary_email(&st.config.public_url, &r, c);
                        let text = "A referral you made has closed: its summary is ready";
                        crate::notifications::notify_with_email(&mut tx, referrer, text, &link, domain::SUMMARY_SUBJECT, &body).await?
                    }
                    None => {
                        let text = format!("A referral you made is now: {}", to.label());
                        crate::notifications::notify(&mut tx, &st.config.public_url, referrer, &text, &link).await?
                    }
                }
            }
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/{}?done={}", r.id, mv.as_str()));
            Ok(())
        }
        .await,
    )
}

/// The builder signs the person up (assisted joining) from the referral: they become a
/// member of the referral's locality, and the referral moves to "joined".
#[server(endpoint = "referral_join")]
pub async fn referral_join(id: String, display_name: String, agreed: Option<String>) -> Result<(), AppError> {
    finish(
        async {
            use crate::audit::{
                domain::AuditAction,
                store::{audit, AuditEntry},
            };
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
            if domain::next_status(r.status, Move::Join, Mover::Builder, None).is_none() || r.consent_withdrawn_at.is_some() {
                return Err(AppError::Conflict(format!(
                    "A referral that is \"{}\" cannot be joined up now: make contact first.",
                    r.status.label()
                )));
            }
            let mut problem = FormProblem::new().keep("display_name", &display_name).keep("agreed", agreed.as_deref().unwrap_or(""));
            let name = crate::auth::domain::DisplayName::parse(&display_name).map_err(|m| problem.push("display_name", m)).ok();
            if agreed.is_none() {
                problem.push("agreed", "Tick to confirm the person agreed to join and to the code of conduct.");
            }
            problem.into_result()?;
            let name = name.ok_or_else(|| crate::error::unexpected("referral join: name"))?;
            let label = label_of(&viewer, rel);
            let mut tx = st.db.pool.begin().await?;
            use crate::networks::store::{create_member, JoinedBy, NewAccount, NewMembership};
            let user_id = create_member(
                &mut tx,
                &NewAccount { display_name: name.as_str(), phone: &r.phone, ..Default::default() },
                &NewMembership {
                    network_id: &r.network_id,
                    locality_id: &r.locality_id,
                    about: "",
                    joined_by: JoinedBy::Builder { builder_id: &viewer.user_id },
                },
            )
            .await?;
            if !store::set_status(&mut tx, &r.id, r.status, Status::Joined, None).await? {
                return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page.".into()));
            }
            store::set_member(&mut tx, &r.id, &user_id).await?;
            store::event(&mut tx, &r.id, Some(r.status), Status::Joined, Some(&viewer.user_id), &label, "Signed up by a community builder")
                .await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "joined: member account made").await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::AssistedJoin)
                    .on_member(&r.network_id, &r.locality_id, &user_id)
                    .reason("Joined from a referral; agreement recorded by the builder")
                    .change("", format!("active member {}", name.as_str())),
            )
            .await?;
            if let Some(referrer) = r.referrer_id.as_deref() {
                crate::notifications::notify(
                    &mut tx,
                    &st.config.public_url,
                    referrer,
                    "A person you referred has joined the time bank",
                    &format!("/referrals/{}", r.id),
                )
                .await?;
            }
            tx.commit().await?;
            crate::ledger::grant_starting_credit(&st, &r.network_id, &user_id).await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=joined", r.id));
            Ok(())
        }
        .await,
    )
}

/// Starter hours from the community pool for the new member: once per referral (the
/// transfer's id is made from the referral's, so pressing twice, or again from an old page,
/// moves nothing more).
#[server(endpoint = "grant_starter_hours")]
pub async fn grant_starter_hours(id: String, starter: String) -> Result<(), AppError> {
    finish(
        async {
            use crate::audit::domain::AuditAction;
            use crate::ledger::{domain::TransferKind, store::AccountRef};
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
            if r.consent_withdrawn_at.is_some() || r.erased_at.is_some() {
                return Err(AppError::Conflict(
                    "Consent was withdrawn or the details erased: give hours from the member's own page instead.".into(),
                ));
            }
            let Some(member) = r.member_id.clone() else {
                return Err(AppError::Conflict("Sign the person up first; then you can give them starter hours.".into()));
            };
            let transfer_id = crate::ledger::starter_transfer_id(&r.id);
            if crate::ledger::store::reads::transfer(&st.db, &transfer_id).await?.is_some() {
                leptos_axum::redirect(&format!("/referrals/{}?done=starter", r.id));
                return Ok(());
            }
            let mut problem = FormProblem::new().keep("starter", &starter);
            let amount = match starter.trim().parse::<i64>() {
                Ok(h) if (1..=10).contains(&h) => Some(crate::ledger::domain::Minutes(h * 60)),
                _ => {
                    problem.push("starter", "Choose from 1 to 10 starter hours.");
                    None
                }
            };
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("starter: amount"))?;
            let reason = "Starter hours for a referred member".to_string();
            let mut t = crate::ledger::new_transfer(
                &transfer_id,
                &r.network_id,
                TransferKind::Grant,
                vec![(AccountRef::Pool, -amount.0), (AccountRef::Member(member.clone()), amount.0)],
                &viewer,
            );
            t.audit = vec![crate::ledger::audit_on(&viewer, AuditAction::GrantHours, &r.network_id, &r.locality_id, &member, &reason)];
            t.reason = Some(reason);
            crate::ledger::apply_or_explain(&st, t, problem).await?;
            store::log(
                &st.db.pool,
                &r.id,
                Some(&viewer.user_id),
                &label_of(&viewer, rel),
                "change",
                &format!("starter hours: {} minutes", amount.0),
            )
            .await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=starter", r.id));
            Ok(())
        }
        .await,
    )
}

/// Records the first exchange (supported: a builder or trusted member went along), posts
/// its hours, and moves the referral to "active". Once: only while the referral says
/// "joined", and under a transfer id made from the referral's.
#[server(endpoint = "record_first_exchange")]
#[allow(clippy::too_many_arguments)]
pub async fn record_first_exchange(
    id: String,
    other_member: String,
    other_member_pick: Option<String>,
    direction: String,
    hours: String,
    minutes: String,
    memo: String,
    supported_by: String,
) -> Result<(), AppError> {
    finish(
        async {
            use crate::audit::domain::AuditAction;
            use crate::ledger::{domain::TransferKind, store::AccountRef};
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
            let Some(member) =
                r.member_id.clone().filter(|_| r.status == Status::Joined && r.consent_withdrawn_at.is_none() && r.erased_at.is_none())
            else {
                return Err(AppError::Conflict("The first exchange is recorded once the person has joined.".into()));
            };
            // One first exchange per referral, whatever page it was sent from.
            let transfer_id = crate::ledger::first_exchange_transfer_id(&r.id);
            let mut problem = FormProblem::new()
                .keep("other_member", &other_member)
                .keep("direction", &direction)
                .keep("hours", &hours)
                .keep("minutes", &minutes)
                .keep("memo", &memo)
                .keep("supported_by", &supported_by);
            let other_member =
                other_member_of(&st, &viewer, &r, &member, &mut problem, &other_member, other_member_pick.as_deref()).await?;
            let gave = match direction.as_str() {
                "gave" => Some(true),
                "received" => Some(false),
                _ => {
                    problem.push("direction", "Choose who helped whom.");
                    None
                }
            };
            let amount = crate::ledger::read_amount(&mut problem, &hours, &minutes);
            let memo = crate::community::domain::read_text(
                &mut problem,
                "memo",
                &memo,
                "what the exchange was, for example \"Walk in the park\"",
                200,
            );
            let supported =
                crate::community::domain::read_text(&mut problem, "supported_by", &supported_by, "who went along to support them", 100);
            problem.clone().into_result()?;
            let (Some(gave), Some(amount), Some(memo), Some(supported)) = (gave, amount, memo, supported) else {
                return Err(crate::error::unexpected("first exchange: values"));
            };
            let (giver, receiver) = if gave { (member.clone(), other_member.clone()) } else { (other_member.clone(), member.clone()) };
            let mut t = crate::ledger::new_transfer(
                &transfer_id,
                &r.network_id,
                TransferKind::Exchange,
                vec![(AccountRef::Member(giver), amount.0), (AccountRef::Member(receiver), -amount.0)],
                &viewer,
            );
            t.audit = [&member, &other_member]
                .iter()
                .map(|who| crate::ledger::audit_on(&viewer, AuditAction::RecordOnBehalf, &r.network_id, &r.locality_id, who, &memo))
                .collect();
            t.memo = memo.clone();
            crate::ledger::apply_or_explain(&st, t, problem).await?;
            let label = label_of(&viewer, rel);
            let mut tx = st.db.pool.begin().await?;
            if store::set_status(&mut tx, &r.id, Status::Joined, Status::Active, None).await? {
                store::set_first_exchange_supported_by(&mut tx, &r.id, &supported).await?;
                store::event(
                    &mut tx,
                    &r.id,
                    Some(Status::Joined),
                    Status::Active,
                    Some(&viewer.user_id),
                    &label,
                    &format!("First exchange: {memo}; supported by {supported}"),
                )
                .await?;
                store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "joined -> active").await?;
                if let Some(referrer) = r.referrer_id.as_deref() {
                    crate::notifications::notify(
                        &mut tx,
                        &st.config.public_url,
                        referrer,
                        "A person you referred has had their first exchange",
                        &format!("/referrals/{}", r.id),
                    )
                    .await?;
                }
            } else {
                store::log(
                    &mut *tx,
                    &r.id,
                    Some(&viewer.user_id),
                    &label,
                    "change",
                    "first exchange hours recorded (status had already moved)",
                )
                .await?;
            }
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=first", r.id));
            Ok(())
        }
        .await,
    )
}

/// The other member of a first exchange: found by what the builder typed, in the referred
/// person's area, not the person themselves ('' with the problem noted when not found).
#[cfg(feature = "ssr")]
async fn other_member_of(
    st: &AppState,
    viewer: &Viewer,
    r: &store::Referral,
    member: &str,
    problem: &mut FormProblem,
    typed: &str,
    pick: Option<&str>,
) -> Result<String, AppError> {
    let within = crate::networks::store::Within {
        builder: Some(viewer),
        network: Some(&r.network_id),
        locality: Some(&r.locality_id),
        active_only: true,
    };
    let missing = Some("Type the name of the other member, from this area.");
    let other = crate::networks::read_member(&st.db, &within, problem, "other_member", typed, pick, missing).await?;
    let other = other.map(|o| o.hit.user_id).unwrap_or_default();
    if other == member {
        problem.push("other_member", "Choose another member of the area, not the referred person.");
    }
    Ok(other)
}

/// Wellbeing answers at joining (baseline) or at the follow-up.
#[server(endpoint = "record_outcome")]
#[allow(clippy::too_many_arguments)]
pub async fn record_outcome(
    id: String,
    stage: String,
    answered_by: String,
    life_satisfaction: String,
    worthwhile: String,
    happiness: String,
    anxiety: String,
    lack_companionship: String,
    left_out: String,
    isolated: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open_as_builder(&st, &viewer, &id).await?;
            if r.member_id.is_none() || r.consent_withdrawn_at.is_some() || r.erased_at.is_some() {
                return Err(AppError::Conflict("Wellbeing answers are recorded once the person has joined.".into()));
            }
            let parsed = Wellbeing::parse_in_order([
                &life_satisfaction,
                &worthwhile,
                &happiness,
                &anxiety,
                &lack_companionship,
                &left_out,
                &isolated,
            ]);
            let mut problem = parsed.clone().err().unwrap_or_default().keep("stage", &stage).keep("answered_by", &answered_by);
            if !matches!(stage.as_str(), "baseline" | "follow_up") {
                problem.push("stage", "Choose when these answers were given.");
            }
            if !matches!(answered_by.as_str(), "person" | "builder") {
                problem.push("answered_by", "Choose who filled the answers in.");
            }
            problem.into_result()?;
            let w = parsed.map_err(AppError::Invalid)?;
            let label = label_of(&viewer, rel);
            let mut tx = st.db.pool.begin().await?;
            store::add_outcome(&mut tx, &r.id, &stage, &w, &answered_by, &viewer.user_id).await?;
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", &format!("wellbeing answers: {stage}")).await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=outcome", r.id));
            Ok(())
        }
        .await,
    )
}

/// The person withdrew consent to share: builders stop seeing the details, the referral
/// closes, and it is marked. Builders of the locality or the referrer record it.
#[server(endpoint = "withdraw_consent")]
pub async fn withdraw_consent(id: String, consent_note: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (r, rel) = open(&st, &viewer, &id).await?;
            if r.consent_withdrawn_at.is_some() {
                return Err(AppError::Conflict("Consent was already withdrawn.".into()));
            }
            let mut problem = FormProblem::new().keep("consent_note", &consent_note);
            let note = read_note(&mut problem, Move::Withdraw, &consent_note);
            for f in problem.fields.iter_mut() {
                f.0 = "consent_note".into();
            }
            problem.into_result()?;
            let note = note.unwrap_or_default();
            let label = label_of(&viewer, rel);
            let t = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            store::set_consent_withdrawn(&mut tx, &r.id, t).await?;
            if !r.status.is_final() {
                // The referrer's own withdrawal where the rules allow it; otherwise it closes.
                let to = domain::next_status(r.status, Move::Withdraw, Mover::Referrer, None)
                    .filter(|_| !rel.acts_as_builder())
                    .unwrap_or(Status::Closed);
                if !store::set_status(&mut tx, &r.id, r.status, to, Some("Consent to share was withdrawn.")).await? {
                    return Err(AppError::Conflict("Someone else changed this referral just now. Reload the page and try again.".into()));
                }
                store::event(&mut tx, &r.id, Some(r.status), to, Some(&viewer.user_id), &label, &format!("Consent withdrawn: {note}"))
                    .await?;
            }
            store::log(&mut *tx, &r.id, Some(&viewer.user_id), &label, "change", "consent to share withdrawn").await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/referrals/{}?done=consent", r.id));
            Ok(())
        }
        .await,
    )
}

// The person's own wellbeing answers

/// Which wellbeing questions the signed-in member is asked now, if any: "baseline" once
/// they have joined from a referral, "follow_up" when the follow-up is due. They see only
/// the questions, never the referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WellbeingDue {
    pub stage: String,
}

#[cfg(feature = "ssr")]
pub(super) async fn wellbeing_due_for(st: &AppState, user_id: &str) -> Result<Option<(String, String)>, AppError> {
    let Some(r) = store::member_referral_answers(&st.db, user_id).await? else { return Ok(None) };
    Ok(wellbeing_stage(r.baselines, r.follow_ups, r.joined_at, r.follow_up_weeks, crate::util::now())
        .map(|stage| (r.id, stage.to_string())))
}

/// Which wellbeing questions a referred member is asked now, if any: the first answers
/// until there are some, then the follow-up once `follow_up_weeks` have passed since they
/// joined. The one place this rule is stated (Home asks it too).
pub fn wellbeing_stage(baselines: i64, follow_ups: i64, joined_at: Option<i64>, follow_up_weeks: i64, now: i64) -> Option<&'static str> {
    if baselines == 0 {
        return Some("baseline");
    }
    let due = joined_at.unwrap_or(i64::MAX / 2) + follow_up_weeks * crate::util::WEEK;
    (follow_ups == 0 && now >= due).then_some("follow_up")
}

#[server(endpoint = "my_wellbeing")]
pub async fn my_wellbeing() -> Result<Option<WellbeingDue>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            Ok(wellbeing_due_for(&st, &viewer.user_id).await?.map(|(_, stage)| WellbeingDue { stage }))
        }
        .await,
    )
}

/// The member answers the wellbeing questions themselves.
#[server(endpoint = "answer_wellbeing")]
#[allow(clippy::too_many_arguments)]
pub async fn answer_wellbeing(
    life_satisfaction: String,
    worthwhile: String,
    happiness: String,
    anxiety: String,
    lack_companionship: String,
    left_out: String,
    isolated: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let Some((referral, stage)) = wellbeing_due_for(&st, &viewer.user_id).await? else {
                return Err(AppError::Conflict("There are no questions for you at the moment. Thank you.".into()));
            };
            let w = Wellbeing::parse_in_order([
                &life_satisfaction,
                &worthwhile,
                &happiness,
                &anxiety,
                &lack_companionship,
                &left_out,
                &isolated,
            ])
            .map_err(AppError::Invalid)?;
            let mut tx = st.db.pool.begin().await?;
            store::add_outcome(&mut tx, &referral, &stage, &w, "person", &viewer.user_id).await?;
            store::log(
                &mut *tx,
                &referral,
                Some(&viewer.user_id),
                "the person themselves",
                "change",
                &format!("wellbeing answers: {stage}"),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/home?wellbeing=thanks");
            Ok(())
        }
        .await,
    )
}
