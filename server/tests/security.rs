//! Security, class by class, on whichever engine `TIMEWEAVE_TEST_ENGINE` names:
//! - limits are counted before anything is checked (parallel guesses at passwords, codes,
//!   current passwords), and a stranger cannot lock a member out of their own device;
//! - every 429 says when to try again; joining, resets and self-referral are limited per
//!   address and per email; a reset link used ends the others; a reset says the same for
//!   every address;
//! - text that reaches a `<title>` or a `<textarea>` is text, and form state that a link
//!   carries is shown only in the browser that typed it;
//! - malformed requests get 4xx, unknown server functions a plain 404;
//! - nothing personal is cached; the outbox is public only in a database the demo made;
//! - secrets at rest are sealed; security events are kept for site admins;
//! - the partner API honours `Idempotency-Key`.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use common::{Actor, Client, TestApp, PASSWORD};
use sqlx::Row;

const PAYLOAD_TEXTAREA: &str = "</textarea><meta http-equiv=refresh content=\"1;url=/?r=1\">";
const PAYLOAD_TITLE: &str = "</title><meta http-equiv=refresh content=\"2;url=/?x\">";

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.state.db.pool).await.unwrap().get("n")
}

/// Sends the same call from `n` fresh clients at once; returns the statuses.
async fn in_parallel(
    app: &TestApp,
    n: usize,
    prepare: impl Fn(&mut Client),
    endpoint: &'static str,
    form: Vec<(&'static str, String)>,
) -> Vec<u16> {
    let mut tasks = vec![];
    for _ in 0..n {
        let mut c = app.client();
        prepare(&mut c);
        let form = form.clone();
        tasks.push(tokio::spawn(async move {
            let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.call(endpoint, &refs).await.status
        }));
    }
    let mut out = vec![];
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Sends one at a time until refused; returns how many were checked (422) first.
async fn checked_one_by_one(c: &mut Client, endpoint: &str, form: &[(&str, &str)]) -> usize {
    let mut more = 0;
    loop {
        let r = c.call(endpoint, form).await;
        match r.status {
            422 => more += 1,
            429 => return more,
            other => panic!("{endpoint}: {other} {}", r.body),
        }
        assert!(more <= 5, "no end to the guesses");
    }
}

fn checked(statuses: &[u16]) -> usize {
    // 422: the password or code was checked and was wrong. 429: refused unchecked.
    assert!(statuses.iter().all(|s| *s == 422 || *s == 429), "{statuses:?}");
    statuses.iter().filter(|s| **s == 422).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_are_counted_before_any_is_checked() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let statuses = in_parallel(&app, 50, |_| {}, "sign_in", vec![("email", email.clone()), ("password", "wrong guess".into())]).await;
    // A burst may leave fewer than the limit checked (each counts the others before they
    // give their place back), never more.
    let n = checked(&statuses);
    assert!(n <= 5, "50 parallel wrong passwords: {n} were checked, the limit is 5");
    // One at a time, the rest of the limit and no more.
    let mut c = app.client();
    let more = checked_one_by_one(&mut c, "sign_in", &[("email", &email), ("password", "another guess")]).await;
    assert_eq!(n + more, 5, "{n} in parallel and {more} one by one were checked");
    // Now even the right password waits on a device that never signed in.
    let r = c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 429, "the account is paused for new devices");
    let retry: u64 = r.header("retry-after").expect("Retry-After on a 429").parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_codes_and_current_passwords_are_counted_before_any_is_checked() {
    let app = TestApp::spawn().await;
    // Two-step codes while signing in: one challenge, many guesses at once.
    let (_, staff) = app.make_user(Actor::AirdrieBuilder).await;
    let mut first = app.client();
    assert_eq!(first.call("sign_in", &[("email", &staff), ("password", PASSWORD)]).await.status, 200);
    let challenge = first.challenge.clone().expect("a challenge");
    let statuses = in_parallel(&app, 30, |c| c.challenge = Some(challenge.clone()), "sign_in_code", vec![("code", "000000".into())]).await;
    let wrong = statuses.iter().filter(|s| **s == 422).count();
    assert!(wrong <= 5, "30 parallel wrong codes: {wrong} checked, the limit is 5 ({statuses:?})");

    // Turning two-step sign-in off needs a code: the same budget.
    let mut resident = app.as_actor(Actor::Resident).await;
    let uid: String = resident.call("current_viewer", &[]).await.json()["user_id"].as_str().unwrap().to_string();
    let mut tx = app.state.db.pool.begin().await.unwrap();
    app::auth::second_factor::seed(&mut tx, &app.state.config.keys, &uid, common::TOTP_SECRET).await.unwrap();
    tx.commit().await.unwrap();
    let session = resident.session.clone();
    let statuses = in_parallel(&app, 30, |c| c.session = session.clone(), "disable_two_step", vec![("code", "000000".into())]).await;
    let n = checked(&statuses);
    let more = checked_one_by_one(&mut resident, "disable_two_step", &[("code", "000000")]).await;
    assert_eq!(n + more, 5, "30 parallel wrong codes to turn it off: {n} checked, then {more}");
    assert!(app::auth::second_factor::is_enabled(&app.state.db, &uid).await.unwrap(), "still on");

    // The current password, to change it.
    let mut other = app.as_actor(Actor::Resident).await;
    let session = other.session.clone();
    let statuses = in_parallel(
        &app,
        30,
        |c| c.session = session.clone(),
        "change_password",
        vec![("current_password", "not it".into()), ("new_password", "copper lantern meadow".into())],
    )
    .await;
    let n = checked(&statuses);
    let more =
        checked_one_by_one(&mut other, "change_password", &[("current_password", "not it"), ("new_password", "copper lantern meadow")])
            .await;
    assert_eq!(n + more, 5, "30 parallel wrong current passwords: {n} checked, then {more}");
    assert_eq!(other.call("current_viewer", &[]).await.status, 200);
}

#[tokio::test]
async fn a_stranger_cannot_lock_a_member_out_of_their_own_phone_and_an_emailed_link_unlocks_a_new_one() {
    let app = TestApp::spawn_with(|c| c.trust_proxy = true).await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut phone = app.client();
    phone.address = Some("10.0.0.1".into());
    assert_eq!(phone.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 200);
    assert!(phone.cookies.iter().any(|(k, _)| k == "tw_device"), "a device cookie after signing in");
    assert_eq!(phone.call("sign_out", &[]).await.status, 200);

    // A stranger elsewhere guesses until refused.
    let mut stranger = app.client();
    stranger.address = Some("10.9.9.9".into());
    for _ in 0..5 {
        assert_eq!(stranger.call("sign_in", &[("email", &email), ("password", "guess")]).await.status, 422);
    }
    let r = stranger.call("sign_in", &[("email", &email), ("password", "guess")]).await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());

    // The member's own phone still signs in at once.
    assert_eq!(phone.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 200, "own device is not locked out");
    assert_eq!(phone.call("sign_out", &[]).await.status, 200);

    // A new device waits, and the owner is emailed an unlock link (once).
    let mut laptop = app.client();
    laptop.address = Some("10.0.0.2".into());
    assert_eq!(laptop.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 429);
    let token = app.emailed_token(&email, "/sign-in/unlock").await;
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM email_tokens WHERE purpose = 'unlock_sign_in'").await, 1);
    let r = laptop.call("unlock_sign_in", &[("token", &token)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(laptop.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 200, "unlocked device signs in");
    assert_eq!(app.client().call("unlock_sign_in", &[("token", &token)]).await.status, 404, "the link works once");
    // The stranger is still refused.
    assert_eq!(stranger.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 429);
    let kinds: Vec<String> = sqlx::query("SELECT DISTINCT kind FROM security_events")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("kind"))
        .collect();
    for k in ["sign_in_failed", "sign_in_throttled", "account_locked", "unlock_link_sent", "unlock_used"] {
        assert!(kinds.contains(&k.to_string()), "{k} kept: {kinds:?}");
    }
}

#[tokio::test]
async fn joining_resets_and_self_referral_are_limited_per_email_and_say_when_to_retry() {
    let app = TestApp::spawn_with(|c| c.trust_proxy = true).await;
    let airdrie = app.locality("Airdrie");
    // Joining with one email, from different addresses: the fourth in an hour is refused.
    let mut statuses = vec![];
    for i in 0..4 {
        let mut c = app.client();
        c.address = Some(format!("10.1.0.{i}"));
        let r = c
            .call(
                "join",
                &[
                    ("display_name", "Jo Bloggs"),
                    ("email", "jo@example.org"),
                    ("password", "copper lantern meadow"),
                    ("locality", &airdrie),
                    ("code_of_conduct", "yes"),
                ],
            )
            .await;
        statuses.push(r.status);
        if r.status == 429 {
            assert!(r.header("retry-after").is_some());
        }
    }
    assert_eq!(statuses, vec![200, 200, 200, 429]);
    // Resets for one email.
    let mut statuses = vec![];
    for i in 0..4 {
        let mut c = app.client();
        c.address = Some(format!("10.2.0.{i}"));
        statuses.push(c.call("request_password_reset", &[("email", "jo@example.org")]).await.status);
    }
    assert_eq!(statuses, vec![200, 200, 200, 429]);
    // From one address, many emails: the address limit (10 an hour).
    let mut c = app.client();
    c.address = Some("10.3.0.1".into());
    let mut last = 0;
    for i in 0..11 {
        last = c.call("request_password_reset", &[("email", &format!("p{i}@example.org"))]).await.status;
    }
    assert_eq!(last, 429);
    // Self-referral for one email.
    let mut statuses = vec![];
    for i in 0..4 {
        let mut c = app.client();
        c.address = Some(format!("10.4.0.{i}"));
        let r = c
            .call(
                "self_refer",
                &[
                    ("person_name", "Sam Self"),
                    ("date_of_birth", "1950-01-01"),
                    ("email", "sam@example.org"),
                    ("phone", ""),
                    ("contact_by", "email"),
                    ("locality", &airdrie),
                    ("what_matters", "Company"),
                    ("consent_referral", "yes"),
                    ("consent_sharing", "yes"),
                ],
            )
            .await;
        statuses.push(r.status);
    }
    assert_eq!(statuses[3], 429, "{statuses:?}");
    assert!(count(&app, "SELECT COUNT(*) AS n FROM security_events WHERE kind = 'rate_limited'").await >= 4);
}

#[tokio::test]
async fn one_reset_link_used_ends_the_others_and_every_address_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    let known = c.call("request_password_reset", &[("email", &email)]).await;
    app.wait_for_emails(&email, 1).await;
    let first = app.emailed_token(&email, "/reset-password").await;
    let unknown = c.call("request_password_reset", &[("email", "nobody-here@example.org")]).await;
    assert_eq!((known.status, known.body.clone()), (unknown.status, unknown.body.clone()), "the same answer");
    c.call("request_password_reset", &[("email", &email)]).await;
    app.wait_for_emails(&email, 2).await;
    // Both emails may carry the same second: take the link that is not the first.
    let bodies: Vec<String> = sqlx::query("SELECT body FROM outbox WHERE to_address = $1")
        .bind(&email)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("body"))
        .collect();
    let tokens: Vec<String> =
        bodies.iter().filter_map(|b| b.split("token=").nth(1)).map(|t| t.split_whitespace().next().unwrap().to_string()).collect();
    let second = tokens.into_iter().find(|t| *t != first).expect("a second link");
    assert_eq!(c.call("reset_password", &[("token", &second), ("new_password", "copper lantern meadow")]).await.status, 200);
    let r = c.call("reset_password", &[("token", &first), ("new_password", "another lantern meadow")]).await;
    assert_eq!(r.status, 404, "the older link ended with the newer one's use");
}

/// A form that failed, posted as a browser with JavaScript off; returns the page it was
/// sent back to, fetched by the same browser.
async fn failed_form_page(c: &mut Client, endpoint: &str, page: &str, form: &[(&str, &str)]) -> (String, String) {
    let r = c.post_form(endpoint, page, form).await;
    assert!(r.status == 302 || r.status == 303, "{endpoint}: {} {}", r.status, r.body);
    let location = r.location().expect("redirect back");
    assert!(location.contains("__err") && location.contains("__sig"), "{location}");
    let path = location.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
    (path.clone(), c.get(&path).await.body)
}

fn assert_text_not_markup(html: &str, what: &str) {
    assert!(!html.to_lowercase().contains("<meta http-equiv"), "{what}: markup injected");
}

#[tokio::test]
async fn textareas_show_any_typed_value_as_text_and_only_in_the_browser_that_typed_it() {
    let app = TestApp::spawn().await;
    let airdrie = app.locality("Airdrie");
    // Joining (anonymous): a missing password sends the form back with `about` kept.
    let mut visitor = app.client();
    let (path, html) = failed_form_page(
        &mut visitor,
        "join",
        "/join",
        &[("display_name", "Jo"), ("email", "jo@example.org"), ("password", ""), ("locality", &airdrie), ("about", PAYLOAD_TEXTAREA)],
    )
    .await;
    assert_text_not_markup(&html, "join");
    assert!(html.contains("&lt;/textarea&gt;"), "the value is shown as text");
    // The same address opened by another browser shows nothing that was typed.
    let mut other = app.client();
    let html = other.get(&path).await.body;
    assert!(!html.contains("textarea&gt;") && !html.contains("jo@example.org"), "another browser sees no typed values");

    // A listing's description (signed in): an empty title sends it back.
    let mut resident = app.as_actor(Actor::Resident).await;
    let (_, html) = failed_form_page(
        &mut resident,
        "create_listing",
        "/listings/new",
        &[
            ("kind", "offer"),
            ("title", ""),
            ("description", PAYLOAD_TEXTAREA),
            ("category", "gardening"),
            ("tags", ""),
            ("locality", &airdrie),
            ("place", "outdoors"),
            ("availability", ""),
            ("estimate", ""),
        ],
    )
    .await;
    assert_text_not_markup(&html, "new listing");
    assert!(html.contains("&lt;/textarea&gt;"));
}

// On a multi-threaded runtime, as the server runs in production: on the test's default
// single thread (client and server sharing it) this test's first request has, about one run
// in ten of the whole file, never been answered while other tests ran alongside; alone it
// never stalled in 40 runs. Cause not found yet: see the note in docs/ARCHITECTURE.md.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_error_link_cannot_put_anything_on_a_page() {
    use base64::Engine;
    let app = TestApp::spawn().await;
    let err = serde_json::json!({"Invalid": {"summary": "Please check", "fields": [["about", "x"]], "values": [["about", PAYLOAD_TEXTAREA], ["display_name", "Crafted Name"]]}});
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(err.to_string());
    for sig in ["", "&__sig=9999999999.00", "&__sig=1.abc"] {
        let path = format!("/join?__path=%2Fapi%2Fjoin&__err={encoded}{sig}");
        let mut c = app.as_actor(Actor::Anonymous).await;
        let html = c.get(&path).await.body;
        assert_text_not_markup(&html, "crafted link");
        assert!(!html.contains("Crafted Name") && !html.contains("Please check"), "nothing from an unsigned state: {sig}");
    }
}

#[tokio::test]
async fn titles_show_what_people_typed_as_text() {
    let app = TestApp::spawn().await;
    let mut owner = app.as_actor(Actor::Resident).await;
    let r = owner
        .call(
            "create_listing",
            &[
                ("kind", "offer"),
                ("title", PAYLOAD_TITLE),
                ("description", "Weeding and mowing, tools included."),
                ("category", "gardening"),
                ("tags", ""),
                ("locality", &app.locality("Airdrie")),
                ("place", "outdoors"),
                ("availability", ""),
                ("estimate", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: String = sqlx::query("SELECT id FROM listings").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut reader = app.as_actor(Actor::Resident).await;
    let html = reader.get(&format!("/listings/{id}")).await.body;
    let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).expect("a title");
    assert!(title.contains("&lt;/title&gt;"), "{title}");
    assert!(!html.contains("<meta http-equiv=refresh"), "listing title injected markup");
    // A display name on a profile.
    let (uid, _) = app.make_user(Actor::Resident).await;
    sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
        .bind(PAYLOAD_TITLE)
        .bind(&uid)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let html = reader.get(&format!("/members/{uid}")).await.body;
    assert!(!html.contains("<meta http-equiv=refresh"), "display name injected markup");
    assert!(html.contains("<title>&lt;/title&gt;"), "the name is the title, as text");
}

#[tokio::test]
async fn malformed_requests_get_4xx_never_500_and_unknown_functions_a_plain_404() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Resident).await;
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("/api/sign_in", b"email=a%40b.example".to_vec(), 400), // missing field
        ("/api/sign_in", b"email=a%40b.example&email=c%40d.example&password=x".to_vec(), 400), // repeated field
        ("/api/sign_in", b"email=%FF%FE&password=x".to_vec(), 400), // not UTF-8
        ("/api/sign_in", vec![b'a'; 300 * 1024], 413),          // oversize
        ("/api/audit_trail", b"page=lots".to_vec(), 400),       // not a number
    ];
    for (path, body, want) in cases {
        let r = c
            .raw(
                reqwest::Method::POST,
                path,
                &[("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json"), ("origin", &app.base)],
                &String::from_utf8_lossy(&body),
            )
            .await;
        assert!(r.status >= 400 && r.status < 500, "{path}: {} {}", r.status, &r.body[..r.body.len().min(200)]);
        if want == 413 {
            assert_eq!(r.status, 413);
        }
    }
    // Bytes that are not UTF-8 at all.
    let r = reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(vec![b'e', b'm', b'a', b'i', b'l', b'=', 0xff, 0xfe, b'&', b'p', b'a', b's', b's', b'w', b'o', b'r', b'd', b'=', b'x'])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // JSON bodies too.
    let r = c
        .raw(
            reqwest::Method::POST,
            "/api/sign_in",
            &[("content-type", "application/json"), ("accept", "application/json")],
            "{\"email\": 5",
        )
        .await;
    assert!(r.status >= 400 && r.status < 500, "bad JSON: {}", r.status);
    assert!(count(&app, "SELECT COUNT(*) AS n FROM security_events WHERE kind = 'malformed_request'").await >= 2, "logged");
    // Unknown server functions.
    let r = c.raw(reqwest::Method::POST, "/api/no_such_thing", &[("accept", "application/json")], "").await;
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("server function") && !r.body.contains("register_explicit"), "{}", r.body);
}

#[tokio::test]
async fn nothing_personal_is_cached() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Resident).await;
    for path in ["/home", "/hours", "/account", "/hours/statement.csv"] {
        let r = c.get(path).await;
        assert_eq!(r.header("cache-control").as_deref(), Some("no-store"), "{path}");
    }
    let r = c.call("current_viewer", &[]).await;
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"), "server function answers");
    let r = app.client().call("join_choices", &[]).await;
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"), "even anonymous server function answers");
}

#[tokio::test]
async fn the_outbox_is_public_only_in_a_database_the_demo_made() {
    // `serve --demo` on a database that already had data: the demo is asked for, but this
    // database is not the demo's.
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    let mut anon = app.client();
    let r = anon.call("outbox", &[]).await;
    assert_eq!(r.status, 401, "a reused database keeps its emails private: {}", r.body);
    sqlx::query("INSERT INTO site_flags (name, value, set_at) VALUES ('demo', '1', 0)").execute(&app.state.db.pool).await.unwrap();
    assert_eq!(anon.call("outbox", &[]).await.status, 200, "the demo's own database shows them");
    let page = anon.get("/").await.body;
    assert!(page.contains("demo-banner"), "a banner says so on every page");
    let plain = TestApp::spawn().await;
    assert!(!plain.client().get("/").await.body.contains("demo-banner"));
}

#[tokio::test]
async fn secrets_are_sealed_at_rest() {
    let app = TestApp::spawn().await;
    let (uid, _) = app.make_user(Actor::AirdrieBuilder).await;
    let stored: String = sqlx::query("SELECT secret FROM second_factors WHERE user_id = $1")
        .bind(&uid)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("secret");
    assert!(stored.starts_with("v1.") && !stored.contains(common::TOTP_SECRET), "{stored}");
    // Setting up: the new secret and the waiting recovery codes are sealed too, and the
    // recovery codes are kept as keyed hashes once turned on.
    let mut c = app.as_actor(Actor::Resident).await;
    let view = c.call("two_step", &[]).await.json();
    let secret = view["secret"].as_str().unwrap().to_string();
    let codes: Vec<String> = view["pending_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    let me: String = c.call("current_viewer", &[]).await.json()["user_id"].as_str().unwrap().to_string();
    let row = sqlx::query("SELECT secret, pending_codes FROM second_factors WHERE user_id = $1")
        .bind(&me)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let (s, p): (String, String) = (row.get("secret"), row.get("pending_codes"));
    assert!(!s.contains(&secret) && !p.contains(&codes[0]), "sealed while setting up");
    let code = app::auth::second_factor::code_at(&secret, app::util::now() as u64).unwrap();
    assert_eq!(c.call("enable_two_step", &[("code", &code)]).await.status, 200);
    let hashes: Vec<String> = sqlx::query("SELECT code_hash FROM recovery_codes WHERE user_id = $1")
        .bind(&me)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("code_hash"))
        .collect();
    assert_eq!(hashes.len(), 10);
    let unkeyed = app::util::hash_token(&format!("recovery:{}", codes[0].replace('-', "")));
    assert!(!hashes.contains(&unkeyed), "not a plain hash");
    // A recovery code still works, once.
    assert!(app::auth::second_factor::verify(&app.state, &me, &codes[0]).await.unwrap());
    assert!(!app::auth::second_factor::verify(&app.state, &me, &codes[0]).await.unwrap());
}

#[tokio::test]
async fn security_events_are_kept_and_only_site_admins_read_them() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::Resident).await;
    let mut c = app.client();
    assert_eq!(c.call("sign_in", &[("email", &email), ("password", "nope")]).await.status, 422);
    // A refused cross-origin request and a refusal (403).
    let r = c.raw(reqwest::Method::POST, "/api/sign_in", &[("origin", "https://evil.example")], "").await;
    assert_eq!(r.status, 403);
    let mut resident = app.as_actor(Actor::Resident).await;
    assert_eq!(resident.call("security_events", &[]).await.status, 403);
    assert_eq!(app.client().call("security_events", &[]).await.status, 401);
    assert_eq!(app.client().call("organisation_choices", &[]).await.status, 401, "the organisations are not for passers-by");
    let mut admin = app.as_actor(Actor::Admin).await;
    let r = admin.call("security_events", &[]).await;
    assert_eq!(r.status, 200);
    let kinds: Vec<String> = r.json()["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
    for k in ["sign_in_failed", "cross_origin_refused", "forbidden"] {
        assert!(kinds.contains(&k.to_string()), "{k}: {kinds:?}");
    }
    let body = r.body;
    assert!(!body.contains("nope") && !body.contains(PASSWORD), "no passwords kept");
    let page = admin.get("/admin/security").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Wrong password"));
}

#[tokio::test]
async fn the_partner_api_makes_one_referral_per_idempotency_key() {
    let app = TestApp::spawn().await;
    let org = app::util::new_id();
    sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, 'Partner Practice', 'GP practice', 0)")
        .bind(&org)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let token = app::referrals::api::create_partner_token(&app.state.db, &org, "EMIS link", None).await.unwrap();
    let body = |name: &str| {
        serde_json::json!({
            "person_name": name, "date_of_birth": "1955-07-01", "phone": "01236 555 999", "contact_by": "phone",
            "locality": app.locality("Airdrie"), "what_matters": "Company", "interests": ["gardening"], "urgency": "soon",
            "consent_referral": true, "consent_sharing": true, "consent_method": "written", "consent_recorded_by": "Dr Ahmed"
        })
        .to_string()
    };
    let auth = format!("Bearer {token}");
    let mut c = app.client();
    let first = partner_post(&mut c, &auth, "ref-1", body("Ida Potent")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = partner_post(&mut c, &auth, "ref-1", body("Ida Potent")).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(first.json()["id"], again.json()["id"], "the same referral");
    let other = partner_post(&mut c, &auth, "ref-1", body("Someone Else")).await;
    assert_eq!(other.status, 422, "another body with a used key is refused: {}", other.body);
    assert_eq!(partner_post(&mut c, &auth, "ref-2", body("Someone Else")).await.status, 201);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 2);
    assert!(count(&app, "SELECT COUNT(*) AS n FROM security_events WHERE kind = 'partner_token_used'").await >= 4);
}

async fn partner_post(c: &mut Client, auth: &str, key: &str, body: String) -> common::Resp {
    c.raw(
        reqwest::Method::POST,
        "/partner/v1/referrals",
        &[("content-type", "application/json"), ("authorization", auth), ("idempotency-key", key)],
        &body,
    )
    .await
}
