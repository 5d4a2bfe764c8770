//! Backup and restore of a big time bank: 10,000 members and 100,000 transfers (made
//! through the ledger's own store, so the hash chain and balances are real), then
//! `platform::backup` to a file, and restores of that file into a new SQLite and a new
//! PostgreSQL database (each followed, as `timeweave restore` does, by the migrations'
//! triggers and `ledger verify`). Prints the times and the file's size.
//!
//!   cargo run --release -p server --example backup_bench -- sqlite
//!   cargo run --release -p server --example backup_bench -- postgres [URL]
//!
//! The database grown is kept (data/backup-bench.db, or tw_backup_bench) and reused on the
//! next run.

use app::ledger::store::{apply, AccountRef, NewTransfer};
use app::platform::{backup, db::Db};
use std::time::Instant;

const MEMBERS: usize = 10_000;
const TRANSFERS: usize = 100_000;
const WRITERS: usize = 64;

async fn fresh_postgres(base: &str, name: &str) -> anyhow::Result<String> {
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&format!("{base}/postgres")).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&admin).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await?;
    Ok(format!("{base}/{name}"))
}

fn fresh_sqlite(path: &str) -> String {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    format!("sqlite://{path}")
}

/// Grows the database to MEMBERS members and TRANSFERS transfers (once).
async fn grow(db: &Db) -> anyhow::Result<()> {
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM transfers").fetch_one(&db.pool).await?;
    if have as usize >= TRANSFERS {
        return Ok(());
    }
    let started = Instant::now();
    let network = app::util::new_id();
    let locality = app::util::new_id();
    let now = app::util::now();
    sqlx::query("INSERT INTO networks (id, slug, name, created_at) VALUES ($1, 'bench', 'Bench Time Bank', $2)")
        .bind(&network)
        .bind(now)
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO localities (id, network_id, slug, name, created_at) VALUES ($1, $2, 'town', 'Town', $3)")
        .bind(&locality)
        .bind(&network)
        .bind(now)
        .execute(&db.pool)
        .await?;
    let mut members = Vec::with_capacity(MEMBERS);
    let mut tx = db.pool.begin().await?;
    for i in 0..MEMBERS {
        let id = app::util::new_id();
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, created_at) VALUES ($1, $2, $3, 'x', $4, $4)",
        )
        .bind(&id)
        .bind(format!("member{i}@bench.example"))
        .bind(format!("Member {i}"))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO memberships (id, user_id, network_id, locality_id, status, created_at) VALUES ($1, $2, $3, $4, 'active', $5)",
        )
        .bind(app::util::new_id())
        .bind(&id)
        .bind(&network)
        .bind(&locality)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        members.push(id);
    }
    tx.commit().await?;
    let members = std::sync::Arc::new(members);
    let mut tasks = vec![];
    for w in 0..WRITERS {
        let (db, network, members) = (db.clone(), network.clone(), members.clone());
        tasks.push(tokio::spawn(async move {
            for n in (w..TRANSFERS).step_by(WRITERS) {
                let (from, to) = (members[(n * 7) % MEMBERS].clone(), members[(n * 13 + 1) % MEMBERS].clone());
                if from == to {
                    continue;
                }
                let legs = vec![(AccountRef::Member(from), -30), (AccountRef::Member(to), 30)];
                let t = NewTransfer::new(
                    format!("bench-{n}"),
                    &network,
                    app::ledger::domain::TransferKind::Exchange,
                    legs,
                    "Help in the garden",
                );
                apply(&db, &t).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    println!("grew the database to {MEMBERS} members and {TRANSFERS} transfers in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let engine = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let base = std::env::args().nth(2).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".into());
    std::fs::create_dir_all("data")?;
    sqlx::any::install_default_drivers();
    let url = match engine.as_str() {
        "sqlite" => "sqlite://data/backup-bench.db".to_string(),
        "postgres" => {
            let admin = sqlx::AnyPool::connect(&format!("{base}/postgres")).await?;
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = 'tw_backup_bench'").fetch_optional(&admin).await?;
            if exists.is_none() {
                sqlx::query("CREATE DATABASE tw_backup_bench").execute(&admin).await?;
            }
            format!("{base}/tw_backup_bench")
        }
        other => anyhow::bail!("engine must be sqlite or postgres, not {other}"),
    };
    let db = Db::open(&url).await?;
    grow(&db).await?;

    let file = std::path::PathBuf::from(format!("data/backup-bench-{engine}.twbk"));
    let started = Instant::now();
    let manifest = backup::backup_to_file(&db, &file, None).await?;
    let took = started.elapsed().as_secs_f64();
    let rows: i64 = manifest.tables.iter().map(|t| t.rows).sum();
    let size = std::fs::metadata(&file)?.len();
    println!(
        "backup of {engine}: {} members, {} transfers, {rows} rows in all: {took:.1} s, {:.1} MB",
        manifest.rows("users"),
        manifest.rows("transfers"),
        size as f64 / 1e6
    );
    let started = Instant::now();
    backup::backup_to_file(&db, &file.with_extension("sealed.twbk"), Some("a passphrase for the bench")).await?;
    println!("sealed backup of {engine}: {:.1} s", started.elapsed().as_secs_f64());

    for target in ["sqlite", "postgres"] {
        let url = match target {
            "sqlite" => fresh_sqlite("data/backup-bench-restored.db"),
            _ => fresh_postgres(&base, "tw_backup_restored").await?,
        };
        let started = Instant::now();
        let restored = Db::connect(&url).await?;
        backup::restore(&restored, std::fs::File::open(&file)?, None).await?;
        restored.migrate().await?;
        let loaded = started.elapsed().as_secs_f64();
        let report = app::ledger::store::verify(&restored).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "restore {engine} → {target}: {loaded:.1} s (then ledger verify {:.1} s: {} transfers, {} faults)",
            started.elapsed().as_secs_f64() - loaded,
            report.transfers,
            report.faults.len()
        );
        restored.pool.close().await;
    }
    Ok(())
}
