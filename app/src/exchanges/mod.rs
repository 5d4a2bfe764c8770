//! Exchanges (issue 4, second part): from a listing, one member responds with a first
//! message; the owner accepts or declines; they write to each other; one side records the
//! hours and the other confirms (one ledger transfer, linked to the exchange) or disputes.
//!
//! Only the two participants (and the community builders of the listing's area, read
//! only) can see an exchange. Members' email addresses and phone numbers are never part
//! of it.

mod disputes;
pub mod domain;
pub mod pages;
pub use disputes::*;

use crate::error::AppError;
use domain::ExchangeStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    networks::domain::{require_active_member, Viewer},
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};
#[cfg(feature = "ssr")]
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    /// Shared contact details (never reportable: builders must not see them).
    pub contact: bool,
    pub author_name: String,
    pub mine: bool,
    pub body: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeView {
    pub id: String,
    pub listing_id: String,
    pub listing_title: String,
    pub status: ExchangeStatus,
    pub provider_name: String,
    pub receiver_name: String,
    pub other_name: String,
    pub i_am_participant: bool,
    pub i_am_owner: bool,
    pub recorded_minutes: Option<i64>,
    pub recorded_by_me: bool,
    pub reason: Option<String>,
    pub messages: Vec<MessageView>,
    /// The steps this viewer may take now: (step, button label).
    pub steps: Vec<(String, String)>,
    /// Thank-yous left so far: (from, text).
    pub thanks: Vec<(String, String)>,
    /// The exchange is done and this participant has not thanked the other yet.
    pub can_thank: bool,
    /// A community builder (not a participant) may settle this disputed exchange.
    pub can_resolve: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRow {
    pub id: String,
    pub listing_title: String,
    pub other_name: String,
    pub status: ExchangeStatus,
    pub updated_at: i64,
}

/// Messages one person may send in 10 minutes.
pub const MESSAGES_PER_10_MIN: i64 = 20;
pub const MESSAGE_MAX_CHARS: usize = 2000;

#[cfg(feature = "ssr")]
fn read_message(problem: &mut FormProblem, body: &str) -> Option<String> {
    let b = body.trim();
    if crate::util::has_control_chars(b) {
        problem.push("body", "Please use ordinary letters, numbers and punctuation.");
        None
    } else if b.is_empty() {
        problem.push("body", "Write a message.");
        None
    } else if b.chars().count() > MESSAGE_MAX_CHARS {
        problem.push("body", "Keep a message under 2,000 characters.");
        None
    } else {
        Some(b.to_string())
    }
}

#[cfg(feature = "ssr")]
async fn add_message(tx: &mut sqlx::Transaction<'_, sqlx::Any>, exchange_id: &str, author: &str, body: &str) -> Result<(), AppError> {
    add_message_of_kind(tx, exchange_id, author, body, "message").await
}

#[cfg(feature = "ssr")]
async fn add_message_of_kind(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    exchange_id: &str,
    author: &str,
    body: &str,
    kind: &str,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO exchange_messages (id, exchange_id, author_id, body, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(crate::util::new_id())
        .bind(exchange_id)
        .bind(author)
        .bind(body)
        .bind(kind)
        .bind(crate::util::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(feature = "ssr")]
async fn check_rate(st: &AppState, user: &str) -> Result<(), AppError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM exchange_messages WHERE author_id = $1 AND created_at > $2")
        .bind(user)
        .bind(crate::util::now() - 600)
        .fetch_one(&st.db.pool)
        .await?
        .get("n");
    if n >= MESSAGES_PER_10_MIN {
        return Err(AppError::TooManyAttempts {
            message: "You have sent a lot of messages in a short time. Please wait a few minutes.".into(),
            retry_after_secs: 600,
        });
    }
    Ok(())
}

/// Responds to a listing: "I can help" (a request) or "I'd like this" (an offer).
#[server(endpoint = "start_exchange")]
pub async fn start_exchange(listing_id: String, body: String) -> Result<(), AppError> {
    finish(async {
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
        if listing.card.hidden || !crate::ledger::queries::is_active_member(&st.db, &network, &listing.owner_id).await? {
            return Err(AppError::not_found("listing"));
        }
        if listing.card.status != crate::listings::domain::ListingStatus::Open || listing.card.expires_at <= crate::util::now() {
            return Err(AppError::Conflict("This listing is not open any more.".into()));
        }
        let mut problem = FormProblem::new().keep("body", &body);
        let body = read_message(&mut problem, &body);
        problem.into_result()?;
        let body = body.unwrap_or_default();
        check_rate(&st, &viewer.user_id).await?;
        let (provider, receiver) = match listing.card.kind {
            crate::listings::domain::ListingKind::Offer => (listing.owner_id.clone(), viewer.user_id.clone()),
            crate::listings::domain::ListingKind::Request => (viewer.user_id.clone(), listing.owner_id.clone()),
        };
        let id = crate::util::new_id();
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query(
            "INSERT INTO exchanges (id, network_id, listing_id, title, owner_id, asker_id, provider_id, receiver_id, status, created_at, updated_at)
             VALUES ($1, $2, $3, $9, $4, $5, $6, $7, 'requested', $8, $8)",
        )
        .bind(&id)
        .bind(&network)
        .bind(&listing_id)
        .bind(&listing.owner_id)
        .bind(&viewer.user_id)
        .bind(&provider)
        .bind(&receiver)
        .bind(t)
        .bind(&listing.card.title)
        .execute(&mut *tx)
        .await?;
        add_message(&mut tx, &id, &viewer.user_id, &body).await?;
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
    }.await)
}

/// The exchange's one ledger transfer: its id is fixed by the exchange and its content by
/// the exchange's row, so every attempt (a person, a retry, the automatic confirmation,
/// the repair job) asks for exactly the same transfer and it is applied once.
#[cfg(feature = "ssr")]
fn exchange_transfer(row: &sqlx::any::AnyRow) -> crate::ledger::store::NewTransfer {
    use crate::ledger::store::{AccountRef, NewTransfer};
    let id: String = row.get("id");
    let minutes: i64 = row.get::<Option<i64>, _>("recorded_minutes").unwrap_or(0);
    NewTransfer {
        id: crate::ledger::exchange_transfer_id(&id),
        network_id: row.get("network_id"),
        kind: crate::ledger::domain::TransferKind::Exchange,
        legs: vec![(AccountRef::Member(row.get("receiver_id")), -minutes), (AccountRef::Member(row.get("provider_id")), minutes)],
        memo: row.get("title"),
        category: None,
        exchange_id: Some(id),
        reverses_id: None,
        reason: None,
        recorded_by: row.get("recorded_by"),
        audit: vec![],
    }
}

/// Confirms recorded hours. First claims the exchange (recorded → confirmed, one winner, so
/// a dispute cannot slip in between), then posts its one ledger transfer, then tells the
/// other side. If the ledger refuses (a limit), the claim is undone. If the process dies
/// between claim and transfer, `jobs` finds the confirmed exchange without its transfer and
/// posts it. `by` is the confirming participant, or `None` for the automatic confirmation.
#[cfg(feature = "ssr")]
pub async fn confirm_exchange(
    st: &AppState,
    exchange_id: &str,
    by_name: &str,
    by: Option<&str>,
    audit: Vec<crate::audit::store::AuditEntry>,
) -> Result<Result<(), crate::ledger::domain::TransferRefusal>, AppError> {
    use crate::ledger::store::Outcome;
    let t = crate::util::now();
    let claimed = sqlx::query("UPDATE exchanges SET status = 'confirmed', updated_at = $1 WHERE id = $2 AND status = 'recorded'")
        .bind(t)
        .bind(exchange_id)
        .execute(&st.db.pool)
        .await?
        .rows_affected();
    let Some(row) = sqlx::query("SELECT * FROM exchanges WHERE id = $1").bind(exchange_id).fetch_optional(&st.db.pool).await? else {
        return Err(AppError::not_found("exchange"));
    };
    if claimed == 0 {
        // Someone else confirmed it: nothing more to do here. Anything else: not now.
        return if row.get::<String, _>("status") == "confirmed" {
            Ok(Ok(()))
        } else {
            Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()))
        };
    }
    let mut transfer = exchange_transfer(&row);
    transfer.audit = audit;
    if let Outcome::Refused(r) = st.ledger.apply(transfer).await? {
        sqlx::query("UPDATE exchanges SET status = 'recorded' WHERE id = $1 AND status = 'confirmed'")
            .bind(exchange_id)
            .execute(&st.db.pool)
            .await?;
        return Ok(Err(r));
    }
    let mut tx = st.db.pool.begin().await?;
    sqlx::query("UPDATE exchanges SET transfer_id = $1 WHERE id = $2")
        .bind(crate::ledger::exchange_transfer_id(exchange_id))
        .bind(exchange_id)
        .execute(&mut *tx)
        .await?;
    let title: String = row.get("title");
    let link = format!("/exchanges/{exchange_id}");
    let told: Vec<String> = match by {
        Some(me) => vec![other_participant(&row, me)],
        None => vec![row.get("owner_id"), row.get("asker_id")],
    };
    for user in told {
        let text = match by {
            Some(_) => format!("{by_name} confirmed the hours for \"{title}\""),
            None if by_name.is_empty() => format!("The hours for \"{title}\" were confirmed automatically"),
            None => format!(
                "{by_name}, a community builder, settled the hours for \"{title}\": {}",
                row.get::<Option<String>, _>("reason").unwrap_or_default()
            ),
        };
        crate::notifications::notify(&mut tx, &st.config.public_url, &user, &text, &link).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// Posts the transfer of any confirmed exchange that lacks it (a process died between the
/// claim and the ledger; a minute's grace lets a live confirmation finish first). Returns
/// how many it repaired.
#[cfg(feature = "ssr")]
pub async fn repair_confirmed(st: &AppState) -> Result<usize, AppError> {
    let rows = sqlx::query("SELECT e.* FROM exchanges e WHERE e.status = 'confirmed' AND e.transfer_id IS NULL AND e.updated_at < $1")
        .bind(crate::util::now() - 60)
        .fetch_all(&st.db.pool)
        .await?;
    let mut repaired = 0;
    for row in rows {
        let transfer = exchange_transfer(&row);
        if let crate::ledger::store::Outcome::Applied { .. } | crate::ledger::store::Outcome::AlreadyApplied { .. } =
            st.ledger.apply(transfer.clone()).await?
        {
            sqlx::query("UPDATE exchanges SET transfer_id = $1 WHERE id = $2")
                .bind(&transfer.id)
                .bind(row.get::<String, _>("id"))
                .execute(&st.db.pool)
                .await?;
            repaired += 1;
        }
    }
    Ok(repaired)
}

/// The participant who is not `me`.
#[cfg(feature = "ssr")]
fn other_participant(row: &sqlx::any::AnyRow, me: &str) -> String {
    let owner: String = row.get("owner_id");
    if owner == me {
        row.get("asker_id")
    } else {
        owner
    }
}

/// What the other side is told after a step.
#[cfg(feature = "ssr")]
fn step_notice(step: domain::Step, who: &str, title: &str, minutes: Option<i64>) -> String {
    use domain::Step;
    match step {
        Step::Accept => format!("{who} accepted your request about \"{title}\""),
        Step::Decline => format!("{who} declined your request about \"{title}\""),
        Step::Cancel => format!("{who} cancelled the exchange about \"{title}\""),
        Step::Record => {
            format!("{who} recorded {} for \"{title}\". Please confirm it", crate::ledger::domain::Minutes(minutes.unwrap_or(0)).display())
        }
        Step::Confirm => format!("{who} confirmed the hours for \"{title}\""),
        Step::Dispute => format!("{who} says something is wrong with the hours for \"{title}\". A community builder will help"),
    }
}

/// An exchange's row, and whether this viewer is a participant (None: may not see it).
#[cfg(feature = "ssr")]
async fn load(st: &AppState, viewer: &Viewer, id: &str) -> Result<(sqlx::any::AnyRow, bool), AppError> {
    let Some(row) = sqlx::query(
        "SELECT e.*, l.title AS listing_title, l.locality_id, p.display_name AS provider_name, r.display_name AS receiver_name
         FROM exchanges e JOIN listings l ON l.id = e.listing_id JOIN users p ON p.id = e.provider_id JOIN users r ON r.id = e.receiver_id
         WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(&st.db.pool)
    .await?
    else {
        return Err(AppError::not_found("exchange"));
    };
    let participant = row.get::<String, _>("owner_id") == viewer.user_id || row.get::<String, _>("asker_id") == viewer.user_id;
    if !participant {
        // The builders who look after either member may read it (disputes come to them);
        // the listing's area does not count, since its owner picks it freely.
        let network: String = row.get("network_id");
        let localities: Vec<String> = sqlx::query("SELECT locality_id FROM memberships WHERE network_id = $1 AND user_id IN ($2, $3)")
            .bind(&network)
            .bind(row.get::<String, _>("provider_id"))
            .bind(row.get::<String, _>("receiver_id"))
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| r.get("locality_id"))
            .collect();
        if !localities.iter().any(|l| crate::networks::domain::require_builder_for(viewer, &network, l).is_ok()) {
            return Err(AppError::not_found("exchange"));
        }
    } else {
        crate::networks::domain::require_any_role(viewer)?;
    }
    Ok((row, participant))
}

/// One exchange with its messages, for its participants (and the area's builders).
#[server(endpoint = "get_exchange")]
pub async fn get_exchange(id: String) -> Result<ExchangeView, AppError> {
    finish(async {
        use domain::{next, Sides, Step};
        let st = state()?;
        let viewer = signed_in().await?;
        let (row, participant) = load(&st, &viewer, &id).await?;
        let status = ExchangeStatus::parse(&row.get::<String, _>("status")).unwrap_or(ExchangeStatus::Cancelled);
        let i_am_owner = row.get::<String, _>("owner_id") == viewer.user_id;
        let recorded_by_me = row.get::<Option<String>, _>("recorded_by").as_deref() == Some(viewer.user_id.as_str());
        let provider_id: String = row.get("provider_id");
        let (provider_name, receiver_name): (String, String) = (row.get("provider_name"), row.get("receiver_name"));
        let other_name = if provider_id == viewer.user_id { receiver_name.clone() } else { provider_name.clone() };
        let sides = Sides { is_owner: i_am_owner, recorded_by_me };
        let mut steps = vec![];
        if participant {
            for (step, name, label) in [
                (Step::Accept, "accept", "Accept"),
                (Step::Decline, "decline", "Decline"),
                (Step::Confirm, "confirm", "Confirm the hours"),
                (Step::Dispute, "dispute", "Something is wrong"),
                (Step::Cancel, "cancel", "Cancel the exchange"),
            ] {
                if status != ExchangeStatus::Confirmed && next(status, step, sides).is_ok() {
                    steps.push((name.to_string(), label.to_string()));
                }
            }
            if next(status, Step::Record, sides).is_ok() {
                steps.push(("record".into(), "Record the hours".into()));
            }
        }
        let messages = sqlx::query(
            "SELECT m.id, m.author_id, u.display_name, m.body, m.kind, m.created_at FROM exchange_messages m JOIN users u ON u.id = m.author_id
             WHERE m.exchange_id = $1 ORDER BY m.created_at, m.id",
        )
        .bind(&id)
        .fetch_all(&st.db.pool)
        .await?
        .into_iter()
        .map(|m| MessageView {
            id: m.get("id"),
            contact: m.get::<String, _>("kind") == "contact",
            mine: m.get::<String, _>("author_id") == viewer.user_id,
            author_name: m.get("display_name"),
            // Contact details shared between the two stay between the two (builders reading
            // a dispute see that they were shared, not what).
            body: if participant || m.get::<String, _>("kind") != "contact" {
                m.get("body")
            } else {
                "(shared their contact details with the other member)".to_string()
            },
            created_at: m.get("created_at"),
        })
        .collect();
        let thanks_rows = sqlx::query("SELECT t.from_id, u.display_name, t.body FROM thanks t JOIN users u ON u.id = t.from_id WHERE t.exchange_id = $1 ORDER BY t.created_at")
            .bind(&id)
            .fetch_all(&st.db.pool)
            .await?;
        let thanked = thanks_rows.iter().any(|r| r.get::<String, _>("from_id") == viewer.user_id);
        let thanks = thanks_rows.iter().map(|r| (r.get::<String, _>("display_name"), r.get::<String, _>("body"))).collect();
        Ok(ExchangeView {
            can_resolve: !participant && status == ExchangeStatus::Disputed,
            thanks,
            can_thank: participant && status == ExchangeStatus::Confirmed && !thanked,
            id: id.clone(),
            listing_id: row.get("listing_id"),
            listing_title: row.get("listing_title"),
            status,
            provider_name,
            receiver_name,
            other_name,
            i_am_participant: participant,
            i_am_owner,
            recorded_minutes: row.get("recorded_minutes"),
            recorded_by_me,
            reason: row.get("reason"),
            messages,
            steps,
        })
    }.await)
}

/// Writes a message in an exchange (participants only; rate-limited).
#[server(endpoint = "send_message")]
pub async fn send_message(exchange_id: String, body: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (row, participant) = load(&st, &viewer, &exchange_id).await?;
            if !participant {
                return Err(AppError::Forbidden("Only the two people in an exchange can write in it.".into()));
            }
            let mut problem = FormProblem::new().keep("body", &body);
            let body = read_message(&mut problem, &body);
            problem.into_result()?;
            check_rate(&st, &viewer.user_id).await?;
            let mut tx = st.db.pool.begin().await?;
            add_message(&mut tx, &exchange_id, &viewer.user_id, &body.unwrap_or_default()).await?;
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &other_participant(&row, &viewer.user_id),
                &format!("{} wrote to you about \"{}\"", viewer.display_name, row.get::<String, _>("listing_title")),
                &format!("/exchanges/{exchange_id}#messages"),
            )
            .await?;
            sqlx::query("UPDATE exchanges SET updated_at = $1 WHERE id = $2")
                .bind(crate::util::now())
                .bind(&exchange_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}#messages"));
            Ok(())
        }
        .await,
    )
}

/// Accept, decline, cancel, record the hours, confirm or dispute.
#[server(endpoint = "exchange_step")]
pub async fn exchange_step(
    exchange_id: String,
    step: String,
    reason: Option<String>,
    hours: Option<String>,
    minutes: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            use domain::{next, Sides, Step};
            let st = state()?;
            let viewer = signed_in().await?;
            let (row, participant) = load(&st, &viewer, &exchange_id).await?;
            if !participant {
                return Err(AppError::Forbidden("Only the two people in an exchange can change it.".into()));
            }
            let Some(step) = Step::parse(&step) else { return Err(AppError::invalid("step", "Choose what to do.")) };
            let status = ExchangeStatus::parse(&row.get::<String, _>("status")).unwrap_or(ExchangeStatus::Cancelled);
            let sides = Sides {
                is_owner: row.get::<String, _>("owner_id") == viewer.user_id,
                recorded_by_me: row.get::<Option<String>, _>("recorded_by").as_deref() == Some(viewer.user_id.as_str()),
            };
            let to = next(status, step, sides).map_err(|m| AppError::Conflict(m.to_string()))?;
            let (hours, minutes) = (hours.unwrap_or_default(), minutes.unwrap_or_default());
            let reason = reason.unwrap_or_default().trim().to_string();
            let mut problem = FormProblem::new().keep("reason", &reason).keep("hours", &hours).keep("minutes", &minutes);
            if matches!(step, Step::Cancel | Step::Dispute) && reason.chars().count() < 3 {
                problem.push("reason", "Say why, in a few words. The other person will see it.");
            }
            if reason.chars().count() > 500 {
                problem.push("reason", "Keep it under 500 characters.");
            }
            let amount = if step == Step::Record {
                crate::ledger::domain::Minutes::from_parts(&hours, &minutes).map_err(|m| problem.push("hours", m)).ok()
            } else {
                None
            };
            problem.clone().into_result()?;
            let t = crate::util::now();
            if step == Step::Confirm {
                if let Err(r) = confirm_exchange(&st, &exchange_id, &viewer.display_name, Some(&viewer.user_id), vec![]).await? {
                    let mut p = problem;
                    p.summary = format!("The hours could not move: {}", r.message());
                    return Err(AppError::Invalid(p));
                }
            } else {
                let mut tx = st.db.pool.begin().await?;
                let changed = sqlx::query(
                    "UPDATE exchanges SET status = $1, updated_at = $2,
                        reason = CASE WHEN $3 = '' THEN reason ELSE $3 END,
                        recorded_minutes = CASE WHEN $4 > 0 THEN $4 ELSE recorded_minutes END,
                        recorded_by = CASE WHEN $4 > 0 THEN $5 ELSE recorded_by END,
                        recorded_at = CASE WHEN $4 > 0 THEN $2 ELSE recorded_at END
                 WHERE id = $6 AND status = $7",
                )
                .bind(to.as_str())
                .bind(t)
                .bind(&reason)
                .bind(amount.map(|m| m.0).unwrap_or(0))
                .bind(&viewer.user_id)
                .bind(&exchange_id)
                .bind(status.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    tx.rollback().await?;
                    return Err(AppError::Conflict("The exchange changed meanwhile. Please look at it again.".into()));
                }
                crate::notifications::notify(
                    &mut tx,
                    &st.config.public_url,
                    &other_participant(&row, &viewer.user_id),
                    &step_notice(step, &viewer.display_name, &row.get::<String, _>("listing_title"), amount.map(|m| m.0)),
                    &format!("/exchanges/{exchange_id}"),
                )
                .await?;
                tx.commit().await?;
            }
            leptos_axum::redirect(&format!("/exchanges/{exchange_id}?done={}", to.as_str()));
            Ok(())
        }
        .await,
    )
}

/// The signed-in member's exchanges, most recently active first.
#[server(endpoint = "my_exchanges")]
pub async fn my_exchanges() -> Result<Vec<ExchangeRow>, AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        require_active_member(&viewer)?;
        Ok(sqlx::query(
            "SELECT e.id, e.status, e.updated_at, l.title, CASE WHEN e.provider_id = $1 THEN r.display_name ELSE p.display_name END AS other_name
             FROM exchanges e JOIN listings l ON l.id = e.listing_id JOIN users p ON p.id = e.provider_id JOIN users r ON r.id = e.receiver_id
             WHERE e.owner_id = $1 OR e.asker_id = $1 ORDER BY e.updated_at DESC, e.id LIMIT 100",
        )
        .bind(&viewer.user_id)
        .fetch_all(&st.db.pool)
        .await?
        .into_iter()
        .map(|r| ExchangeRow {
            id: r.get("id"),
            listing_title: r.get("title"),
            other_name: r.get("other_name"),
            status: ExchangeStatus::parse(&r.get::<String, _>("status")).unwrap_or(ExchangeStatus::Cancelled),
            updated_at: r.get("updated_at"),
        })
        .collect())
    }.await)
}

/// After a finished exchange, a short thank-you to the other side (once each); it shows on
/// their profile.
#[server(endpoint = "thank")]
pub async fn thank(exchange_id: String, thanks: String) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let (row, participant) = load(&st, &viewer, &exchange_id).await?;
        if !participant {
            return Err(AppError::Forbidden("Only the two people in an exchange can thank each other.".into()));
        }
        if row.get::<String, _>("status") != "confirmed" {
            return Err(AppError::Conflict("You can say thank you once the hours are confirmed.".into()));
        }
        let text = thanks.trim().to_string();
        let mut problem = FormProblem::new().keep("thanks", &thanks);
        match text.chars().count() {
            _ if crate::util::has_control_chars(&text) => problem.push("thanks", "Please use ordinary letters, numbers and punctuation."),
            0 => problem.push("thanks", "Write a few words of thanks."),
            301.. => problem.push("thanks", "Keep it under 300 characters."),
            _ => {}
        }
        problem.into_result()?;
        let to = other_participant(&row, &viewer.user_id);
        let mut tx = st.db.pool.begin().await?;
        let added = sqlx::query(
            "INSERT INTO thanks (exchange_id, from_id, to_id, body, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (exchange_id, from_id) DO NOTHING",
        )
        .bind(&exchange_id)
        .bind(&viewer.user_id)
        .bind(&to)
        .bind(&text)
        .bind(crate::util::now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 1 {
            crate::notifications::notify(&mut tx, &st.config.public_url, &to, &format!("{} thanked you", viewer.display_name), &format!("/members/{to}")).await?;
        }
        tx.commit().await?;
        leptos_axum::redirect(&format!("/exchanges/{exchange_id}?thanked=1"));
        Ok(())
    }.await)
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
            let (row, participant) = load(&st, &viewer, &exchange_id).await?;
            if !participant {
                return Err(AppError::Forbidden("Only the two people in an exchange can share details in it.".into()));
            }
            let Some(email) = viewer.email.clone() else {
                return Err(AppError::Conflict("There is no email address on your account to share.".into()));
            };
            let mut tx = st.db.pool.begin().await?;
            add_message_of_kind(
                &mut tx,
                &exchange_id,
                &viewer.user_id,
                &format!("{} shared their email address: {email}", viewer.display_name),
                "contact",
            )
            .await?;
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &other_participant(&row, &viewer.user_id),
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
