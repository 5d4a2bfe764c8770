//! The journal in the database: applying a transfer (all or nothing, idempotent by id),
//! reading balances, and verifying the whole ledger.
//!
//! Every transfer of a network first bumps that network's `ledger_heads` row. That write
//! comes first in the transaction, so on SQLite the transaction takes the write lock at once
//! (no read-then-upgrade deadlock), and on PostgreSQL the row lock orders the network's
//! transfers: the `seq` and the hash chain can never fork, and a balance is never read
//! stale. Limits are checked on the balances read inside that transaction.

use super::domain::{check_limits, check_shape, Leg, Limits, TransferRefusal};
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::now;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

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
    pub kind: String,
    pub legs: Vec<(AccountRef, i64)>,
    pub memo: String,
    pub category: Option<String>,
    pub exchange_id: Option<String>,
    pub reverses_id: Option<String>,
    pub reason: Option<String>,
    pub recorded_by: Option<String>,
}

/// What happened to a transfer request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Applied { seq: i64 },
    /// Same id, same content: the original result stands and nothing changes.
    AlreadyApplied { seq: i64 },
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

/// The hash of a transfer's content: everything but when it was recorded.
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
) -> String {
    let mut sorted = legs.to_vec();
    sorted.sort();
    let legs_text = sorted.iter().map(|l| format!("{}={}", l.account, l.amount_minutes)).collect::<Vec<_>>().join(";");
    let opt = |o: Option<&str>| o.map(|s| format!("+{s}")).unwrap_or_else(|| "-".into());
    sha(&[
        id,
        network_id,
        kind,
        &legs_text,
        memo,
        &opt(category),
        &opt(exchange_id),
        &opt(reverses_id),
        &opt(reason),
        &opt(recorded_by),
    ])
}

pub fn chain_hash(prev_hash: &str, seq: i64, content_hash: &str, recorded_at: i64) -> String {
    sha(&[prev_hash, &seq.to_string(), content_hash, &recorded_at.to_string()])
}

async fn ensure_account(tx: &mut Transaction<'_, Any>, network_id: &str, account: &AccountRef) -> Result<(), AppError> {
    let (kind, user, org) = match account {
        AccountRef::Network => ("network", None, None),
        AccountRef::Pool => ("pool", None, None),
        AccountRef::Member(u) => ("member", Some(u.clone()), None),
        AccountRef::Organisation(o) => ("organisation", None, Some(o.clone())),
    };
    sqlx::query(
        "INSERT INTO accounts (id, network_id, kind, user_id, organisation_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(account.id(network_id))
    .bind(network_id)
    .bind(kind)
    .bind(user)
    .bind(org)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The limits that apply to an account: its own, else by kind (the network account has
/// none; the pool cannot go below zero), else the network's defaults.
fn effective_limits(kind: &str, own_floor: Option<i64>, own_ceiling: Option<i64>, default_floor: i64, default_ceiling: i64) -> Limits {
    match kind {
        "network" => Limits { floor_minutes: None, ceiling_minutes: None },
        "pool" => Limits { floor_minutes: Some(own_floor.unwrap_or(0)), ceiling_minutes: own_ceiling },
        _ => Limits {
            floor_minutes: Some(own_floor.unwrap_or(default_floor)),
            ceiling_minutes: Some(own_ceiling.unwrap_or(default_ceiling)),
        },
    }
}

/// Applies a transfer, all or nothing.
pub async fn apply(db: &Db, t: &NewTransfer) -> Result<Outcome, AppError> {
    let legs: Vec<Leg> = t
        .legs
        .iter()
        .map(|(a, m)| Leg { account: a.id(&t.network_id), amount_minutes: *m })
        .collect();
    let content = content_hash(
        &t.id,
        &t.network_id,
        &t.kind,
        &legs,
        &t.memo,
        t.category.as_deref(),
        t.exchange_id.as_deref(),
        t.reverses_id.as_deref(),
        t.reason.as_deref(),
        t.recorded_by.as_deref(),
    );
    let mut tx = db.pool.begin().await?;
    // First statement is a write: it takes SQLite's write lock, PostgreSQL's row lock.
    sqlx::query("INSERT INTO ledger_heads (network_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (network_id) DO NOTHING")
        .bind(&t.network_id)
        .bind(GENESIS)
        .execute(&mut *tx)
        .await?;
    let head = sqlx::query("UPDATE ledger_heads SET seq = seq + 1 WHERE network_id = $1 RETURNING seq, hash")
        .bind(&t.network_id)
        .fetch_one(&mut *tx)
        .await?;
    let seq: i64 = head.get("seq");
    let prev_hash: String = head.get("hash");

    if let Some(existing) = sqlx::query("SELECT content_hash, seq FROM transfers WHERE id = $1")
        .bind(&t.id)
        .fetch_optional(&mut *tx)
        .await?
    {
        tx.rollback().await?;
        let same: String = existing.get("content_hash");
        return Ok(if same == content {
            Outcome::AlreadyApplied { seq: existing.get("seq") }
        } else {
            Outcome::Refused(TransferRefusal::IdReused)
        });
    }

    let network = sqlx::query("SELECT default_floor_minutes, default_ceiling_minutes, max_transfer_minutes FROM networks WHERE id = $1")
        .bind(&t.network_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("network"))?;
    if let Err(refusal) = check_shape(&legs, network.get("max_transfer_minutes")) {
        tx.rollback().await?;
        return Ok(Outcome::Refused(refusal));
    }
    let (default_floor, default_ceiling): (i64, i64) = (network.get("default_floor_minutes"), network.get("default_ceiling_minutes"));

    let mut new_balances = Vec::with_capacity(legs.len());
    for ((account, _), leg) in t.legs.iter().zip(&legs) {
        ensure_account(&mut tx, &t.network_id, account).await?;
        let row = sqlx::query(
            "SELECT a.kind, a.floor_minutes, a.ceiling_minutes, a.balance_minutes, COALESCE(u.display_name, o.name, '') AS name
             FROM accounts a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = a.organisation_id
             WHERE a.id = $1",
        )
        .bind(&leg.account)
        .fetch_one(&mut *tx)
        .await?;
        let kind: String = row.get("kind");
        let limits = effective_limits(&kind, row.get("floor_minutes"), row.get("ceiling_minutes"), default_floor, default_ceiling);
        let balance: i64 = row.get("balance_minutes");
        let name = match kind.as_str() {
            "network" => "the network account".to_string(),
            "pool" => "the community pool".to_string(),
            _ => row.get::<String, _>("name"),
        };
        let after = balance + leg.amount_minutes;
        if let Err(refusal) = check_limits(&name, after, limits) {
            tx.rollback().await?;
            return Ok(Outcome::Refused(refusal));
        }
        new_balances.push(after);
    }

    let recorded_at = now();
    let hash = chain_hash(&prev_hash, seq, &content, recorded_at);
    sqlx::query(
        "INSERT INTO transfers (id, network_id, seq, kind, memo, category, exchange_id, reverses_id, reason, recorded_by,
                                recorded_at, content_hash, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&t.id)
    .bind(&t.network_id)
    .bind(seq)
    .bind(&t.kind)
    .bind(&t.memo)
    .bind(&t.category)
    .bind(&t.exchange_id)
    .bind(&t.reverses_id)
    .bind(&t.reason)
    .bind(&t.recorded_by)
    .bind(recorded_at)
    .bind(&content)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    for (leg, after) in legs.iter().zip(new_balances) {
        sqlx::query("INSERT INTO entries (transfer_id, account_id, amount_minutes, balance_after_minutes, seq) VALUES ($1, $2, $3, $4, $5)")
            .bind(&t.id)
            .bind(&leg.account)
            .bind(leg.amount_minutes)
            .bind(after)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE accounts SET balance_minutes = balance_minutes + $1 WHERE id = $2")
            .bind(leg.amount_minutes)
            .bind(&leg.account)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE ledger_heads SET hash = $1 WHERE network_id = $2").bind(&hash).bind(&t.network_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Outcome::Applied { seq })
}

/// Sets (or clears, with `None`) an account's own limits; refused if its balance is outside them.
pub async fn set_limits(db: &Db, network_id: &str, account: &AccountRef, floor: Option<i64>, ceiling: Option<i64>) -> Result<Result<(), TransferRefusal>, AppError> {
    let mut tx = db.pool.begin().await?;
    ensure_account(&mut tx, network_id, account).await?;
    let id = account.id(network_id);
    let row = sqlx::query(
        "SELECT a.kind, a.balance_minutes, n.default_floor_minutes, n.default_ceiling_minutes
         FROM accounts a JOIN networks n ON n.id = a.network_id WHERE a.id = $1",
    )
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?;
    let limits = effective_limits(&row.get::<String, _>("kind"), floor, ceiling, row.get("default_floor_minutes"), row.get("default_ceiling_minutes"));
    if let Err(r) = check_limits("this account", row.get("balance_minutes"), limits) {
        tx.rollback().await?;
        return Ok(Err(r));
    }
    sqlx::query("UPDATE accounts SET floor_minutes = $1, ceiling_minutes = $2 WHERE id = $3")
        .bind(floor)
        .bind(ceiling)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The balance of an account (zero if it was never used).
pub async fn balance(db: &Db, network_id: &str, account: &AccountRef) -> Result<i64, AppError> {
    Ok(sqlx::query("SELECT balance_minutes FROM accounts WHERE id = $1")
        .bind(account.id(network_id))
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.get("balance_minutes"))
        .unwrap_or(0))
}

/// What `timeweave ledger verify` found.
#[derive(Debug, Default)]
pub struct VerifyReport {
    pub networks: usize,
    pub accounts: usize,
    pub transfers: usize,
    pub entries: usize,
    pub faults: Vec<String>,
}

/// Recomputes everything from the entries: each transfer's legs sum to zero and match its
/// content hash, the chain links, each account's running balances and stored balance equal
/// the sum of its entries, every balance is within its limits, and each network sums to zero.
pub async fn verify(db: &Db) -> Result<VerifyReport, AppError> {
    let mut report = VerifyReport::default();
    let networks = sqlx::query("SELECT id, default_floor_minutes, default_ceiling_minutes FROM networks ORDER BY id").fetch_all(&db.pool).await?;
    for n in networks {
        report.networks += 1;
        let network_id: String = n.get("id");
        let transfers = sqlx::query(
            "SELECT id, seq, kind, memo, category, exchange_id, reverses_id, reason, recorded_by, recorded_at, content_hash, prev_hash, hash
             FROM transfers WHERE network_id = $1 ORDER BY seq",
        )
        .bind(&network_id)
        .fetch_all(&db.pool)
        .await?;
        let entries = sqlx::query(
            "SELECT e.transfer_id, e.account_id, e.amount_minutes, e.balance_after_minutes, e.seq
             FROM entries e JOIN transfers t ON t.id = e.transfer_id WHERE t.network_id = $1 ORDER BY e.seq, e.account_id",
        )
        .bind(&network_id)
        .fetch_all(&db.pool)
        .await?;
        let mut by_transfer: std::collections::HashMap<String, Vec<Leg>> = Default::default();
        let mut running: std::collections::BTreeMap<String, i64> = Default::default();
        for e in &entries {
            report.entries += 1;
            let account: String = e.get("account_id");
            let amount: i64 = e.get("amount_minutes");
            let bal = running.entry(account.clone()).or_insert(0);
            *bal += amount;
            let after: i64 = e.get("balance_after_minutes");
            if *bal != after {
                report.faults.push(format!("account {account}: running balance {bal} but entry says {after}"));
            }
            by_transfer.entry(e.get("transfer_id")).or_default().push(Leg { account, amount_minutes: amount });
        }
        let mut prev = GENESIS.to_string();
        for (i, t) in transfers.iter().enumerate() {
            report.transfers += 1;
            let id: String = t.get("id");
            let seq: i64 = t.get("seq");
            if seq != i as i64 + 1 {
                report.faults.push(format!("transfer {id}: seq {seq}, expected {}", i + 1));
            }
            let legs = by_transfer.remove(&id).unwrap_or_default();
            if legs.len() < 2 || legs.iter().map(|l| l.amount_minutes).sum::<i64>() != 0 {
                report.faults.push(format!("transfer {id}: legs do not balance ({} legs)", legs.len()));
            }
            let content = content_hash(
                &id,
                &network_id,
                &t.get::<String, _>("kind"),
                &legs,
                &t.get::<String, _>("memo"),
                t.get::<Option<String>, _>("category").as_deref(),
                t.get::<Option<String>, _>("exchange_id").as_deref(),
                t.get::<Option<String>, _>("reverses_id").as_deref(),
                t.get::<Option<String>, _>("reason").as_deref(),
                t.get::<Option<String>, _>("recorded_by").as_deref(),
            );
            if content != t.get::<String, _>("content_hash") {
                report.faults.push(format!("transfer {id}: content does not match its hash (altered?)"));
            }
            if prev != t.get::<String, _>("prev_hash") {
                report.faults.push(format!("transfer {id}: chain broken before it"));
            }
            let expected = chain_hash(&prev, seq, &t.get::<String, _>("content_hash"), t.get("recorded_at"));
            if expected != t.get::<String, _>("hash") {
                report.faults.push(format!("transfer {id}: chain hash does not match"));
            }
            prev = t.get("hash");
        }
        for orphan in by_transfer.keys() {
            report.faults.push(format!("entries for unknown transfer {orphan}"));
        }
        if let Some(head) = sqlx::query("SELECT seq, hash FROM ledger_heads WHERE network_id = $1").bind(&network_id).fetch_optional(&db.pool).await? {
            if head.get::<i64, _>("seq") != transfers.len() as i64 || head.get::<String, _>("hash") != prev {
                report.faults.push(format!("network {network_id}: head does not match the last transfer"));
            }
        }
        let accounts = sqlx::query("SELECT id, kind, floor_minutes, ceiling_minutes, balance_minutes FROM accounts WHERE network_id = $1")
            .bind(&network_id)
            .fetch_all(&db.pool)
            .await?;
        let mut total = 0i64;
        for a in accounts {
            report.accounts += 1;
            let id: String = a.get("id");
            let stored: i64 = a.get("balance_minutes");
            total += stored;
            let summed = running.get(&id).copied().unwrap_or(0);
            if stored != summed {
                report.faults.push(format!("account {id}: balance {stored} but entries sum to {summed}"));
            }
            let limits = effective_limits(&a.get::<String, _>("kind"), a.get("floor_minutes"), a.get("ceiling_minutes"), n.get("default_floor_minutes"), n.get("default_ceiling_minutes"));
            if let Err(r) = check_limits(&id, stored, limits) {
                report.faults.push(format!("account {id}: {}", r.message()));
            }
        }
        if total != 0 {
            report.faults.push(format!("network {network_id}: balances sum to {total}, not zero"));
        }
    }
    Ok(report)
}
