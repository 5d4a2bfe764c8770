//! The two participants talking: messages, sharing contact details, and thanking each
//! other once the hours are confirmed.

#[allow(unused_imports)]
use super::*;

/// Writes a message in an exchange (participants only; rate-limited).
#[server(endpoint = "send_message")]
pub async fn send_message(exchange_id: String, body: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let row = load_as_participant(&st, &viewer, &exchange_id, "write in it").await?;
            let mut problem = FormProblem::new().keep("body", &body);
            let body = read_message(&mut problem, &body);
            problem.into_result()?;
            check_rate(&st, &viewer.user_id).await?;
            let mut tx = st.db.pool.begin().await?;
            store::insert_message(&mut tx, &exchange_id, &viewer.user_id, &body.unwrap_or_default(), MessageKind::Message).await?;
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &row.exchange.other_participant(&viewer.user_id),
                &format!("{} wrote to you about \"{}\"", viewer.display_name, row.listing_title),
                &format!("/exchanges/{exchange_id}#messages"),
            )
            .await?;
            store::touch(&mut tx, &exchange_id, crate::util::now()).await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}#messages"));
            Ok(())
        }
        .await,
    )
}

/// After a finished exchange, a short thank-you to the other side (once each); it shows on
/// their profile.
#[server(endpoint = "thank")]
pub async fn thank(exchange_id: String, thanks: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let row = load_as_participant(&st, &viewer, &exchange_id, "thank each other").await?;
            if row.exchange.status() != ExchangeStatus::Confirmed {
                return Err(AppError::Conflict("You can say thank you once the hours are confirmed.".into()));
            }
            let text = thanks.trim().to_string();
            let mut problem = FormProblem::new().keep("thanks", &thanks);
            match text.chars().count() {
                _ if crate::util::has_control_chars(&text) => {
                    problem.push("thanks", "Please use ordinary letters, numbers and punctuation.")
                }
                0 => problem.push("thanks", "Write a few words of thanks."),
                301.. => problem.push("thanks", "Keep it under 300 characters."),
                _ => {}
            }
            problem.into_result()?;
            let to = row.exchange.other_participant(&viewer.user_id);
            let mut tx = st.db.pool.begin().await?;
            if store::add_thanks(&mut tx, &exchange_id, &viewer.user_id, &to, &text).await? {
                crate::notifications::notify(
                    &mut tx,
                    &st.config.public_url,
                    &to,
                    &format!("{} thanked you", viewer.display_name),
                    &format!("/members/{to}"),
                )
                .await?;
            }
            tx.commit().await?;
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}?thanked=1"));
            Ok(())
        }
        .await,
    )
}

/// A participant chooses to share their email address with the other person in this
/// exchange (it is posted as a message, seen only by the two of them). Nothing is shared
/// otherwise.
#[server(endpoint = "share_contact")]
pub async fn share_contact(exchange_id: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let row = load_as_participant(&st, &viewer, &exchange_id, "share details in it").await?;
            let Some(email) = viewer.email.clone() else {
                return Err(AppError::Conflict("There is no email address on your account to share.".into()));
            };
            let mut tx = st.db.pool.begin().await?;
            let body = format!("{} shared their email address: {email}", viewer.display_name);
            store::insert_message(&mut tx, &exchange_id, &viewer.user_id, &body, MessageKind::Contact).await?;
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &row.exchange.other_participant(&viewer.user_id),
                &format!("{} shared their email address with you", viewer.display_name),
                &format!("/exchanges/{exchange_id}#messages"),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}#messages"));
            Ok(())
        }
        .await,
    )
}
