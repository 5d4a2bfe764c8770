//! All of insight's SQL: the raw figures for the dashboard, read from the ledger, the
//! listings and the referral records and grouped in SQL; and the names and choices the
//! server function needs to decide who sees what (organisations, networks, localities).
//! The one helper table, `transfer_facts`, is a derived index of the ledger (what each
//! transfer counts as, where), brought up to date from `transfers` and `entries` before
//! every read.

use super::domain::{
    DayGroup, Figures, Locality, MemberCounts, OutcomeChange, Period, ReferralFact, TransferGroup, ACTIVE_DAYS, UNANSWERED_DAYS,
};
use super::Choice;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::DAY;
use std::collections::BTreeMap;

/// What each transfer counts as, where, in which category and how big (see the
/// `transfer_facts` migration): worked out from the ledger for every transfer of the
/// network not indexed yet. Two servers doing it at once write the same rows once.
/// `$3` is [`DAY`]: `day` is the epoch day.
const INDEX_NEW_TRANSFERS: &str = "
    INSERT INTO transfer_facts (transfer_id, network_id, seq, recorded_at, day, kind, reversal, locality_id, category_id, minutes)
    SELECT t.id, t.network_id, t.seq, t.recorded_at, CAST(t.recorded_at / $3 AS BIGINT),
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
    let last: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM transfer_facts WHERE network_id = $1")
        .bind(network_id)
        .fetch_one(&db.pool)
        .await?;
    // One transaction, so a transfer and the flag on what it undoes are indexed together.
    let mut tx = db.pool.begin().await?;
    sqlx::query(INDEX_NEW_TRANSFERS).bind(network_id).bind(last).bind(DAY).execute(&mut *tx).await?;
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

/// An organisation's name, if it exists.
pub async fn organisation_name(db: &Db, organisation_id: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(organisation_id).fetch_optional(&db.pool).await?)
}

/// A network's name, if it exists.
pub async fn network_name(db: &Db, network_id: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM networks WHERE id = $1").bind(network_id).fetch_optional(&db.pool).await?)
}

/// Every network, by name (for site admins).
pub async fn all_networks(db: &Db) -> Result<Vec<Choice>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM networks ORDER BY name").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(id, name)| Choice { id, name }).collect())
}

#[derive(sqlx::FromRow)]
struct LocalityRow {
    id: String,
    name: String,
    population: Option<i64>,
}

pub async fn localities(db: &Db, network_id: &str) -> Result<Vec<Locality>, AppError> {
    let rows: Vec<LocalityRow> = sqlx::query_as("SELECT id, name, population FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|r| Locality { id: r.id, name: r.name, population: r.population }).collect())
}

/// Members at the end of the period (`a`) and those who joined in it (`b`), per locality.
const MEMBERS_BY_LOCALITY: &str = "SELECT locality_id,
                    CAST(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS a,
                    CAST(SUM(CASE WHEN created_at >= $2 AND status <> 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS b
               FROM memberships WHERE network_id = $1 AND created_at < $3 GROUP BY locality_id";

/// Active: a share in a help transfer (not undone) in the 90 days to the end (`a`), and
/// of those, who both gave and received (`b`), per locality.
const ACTIVE_BY_LOCALITY: &str =
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
              GROUP BY m.locality_id";

/// Requests posted in the period at least 30 days ago (`a`), and those nobody answered
/// (no exchange started) within 30 days (`b`), per locality.
const REQUESTS_BY_LOCALITY: &str = "SELECT l.locality_id, COUNT(*) AS a,
                    CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM exchanges x WHERE x.listing_id = l.id AND x.created_at < l.created_at + $5)
                                  THEN 0 ELSE 1 END) AS BIGINT) AS b
               FROM listings l
              WHERE l.network_id = $1 AND l.kind = 'request' AND l.created_at >= $2 AND l.created_at < $3 AND l.created_at <= $4
              GROUP BY l.locality_id";

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
        grouped(db, MEMBERS_BY_LOCALITY, network_id, &period_binds),
        grouped(db, ACTIVE_BY_LOCALITY, network_id, &active_binds),
        grouped(db, REQUESTS_BY_LOCALITY, network_id, &request_binds),
        referral_facts(db, "r.network_id = $1", network_id, period),
        outcome_changes(db, "r.network_id = $1", network_id, period),
        categories(db, network_id),
    )?;
    let mut by_locality: BTreeMap<String, MemberCounts> = BTreeMap::new();
    for g in members {
        let m = by_locality.entry(g.locality_id).or_default();
        (m.members, m.new_members) = (g.a as u64, g.b as u64);
    }
    for g in active {
        let m = by_locality.entry(g.locality_id).or_default();
        (m.active, m.gave_and_received) = (g.a as u64, g.b as u64);
    }
    for g in requests {
        let m = by_locality.entry(g.locality_id).or_default();
        (m.requests_posted, m.requests_unanswered) = (g.a as u64, g.b as u64);
    }
    Ok(Figures { localities, members: by_locality, transfers, days, referrals, outcomes, categories })
}

#[derive(sqlx::FromRow)]
struct TransferRow {
    locality_id: String,
    kind: String,
    reversal: i64,
    category_id: String,
    n: i64,
    minutes: i64,
}

async fn transfer_groups(db: &Db, network_id: &str, start: i64, end: i64) -> Result<Vec<TransferGroup>, AppError> {
    let rows: Vec<TransferRow> = sqlx::query_as(
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
        .into_iter()
        .map(|r| TransferGroup {
            locality: r.locality_id,
            kind: r.kind,
            reversal: r.reversal == 1,
            category: r.category_id,
            count: r.n as u64,
            minutes: r.minutes,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct DayRow {
    locality_id: String,
    day: i64,
    reversal: i64,
    n: i64,
    minutes: i64,
}

async fn day_groups(db: &Db, network_id: &str, start: i64, end: i64) -> Result<Vec<DayGroup>, AppError> {
    let rows: Vec<DayRow> = sqlx::query_as(
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
        .into_iter()
        .map(|r| DayGroup { locality: r.locality_id, day: r.day, reversal: r.reversal == 1, count: r.n as u64, minutes: r.minutes })
        .collect())
}

/// Two counts per locality.
#[derive(sqlx::FromRow)]
struct Grouped {
    locality_id: String,
    a: i64,
    b: i64,
}

/// A query giving (locality_id, a, b) rows, with `$1` the network and the numbers after it.
async fn grouped(db: &Db, sql: &str, network_id: &str, numbers: &[i64]) -> Result<Vec<Grouped>, AppError> {
    let mut q = sqlx::query_as::<_, Grouped>(sql).bind(network_id);
    for n in numbers {
        q = q.bind(*n);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

async fn categories(db: &Db, network_id: &str) -> Result<BTreeMap<String, String>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM categories WHERE network_id IS NULL OR network_id = $1")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

#[derive(sqlx::FromRow)]
struct OrganisationLocalityRow {
    id: String,
    name: String,
    network_name: String,
    population: Option<i64>,
}

/// The referrals one organisation made, in every network, and their outcomes. Localities
/// are named with their network.
pub async fn organisation_figures(db: &Db, organisation_id: &str, period: &Period) -> Result<Figures, AppError> {
    let rows: Vec<OrganisationLocalityRow> = sqlx::query_as(
        "SELECT DISTINCT l.id, l.name, n.name AS network_name, l.population
           FROM referrals r JOIN localities l ON l.id = r.locality_id JOIN networks n ON n.id = l.network_id
          WHERE r.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?;
    let localities = rows
        .into_iter()
        .map(|r| Locality { id: r.id, name: format!("{}, {}", r.name, r.network_name), population: r.population })
        .collect();
    Ok(Figures {
        localities,
        referrals: referral_facts(db, "r.organisation_id = $1", organisation_id, period).await?,
        outcomes: outcome_changes(db, "r.organisation_id = $1", organisation_id, period).await?,
        ..Default::default()
    })
}

#[derive(sqlx::FromRow)]
struct ReferralRow {
    locality_id: String,
    source: String,
    status: String,
    created_at: i64,
    first_exchange_at: Option<i64>,
    organisation: Option<String>,
}

async fn referral_facts(db: &Db, filter: &str, key: &str, period: &Period) -> Result<Vec<ReferralFact>, AppError> {
    let sql = format!(
        "SELECT r.locality_id, r.source, r.status, r.created_at, r.first_exchange_at, o.name AS organisation
           FROM referrals r LEFT JOIN organisations o ON o.id = r.organisation_id
          WHERE {filter} AND r.created_at >= $2 AND r.created_at < $3"
    );
    let rows: Vec<ReferralRow> = sqlx::query_as(&sql).bind(key).bind(period.start).bind(period.end).fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| ReferralFact {
            locality: r.locality_id,
            organisation: r.organisation.unwrap_or_else(|| {
                if r.source == "self" {
                    "Referred themselves".into()
                } else {
                    "A partner system".into()
                }
            }),
            status: r.status,
            created_at: r.created_at,
            first_exchange_at: r.first_exchange_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct OutcomeRow {
    referral_id: String,
    locality_id: String,
    stage: String,
    at: i64,
    life_satisfaction: i64,
    worthwhile: i64,
    happiness: i64,
    anxiety: i64,
    loneliness: i64,
}

/// Life satisfaction, worthwhile, happiness, anxiety and the UCLA-3 total, as answered once.
type Scores = [i64; 5];

/// One person's first baseline and latest follow-up in the period, while their answers are read.
#[derive(Default)]
struct Answers {
    locality: String,
    baseline: Option<Scores>,
    follow_up: Option<Scores>,
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
    let rows: Vec<OutcomeRow> = sqlx::query_as(&sql).bind(key).bind(period.start).bind(period.end).fetch_all(&db.pool).await?;
    let mut people: BTreeMap<String, Answers> = BTreeMap::new();
    for r in rows {
        let scores = [r.life_satisfaction, r.worthwhile, r.happiness, r.anxiety, r.loneliness];
        let p = people.entry(r.referral_id).or_insert_with(|| Answers { locality: r.locality_id, ..Default::default() });
        match r.stage.as_str() {
            "baseline" if p.baseline.is_none() => p.baseline = Some(scores),
            "follow_up" if r.at >= period.start && r.at < period.end => p.follow_up = Some(scores),
            _ => {}
        }
    }
    Ok(people
        .into_values()
        .filter_map(|a| {
            let (b, f) = (a.baseline?, a.follow_up?);
            Some(OutcomeChange { locality: a.locality, change: std::array::from_fn(|i| f[i] - b[i]) })
        })
        .collect())
}
