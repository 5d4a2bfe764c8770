//! Exchanges in the database: the exchange row, its messages and thank-yous, every step's
//! update, and the reads behind the exchange page and "my exchanges".

use super::domain::{ExchangeStatus, MessageKind};
use super::ExchangeRow;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::platform::direct::Arg;
use sqlx::{Any, Executor, Transaction};

/// The columns of `exchanges` the application reads.
const EXCHANGE_COLUMNS: &str =
    "e.id, e.network_id, e.listing_id, e.title, e.owner_id, e.asker_id, e.provider_id, e.receiver_id, e.status, e.recorded_minutes, e.recorded_by, e.reason, e.happened_on";

/// One exchange as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Exchange {
    pub id: String,
    pub network_id: String,
    pub listing_id: String,
    /// The listing's title when the exchange began.
    pub title: String,
    /// The listing's owner.
    pub owner_id: String,
    /// Who responded to the listing.
    pub asker_id: String,
    /// Who gives the help (earns the hours).
    pub provider_id: String,
    /// Who is helped (pays the hours).
    pub receiver_id: String,
    pub status: String,
    pub recorded_minutes: Option<i64>,
    pub recorded_by: Option<String>,
    pub reason: Option<String>,
    /// The day the help happened, when it was not the day the hours were recorded.
    pub happened_on: Option<String>,
}

impl Exchange {
    /// The stored status (an unknown one reads as cancelled: nothing more can happen).
    pub fn status(&self) -> ExchangeStatus {
        ExchangeStatus::parse(&self.status).unwrap_or(ExchangeStatus::Cancelled)
    }

    /// Whether `user` is one of the two people in the exchange.
    pub fn has_participant(&self, user: &str) -> bool {
        self.owner_id == user || self.asker_id == user
    }

    /// The participant who is not `me`.
    pub fn other_participant(&self, me: &str) -> String {
        if self.owner_id == me {
            self.asker_id.clone()
        } else {
            self.owner_id.clone()
        }
    }
}

/// An exchange with the names the page shows.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NamedExchange {
    #[sqlx(flatten)]
    pub exchange: Exchange,
    /// The listing's title now.
    pub listing_title: String,
    pub provider_name: String,
    pub receiver_name: String,
}

/// What a new exchange starts with (status `requested`).
pub struct NewExchange<'a> {
    pub id: &'a str,
    pub network_id: &'a str,
    pub listing_id: &'a str,
    pub title: &'a str,
    pub owner_id: &'a str,
    pub asker_id: &'a str,
    pub provider_id: &'a str,
    pub receiver_id: &'a str,
    pub at: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, e: &NewExchange<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO exchanges (id, network_id, listing_id, title, owner_id, asker_id, provider_id, receiver_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, $9, $4, $5, $6, $7, 'requested', $8, $8)",
    )
    .bind(e.id)
    .bind(e.network_id)
    .bind(e.listing_id)
    .bind(e.owner_id)
    .bind(e.asker_id)
    .bind(e.provider_id)
    .bind(e.receiver_id)
    .bind(e.at)
    .bind(e.title)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One exchange by id.
pub async fn get(db: &Db, id: &str) -> Result<Option<Exchange>, AppError> {
    Ok(sqlx::query_as::<_, Exchange>(&format!("SELECT {EXCHANGE_COLUMNS} FROM exchanges e WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// One exchange by id, with the listing's title and the two people's names.
pub async fn get_named(db: &Db, id: &str) -> Result<Option<NamedExchange>, AppError> {
    Ok(sqlx::query_as::<_, NamedExchange>(&format!(
        "SELECT {EXCHANGE_COLUMNS}, l.title AS listing_title, p.display_name AS provider_name, r.display_name AS receiver_name
         FROM exchanges e JOIN listings l ON l.id = e.listing_id JOIN users p ON p.id = e.provider_id JOIN users r ON r.id = e.receiver_id
         WHERE e.id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The localities of two members' memberships in a network.
pub async fn member_localities(db: &Db, network_id: &str, a: &str, b: &str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT locality_id FROM memberships WHERE network_id = $1 AND user_id IN ($2, $3)")
        .bind(network_id)
        .bind(a)
        .bind(b)
        .fetch_all(&db.pool)
        .await?)
}

/// Claims a recorded exchange for confirmation (recorded → confirmed); true if this call won.
pub async fn claim_confirmed(db: &Db, id: &str, at: i64) -> Result<bool, AppError> {
    Ok(sqlx::query("UPDATE exchanges SET status = 'confirmed', updated_at = $1 WHERE id = $2 AND status = 'recorded'")
        .bind(at)
        .bind(id)
        .execute(&db.pool)
        .await?
        .rows_affected()
        != 0)
}

/// Undoes a claim whose transfer the ledger refused (confirmed → recorded).
pub async fn unclaim_confirmed(db: &Db, id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE exchanges SET status = 'recorded' WHERE id = $1 AND status = 'confirmed'").bind(id).execute(&db.pool).await?;
    Ok(())
}

/// Links an exchange to its posted transfer.
pub async fn set_transfer<'e>(ex: impl Executor<'e, Database = Any>, id: &str, transfer_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE exchanges SET transfer_id = $1 WHERE id = $2").bind(transfer_id).bind(id).execute(ex).await?;
    Ok(())
}

/// Confirmed exchanges without their transfer, last changed before `before`.
pub async fn confirmed_without_transfer(db: &Db, before: i64) -> Result<Vec<Exchange>, AppError> {
    Ok(sqlx::query_as::<_, Exchange>(&format!(
        "SELECT {EXCHANGE_COLUMNS} FROM exchanges e WHERE e.status = 'confirmed' AND e.transfer_id IS NULL AND e.updated_at < $1"
    ))
    .bind(before)
    .fetch_all(&db.pool)
    .await?)
}

/// A step from `from` to `to`. A non-empty `reason` replaces the stored one; a positive
/// `recorded_minutes` records the hours (by `by`, at `at`).
pub struct StepChange<'a> {
    pub id: &'a str,
    pub from: ExchangeStatus,
    pub to: ExchangeStatus,
    pub at: i64,
    pub reason: &'a str,
    pub recorded_minutes: i64,
    /// With the hours: the day the help happened, if not today.
    pub happened_on: Option<&'a str>,
    pub by: &'a str,
}

/// Applies a step if the exchange is still in `from`; true if it was.
pub async fn apply_step(tx: &mut Transaction<'_, Any>, c: &StepChange<'_>) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "UPDATE exchanges SET status = $1, updated_at = $2,
            reason = CASE WHEN $3 = '' THEN reason ELSE $3 END,
            recorded_minutes = CASE WHEN $4 > 0 THEN $4 ELSE recorded_minutes END,
            recorded_by = CASE WHEN $4 > 0 THEN $5 ELSE recorded_by END,
            recorded_at = CASE WHEN $4 > 0 THEN $2 ELSE recorded_at END,
            happened_on = CASE WHEN $4 > 0 THEN $8 ELSE happened_on END
     WHERE id = $6 AND status = $7",
    )
    .bind(c.to.as_str())
    .bind(c.at)
    .bind(c.reason)
    .bind(c.recorded_minutes)
    .bind(c.by)
    .bind(c.id)
    .bind(c.from.as_str())
    .bind(c.happened_on)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        != 0)
}

/// Marks an exchange as active now (a new message).
pub async fn touch(tx: &mut Transaction<'_, Any>, id: &str, at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE exchanges SET updated_at = $1 WHERE id = $2").bind(at).bind(id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn insert_message(
    tx: &mut Transaction<'_, Any>,
    exchange_id: &str,
    author: &str,
    body: &str,
    kind: MessageKind,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO exchange_messages (id, exchange_id, author_id, body, kind, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(crate::util::new_id())
        .bind(exchange_id)
        .bind(author)
        .bind(body)
        .bind(kind.as_str())
        .bind(crate::util::now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many messages `user` has written since `since`.
pub async fn messages_since(db: &Db, user: &str, since: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) AS n FROM exchange_messages WHERE author_id = $1 AND created_at > $2")
        .bind(user)
        .bind(since)
        .fetch_one(&db.pool)
        .await?)
}

/// One message of an exchange, with its author's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Message {
    pub id: String,
    pub author_id: String,
    pub display_name: String,
    pub body: String,
    pub kind: String,
    pub created_at: i64,
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        MessageKind::parse(&self.kind)
    }
}

/// An exchange's messages, oldest first.
pub async fn messages(db: &Db, exchange_id: &str) -> Result<Vec<Message>, AppError> {
    Ok(sqlx::query_as::<_, Message>(
        "SELECT m.id, m.author_id, u.display_name, m.body, m.kind, m.created_at FROM exchange_messages m JOIN users u ON u.id = m.author_id
         WHERE m.exchange_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(exchange_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A thank-you left on an exchange, with its writer's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Thanks {
    pub from_id: String,
    pub display_name: String,
    pub body: String,
}

/// An exchange's thank-yous, oldest first.
pub async fn thanks(db: &Db, exchange_id: &str) -> Result<Vec<Thanks>, AppError> {
    Ok(sqlx::query_as::<_, Thanks>(
        "SELECT t.from_id, u.display_name, t.body FROM thanks t JOIN users u ON u.id = t.from_id WHERE t.exchange_id = $1 ORDER BY t.created_at",
    )
    .bind(exchange_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Leaves a thank-you (once per person and exchange); true if it was new.
pub async fn add_thanks(tx: &mut Transaction<'_, Any>, exchange_id: &str, from: &str, to: &str, body: &str) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "INSERT INTO thanks (exchange_id, from_id, to_id, body, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (exchange_id, from_id) DO NOTHING",
    )
    .bind(exchange_id)
    .bind(from)
    .bind(to)
    .bind(body)
    .bind(crate::util::now())
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

crate::read_row! {
    struct MineRow {
        id: String,
        status: String,
        updated_at: i64,
        title: String,
        other_name: String,
    }
}

/// The query for [`MineRow`]s as seen by the member bound to `$1`, with the given filter
/// and order (a literal, so the whole query is one constant string).
macro_rules! mine_rows {
    ($rest:literal) => {
        concat!(
            "SELECT e.id, e.status, e.updated_at, l.title, CASE WHEN e.provider_id = $1 THEN r.display_name ELSE p.display_name END AS other_name
             FROM exchanges e JOIN listings l ON l.id = e.listing_id JOIN users p ON p.id = e.provider_id JOIN users r ON r.id = e.receiver_id ",
            $rest
        )
    };
}

impl MineRow {
    fn into_row(self) -> ExchangeRow {
        ExchangeRow {
            id: self.id,
            listing_title: self.title,
            other_name: self.other_name,
            status: ExchangeStatus::parse(&self.status).unwrap_or(ExchangeStatus::Cancelled),
            updated_at: self.updated_at,
        }
    }
}

/// The exchanges waiting for `user` to act: a response to their listing to answer, or hours
/// the other person recorded to confirm. Oldest first (the longest waiting); at most 20.
pub async fn waiting_for(db: &Db, user: &str) -> Result<Vec<ExchangeRow>, AppError> {
    let sql = mine_rows!(
        "WHERE (e.status = 'requested' AND e.owner_id = $1)
                OR (e.status = 'recorded' AND (e.owner_id = $1 OR e.asker_id = $1) AND e.recorded_by <> $1)
             ORDER BY e.updated_at, e.id LIMIT 20"
    );
    Ok(db.read_all::<MineRow>(sql, &[Arg::from(user)]).await?.into_iter().map(MineRow::into_row).collect())
}

/// A member's exchanges (either side), most recently active first; at most 100.
pub async fn mine(db: &Db, user: &str) -> Result<Vec<ExchangeRow>, AppError> {
    Ok(sqlx::query_as::<_, MineRow>(mine_rows!("WHERE e.owner_id = $1 OR e.asker_id = $1 ORDER BY e.updated_at DESC, e.id LIMIT 100"))
        .bind(user)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(MineRow::into_row)
        .collect())
}
