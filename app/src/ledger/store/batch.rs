//! One network's batch of transfers in one transaction: take the head row, read what the
//! rules need (ids seen before, the originals of reversals, every account named), decide
//! each transfer in order in memory with the rules of `domain`, then write the accepted
//! ones (transfers, audit lines, entries, balances, the head) in a few statements.

use super::{chain_hash, content_hash, ensure_accounts, lock_head, AccountRef, NewTransfer, Outcome, CHUNK};
use crate::ledger::domain::{check_transfer, effective_limits, Leg, Limits, Original, Standing, TransferRefusal};
use crate::platform::db::{placeholders, runs, value_rows, Db};
use crate::util::now;
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

/// The network's limits, as the batch reads them.
#[derive(sqlx::FromRow)]
struct NetworkSettings {
    default_floor_minutes: i64,
    default_ceiling_minutes: i64,
    max_transfer_minutes: i64,
}

/// One leg of a transfer a reversal in the batch names.
#[derive(sqlx::FromRow)]
struct OriginalEntry {
    transfer_id: String,
    account_id: String,
    amount_minutes: i64,
    reverses_id: Option<String>,
}

/// An account the batch names, with its owner's name.
#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    kind: String,
    floor_minutes: Option<i64>,
    ceiling_minutes: Option<i64>,
    balance_minutes: i64,
    name: String,
}

/// What a batch knows about an account while it works.
struct Held {
    name: String,
    limits: Limits,
    balance: i64,
}

/// The originals the batch's reversals name.
#[derive(Default)]
struct Originals {
    legs: HashMap<String, Vec<Leg>>,
    is_reversal: HashSet<String>,
    already_reversed: HashSet<String>,
}

/// The network's ledger as the batch moves it on, in memory.
struct Books {
    seq: i64,
    prev_hash: String,
    /// id → (content hash, seq) of every transfer the batch could repeat.
    known: HashMap<String, (String, i64)>,
    originals: Originals,
    held: HashMap<String, Held>,
}

/// A transfer the rules accepted, with everything its rows need.
struct Accepted<'a> {
    t: &'a NewTransfer,
    seq: i64,
    content: String,
    prev_hash: String,
    hash: String,
    /// Each leg with the balance it leaves.
    legs: Vec<(Leg, i64)>,
}

pub(super) async fn apply_network_batch(db: &Db, network_id: &str, batch: &[&NewTransfer]) -> Result<Vec<Outcome>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let (seq, prev_hash) = lock_head(&mut tx, network_id).await?;
    let Some(network) = network_settings(&mut tx, network_id).await? else {
        tx.rollback().await?;
        return Ok(batch.iter().map(|_| Outcome::Refused(TransferRefusal::UnknownNetwork)).collect());
    };
    let asked = asked(network_id, batch);
    let known = known_ids(&mut tx, batch).await?;
    let originals = originals(&mut tx, network_id, batch).await?;
    let held = held_accounts(&mut tx, network_id, batch, &network).await?;
    let mut books = Books { seq, prev_hash, known, originals, held };

    let recorded_at = now();
    let (outcomes, accepted) = decide(&mut books, batch, asked, network.max_transfer_minutes, recorded_at);
    if accepted.is_empty() {
        tx.rollback().await?;
        return Ok(outcomes);
    }

    // Write it all: transfers, entries, balances, the head — a few statements per batch.
    insert_transfers(&mut tx, network_id, &accepted, recorded_at).await?;
    write_audit(&mut tx, &accepted, recorded_at).await?;
    insert_entries(&mut tx, &accepted).await?;
    update_balances(&mut tx, &books.held).await?;
    sqlx::query("UPDATE ledger_heads SET seq = $1, hash = $2 WHERE network_id = $3")
        .bind(books.seq)
        .bind(&books.prev_hash)
        .bind(network_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(outcomes)
}

async fn network_settings(tx: &mut Transaction<'_, Any>, network_id: &str) -> Result<Option<NetworkSettings>, sqlx::Error> {
    sqlx::query_as("SELECT default_floor_minutes, default_ceiling_minutes, max_transfer_minutes FROM networks WHERE id = $1")
        .bind(network_id)
        .fetch_optional(&mut **tx)
        .await
}

/// What the batch asks for, in the form the rules and the hashes use: legs and content hash.
fn asked(network_id: &str, batch: &[&NewTransfer]) -> Vec<(Vec<Leg>, String)> {
    batch
        .iter()
        .map(|t| {
            let legs: Vec<Leg> = t.legs.iter().map(|(a, m)| Leg { account: a.id(network_id), amount_minutes: *m }).collect();
            let content = content_hash(
                &t.id,
                network_id,
                t.kind.as_str(),
                &legs,
                &t.memo,
                t.category.as_deref(),
                t.exchange_id.as_deref(),
                t.reverses_id.as_deref(),
                t.reason.as_deref(),
                t.recorded_by.as_deref(),
                t.happened_on.as_deref(),
            );
            (legs, content)
        })
        .collect()
}

/// Ids seen before (idempotency), read under the head lock so no other writer can race us.
async fn known_ids(tx: &mut Transaction<'_, Any>, batch: &[&NewTransfer]) -> Result<HashMap<String, (String, i64)>, sqlx::Error> {
    let mut known = HashMap::new();
    let ids: Vec<&str> = batch.iter().map(|t| t.id.as_str()).collect();
    for chunk in runs(&ids, CHUNK) {
        let sql = format!("SELECT id, content_hash, seq FROM transfers WHERE id IN ({})", placeholders(chunk.len(), 0));
        let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for (id, content_hash, seq) in q.fetch_all(&mut **tx).await? {
            known.insert(id, (content_hash, seq));
        }
    }
    Ok(known)
}

/// Reversals: the originals' legs and whether they are reversals or reversed already.
async fn originals(tx: &mut Transaction<'_, Any>, network_id: &str, batch: &[&NewTransfer]) -> Result<Originals, sqlx::Error> {
    let mut out = Originals::default();
    let originals: Vec<&str> = batch.iter().filter_map(|t| t.reverses_id.as_deref()).collect();
    for chunk in runs(&originals, CHUNK) {
        let list = placeholders(chunk.len(), 1);
        let sql = format!(
            "SELECT e.transfer_id, e.account_id, e.amount_minutes, t.reverses_id FROM entries e JOIN transfers t ON t.id = e.transfer_id
             WHERE t.network_id = $1 AND e.transfer_id IN ({list})"
        );
        let mut q = sqlx::query_as::<_, OriginalEntry>(&sql).bind(network_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            if r.reverses_id.is_some() {
                out.is_reversal.insert(r.transfer_id.clone());
            }
            out.legs.entry(r.transfer_id).or_default().push(Leg { account: r.account_id, amount_minutes: r.amount_minutes });
        }
        let sql = format!("SELECT reverses_id FROM transfers WHERE reverses_id IN ({})", placeholders(chunk.len(), 0));
        let mut q = sqlx::query_scalar::<_, String>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        out.already_reversed.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

/// Every account the batch names: opened if new, then read once.
async fn held_accounts(
    tx: &mut Transaction<'_, Any>,
    network_id: &str,
    batch: &[&NewTransfer],
    network: &NetworkSettings,
) -> Result<HashMap<String, Held>, sqlx::Error> {
    let mut refs: Vec<&AccountRef> = batch.iter().flat_map(|t| t.legs.iter().map(|(a, _)| a)).collect();
    refs.sort();
    refs.dedup();
    ensure_accounts(tx, network_id, &refs).await?;
    let mut held = HashMap::new();
    let account_ids: Vec<String> = refs.iter().map(|a| a.id(network_id)).collect();
    for chunk in runs(&account_ids, CHUNK) {
        let sql = format!(
            "SELECT a.id, a.kind, a.floor_minutes, a.ceiling_minutes, a.balance_minutes, COALESCE(u.display_name, o.name, '') AS name
             FROM accounts a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = a.organisation_id
             WHERE a.id IN ({})",
            placeholders(chunk.len(), 0)
        );
        let mut q = sqlx::query_as::<_, AccountRow>(&sql);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for r in q.fetch_all(&mut **tx).await? {
            let name = match r.kind.as_str() {
                "network" => "the network account".to_string(),
                "pool" => "the community pool".to_string(),
                _ => r.name,
            };
            let limits = effective_limits(
                &r.kind,
                r.floor_minutes,
                r.ceiling_minutes,
                network.default_floor_minutes,
                network.default_ceiling_minutes,
            );
            held.insert(r.id, Held { name, limits, balance: r.balance_minutes });
        }
    }
    Ok(held)
}

/// Applies the rules to each transfer in order, in memory, against the balances the ones
/// before it left: what each request gets back, and the transfers to write.
fn decide<'a>(
    books: &mut Books,
    batch: &[&'a NewTransfer],
    asked: Vec<(Vec<Leg>, String)>,
    max_minutes: i64,
    recorded_at: i64,
) -> (Vec<Outcome>, Vec<Accepted<'a>>) {
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    for (t, (legs, content)) in batch.iter().copied().zip(asked) {
        if let Some((hash, at)) = books.known.get(&t.id) {
            outcomes.push(if *hash == content {
                Outcome::AlreadyApplied { seq: *at }
            } else {
                Outcome::Refused(TransferRefusal::IdReused)
            });
            continue;
        }
        let reverses = t.reverses_id.as_deref().map(|original| Original {
            legs: books.originals.legs.get(original).map(Vec::as_slice),
            is_reversal: books.originals.is_reversal.contains(original),
            reversed: books.originals.already_reversed.contains(original),
        });
        let held = &books.held;
        let checked = check_transfer(&legs, max_minutes, reverses, |account| {
            held.get(account).map(|h| Standing { name: &h.name, balance_minutes: h.balance, limits: h.limits })
        });
        match checked {
            Err(r) => outcomes.push(Outcome::Refused(r)),
            Ok(after) => {
                books.seq += 1;
                let seq = books.seq;
                let hash = chain_hash(&books.prev_hash, seq, &content, recorded_at);
                for (leg, bal) in legs.iter().zip(&after) {
                    if let Some(h) = books.held.get_mut(&leg.account) {
                        h.balance = *bal;
                    }
                }
                if let Some(original) = t.reverses_id.as_deref() {
                    books.originals.already_reversed.insert(original.to_string());
                }
                books.known.insert(t.id.clone(), (content.clone(), seq));
                outcomes.push(Outcome::Applied { seq });
                accepted.push(Accepted {
                    t,
                    seq,
                    content,
                    prev_hash: std::mem::replace(&mut books.prev_hash, hash.clone()),
                    hash,
                    legs: legs.into_iter().zip(after).collect(),
                });
            }
        }
    }
    (outcomes, accepted)
}

async fn insert_transfers(
    tx: &mut Transaction<'_, Any>,
    network_id: &str,
    accepted: &[Accepted<'_>],
    recorded_at: i64,
) -> Result<(), sqlx::Error> {
    for chunk in runs(accepted, CHUNK / 2) {
        let sql = format!(
            "INSERT INTO transfers (id, network_id, seq, kind, memo, category, exchange_id, reverses_id, reason, recorded_by,
                                    recorded_at, content_hash, prev_hash, hash, happened_on) VALUES {}",
            value_rows(chunk.len(), 15, 0)
        );
        let mut q = sqlx::query(&sql);
        for a in chunk {
            q = q
                .bind(&a.t.id)
                .bind(network_id)
                .bind(a.seq)
                .bind(a.t.kind.as_str())
                .bind(&a.t.memo)
                .bind(&a.t.category)
                .bind(&a.t.exchange_id)
                .bind(&a.t.reverses_id)
                .bind(&a.t.reason)
                .bind(&a.t.recorded_by)
                .bind(recorded_at)
                .bind(&a.content)
                .bind(&a.prev_hash)
                .bind(&a.hash)
                .bind(&a.t.happened_on);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The builders' audit lines of the accepted transfers, naming the transfer and the balances
/// it left unless the line says otherwise.
async fn write_audit(tx: &mut Transaction<'_, Any>, accepted: &[Accepted<'_>], recorded_at: i64) -> Result<(), sqlx::Error> {
    let mut lines = vec![];
    for a in accepted {
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
            lines.push(entry);
        }
    }
    crate::audit::store::audit_many(tx, &lines, recorded_at).await
}

async fn insert_entries(tx: &mut Transaction<'_, Any>, accepted: &[Accepted<'_>]) -> Result<(), sqlx::Error> {
    let entries: Vec<(&str, &Leg, i64, i64)> =
        accepted.iter().flat_map(|a| a.legs.iter().map(move |(leg, after)| (a.t.id.as_str(), leg, *after, a.seq))).collect();
    for chunk in runs(&entries, CHUNK) {
        let sql = format!(
            "INSERT INTO entries (transfer_id, account_id, amount_minutes, balance_after_minutes, seq) VALUES {}",
            value_rows(chunk.len(), 5, 0)
        );
        let mut q = sqlx::query(&sql);
        for (id, leg, after, seq) in chunk {
            q = q.bind(*id).bind(leg.account.as_str()).bind(leg.amount_minutes).bind(*after).bind(*seq);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Every account the batch named gets the balance it ended with, in one statement per chunk.
async fn update_balances(tx: &mut Transaction<'_, Any>, held: &HashMap<String, Held>) -> Result<(), sqlx::Error> {
    let mut touched: Vec<(&String, i64)> = held.iter().map(|(id, h)| (id, h.balance)).collect();
    touched.sort();
    for chunk in runs(&touched, CHUNK) {
        let cases: Vec<String> = (0..chunk.len()).map(|i| format!("WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2)).collect();
        let ids: Vec<String> = (0..chunk.len()).map(|i| format!("${}", 2 * i + 1)).collect();
        let sql = format!("UPDATE accounts SET balance_minutes = CASE id {} END WHERE id IN ({})", cases.join(" "), ids.join(", "));
        let mut q = sqlx::query(&sql);
        for (id, balance) in chunk {
            q = q.bind(id.as_str()).bind(*balance);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
