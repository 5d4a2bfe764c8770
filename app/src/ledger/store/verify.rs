//! `timeweave ledger verify`: recomputes every network's ledger from its entries and reports
//! whatever does not add up, without changing anything.

use super::{chain_hash, content_hash, GENESIS};
use crate::error::AppError;
use crate::ledger::domain::{check_limits, effective_limits, reverses_exactly, Leg};
use crate::platform::db::Db;
use std::collections::{BTreeMap, HashMap};

/// What `timeweave ledger verify` found.
#[derive(Debug, Default)]
pub struct VerifyReport {
    pub networks: usize,
    pub accounts: usize,
    pub transfers: usize,
    pub entries: usize,
    pub faults: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct NetworkRow {
    id: String,
    default_floor_minutes: i64,
    default_ceiling_minutes: i64,
}

/// A transfer as stored. The kind stays text here: an altered one must show as a fault.
#[derive(sqlx::FromRow)]
struct TransferRow {
    id: String,
    seq: i64,
    kind: String,
    memo: String,
    category: Option<String>,
    exchange_id: Option<String>,
    reverses_id: Option<String>,
    reason: Option<String>,
    recorded_by: Option<String>,
    recorded_at: i64,
    happened_on: Option<String>,
    content_hash: String,
    prev_hash: String,
    hash: String,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    transfer_id: String,
    account_id: String,
    amount_minutes: i64,
    balance_after_minutes: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    kind: String,
    floor_minutes: Option<i64>,
    ceiling_minutes: Option<i64>,
    balance_minutes: i64,
}

/// Recomputes everything from the entries: each transfer's legs sum to zero and match its
/// content hash, the chain links, each account's running balances and stored balance equal
/// the sum of its entries, every balance is within its limits, and each network sums to zero.
pub async fn verify(db: &Db) -> Result<VerifyReport, AppError> {
    let mut report = VerifyReport::default();
    let networks: Vec<NetworkRow> =
        sqlx::query_as("SELECT id, default_floor_minutes, default_ceiling_minutes FROM networks ORDER BY id").fetch_all(&db.pool).await?;
    for n in networks {
        report.networks += 1;
        verify_network(db, &n, &mut report).await?;
    }
    Ok(report)
}

async fn verify_network(db: &Db, n: &NetworkRow, report: &mut VerifyReport) -> Result<(), AppError> {
    let network_id = &n.id;
    let transfers: Vec<TransferRow> = sqlx::query_as(
        "SELECT id, seq, kind, memo, category, exchange_id, reverses_id, reason, recorded_by, recorded_at, happened_on, content_hash,
                prev_hash, hash
         FROM transfers WHERE network_id = $1 ORDER BY seq",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    let entries: Vec<EntryRow> = sqlx::query_as(
        "SELECT e.transfer_id, e.account_id, e.amount_minutes, e.balance_after_minutes, e.seq
         FROM entries e JOIN transfers t ON t.id = e.transfer_id WHERE t.network_id = $1 ORDER BY e.seq, e.account_id",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    let (mut by_transfer, running) = check_entries(&entries, report);
    let last_hash = check_chain(network_id, &transfers, &mut by_transfer, report);
    for orphan in by_transfer.keys() {
        report.faults.push(format!("entries for unknown transfer {orphan}"));
    }
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM ledger_heads WHERE network_id = $1").bind(network_id).fetch_optional(&db.pool).await?;
    if let Some((seq, hash)) = head {
        if seq != transfers.len() as i64 || hash != last_hash {
            report.faults.push(format!("network {network_id}: head does not match the last transfer"));
        }
    }
    let accounts: Vec<AccountRow> =
        sqlx::query_as("SELECT id, kind, floor_minutes, ceiling_minutes, balance_minutes FROM accounts WHERE network_id = $1")
            .bind(network_id)
            .fetch_all(&db.pool)
            .await?;
    check_accounts(n, &accounts, &running, report);
    Ok(())
}

/// Walks the entries in order: each one's running balance must be the one it recorded.
/// Returns each transfer's legs and each account's summed balance.
fn check_entries(entries: &[EntryRow], report: &mut VerifyReport) -> (HashMap<String, Vec<Leg>>, BTreeMap<String, i64>) {
    let mut by_transfer: HashMap<String, Vec<Leg>> = HashMap::new();
    let mut running: BTreeMap<String, i64> = BTreeMap::new();
    for e in entries {
        report.entries += 1;
        let account = e.account_id.clone();
        let bal = running.entry(account.clone()).or_insert(0);
        *bal += e.amount_minutes;
        let after = e.balance_after_minutes;
        if *bal != after {
            report.faults.push(format!("account {account}: running balance {bal} but entry says {after}"));
        }
        by_transfer.entry(e.transfer_id.clone()).or_default().push(Leg { account, amount_minutes: e.amount_minutes });
    }
    (by_transfer, running)
}

/// Walks the transfers in order: seq, balanced legs, content hash, chain, exact reversals.
/// Takes each transfer's legs out of `by_transfer` (what is left has no transfer) and
/// returns the last hash of the chain.
fn check_chain(
    network_id: &str,
    transfers: &[TransferRow],
    by_transfer: &mut HashMap<String, Vec<Leg>>,
    report: &mut VerifyReport,
) -> String {
    let mut prev = GENESIS.to_string();
    let mut seen_legs: HashMap<String, Vec<Leg>> = HashMap::new();
    for (i, t) in transfers.iter().enumerate() {
        report.transfers += 1;
        let id = &t.id;
        let seq = t.seq;
        if seq != i as i64 + 1 {
            report.faults.push(format!("transfer {id}: seq {seq}, expected {}", i + 1));
        }
        let legs = by_transfer.remove(id).unwrap_or_default();
        if legs.len() < 2 || legs.iter().map(|l| l.amount_minutes).sum::<i64>() != 0 {
            report.faults.push(format!("transfer {id}: legs do not balance ({} legs)", legs.len()));
        }
        let content = content_hash(
            id,
            network_id,
            &t.kind,
            &legs,
            &t.memo,
            t.category.as_deref(),
            t.exchange_id.as_deref(),
            t.reverses_id.as_deref(),
            t.reason.as_deref(),
            t.recorded_by.as_deref(),
            t.happened_on.as_deref(),
        );
        if content != t.content_hash {
            report.faults.push(format!("transfer {id}: content does not match its hash (altered?)"));
        }
        if prev != t.prev_hash {
            report.faults.push(format!("transfer {id}: chain broken before it"));
        }
        if chain_hash(&prev, seq, &t.content_hash, t.recorded_at) != t.hash {
            report.faults.push(format!("transfer {id}: chain hash does not match"));
        }
        prev = t.hash.clone();
        if let Some(original) = &t.reverses_id {
            if !seen_legs.get(original).is_some_and(|o| reverses_exactly(o, &legs)) {
                report.faults.push(format!("transfer {id}: does not exactly reverse {original}"));
            }
        }
        seen_legs.insert(id.clone(), legs);
    }
    prev
}

/// Each account's stored balance equals its entries and is within its limits; the network
/// sums to zero.
fn check_accounts(n: &NetworkRow, accounts: &[AccountRow], running: &BTreeMap<String, i64>, report: &mut VerifyReport) {
    let mut total = 0i64;
    for a in accounts {
        report.accounts += 1;
        let id = &a.id;
        let stored = a.balance_minutes;
        total += stored;
        let summed = running.get(id).copied().unwrap_or(0);
        if stored != summed {
            report.faults.push(format!("account {id}: balance {stored} but entries sum to {summed}"));
        }
        let limits = effective_limits(&a.kind, a.floor_minutes, a.ceiling_minutes, n.default_floor_minutes, n.default_ceiling_minutes);
        if let Err(r) = check_limits(id, stored, limits) {
            report.faults.push(format!("account {id}: {}", r.message()));
        }
    }
    if total != 0 {
        report.faults.push(format!("network {}: balances sum to {total}, not zero", n.id));
    }
}
