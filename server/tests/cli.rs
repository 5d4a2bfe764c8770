//! The `timeweave` command line: help, making the first admin, and failing loudly.

use std::process::Command;

fn timeweave() -> Command {
    Command::new(env!("CARGO_BIN_EXE_timeweave"))
}

#[test]
fn help_explains_every_subcommand() {
    let out = timeweave().arg("--help").output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "admin", "directory", "--config"] {
        assert!(text.contains(word), "--help should mention {word}:\n{text}");
    }
    let out = timeweave().args(["serve", "--help"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("--demo"));
}

#[test]
fn admin_create_makes_a_site_admin_who_can_sign_in() {
    let dir = std::env::temp_dir().join(format!("tw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/cli.db", dir.display());
    let out = timeweave()
        .args(["admin", "create", "--email", "Boss@Example.org"])
        .env("DATABASE_URL", &url)
        .env("TIMEWEAVE_ADMIN_PASSWORD", "copper lantern meadow")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created site admin"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = app::platform::db::Db::open(&url).await.unwrap();
        let account = app::auth::store::find_account_by_email(&db, "boss@example.org").await.unwrap().expect("admin");
        assert!(app::auth::password::verify("copper lantern meadow".into(), account.password_hash).await.unwrap());
        let viewer = app::networks::store::load_viewer(&db, &account.id).await.unwrap().unwrap();
        assert!(viewer.is_site_admin);
    });
    // A second run promotes rather than duplicates, and generates a password when none is given.
    let out = timeweave().args(["admin", "create", "--email", "boss@example.org"]).env("DATABASE_URL", &url).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Promoted") && stdout.contains("Password: "), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_database_stops_the_server_with_a_clear_message() {
    let out =
        timeweave().args(["serve"]).env("DATABASE_URL", "mysql://nowhere/db").env("LEPTOS_SITE_ADDR", "127.0.0.1:0").output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("DATABASE_URL must start with sqlite: or postgres:"));
    let out = timeweave()
        .args(["serve"])
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/nowhere")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("connecting to the Postgres database"));
}

#[test]
fn ledger_verify_reports_what_it_checked() {
    let dir = std::env::temp_dir().join(format!("tw-cli-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/verify.db", dir.display());
    let out = timeweave().args(["ledger", "verify"]).env("DATABASE_URL", &url).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Checked 0 networks") && stdout.contains("Ledger OK"), "{stdout}");
    // Break the books by hand: verify must fail.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = app::platform::db::Db::open(&url).await.unwrap();
        sqlx::query("INSERT INTO networks (id, slug, name, created_at) VALUES ('n', 'n', 'N', 0)").execute(&db.pool).await.unwrap();
        sqlx::query("INSERT INTO accounts (id, network_id, kind, balance_minutes, created_at) VALUES ('pool:n', 'n', 'pool', 60, 0)")
            .execute(&db.pool)
            .await
            .unwrap();
    });
    let out = timeweave().args(["ledger", "verify"]).env("DATABASE_URL", &url).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAULT"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn directory_import_says_plainly_what_is_wrong() {
    let dir = std::env::temp_dir().join(format!("tw-cli-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/cli.db", dir.display());
    let (bad, good) = (dir.join("bad.json"), dir.join("services.json"));
    std::fs::write(&bad, "<html>not json</html>").unwrap();
    std::fs::write(&good, r#"{"contents": []}"#).unwrap();
    let run = |file: &std::path::Path, network: &str| {
        let out = timeweave()
            .args(["directory", "import", file.to_str().unwrap(), "--network", network, "--by", "nobody@example.org"])
            .env("DATABASE_URL", &url)
            .output()
            .expect("run");
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(run(&bad, "Nowhere").contains("is not JSON"));
    assert!(run(&good, "Nowhere").contains("no network called Nowhere"));
    let _ = std::fs::remove_dir_all(&dir);
}
