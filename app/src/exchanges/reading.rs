//! Reading exchanges: one exchange with its messages, thanks and the viewer's next steps;
//! and the member's list of their exchanges.

#[allow(unused_imports)]
use super::*;

#[cfg(feature = "ssr")]
use super::domain::{available_steps, Sides};

/// One exchange with its messages, for its participants (and the area's builders).
#[server(endpoint = "get_exchange")]
pub async fn get_exchange(id: String) -> Result<ExchangeView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (row, participant) = load(&st, &viewer, &id).await?;
            if participant {
                // Seen: what they were told about this exchange is no longer new.
                let link = format!("/exchanges/{id}");
                crate::notifications::seen(&st.db, &viewer.user_id, &link).await?;
            }
            let e = &row.exchange;
            let status = e.status();
            let i_am_owner = e.owner_id == viewer.user_id;
            let recorded_by_me = e.recorded_by.as_deref() == Some(viewer.user_id.as_str());
            let other_name = if e.provider_id == viewer.user_id { row.receiver_name.clone() } else { row.provider_name.clone() };
            let steps = if participant {
                available_steps(status, Sides { is_owner: i_am_owner, recorded_by_me })
                    .into_iter()
                    .map(|(name, label)| (name.to_string(), label.to_string()))
                    .collect()
            } else {
                vec![]
            };
            let messages = message_views(&st, &id, &viewer.user_id, participant).await?;
            let thanks_rows = store::thanks(&st.db, &id).await?;
            let thanked = thanks_rows.iter().any(|r| r.from_id == viewer.user_id);
            let thanks = thanks_rows.into_iter().map(|r| (r.display_name, r.body)).collect();
            Ok(ExchangeView {
                can_resolve: !participant && status == ExchangeStatus::Disputed,
                thanks,
                can_thank: participant && status == ExchangeStatus::Confirmed && !thanked,
                id: id.clone(),
                listing_id: e.listing_id.clone(),
                listing_title: row.listing_title.clone(),
                status,
                provider_name: row.provider_name.clone(),
                receiver_name: row.receiver_name.clone(),
                other_name,
                i_am_participant: participant,
                i_am_owner,
                recorded_minutes: e.recorded_minutes,
                happened_on: e.happened_on.clone(),
                recorded_by_me,
                reason: e.reason.clone(),
                messages,
                steps,
            })
        }
        .await,
    )
}

/// An exchange's messages as `me` sees them.
#[cfg(feature = "ssr")]
async fn message_views(st: &AppState, exchange_id: &str, me: &str, participant: bool) -> Result<Vec<MessageView>, AppError> {
    Ok(store::messages(&st.db, exchange_id)
        .await?
        .into_iter()
        .map(|m| {
            let contact = m.kind() == MessageKind::Contact;
            MessageView {
                contact,
                mine: m.author_id == me,
                author_name: m.display_name,
                // Contact details shared between the two stay between the two (builders
                // reading a dispute see that they were shared, not what).
                body: if participant || !contact { m.body } else { "(shared their contact details with the other member)".to_string() },
                created_at: m.created_at,
                id: m.id,
            }
        })
        .collect())
}

/// The signed-in member's exchanges, most recently active first.
#[server(endpoint = "my_exchanges")]
pub async fn my_exchanges() -> Result<Vec<ExchangeRow>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_active_member(&viewer)?;
            store::mine(&st.db, &viewer.user_id).await
        }
        .await,
    )
}
