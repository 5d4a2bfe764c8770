//! The builder's desk and membership: who is waiting, what was reported, which exchanges
//! are disputed; approve or decline, the member's page (vetting, notes, what was done),
//! suspend and reinstate, assisted joining.

#[allow(unused_imports)]
use super::*;

#[server(endpoint = "builder_desk")]
pub async fn builder_desk() -> Result<DeskView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_some_builder(&viewer)?;
            let (network, _) = crate::networks::store::builder_network(&st.db, &viewer, None).await?;
            Ok(DeskView {
                pending: store::pending_in_scope(&st.db, &viewer).await?,
                moves: store::waiting_in_scope(&st.db, &viewer).await?,
                reports: store::reports_in_scope(&st.db, &viewer, false, 200).await?,
                resolved: store::reports_in_scope(&st.db, &viewer, true, 20).await?,
                disputes: store::disputes_in_scope(&st.db, &viewer).await?,
                localities: localities_in_scope(&st, &viewer, &network).await?,
            })
        }
        .await,
    )
}

/// The localities of `network` this viewer builds for (all of them for a whole-network builder).
#[cfg(feature = "ssr")]
pub(super) async fn localities_in_scope(st: &AppState, viewer: &Viewer, network: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(store::localities(&st.db, network).await?.into_iter().filter(|(id, _)| require_builder_for(viewer, network, id).is_ok()).collect())
}

/// Approve or decline someone waiting to join, with a message that is emailed to them.
/// Approval gives the network's welcome hours.
#[server(endpoint = "decide_membership")]
pub async fn decide_membership(user_id: String, decision: String, message: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let place = member_for_builder(&st, &viewer, &user_id).await?;
        let mut problem = keep(FormProblem::new(), &[("decision", &decision), ("message", &message)]);
        let approve = match decision.as_str() {
            "approve" => Some(true),
            "decline" => Some(false),
            _ => {
                problem.push("decision", "Choose to approve or decline.");
                None
            }
        };
        let message = match approve {
            // A welcome note is optional; a refusal always says why.
            Some(true) if message.trim().is_empty() => Some(String::new()),
            _ => read_text(&mut problem, "message", &message, "a short message to the person (it is emailed to them)", 1000),
        };
        problem.into_result()?;
        let (Some(approve), Some(message)) = (approve, message) else { return Err(crate::error::unexpected("decide: values missing")) };
        let mut tx = st.db.pool.begin().await?;
        let done = if approve {
            store::set_status(&mut tx, &user_id, &place.network_id, MembershipStatus::Pending, MembershipStatus::Active, "").await?
        } else {
            store::remove_pending(&mut tx, &user_id, &place.network_id).await?
        };
        if !done {
            return Err(AppError::Conflict(format!("{} is no longer waiting for approval.", place.name)));
        }
        let action = if approve { AuditAction::ApproveMember } else { AuditAction::DeclineMember };
        audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, action)
                .on_member(&place.network_id, &place.locality_id, &user_id)
                .reason(message.clone())
                .change("waiting for approval", if approve { "active" } else { "declined" }),
        )
        .await?;
        if let Some(email) = &place.email {
            let (subject, body) = if approve {
                (
                    "Welcome: your Timeweave membership is approved".to_string(),
                    format!(
                        "Hello {},\n\nGood news: a community builder approved your membership of the time bank in {}. You can now post offers and requests and start helping each other.\n\n{}{}Sign in: {}/sign-in\n",
                        place.name,
                        place.locality_name,
                        message,
                        if message.is_empty() { "" } else { "\n\n" },
                        st.config.public_url
                    ),
                )
            } else {
                (
                    "About your Timeweave application".to_string(),
                    format!(
                        "Hello {},\n\nA community builder looked at your application to join the time bank in {} and could not approve it this time. They wrote:\n\n{}\n\nIf you have questions, reply to your community builder.\n",
                        place.name, place.locality_name, message
                    ),
                )
            };
            crate::email::queue(&mut tx, email, &subject, &body).await?;
        }
        tx.commit().await?;
        if approve {
            crate::ledger::grant_starting_credit(&st, &place.network_id, &user_id).await?;
        }
        leptos_axum::redirect(&format!("/community?done={}", if approve { "approved" } else { "declined" }));
        Ok(())
    }.await)
}

/// A builder's page on one member: status, vetting, notes and what was done on the account.
#[server(endpoint = "member_record")]
pub async fn member_record(user_id: String) -> Result<MemberRecordView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let place = member_for_builder(&st, &viewer, &user_id).await?;
            let filter = crate::audit::store::AuditFilter { subject_user_id: Some(user_id.clone()), ..Default::default() };
            Ok(MemberRecordView {
                vetting: store::vetting(&st.db, &user_id, &place.network_id).await?,
                notes: store::notes(&st.db, &user_id, &place.network_id).await?,
                photo: crate::profiles::store::photo_url(&st.db, &user_id).await?,
                actions: crate::audit::store::audit_lines(&st.db, Some(&viewer), &filter, 50, 0).await?,
                user_id,
                name: place.name,
                email: place.email,
                phone: place.phone,
                locality: place.locality_name,
                status: place.status,
                status_reason: place.status_reason,
                about: place.about,
                joined_at: place.joined_at,
                joined_by: place.joined_by,
                paper_consent_at: place.paper_consent_at,
            })
        }
        .await,
    )
}

/// The vetting checklist. A disclosure check is recorded only for roles that need one.
#[server(endpoint = "set_vetting")]
pub async fn set_vetting(
    user_id: String,
    met_coordinator: Option<String>,
    references: String,
    code_signed: Option<String>,
    id_seen: Option<String>,
    disclosure: String,
    disclosure_date: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let place = member_for_builder(&st, &viewer, &user_id).await?;
            let mut problem = keep(
                FormProblem::new(),
                &[
                    ("met_coordinator", met_coordinator.as_deref().unwrap_or("")),
                    ("references", &references),
                    ("code_signed", code_signed.as_deref().unwrap_or("")),
                    ("id_seen", id_seen.as_deref().unwrap_or("")),
                    ("disclosure", &disclosure),
                    ("disclosure_date", &disclosure_date),
                ],
            );
            let v = Vetting::parse(
                met_coordinator.is_some(),
                &references,
                code_signed.is_some(),
                id_seen.is_some(),
                &disclosure,
                &disclosure_date,
                &mut problem,
            );
            problem.into_result()?;
            let Some(v) = v else { return Err(crate::error::unexpected("vetting: values missing")) };
            let before = store::vetting(&st.db, &user_id, &place.network_id).await?;
            let mut tx = st.db.pool.begin().await?;
            store::save_vetting(&mut tx, &user_id, &place.network_id, &v, &viewer.user_id).await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::UpdateVetting)
                    .on_member(&place.network_id, &place.locality_id, &user_id)
                    .change(before.summary(), v.summary()),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}?done=vetting"));
            Ok(())
        }
        .await,
    )
}

/// Suspend or reinstate, with a reason. A suspended member cannot act and their listings
/// leave search; reinstating brings them back as they were.
#[server(endpoint = "change_member_status")]
pub async fn change_member_status(user_id: String, change: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let place = member_for_builder(&st, &viewer, &user_id).await?;
            if user_id == viewer.user_id {
                return Err(AppError::Forbidden("You cannot suspend yourself. Ask another community builder.".into()));
            }
            let mut problem = keep(FormProblem::new(), &[("change", &change), ("reason", &reason)]);
            let reason = read_text(&mut problem, "reason", &reason, "the reason (the member is told it)", 1000);
            let step = match change.as_str() {
                "suspend" => Some((MembershipStatus::Active, MembershipStatus::Suspended, AuditAction::SuspendMember)),
                "reinstate" => Some((MembershipStatus::Suspended, MembershipStatus::Active, AuditAction::ReinstateMember)),
                _ => {
                    problem.push("change", "Choose to suspend or reinstate.");
                    None
                }
            };
            problem.into_result()?;
            let (Some(reason), Some((from, to, action))) = (reason, step) else {
                return Err(crate::error::unexpected("status: values missing"));
            };
            let mut tx = st.db.pool.begin().await?;
            suspend_or_reinstate(&mut tx, &st, &viewer, &place, &user_id, from, to, action, &reason).await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}?done={change}"));
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
pub(super) async fn suspend_or_reinstate(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    st: &AppState,
    viewer: &Viewer,
    place: &store::MemberPlace,
    user_id: &str,
    from: MembershipStatus,
    to: MembershipStatus,
    action: AuditAction,
    reason: &str,
) -> Result<(), AppError> {
    if !store::set_status(tx, user_id, &place.network_id, from, to, reason).await? {
        return Err(AppError::Conflict(format!("{} is not {} now.", place.name, from.label().to_lowercase())));
    }
    audit(
        tx,
        &AuditEntry::new(&viewer.user_id, action)
            .on_member(&place.network_id, &place.locality_id, user_id)
            .reason(reason)
            .change(from.label(), to.label()),
    )
    .await?;
    if to == MembershipStatus::Suspended {
        // Their sessions end now: a suspended member cannot act.
        store::end_sessions(tx, user_id).await?;
    }
    if let Some(email) = &place.email {
        let body = if to == MembershipStatus::Suspended {
            format!("Hello {},\n\nA community builder has suspended your Timeweave membership. The reason they gave:\n\n{reason}\n\nWhile suspended you cannot sign in to exchange, and your listings are hidden. Please contact your community builder.\n", place.name)
        } else {
            format!(
                "Hello {},\n\nYour Timeweave membership is active again. The community builder wrote:\n\n{reason}\n\nSign in: {}/sign-in\n",
                place.name, st.config.public_url
            )
        };
        crate::email::queue(tx, email, "About your Timeweave membership", &body).await?;
    }
    Ok(())
}

/// A private note on a member, seen only by the builders whose scope reaches them.
#[server(endpoint = "add_member_note")]
pub async fn add_member_note(user_id: String, body: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let place = member_for_builder(&st, &viewer, &user_id).await?;
            let mut problem = FormProblem::new().keep("body", &body);
            let text = read_text(&mut problem, "body", &body, "the note", 2000);
            problem.into_result()?;
            let Some(text) = text else { return Err(crate::error::unexpected("note: missing")) };
            let mut tx = st.db.pool.begin().await?;
            store::add_note(&mut tx, &user_id, &place.network_id, &text, &viewer.user_id).await?;
            // The trail says a note was written, not what it says (notes stay private to builders).
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::AddNote).on_member(&place.network_id, &place.locality_id, &user_id),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}?done=note"));
            Ok(())
        }
        .await,
    )
}

/// Assisted joining: a builder signs up someone with no email or smartphone (the person
/// agreed on a paper form). They cannot sign in; builders record their exchanges for them,
/// finding them by name or by the phone number kept here.
#[server(endpoint = "assisted_join")]
pub async fn assisted_join(
    display_name: String,
    locality: String,
    about: String,
    phone: Option<String>,
    paper_consent: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_some_builder(&viewer)?;
            let mut problem = keep(
                FormProblem::new(),
                &[
                    ("display_name", &display_name),
                    ("locality", &locality),
                    ("about", &about),
                    ("phone", phone.as_deref().unwrap_or("")),
                    ("paper_consent", paper_consent.as_deref().unwrap_or("")),
                ],
            );
            let phone = phone.unwrap_or_default();
            if !phone.trim().is_empty() && !crate::networks::find::is_phone_number(&phone) {
                problem.push("phone", "Enter a phone number like 01236 123456 or 07700 900123, or leave it empty.");
            }
            let name = crate::auth::domain::DisplayName::parse(&display_name).map_err(|m| problem.push("display_name", m)).ok();
            let network = crate::networks::store::locality_network(&st.db, &locality).await?;
            match &network {
                None => problem.push("locality", "Choose the area the person lives in."),
                Some((n, _)) => require_builder_for(&viewer, n, &locality)?,
            }
            if about.chars().count() > 1000 || crate::util::has_control_chars(&about) {
                problem.push("about", "Keep it to 1000 ordinary characters.");
            }
            if paper_consent.is_none() {
                problem.push("paper_consent", "Tick to confirm the person signed the paper membership and consent form.");
            }
            problem.into_result()?;
            let (Some(name), Some((network_id, _))) = (name, network) else {
                return Err(crate::error::unexpected("assisted: values missing"));
            };
            let mut tx = st.db.pool.begin().await?;
            use crate::networks::store::{create_member, JoinedBy, NewAccount, NewMembership};
            let user_id = create_member(
                &mut tx,
                &NewAccount { display_name: name.as_str(), phone: phone.trim(), ..Default::default() },
                &NewMembership {
                    network_id: &network_id,
                    locality_id: &locality,
                    about: about.trim(),
                    joined_by: JoinedBy::Builder { builder_id: &viewer.user_id },
                },
            )
            .await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::AssistedJoin)
                    .on_member(&network_id, &locality, &user_id)
                    .reason("Paper membership and consent form signed")
                    .change("", format!("active member {}", name.as_str())),
            )
            .await?;
            tx.commit().await?;
            crate::ledger::grant_starting_credit(&st, &network_id, &user_id).await?;
            leptos_axum::redirect(&format!("/community/members/{user_id}?done=joined"));
            Ok(())
        }
        .await,
    )
}
