//! Durable transfers per second through the server's real path: HTTP → server function →
//! authorisation → ledger writer (group commit) → database, with 64 concurrent clients,
//! 20 % of them touching the community pool.
//!
//!   cargo run --release -p server --example ledger_bench -- sqlite   (WAL, synchronous=FULL)
//!   cargo run --release -p server --example ledger_bench -- postgres [URL]
//!
//! The server runs in this process on its own Tokio runtime; the 64 clients run on another
//! and share the machine's two cores with it (and with PostgreSQL). `scripts/bench.sh`
//! runs both engines and docs/BENCHMARKS.md records the numbers.

use app::ledger::store::{apply, AccountRef, NewTransfer};
use app::platform::{config::Config, db::Db, state::AppState};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const MEMBERS: usize = 64;
const SECONDS: u64 = 15;
const PASSWORD: &str = "kettle harbour violet";

fn main() -> anyhow::Result<()> {
    let engine = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let url = match engine.as_str() {
        "sqlite" => {
            std::fs::create_dir_all("data")?;
            let _ = std::fs::remove_file("data/bench.db");
            let _ = std::fs::remove_file("data/bench.db-wal");
            let _ = std::fs::remove_file("data/bench.db-shm");
            "sqlite://data/bench.db".to_string()
        }
        "postgres" => {
            let base = std::env::args().nth(2).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into());
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                sqlx::any::install_default_drivers();
                let admin = sqlx::AnyPool::connect(&format!("{base}/postgres")).await?;
                sqlx::query("DROP DATABASE IF EXISTS tw_bench").execute(&admin).await?;
                sqlx::query("CREATE DATABASE tw_bench").execute(&admin).await?;
                anyhow::Ok(())
            })?;
            format!("{base}/tw_bench")
        }
        other => anyhow::bail!("engine must be sqlite or postgres, not {other}"),
    };

    // The server: its own runtime, as in `timeweave serve`.
    let server_rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let (base, state, builder_session, member_sessions, members, network) = server_rt.block_on(async {
        let mut config = Config::from_env()?;
        config.database_url = url.clone();
        config.smtp_url = None;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        config.public_url = format!("http://{addr}");
        let db = Db::open(&url).await?;
        let state = AppState::new(db, config, server::leptos_options(addr));
        let (network, members, builder_email, member_emails) = seed(&state).await?;
        tokio::spawn(server::serve(listener, state.clone()));
        let base = format!("http://{addr}");
        let builder_session = sign_in(&base, &builder_email).await?;
        // Builders' tools need a session that proved a second factor; the bench's builder
        // has no authenticator, so its session is marked here (set-up, not the path measured).
        sqlx::query("UPDATE sessions SET second_factor_at = $1 WHERE id_hash = $2")
            .bind(app::util::now())
            .bind(app::util::hash_token(&builder_session))
            .execute(&state.db.pool)
            .await?;
        let mut member_sessions = vec![];
        for e in member_emails.iter().take(8) {
            member_sessions.push(sign_in(&base, e).await?);
        }
        anyhow::Ok((base, state, builder_session, member_sessions, members, network))
    })?;
    std::thread::spawn(move || server_rt.block_on(std::future::pending::<()>()));

    // The clients.
    let client_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let report = client_rt.block_on(async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).build()?;
        let stop = Arc::new(AtomicBool::new(false));
        let applied = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let latencies = Arc::new(Mutex::new(Vec::<u32>::with_capacity(200_000)));
        let mut tasks = vec![];
        for client in 0..CLIENTS {
            let (http, base, stop, applied, refused, latencies) =
                (http.clone(), base.clone(), stop.clone(), applied.clone(), refused.clone(), latencies.clone());
            let (builder, member) = (builder_session.clone(), member_sessions[client % member_sessions.len()].clone());
            let members = members.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::with_capacity(20_000);
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let k = client * 7919 + n * 31;
                    let id = format!("bench-{client:02}-{n:08}");
                    let (endpoint, session, form) = match n % 10 {
                        // 20 % touch the pool: gifts to it and grants from it.
                        0 => ("donate_to_pool", &member, format!("transfer_id={id}&hours=&minutes=1&memo=")),
                        5 => ("grant_from_pool", &builder, format!("transfer_id={id}&user_id={}&hours=&minutes=1&reason=Bench", members[k % MEMBERS])),
                        _ => (
                            "record_hours",
                            &builder,
                            format!("transfer_id={id}&giver={}&receiver1={}&hours=&minutes=1&memo=Help", members[k % MEMBERS], members[(k + 1 + n % 7) % MEMBERS]),
                        ),
                    };
                    let started = Instant::now();
                    let r = http
                        .post(format!("{base}/api/{endpoint}"))
                        .header("accept", "application/json")
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("cookie", format!("tw_session={session}"))
                        .body(form)
                        .send()
                        .await;
                    let status = match r {
                        Ok(r) => {
                            let s = r.status().as_u16();
                            let _ = r.bytes().await;
                            s
                        }
                        Err(_) => 0,
                    };
                    mine.push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    match status {
                        200 => applied.fetch_add(1, Ordering::Relaxed),
                        422 => refused.fetch_add(1, Ordering::Relaxed),
                        other => panic!("{endpoint}: status {other}"),
                    };
                }
                latencies.lock().unwrap().extend(mine);
            }));
        }
        // Warm up, then measure.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (a0, r0) = (applied.load(Ordering::Relaxed), refused.load(Ordering::Relaxed));
        let t0 = Instant::now();
        tokio::time::sleep(Duration::from_secs(SECONDS)).await;
        let (a1, r1) = (applied.load(Ordering::Relaxed), refused.load(Ordering::Relaxed));
        let elapsed = t0.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await?;
        }
        let mut l = latencies.lock().unwrap().clone();
        l.sort_unstable();
        let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)] as f64 / 1000.0;
        anyhow::Ok(format!(
            "{CLIENTS} clients, {SECONDS} s: {:.0} transfers/s applied (+{:.0}/s refused by a limit), latency p50 {:.1} ms, p99 {:.1} ms, p99.9 {:.1} ms",
            (a1 - a0) as f64 / elapsed,
            (r1 - r0) as f64 / elapsed,
            pct(0.50),
            pct(0.99),
            pct(0.999)
        ))
    })?;
    let verify_rt = tokio::runtime::Runtime::new()?;
    let faults = verify_rt.block_on(async { app::ledger::store::verify(&state.db).await.map(|r| (r.transfers, r.faults)) })?;
    println!("{engine}: {report}");
    println!("ledger verify: {} transfers, {} faults", faults.0, faults.1.len());
    let _ = network;
    if !faults.1.is_empty() {
        anyhow::bail!("ledger verify found faults: {:?}", faults.1);
    }
    Ok(())
}

async fn seed(state: &AppState) -> anyhow::Result<(String, Vec<String>, String, Vec<String>)> {
    let pool = &state.db.pool;
    let now = app::util::now();
    let hash = app::auth::password::hash(PASSWORD.into()).await?;
    let network = app::util::new_id();
    sqlx::query("INSERT INTO networks (id, slug, name, requires_approval, created_at) VALUES ($1, 'bench', 'Bench Time Bank', 1, $2)")
        .bind(&network)
        .bind(now)
        .execute(pool)
        .await?;
    let locality = app::util::new_id();
    sqlx::query("INSERT INTO localities (id, network_id, slug, name, created_at) VALUES ($1, $2, 'town', 'Town', $3)")
        .bind(&locality)
        .bind(&network)
        .bind(now)
        .execute(pool)
        .await?;
    let mut members = vec![];
    let mut emails = vec![];
    for i in 0..=MEMBERS {
        let id = app::util::new_id();
        let email = format!("bench{i}@bench.example");
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, is_site_admin, created_at) VALUES ($1, $2, $3, $4, $5, 0, $5)",
        )
        .bind(&id)
        .bind(&email)
        .bind(format!("Member {i}"))
        .bind(&hash)
        .bind(now)
        .execute(pool)
        .await?;
        sqlx::query(
            "INSERT INTO memberships (id, user_id, network_id, locality_id, status, created_at) VALUES ($1, $2, $3, $4, 'active', $5)",
        )
        .bind(app::util::new_id())
        .bind(&id)
        .bind(&network)
        .bind(&locality)
        .bind(now)
        .execute(pool)
        .await?;
        if i == MEMBERS {
            sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(app::util::new_id())
                .bind(&id)
                .bind(&network)
                .bind(&locality)
                .bind(now)
                .execute(pool)
                .await?;
        } else {
            members.push(id);
        }
        emails.push(email);
    }
    let builder_email = emails.pop().unwrap_or_default();
    let fill = NewTransfer {
        id: "fill-pool".into(),
        network_id: network.clone(),
        kind: app::ledger::domain::TransferKind::Grant,
        legs: vec![(AccountRef::Network, -6000), (AccountRef::Pool, 6000)],
        memo: String::new(),
        category: None,
        exchange_id: None,
        reverses_id: None,
        reason: Some("Bench".into()),
        recorded_by: None,
        happened_on: None,
        audit: vec![],
    };
    apply(&state.db, &fill).await?;
    Ok((network, members, builder_email, emails))
}

async fn sign_in(base: &str, email: &str) -> anyhow::Result<String> {
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(format!("{base}/api/sign_in"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={}&password={}", email.replace('@', "%40"), PASSWORD.replace(' ', "+")))
        .send()
        .await?;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("tw_session=").map(|v| v.split(';').next().unwrap_or("").to_string()))
        .ok_or_else(|| anyhow::anyhow!("no session for {email}"))?;
    Ok(cookie)
}
