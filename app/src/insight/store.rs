//! Reading the raw figures for the insight pages straight from the ledger, the listings and
//! the referral records: grouped in SQL, never copied into a table of their own.

use super::domain::{
    DayGroup, Figures, Locality, MemberCounts, OutcomeChange, Period, ReferralFact, TransferGroup, ACTIVE_DAYS, DAY, UNANSWERED_DAYS,
};
use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::Row;
use std::collections::BTreeMap;

/// The transfers of a network in a period, one row each: the kind and category (a reversal
/// takes those of the transfer it undoes), its day, its size (the sum of its credits) and
/// the locality it counts in — that of the member with the largest credit in the original
/// transfer (the giver; for a gift to the pool, the member who gave).
const TRANSFERS: &str = "
    SELECT COALESCE(o.kind, t.kind) AS kind,
           CAST(CASE WHEN t.reverses_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS reversal,
           COALESCE(l.category_id, '') AS category,
           CAST(t.recorded_at / 86400 AS BIGINT) AS day,
           (SELECT COALESCE(SUM(e.amount_minutes), 0) FROM entries e WHERE e.transfer_id = t.id AND e.amount_minutes > 0) AS minutes,
           COALESCE((SELECT m.locality_id FROM entries e
                       JOIN accounts a ON a.id = e.account_id AND a.kind = 'member'
                       JOIN memberships m ON m.user_id = a.user_id AND m.network_id = a.network_id
                      WHERE e.transfer_id = COALESCE(t.reverses_id, t.id)
                      ORDER BY e.amount_minutes DESC, a.user_id LIMIT 1), '') AS locality
      FROM transfers t
      LEFT JOIN transfers o ON o.id = t.reverses_id
      LEFT JOIN exchanges x ON x.id = COALESCE(o.exchange_id, t.exchange_id)
      LEFT JOIN listings l ON l.id = x.listing_id
     WHERE t.network_id = $1 AND t.recorded_at >= $2 AND t.recorded_at < $3";

pub async fn localities(db: &Db, network_id: &str) -> Result<Vec<Locality>, AppError> {
    let rows = sqlx::query("SELECT id, name, population FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.iter().map(|r| Locality { id: r.get("id"), name: r.get("name"), population: r.get("population") }).collect())
}

pub async fn network_figures(db: &Db, network_id: &str, period: &Period, now: i64) -> Result<Figures, AppError> {
    let mut fig = Figures { localities: localities(db, network_id).await?, ..Default::default() };
    let (start, end) = (period.start, period.end);

    let sql = format!(
        "SELECT locality, kind, reversal, category, COUNT(*) AS n, CAST(SUM(minutes) AS BIGINT) AS minutes
           FROM ({TRANSFERS}) tr GROUP BY locality, kind, reversal, category"
    );
    for r in sqlx::query(&sql).bind(network_id).bind(start).bind(end).fetch_all(&db.pool).await? {
        fig.transfers.push(TransferGroup {
            locality: r.get("locality"),
            kind: r.get("kind"),
            reversal: r.get::<i64, _>("reversal") == 1,
            category: r.get("category"),
            count: r.get::<i64, _>("n") as u64,
            minutes: r.get("minutes"),
        });
    }
    let sql = format!(
        "SELECT locality, day, reversal, COUNT(*) AS n, CAST(SUM(minutes) AS BIGINT) AS minutes
           FROM ({TRANSFERS}) tr WHERE kind IN ('exchange', 'organisation') GROUP BY locality, day, reversal"
    );
    for r in sqlx::query(&sql).bind(network_id).bind(start).bind(end).fetch_all(&db.pool).await? {
        fig.days.push(DayGroup {
            locality: r.get("locality"),
            day: r.get("day"),
            reversal: r.get::<i64, _>("reversal") == 1,
            count: r.get::<i64, _>("n") as u64,
            minutes: r.get("minutes"),
        });
    }

    let mut members: BTreeMap<String, MemberCounts> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT locality_id,
                CAST(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS members,
                CAST(SUM(CASE WHEN created_at >= $2 AND status <> 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS new_members
           FROM memberships WHERE network_id = $1 AND created_at < $3 GROUP BY locality_id",
    )
    .bind(network_id)
    .bind(start)
    .bind(end)
    .fetch_all(&db.pool)
    .await?
    {
        let m = members.entry(r.get("locality_id")).or_default();
        m.members = r.get::<i64, _>("members") as u64;
        m.new_members = r.get::<i64, _>("new_members") as u64;
    }
    // Active: a share in a help transfer (not undone) in the 90 days to the end.
    for r in sqlx::query(
        "SELECT locality_id, COUNT(*) AS active, CAST(SUM(CASE WHEN gave > 0 AND got > 0 THEN 1 ELSE 0 END) AS BIGINT) AS both_ways
           FROM (SELECT m.locality_id, a.user_id,
                        SUM(CASE WHEN e.amount_minutes > 0 THEN 1 ELSE 0 END) AS gave,
                        SUM(CASE WHEN e.amount_minutes < 0 THEN 1 ELSE 0 END) AS got
                   FROM transfers t
                   JOIN entries e ON e.transfer_id = t.id
                   JOIN accounts a ON a.id = e.account_id AND a.kind = 'member'
                   JOIN memberships m ON m.user_id = a.user_id AND m.network_id = t.network_id
                  WHERE t.network_id = $1 AND t.recorded_at >= $2 AND t.recorded_at < $3
                    AND t.kind IN ('exchange', 'organisation')
                    AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.reverses_id = t.id)
                  GROUP BY m.locality_id, a.user_id) s
          GROUP BY locality_id",
    )
    .bind(network_id)
    .bind(end - ACTIVE_DAYS * DAY)
    .bind(end)
    .fetch_all(&db.pool)
    .await?
    {
        let m = members.entry(r.get("locality_id")).or_default();
        m.active = r.get::<i64, _>("active") as u64;
        m.gave_and_received = r.get::<i64, _>("both_ways") as u64;
    }
    // Requests posted in the period at least 30 days ago, and those nobody answered
    // (no exchange started) within 30 days.
    for r in sqlx::query(
        "SELECT l.locality_id, COUNT(*) AS posted,
                CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM exchanges x WHERE x.listing_id = l.id AND x.created_at < l.created_at + $5)
                              THEN 0 ELSE 1 END) AS BIGINT) AS unanswered
           FROM listings l
          WHERE l.network_id = $1 AND l.kind = 'request' AND l.created_at >= $2 AND l.created_at < $3 AND l.created_at <= $4
          GROUP BY l.locality_id",
    )
    .bind(network_id)
    .bind(start)
    .bind(end)
    .bind(now - UNANSWERED_DAYS * DAY)
    .bind(UNANSWERED_DAYS * DAY)
    .fetch_all(&db.pool)
    .await?
    {
        let m = members.entry(r.get("locality_id")).or_default();
        m.requests_posted = r.get::<i64, _>("posted") as u64;
        m.requests_unanswered = r.get::<i64, _>("unanswered") as u64;
    }
    fig.members = members;

    fig.referrals = referral_facts(db, "r.network_id = $1", network_id, period).await?;
    fig.outcomes = outcome_changes(db, "r.network_id = $1", network_id, period).await?;
    for r in sqlx::query("SELECT id, name FROM categories WHERE network_id IS NULL OR network_id = $1").bind(network_id).fetch_all(&db.pool).await? {
        fig.categories.insert(r.get("id"), r.get("name"));
    }
    Ok(fig)
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
                if r.get::<String, _>("source") == "self" { "Referred themselves".into() } else { "A partner system".into() }
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
        let scores = [
            r.get::<i64, _>("life_satisfaction"),
            r.get("worthwhile"),
            r.get("happiness"),
            r.get("anxiety"),
            r.get("loneliness"),
        ];
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
