//! Reading the raw figures for the insight pages from the ledger, the listings and the
//! referral records, grouped in SQL. The one helper table, `transfer_facts`, is a derived
//! index of the ledger (what each transfer counts as, where), brought up to date from
//! `transfers` and `entries` before every read.

use super::domain::{
    DayGroup, Figures, Locality, MemberCounts, OutcomeChange, Period, ReferralFact, TransferGroup, ACTIVE_DAYS, DAY, UNANSWERED_DAYS,
};
use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::Row;
use std::collections::BTreeMap;

/// What each transfer counts as, where, in which category and how big (see the
/// `transfer_facts` migration): worked out from the ledger for every transfer of the
/// network not indexed yet. Two servers doing it at once write the same rows once.
const INDEX_NEW_TRANSFERS: &str = "
    INSERT INTO transfer_facts (transfer_id, network_id, seq, recorded_at, day, kind, reversal, locality_id, category_id, minutes)
    SELECT t.id, t.network_id, t.seq, t.recorded_at, CAST(t.recorded_at / 86400 AS BIGINT),
           COALESCE(o.kind, t.kind),
           CAST(CASE WHEN t.reverses_id IS NULL THEN 0 ELSE 1 END AS BIGINT),
           COALESCE((SELECT m.locality_id FROM entries e
                       JOIN accounts a ON a.id = e.account_id AND a.kind = 'member'
                       JOIN memberships m ON m.user_id = a.user_id AND m.network_id = a.network_id
                      WHERE e.transfer_id = COALESCE(t.reverses_id, t.id)
                      ORDER BY e.amount_minutes DESC, a.user_id LIMIT 1), ''),
           COALESCE(l.category_id, ''),
           CAST(COALESCE((SELECT SUM(e.amount_minutes) FROM entries e WHERE e.transfer_id = t.id AND e.amount_minutes > 0), 0) AS BIGINT)
      FROM transfers t
      LEFT JOIN transfers o ON o.id = t.reverses_id
      LEFT JOIN exchanges x ON x.id = COALESCE(o.exchange_id, t.exchange_id)
      LEFT JOIN listings l ON l.id = x.listing_id
     WHERE t.network_id = $1 AND t.seq > $2
    ON CONFLICT (transfer_id) DO NOTHING";

/// Brings `transfer_facts` up to the ledger's latest transfer for a network.
pub async fn index_new_transfers(db: &Db, network_id: &str) -> Result<(), AppError> {
    let last: i64 = sqlx::query("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM transfer_facts WHERE network_id = $1")
        .bind(network_id)
        .fetch_one(&db.pool)
        .await?
        .get("s");
    // One transaction, so a transfer and the flag on what it undoes are indexed together.
    let mut tx = db.pool.begin().await?;
    sqlx::query(INDEX_NEW_TRANSFERS).bind(network_id).bind(last).execute(&mut *tx).await?;
    // Transfers undone by the reversals just indexed.
    sqlx::query(
        "UPDATE transfer_facts SET reversed = 1
          WHERE reversed = 0 AND transfer_id IN (SELECT reverses_id FROM transfers WHERE network_id = $1 AND seq > $2 AND reverses_id IS NOT NULL)",
    )
    .bind(network_id)
    .bind(last)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn localities(db: &Db, network_id: &str) -> Result<Vec<Locality>, AppError> {
    let rows = sqlx::query("SELECT id, name, population FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(|r| Locality { id: r.get("id"), name: r.get("name"), population: r.get("population") }).collect())
}

pub async fn network_figures(db: &Db, network_id: &str, period: &Period, now: i64) -> Result<Figures, AppError> {
    let (start, end) = (period.start, period.end);
    index_new_transfers(db, network_id).await?;
    let (period_binds, active_binds) = ([start, end], [end - ACTIVE_DAYS * DAY, end]);
    let request_binds = [start, end, now - UNANSWERED_DAYS * DAY, UNANSWERED_DAYS * DAY];
    // The reads are independent: run them side by side, each on its own connection.
    let (localities, transfers, days, members, active, requests, referrals, outcomes, categories) = tokio::try_join!(
        localities(db, network_id),
        transfer_groups(db, network_id, start, end),
        day_groups(db, network_id, start, end),
        grouped(
            db,
            "SELECT locality_id,
                    CAST(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS a,
                    CAST(SUM(CASE WHEN created_at >= $2 AND status <> 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS b
               FROM memberships WHERE network_id = $1 AND created_at < $3 GROUP BY locality_id",
            network_id,
            &period_binds,
        ),
        // Active: a share in a help transfer (not undone) in the 90 days to the end.
        grouped(
            db,
            "SELECT m.locality_id, COUNT(*) AS a, CAST(SUM(CASE WHEN gave > 0 AND got > 0 THEN 1 ELSE 0 END) AS BIGINT) AS b
               FROM (SELECT e.account_id,
                            MAX(CASE WHEN e.amount_minutes > 0 THEN 1 ELSE 0 END) AS gave,
                            MAX(CASE WHEN e.amount_minutes < 0 THEN 1 ELSE 0 END) AS got
                       FROM transfers t JOIN entries e ON e.transfer_id = t.id
                      WHERE t.network_id = $1 AND t.recorded_at >= $2 AND t.recorded_at < $3
                        AND t.kind IN ('exchange', 'organisation')
                        AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses_id = t.id)
                      GROUP BY e.account_id) s
               JOIN accounts a ON a.id = s.account_id AND a.kind = 'member'
               JOIN memberships m ON m.user_id = a.user_id AND m.network_id = a.network_id
              GROUP BY m.locality_id",
            network_id,
            &active_binds,
        ),
        // Requests posted in the period at least 30 days ago, and those nobody answered
        // (no exchange started) within 30 days.
        grouped(
            db,
            "SELECT l.locality_id, COUNT(*) AS a,
                    CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM exchanges x WHERE x.listing_id = l.id AND x.created_at < l.created_at + $5)
                                  THEN 0 ELSE 1 END) AS BIGINT) AS b
               FROM listings l
              WHERE l.network_id = $1 AND l.kind = 'request' AND l.created_at >= $2 AND l.created_at < $3 AND l.created_at <= $4
              GROUP BY l.locality_id",
            network_id,
            &request_binds,
        ),
        referral_facts(db, "r.network_id = $1", network_id, period),
        outcome_changes(db, "r.network_id = $1", network_id, period),
        categories(db, network_id),
    )?;
    let mut by_locality: BTreeMap<String, MemberCounts> = BTreeMap::new();
    for (loc, a, b) in members {
        let m = by_locality.entry(loc).or_default();
        (m.members, m.new_members) = (a, b);
    }
    for (loc, a, b) in active {
        let m = by_locality.entry(loc).or_default();
        (m.active, m.gave_and_received) = (a, b);
    }
    for (loc, a, b) in requests {
        let m = by_locality.entry(loc).or_default();
        (m.requests_posted, m.requests_unanswered) = (a, b);
    }
    Ok(Figures { localities, members: by_locality, transfers, days, referrals, outcomes, categories })
}

async fn transfer_groups(db: &Db, network_id: &str, start: i64, end: i64) -> Result<Vec<TransferGroup>, AppError> {
    let rows = sqlx::query(
        "SELECT locality_id, kind, reversal, category_id, CAST(SUM(1 - reversed) AS BIGINT) AS n, CAST(SUM(minutes) AS BIGINT) AS minutes
           FROM transfer_facts WHERE network_id = $1 AND recorded_at >= $2 AND recorded_at < $3
          GROUP BY locality_id, kind, reversal, category_id",
    )
    .bind(network_id)
    .bind(start)
    .bind(end)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| TransferGroup {
            locality: r.get("locality_id"),
            kind: r.get("kind"),
            reversal: r.get::<i64, _>("reversal") == 1,
            category: r.get("category_id"),
            count: r.get::<i64, _>("n") as u64,
            minutes: r.get("minutes"),
        })
        .collect())
}

async fn day_groups(db: &Db, network_id: &str, start: i64, end: i64) -> Result<Vec<DayGroup>, AppError> {
    let rows = sqlx::query(
        "SELECT locality_id, day, reversal, CAST(SUM(1 - reversed) AS BIGINT) AS n, CAST(SUM(minutes) AS BIGINT) AS minutes
           FROM transfer_facts WHERE network_id = $1 AND recorded_at >= $2 AND recorded_at < $3 AND kind IN ('exchange', 'organisation')
          GROUP BY locality_id, day, reversal",
    )
    .bind(network_id)
    .bind(start)
    .bind(end)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| DayGroup {
            locality: r.get("locality_id"),
            day: r.get("day"),
            reversal: r.get::<i64, _>("reversal") == 1,
            count: r.get::<i64, _>("n") as u64,
            minutes: r.get("minutes"),
        })
        .collect())
}

/// A query giving (locality_id, a, b) rows, with `$1` the network and the numbers after it.
async fn grouped(db: &Db, sql: &str, network_id: &str, numbers: &[i64]) -> Result<Vec<(String, u64, u64)>, AppError> {
    let mut q = sqlx::query(sql).bind(network_id);
    for n in numbers {
        q = q.bind(*n);
    }
    let rows = q.fetch_all(&db.pool).await?;
    Ok(rows.iter().map(|r| (r.get("locality_id"), r.get::<i64, _>("a") as u64, r.get::<i64, _>("b") as u64)).collect())
}

async fn categories(db: &Db, network_id: &str) -> Result<BTreeMap<String, String>, AppError> {
    let rows = sqlx::query("SELECT id, name FROM categories WHERE network_id IS NULL OR network_id = $1")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(|r| (r.get("id"), r.get("name"))).collect())
}

/// The referrals one organisation made, in every network, and their outcomes. Localities
/// are named with their network.
pub async fn organisation_figures(db: &Db, organisation_id: &str, period: &Period) -> Result<Figures, AppError> {
    let rows = sqlx::query(
        "SELECT DISTINCT l.id, l.name, n.name AS network_name, l.population
           FROM referrals r JOIN localities l ON l.id = r.locality_id JOIN networks n ON n.id = l.network_id
          WHERE r.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    let localities = rows
        .iter()
        .map(|r| Locality {
            id: r.get("id"),
            name: format!("{}, {}", r.get::<String, _>("name"), r.get::<String, _>("network_name")),
            population: r.get("population"),
        })
        .collect();
    Ok(Figures {
        localities,
        referrals: referral_facts(db, "r.organisation_id = $1", organisation_id, period).await?,
        outcomes: outcome_changes(db, "r.organisation_id = $1", organisation_id, period).await?,
        ..Default::default()
    })
}

async fn referral_facts(db: &Db, filter: &str, key: &str, period: &Period) -> Result<Vec<ReferralFact>, AppError> {
    let sql = format!(
        "SELECT r.locality_id, r.source, r.status, r.created_at, r.first_exchange_at, o.name AS organisation
           FROM referrals r LEFT JOIN organisations o ON o.id = r.organisation_id
          WHERE {filter} AND r.created_at >= $2 AND r.created_at < $3"
    );
    let rows = sqlx::query(&sql).bind(key).bind(period.start).bind(period.end).fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(|r| ReferralFact {
            locality: r.get("locality_id"),
            organisation: r.get::<Option<String>, _>("organisation").unwrap_or_else(|| {
                if r.get::<String, _>("source") == "self" {
                    "Referred themselves".into()
                } else {
                    "A partner system".into()
                }
            }),
            status: r.get("status"),
            created_at: r.get("created_at"),
            first_exchange_at: r.get("first_exchange_at"),
        })
        .collect())
}

/// For each referred person (consent not withdrawn) with a follow-up in the period: the
/// latest such follow-up minus their first baseline.
async fn outcome_changes(db: &Db, filter: &str, key: &str, period: &Period) -> Result<Vec<OutcomeChange>, AppError> {
    let sql = format!(
        "SELECT o.referral_id, r.locality_id, o.stage, o.at, o.life_satisfaction, o.worthwhile, o.happiness, o.anxiety,
                o.lack_companionship + o.left_out + o.isolated AS loneliness
           FROM referral_outcomes o JOIN referrals r ON r.id = o.referral_id
          WHERE {filter} AND r.consent_withdrawn_at IS NULL
            AND EXISTS (SELECT 1 FROM referral_outcomes f WHERE f.referral_id = o.referral_id AND f.stage = 'follow_up' AND f.at >= $2 AND f.at < $3)
          ORDER BY o.referral_id, o.at, o.id"
    );
    let rows = sqlx::query(&sql).bind(key).bind(period.start).bind(period.end).fetch_all(&db.pool).await?;
    let mut pairs: BTreeMap<String, (String, Option<[i64; 5]>, Option<[i64; 5]>)> = BTreeMap::new();
    for r in &rows {
        let scores = [r.get::<i64, _>("life_satisfaction"), r.get("worthwhile"), r.get("happiness"), r.get("anxiety"), r.get("loneliness")];
        let at: i64 = r.get("at");
        let p = pairs.entry(r.get("referral_id")).or_insert_with(|| (r.get("locality_id"), None, None));
        match r.get::<String, _>("stage").as_str() {
            "baseline" if p.1.is_none() => p.1 = Some(scores),
            "follow_up" if at >= period.start && at < period.end => p.2 = Some(scores),
            _ => {}
        }
    }
    Ok(pairs
        .into_values()
        .filter_map(|(locality, base, follow)| {
            let (b, f) = (base?, follow?);
            Some(OutcomeChange { locality, change: std::array::from_fn(|i| f[i] - b[i]) })
        })
        .collect())
}
