//! All of the ledger's SQL. This module: the journal's types, applying transfers (all or
//! nothing, idempotent by id, see `batch`), reversals, account limits and balances.
//! `batch`: one network's batch of transfers in one transaction; `verify`: recomputing the
//! whole ledger (`timeweave ledger verify`); `reads`: statements, summaries, members and
//! organisation accounts for the read side (`super::queries`).
//!
//! Every transfer of a network first bumps that network's `ledger_heads` row. That write
//! comes first in the transaction, so on SQLite the transaction takes the write lock at once
//! (no read-then-upgrade deadlock), and on PostgreSQL the row lock orders the network's
//! transfers: the `seq` and the hash chain can never fork, and a balance is never read
//! stale. Limits are checked on the balances read inside that transaction.

mod batch;
pub mod reads;
mod verify;

pub use super::domain::effective_limits;
pub use verify::{verify, VerifyReport};

use super::domain::{check_limits, Leg, TransferKind, TransferRefusal};
use crate::error::AppError;
use crate::platform::db::{value_rows, Db};
use crate::platform::direct::Arg;
use crate::util::now;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

pub const GENESIS: &str = "genesis";

/// Whose account a leg moves.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccountRef {
    Network,
    Pool,
    Member(String),
    Organisation(String),
}

impl AccountRef {
    pub fn id(&self, network_id: &str) -> String {
        match self {
            AccountRef::Network => format!("network:{network_id}"),
            AccountRef::Pool => format!("pool:{network_id}"),
            AccountRef::Member(u) => format!("member:{network_id}:{u}"),
            AccountRef::Organisation(o) => format!("org:{network_id}:{o}"),
        }
    }
}

/// A transfer as asked for.
#[derive(Clone, Debug)]
pub struct NewTransfer {
    pub id: String,
    pub network_id: String,
    pub kind: TransferKind,
    pub legs: Vec<(AccountRef, i64)>,
    pub memo: String,
    pub category: Option<String>,
    pub exchange_id: Option<String>,
    pub reverses_id: Option<String>,
    pub reason: Option<String>,
    pub recorded_by: Option<String>,
    /// The day the help happened (`YYYY-MM-DD`) when it was not the day it is recorded.
    pub happened_on: Option<String>,
    /// The audit-trail line for a builder's action (grant, correction, reversal, recording
    /// on behalf): written in the same transaction as the transfer, only if it is applied.
    /// Not part of the transfer's content or hash.
    pub audit: Vec<crate::audit::store::AuditEntry>,
}

impl NewTransfer {
    /// A transfer with just its id, kind, legs and memo (no category, exchange, reversal,
    /// reason, recorder, day or audit line): set the others on it where they apply.
    pub fn new(id: impl Into<String>, network_id: &str, kind: TransferKind, legs: Vec<(AccountRef, i64)>, memo: &str) -> Self {
        NewTransfer {
            id: id.into(),
            network_id: network_id.to_string(),
            kind,
            legs,
            memo: memo.to_string(),
            category: None,
            exchange_id: None,
            reverses_id: None,
            reason: None,
            recorded_by: None,
            happened_on: None,
            audit: vec![],
        }
    }
}

/// What happened to a transfer request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Applied {
        seq: i64,
    },
    /// Same id, same content: the original result stands and nothing changes.
    AlreadyApplied {
        seq: i64,
    },
    Refused(TransferRefusal),
}

fn sha(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hash of a transfer's content: everything but when it was recorded. The day help
/// happened is hashed only when given, so transfers made before it existed keep their hash.
#[allow(clippy::too_many_arguments)]
pub fn content_hash(
    id: &str,
    network_id: &str,
    kind: &str,
    legs: &[Leg],
    memo: &str,
    category: Option<&str>,
    exchange_id: Option<&str>,
    reverses_id: Option<&str>,
    reason: Option<&str>,
    recorded_by: Option<&str>,
    happened_on: Option<&str>,
) -> String {
    let mut sorted = legs.to_vec();
    sorted.sort();
    let legs_text = sorted.iter().map(|l| format!("{}={}", l.account, l.amount_minutes)).collect::<Vec<_>>().join(";");
    let opt = |o: Option<&str>| o.map(|s| format!("+{s}")).unwrap_or_else(|| "-".into());
    let (category, exchange_id, reverses_id, reason, recorded_by) =
        (opt(category), opt(exchange_id), opt(reverses_id), opt(reason), opt(recorded_by));
    let mut parts: Vec<&str> = vec![id, network_id, kind, &legs_text, memo, &category, &exchange_id, &reverses_id, &reason, &recorded_by];
    let happened = happened_on.map(|d| format!("happened:{d}"));
    if let Some(h) = &happened {
        parts.push(h);
    }
    sha(&parts)
}

pub fn chain_hash(prev_hash: &str, seq: i64, content_hash: &str, recorded_at: i64) -> String {
    sha(&[prev_hash, &seq.to_string(), content_hash, &recorded_at.to_string()])
}

impl AccountRef {
    /// Parses a stored account id back into whose account it is.
    pub fn parse(id: &str, network_id: &str) -> Option<AccountRef> {
        let rest = |prefix: &str| id.strip_prefix(prefix).map(str::to_string);
        if id == format!("network:{network_id}") {
            Some(AccountRef::Network)
        } else if id == format!("pool:{network_id}") {
            Some(AccountRef::Pool)
        } else if let Some(u) = rest(&format!("member:{network_id}:")) {
            Some(AccountRef::Member(u))
        } else {
            rest(&format!("org:{network_id}:")).map(AccountRef::Organisation)
        }
    }

    /// The account's kind as stored: "network", "pool", "member" or "organisation".
    pub fn kind(&self) -> &'static str {
        self.columns().0
    }

    fn columns(&self) -> (&'static str, Option<String>, Option<String>) {
        match self {
            AccountRef::Network => ("network", None, None),
            AccountRef::Pool => ("pool", None, None),
            AccountRef::Member(u) => ("member", Some(u.clone()), None),
            AccountRef::Organisation(o) => ("organisation", None, Some(o.clone())),
        }
    }
}

/// How many rows one multi-row statement carries (well inside both engines' parameter limits).
const CHUNK: usize = 100;

/// Opens the accounts a batch names (if new) in one statement per chunk.
async fn ensure_accounts(tx: &mut Transaction<'_, Any>, network_id: &str, accounts: &[&AccountRef]) -> Result<(), sqlx::Error> {
    let at = now();
    for chunk in crate::platform::db::runs(accounts, CHUNK) {
        let sql = format!(
            "INSERT INTO accounts (id, network_id, kind, user_id, organisation_id, created_at) VALUES {} ON CONFLICT (id) DO NOTHING",
            value_rows(chunk.len(), 6, 0)
        );
        let mut q = sqlx::query(&sql);
        for a in chunk {
            let (kind, user, org) = a.columns();
            q = q.bind(a.id(network_id)).bind(network_id.to_string()).bind(kind).bind(user).bind(org).bind(at);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Takes the network's head row: the first statement of every ledger transaction is this
/// write, so SQLite takes its write lock at once and PostgreSQL orders the network's writers.
async fn lock_head(tx: &mut Transaction<'_, Any>, network_id: &str) -> Result<(i64, String), sqlx::Error> {
    sqlx::query("INSERT INTO ledger_heads (network_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (network_id) DO NOTHING")
        .bind(network_id)
        .bind(GENESIS)
        .execute(&mut **tx)
        .await?;
    sqlx::query_as("UPDATE ledger_heads SET seq = seq WHERE network_id = $1 RETURNING seq, hash")
        .bind(network_id)
        .fetch_one(&mut **tx)
        .await
}

/// Applies one transfer, all or nothing. See [`apply_batch`].
pub async fn apply(db: &Db, t: &NewTransfer) -> Result<Outcome, AppError> {
    let mut out = apply_batch(db, std::slice::from_ref(t)).await?;
    Ok(out.pop().unwrap_or(Outcome::Refused(TransferRefusal::UnknownNetwork)))
}

/// Applies transfers of one or more networks in order, one database transaction per
/// network: each transfer is applied all or nothing (a refused one writes nothing and the
/// others go on), and the whole group becomes durable with one commit. This is how the
/// [`super::writer`] turns many concurrent requests into few commits (group commit).
/// A transaction that fails for a passing reason (a lock timeout, a serialisation
/// failure) is retried, so nobody sees a deadlock.
pub async fn apply_batch(db: &Db, transfers: &[NewTransfer]) -> Result<Vec<Outcome>, AppError> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; transfers.len()];
    let mut networks: Vec<&str> = transfers.iter().map(|t| t.network_id.as_str()).collect();
    networks.sort();
    networks.dedup();
    for network in networks {
        let idx: Vec<usize> = (0..transfers.len()).filter(|i| transfers[*i].network_id == network).collect();
        let group: Vec<&NewTransfer> = idx.iter().map(|i| &transfers[*i]).collect();
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            match batch::apply_network_batch(db, network, &group).await {
                Err(e) if attempt < 5 && is_transient(&e) => {
                    tracing::warn!("ledger batch retried after a passing database error: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
                }
                other => break other,
            }
        }?;
        for (i, o) in idx.into_iter().zip(result) {
            outcomes[i] = Some(o);
        }
    }
    Ok(outcomes.into_iter().map(|o| o.unwrap_or(Outcome::Refused(TransferRefusal::UnknownNetwork))).collect())
}

/// Lock waits, deadlocks and serialisation failures: safe to try again, as nothing was written.
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.to_string()).unwrap_or_default();
            matches!(code.as_str(), "40001" | "40P01" | "55P03" | "5" | "6" | "517" | "261" | "262")
                || d.message().contains("database is locked")
        }
        sqlx::Error::PoolTimedOut => true,
        _ => false,
    }
}

/// The transfer that would reverse `original` exactly (its legs negated), or why it cannot be.
pub async fn reversal_of(
    db: &Db,
    network_id: &str,
    original: &str,
    new_id: &str,
    reason: &str,
    recorded_by: Option<&str>,
) -> Result<Result<NewTransfer, TransferRefusal>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.account_id, e.amount_minutes FROM entries e JOIN transfers t ON t.id = e.transfer_id
         WHERE t.id = $1 AND t.network_id = $2 ORDER BY e.account_id",
    )
    .bind(original)
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(Err(TransferRefusal::UnknownTransfer));
    }
    let mut legs = Vec::with_capacity(rows.len());
    for (account, amount_minutes) in rows {
        let Some(a) = AccountRef::parse(&account, network_id) else {
            return Err(crate::error::unexpected(format!("unparseable account id {account}")));
        };
        legs.push((a, -amount_minutes));
    }
    Ok(Ok(NewTransfer {
        id: new_id.to_string(),
        network_id: network_id.to_string(),
        kind: TransferKind::Reversal,
        legs,
        memo: String::new(),
        category: None,
        exchange_id: None,
        reverses_id: Some(original.to_string()),
        reason: Some(reason.to_string()),
        recorded_by: recorded_by.map(str::to_string),
        happened_on: None,
        audit: vec![],
    }))
}

/// An account with its limits and its network's defaults, as [`set_limits`] reads it.
#[derive(sqlx::FromRow)]
struct LimitedAccount {
    kind: String,
    balance_minutes: i64,
    floor_minutes: Option<i64>,
    ceiling_minutes: Option<i64>,
    default_floor_minutes: i64,
    default_ceiling_minutes: i64,
    name: String,
}

/// Sets (or clears, with `None`) an account's own limits; refused if its balance is
/// outside them. Takes the network's head lock, so no transfer can slip past the old limits
/// meanwhile. With `who_why` = (user id, reason) the change is recorded, before and after,
/// in the same transaction.
pub async fn set_limits(
    db: &Db,
    network_id: &str,
    account: &AccountRef,
    floor: Option<i64>,
    ceiling: Option<i64>,
    who_why: Option<(&str, &str)>,
    audit: Option<crate::audit::store::AuditEntry>,
) -> Result<Result<(), TransferRefusal>, AppError> {
    let mut tx = db.pool.begin().await?;
    lock_head(&mut tx, network_id).await?;
    ensure_accounts(&mut tx, network_id, &[account]).await?;
    let id = account.id(network_id);
    let row: LimitedAccount = sqlx::query_as(
        "SELECT a.kind, a.balance_minutes, a.floor_minutes, a.ceiling_minutes, n.default_floor_minutes, n.default_ceiling_minutes,
                COALESCE(u.display_name, o.name, '') AS name
         FROM accounts a JOIN networks n ON n.id = a.network_id LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1",
    )
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?;
    let limits = effective_limits(&row.kind, floor, ceiling, row.default_floor_minutes, row.default_ceiling_minutes);
    let name = if row.name.is_empty() { "this account" } else { &row.name };
    if let Err(r) = check_limits(name, row.balance_minutes, limits) {
        tx.rollback().await?;
        return Ok(Err(r));
    }
    sqlx::query("UPDATE accounts SET floor_minutes = $1, ceiling_minutes = $2 WHERE id = $3")
        .bind(floor)
        .bind(ceiling)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    if let Some((by, reason)) = who_why {
        sqlx::query(
            "INSERT INTO account_limit_changes (id, account_id, floor_before, ceiling_before, floor_after, ceiling_after, reason, changed_by, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(crate::util::new_id())
        .bind(&id)
        .bind(row.floor_minutes)
        .bind(row.ceiling_minutes)
        .bind(floor)
        .bind(ceiling)
        .bind(reason)
        .bind(by)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    if let Some(entry) = audit {
        let words = |f: Option<i64>, c: Option<i64>| {
            format!(
                "lowest {}, highest {}",
                f.map(|f| format!("{f} min")).unwrap_or_else(|| "usual".into()),
                c.map(|c| format!("{c} min")).unwrap_or_else(|| "usual".into())
            )
        };
        let entry = entry.change(words(row.floor_minutes, row.ceiling_minutes), words(floor, ceiling));
        crate::audit::store::audit(&mut tx, &entry).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// The balance of an account (zero if it was never used).
pub async fn balance(db: &Db, network_id: &str, account: &AccountRef) -> Result<i64, AppError> {
    let id = account.id(network_id);
    let row = db.read_optional::<(i64,)>("SELECT balance_minutes FROM accounts WHERE id = $1", &[Arg::from(&id)]).await?;
    Ok(row.map_or(0, |(b,)| b))
}
