//! Crash safety: `kill -9` the real `timeweave` process while 16 clients are recording
//! hours, start it again on the same database, and check that every transfer a client saw
//! acknowledged is there and `timeweave ledger verify` passes. Runs on the engine named by
//! TIMEWEAVE_TEST_ENGINE.

mod common;

use common::{Actor, TestApp};
use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn start(url: &str, addr: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_timeweave"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", addr)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start timeweave")
}

async fn wait_healthy(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timeweave did not become healthy at {base}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_transfers_survive_kill_9() {
    let app = TestApp::spawn().await;
    let mut members = vec![];
    for _ in 0..6 {
        members.push(app.make_user(Actor::Resident).await.0);
    }
    let (_, builder_email) = app.make_user(Actor::AirdrieBuilder).await;
    let mut b = app.client();
    b.sign_in_with_code(&builder_email).await;
    let session = b.session.clone();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let base = format!("http://{addr}");
    let url = app.state.config.database_url.clone();
    let mut child = start(&url, &addr);
    wait_healthy(&base).await;

    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = vec![];
    for client in 0..16usize {
        let mut c = app.client_for(&base, session.clone());
        let (acked, stop, members) = (acked.clone(), stop.clone(), members.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let id = format!("crash-{client}-{n}");
                let (g, r) = (members[(client + n) % 6].clone(), members[(client + n + 1) % 6].clone());
                let form =
                    [("transfer_id", id.as_str()), ("giver", &g), ("receiver1", &r), ("hours", ""), ("minutes", "1"), ("memo", "Help")];
                match c.try_call("record_hours", &form).await {
                    Some(resp) if resp.status == 200 => {
                        acked.lock().unwrap().insert(id);
                    }
                    Some(_) => {}
                    None => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    // Let transfers flow, then kill the server mid-stream.
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.lock().unwrap().len() < 200 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("kill -9"); // SIGKILL on Unix
    child.wait().unwrap();
    let acked_at_kill = acked.lock().unwrap().len();
    assert!(acked_at_kill >= 50, "too few transfers before the kill: {acked_at_kill}");
    eprintln!("killed the server with {acked_at_kill} transfers acknowledged");

    // Start again on the same database; clients carry on.
    let mut child = start(&url, &addr);
    wait_healthy(&base).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let acked = acked.lock().unwrap().clone();
    for id in &acked {
        let found = sqlx::query("SELECT 1 AS x FROM transfers WHERE id = $1").bind(id).fetch_optional(&app.state.db.pool).await.unwrap();
        assert!(found.is_some(), "transfer {id} was acknowledged but is missing after the crash");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_timeweave")).args(["ledger", "verify"]).env("DATABASE_URL", &url).output().unwrap();
    assert!(
        out.status.success(),
        "ledger verify failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
