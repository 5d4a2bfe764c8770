//! The read side's SQL: accounts and their statements (read from the entries themselves,
//! with the running balance each one left), where members belong, the pick lists, a
//! transfer about to be reversed, and organisation accounts (the one write here opens one).

use crate::audit::store::AuditEntry;
use crate::error::AppError;
use crate::ledger::LimitChange;
use crate::platform::db::{placeholders, Db};
use crate::platform::direct::Arg;
use std::collections::{HashMap, HashSet};

/// One leg of one line of an account's statement (read by [`account_page`]).
#[derive(Clone)]
pub struct StatementRow {
    /// The account's own entry: one line of the statement.
    pub seq: i64,
    pub transfer_id: String,
    pub amount_minutes: i64,
    pub balance_after_minutes: i64,
    pub kind: String,
    pub memo: String,
    pub reason: Option<String>,
    pub recorded_at: i64,
    pub happened_on: Option<String>,
    pub reverses_id: Option<String>,
    pub recorded_by_name: Option<String>,
    /// One leg of the line's transfer (the account's own among them).
    pub leg_account_id: String,
    pub leg_amount_minutes: i64,
    pub leg_kind: String,
    pub leg_name: String,
    /// 1 if the transfer has been reversed since.
    pub reversed: i64,
}

/// An organisation account of a network.
#[derive(sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub balance_minutes: i64,
}

/// A transfer, as the builder about to reverse it sees it.
#[derive(sqlx::FromRow)]
pub struct TransferRow {
    pub network_id: String,
    pub kind: String,
    pub memo: String,
    pub recorded_at: i64,
    pub reverses_id: Option<String>,
}

/// One leg of a transfer about to be reversed: whose account, and where its member belongs.
#[derive(sqlx::FromRow)]
pub struct TransferLegRow {
    pub amount_minutes: i64,
    pub kind: String,
    pub user_id: Option<String>,
    pub name: String,
    pub locality_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PlaceRow {
    user_id: String,
    network_id: String,
    locality_id: String,
    display_name: String,
}

#[derive(sqlx::FromRow)]
struct LimitChangeRow {
    floor_after: Option<i64>,
    ceiling_after: Option<i64>,
    reason: String,
    changed_at: i64,
    display_name: String,
}

/// Help given (credit earned) and received by the account `$1`, in minutes: its exchange
/// and organisation legs not reversed since. One row, always.
const HELP_TOTALS: &str =
    "SELECT CAST(COALESCE(SUM(CASE WHEN e.amount_minutes > 0 THEN e.amount_minutes ELSE 0 END), 0) AS BIGINT) AS given,
        CAST(COALESCE(SUM(CASE WHEN e.amount_minutes < 0 THEN -e.amount_minutes ELSE 0 END), 0) AS BIGINT) AS received
    FROM entries e JOIN transfers t ON t.id = e.transfer_id
    WHERE e.account_id = $1 AND t.kind IN ('exchange', 'organisation')
      AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses_id = t.id)";

/// Help given and received by an account, in minutes (see [`HELP_TOTALS`]).
pub async fn help_totals(db: &Db, account_id: &str) -> Result<(i64, i64), AppError> {
    Ok(db.read_optional(HELP_TOTALS, &[Arg::from(account_id)]).await?.unwrap_or((0, 0)))
}

/// The top of a statement: the network's usual limits, the account's own limits and
/// balance (none if it was never opened), the help given and received, the community
/// pool's balance, and how many organisations the person acts for.
pub struct AccountHead {
    pub default_floor_minutes: i64,
    pub default_ceiling_minutes: i64,
    pub floor_minutes: Option<i64>,
    pub ceiling_minutes: Option<i64>,
    pub balance_minutes: Option<i64>,
    pub given: i64,
    pub received: i64,
    pub pool_minutes: i64,
    pub organisations: i64,
}

crate::read_row! {
    /// One row of [`account_page`]: the account's head, and one leg of one statement line
    /// (none when the page holds no lines).
    struct AccountPageRow {
        default_floor_minutes: i64,
        default_ceiling_minutes: i64,
        floor_minutes: Option<i64>,
        ceiling_minutes: Option<i64>,
        balance_minutes: Option<i64>,
        given: i64,
        received: i64,
        pool_minutes: i64,
        organisations: i64,
        seq: Option<i64>,
        transfer_id: Option<String>,
        amount_minutes: Option<i64>,
        balance_after_minutes: Option<i64>,
        kind: Option<String>,
        memo: Option<String>,
        reason: Option<String>,
        recorded_at: Option<i64>,
        happened_on: Option<String>,
        reverses_id: Option<String>,
        recorded_by_name: Option<String>,
        leg_account_id: Option<String>,
        leg_amount_minutes: Option<i64>,
        leg_kind: Option<String>,
        leg_name: Option<String>,
        reversed: Option<i64>,
    }
}

impl AccountPageRow {
    fn head(&self) -> AccountHead {
        AccountHead {
            default_floor_minutes: self.default_floor_minutes,
            default_ceiling_minutes: self.default_ceiling_minutes,
            floor_minutes: self.floor_minutes,
            ceiling_minutes: self.ceiling_minutes,
            balance_minutes: self.balance_minutes,
            given: self.given,
            received: self.received,
            pool_minutes: self.pool_minutes,
            organisations: self.organisations,
        }
    }

    /// The leg this row carries, if any (a page without lines has one row and no leg).
    fn leg(self) -> Option<StatementRow> {
        Some(StatementRow {
            seq: self.seq?,
            transfer_id: self.transfer_id?,
            amount_minutes: self.amount_minutes?,
            balance_after_minutes: self.balance_after_minutes?,
            kind: self.kind?,
            memo: self.memo?,
            reason: self.reason,
            recorded_at: self.recorded_at?,
            happened_on: self.happened_on,
            reverses_id: self.reverses_id,
            recorded_by_name: self.recorded_by_name,
            leg_account_id: self.leg_account_id?,
            leg_amount_minutes: self.leg_amount_minutes?,
            leg_kind: self.leg_kind?,
            leg_name: self.leg_name?,
            reversed: self.reversed?,
        })
    }
}

/// One page of an account's statement with its [`AccountHead`], in one read (a round trip
/// saved on PostgreSQL, where My hours is the page residents open most after Home), or
/// none if the network does not exist. Lines newest first, `limit` of them from `offset`,
/// each with every leg of its transfer (its own too) and whether the transfer has been
/// reversed since: one row per leg. `user_id` is the person whose organisations are counted
/// ('' for none).
pub async fn account_page(
    db: &Db,
    network_id: &str,
    account_id: &str,
    user_id: &str,
    limit: i64,
    offset: i64,
) -> Result<Option<(AccountHead, Vec<StatementRow>)>, AppError> {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "WITH head AS (
                SELECT n.default_floor_minutes, n.default_ceiling_minutes, a.floor_minutes, a.ceiling_minutes, a.balance_minutes,
                       h.given, h.received,
                       COALESCE((SELECT p.balance_minutes FROM accounts p WHERE p.network_id = $2 AND p.kind = 'pool'), 0) AS pool_minutes,
                       (SELECT COUNT(*) FROM organisation_members m WHERE m.network_id = $2 AND m.user_id = $3) AS organisations
                FROM networks n LEFT JOIN accounts a ON a.id = $1 CROSS JOIN ({HELP_TOTALS}) h
                WHERE n.id = $2),
             s AS (SELECT seq, transfer_id, amount_minutes, balance_after_minutes FROM entries WHERE account_id = $1
                   ORDER BY seq DESC LIMIT $4 OFFSET $5),
             legs AS (
                SELECT s.seq, s.transfer_id, s.amount_minutes, s.balance_after_minutes, t.kind, t.memo, t.reason, t.recorded_at,
                       t.happened_on, t.reverses_id, rb.display_name AS recorded_by_name,
                       o.account_id AS leg_account_id, o.amount_minutes AS leg_amount_minutes, o.seq AS leg_seq, a.kind AS leg_kind,
                       COALESCE(u.display_name, og.name, '') AS leg_name,
                       CAST(CASE WHEN EXISTS (SELECT 1 FROM transfers r WHERE r.reverses_id = s.transfer_id) THEN 1 ELSE 0 END AS BIGINT) AS reversed
                FROM s
                JOIN transfers t ON t.id = s.transfer_id
                LEFT JOIN users rb ON rb.id = t.recorded_by
                JOIN entries o ON o.transfer_id = s.transfer_id
                JOIN accounts a ON a.id = o.account_id
                LEFT JOIN users u ON u.id = a.user_id
                LEFT JOIN organisations og ON og.id = a.organisation_id)
             SELECT head.*, legs.seq, legs.transfer_id, legs.amount_minutes, legs.balance_after_minutes, legs.kind, legs.memo,
                    legs.reason, legs.recorded_at, legs.happened_on, legs.reverses_id, legs.recorded_by_name, legs.leg_account_id,
                    legs.leg_amount_minutes, legs.leg_kind, legs.leg_name, legs.reversed
             FROM head LEFT JOIN legs ON 1 = 1
             ORDER BY legs.seq DESC, legs.leg_seq"
        )
    });
    let rows: Vec<AccountPageRow> =
        db.read_all(&SQL, &[Arg::from(account_id), Arg::from(network_id), Arg::from(user_id), Arg::from(limit), Arg::from(offset)]).await?;
    let Some(head) = rows.first().map(AccountPageRow::head) else { return Ok(None) };
    Ok(Some((head, rows.into_iter().filter_map(AccountPageRow::leg).collect())))
}

/// Where a member belongs: network, locality and name (their first membership).
pub async fn member_place(db: &Db, user_id: &str) -> Result<Option<(String, String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT m.network_id, m.locality_id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.user_id = $1 ORDER BY m.created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Where several members belong, in one query: id → (network, locality, name).
pub async fn member_places(db: &Db, user_ids: &[String]) -> Result<HashMap<String, (String, String, String)>, AppError> {
    let mut out = HashMap::new();
    if user_ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT m.user_id, m.network_id, m.locality_id, u.display_name, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.user_id IN ({}) ORDER BY m.created_at DESC",
        placeholders(user_ids.len(), 0)
    );
    let mut q = sqlx::query_as::<_, PlaceRow>(&sql);
    for id in user_ids {
        q = q.bind(id.as_str());
    }
    // Oldest last, so each member's first membership wins (as in `member_place`).
    for r in q.fetch_all(&db.pool).await? {
        out.insert(r.user_id, (r.network_id, r.locality_id, r.display_name));
    }
    Ok(out)
}

/// The changes made to an account's limits, newest first.
pub async fn limit_changes(db: &Db, account_id: &str) -> Result<Vec<LimitChange>, AppError> {
    let rows: Vec<LimitChangeRow> = sqlx::query_as(
        "SELECT c.floor_after, c.ceiling_after, c.reason, c.changed_at, u.display_name FROM account_limit_changes c
         JOIN users u ON u.id = c.changed_by WHERE c.account_id = $1 ORDER BY c.changed_at DESC, c.id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LimitChange {
            floor_minutes: r.floor_after,
            ceiling_minutes: r.ceiling_after,
            reason: r.reason,
            changed_at: r.changed_at,
            changed_by: r.display_name,
        })
        .collect())
}

/// The network's own account and pool balances.
pub async fn network_balances(db: &Db, network_id: &str) -> Result<(i64, i64), AppError> {
    let rows: Vec<(String, i64)> = db
        .read_all(
            "SELECT kind, balance_minutes FROM accounts WHERE network_id = $1 AND kind IN ('network', 'pool')",
            &[Arg::from(network_id)],
        )
        .await?;
    let get = |k: &str| rows.iter().find(|(kind, _)| kind == k).map(|(_, balance)| *balance).unwrap_or(0);
    Ok((get("network"), get("pool")))
}

/// Is this person an active member of the network?
pub async fn is_active_member(db: &Db, network_id: &str, user_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 AS x FROM memberships WHERE network_id = $1 AND user_id = $2 AND status = 'active'")
        .bind(network_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// A network's welcome hours: (minutes, where they come from: "pool" or "network").
pub async fn starting_credit(db: &Db, network_id: &str) -> Result<(i64, String), AppError> {
    Ok(sqlx::query_as("SELECT starting_credit_minutes, starting_credit_source FROM networks WHERE id = $1")
        .bind(network_id)
        .fetch_one(&db.pool)
        .await?)
}

/// A network's name.
pub async fn network_name(db: &Db, network_id: &str) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM networks WHERE id = $1").bind(network_id).fetch_one(&db.pool).await?)
}

/// A transfer by id, in any network.
pub async fn transfer(db: &Db, transfer_id: &str) -> Result<Option<TransferRow>, AppError> {
    Ok(sqlx::query_as("SELECT network_id, kind, memo, recorded_at, reverses_id FROM transfers WHERE id = $1")
        .bind(transfer_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// A transfer's legs, smallest amount first, with whose account and where its member belongs.
pub async fn transfer_legs(db: &Db, transfer_id: &str) -> Result<Vec<TransferLegRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT e.amount_minutes, a.kind, a.user_id, COALESCE(u.display_name, o.name, '') AS name, m.locality_id
         FROM entries e JOIN accounts a ON a.id = e.account_id LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN organisations o ON o.id = a.organisation_id
         LEFT JOIN memberships m ON m.user_id = a.user_id AND m.network_id = a.network_id
         WHERE e.transfer_id = $1 ORDER BY e.amount_minutes",
    )
    .bind(transfer_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Has this transfer been reversed?
pub async fn is_reversed(db: &Db, transfer_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 AS x FROM transfers WHERE reverses_id = $1").bind(transfer_id).fetch_optional(&db.pool).await?.is_some())
}

/// The organisation accounts of a network, by name.
pub async fn organisations(db: &Db, network_id: &str) -> Result<Vec<OrganisationRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.name, o.kind, a.balance_minutes FROM accounts a JOIN organisations o ON o.id = a.organisation_id
         WHERE a.network_id = $1 AND a.kind = 'organisation' ORDER BY o.name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Who is named to act for each organisation of a network: (organisation id, name), by name.
pub async fn named_members(db: &Db, network_id: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT m.organisation_id, u.display_name FROM organisation_members m JOIN users u ON u.id = m.user_id
         WHERE m.network_id = $1 ORDER BY u.display_name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The organisations a person is named to act for in a network.
pub async fn organisation_ids_of(db: &Db, network_id: &str, user_id: &str) -> Result<HashSet<String>, AppError> {
    let ids: Vec<(String,)> = db
        .read_all(
            "SELECT organisation_id FROM organisation_members WHERE network_id = $1 AND user_id = $2",
            &[Arg::from(network_id), Arg::from(user_id)],
        )
        .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Opens an organisation's account in a network (the organisation is found by name, or
/// made), names a member to act for it, and writes `audit` (its subject set to the
/// organisation), all in one transaction. Returns the organisation's id.
pub async fn open_organisation_account(
    db: &Db,
    network_id: &str,
    name: &str,
    kind: &str,
    named_member: &str,
    named_by: &str,
    audit: AuditEntry,
) -> Result<String, AppError> {
    let mut tx = db.pool.begin().await?;
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1").bind(name).fetch_optional(&mut *tx).await?;
    let org_id = match existing {
        Some(id) => id,
        None => {
            let id = crate::util::new_id();
            sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&id)
                .bind(name)
                .bind(kind)
                .bind(crate::util::now())
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO accounts (id, network_id, kind, organisation_id, created_at) VALUES ($1, $2, 'organisation', $3, $4)
             ON CONFLICT (id) DO NOTHING",
    )
    .bind(super::AccountRef::Organisation(org_id.clone()).id(network_id))
    .bind(network_id)
    .bind(&org_id)
    .bind(crate::util::now())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO organisation_members (network_id, organisation_id, user_id, named_by, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (network_id, organisation_id, user_id) DO NOTHING",
    )
    .bind(network_id)
    .bind(&org_id)
    .bind(named_member)
    .bind(named_by)
    .bind(crate::util::now())
    .execute(&mut *tx)
    .await?;
    crate::audit::store::audit(&mut tx, &audit.subject(format!("organisation:{org_id}"))).await?;
    tx.commit().await?;
    Ok(org_id)
}
