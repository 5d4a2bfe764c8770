//! The foundation, as a user and an attacker would meet it: joining, confirming, signing
//! in and out, sessions, passwords, throttling, headers, origins and the authorisation
//! matrix. Runs on SQLite or PostgreSQL (see `common`).
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use common::{Actor, TestApp, PASSWORD};
use sqlx::Row;

async fn join(app: &TestApp, c: &mut common::Client, email: &str) -> common::Resp {
    let locality = app.locality("Airdrie");
    c.call(
        "join",
        &[("display_name", "Mary Jones"), ("email", email), ("password", PASSWORD), ("locality", &locality), ("code_of_conduct", "yes")],
    )
    .await
}

#[tokio::test]
async fn join_confirm_sign_in_home_sign_out() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let r = join(&app, &mut c, "Mary@Example.org").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.location().as_deref(), Some("/join/check-email"));

    // Not confirmed yet: sign-in is refused and a fresh link is sent.
    let r = c.call("sign_in", &[("email", "mary@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("confirm your email"), "{}", r.body);
    assert!(c.session.is_none());

    let token = app.emailed_token("mary@example.org", "/confirm-email").await;
    let r = c.call("confirm_email", &[("token", &token)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The link works once.
    let r = c.call("confirm_email", &[("token", &token)]).await;
    assert_eq!(r.status, 404);

    let r = c.call("sign_in", &[("email", "MARY@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.location().as_deref(), Some("/home"));
    let cookie = r.header("set-cookie").expect("cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    // The network vets members: the home page is the waiting page.
    let home = c.get("/home").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("waiting for approval"), "{}", home.body);

    let session = c.session.clone().expect("session");
    let r = c.call("sign_out", &[]).await;
    assert_eq!(r.status, 200);
    assert!(c.session.is_none());
    // The old cookie is dead on the server too.
    c.session = Some(session);
    let r = c.call("current_viewer", &[]).await;
    assert_eq!(r.json(), serde_json::Value::Null);
}

#[tokio::test]
async fn join_refuses_bad_input_with_messages_and_keeps_values() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let r = c.call("join", &[("display_name", "  "), ("email", "not-an-email"), ("password", "password"), ("locality", "")]).await;
    assert_eq!(r.status, 422);
    let body = r.json();
    let fields = body["Invalid"]["fields"].as_array().expect("fields");
    let named: Vec<&str> = fields.iter().map(|f| f[0].as_str().unwrap_or("")).collect();
    assert_eq!(named, ["display_name", "email", "password", "locality", "code_of_conduct"]);
    let values = body["Invalid"]["values"].as_array().expect("values");
    assert!(values.iter().any(|v| v[0] == "email" && v[1] == "not-an-email"));
    assert!(!values.iter().any(|v| v[0] == "password"), "passwords are never echoed");
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(n, 0, "nothing half-written");
}

#[tokio::test]
async fn without_javascript_errors_come_back_to_the_form_with_the_typed_values() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let r = c.post_form("join", "/join", &[("display_name", "Mary"), ("email", "bad"), ("password", "x"), ("locality", "")]).await;
    assert_eq!(r.status, 302);
    let location = r.location().expect("redirect");
    assert!(location.starts_with(&format!("{}/join?", app.base)) && location.contains("__err="), "{location}");
    let path = location.trim_start_matches(&app.base).to_string();
    let page = c.get(&path).await;
    assert!(page.body.contains("There is a problem"), "{}", page.body);
    assert!(page.body.contains("value=\"Mary\""), "typed name is kept");
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert!(page.body.contains("email-error"));
}

#[tokio::test]
async fn existing_email_gets_the_same_answer_and_a_warning_email() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    let r = join(&app, &mut c, &email).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.location().as_deref(), Some("/join/check-email"));
    assert!(app.last_email_to(&email).await.unwrap().contains("already have an account"));
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    let wrong = c.call("sign_in", &[("email", &email), ("password", "not my password")]).await;
    let unknown = c.call("sign_in", &[("email", "nobody@test.example"), ("password", "not my password")]).await;
    assert_eq!(wrong.status, 422);
    assert_eq!(unknown.status, 422);
    let summary = |r: &common::Resp| r.json()["Invalid"]["summary"].as_str().unwrap_or("").to_string();
    assert_eq!(summary(&wrong), summary(&unknown));
    assert!(c.session.is_none());
}

#[tokio::test]
async fn sign_in_is_throttled_per_account() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    for _ in 0..5 {
        let r = c.call("sign_in", &[("email", &email), ("password", "wrong password")]).await;
        assert_eq!(r.status, 422);
    }
    // Even the right password is refused now, with a clear message.
    let r = c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("Too many attempts"));
    assert!(c.session.is_none());
}

#[tokio::test]
async fn sign_in_is_throttled_per_client_address() {
    let app = TestApp::spawn_with(|c| c.max_failures_per_client = 6).await;
    let mut c = app.client();
    for i in 0..6 {
        let email = format!("someone{i}@test.example");
        let r = c.call("sign_in", &[("email", &email), ("password", "wrong password")]).await;
        assert_eq!(r.status, 422);
    }
    let (_, email) = app.make_user(Actor::Resident).await;
    let r = c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn session_id_changes_at_sign_in() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    // A session id planted by an attacker is never adopted.
    c.session = Some("planted-by-attacker".into());
    let r = c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 200);
    let first = c.session.clone().expect("session");
    assert_ne!(first, "planted-by-attacker");
    // Signing in again gives a new id and ends the old one.
    let r = c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 200);
    let second = c.session.clone().expect("session");
    assert_ne!(first, second);
    let mut old = app.client();
    old.session = Some(first);
    assert_eq!(old.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
    assert_ne!(c.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Resident).await;
    assert_ne!(c.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
    let idle = app.state.config.session_idle.as_secs() as i64;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - $1").bind(idle + 1).execute(&app.state.db.pool).await.unwrap();
    assert_eq!(c.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(n, 0, "the expired session is removed");
}

#[tokio::test]
async fn absolute_session_limit_holds_even_when_active() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Resident).await;
    sqlx::query("UPDATE sessions SET expires_at = $1").bind(app::util::now() - 1).execute(&app.state.db.pool).await.unwrap();
    assert_eq!(c.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
}

#[tokio::test]
async fn password_reset_link_is_single_use_and_expires() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut signed_in = app.as_actor(Actor::Anonymous).await;
    let r = signed_in.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 200);

    let mut c = app.client();
    // Same answer for unknown addresses, and no email.
    let r = c.call("request_password_reset", &[("email", "nobody@test.example")]).await;
    assert_eq!(r.location().as_deref(), Some("/forgot-password/sent"));
    assert!(app.last_email_to("nobody@test.example").await.is_none());

    let r = c.call("request_password_reset", &[("email", &email)]).await;
    assert_eq!(r.status, 200);
    app.wait_for_emails(&email, 1).await;
    let token = app.emailed_token(&email, "/reset-password").await;
    let r = c.call("reset_password", &[("token", &token), ("new_password", "copper lantern meadow")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.call("reset_password", &[("token", &token), ("new_password", "another fine phrase")]).await;
    assert_eq!(r.status, 404, "a used link is refused");
    // Every session ended with the reset.
    assert_eq!(signed_in.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
    let r = c.call("sign_in", &[("email", &email), ("password", "copper lantern meadow")]).await;
    assert_eq!(r.status, 200);

    // An expired link is refused.
    c.call("request_password_reset", &[("email", &email)]).await;
    app.wait_for_emails(&email, 2).await;
    let token = app.emailed_token(&email, "/reset-password").await;
    sqlx::query("UPDATE email_tokens SET expires_at = $1 WHERE used_at IS NULL")
        .bind(app::util::now() - 1)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = c.call("reset_password", &[("token", &token), ("new_password", "copper lantern meadow two")]).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn change_password_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut a = app.client();
    let mut b = app.client();
    for c in [&mut a, &mut b] {
        assert_eq!(c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 200);
    }
    let r = a.call("change_password", &[("current_password", "wrong"), ("new_password", "copper lantern meadow")]).await;
    assert_eq!(r.status, 422);
    let r = a.call("change_password", &[("current_password", PASSWORD), ("new_password", "12345678")]).await;
    assert_eq!(r.status, 422, "common passwords are refused");
    let r = a.call("change_password", &[("current_password", PASSWORD), ("new_password", "copper lantern meadow")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_ne!(a.call("current_viewer", &[]).await.json(), serde_json::Value::Null, "this device stays signed in");
    assert_eq!(b.call("current_viewer", &[]).await.json(), serde_json::Value::Null, "other devices are signed out");
}

#[tokio::test]
async fn pending_member_sees_only_the_waiting_page() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Pending).await;
    let home = c.get("/home").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("waiting for approval"));
    assert_eq!(c.get("/account").await.status, 403);
    assert_eq!(c.get("/community/members").await.status, 403);
    assert_eq!(c.call("change_password", &[("current_password", PASSWORD), ("new_password", "copper lantern meadow")]).await.status, 403);
    assert_eq!(c.call("community_members", &[]).await.status, 403);
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    let body = format!("email={}&password=kettle+harbour+violet", email.replace('@', "%40"));
    let r = c
        .raw(
            reqwest::Method::POST,
            "/api/sign_in",
            &[("origin", "https://evil.example"), ("content-type", "application/x-www-form-urlencoded")],
            &body,
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(c.session.is_none());
    let r = c
        .raw(
            reqwest::Method::POST,
            "/api/sign_in",
            &[("sec-fetch-site", "cross-site"), ("content-type", "application/x-www-form-urlencoded")],
            &body,
        )
        .await;
    assert_eq!(r.status, 403);
    // The same request from the site itself works.
    let origin = app.base.clone();
    let r = c
        .raw(
            reqwest::Method::POST,
            "/api/sign_in",
            &[("origin", &origin), ("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json")],
            &body,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    for path in ["/", "/sign-in", "/no-such-page"] {
        let r = c.get(path).await;
        let csp = r.header("content-security-policy").expect("csp");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(r.header("referrer-policy").as_deref(), Some("same-origin"));
        assert!(r.header("strict-transport-security").is_none(), "no HSTS over plain http");
        // The inline hydration script carries this response's nonce.
        let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce");
        assert!(r.body.contains(&format!("nonce=\"{nonce}\"")), "script nonce matches CSP on {path}");
    }
    let r = c.raw(reqwest::Method::POST, "/api/current_viewer", &[("accept", "application/json")], "").await;
    assert!(r.header("content-security-policy").is_some());
}

#[tokio::test]
async fn https_deployments_get_hsts_and_secure_cookies() {
    let app = TestApp::spawn_with(|_| {}).await;
    // public_url is set after spawn_with's adjust; make an https config directly.
    let mut config = (*app.state.config).clone();
    config.public_url = "https://timeweave.example".into();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = app::platform::state::AppState { config: std::sync::Arc::new(config), ..app.state.clone() };
    tokio::spawn(server::serve(listener, state));
    let r = reqwest::get(format!("http://{addr}/")).await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_some());
    let (_, email) = app.make_user(Actor::Resident).await;
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/api/sign_in"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={}&password=kettle+harbour+violet", email.replace('@', "%40")))
        .send()
        .await
        .unwrap();
    let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn unknown_pages_are_real_404s() {
    let app = TestApp::spawn().await;
    let r = app.client().get("/no-such-page").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("We can't find that page"));
}

#[tokio::test]
async fn builders_see_only_the_members_they_look_after() {
    let app = TestApp::spawn().await;
    let (_, _) = app.make_user(Actor::Resident).await; // Airdrie
    let (_, _) = app.make_user(Actor::WishawResident).await;
    let names = |r: common::Resp| -> Vec<String> {
        r.json()["rows"].as_array().unwrap().iter().map(|m| m["display_name"].as_str().unwrap().to_string()).collect()
    };
    let mut airdrie = app.as_actor(Actor::AirdrieBuilder).await;
    let seen = names(airdrie.call("community_members", &[]).await);
    assert!(seen.contains(&"resident".to_string()));
    assert!(!seen.contains(&"wishaw-resident".to_string()), "{seen:?}");
    let mut network = app.as_actor(Actor::NetworkBuilder).await;
    let seen = names(network.call("community_members", &[]).await);
    assert!(seen.contains(&"resident".to_string()) && seen.contains(&"wishaw-resident".to_string()));
}

/// Every server function × every kind of caller: allowed, or refused with 401/403/409.
#[tokio::test]
async fn authorisation_matrix() {
    use Actor::*;
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    // (endpoint, arguments, callers that are allowed; everyone else is refused)
    let everyone = Actor::ALL.to_vec();
    let rows: Vec<(&str, Vec<(&str, &str)>, Vec<Actor>)> = vec![
        ("current_viewer", vec![], everyone.clone()),
        ("join_choices", vec![], everyone.clone()),
        ("sign_in", vec![("email", "x@test.example"), ("password", "wrong")], everyone.clone()),
        ("request_password_reset", vec![("email", "x@test.example")], everyone.clone()),
        ("reset_password", vec![("token", "nope"), ("new_password", "copper lantern meadow")], everyone.clone()),
        ("confirm_email", vec![("token", "nope")], everyone.clone()),
        ("sign_out", vec![], everyone.clone()),
        ("join", vec![("display_name", "X"), ("email", "bad"), ("password", "x"), ("locality", &airdrie)], vec![Anonymous]),
        (
            "change_password",
            vec![("current_password", "wrong"), ("new_password", "copper lantern meadow")],
            vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder, Professional, Admin],
        ),
        ("community_members", vec![], vec![AirdrieBuilder, WishawBuilder, NetworkBuilder, Admin]),
        ("outbox", vec![], vec![Admin]),
        ("unlock_sign_in", vec![("token", "nope")], everyone.clone()),
        ("security_events", vec![], vec![Admin]),
        (
            "organisation_choices",
            vec![],
            vec![Pending, Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder, Professional, Admin],
        ),
    ];
    let mut failures = vec![];
    for actor in Actor::ALL {
        for (endpoint, args, allowed) in &rows {
            // A fresh client per call: sign_out must not spoil the next row.
            let mut c = app.as_actor(actor).await;
            let r = c.call(endpoint, args).await;
            let refused = matches!(r.status, 401 | 403 | 409);
            let should_allow = allowed.contains(&actor);
            if refused == should_allow {
                failures.push(format!("{endpoint} as {actor:?}: status {} ({})", r.status, r.body));
            }
        }
    }
    assert!(failures.is_empty(), "authorisation matrix failures:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn two_servers_on_one_database_share_sessions_and_data() {
    let app = TestApp::spawn().await;
    let other = app.spawn_second_server().await;
    // Join on the first server, confirm on the second, sign in on the first.
    let mut a = app.client();
    assert_eq!(join(&app, &mut a, "shared@example.org").await.status, 200);
    let token = app.emailed_token("shared@example.org", "/confirm-email").await;
    let mut b = app.client_for(&other, None);
    assert_eq!(b.call("confirm_email", &[("token", &token)]).await.status, 200);
    assert_eq!(a.call("sign_in", &[("email", "shared@example.org"), ("password", PASSWORD)]).await.status, 200);
    // The session made by the first server works on the second...
    let mut b = app.client_for(&other, a.session.clone());
    assert_eq!(b.call("current_viewer", &[]).await.json()["display_name"], "Mary Jones");
    // ...and signing out on the second ends it on the first.
    assert_eq!(b.call("sign_out", &[]).await.status, 200);
    assert_eq!(a.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
}

/// Many pages drawn at once, as a busy server draws them, each answered in full.
///
/// A page is drawn only when every part of it has loaded (async server rendering); a lost
/// wake-up anywhere in that would leave a request unanswered for ever. The count of rounds
/// can be raised to hunt for a rare one: `TIMEWEAVE_STRESS_ROUNDS=50`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_drawn_at_the_same_time_are_all_answered() {
    let app = TestApp::spawn().await;
    let resident = app.as_actor(Actor::Resident).await;
    let builder = app.as_actor(Actor::NetworkBuilder).await;
    let rounds: usize = std::env::var("TIMEWEAVE_STRESS_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    let pages = [
        (None, "/"),
        (None, "/join?__err=%3Cb%3Ex%3C%2Fb%3E"),
        (None, "/insight"),
        (None, "/sign-in"),
        (None, "/listings"),
        (resident.session.clone(), "/home"),
        (resident.session.clone(), "/listings"),
        (resident.session.clone(), "/exchanges"),
        (resident.session.clone(), "/hours"),
        (builder.session.clone(), "/community"),
        (builder.session.clone(), "/insight"),
        (builder.session.clone(), "/community/members"),
    ];
    let mut stalled = vec![];
    for _ in 0..rounds {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..4 {
            for (session, path) in pages.iter().cloned() {
                let mut c = app.client_for(&app.base, session);
                set.spawn(async move {
                    let answered = tokio::time::timeout(std::time::Duration::from_secs(20), c.get(path)).await;
                    (path, answered.map(|r| r.status).ok())
                });
            }
        }
        while let Some(done) = set.join_next().await {
            let (path, status) = done.expect("task");
            match status {
                Some(s) => assert!(s < 500, "{path}: {s}"),
                None => stalled.push(path),
            }
        }
    }
    assert!(stalled.is_empty(), "never answered: {stalled:?}");
}

/// Servers starting side by side in one process (as the tests start them), each drawing its
/// first pages at once, on both kinds of runtime: every page is answered.
///
/// Leptos suppresses every resource in the process while routes are being listed (a global
/// flag, `leptos_server::SuppressResourceLoad`), so a page drawn on one thread while another
/// thread listed routes waited for ever. Routes are now listed once per process
/// (`server::router`); before that this failed within a few rounds.
#[test]
fn first_pages_of_servers_starting_side_by_side_are_all_answered() {
    let rounds: usize = std::env::var("TIMEWEAVE_STRESS_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(4);
    for round in 0..rounds {
        let servers: Vec<_> = (0..6)
            .map(|i| {
                std::thread::spawn(move || {
                    let runtime = if i % 2 == 0 {
                        tokio::runtime::Builder::new_current_thread().enable_all().build()
                    } else {
                        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()
                    };
                    runtime.expect("runtime").block_on(async move {
                        let app = TestApp::spawn().await;
                        let mut stalled = vec![];
                        for path in ["/sign-in", "/insight", "/join?__err=%3Cb%3Ex", "/"] {
                            let answered = tokio::time::timeout(std::time::Duration::from_secs(20), app.client().get(path)).await;
                            if answered.is_err() {
                                stalled.push(path);
                            }
                        }
                        stalled
                    })
                })
            })
            .collect();
        for (i, server) in servers.into_iter().enumerate() {
            let stalled = server.join().expect("server thread");
            assert!(stalled.is_empty(), "round {round}, server {i}: never answered: {stalled:?}");
        }
    }
}

/// Finding a member by typing: part of a name, an email or a phone number; only the members
/// the builder looks after; wildcards taken literally; residents may not search.
#[tokio::test]
async fn builders_find_members_by_name_email_or_phone_within_their_scope() {
    let app = TestApp::spawn().await;
    let (ann, ann_email) = app.make_user(Actor::Resident).await; // Airdrie, named "resident"
    let _ = app.make_user(Actor::WishawResident).await;
    let _ = app.make_user(Actor::Pending).await;
    sqlx::query("UPDATE users SET phone = '07700900123' WHERE id = $1").bind(&ann).execute(&app.state.db.pool).await.unwrap();
    let names = |r: common::Resp| -> Vec<String> {
        assert_eq!(r.status, 200, "{}", r.body);
        r.json().as_array().unwrap().iter().map(|h| h["display_name"].as_str().unwrap().to_string()).collect()
    };
    let mut airdrie = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(names(airdrie.call("find_members", &[("q", "RESID")]).await), vec!["resident"]);
    assert_eq!(names(airdrie.call("find_members", &[("q", &ann_email[..14])]).await), vec!["resident"]);
    assert_eq!(names(airdrie.call("find_members", &[("q", "+44 7700 900 123")]).await), vec!["resident"]);
    assert_eq!(names(airdrie.call("find_members", &[("q", "900123")]).await), vec!["resident"]);
    assert!(names(airdrie.call("find_members", &[("q", "res%nt")]).await).is_empty(), "% is a character, not a wildcard");
    assert!(names(airdrie.call("find_members", &[("q", "res_dent")]).await).is_empty(), "_ is a character, not a wildcard");
    assert!(names(airdrie.call("find_members", &[("q", "wishaw")]).await).is_empty(), "another area's member");
    assert!(names(airdrie.call("find_members", &[("q", "pending")]).await).is_empty(), "waiting members cannot be chosen");
    let mut network = app.as_actor(Actor::NetworkBuilder).await;
    let seen = names(network.call("find_members", &[("q", "resident")]).await);
    assert!(seen.contains(&"resident".to_string()) && seen.contains(&"wishaw-resident".to_string()), "{seen:?}");
    // The members page searches the same way and counts what it found.
    let r = airdrie.call("community_members", &[("q", "resid")]).await;
    assert_eq!((r.json()["total"].as_i64(), r.json()["rows"].as_array().map(|a| a.len())), (Some(1), Some(1)), "{}", r.body);
    let r = airdrie.call("community_members", &[("q", "pend")]).await;
    assert_eq!(r.json()["waiting"].as_i64(), Some(1), "{}", r.body);
    let mut resident = app.as_actor(Actor::Resident).await;
    assert_eq!(resident.call("find_members", &[("q", "resid")]).await.status, 403);
}

/// `/readyz`: ready while the database answers and has every migration this binary knows;
/// not ready (503) when one is missing, so a load balancer sends no traffic to it.
#[tokio::test]
async fn readyz_says_whether_the_schema_is_current() {
    let app = TestApp::spawn().await;
    let r = app.client().get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (200, "ready"));
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = app.client().get("/readyz").await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("1 migration(s) not applied"), "{}", r.body);
    assert_eq!(app.client().get("/healthz").await.status, 200, "still alive");
}

/// `/metrics`: requests counted by route pattern and status, the ledger writer's batches,
/// the jobs' last run, the pool and the mail waiting, for this machine only (or a token).
#[tokio::test]
async fn metrics_count_what_the_server_does_for_those_allowed_to_read_them() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, 200);
    assert_eq!(c.get("/healthz").await.status, 200);
    assert_eq!(c.get("/listings/no-such-listing").await.status, 404);
    // A transfer through the ledger writer, and a pass of the jobs.
    let mut member = app.as_actor(Actor::Resident).await;
    let transfer_id = format!("t{}", app::util::new_id());
    let r =
        member.call("donate_to_pool", &[("transfer_id", &transfer_id), ("hours", "1"), ("minutes", ""), ("memo", "For the gala")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    app::jobs::run_once(&app.state, app::util::now()).await.unwrap();
    let r = c.get("/metrics").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.body;
    assert!(text.contains(r#"timeweave_http_requests_total{method="GET",route="/healthz",status="200"} 2"#), "{text}");
    assert!(text.contains(r#"route="/listings/{id}",status="404"} 1"#), "by pattern, not by address: {text}");
    assert!(!text.contains("no-such-listing"));
    assert!(text.contains("timeweave_ledger_batch_size_count "), "{text}");
    assert!(!text.contains("timeweave_ledger_batch_size_count 0"), "{text}");
    assert!(text.contains("timeweave_ledger_queue_depth 0"));
    assert!(!text.contains("timeweave_jobs_last_run_timestamp_seconds 0"), "{text}");
    assert!(text.contains(r#"timeweave_db_pool_connections{state="idle"}"#));
    assert!(text.contains("timeweave_mail_waiting "));

    // Behind a proxy, someone elsewhere is refused as if there were nothing there.
    let proxied = TestApp::spawn_with(|c| c.trust_proxy = true).await;
    let mut outside = proxied.client();
    outside.address = Some("203.0.113.9".into());
    assert_eq!(outside.get("/metrics").await.status, 404);
    // With a token, only the token.
    let guarded = TestApp::spawn_with(|c| c.metrics_token = Some("scrape-me-please-0123456789".into())).await;
    let mut c = guarded.client();
    assert_eq!(c.get("/metrics").await.status, 404, "this machine is not enough when a token is set");
    let r = c.raw(reqwest::Method::GET, "/metrics", &[("authorization", "Bearer scrape-me-please-0123456789")], "").await;
    assert_eq!(r.status, 200);
    let r = c.raw(reqwest::Method::GET, "/metrics", &[("authorization", "Bearer scrape-me-please-012345678X")], "").await;
    assert_eq!(r.status, 404);
}

/// A member downloads everything held about them: their account, listings and hours, as
/// one private JSON file; nobody else's; visitors get nothing.
#[tokio::test]
async fn a_member_downloads_their_own_data() {
    let app = TestApp::spawn().await;
    let (id, email) = app.make_user(Actor::Resident).await;
    let (_, other_email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    c.sign_in_with_code(&email).await;
    let airdrie = app.locality("Airdrie");
    let r = c
        .call(
            "create_listing",
            &[
                ("kind", "offer"),
                ("title", "Knitting lessons"),
                ("description", "Beginners welcome, needles lent."),
                ("category", "gardening"),
                ("tags", ""),
                ("locality", &airdrie),
                ("place", "home"),
                ("availability", "Evenings"),
                ("estimate", "1 h"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.get("/account/my-data.json").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.headers.get("content-disposition").is_some_and(|v| v.to_str().unwrap().starts_with("attachment")));
    assert!(r.headers.get("cache-control").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("no-store")), "never cached");
    let data: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(data["account"]["email"], email.as_str());
    assert_eq!(data["memberships"][0]["area"], "Airdrie");
    assert_eq!(data["listings"][0]["title"], "Knitting lessons");
    assert!(data["hours"][0]["statement"].is_array() && data["notifications"].is_array(), "{}", r.body);
    assert!(!r.body.contains(&other_email) && !r.body.contains("password"), "only their own, never a secret");
    let _ = id;
    assert_eq!(app.client().get("/account/my-data.json").await.status, 401);
}
