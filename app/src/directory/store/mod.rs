//! The directory's SQL: organisations found or made by name, entries written from a
//! checked draft, and the entries of a network read into [`EntryRow`]; the people who act
//! for an organisation are in [`organisations`].

use super::domain::{Cost, EntryKind, Nth, Schedule, Theme, When};
use super::form::EntryDraft;
use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

mod organisations;
pub use organisations::*;

crate::read_row! {
    /// One entry as kept, with its organisation's and area's names.
    #[derive(Clone, Debug)]
    pub struct EntryRow {
        pub id: String,
        pub network_id: String,
        pub locality_id: Option<String>,
        pub locality_name: Option<String>,
        pub organisation_id: String,
        pub organisation: String,
        /// The network's council area (for an address's county in Open Referral).
        pub council_area: String,
        pub kind: String,
        pub theme: String,
        pub title: String,
        pub description: String,
        pub schedule: String,
        pub on_date: Option<String>,
        pub weekday: Option<i64>,
        pub nth: Option<i64>,
        pub from_date: Option<String>,
        pub until_date: Option<String>,
        pub starts_minute: Option<i64>,
        pub ends_minute: Option<i64>,
        pub venue: String,
        pub address: String,
        pub postcode: String,
        pub step_free: i64,
        pub accessibility: String,
        pub cost: String,
        pub cost_detail: String,
        pub audience: String,
        pub how_to_join: String,
        pub contact: String,
        pub public: i64,
        pub status: String,
        pub checked_at: i64,
        pub updated_at: i64,
        /// Places on each date (none: no limit).
        pub places: Option<i64>,
        /// 1 while a new entry from the organisation's people waits for a builder's approval.
        pub proposed: i64,
        pub created_by: String,
    }
}

impl EntryRow {
    /// When it happens, read back from its columns (a row the rules could not have written
    /// reads as `Open`, with no dates, rather than failing the page).
    pub fn when(&self) -> When {
        let day = |d: &Option<String>| d.as_deref().and_then(super::domain::parse_day);
        let weekday = self.weekday.and_then(|w| u8::try_from(w).ok()).filter(|w| *w < 7);
        let schedule = match (self.schedule.as_str(), day(&self.on_date), weekday, self.nth.and_then(Nth::from_db)) {
            ("once", Some(on), _, _) => Schedule::Once { on },
            ("weekly", _, Some(weekday), _) => Schedule::Weekly { weekday },
            ("monthly", _, Some(weekday), Some(nth)) => Schedule::Monthly { nth, weekday },
            _ => Schedule::Open,
        };
        When { schedule, starts: self.starts_minute, ends: self.ends_minute, from: day(&self.from_date), until: day(&self.until_date) }
    }
    /// Step-free access.
    pub fn is_step_free(&self) -> bool {
        self.step_free != 0
    }
    /// Shared publicly: in calendars and the open directory.
    pub fn is_public(&self) -> bool {
        self.public != 0
    }
    /// Open and approved: members find it.
    pub fn is_listed(&self) -> bool {
        self.status == "active" && self.proposed == 0
    }
    /// Added by an organisation's people, waiting for a builder's approval.
    pub fn is_proposed(&self) -> bool {
        self.status == "active" && self.proposed != 0
    }
    pub fn kind(&self) -> EntryKind {
        EntryKind::parse(&self.kind).unwrap_or(EntryKind::Activity)
    }
    pub fn theme(&self) -> Theme {
        Theme::parse(&self.theme).unwrap_or(Theme::Connect)
    }
    pub fn cost(&self) -> Cost {
        Cost::parse(&self.cost).unwrap_or(Cost::Free)
    }
}

const SELECT_ENTRY: &str = "SELECT e.id, e.network_id, e.locality_id, l.name AS locality_name, e.organisation_id, o.name AS organisation,
        n.council_area, e.kind, e.theme,
        e.title, e.description, e.schedule, e.on_date, e.weekday, e.nth, e.from_date, e.until_date, e.starts_minute,
        e.ends_minute, e.venue, e.address, e.postcode, e.step_free, e.accessibility, e.cost, e.cost_detail, e.audience,
        e.how_to_join, e.contact, e.public, e.status, e.checked_at, e.updated_at, e.places,
        e.proposed, e.created_by
    FROM directory_entries e
    JOIN directory_organisations o ON o.id = e.organisation_id
    JOIN networks n ON n.id = e.network_id
    LEFT JOIN localities l ON l.id = e.locality_id";

/// What members find: open and approved (a proposal from an organisation's people waits).
const LISTED: &str = "e.status = 'active' AND e.proposed = 0";

/// The open entries of a network, or of one of its areas (its own and the network-wide
/// ones), by title.
pub async fn open_entries(db: &Db, network_id: &str, locality_id: Option<&str>) -> Result<Vec<EntryRow>, AppError> {
    use crate::platform::direct::Arg;
    match locality_id {
        Some(l) => {
            // Two index lookups (the area's, the network-wide) rather than an OR, which
            // SQLite answers by reading every entry of the network.
            let sql = format!(
                "SELECT * FROM ({SELECT_ENTRY} WHERE e.network_id = $1 AND {LISTED} AND e.locality_id = $2
                 UNION ALL {SELECT_ENTRY} WHERE e.network_id = $1 AND {LISTED} AND e.locality_id IS NULL) u
                 ORDER BY u.title, u.id"
            );
            db.read_all(&sql, &[Arg::Text(network_id), Arg::Text(l)]).await
        }
        None => {
            let sql = format!("{SELECT_ENTRY} WHERE e.network_id = $1 AND {LISTED} ORDER BY e.title, e.id");
            db.read_all(&sql, &[Arg::Text(network_id)]).await
        }
    }
}

/// Every open entry its network shares publicly, of every network, by title.
pub async fn public_entries(db: &Db) -> Result<Vec<EntryRow>, AppError> {
    let sql = format!("{SELECT_ENTRY} WHERE e.public = 1 AND {LISTED} ORDER BY e.title, e.id");
    Ok(sqlx::query_as::<_, EntryRow>(&sql).fetch_all(&db.pool).await?)
}

/// A network's proposals waiting for a builder's approval, oldest first.
pub async fn proposed_entries(db: &Db, network_id: &str) -> Result<Vec<EntryRow>, AppError> {
    let sql = format!("{SELECT_ENTRY} WHERE e.network_id = $1 AND e.proposed = 1 AND e.status = 'active' ORDER BY e.created_at, e.id");
    db.read_all(&sql, &[crate::platform::direct::Arg::Text(network_id)]).await
}

/// One entry, open or closed.
pub async fn entry(db: &Db, id: &str) -> Result<Option<EntryRow>, AppError> {
    let sql = format!("{SELECT_ENTRY} WHERE e.id = $1");
    db.read_optional(&sql, &[crate::platform::direct::Arg::Text(id)]).await
}

/// The id of a network's organisation of that name, made if there is none yet.
async fn organisation_id(tx: &mut Transaction<'_, Any>, network_id: &str, name: &str, at: i64) -> Result<String, AppError> {
    sqlx::query(
        "INSERT INTO directory_organisations (id, network_id, name, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (network_id, name) DO NOTHING",
    )
    .bind(crate::util::new_id())
    .bind(network_id)
    .bind(name)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar("SELECT id FROM directory_organisations WHERE network_id = $1 AND name = $2")
        .bind(network_id)
        .bind(name)
        .fetch_one(&mut **tx)
        .await?)
}

/// The schedule's columns: (schedule, on_date, weekday, nth).
fn schedule_columns(w: &When) -> (&'static str, Option<String>, Option<i64>, Option<i64>) {
    match w.schedule {
        Schedule::Once { on } => ("once", Some(super::domain::iso(on)), None, None),
        Schedule::Weekly { weekday } => ("weekly", None, Some(i64::from(weekday)), None),
        Schedule::Monthly { nth, weekday } => ("monthly", None, Some(i64::from(weekday)), Some(nth.to_db())),
        Schedule::Open => ("open", None, None, None),
    }
}

/// Writes a new entry (`id` unknown; `proposed`: it waits for a builder's approval) or
/// the new version of one; returns its id. The entry counts as checked now, by whoever
/// saved it.
pub async fn save(
    tx: &mut Transaction<'_, Any>,
    id: Option<&str>,
    network_id: &str,
    d: &EntryDraft,
    by: &str,
    at: i64,
    proposed: bool,
) -> Result<String, AppError> {
    let organisation = organisation_id(tx, network_id, &d.organisation, at).await?;
    let (schedule, on_date, weekday, nth) = schedule_columns(&d.when);
    let from = d.when.from.map(super::domain::iso);
    let until = d.when.until.map(super::domain::iso);
    let new_id = crate::util::new_id();
    let (sql, id) = match id {
        Some(id) => (
            "UPDATE directory_entries SET locality_id = $2, organisation_id = $3, kind = $4, theme = $5, title = $6,
                description = $7, schedule = $8, on_date = $9, weekday = $10, nth = $11, from_date = $12, until_date = $13,
                starts_minute = $14, ends_minute = $15, venue = $16, address = $17, postcode = $18, step_free = $19,
                accessibility = $20, cost = $21, cost_detail = $22, audience = $23, how_to_join = $24, contact = $25,
                public = $26, checked_at = $27, checked_by = $28, updated_at = $27, places = $30
             WHERE id = $1 AND network_id = $29",
            id,
        ),
        None => (
            "INSERT INTO directory_entries (id, locality_id, organisation_id, kind, theme, title, description, schedule,
                on_date, weekday, nth, from_date, until_date, starts_minute, ends_minute, venue, address, postcode,
                step_free, accessibility, cost, cost_detail, audience, how_to_join, contact, public, checked_at,
                checked_by, network_id, status, created_by, created_at, updated_at, places, proposed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                $22, $23, $24, $25, $26, $27, $28, $29, 'active', $28, $27, $27, $30, $31)",
            new_id.as_str(),
        ),
    };
    sqlx::query(sql)
        .bind(id)
        .bind(d.locality_id.as_deref())
        .bind(organisation)
        .bind(d.kind.as_str())
        .bind(d.theme.as_str())
        .bind(&d.title)
        .bind(&d.description)
        .bind(schedule)
        .bind(on_date)
        .bind(weekday)
        .bind(nth)
        .bind(from)
        .bind(until)
        .bind(d.when.starts)
        .bind(d.when.ends)
        .bind(&d.venue)
        .bind(&d.address)
        .bind(&d.postcode)
        .bind(i64::from(d.step_free))
        .bind(&d.accessibility)
        .bind(d.cost.as_str())
        .bind(&d.cost_detail)
        .bind(&d.audience)
        .bind(&d.how_to_join)
        .bind(&d.contact)
        .bind(i64::from(d.public))
        .bind(at)
        .bind(by)
        .bind(network_id)
        .bind(d.places)
        .bind(i64::from(proposed))
        .execute(&mut **tx)
        .await?;
    Ok(id.to_string())
}

/// A builder looked again and the entry is still right.
pub async fn mark_checked(tx: &mut Transaction<'_, Any>, id: &str, by: &str, at: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE directory_entries SET checked_at = $2, checked_by = $3 WHERE id = $1 AND status = 'active'")
        .bind(id)
        .bind(at)
        .bind(by)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A builder approves a proposal: members find it from now, checked by them. False if it
/// is not (or no longer) waiting.
pub async fn approve(tx: &mut Transaction<'_, Any>, id: &str, by: &str, at: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE directory_entries SET proposed = 0, checked_at = $2, checked_by = $3 WHERE id = $1 AND status = 'active' AND proposed = 1",
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes an entry out of What's on (it stops, or moved away). Kept for the record.
pub async fn close(tx: &mut Transaction<'_, Any>, id: &str, at: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE directory_entries SET status = 'closed', updated_at = $2 WHERE id = $1 AND status = 'active'")
        .bind(id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A network's areas (id, name), by name.
pub async fn localities(db: &Db, network_id: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, (String, String)>("SELECT id, name FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?)
}

crate::read_row! {
    /// How many are going to, and waiting for, one date of an entry, and the viewer's place.
    pub struct DateCount {
        pub occurs_on: String,
        pub going: i64,
        pub waiting: i64,
        /// The viewer's own: "going", "waiting" or "".
        pub mine: String,
    }
}

/// For each date of `entry_id` from `first` to `last` (YYYY-MM-DD) that anyone has said they
/// are going to: how many are going and waiting, and where `user_id` stands. One read.
pub async fn date_counts(db: &Db, entry_id: &str, first: &str, last: &str, user_id: &str) -> Result<Vec<DateCount>, AppError> {
    use crate::platform::direct::Arg;
    db.read_all(
        "SELECT occurs_on,
                CAST(SUM(CASE WHEN status = 'going' THEN 1 ELSE 0 END) AS BIGINT) AS going,
                CAST(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END) AS BIGINT) AS waiting,
                COALESCE(MAX(CASE WHEN user_id = $4 THEN status END), '') AS mine
         FROM directory_going WHERE entry_id = $1 AND occurs_on >= $2 AND occurs_on <= $3
         GROUP BY occurs_on ORDER BY occurs_on",
        &[Arg::Text(entry_id), Arg::Text(first), Arg::Text(last), Arg::Text(user_id)],
    )
    .await
}

/// Holds the entry's row for the rest of the transaction, so that sign-ups to it are made
/// one after another (on PostgreSQL a row lock; on SQLite the write lock). False if the
/// entry is not open.
pub async fn hold_entry(tx: &mut Transaction<'_, Any>, entry_id: &str) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE directory_entries SET places = places WHERE id = $1 AND status = 'active' AND proposed = 0")
        .bind(entry_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Where `user_id` stands on a date: "going", "waiting", or none.
pub async fn place_of(tx: &mut Transaction<'_, Any>, entry_id: &str, on: &str, user_id: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT status FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND user_id = $3")
        .bind(entry_id)
        .bind(on)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// How many have a place on a date.
pub async fn taken(tx: &mut Transaction<'_, Any>, entry_id: &str, on: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND status = 'going'")
        .bind(entry_id)
        .bind(on)
        .fetch_one(&mut **tx)
        .await?)
}

/// Adds someone to a date, going or waiting.
pub async fn add_going(
    tx: &mut Transaction<'_, Any>,
    entry_id: &str,
    on: &str,
    user_id: &str,
    status: &str,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO directory_going (entry_id, occurs_on, user_id, status, signed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(entry_id)
        .bind(on)
        .bind(user_id)
        .bind(status)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Takes someone off a date; their status before, if they were on it.
pub async fn remove_going(tx: &mut Transaction<'_, Any>, entry_id: &str, on: &str, user_id: &str) -> Result<Option<String>, AppError> {
    let was = place_of(tx, entry_id, on, user_id).await?;
    sqlx::query("DELETE FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND user_id = $3")
        .bind(entry_id)
        .bind(on)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(was)
}

/// Gives the first on a date's waiting list a place; who, if anyone was waiting.
pub async fn promote_first_waiting(tx: &mut Transaction<'_, Any>, entry_id: &str, on: &str) -> Result<Option<String>, AppError> {
    let first: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM directory_going WHERE entry_id = $1 AND occurs_on = $2 AND status = 'waiting'
         ORDER BY signed_at, user_id LIMIT 1",
    )
    .bind(entry_id)
    .bind(on)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(user) = &first {
        sqlx::query("UPDATE directory_going SET status = 'going' WHERE entry_id = $1 AND occurs_on = $2 AND user_id = $3")
            .bind(entry_id)
            .bind(on)
            .bind(user)
            .execute(&mut **tx)
            .await?;
    }
    Ok(first)
}

crate::read_row! {
    /// One person on one date of an entry, for its organisers.
    pub struct GoingRow {
        pub occurs_on: String,
        pub user_id: String,
        pub display_name: String,
        pub status: String,
        pub attended: Option<i64>,
    }
}

/// Everyone on the dates of `entry_id` from `first` to `last` (YYYY-MM-DD): by date, those
/// going first, each list in the order they said so.
pub async fn going_on(db: &Db, entry_id: &str, first: &str, last: &str) -> Result<Vec<GoingRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT g.occurs_on, g.user_id, u.display_name, g.status, g.attended FROM directory_going g JOIN users u ON u.id = g.user_id
         WHERE g.entry_id = $1 AND g.occurs_on >= $2 AND g.occurs_on <= $3
         ORDER BY g.occurs_on, CASE WHEN g.status = 'going' THEN 0 ELSE 1 END, g.signed_at, g.user_id",
    )
    .bind(entry_id)
    .bind(first)
    .bind(last)
    .fetch_all(&db.pool)
    .await?)
}

/// Records who came on a date: those in `came` attended, everyone else going did not.
/// Returns how many were marked as having come.
pub async fn record_attendance(tx: &mut Transaction<'_, Any>, entry_id: &str, on: &str, came: &[String]) -> Result<u64, AppError> {
    sqlx::query("UPDATE directory_going SET attended = 0 WHERE entry_id = $1 AND occurs_on = $2 AND status = 'going'")
        .bind(entry_id)
        .bind(on)
        .execute(&mut **tx)
        .await?;
    let mut marked = 0;
    for user in came {
        marked += sqlx::query(
            "UPDATE directory_going SET attended = 1 WHERE entry_id = $1 AND occurs_on = $2 AND user_id = $3 AND status = 'going'",
        )
        .bind(entry_id)
        .bind(on)
        .bind(user)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    Ok(marked)
}

crate::read_row! {
    /// A date someone said they were going to (for their own data).
    #[derive(serde::Serialize)]
    pub struct GoingOf {
        pub entry_id: String,
        pub title: String,
        pub occurs_on: String,
        pub status: String,
        pub signed_at: i64,
        pub attended: Option<i64>,
    }
}

/// Every date `user_id` said they were going to, newest first.
pub async fn going_of(db: &Db, user_id: &str) -> Result<Vec<GoingOf>, AppError> {
    Ok(sqlx::query_as(
        "SELECT g.entry_id, e.title, g.occurs_on, g.status, g.signed_at, g.attended
         FROM directory_going g JOIN directory_entries e ON e.id = g.entry_id
         WHERE g.user_id = $1 ORDER BY g.occurs_on DESC, e.title",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// An entry nobody has checked since `stale_before` whose keepers have not been reminded
/// since its last check.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReviewDue {
    pub id: String,
    pub network_id: String,
    pub locality_id: Option<String>,
    pub organisation_id: String,
    pub title: String,
}

pub async fn reviews_due(db: &Db, stale_before: i64) -> Result<Vec<ReviewDue>, AppError> {
    Ok(sqlx::query_as::<_, ReviewDue>(
        "SELECT id, network_id, locality_id, organisation_id, title FROM directory_entries
         WHERE status = 'active' AND proposed = 0 AND checked_at < $1 AND (review_reminded_at IS NULL OR review_reminded_at < checked_at)
         ORDER BY checked_at, id",
    )
    .bind(stale_before)
    .fetch_all(&db.pool)
    .await?)
}

/// Claims the reminder about an entry due for a check; false if another server sent it.
pub async fn claim_review_reminder(tx: &mut Transaction<'_, Any>, id: &str, t: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE directory_entries SET review_reminded_at = $2 WHERE id = $1 AND (review_reminded_at IS NULL OR review_reminded_at < checked_at)",
    )
    .bind(id)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
