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
use crate::platform::db::{placeholders, value_rows, Db};
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
    /// The audit-trail line for a builder's action (grant, correction, reversal, recording
    /// on behalf): written in the same transaction as the transfer, only if it is applied.
    /// Not part of the transfer's content or hash.
    pub audit: Vec<crate::audit::store::AuditEntry>,
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
    sha(&[id, network_id, kind, &legs_text, memo, &opt(category), &opt(exchange_id), &opt(reverses_id), &opt(reason), &opt(recorded_by)])
}

pub fn chain_hash(prev_hash: &str, seq: i64, content_hash: &str, recorded_at: i64) -> String {
    sha(&[prev_hash, &seq.to_string(), content_hash, &recorded_at.to_string()])
}

/// Parses a stored account id back into whose account it is.
impl AccountRef {
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
    for chunk in accounts.chunks(CHUNK) {
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

/// The limits that apply to an account: its own, else by kind (the network account has
/// none; the pool cannot go below zero), else the network's defaults.
pub fn effective_limits(kind: &str, own_floor: Option<i64>, own_ceiling: Option<i64>, default_floor: i64, default_ceiling: i64) -> Limits {
    match kind {
        "network" => Limits { floor_minutes: None, ceiling_minutes: None },
        "pool" => Limits { floor_minutes: Some(own_floor.unwrap_or(0)), ceiling_minutes: own_ceiling },
        _ => Limits {
            floor_minutes: Some(own_floor.unwrap_or(default_floor)),
            ceiling_minutes: Some(own_ceiling.unwrap_or(default_ceiling)),
        },
    }
}

/// What a batch knows about an account while it works.
struct Held {
    name: String,
    limits: Limits,
    balance: i64,
}

/// Takes the network's head row: the first statement of every ledger transaction is this
/// write, so SQLite takes its write lock at once and PostgreSQL orders the network's writers.
async fn lock_head(tx: &mut Transaction<'_, Any>, network_id: &str) -> Result<(i64, String), sqlx::Error> {
    sqlx::query("INSERT INTO ledger_heads (network_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (network_id) DO NOTHING")
        .bind(network_id)
        .bind(GENESIS)
        .execute(&mut **tx)
        .await?;
    let head = sqlx::query("UPDATE ledger_heads SET seq = seq WHERE network_id = $1 RETURNING seq, hash")
        .bind(network_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((head.get("seq"), head.get("hash")))
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
            match apply_network_batch(db, network, &group).await {
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

async fn apply_network_batch(db: &Db, network_id: &str, batch: &[&NewTransfer]) -> Result<Vec<Outcome>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let (mut seq, mut prev_hash) = lock_head(&mut tx, network_id).await?;
    let Some(network) =
        sqlx::query("SELECT default_floor_minutes, default_ceiling_minutes, max_transfer_minutes FROM networks WHERE id = $1")
            .bind(network_id)
            .fetch_optional(&mut *tx)
            .await?
    else {
        tx.rollback().await?;
        return Ok(batch.iter().map(|_| Outcome::Refused(TransferRefusal::UnknownNetwork)).collect());
    };
    let (default_floor, default_ceiling, max_minutes): (i64, i64, i64) =
        (network.get("default_floor_minutes"), network.get("default_ceiling_minutes"), network.get("max_transfer_minutes"));

    // What the batch asks for, in the form the rules and the hashes use.
    let asked: Vec<(Vec<Leg>, String)> = batch
        .iter()
        .map(|t| {
            let legs: Vec<Leg> = t.legs.iter().map(|(a, m)| Leg { account: a.id(network_id), amount_minutes: *m }).collect();
            let content = content_hash(
                &t.id,
                network_id,
                &t.kind,
                &legs,
                &t.memo,
                t.category.as_deref(),
                t.exchange_id.as_deref(),
                t.reverses_id.as_deref(),
                t.reason.as_deref(),
                t.recorded_by.as_deref(),
            );
            (legs, content)
        })
        .collect();

    // Ids seen before (idempotency), read under the head lock so no other writer can race us.
    let mut known: std::collections::HashMap<String, (String, i64)> = Default::default();
    let ids: Vec<&str> = batch.iter().map(|t| t.id.as_str()).collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!("SELECT id, content_hash, seq FROM transfers WHERE id IN ({})", placeholders(chunk.len(), 0));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *tx).await? {
            known.insert(r.get("id"), (r.get("content_hash"), r.get("seq")));
        }
    }

    // Reversals: the originals' legs and whether they are reversals or reversed already.
    let originals: Vec<&str> = batch.iter().filter_map(|t| t.reverses_id.as_deref()).collect();
    let mut original_legs: std::collections::HashMap<String, Vec<Leg>> = Default::default();
    let mut original_is_reversal: std::collections::HashSet<String> = Default::default();
    let mut already_reversed: std::collections::HashSet<String> = Default::default();
    for chunk in originals.chunks(CHUNK) {
        let list = placeholders(chunk.len(), 1);
        let sql = format!(
            "SELECT e.transfer_id, e.account_id, e.amount_minutes, t.reverses_id FROM entries e JOIN transfers t ON t.id = e.transfer_id
             WHERE t.network_id = $1 AND e.transfer_id IN ({list})"
        );
        let mut q = sqlx::query(&sql).bind(network_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *tx).await? {
            let id: String = r.get("transfer_id");
            if r.get::<Option<String>, _>("reverses_id").is_some() {
                original_is_reversal.insert(id.clone());
            }
            original_legs.entry(id).or_default().push(Leg { account: r.get("account_id"), amount_minutes: r.get("amount_minutes") });
        }
        let sql = format!("SELECT reverses_id FROM transfers WHERE reverses_id IN ({})", placeholders(chunk.len(), 0));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *tx).await? {
            already_reversed.insert(r.get("reverses_id"));
        }
    }

    // Every account the batch names: opened if new, then read once.
    let mut refs: Vec<&AccountRef> = batch.iter().flat_map(|t| t.legs.iter().map(|(a, _)| a)).collect();
    refs.sort();
    refs.dedup();
    ensure_accounts(&mut tx, network_id, &refs).await?;
    let mut held: std::collections::HashMap<String, Held> = Default::default();
    let account_ids: Vec<String> = refs.iter().map(|a| a.id(network_id)).collect();
    for chunk in account_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT a.id, a.kind, a.floor_minutes, a.ceiling_minutes, a.balance_minutes, COALESCE(u.display_name, o.name, '') AS name
             FROM accounts a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = a.organisation_id
             WHERE a.id IN ({})",
            placeholders(chunk.len(), 0)
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for r in q.fetch_all(&mut *tx).await? {
            let kind: String = r.get("kind");
            let name = match kind.as_str() {
                "network" => "the network account".to_string(),
                "pool" => "the community pool".to_string(),
                _ => r.get::<String, _>("name"),
            };
            held.insert(
                r.get("id"),
                Held {
                    name,
                    limits: effective_limits(&kind, r.get("floor_minutes"), r.get("ceiling_minutes"), default_floor, default_ceiling),
                    balance: r.get("balance_minutes"),
                },
            );
        }
    }

    // Apply the rules in order, in memory.
    struct Accepted<'a> {
        t: &'a NewTransfer,
        seq: i64,
        content: String,
        prev_hash: String,
        hash: String,
        legs: Vec<(Leg, i64)>,
    }
    let recorded_at = now();
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    for (t, (legs, content)) in batch.iter().zip(asked) {
        if let Some((hash, at)) = known.get(&t.id) {
            outcomes.push(if *hash == content {
                Outcome::AlreadyApplied { seq: *at }
            } else {
                Outcome::Refused(TransferRefusal::IdReused)
            });
            continue;
        }
        let refusal = (|| {
            check_shape(&legs, max_minutes)?;
            if let Some(original) = t.reverses_id.as_deref() {
                let Some(orig) = original_legs.get(original) else { return Err(TransferRefusal::UnknownTransfer) };
                if original_is_reversal.contains(original) {
                    return Err(TransferRefusal::CannotReverseReversal);
                }
                if already_reversed.contains(original) {
                    return Err(TransferRefusal::AlreadyReversed);
                }
                let mut want: Vec<Leg> =
                    orig.iter().map(|l| Leg { account: l.account.clone(), amount_minutes: -l.amount_minutes }).collect();
                let mut got = legs.clone();
                want.sort();
                got.sort();
                if want != got {
                    return Err(TransferRefusal::ReversalMismatch);
                }
            }
            let mut after = Vec::with_capacity(legs.len());
            for leg in &legs {
                let h = held.get(&leg.account).ok_or(TransferRefusal::UnknownTransfer)?;
                let balance = h.balance + leg.amount_minutes;
                check_limits(&h.name, balance, h.limits)?;
                after.push(balance);
            }
            Ok(after)
        })();
        match refusal {
            Err(r) => outcomes.push(Outcome::Refused(r)),
            Ok(after) => {
                seq += 1;
                let hash = chain_hash(&prev_hash, seq, &content, recorded_at);
                for (leg, bal) in legs.iter().zip(&after) {
                    if let Some(h) = held.get_mut(&leg.account) {
                        h.balance = *bal;
                    }
                }
                if let Some(original) = t.reverses_id.as_deref() {
                    already_reversed.insert(original.to_string());
                }
                known.insert(t.id.clone(), (content.clone(), seq));
                outcomes.push(Outcome::Applied { seq });
                accepted.push(Accepted {
                    t,
                    seq,
                    content,
                    prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
                    hash,
                    legs: legs.into_iter().zip(after).collect(),
                });
            }
        }
    }
    if accepted.is_empty() {
        tx.rollback().await?;
        return Ok(outcomes);
    }

    // Write it all: transfers, entries, balances, the head — a few statements per batch.
    for chunk in accepted.chunks(CHUNK / 2) {
        let sql = format!(
            "INSERT INTO transfers (id, network_id, seq, kind, memo, category, exchange_id, reverses_id, reason, recorded_by,
                                    recorded_at, content_hash, prev_hash, hash) VALUES {}",
            value_rows(chunk.len(), 14, 0)
        );
        let mut q = sqlx::query(&sql);
        for a in chunk {
            q = q
                .bind(&a.t.id)
                .bind(network_id)
                .bind(a.seq)
                .bind(&a.t.kind)
                .bind(&a.t.memo)
                .bind(&a.t.category)
                .bind(&a.t.exchange_id)
                .bind(&a.t.reverses_id)
                .bind(&a.t.reason)
                .bind(&a.t.recorded_by)
                .bind(recorded_at)
                .bind(&a.content)
                .bind(&a.prev_hash)
                .bind(&a.hash);
        }
        q.execute(&mut *tx).await?;
    }
    for a in &accepted {
        for entry in &a.t.audit {
            let mut entry = entry.clone();
            if entry.subject.is_empty() {
                entry.subject = format!("transfer:{}", a.t.id);
            }
            if entry.after.is_empty() {
                entry.after = a
                    .legs
                    .iter()
                    .map(|(leg, after)| format!("{} {:+} min → {} min", leg.account, leg.amount_minutes, after))
                    .collect::<Vec<_>>()
                    .join("; ");
            }
            crate::audit::store::audit_at(&mut tx, &entry, recorded_at).await?;
        }
    }
    let entries: Vec<(&str, &Leg, i64, i64)> =
        accepted.iter().flat_map(|a| a.legs.iter().map(move |(leg, after)| (a.t.id.as_str(), leg, *after, a.seq))).collect();
    for chunk in entries.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO entries (transfer_id, account_id, amount_minutes, balance_after_minutes, seq) VALUES {}",
            value_rows(chunk.len(), 5, 0)
        );
        let mut q = sqlx::query(&sql);
        for (id, leg, after, seq) in chunk {
            q = q.bind(*id).bind(leg.account.as_str()).bind(leg.amount_minutes).bind(*after).bind(*seq);
        }
        q.execute(&mut *tx).await?;
    }
    let mut touched: Vec<(&String, i64)> = held.iter().map(|(id, h)| (id, h.balance)).collect();
    touched.sort();
    for chunk in touched.chunks(CHUNK) {
        let cases: Vec<String> = (0..chunk.len()).map(|i| format!("WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2)).collect();
        let ids: Vec<String> = (0..chunk.len()).map(|i| format!("${}", 2 * i + 1)).collect();
        let sql = format!("UPDATE accounts SET balance_minutes = CASE id {} END WHERE id IN ({})", cases.join(" "), ids.join(", "));
        let mut q = sqlx::query(&sql);
        for (id, balance) in chunk {
            q = q.bind(id.as_str()).bind(*balance);
        }
        q.execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE ledger_heads SET seq = $1, hash = $2 WHERE network_id = $3")
        .bind(seq)
        .bind(&prev_hash)
        .bind(network_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcomes)
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
    let rows = sqlx::query(
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
    for r in rows {
        let account: String = r.get("account_id");
        let Some(a) = AccountRef::parse(&account, network_id) else {
            return Err(crate::error::unexpected(format!("unparseable account id {account}")));
        };
        legs.push((a, -r.get::<i64, _>("amount_minutes")));
    }
    Ok(Ok(NewTransfer {
        id: new_id.to_string(),
        network_id: network_id.to_string(),
        kind: super::domain::TransferKind::Reversal.as_str().to_string(),
        legs,
        memo: String::new(),
        category: None,
        exchange_id: None,
        reverses_id: Some(original.to_string()),
        reason: Some(reason.to_string()),
        recorded_by: recorded_by.map(str::to_string),
        audit: vec![],
    }))
}

/// Sets (or clears, with `None`) an account's own limits; refused if its balance is outside them.
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
    let row = sqlx::query(
        "SELECT a.kind, a.balance_minutes, a.floor_minutes, a.ceiling_minutes, n.default_floor_minutes, n.default_ceiling_minutes,
                COALESCE(u.display_name, o.name, '') AS name
         FROM accounts a JOIN networks n ON n.id = a.network_id LEFT JOIN users u ON u.id = a.user_id
         LEFT JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1",
    )
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?;
    let limits = effective_limits(
        &row.get::<String, _>("kind"),
        floor,
        ceiling,
        row.get("default_floor_minutes"),
        row.get("default_ceiling_minutes"),
    );
    let name: String = row.get("name");
    if let Err(r) = check_limits(if name.is_empty() { "this account" } else { &name }, row.get("balance_minutes"), limits) {
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
        .bind(row.get::<Option<i64>, _>("floor_minutes"))
        .bind(row.get::<Option<i64>, _>("ceiling_minutes"))
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
        let entry = entry.change(words(row.get("floor_minutes"), row.get("ceiling_minutes")), words(floor, ceiling));
        crate::audit::store::audit(&mut tx, &entry).await?;
    }
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
    let networks =
        sqlx::query("SELECT id, default_floor_minutes, default_ceiling_minutes FROM networks ORDER BY id").fetch_all(&db.pool).await?;
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
        let mut seen_legs: std::collections::HashMap<String, Vec<Leg>> = Default::default();
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
            if let Some(original) = t.get::<Option<String>, _>("reverses_id") {
                let mut want: Vec<Leg> = seen_legs
                    .get(&original)
                    .map(|l| l.iter().map(|l| Leg { account: l.account.clone(), amount_minutes: -l.amount_minutes }).collect())
                    .unwrap_or_default();
                let mut got = legs.clone();
                want.sort();
                got.sort();
                if want.is_empty() || want != got {
                    report.faults.push(format!("transfer {id}: does not exactly reverse {original}"));
                }
            }
            seen_legs.insert(id, legs);
        }
        for orphan in by_transfer.keys() {
            report.faults.push(format!("entries for unknown transfer {orphan}"));
        }
        if let Some(head) =
            sqlx::query("SELECT seq, hash FROM ledger_heads WHERE network_id = $1").bind(&network_id).fetch_optional(&db.pool).await?
        {
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
            let limits = effective_limits(
                &a.get::<String, _>("kind"),
                a.get("floor_minutes"),
                a.get("ceiling_minutes"),
                n.get("default_floor_minutes"),
                n.get("default_ceiling_minutes"),
            );
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
