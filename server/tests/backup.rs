//! Backup and restore through the binary's own logical dump: a backup restores into a new
//! database of either engine row for row, with the ledger verifying; a sealed backup opens
//! only with its passphrase; a damaged one or a database that is not empty are refused;
//! and a backup taken while 64 writers write holds every transfer acknowledged before it
//! began. Runs from the engine named by TIMEWEAVE_TEST_ENGINE into that engine and, where
//! PostgreSQL is there (TIMEWEAVE_TEST_POSTGRES_UP=1, or the run is on PostgreSQL), the other.

mod common;

use app::ledger::domain::TransferKind;
use app::ledger::store::{self, AccountRef, NewTransfer, Outcome};
use app::platform::backup;
use app::platform::db::Db;
use common::{Actor, TestApp};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

fn transfer(id: &str, network_id: &str, legs: Vec<(AccountRef, i64)>, memo: &str, reverses: Option<&str>) -> NewTransfer {
    let kind = if reverses.is_some() { TransferKind::Reversal } else { TransferKind::Exchange };
    NewTransfer {
        reverses_id: reverses.map(str::to_string),
        reason: reverses.map(|_| "Recorded twice by mistake".to_string()),
        ..NewTransfer::new(id, network_id, kind, legs, memo)
    }
}

/// The engines to restore into from this run.
fn targets() -> Vec<&'static str> {
    let pg = common::engine() == "postgres" || std::env::var("TIMEWEAVE_TEST_POSTGRES_UP").is_ok_and(|v| v == "1");
    if pg {
        vec!["sqlite", "postgres"]
    } else {
        vec!["sqlite"]
    }
}

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("timeweave-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", app::util::new_id()))
}

/// Each table's rows in a (plain) backup file, as sorted JSON lines.
fn rows_of(path: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    let file = std::fs::File::open(path).unwrap();
    let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines().skip(1);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut table = String::new();
    for line in lines {
        let line = line.unwrap();
        if line.starts_with('[') {
            out.get_mut(&table).unwrap().push(line);
        } else if let Some(t) = serde_json::from_str::<serde_json::Value>(&line).unwrap()["table"].as_str() {
            table = t.to_string();
            out.insert(table.clone(), vec![]);
        }
    }
    for rows in out.values_mut() {
        rows.sort();
    }
    out
}

async fn restore_file(url: &str, path: &std::path::Path, passphrase: Option<&str>) -> anyhow::Result<(Db, backup::Manifest)> {
    let db = Db::connect(url).await?;
    let manifest = backup::restore(&db, std::fs::File::open(path)?, passphrase).await?;
    db.migrate().await?;
    Ok((db, manifest))
}

#[tokio::test]
async fn a_backup_restores_into_either_engine_row_for_row() {
    let app = TestApp::spawn().await;
    let db = &app.state.db;
    let (a, _) = app.make_user(Actor::Resident).await;
    let (b, _) = app.make_user(Actor::WishawResident).await;
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let airdrie = app.locality("Airdrie");
    let entry = [
        ("network_id", app.network_id.as_str()),
        ("title", "Knit and natter"),
        ("organisation", "Airdrie Library"),
        ("kind", "group"),
        ("theme", "connect"),
        ("description", "Bring your needles."),
        ("area", airdrie.as_str()),
        ("schedule", "open"),
        ("on_date", ""),
        ("weekday", ""),
        ("nth", ""),
        ("starts", ""),
        ("ends", ""),
        ("until", ""),
        ("venue", ""),
        ("address", ""),
        ("postcode", ""),
        ("accessibility", ""),
        ("cost", "free"),
        ("cost_detail", ""),
        ("audience", ""),
        ("how_to_join", "Just turn up."),
        ("contact", "01236 555 010"),
    ];
    let r = builder.call("save_directory_entry", &entry).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // A photo (bytes), a memo with everything awkward, and a reversal (a row referring to
    // another row of its table).
    let photo: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    sqlx::query("INSERT INTO member_photos (user_id, token, image, updated_at) VALUES ($1, 'tok', $2, 1)")
        .bind(&a)
        .bind(&photo)
        .execute(&db.pool)
        .await
        .unwrap();
    let memo = "Tea & cake — ☕ \"quoted\", 'single', back\\slash\nsecond line";
    let n = &app.network_id;
    let legs = |x: i64| vec![(AccountRef::Member(a.clone()), -x), (AccountRef::Member(b.clone()), x)];
    for (id, memo, reverses, minutes) in [("t1", memo, None, 90), ("t2", "", None, 30), ("t3", "", Some("t2"), -30)] {
        let outcome = store::apply(db, &transfer(id, n, legs(minutes), memo, reverses)).await.unwrap();
        assert!(matches!(outcome, Outcome::Applied { .. }), "{id}: {outcome:?}");
    }

    let plain = temp_file("plain.twbk");
    let manifest = backup::backup_to_file(db, &plain, None).await.unwrap();
    assert!(!plain.with_extension("twbk.partial").exists());
    assert_eq!(manifest.rows("transfers"), 3);
    assert_eq!(manifest.ledger_heads.len(), 1);
    assert_eq!(manifest.schema_version, app::platform::db::latest_migration());
    let original = rows_of(&plain);
    assert_eq!(original["member_photos"].len(), 1);

    for engine in targets() {
        let url = common::fresh_database_url_on(engine).await;
        let (restored, m) = restore_file(&url, &plain, None).await.unwrap_or_else(|e| panic!("restore into {engine}: {e:#}"));
        assert_eq!(m, manifest);
        let report = store::verify(&restored).await.unwrap();
        assert!(report.faults.is_empty() && report.transfers == 3, "{engine}: {:?}", report.faults);
        let again = temp_file("again.twbk");
        backup::backup_to_file(&restored, &again, None).await.unwrap();
        let copy = rows_of(&again);
        assert_eq!(copy.keys().collect::<Vec<_>>(), original.keys().collect::<Vec<_>>(), "{engine}: the same tables");
        for (table, rows) in &original {
            assert_eq!(&copy[table], rows, "{engine}: the rows of {table}");
        }
        let image: Vec<u8> = sqlx::query_scalar("SELECT image FROM member_photos").fetch_one(&restored.pool).await.unwrap();
        assert_eq!(image, photo, "{engine}: the photo's bytes");
        let kept: String = sqlx::query_scalar("SELECT memo FROM transfers WHERE id = 't1'").fetch_one(&restored.pool).await.unwrap();
        assert_eq!(kept, memo, "{engine}: the memo");
        // Not into a database that has anything in it.
        let e = restore_file(&url, &plain, None).await.expect_err("refused");
        assert!(e.to_string().contains("not empty"), "{e:#}");
    }
    // The database backed up is not a place to restore into either.
    let e = backup::restore(db, std::fs::File::open(&plain).unwrap(), None).await.expect_err("refused");
    assert!(e.to_string().contains("not empty"), "{e:#}");
}

#[tokio::test]
async fn a_sealed_backup_opens_only_with_its_passphrase_and_a_damaged_one_not_at_all() {
    let app = TestApp::spawn().await;
    app.make_user(Actor::Resident).await;
    let sealed = temp_file("sealed.twbk");
    let manifest = backup::backup_to_file(&app.state.db, &sealed, Some("a long passphrase")).await.unwrap();
    let bytes = std::fs::read(&sealed).unwrap();
    assert_eq!(&bytes[..8], b"TWBKSEAL");
    assert!(!String::from_utf8_lossy(&bytes).contains("users"), "nothing readable without the passphrase");
    let fresh = || common::fresh_database_url_on("sqlite");
    let e = restore_file(&fresh().await, &sealed, None).await.expect_err("needs the passphrase");
    assert!(format!("{e:#}").contains("TIMEWEAVE_BACKUP_PASSPHRASE"), "{e:#}");
    let e = restore_file(&fresh().await, &sealed, Some("another passphrase")).await.expect_err("a wrong passphrase");
    assert!(format!("{e:#}").contains("does not open"), "{e:#}");
    let (_, m) = restore_file(&fresh().await, &sealed, Some("a long passphrase")).await.unwrap();
    assert_eq!(m.rows("users"), manifest.rows("users"));

    // A plain backup cut short: refused, nothing loaded.
    let plain = temp_file("cut.twbk");
    backup::backup_to_file(&app.state.db, &plain, None).await.unwrap();
    let whole = std::fs::read(&plain).unwrap();
    std::fs::write(&plain, &whole[..whole.len() * 2 / 3]).unwrap();
    let url = fresh().await;
    assert!(restore_file(&url, &plain, None).await.is_err(), "a backup cut short");
    let db = Db::connect(&url).await.unwrap();
    // Refused before the schema was made, or rolled back after it: no rows either way.
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap_or(0);
    assert_eq!(users, 0, "nothing half-loaded");
}

/// Every table that refers to itself has an order its rows are backed up in.
#[tokio::test]
async fn every_self_reference_has_a_backup_order() {
    let app = TestApp::spawn().await;
    let listed: Vec<String> = backup::SELF_REFERENCES.iter().map(|(t, _)| t.to_string()).collect();
    for table in backup::self_references(&app.state.db).await.unwrap() {
        assert!(listed.contains(&table), "{table} refers to itself: give it an order in backup::SELF_REFERENCES");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_64_writers_holds_every_transfer_acknowledged_before_it() {
    let app = TestApp::spawn().await;
    let mut members = vec![];
    for _ in 0..8 {
        members.push(app.make_user(Actor::Resident).await.0);
    }
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = vec![];
    for client in 0..64usize {
        let (db, network, members) = (app.state.db.clone(), app.network_id.clone(), members.clone());
        let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (from, to) = (members[(client + n) % 8].clone(), members[(client + n + 3) % 8].clone());
                let t = transfer(
                    &format!("w{client}-{n}"),
                    &network,
                    vec![(AccountRef::Member(from), -1), (AccountRef::Member(to), 1)],
                    "",
                    None,
                );
                if let Outcome::Applied { .. } = store::apply(&db, &t).await.expect("no storage error") {
                    acknowledged.lock().unwrap().insert(t.id.clone());
                }
                n += 1;
            }
        }));
    }
    // Until the writers are well under way (however fast this machine and engine are).
    let count = || acknowledged.lock().unwrap().len();
    for _ in 0..600 {
        if count() >= 100 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let before: BTreeSet<String> = acknowledged.lock().unwrap().clone();
    let file = temp_file("busy.twbk");
    backup::backup_to_file(&app.state.db, &file, None).await.unwrap();
    let after_backup = count();
    for _ in 0..600 {
        if count() >= after_backup + 50 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let all = acknowledged.lock().unwrap().clone();
    assert!(before.len() >= 100, "the writers were writing ({} before the backup)", before.len());
    assert!(all.len() > before.len(), "and went on writing during it");
    for engine in targets() {
        let url = common::fresh_database_url_on(engine).await;
        let (restored, _) = restore_file(&url, &file, None).await.unwrap();
        let ids: BTreeSet<String> =
            sqlx::query_scalar::<_, String>("SELECT id FROM transfers").fetch_all(&restored.pool).await.unwrap().into_iter().collect();
        let missing: Vec<&String> = before.difference(&ids).collect();
        assert!(missing.is_empty(), "{engine}: acknowledged before the backup but not in it: {missing:?}");
        assert!(ids.is_subset(&all), "{engine}: only transfers that were acknowledged");
        let report = store::verify(&restored).await.unwrap();
        assert!(report.faults.is_empty(), "{engine}: {:?}", report.faults);
    }
}
