//! Closing one's own account, from Account. Asking (with the password and a tick): the
//! member's listings close, exchanges not yet under way are cancelled (the other person is
//! told), and they are emailed the day it happens. Until the network's grace period ends
//! (`networks.closure_grace_days`, default 30) they may sign in and keep the account. Then
//! the background jobs settle their hours (a balance left is given to the community pool;
//! a balance owed is written off by the network account, so the ledger still balances and
//! verifies) and erase what identifies them: their exchanges and messages stay for the
//! other person, under "Former member".

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::store;
#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};

/// Where closing the signed-in account stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// The day it will be erased ("7 January 2027"), while it is closing.
    pub erased_on: Option<String>,
    /// Days between asking and the erasure.
    pub grace_days: i64,
}

/// Whether the signed-in member's account is closing, and the grace period.
#[server(endpoint = "my_closing")]
pub async fn my_closing() -> Result<Closing, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (closing, grace_days) = store::closing_of(&st.db, &viewer.user_id).await?;
            Ok(Closing { erased_on: closing.map(|(_, at)| crate::util::format_date(at)), grace_days })
        }
        .await,
    )
}

/// The member asks to close their account.
#[server(endpoint = "close_my_account")]
pub async fn close_my_account(password: String, understood: Option<String>) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            if viewer.is_site_admin {
                return Err(AppError::Forbidden(
                    "A site administrator's account cannot be closed here: ask another administrator to take the role away first.".into(),
                ));
            }
            if understood.is_none() {
                return FormProblem::new().field("understood", "Tick the box to say you understand what closing does.").into_result();
            }
            crate::auth::confirm_password(&st, &viewer.user_id, password, "password").await?;
            let at = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            if !store::start_closing(&mut tx, &viewer.user_id, at).await? {
                return Err(AppError::Conflict("Your account is closing already.".into()));
            }
            store::close_listings_of(&mut tx, &viewer.user_id, at).await?;
            for e in store::open_exchanges_of(&mut tx, &viewer.user_id).await? {
                use crate::exchanges::domain::ExchangeStatus;
                let from = ExchangeStatus::parse(&e.status).unwrap_or(ExchangeStatus::Requested);
                let change = crate::exchanges::store::StepChange {
                    id: &e.id,
                    from,
                    to: ExchangeStatus::Cancelled,
                    at,
                    reason: "They closed their account.",
                    recorded_minutes: 0,
                    happened_on: None,
                    by: &viewer.user_id,
                };
                if crate::exchanges::store::apply_step(&mut tx, &change).await? {
                    let text = format!("{} closed their account, so \"{}\" is cancelled", viewer.display_name, e.title);
                    crate::notifications::notify(&mut tx, &st.config.public_url, &e.other_id, &text, &format!("/exchanges/{}", e.id))
                        .await?;
                }
            }
            tx.commit().await?;
            if let (Some(email), (Some((_, erased)), _)) = (&viewer.email, store::closing_of(&st.db, &viewer.user_id).await?) {
                let mut tx = st.db.pool.begin().await?;
                crate::email::queue(
                    &mut tx,
                    email,
                    "Your Timeweave account is closing",
                    &format!(
                        "Hello {},\n\nYou asked us to close your Timeweave account. Your listings are closed. On {} we will erase \
                         your name, email, phone, photo and what you wrote about yourself; hours you have left go to the community \
                         pool. Your messages stay for the people you wrote to, under \"Former member\".\n\nChanged your mind? \
                         Sign in before then and choose \"Keep my account\": {}/account\n",
                        viewer.display_name,
                        crate::util::format_date(erased),
                        st.config.public_url
                    ),
                )
                .await?;
                tx.commit().await?;
            }
            leptos_axum::redirect("/account?changed=closing");
            Ok(())
        }
        .await,
    )
}

/// The member changed their mind before the erasure.
#[server(endpoint = "keep_my_account")]
pub async fn keep_my_account() -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            if !store::stop_closing(&st.db, &viewer.user_id).await? {
                return Err(AppError::Conflict("Your account is not closing.".into()));
            }
            leptos_axum::redirect("/account?changed=kept");
            Ok(())
        }
        .await,
    )
}

/// Settles and erases the accounts whose grace period has ended; how many were erased.
#[cfg(feature = "ssr")]
pub async fn erase_closed_accounts(st: &AppState, t: i64) -> Result<usize, AppError> {
    use crate::ledger::domain::TransferKind;
    use crate::ledger::store::{AccountRef, NewTransfer, Outcome};
    let mut erased = 0;
    'people: for user_id in store::closings_due(&st.db, t).await? {
        for (network_id, balance) in store::member_balances(&st.db, &user_id).await? {
            if balance == 0 {
                continue;
            }
            let me = AccountRef::Member(user_id.clone());
            let (kind, legs, memo) = if balance > 0 {
                (TransferKind::Donation, vec![(me, -balance), (AccountRef::Pool, balance)], "Hours left when the account closed")
            } else {
                (
                    TransferKind::Adjustment,
                    vec![(AccountRef::Network, balance), (me, -balance)],
                    "Hours owed when the account closed, written off",
                )
            };
            let transfer = NewTransfer {
                reason: Some("The member closed their account.".into()),
                ..NewTransfer::new(crate::ledger::closing_transfer_id(&network_id, &user_id), &network_id, kind, legs, memo)
            };
            if let Outcome::Refused(r) = st.ledger.apply(transfer).await? {
                // For a builder to sort out; the erasure waits, tried again at the next pass.
                tracing::warn!(user = %user_id, network = %network_id, "closing an account: hours not settled: {}", r.message());
                continue 'people;
            }
        }
        let mut tx = st.db.pool.begin().await?;
        if store::erase(&mut tx, &user_id, t).await? {
            erased += 1;
        }
        tx.commit().await?;
    }
    Ok(erased)
}
