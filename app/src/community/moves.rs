//! Moving to another area: a member asks from Account (one request waits at a time, and
//! they may withdraw it); a community builder of the area they leave or the area they join
//! confirms, and only then do the membership and the member's open listings move, or
//! declines with a message. The member is told either way; the trail keeps both.

#[allow(unused_imports)]
use super::*;

/// The signed-in member's area, the others they could move to, and their newest request.
#[server(endpoint = "my_area")]
pub async fn my_area() -> Result<MyAreaView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let others = store::localities(&st.db, &m.network_id).await?.into_iter().filter(|(id, _)| *id != m.locality_id).collect();
            Ok(MyAreaView {
                locality_id: m.locality_id.clone(),
                area: m.locality_name.clone(),
                others,
                latest: store::latest_for(&st.db, &viewer.user_id, &m.network_id).await?,
            })
        }
        .await,
    )
}

/// Asks to move to another area of the member's network. Builders of both areas see it.
#[server(endpoint = "ask_to_move_area")]
pub async fn ask_to_move_area(locality: String, reason: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let areas = store::localities(&st.db, &m.network_id).await?;
            let ask = domain::MoveAsk::parse(&locality, &reason, &areas, &m.locality_id).map_err(AppError::Invalid)?;
            let mut tx = st.db.pool.begin().await?;
            if !store::ask(&mut tx, &viewer.user_id, &m.network_id, &m.locality_id, &ask.to_locality_id, &ask.reason).await? {
                return Err(AppError::Conflict(
                    "You have already asked to move. Withdraw that request first if you want to change it.".into(),
                ));
            }
            tx.commit().await?;
            leptos_axum::redirect("/account?changed=area-asked#area-heading");
            Ok(())
        }
        .await,
    )
}

/// Withdraws the member's waiting request, if it is still waiting.
#[server(endpoint = "withdraw_area_move")]
pub async fn withdraw_area_move() -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let latest = store::latest_for(&st.db, &viewer.user_id, &m.network_id).await?;
            let Some(waiting) = latest.filter(|a| a.status == MoveStatus::Waiting) else {
                return Err(AppError::Conflict("Your request is no longer waiting: a community builder has decided it.".into()));
            };
            let mut tx = st.db.pool.begin().await?;
            if !store::close(&mut tx, &waiting.id, MoveStatus::Withdrawn, &viewer.user_id, "").await? {
                return Err(AppError::Conflict("Your request is no longer waiting: a community builder has decided it.".into()));
            }
            tx.commit().await?;
            leptos_axum::redirect("/account?changed=area-withdrawn#area-heading");
            Ok(())
        }
        .await,
    )
}

/// A builder of either area confirms the move or declines it with a message.
#[server(endpoint = "decide_area_move")]
pub async fn decide_area_move(move_id: String, decision: String, answer: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let ask = store::by_id(&st.db, &move_id).await?.ok_or_else(|| AppError::not_found("request to move"))?;
            if require_builder_for(&viewer, &ask.network_id, &ask.from_locality_id).is_err() {
                require_builder_for(&viewer, &ask.network_id, &ask.to_locality_id)?;
            }
            let mut problem = keep(FormProblem::new(), &[("move_id", &move_id), ("decision", &decision), ("answer", &answer)]);
            let approve = match decision.as_str() {
                "move" => Some(true),
                "decline" => Some(false),
                _ => {
                    problem.push("decision", "Choose to move them or to decline.");
                    None
                }
            };
            let answer = match approve {
                // A word of welcome is optional; a refusal always says why.
                Some(true) if answer.trim().is_empty() => Some(String::new()),
                _ => read_text(&mut problem, "answer", &answer, "why (the member is told it)", 1000),
            };
            problem.into_result()?;
            let (Some(approve), Some(answer)) = (approve, answer) else { return Err(crate::error::unexpected("move: values missing")) };
            let mut tx = st.db.pool.begin().await?;
            let status = if approve { MoveStatus::Moved } else { MoveStatus::Declined };
            if !store::close(&mut tx, &ask.id, status, &viewer.user_id, &answer).await? {
                return Err(AppError::Conflict(format!("{}'s request is no longer waiting: it was decided or withdrawn.", ask.name)));
            }
            if approve && !store::move_member(&mut tx, &ask.user_id, &ask.network_id, &ask.from_locality_id, &ask.to_locality_id).await? {
                return Err(AppError::Conflict(format!("{} is no longer in {}.", ask.name, ask.from_area)));
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::MoveArea)
                    .on_member(&ask.network_id, &ask.to_locality_id, &ask.user_id)
                    .reason(answer.clone())
                    .change(&ask.from_area, if approve { &ask.to_area } else { &ask.from_area }),
            )
            .await?;
            let text = if approve {
                format!("You have moved to {}. Your open offers and requests moved with you.", ask.to_area)
            } else {
                format!("A community builder could not move you to {}: {answer}", ask.to_area)
            };
            crate::notifications::notify(&mut tx, &st.config.public_url, &ask.user_id, &text, "/account#area-heading").await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/community?done={}", if approve { "moved" } else { "move-declined" }));
            Ok(())
        }
        .await,
    )
}
