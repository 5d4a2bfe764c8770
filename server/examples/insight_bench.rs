//! The insight benchmark: grows the first network of DATABASE_URL (the demo) to 10,000
//! members, 100,000 transfers over two years and 2,000 referrals, then times the
//! dashboard's server work in this process (reading the figures and building every table)
//! and prints a session cookie for the demo's whole-network builder, so `scripts/bench.sh`
//! can time the rendered page over HTTP as well.
//!
//! Rows are written straight into the tables in big batches for speed: the transfers carry
//! placeholder hashes and the balances are not kept, so `timeweave ledger verify` will
//! refuse this database. It is for measuring only.
//!
//!   DATABASE_URL=sqlite:///tmp/bench.db cargo run --release -p server --example insight_bench

use app::insight::domain::{dashboard, Focus, Period};
use app::insight::store::network_figures;
use sqlx::Row;
use std::time::Instant;

const MEMBERS: usize = 10_000;
const TRANSFERS: usize = 100_000;
const REFERRALS: usize = 2_000;
const LISTINGS: usize = 5_000;
const EXCHANGES: usize = 20_000;
const DAY: i64 = 86_400;

/// A cheap deterministic spread of numbers.
fn mix(i: usize, k: u64) -> u64 {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 29)
}

async fn insert_rows(db: &app::platform::db::Db, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> anyhow::Result<()> {
    let per = (30_000 / columns.len()).min(500);
    let mut tx = db.pool.begin().await?;
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    Value::T(s) => q.bind(s.clone()),
                    Value::I(i) => q.bind(*i),
                    Value::N => q.bind(None::<String>),
                    Value::NI => q.bind(None::<i64>),
                };
            }
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

enum Value {
    T(String),
    I(i64),
    N,
    NI,
}
use Value::{I, N, NI, T};

fn stats(mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    format!("median {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} runs)", p(0.5), p(0.95), ms[ms.len() - 1], ms.len())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/bench-demo.db".into());
    let db = app::platform::db::Db::open(&url).await?;
    // An empty database gets the demo network first.
    app::demo::seed(&db, &app::platform::secrets::Keys::random()).await?;
    let network: String = sqlx::query("SELECT id FROM networks ORDER BY created_at LIMIT 1").fetch_one(&db.pool).await?.get("id");
    let localities: Vec<String> = sqlx::query("SELECT id FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(&network)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect();
    let categories: Vec<String> =
        sqlx::query("SELECT id FROM categories WHERE network_id IS NULL").fetch_all(&db.pool).await?.iter().map(|r| r.get("id")).collect();
    let organisations: Vec<String> =
        sqlx::query("SELECT id FROM organisations").fetch_all(&db.pool).await?.iter().map(|r| r.get("id")).collect();
    let builder: String = sqlx::query("SELECT user_id FROM builder_roles WHERE network_id = $1 AND locality_id IS NULL LIMIT 1")
        .bind(&network)
        .fetch_one(&db.pool)
        .await?
        .get("user_id");
    let now = app::util::now();
    let started = Instant::now();
    let already: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM memberships WHERE network_id = $1").bind(&network).fetch_one(&db.pool).await?.get("n");
    let add = MEMBERS.saturating_sub(already as usize);
    let tag = &app::util::new_id()[..8];
    let users: Vec<String> = (0..add).map(|i| format!("bench-{tag}-{i}")).collect();
    let joined = |i: usize| now - (mix(i, 1) % 900) as i64 * DAY;
    insert_rows(
        &db,
        "users",
        &["id", "display_name", "created_at"],
        users.iter().enumerate().map(|(i, u)| vec![T(u.clone()), T(format!("Member {i}")), I(joined(i))]).collect(),
    )
    .await?;
    insert_rows(
        &db,
        "memberships",
        &["id", "user_id", "network_id", "locality_id", "status", "created_at"],
        users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    T(format!("m-{u}")),
                    T(u.clone()),
                    T(network.clone()),
                    T(localities[i % localities.len()].clone()),
                    T(if i % 50 == 0 { "pending" } else { "active" }.into()),
                    I(joined(i)),
                ]
            })
            .collect(),
    )
    .await?;
    insert_rows(
        &db,
        "accounts",
        &["id", "network_id", "kind", "user_id", "balance_minutes", "created_at"],
        users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![T(format!("member:{network}:{u}")), T(network.clone()), T("member".into()), T(u.clone()), I(0), I(joined(i))]
            })
            .collect(),
    )
    .await?;
    for a in ["network", "pool"] {
        sqlx::query(&format!("INSERT INTO accounts (id, network_id, kind, balance_minutes, created_at) SELECT '{a}:' || id, id, '{a}', 0, $1 FROM networks WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = '{a}:' || $2)"))
            .bind(now)
            .bind(&network)
            .execute(&db.pool)
            .await?;
    }
    let who = |k: usize, salt: u64| &users[(mix(k, salt) % users.len() as u64) as usize];
    // Listings and exchanges on them (for categories and unanswered requests).
    let listing_at = |i: usize| now - (mix(i, 2) % 730) as i64 * DAY;
    insert_rows(
        &db,
        "listings",
        &[
            "id",
            "network_id",
            "owner_id",
            "kind",
            "title",
            "description",
            "category_id",
            "locality_id",
            "place",
            "status",
            "expires_at",
            "created_at",
            "updated_at",
        ],
        (0..LISTINGS)
            .map(|i| {
                vec![
                    T(format!("bl-{tag}-{i}")),
                    T(network.clone()),
                    T(who(i, 3).clone()),
                    T(if i % 2 == 0 { "request" } else { "offer" }.into()),
                    T(format!("Bench listing {i}")),
                    T("For the insight benchmark".into()),
                    T(categories[i % categories.len()].clone()),
                    T(localities[i % localities.len()].clone()),
                    T("home".into()),
                    T("closed".into()),
                    I(listing_at(i) + 60 * DAY),
                    I(listing_at(i)),
                    I(listing_at(i)),
                ]
            })
            .collect(),
    )
    .await?;
    insert_rows(
        &db,
        "exchanges",
        &[
            "id",
            "network_id",
            "listing_id",
            "title",
            "owner_id",
            "asker_id",
            "provider_id",
            "receiver_id",
            "status",
            "created_at",
            "updated_at",
        ],
        (0..EXCHANGES)
            .map(|i| {
                let l = (mix(i, 4) % LISTINGS as u64) as usize;
                let at = listing_at(l) + (mix(i, 5) % 40) as i64 * DAY;
                let (a, b) = (who(i, 6).clone(), who(i, 7).clone());
                vec![
                    T(format!("bx-{tag}-{i}")),
                    T(network.clone()),
                    T(format!("bl-{tag}-{l}")),
                    T("Bench".into()),
                    T(a.clone()),
                    T(b.clone()),
                    T(a),
                    T(b),
                    T("confirmed".into()),
                    I(at),
                    I(at),
                ]
            })
            .collect(),
    )
    .await?;
    // Transfers over two years: mostly help between members, some from the pool and the network.
    let seq0: i64 = sqlx::query("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS s FROM transfers WHERE network_id = $1")
        .bind(&network)
        .fetch_one(&db.pool)
        .await?
        .get("s");
    let mut transfers = vec![];
    let mut entries = vec![];
    for i in 0..TRANSFERS {
        let id = format!("bt-{tag}-{i}");
        let at = now - (mix(i, 8) % (730 * DAY as u64)) as i64;
        let minutes = 30 + 15 * (mix(i, 9) % 8) as i64;
        let r = mix(i, 10) % 100;
        let g = (mix(i, 11) % users.len() as u64) as usize;
        let r_ = (g + 1 + (mix(i, 12) % (users.len() as u64 - 1)) as usize) % users.len();
        let giver = format!("member:{network}:{}", users[g]);
        let receiver = format!("member:{network}:{}", users[r_]);
        let (kind, from, to, exchange) = match r {
            0..=59 => ("exchange", receiver, giver, Some(format!("bx-{tag}-{}", i % EXCHANGES))),
            60..=89 => ("exchange", receiver, giver, None),
            90..=94 => ("grant", format!("pool:{network}"), giver, None),
            95..=97 => ("donation", giver, format!("pool:{network}"), None),
            _ => ("adjustment", format!("network:{network}"), giver, None),
        };
        let seq = seq0 + 1 + i as i64;
        transfers.push(vec![
            T(id.clone()),
            T(network.clone()),
            I(seq),
            T(kind.into()),
            T("bench".into()),
            exchange.map(T).unwrap_or(N),
            I(at),
            T("bench".into()),
            T("bench".into()),
            T("bench".into()),
        ]);
        entries.push(vec![T(id.clone()), T(from), I(-minutes), I(0), I(seq)]);
        entries.push(vec![T(id), T(to), I(minutes), I(0), I(seq)]);
    }
    insert_rows(
        &db,
        "transfers",
        &["id", "network_id", "seq", "kind", "memo", "exchange_id", "recorded_at", "content_hash", "prev_hash", "hash"],
        transfers,
    )
    .await?;
    insert_rows(&db, "entries", &["transfer_id", "account_id", "amount_minutes", "balance_after_minutes", "seq"], entries).await?;
    // Referrals, with outcomes for some.
    const STATUSES: [&str; 8] = ["submitted", "accepted", "contacted", "joined", "active", "active", "closed", "declined"];
    let mut referrals = vec![];
    let mut outcomes = vec![];
    for i in 0..REFERRALS {
        let at = now - (mix(i, 13) % 700) as i64 * DAY;
        let status = STATUSES[i % STATUSES.len()];
        let first = matches!(status, "active" | "closed").then(|| at + (3 + mix(i, 14) % 40) as i64 * DAY);
        let id = format!("br-{tag}-{i}");
        referrals.push(vec![
            T(id.clone()),
            T(network.clone()),
            T(localities[i % localities.len()].clone()),
            T("professional".into()),
            organisations.get(i % organisations.len().max(1)).cloned().map(T).unwrap_or(N),
            T("Bench Person".into()),
            I(at),
            I(at),
            T("verbal".into()),
            T("Bench".into()),
            T(status.into()),
            first.map(I).unwrap_or(NI),
            I(at),
            I(at),
        ]);
        if first.is_some() {
            for (stage, when) in [("baseline", at + 2 * DAY), ("follow_up", at + 84 * DAY)] {
                let s = |k: u64| I((mix(i, k) % 5) as i64 + if stage == "baseline" { 3 } else { 5 });
                outcomes.push(vec![
                    T(format!("{id}-{stage}")),
                    T(id.clone()),
                    T(stage.into()),
                    s(15),
                    s(16),
                    s(17),
                    s(18),
                    I(1 + (mix(i, 19) % 3) as i64),
                    I(1 + (mix(i, 20) % 3) as i64),
                    I(1 + (mix(i, 21) % 3) as i64),
                    T("builder".into()),
                    T(builder.clone()),
                    I(when),
                ]);
            }
        }
    }
    insert_rows(
        &db,
        "referrals",
        &[
            "id",
            "network_id",
            "locality_id",
            "source",
            "organisation_id",
            "person_name",
            "consent_referral_at",
            "consent_sharing_at",
            "consent_method",
            "consent_recorded_by",
            "status",
            "first_exchange_at",
            "created_at",
            "updated_at",
        ],
        referrals,
    )
    .await?;
    insert_rows(
        &db,
        "referral_outcomes",
        &[
            "id",
            "referral_id",
            "stage",
            "life_satisfaction",
            "worthwhile",
            "happiness",
            "anxiety",
            "lack_companionship",
            "left_out",
            "isolated",
            "answered_by",
            "entered_by",
            "at",
        ],
        outcomes,
    )
    .await?;
    // Fresh planner statistics, as a running database would have.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    let count = |t: &'static str| {
        let db = &db;
        async move { sqlx::query(&format!("SELECT COUNT(*) AS n FROM {t}")).fetch_one(&db.pool).await.map(|r| r.get::<i64, _>("n")) }
    };
    println!(
        "seeded in {:.1} s: {} memberships, {} transfers, {} referrals, {} listings, {} exchanges",
        started.elapsed().as_secs_f64(),
        count("memberships").await?,
        count("transfers").await?,
        count("referrals").await?,
        count("listings").await?,
        count("exchanges").await?
    );

    // The first read indexes every transfer not indexed yet (here: all 100,000), once.
    let t = Instant::now();
    app::insight::store::index_new_transfers(&db, &network).await?;
    println!(
        "first read: indexing {} transfers into transfer_facts took {:.0} ms (once)",
        count("transfers").await?,
        t.elapsed().as_secs_f64() * 1000.0
    );
    // Steady state: what autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) leaves.
    sqlx::query(if url.starts_with("postgres") { "VACUUM ANALYZE" } else { "ANALYZE" }).execute(&db.pool).await?;

    // The dashboard's server work, in this process.
    let airdrie: String = sqlx::query("SELECT id FROM localities WHERE network_id = $1 AND slug = 'airdrie'")
        .bind(&network)
        .fetch_one(&db.pool)
        .await?
        .get("id");
    let cases = [
        ("whole network, last 12 months (the default)", Focus::Network, Period::last_twelve_months(now)),
        ("one locality (Airdrie), last 12 months", Focus::Locality(airdrie), Period::last_twelve_months(now)),
        ("whole network, last full quarter (the report)", Focus::Network, Period::last_full_quarter(now)),
        ("whole network, two years", Focus::Network, Period { start: now - 730 * DAY, end: now + DAY }),
    ];
    for (name, focus, period) in cases {
        let mut ms = vec![];
        for run in 0..21 {
            let t = Instant::now();
            let fig = network_figures(&db, &network, &period, now).await?;
            let tables = dashboard(&fig, &focus, &period, false);
            assert!(!tables.is_empty());
            if run > 0 {
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        println!("dashboard figures and tables, {name}: {}", stats(ms));
    }

    // A session for the whole-network builder (second factor done), for timing over HTTP.
    let token = app::util::new_token();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, second_factor_at) VALUES ($1, $2, $3, $3, $4, $3)",
    )
    .bind(app::util::hash_token(&token))
    .bind(&builder)
    .bind(now)
    .bind(now + 86_400)
    .execute(&db.pool)
    .await?;
    println!("cookie=tw_session={token}");
    Ok(())
}
