//! Starting an exchange: responding to someone else's open listing with a first message.

#[allow(unused_imports)]
use super::*;

#[cfg(feature = "ssr")]
use crate::listings::domain::{ListingKind, ListingStatus};

/// Responds to a listing: "I can help" (a request) or "I'd like this" (an offer).
#[server(endpoint = "start_exchange")]
pub async fn start_exchange(listing_id: String, body: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let Some((listing, network)) = crate::listings::store::get(&st.db, &listing_id).await? else {
                return Err(AppError::not_found("listing"));
            };
            if network != m.network_id {
                return Err(AppError::not_found("listing"));
            }
            if listing.owner_id == viewer.user_id {
                return Err(AppError::Conflict("This is your own listing.".into()));
            }
            if !crate::listings::member_sees_area(&st, &viewer, &network, &listing.locality_id).await? {
                return Err(AppError::not_found("listing"));
            }
            if listing.card.hidden || !crate::ledger::queries::is_active_member(&st.db, &network, &listing.owner_id).await? {
                return Err(AppError::not_found("listing"));
            }
            if listing.card.status != ListingStatus::Open || listing.card.expires_at <= crate::util::now() {
                return Err(AppError::Conflict("This listing is not open any more.".into()));
            }
            let mut problem = FormProblem::new().keep("body", &body);
            let body = read_message(&mut problem, &body);
            problem.into_result()?;
            let body = body.unwrap_or_default();
            check_rate(&st, &viewer.user_id).await?;
            let (provider, receiver) = match listing.card.kind {
                ListingKind::Offer => (listing.owner_id.as_str(), viewer.user_id.as_str()),
                ListingKind::Request => (viewer.user_id.as_str(), listing.owner_id.as_str()),
            };
            let id = crate::util::new_id();
            let t = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            let new = store::NewExchange {
                id: &id,
                network_id: &network,
                listing_id: &listing_id,
                title: &listing.card.title,
                owner_id: &listing.owner_id,
                asker_id: &viewer.user_id,
                provider_id: provider,
                receiver_id: receiver,
                at: t,
            };
            store::insert(&mut tx, &new).await?;
            store::insert_message(&mut tx, &id, &viewer.user_id, &body, MessageKind::Message).await?;
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &listing.owner_id,
                &format!("{} responded to \"{}\"", viewer.display_name, listing.card.title),
                &format!("/exchanges/{id}"),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/exchanges/{id}"));
            Ok(())
        }
        .await,
    )
}
