//! The referral pathway through the server: two-step sign-in for staff, the referral form's
//! consents, who may read and move a referral (the authorisation matrix), the access log,
//! the status rules, and the pathway from referral to a first supported exchange.
//! Runs on the engine named by TIMEWEAVE_TEST_ENGINE.

mod common;

use common::{totp_now, Actor, Client, TestApp, PASSWORD, TOTP_SECRET};
use sqlx::Row;

fn referral_form(app: &TestApp, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("person_name", name.into()),
        ("date_of_birth", "1946-05-14".into()),
        ("email", String::new()),
        ("phone", "01236 555 012".into()),
        ("contact_by", "phone".into()),
        ("locality", app.locality("Airdrie")),
        ("what_matters", "Getting out of the house; she loved gardening.".into()),
        ("interests[gardening]", "yes".into()),
        ("interests[social-connection]", "yes".into()),
        ("access_needs", "Hard of hearing".into()),
        ("risk_notes", "Dog in the house".into()),
        ("urgency", "routine".into()),
        ("consent_referral", "yes".into()),
        ("consent_sharing", "yes".into()),
        ("consent_method", "verbal".into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, x)| (*k, x.as_str())).collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.state.db.pool).await.unwrap().get("n")
}

async fn log_rows(app: &TestApp, id: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM referral_access_log WHERE referral_id = $1").bind(id).fetch_one(&app.state.db.pool).await.unwrap().get("n")
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query("SELECT status FROM referrals WHERE id = $1").bind(id).fetch_one(&app.state.db.pool).await.unwrap().get("status")
}

/// A professional (signed in with their code) and their organisation.
async fn professional(app: &TestApp) -> (Client, String, String) {
    let (id, email) = app.make_user(Actor::Professional).await;
    let org: String = sqlx::query("SELECT organisation_id FROM professionals WHERE user_id = $1").bind(&id).fetch_one(&app.state.db.pool).await.unwrap().get("organisation_id");
    let mut c = app.client();
    c.sign_in_with_code(&email).await;
    (c, id, org)
}

/// A second professional in `org`, as its lead.
async fn org_lead(app: &TestApp, org: &str) -> Client {
    let (id, email) = app.make_user(Actor::Professional).await;
    sqlx::query("UPDATE professionals SET organisation_id = $1, is_org_lead = 1 WHERE user_id = $2").bind(org).bind(&id).execute(&app.state.db.pool).await.unwrap();
    let mut c = app.client();
    c.sign_in_with_code(&email).await;
    c
}

async fn refer(app: &TestApp, pro: &mut Client, name: &str) -> String {
    let r = pro.call("submit_referral", &refs(&referral_form(app, name))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    sqlx::query("SELECT id FROM referrals WHERE person_name = $1").bind(name).fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

#[tokio::test]
async fn staff_need_a_second_factor_and_codes_work_once() {
    let app = TestApp::spawn().await;
    let (_, email) = app.make_user(Actor::AirdrieBuilder).await;
    // The password alone leaves the session half-way: no session cookie yet.
    let mut c = app.client();
    let r = c.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(c.session.is_none() && c.challenge.is_some());
    let wrong = c.call("sign_in_code", &[("code", "000000")]).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let code = totp_now();
    assert_eq!(c.call("sign_in_code", &[("code", &code)]).await.status, 200);
    assert!(c.session.is_some());
    assert_eq!(c.call("builder_desk", &[]).await.status, 200);
    // The same code cannot start a second session.
    let mut again = app.client();
    again.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(again.call("sign_in_code", &[("code", &code)]).await.status, 422, "a code works once");
    // Five wrong codes end the challenge.
    for _ in 0..5 {
        again.call("sign_in_code", &[("code", "111111")]).await;
    }
    assert_eq!(again.call("sign_in_code", &[("code", &totp_now())]).await.status, 403);

    // A builder without a second factor signs in, but their tools wait for it.
    let (uid, email) = app.make_user(Actor::WishawBuilder).await;
    sqlx::query("DELETE FROM second_factors WHERE user_id = $1").bind(&uid).execute(&app.state.db.pool).await.unwrap();
    let mut b = app.client();
    let r = b.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r.status, 200);
    assert!(r.header("location").unwrap_or_default().contains("/account/two-step") || r.body.contains("two-step") || b.session.is_some());
    assert_eq!(b.call("builder_desk", &[]).await.status, 403, "no tools on a password-only session");
    let v = b.call("current_viewer", &[]).await.json();
    assert_eq!(v["needs_second_factor"], true);
    // Setting it up: the page gives a key; the first good code turns it on for this session too.
    let setup = b.call("two_step", &[]).await.json();
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert_eq!(setup["pending_codes"].as_array().unwrap().len(), 10);
    let recovery = setup["pending_codes"][0].as_str().unwrap().to_string();
    let code = app::auth::second_factor::code_at(&secret, app::util::now() as u64).unwrap();
    let r = b.call("enable_two_step", &[("code", &code)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(b.call("builder_desk", &[]).await.status, 200, "tools appear once it is on");
    assert!(b.call("two_step", &[]).await.json()["pending_codes"].as_array().unwrap().is_empty(), "codes are shown once");
    // Staff cannot turn it off; a recovery code signs in once.
    assert_eq!(b.call("disable_two_step", &[("code", &recovery)]).await.status, 403);
    let mut r1 = app.client();
    r1.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r1.call("sign_in_code", &[("code", &recovery.to_uppercase())]).await.status, 200);
    let mut r2 = app.client();
    r2.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert_eq!(r2.call("sign_in_code", &[("code", &recovery)]).await.status, 422, "a recovery code works once");
    let _ = TOTP_SECRET;
}

#[tokio::test]
async fn a_referral_needs_both_consents_and_writes_nothing_without_them() {
    let app = TestApp::spawn().await;
    let (mut pro, _, _) = professional(&app).await;
    for missing in ["consent_referral", "consent_sharing"] {
        let form: Vec<(&'static str, String)> = referral_form(&app, "No Consent").into_iter().filter(|(k, _)| *k != missing).collect();
        let r = pro.call("submit_referral", &refs(&form)).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("without both consents"), "{}", r.body);
        assert!(r.body.contains(missing), "{}", r.body);
        assert!(r.body.contains("No Consent"), "what was typed comes back: {}", r.body);
    }
    // Without JavaScript the error comes back to the form page.
    let form: Vec<(&'static str, String)> = referral_form(&app, "No Consent").into_iter().filter(|(k, _)| *k != "consent_sharing").collect();
    let r = pro.post_form("submit_referral", "/referrals/new", &refs(&form)).await;
    assert!(r.status == 303 || r.status == 302, "{}", r.status);
    assert!(r.location().unwrap_or_default().starts_with(&format!("{}/referrals/new", app.base)) || r.location().unwrap_or_default().starts_with("/referrals/new"));
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referral_events").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referral_access_log").await, 0);
    // Residents and unverified professionals cannot refer; the public form is for the person themselves.
    let mut resident = app.as_actor(Actor::Resident).await;
    assert_eq!(resident.call("submit_referral", &refs(&referral_form(&app, "X"))).await.status, 403);
    let (pid, pemail) = app.make_user(Actor::Professional).await;
    sqlx::query("UPDATE professionals SET verified_at = NULL WHERE user_id = $1").bind(&pid).execute(&app.state.db.pool).await.unwrap();
    let mut unverified = app.client();
    unverified.sign_in_with_code(&pemail).await;
    assert_eq!(unverified.call("submit_referral", &refs(&referral_form(&app, "X"))).await.status, 403);
    let mut anon = app.client();
    let own: Vec<(&'static str, String)> = referral_form(&app, "Self Person")
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "risk_notes" | "urgency" | "consent_method"))
        .collect();
    let r = anon.call("self_refer", &refs(&own)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let src: String = sqlx::query("SELECT source FROM referrals WHERE person_name = 'Self Person'").fetch_one(&app.state.db.pool).await.unwrap().get("source");
    assert_eq!(src, "self");
}

#[tokio::test]
async fn each_caller_sees_exactly_what_is_allowed_and_every_read_is_logged() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, org) = professional(&app).await;
    let id = refer(&app, &mut referrer, "Margaret Reid").await;
    let mut lead = org_lead(&app, &org).await;
    let (mut other_pro, _, _) = professional(&app).await;
    let mut airdrie = app.as_actor(Actor::AirdrieBuilder).await;
    let mut network = app.as_actor(Actor::NetworkBuilder).await;
    let mut wishaw = app.as_actor(Actor::WishawBuilder).await;
    let mut resident = app.as_actor(Actor::Resident).await;
    let mut admin = app.as_actor(Actor::Admin).await;
    let mut anon = app.client();

    // Reading one referral.
    let before = log_rows(&app, &id).await;
    let mut reads = 0;
    for (who, c, allowed, sees_notes) in [
        ("referrer", &mut referrer, true, false),
        ("organisation lead", &mut lead, true, false),
        ("locality builder", &mut airdrie, true, true),
        ("network builder", &mut network, true, true),
        ("admin", &mut admin, true, true),
        ("other locality's builder", &mut wishaw, false, false),
        ("another professional", &mut other_pro, false, false),
        ("resident", &mut resident, false, false),
        ("anonymous", &mut anon, false, false),
    ] {
        let r = c.call("referral_detail", &[("id", &id)]).await;
        if allowed {
            assert_eq!(r.status, 200, "{who}: {}", r.body);
            reads += 1;
            assert!(r.body.contains("Dog in the house"), "{who} reads the details");
            let j = r.json();
            assert_eq!(j["history"].as_array().unwrap().iter().any(|h| h["by"].as_str().unwrap_or("") != ""), sees_notes, "{who}: who did what");
            if !sees_notes {
                assert!(j["member_id"].is_null() && j["outcomes"].as_array().unwrap().is_empty(), "{who} sees no member data");
            }
        } else {
            assert!(matches!(r.status, 401 | 403 | 404), "{who} must not read it: {} {}", r.status, r.body);
            assert!(!r.body.contains("Margaret"), "{who} learns nothing");
        }
    }
    assert_eq!(log_rows(&app, &id).await - before, reads, "one access-log row per read");
    let admin_line: i64 = sqlx::query("SELECT COUNT(*) AS n FROM referral_access_log WHERE referral_id = $1 AND actor_label LIKE '%support%'")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(admin_line, 1, "admins' reads are logged as support");

    // The queue: builders of the locality and admins see it; the Wishaw builder does not.
    let q = airdrie.call("referrals_overview", &[]).await;
    assert_eq!(q.status, 200);
    assert!(q.body.contains("Margaret Reid"));
    assert!(!wishaw.call("referrals_overview", &[]).await.body.contains("Margaret"));
    assert!(lead.call("referrals_overview", &[]).await.body.contains("Margaret"), "the lead sees the organisation's");
    assert!(!other_pro.call("referrals_overview", &[]).await.body.contains("Margaret"));
    assert_eq!(resident.call("referrals_overview", &[]).await.status, 403);

    // Every function that changes a referral, for every caller who may not.
    let tid = app::util::new_id();
    let writes: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("move_referral", vec![("id", &id), ("action", "accept"), ("note", "")]),
        ("referral_join", vec![("id", &id), ("display_name", "Margaret Reid"), ("agreed", "yes")]),
        ("grant_starter_hours", vec![("id", &id), ("transfer_id", &tid), ("starter", "2")]),
        ("record_first_exchange", vec![("id", &id), ("transfer_id", &tid), ("other_member", "x"), ("direction", "gave"), ("hours", "1"), ("minutes", "0"), ("memo", "Walk"), ("supported_by", "Anne")]),
        ("record_outcome", vec![("id", &id), ("stage", "baseline"), ("answered_by", "person"), ("life_satisfaction", "5"), ("worthwhile", "5"), ("happiness", "5"), ("anxiety", "5"), ("lack_companionship", "2"), ("left_out", "2"), ("isolated", "2")]),
        ("withdraw_consent", vec![("id", &id), ("consent_note", "Phoned to say no")]),
        ("referral_access_log", vec![("referral", &id)]),
    ];
    for (endpoint, form) in &writes {
        for (who, c) in [("wishaw builder", &mut wishaw), ("other professional", &mut other_pro), ("resident", &mut resident), ("anonymous", &mut anon)] {
            let r = c.call(endpoint, form).await;
            assert!(matches!(r.status, 401 | 403 | 404), "{who} calling {endpoint}: {} {}", r.status, r.body);
        }
        if *endpoint != "withdraw_consent" {
            // The referrer and their lead may only withdraw, never move it on or see the log.
            for (who, c) in [("referrer", &mut referrer), ("lead", &mut lead)] {
                let r = c.call(endpoint, form).await;
                assert!(matches!(r.status, 403 | 404 | 409), "{who} calling {endpoint}: {} {}", r.status, r.body);
            }
        }
    }
    assert_eq!(airdrie.call("referral_access_log", &[]).await.status, 403, "only admins read the log");
    let log = admin.call("referral_access_log", &[("referral", &id)]).await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains("read") && !log.body.contains("Margaret"), "the log names actions, not the person: {}", log.body);
    assert_eq!(status_of(&app, &id).await, "submitted", "nothing moved");
    // The access log cannot be edited, even by a direct query.
    assert!(sqlx::query("DELETE FROM referral_access_log").execute(&app.state.db.pool).await.is_err());
    assert!(sqlx::query("UPDATE referral_access_log SET action = 'x'").execute(&app.state.db.pool).await.is_err());
}

#[tokio::test]
async fn only_allowed_moves_happen_and_the_referrer_sees_dates_and_the_summary() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, _) = professional(&app).await;
    let id = refer(&app, &mut referrer, "Tom Brannigan").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    // Refused moves.
    for (action, note) in [("contacted", ""), ("close", "Done"), ("resume", "")] {
        assert_eq!(b.call("move_referral", &[("id", &id), ("action", action), ("note", note)]).await.status, 409, "{action} from submitted");
    }
    assert_eq!(b.call("move_referral", &[("id", &id), ("action", "decline"), ("note", "")]).await.status, 422, "a decline says why");
    assert_eq!(referrer.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await.status, 409, "referrers do not accept");
    let ok = |r: common::Resp| assert_eq!(r.status, 200, "{}", r.body);
    ok(b.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await);
    ok(b.call("move_referral", &[("id", &id), ("action", "contacted"), ("note", "Phoned, visit on Tuesday")]).await);
    ok(b.call("move_referral", &[("id", &id), ("action", "hold"), ("note", "In hospital for a week")]).await);
    ok(b.call("move_referral", &[("id", &id), ("action", "resume"), ("note", "")]).await);
    assert_eq!(status_of(&app, &id).await, "contacted", "resume goes back to where it was");
    // Assisted joining from the referral, starter hours, a supported first exchange.
    ok(b.call("referral_join", &[("id", &id), ("display_name", "Tom Brannigan"), ("agreed", "yes")]).await);
    let member: String = sqlx::query("SELECT member_id FROM referrals WHERE id = $1").bind(&id).fetch_one(&app.state.db.pool).await.unwrap().get("member_id");
    assert_eq!(referrer.call("move_referral", &[("id", &id), ("action", "withdraw"), ("note", "Changed mind")]).await.status, 409, "too late to withdraw");
    let before = app.balance(&member).await;
    // The pool has hours to give once a member has given some.
    let mut giver = app.as_actor(Actor::Resident).await;
    ok(giver.call("donate_to_pool", &[("transfer_id", "donate-for-starters"), ("hours", "3"), ("minutes", ""), ("memo", "")]).await);
    let tid = app::util::new_id();
    ok(b.call("grant_starter_hours", &[("id", &id), ("transfer_id", &tid), ("starter", "2")]).await);
    ok(b.call("grant_starter_hours", &[("id", &id), ("transfer_id", &tid), ("starter", "2")]).await);
    assert_eq!(app.balance(&member).await - before, 120, "two starter hours, once");
    let (helper, _) = app.make_user(Actor::Resident).await;
    let tid = app::util::new_id();
    ok(b.call(
        "record_first_exchange",
        &[("id", &id), ("transfer_id", &tid), ("other_member", &helper), ("direction", "received"), ("hours", "1"), ("minutes", "30"), ("memo", "Walk round the park"), ("supported_by", "Anne")],
    )
    .await);
    assert_eq!(status_of(&app, &id).await, "active");
    assert_eq!(app.balance(&helper).await, 90);
    ok(b.call(
        "record_outcome",
        &[("id", &id), ("stage", "baseline"), ("answered_by", "person"), ("life_satisfaction", "4"), ("worthwhile", "5"), ("happiness", "4"), ("anxiety", "7"), ("lack_companionship", "3"), ("left_out", "3"), ("isolated", "3")],
    )
    .await);
    let bad = b.call(
        "record_outcome",
        &[("id", &id), ("stage", "follow_up"), ("answered_by", "person"), ("life_satisfaction", "11"), ("worthwhile", "5"), ("happiness", "4"), ("anxiety", "7"), ("lack_companionship", "0"), ("left_out", "3"), ("isolated", "3")],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    // The referrer sees "active" and dates only: no notes, no member, no outcomes, no summary yet.
    let seen = referrer.call("referral_detail", &[("id", &id)]).await;
    let j = seen.json();
    assert_eq!(j["status"], "Active");
    assert!(j["first_exchange_at"].is_i64() && j["joined_at"].is_i64());
    assert!(!seen.body.contains("In hospital") && !seen.body.contains("Walk round the park") && !seen.body.contains("Anne"), "{}", seen.body);
    assert!(j["outcomes"].as_array().unwrap().is_empty() && j["member_id"].is_null());
    ok(b.call("move_referral", &[("id", &id), ("action", "close"), ("note", "Tom walks with the group every week and feels less alone.")]).await);
    let seen = referrer.call("referral_detail", &[("id", &id)]).await.json();
    assert_eq!(seen["status"], "Closed");
    assert_eq!(seen["outcome_summary"], "Tom walks with the group every week and feels less alone.");
    // Finished is finished.
    assert_eq!(b.call("move_referral", &[("id", &id), ("action", "hold"), ("note", "again")]).await.status, 409);
    let events = count(&app, &format!("SELECT COUNT(*) AS n FROM referral_events WHERE referral_id = '{id}'")).await;
    assert_eq!(events, 8, "submitted, accepted, contacted, hold, resume, joined, active, closed");
}

#[tokio::test]
async fn withdrawing_consent_hides_the_details_from_builders() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, _) = professional(&app).await;
    let id = refer(&app, &mut referrer, "Agnes Lafferty").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(b.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await.status, 200);
    let r = referrer.call("withdraw_consent", &[("id", &id), ("consent_note", "She phoned me to say no thanks")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(status_of(&app, &id).await, "withdrawn");
    let seen = b.call("referral_detail", &[("id", &id)]).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains("Agnes") && !seen.body.contains("01236"), "{}", seen.body);
    assert!(!b.call("referrals_overview", &[]).await.body.contains("Agnes"));
    assert_eq!(b.call("referral_join", &[("id", &id), ("display_name", "Agnes"), ("agreed", "yes")]).await.status, 409);
}
