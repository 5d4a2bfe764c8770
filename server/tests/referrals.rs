//! The referral pathway through the server: two-step sign-in for staff, the referral form's
//! consents, who may read and move a referral (the authorisation matrix), the access log,
//! the status rules, and the pathway from referral to a first supported exchange.
//! Runs on the engine named by TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

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
    sqlx::query("SELECT COUNT(*) AS n FROM referral_access_log WHERE referral_id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n")
}

async fn status_of(app: &TestApp, id: &str) -> String {
    sqlx::query("SELECT status FROM referrals WHERE id = $1").bind(id).fetch_one(&app.state.db.pool).await.unwrap().get("status")
}

/// A professional (signed in with their code) and their organisation.
async fn professional(app: &TestApp) -> (Client, String, String) {
    let (id, email) = app.make_user(Actor::Professional).await;
    let org: String = sqlx::query("SELECT organisation_id FROM professionals WHERE user_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("organisation_id");
    let mut c = app.client();
    c.sign_in_with_code(&email).await;
    (c, id, org)
}

/// A second professional in `org`, as its lead.
async fn org_lead(app: &TestApp, org: &str) -> Client {
    let (id, email) = app.make_user(Actor::Professional).await;
    sqlx::query("UPDATE professionals SET organisation_id = $1, is_org_lead = 1 WHERE user_id = $2")
        .bind(org)
        .bind(&id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
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
    // Five tries per half-way sign-in, and five wrong codes lock the account for a while,
    // however many times the password is typed again.
    let mut statuses = vec![];
    for _ in 0..5 {
        statuses.push(again.call("sign_in_code", &[("code", "111111")]).await.status);
    }
    assert_eq!(statuses, vec![422, 422, 422, 422, 403], "the replayed code used the first try");
    let mut third = app.client();
    third.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    assert!(third.challenge.is_some());
    assert_eq!(third.call("sign_in_code", &[("code", &totp_now())]).await.status, 429, "wrong codes count against the account");

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
    // A key belongs to the sign-in that asked for it: another sign-in gets a new one, and the
    // first key stops working.
    let mut other = app.client();
    other.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await;
    let first = other.call("two_step", &[]).await.json()["secret"].as_str().unwrap().to_string();
    let setup = b.call("two_step", &[]).await.json();
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert_ne!(first, secret);
    let stale = app::auth::second_factor::code_at(&first, app::util::now() as u64).unwrap();
    assert_eq!(other.call("enable_two_step", &[("code", &stale)]).await.status, 409);
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
    let form: Vec<(&'static str, String)> =
        referral_form(&app, "No Consent").into_iter().filter(|(k, _)| *k != "consent_sharing").collect();
    let r = pro.post_form("submit_referral", "/referrals/new", &refs(&form)).await;
    assert!(r.status == 303 || r.status == 302, "{}", r.status);
    assert!(
        r.location().unwrap_or_default().starts_with(&format!("{}/referrals/new", app.base))
            || r.location().unwrap_or_default().starts_with("/referrals/new")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referral_events").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referral_access_log").await, 0);
    // Residents and unverified professionals cannot refer; the public form is for the person themselves.
    let mut resident = app.as_actor(Actor::Resident).await;
    assert_eq!(resident.call("submit_referral", &refs(&referral_form(&app, "X"))).await.status, 403);
    assert_eq!(resident.call("referral_form", &[]).await.status, 403);
    assert_eq!(app.client().call("my_wellbeing", &[]).await.status, 401);
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
    let src: String = sqlx::query("SELECT source FROM referrals WHERE person_name = 'Self Person'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("source");
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
    // The referred person: a member whose account is linked to the referral.
    let (person_id, person_email) = app.make_user(Actor::Resident).await;
    sqlx::query("UPDATE referrals SET member_id = $1 WHERE id = $2").bind(&person_id).bind(&id).execute(&app.state.db.pool).await.unwrap();
    let mut person = app.client();
    person.sign_in_with_code(&person_email).await;

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
        ("the referred person", &mut person, false, false),
        ("anonymous", &mut anon, false, false),
    ] {
        let r = c.call("referral_detail", &[("id", &id)]).await;
        if allowed {
            assert_eq!(r.status, 200, "{who}: {}", r.body);
            reads += 1;
            assert!(r.body.contains("Dog in the house"), "{who} reads the details");
            let j = r.json();
            assert_eq!(
                j["history"].as_array().unwrap().iter().any(|h| !h["by"].as_str().unwrap_or("").is_empty()),
                sees_notes,
                "{who}: who did what"
            );
            if !sees_notes {
                assert!(j["member_id"].is_null() && j["outcomes"].as_array().unwrap().is_empty(), "{who} sees no member data");
            }
        } else {
            assert!(matches!(r.status, 401 | 403 | 404), "{who} must not read it: {} {}", r.status, r.body);
            assert!(!r.body.contains("Margaret"), "{who} learns nothing");
        }
    }
    assert_eq!(log_rows(&app, &id).await - before, reads, "one access-log row per read");
    let admin_line: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM referral_access_log WHERE referral_id = $1 AND actor_label LIKE '%support%'")
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
    assert_eq!(person.call("referrals_overview", &[]).await.status, 403);
    assert!(person.call("my_wellbeing", &[]).await.json().is_null(), "not yet joined: no questions");
    for (who, c) in [("referred person", &mut person), ("resident", &mut resident), ("other locality's builder", &mut wishaw)] {
        assert!(matches!(c.get(&format!("/referrals/{id}/export.json")).await.status, 403 | 404), "{who} export");
    }

    // Every function that changes a referral, for every caller who may not.
    let writes: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("move_referral", vec![("id", &id), ("action", "accept"), ("note", "")]),
        ("referral_join", vec![("id", &id), ("display_name", "Margaret Reid"), ("agreed", "yes")]),
        ("grant_starter_hours", vec![("id", &id), ("starter", "2")]),
        (
            "record_first_exchange",
            vec![
                ("id", &id),
                ("other_member", "x"),
                ("direction", "gave"),
                ("hours", "1"),
                ("minutes", "0"),
                ("memo", "Walk"),
                ("supported_by", "Anne"),
            ],
        ),
        (
            "record_outcome",
            vec![
                ("id", &id),
                ("stage", "baseline"),
                ("answered_by", "person"),
                ("life_satisfaction", "5"),
                ("worthwhile", "5"),
                ("happiness", "5"),
                ("anxiety", "5"),
                ("lack_companionship", "2"),
                ("left_out", "2"),
                ("isolated", "2"),
            ],
        ),
        ("invite_referral", vec![("id", &id)]),
        ("erase_referral", vec![("id", &id), ("erase_reason", "Asked on the phone")]),
        ("run_referral_retention", vec![]),
        ("withdraw_consent", vec![("id", &id), ("consent_note", "Phoned to say no")]),
        ("referral_access_log", vec![("referral", &id)]),
    ];
    for (endpoint, form) in &writes {
        for (who, c) in [
            ("wishaw builder", &mut wishaw),
            ("other professional", &mut other_pro),
            ("resident", &mut resident),
            ("the referred person", &mut person),
            ("anonymous", &mut anon),
        ] {
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
        assert_eq!(
            b.call("move_referral", &[("id", &id), ("action", action), ("note", note)]).await.status,
            409,
            "{action} from submitted"
        );
    }
    assert_eq!(b.call("move_referral", &[("id", &id), ("action", "decline"), ("note", "")]).await.status, 422, "a decline says why");
    // Nothing chosen (a radio group sends nothing): the form comes back with the note kept.
    let r = b.call("move_referral", &[("id", &id), ("note", "Rang twice, no answer")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Choose what to do.") && r.body.contains("Rang twice, no answer"), "{}", r.body);
    assert_eq!(
        referrer.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await.status,
        409,
        "referrers do not accept"
    );
    let ok = |r: common::Resp| assert_eq!(r.status, 200, "{}", r.body);
    ok(b.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await);
    ok(b.call("move_referral", &[("id", &id), ("action", "contacted"), ("note", "Phoned, visit on Tuesday")]).await);
    ok(b.call("move_referral", &[("id", &id), ("action", "hold"), ("note", "In hospital for a week")]).await);
    ok(b.call("move_referral", &[("id", &id), ("action", "resume"), ("note", "")]).await);
    assert_eq!(status_of(&app, &id).await, "contacted", "resume goes back to where it was");
    // Assisted joining from the referral, starter hours, a supported first exchange.
    ok(b.call("referral_join", &[("id", &id), ("display_name", "Tom Brannigan"), ("agreed", "yes")]).await);
    let member: String = sqlx::query("SELECT member_id FROM referrals WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("member_id");
    assert_eq!(
        referrer.call("move_referral", &[("id", &id), ("action", "withdraw"), ("note", "Changed mind")]).await.status,
        409,
        "too late to withdraw"
    );
    let before = app.balance(&member).await;
    // The pool has hours to give once a member has given some.
    let mut giver = app.as_actor(Actor::Resident).await;
    ok(giver.call("donate_to_pool", &[("transfer_id", "donate-for-starters"), ("hours", "3"), ("minutes", ""), ("memo", "")]).await);
    // Pressed twice, and again from a page drawn before (another amount): once.
    ok(b.call("grant_starter_hours", &[("id", &id), ("starter", "2")]).await);
    ok(b.call("grant_starter_hours", &[("id", &id), ("starter", "2")]).await);
    ok(b.call("grant_starter_hours", &[("id", &id), ("starter", "3")]).await);
    assert_eq!(app.balance(&member).await - before, 120, "two starter hours, once");
    let page = b.get(&format!("/referrals/{id}")).await.body;
    assert!(page.contains("given from the community pool") && !page.contains("Give starter hours"), "{page}");
    // No client may take the id the server keeps for them (it would block the real ones).
    let r = giver.call("donate_to_pool", &[("transfer_id", &format!("starter-{id}")), ("hours", "1"), ("minutes", ""), ("memo", "")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let (helper, _) = app.make_user(Actor::Resident).await;
    let first = [
        ("id", id.as_str()),
        ("other_member", helper.as_str()),
        ("direction", "received"),
        ("hours", "1"),
        ("minutes", "30"),
        ("memo", "Walk round the park"),
        ("supported_by", "Anne"),
    ];
    ok(b.call("record_first_exchange", &first).await);
    assert_eq!(status_of(&app, &id).await, "active");
    assert_eq!(app.balance(&helper).await, 90);
    // Sent again (a second press, an old page): refused, and nothing moves twice.
    assert_eq!(b.call("record_first_exchange", &first).await.status, 409);
    assert_eq!(app.balance(&helper).await, 90);
    ok(b.call(
        "record_outcome",
        &[
            ("id", &id),
            ("stage", "baseline"),
            ("answered_by", "person"),
            ("life_satisfaction", "4"),
            ("worthwhile", "5"),
            ("happiness", "4"),
            ("anxiety", "7"),
            ("lack_companionship", "3"),
            ("left_out", "3"),
            ("isolated", "3"),
        ],
    )
    .await);
    let bad = b
        .call(
            "record_outcome",
            &[
                ("id", &id),
                ("stage", "follow_up"),
                ("answered_by", "person"),
                ("life_satisfaction", "11"),
                ("worthwhile", "5"),
                ("happiness", "4"),
                ("anxiety", "7"),
                ("lack_companionship", "0"),
                ("left_out", "3"),
                ("isolated", "3"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    // The referrer sees "active" and dates only: no notes, no member, no outcomes, no summary yet.
    let seen = referrer.call("referral_detail", &[("id", &id)]).await;
    let j = seen.json();
    assert_eq!(j["status"], "Active");
    assert!(j["first_exchange_at"].is_i64() && j["joined_at"].is_i64());
    assert!(
        !seen.body.contains("In hospital") && !seen.body.contains("Walk round the park") && !seen.body.contains("Anne"),
        "{}",
        seen.body
    );
    assert!(j["outcomes"].as_array().unwrap().is_empty() && j["member_id"].is_null());
    ok(b.call(
        "move_referral",
        &[
            ("id", &id),
            ("action", "close"),
            ("note", "Tom walks with the group every week and feels less alone."),
            ("share_summary", "yes"),
        ],
    )
    .await);
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
    assert_eq!(b.get(&format!("/referrals/{id}/fhir.json")).await.status, 409, "no more sharing");

    // Withdrawn after joining: the member's name, notes and scores leave the builders' view too.
    let id2 = refer(&app, &mut referrer, "Agnes Second").await;
    for (action, note) in [("accept", ""), ("contacted", "Met at the surgery")] {
        assert_eq!(b.call("move_referral", &[("id", &id2), ("action", action), ("note", note)]).await.status, 200);
    }
    assert_eq!(b.call("referral_join", &[("id", &id2), ("display_name", "Agnes Second"), ("agreed", "yes")]).await.status, 200);
    assert_eq!(referrer.call("withdraw_consent", &[("id", &id2), ("consent_note", "Told me on the phone")]).await.status, 200);
    assert_eq!(status_of(&app, &id2).await, "closed", "past joining the referrer cannot withdraw, so it closes");
    let seen = b.call("referral_detail", &[("id", &id2)]).await;
    assert!(!seen.body.contains("Agnes") && !seen.body.contains("Met at the surgery"), "{}", seen.body);
    assert_eq!(b.call("grant_starter_hours", &[("id", &id2), ("starter", "2")]).await.status, 409);
}

#[tokio::test]
async fn retention_erases_personal_details_and_keeps_the_counts() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, _) = professional(&app).await;
    let old = refer(&app, &mut referrer, "Old Closed Person").await;
    let recent = refer(&app, &mut referrer, "Recent Closed Person").await;
    let open = refer(&app, &mut referrer, "Still Open Person").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    for id in [&old, &recent] {
        assert_eq!(b.call("move_referral", &[("id", id), ("action", "decline"), ("note", "Lives outside our area")]).await.status, 200);
    }
    let month = 2_629_800;
    sqlx::query("UPDATE referrals SET closed_at = $1 WHERE id = $2")
        .bind(app::util::now() - 25 * month)
        .bind(&old)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE referrals SET closed_at = $1 WHERE id = $2")
        .bind(app::util::now() - 23 * month)
        .bind(&recent)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let report = app::jobs::run_once(&app.state, app::util::now()).await.unwrap();
    assert_eq!(report.erased, 1);
    let row = sqlx::query(
        "SELECT person_name, date_of_birth, phone, what_matters, risk_notes, status, erased_at, locality_id FROM referrals WHERE id = $1",
    )
    .bind(&old)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    for col in ["person_name", "date_of_birth", "phone", "what_matters", "risk_notes"] {
        assert_eq!(row.get::<String, _>(col), "", "{col} is erased");
    }
    assert_eq!(row.get::<String, _>("status"), "declined", "the numbers stay");
    assert!(row.get::<Option<i64>, _>("erased_at").is_some());
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 3, "no referral disappears from the counts");
    let notes: i64 = sqlx::query("SELECT COUNT(*) AS n FROM referral_events WHERE referral_id = $1 AND note <> ''")
        .bind(&old)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(notes, 0, "notes in the history go too");
    for id in [&recent, &open] {
        let name: String = sqlx::query("SELECT person_name FROM referrals WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("person_name");
        assert!(!name.is_empty(), "not yet due");
    }
    let erased_log: i64 = sqlx::query("SELECT COUNT(*) AS n FROM referral_access_log WHERE referral_id = $1 AND action = 'erase'")
        .bind(&old)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(erased_log, 1);
    // Running again erases nothing more; on demand, admins only.
    assert_eq!(app::jobs::run_once(&app.state, app::util::now()).await.unwrap().erased, 0);
    assert_eq!(b.call("run_referral_retention", &[]).await.status, 403);
    let mut admin = app.as_actor(Actor::Admin).await;
    assert_eq!(admin.call("run_referral_retention", &[]).await.status, 200);
    // Erasure on request, by the locality's builder.
    assert_eq!(referrer.call("erase_referral", &[("id", &open), ("erase_reason", "Asked by phone")]).await.status, 403);
    assert_eq!(b.call("erase_referral", &[("id", &open), ("erase_reason", "She asked by phone on Monday")]).await.status, 200);
    let seen = referrer.call("referral_detail", &[("id", &open)]).await;
    assert!(!seen.body.contains("Still Open Person") && !seen.body.contains("01236"), "{}", seen.body);
    assert_eq!(status_of(&app, &open).await, "closed");
}

#[tokio::test]
async fn exports_as_json_and_fhir_with_the_codes_and_a_log_line() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, _) = professional(&app).await;
    let id = refer(&app, &mut referrer, "Fhir Person").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let mut wishaw = app.as_actor(Actor::WishawBuilder).await;
    let before = log_rows(&app, &id).await;
    let r = b.get(&format!("/referrals/{id}/fhir.json")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let bundle: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    let resources: Vec<&serde_json::Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |t: &str| *resources.iter().find(|r| r["resourceType"] == t).unwrap_or_else(|| panic!("no {t}"));
    let sr = of("ServiceRequest");
    assert_eq!(sr["code"]["coding"][0]["system"], "http://snomed.info/sct");
    assert_eq!(sr["code"]["coding"][0]["code"], "871731000000106");
    assert_eq!(sr["status"], "active");
    assert_eq!(sr["intent"], "order");
    assert!(sr["authoredOn"].as_str().unwrap().ends_with('Z'));
    assert!(sr["requester"]["display"].as_str().unwrap().contains("Practice"));
    let patient = of("Patient");
    assert_eq!(sr["subject"]["reference"], format!("urn:uuid:{}", patient["id"].as_str().unwrap()));
    assert_eq!(patient["birthDate"], "1946-05-14");
    assert_eq!(patient["name"][0]["text"], "Fhir Person");
    let task = of("Task");
    assert_eq!(task["status"], "requested");
    assert_eq!(task["focus"]["reference"], format!("urn:uuid:{}", sr["id"].as_str().unwrap()));
    // The referrer may take it into their system too; the JSON of everything is for builders.
    assert_eq!(referrer.get(&format!("/referrals/{id}/fhir.json")).await.status, 200);
    assert_eq!(referrer.get(&format!("/referrals/{id}/export.json")).await.status, 403);
    assert_eq!(wishaw.get(&format!("/referrals/{id}/fhir.json")).await.status, 404);
    assert_eq!(app.client().get(&format!("/referrals/{id}/export.json")).await.status, 401);
    let all = b.get(&format!("/referrals/{id}/export.json")).await;
    assert_eq!(all.status, 200);
    let j: serde_json::Value = serde_json::from_str(&all.body).unwrap();
    assert_eq!(j["person"]["name"], "Fhir Person");
    assert_eq!(j["person"]["notes_for_visits"], "Dog in the house");
    assert_eq!(log_rows(&app, &id).await - before, 3, "each export is logged");
    // On the referral's page: interests by name, and the copies offered to builders only.
    let page = b.get(&format!("/referrals/{id}")).await.body;
    assert!(page.contains("Gardening") && !page.contains("social-connection"), "{page}");
    assert!(page.contains("Copy for GP systems") && page.contains("/fhir.json"), "{page}");
    let theirs = referrer.get(&format!("/referrals/{id}")).await.body;
    assert!(!theirs.contains("/fhir.json") && !theirs.contains("/export.json"), "{theirs}");
}

#[tokio::test]
async fn the_partner_endpoint_refuses_bad_tokens_and_bad_input_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (_, _, org) = professional(&app).await;
    let token = app::referrals::api::create_partner_token(&app.state.db, &org, "EMIS link", None).await.unwrap();
    let body = serde_json::json!({
        "person_name": "Partner Person", "date_of_birth": "1955-07-01", "phone": "01236 555 999", "contact_by": "phone",
        "locality": app.locality("Airdrie"), "what_matters": "Company", "interests": ["gardening"], "urgency": "soon",
        "consent_referral": true, "consent_sharing": true, "consent_method": "written", "consent_recorded_by": "Dr Ahmed"
    });
    let mut c = app.client();
    let post = |auth: Option<String>, body: String| {
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(a) = auth {
            headers.push(("authorization".to_string(), a));
        }
        (headers, body)
    };
    for auth in [None, Some("Bearer nope".to_string()), Some(format!("Basic {token}"))] {
        let (h, b) = post(auth, body.to_string());
        let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = c.raw(reqwest::Method::POST, "/partner/v1/referrals", &hs, &b).await;
        assert_eq!(r.status, 401, "{}", r.body);
        assert!(r.body.contains("partner token"));
    }
    let mut bad = body.clone();
    bad["consent_sharing"] = serde_json::json!(false);
    bad["date_of_birth"] = serde_json::json!("01/07/1955");
    for b in [bad.to_string(), "{not json".to_string()] {
        let (h, b) = post(Some(format!("Bearer {token}")), b);
        let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = c.raw(reqwest::Method::POST, "/partner/v1/referrals", &hs, &b).await;
        assert_eq!(r.status, 422, "{}", r.body);
    }
    let (h, b) = post(Some(format!("Bearer {token}")), bad.to_string());
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.raw(reqwest::Method::POST, "/partner/v1/referrals", &hs, &b).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(j["fields"]["consent_sharing"].is_string() && j["fields"]["date_of_birth"].is_string(), "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 0, "nothing written");
    let (h, b) = post(Some(format!("Bearer {token}")), body.to_string());
    let hs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.raw(reqwest::Method::POST, "/partner/v1/referrals", &hs, &b).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let row = sqlx::query("SELECT source, organisation_id, consent_recorded_by, urgency FROM referrals")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("source"), "partner");
    assert_eq!(row.get::<String, _>("organisation_id"), org);
    assert_eq!(row.get::<String, _>("consent_recorded_by"), "Dr Ahmed");
    assert_eq!(row.get::<String, _>("urgency"), "soon");
}

#[tokio::test]
async fn professionals_apply_and_only_admins_verify_them() {
    let app = TestApp::spawn().await;
    let mut c = app.client();
    let form = [
        ("display_name", "Rena Link"),
        ("email", "rena@practice.example"),
        ("password", "copper lantern meadow"),
        ("organisation", "new"),
        ("new_organisation", "Coatbridge Health Centre"),
        ("organisation_kind", "GP practice"),
        ("job_title", "Community link worker"),
    ];
    let r = c.call("apply_as_professional", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let token = app.emailed_token("rena@practice.example", "confirm-email").await;
    assert_eq!(c.call("confirm_email", &[("token", &token)]).await.status, 200);
    let uid: String =
        sqlx::query("SELECT id FROM users WHERE email = 'rena@practice.example'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut b = app.as_actor(Actor::NetworkBuilder).await;
    assert_eq!(b.call("decide_professional", &[("user_id", &uid), ("decision", "verify"), ("reason", "")]).await.status, 403);
    assert_eq!(b.call("professional_applications", &[]).await.status, 403, "only admins see applications");
    let mut signed_in = app.as_actor(Actor::Resident).await;
    assert_eq!(signed_in.call("apply_as_professional", &form).await.status, 409, "sign out first");
    let mut admin = app.as_actor(Actor::Admin).await;
    assert!(admin.call("professional_applications", &[]).await.body.contains("Rena Link"));
    assert_eq!(
        admin.call("decide_professional", &[("user_id", &uid), ("decision", "reject"), ("reason", "")]).await.status,
        422,
        "turning down says why"
    );
    assert_eq!(
        admin.call("decide_professional", &[("user_id", &uid), ("decision", "verify"), ("org_lead", "yes"), ("reason", "")]).await.status,
        200
    );
    let lead: i64 = sqlx::query("SELECT is_org_lead FROM professionals WHERE user_id = $1")
        .bind(&uid)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("is_org_lead");
    assert_eq!(lead, 1);
    // Signing in: a professional is asked to set up two-step sign-in before referring.
    let mut p = app.client();
    let r = p.call("sign_in", &[("email", "rena@practice.example"), ("password", "copper lantern meadow")]).await;
    assert_eq!(r.status, 200);
    assert_eq!(p.call("referral_form", &[]).await.status, 403);
    let audit: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'decide_professional' AND subject_user_id = $1")
        .bind(&uid)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(audit, 1);
}

#[tokio::test]
async fn an_invited_person_joins_themselves_and_the_referral_follows() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, _) = professional(&app).await;
    let mut form = referral_form(&app, "Invited Person");
    for (k, v) in form.iter_mut() {
        if *k == "email" {
            *v = "invited.person@test.example".into();
        }
    }
    let r = referrer.call("submit_referral", &refs(&form)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id: String =
        sqlx::query("SELECT id FROM referrals WHERE person_name = 'Invited Person'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let no_email = refer(&app, &mut referrer, "No Email Person").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(b.call("invite_referral", &[("id", &id)]).await.status, 409, "accept first");
    for rid in [&id, &no_email] {
        assert_eq!(b.call("move_referral", &[("id", rid), ("action", "accept"), ("note", "")]).await.status, 200);
    }
    assert_eq!(b.call("invite_referral", &[("id", &no_email)]).await.status, 409, "no email, no invitation");
    assert_eq!(referrer.call("invite_referral", &[("id", &id)]).await.status, 403);
    assert_eq!(b.call("invite_referral", &[("id", &id)]).await.status, 200);
    let body: String = sqlx::query("SELECT body FROM outbox WHERE to_address = 'invited.person@test.example'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("body");
    let token = body.lines().find_map(|l| l.split("join?invite=").nth(1)).expect("invitation link").trim().to_string();
    let r = join_invited(&app, &token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let row = sqlx::query("SELECT r.status, r.member_id, m.status AS membership, m.locality_id FROM referrals r JOIN memberships m ON m.user_id = r.member_id WHERE r.id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "joined");
    assert_eq!(row.get::<String, _>("membership"), "active", "invited people need no approval");
    assert_eq!(row.get::<String, _>("locality_id"), app.locality("Airdrie"));
    assert_eq!(join_invited(&app, &token).await.status, 404, "an invitation works once");
    // The person answers the wellbeing questions themselves, once per stage; they never see the referral.
    let confirm = app.emailed_token("invited.person@test.example", "confirm-email").await;
    let mut person = app.client();
    assert_eq!(person.call("confirm_email", &[("token", &confirm)]).await.status, 200);
    let r = person.call("sign_in", &[("email", "invited.person@test.example"), ("password", "copper lantern meadow")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(person.call("my_wellbeing", &[]).await.json()["stage"], "baseline");
    assert_eq!(person.call("home_glance", &[]).await.json()["wellbeing"]["stage"], "baseline", "Home asks the same");
    let answers = [
        ("life_satisfaction", "5"),
        ("worthwhile", "6"),
        ("happiness", "5"),
        ("anxiety", "6"),
        ("lack_companionship", "3"),
        ("left_out", "2"),
        ("isolated", "3"),
    ];
    assert_eq!(person.call("answer_wellbeing", &answers).await.status, 200);
    assert!(person.call("my_wellbeing", &[]).await.json().is_null(), "the follow-up is not due yet");
    assert!(person.call("home_glance", &[]).await.json()["wellbeing"].is_null());
    assert_eq!(person.call("answer_wellbeing", &answers).await.status, 409);
    let by: String = sqlx::query("SELECT answered_by FROM referral_outcomes WHERE referral_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("answered_by");
    assert_eq!(by, "person");
    assert!(matches!(person.call("referral_detail", &[("id", &id)]).await.status, 403 | 404), "the person does not read the referral");
    // Erased on request: the invitation email and the link to the account go too.
    assert_eq!(b.call("erase_referral", &[("id", &id), ("erase_reason", "Asked at the drop-in")]).await.status, 200);
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE subject = 'Your invitation to join the time bank'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(left, 0);
    let member: Option<String> = sqlx::query("SELECT member_id FROM referrals WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("member_id");
    assert!(member.is_none());
    let logged: String = sqlx::query("SELECT detail FROM referral_access_log WHERE referral_id = $1 AND action = 'erase'")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("detail");
    assert!(!logged.contains("drop-in"), "the builder's words stay out of the append-only log");
}

async fn join_invited(app: &TestApp, token: &str) -> common::Resp {
    let mut c = app.client();
    c.call(
        "join",
        &[
            ("display_name", "Invited Person"),
            ("email", "invited.person@test.example"),
            ("password", "copper lantern meadow"),
            ("locality", ""),
            ("code_of_conduct", "yes"),
            ("invite", token),
        ],
    )
    .await
}

/// The referral form in steps: each step's answers wait on the server, sealed (the person's
/// details are not in the table as text, nor in any address), a step's problems come back
/// alone and without the values, another professional cannot read the draft, sending takes
/// the referral once and forgets the draft.
#[tokio::test]
async fn the_form_in_steps_keeps_answers_sealed_on_the_server_and_sends_once() {
    let app = TestApp::spawn().await;
    let (mut pro, _, _) = professional(&app).await;
    let airdrie = app.locality("Airdrie");
    let step = |name: &'static str, fields: Vec<(&'static str, &str)>| {
        let mut f = vec![("self_referral", "false"), ("step", name)];
        f.extend(fields);
        f.into_iter().map(|(k, v)| (k, v.to_string())).collect::<Vec<(&'static str, String)>>()
    };
    // A wrong date comes back on its own step, with only the message.
    let about = |month: &'static str| {
        step(
            "about",
            vec![
                ("person_name", "Isobel Steps"),
                ("dob_day", "14"),
                ("dob_month", month),
                ("dob_year", "1946"),
                ("locality", airdrie.as_str()),
                ("contact_by", "phone"),
                ("phone", "01236 555 012"),
                ("email", ""),
            ],
        )
    };
    let r = pro.call("save_referral_step", &refs(&about("13"))).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("day, the month and the year") && !r.body.contains("Isobel"), "{}", r.body);
    let r = pro.call("save_referral_step", &refs(&about("5"))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sealed: String = sqlx::query("SELECT sealed FROM referral_drafts").fetch_one(&app.state.db.pool).await.unwrap().get("sealed");
    assert!(!sealed.contains("Isobel") && !sealed.contains("01236"), "sealed at rest");
    // The draft is the writer's own: another professional's page starts empty.
    let (mut other, _, _) = professional(&app).await;
    let r = other.call("referral_draft", &[("self_referral", "false")]).await;
    assert_eq!(r.json()["draft"]["input"]["person_name"], "", "{}", r.body);
    let r = pro.call("referral_draft", &[("self_referral", "false")]).await;
    assert_eq!(r.json()["draft"]["input"]["person_name"], "Isobel Steps", "{}", r.body);
    assert_eq!(r.json()["draft"]["dob"][1], "5");
    // Sending before every step is answered is refused.
    assert_eq!(pro.call("send_referral_draft", &[("self_referral", "false")]).await.status, 409);
    let matters = step("what-matters", vec![("what_matters", "Company on Sundays."), ("interests[gardening]", "yes")]);
    assert_eq!(pro.call("save_referral_step", &refs(&matters)).await.status, 200);
    let needs = step("needs", vec![("access_needs", ""), ("risk_notes", "Dog in the house"), ("urgency", "soon")]);
    assert_eq!(pro.call("save_referral_step", &refs(&needs)).await.status, 200);
    // Consent is asked on its own step; without it that step says so.
    let r = pro.call("save_referral_step", &refs(&step("consent", vec![("consent_method", "verbal")]))).await;
    assert!(r.status == 422 && r.body.contains("consent_referral"), "{}", r.body);
    let consent = step("consent", vec![("consent_referral", "yes"), ("consent_sharing", "yes"), ("consent_method", "verbal")]);
    assert_eq!(pro.call("save_referral_step", &refs(&consent)).await.status, 200);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 0, "nothing is sent before Check and send");
    let r = pro.call("send_referral_draft", &[("self_referral", "false")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let row = sqlx::query("SELECT date_of_birth, urgency, interests, risk_notes FROM referrals WHERE person_name = 'Isobel Steps'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("date_of_birth"), "1946-05-14");
    assert_eq!(row.get::<String, _>("urgency"), "soon");
    assert_eq!(row.get::<String, _>("risk_notes"), "Dog in the house");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referral_drafts").await, 0, "the draft is forgotten");
    assert_eq!(pro.call("send_referral_draft", &[("self_referral", "false")]).await.status, 409, "sent once");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 1);
    // Residents cannot use the professional's steps; anyone can use the self-referral's.
    let mut resident = app.as_actor(Actor::Resident).await;
    assert_eq!(resident.call("save_referral_step", &refs(&about("5"))).await.status, 403);
    assert_eq!(resident.call("referral_draft", &[("self_referral", "false")]).await.status, 403);
    assert_eq!(resident.call("send_referral_draft", &[("self_referral", "false")]).await.status, 403);
    assert_eq!(app.client().call("referral_draft", &[("self_referral", "false")]).await.status, 401);
    let mut visitor = app.client();
    let mut mine = about("5");
    mine[0].1 = "true".into();
    assert_eq!(visitor.call("save_referral_step", &refs(&mine)).await.status, 200);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referral_drafts WHERE user_id IS NULL AND self_referral = 1").await, 1);
}

/// A weekly walk run by "Airdrie Health Walks", kept by the Airdrie builder; (entry, organisation).
async fn walk_entry(app: &TestApp, builder: &mut Client) -> (String, String) {
    let airdrie = app.locality("Airdrie");
    let fields = [
        ("network_id", app.network_id.as_str()),
        ("title", "Tuesday walk"),
        ("organisation", "Airdrie Health Walks"),
        ("kind", "group"),
        ("theme", "active"),
        ("description", "A gentle hour round the park."),
        ("area", airdrie.as_str()),
        ("schedule", "weekly"),
        ("weekday", "1"),
        ("nth", ""),
        ("on_date", ""),
        ("starts", "10:00"),
        ("ends", "11:00"),
        ("until", ""),
        ("venue", "Centenary Park gates"),
        ("address", "Main Street, Airdrie"),
        ("postcode", "ML6 0AA"),
        ("accessibility", ""),
        ("cost", "free"),
        ("cost_detail", ""),
        ("audience", "Everyone"),
        ("how_to_join", "Just turn up."),
        ("contact", ""),
    ];
    let r = builder.call("save_directory_entry", &fields).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let row = sqlx::query("SELECT id, organisation_id FROM directory_entries WHERE title = 'Tuesday walk'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (row.get("id"), row.get("organisation_id"))
}

fn refused(r: &common::Resp) -> Vec<String> {
    assert_eq!(r.status, 422, "{}", r.body);
    r.json()["Invalid"]["fields"].as_array().unwrap().iter().map(|f| f[0].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_onward_referral_reaches_only_the_organisation_with_only_what_was_agreed() {
    let app = TestApp::spawn().await;
    let (mut referrer, referrer_id, _) = professional(&app).await;
    let id = refer(&app, &mut referrer, "Isla Moffat").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let (entry, org) = walk_entry(&app, &mut b).await;
    let onward_rows = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move { sqlx::query("SELECT COUNT(*) AS n FROM onward_referrals").fetch_one(&pool).await.unwrap().get::<i64, _>("n") }
    };
    let send = |agreed: bool| {
        let mut f = vec![
            ("id", id.clone()),
            ("onward_entry", entry.clone()),
            ("onward_note", "She would love a <b>walking</b> group.".to_string()),
        ];
        f.push(("share_what_matters", "yes".into()));
        if agreed {
            f.push(("onward_agreed", "yes".into()));
        }
        f
    };
    // Not before the builders accept it.
    assert_eq!(b.call("refer_onward", &refs(&send(true))).await.status, 409);
    assert_eq!(b.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await.status, 200);
    // Nobody acts for the organisation yet: it is not offered, and refused if sent.
    let seen = b.call("referral_detail", &[("id", &id)]).await.json();
    assert!(seen["onward"]["choices"].as_array().unwrap().is_empty(), "{seen}");
    assert_eq!(refused(&b.call("refer_onward", &refs(&send(true))).await), vec!["onward_entry"]);

    // Only builders of the network name who acts for it.
    let (provider_id, provider_email) = app.make_user(Actor::Resident).await;
    let mut resident = app.as_actor(Actor::Resident).await;
    let add = [("organisation_id", org.as_str()), ("member", ""), ("member_pick", provider_id.as_str())];
    assert_eq!(resident.call("add_organisation_member", &add).await.status, 403);
    assert_eq!(referrer.call("add_organisation_member", &add).await.status, 403, "a professional sees no directory to change");
    assert_eq!(b.call("add_organisation_member", &add).await.status, 200);
    assert_eq!(refused(&b.call("add_organisation_member", &add).await), vec!["member"], "named once");
    let seen = b.call("referral_detail", &[("id", &id)]).await.json();
    assert_eq!(seen["onward"]["choices"][0][0], entry.as_str());

    // The person's agreement is needed; nothing is written without it.
    assert_eq!(refused(&b.call("refer_onward", &refs(&send(false))).await), vec!["onward_agreed"]);
    assert_eq!(onward_rows(&app).await, 0);
    // Sent twice at once, by the builder and the referrer: one onward referral.
    let (f1, f2) = (send(true), send(true));
    let (f1, f2) = (refs(&f1), refs(&f2));
    let (r1, r2) = tokio::join!(b.call("refer_onward", &f1), referrer.call("refer_onward", &f2));
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", r1.body, r2.body);
    assert_eq!(onward_rows(&app).await, 1);
    let onward: String = sqlx::query("SELECT id FROM onward_referrals").fetch_one(&app.state.db.pool).await.unwrap().get("id");

    // The provider hears of it, and their list holds no personal details.
    let mut provider = app.client();
    provider.sign_in_with_code(&provider_email).await;
    let told = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{provider_id}' AND link = '/referrals/onward/{onward}'"),
    )
    .await;
    assert_eq!(told, 1);
    let inbox = provider.call("onward_inbox", &[]).await;
    assert_eq!(inbox.json().as_array().unwrap().len(), 1, "{}", inbox.body);
    assert!(!inbox.body.contains("Isla"), "{}", inbox.body);
    // Opening it shows the name, the way to contact them and what was ticked; never the
    // date of birth, risk notes or access needs (not ticked). The read is logged.
    let before = log_rows(&app, &id).await;
    let detail = provider.call("onward_detail", &[("id", &onward)]).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let d = detail.json();
    assert_eq!(d["person"]["name"], "Isla Moffat");
    assert_eq!(d["person"]["contact"], "By phone: 01236 555 012");
    assert_eq!(d["person"]["what_matters"], "Getting out of the house; she loved gardening.");
    assert!(d["person"]["access_needs"].is_null());
    for secret in ["1946", "Dog in the house", "Hard of hearing", "gardening]"] {
        assert!(!detail.body.contains(secret), "{secret}: {}", detail.body);
    }
    assert_eq!(log_rows(&app, &id).await, before + 1);
    let unread = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{provider_id}' AND read_at IS NULL AND link LIKE '/referrals/onward/%'"),
    )
    .await;
    assert_eq!(unread, 0, "opening it marks what they were told about it as read");
    let logged = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM referral_access_log WHERE referral_id = '{id}' AND actor_label LIKE '%for Airdrie Health Walks%'"
        ),
    )
    .await;
    assert_eq!(logged, 1);
    // Markup typed into the note is shown as text on the organisation's page.
    let page = provider.get(&format!("/referrals/onward/{onward}")).await.body;
    assert!(page.contains("&lt;b&gt;walking&lt;/b&gt;") && !page.contains("<b>walking"), "the note as text");
    // Anyone else: not found.
    for mut other in [app.as_actor(Actor::WishawResident).await, resident, app.as_actor(Actor::WishawBuilder).await] {
        assert_eq!(other.call("onward_detail", &[("id", &onward)]).await.status, 404);
        assert_eq!(other.call("answer_onward", &[("id", &onward), ("answer", "accept"), ("reason", "")]).await.status, 404);
        assert_eq!(other.call("refer_onward", &refs(&send(true))).await.status, 404, "not theirs to send on");
        assert!(other.call("onward_inbox", &[]).await.json().as_array().unwrap().is_empty(), "nothing to their organisation");
    }
    assert_eq!(app.client().call("onward_inbox", &[]).await.status, 401);

    // A "no" needs a reason; a "yes" is given once, and the referrer is told.
    assert_eq!(refused(&provider.call("answer_onward", &[("id", &onward), ("answer", "decline"), ("reason", "")]).await), vec!["reason"]);
    assert_eq!(refused(&provider.call("answer_onward", &[("id", &onward), ("reason", "")]).await), vec!["answer"]);
    let yes = [("id", onward.as_str()), ("answer", "accept"), ("reason", "We will phone her on Monday.")];
    assert_eq!(provider.call("answer_onward", &yes).await.status, 200);
    assert_eq!(provider.call("answer_onward", &yes).await.status, 409);
    let theirs = referrer.call("referral_detail", &[("id", &id)]).await.json();
    assert_eq!(theirs["onward"]["lines"][0]["status"], "Accepted");
    assert_eq!(theirs["onward"]["lines"][0]["reason"], "We will phone her on Monday.");
    let told = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{referrer_id}' AND text LIKE '%accepted the referral%'"),
    )
    .await;
    assert_eq!(told, 1);
    let unread = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{referrer_id}' AND read_at IS NULL AND link = '/referrals/{id}'"
        ),
    )
    .await;
    assert_eq!(unread, 0, "the referrer opened the referral: what they were told about it is read");
    let history = b.call("referral_detail", &[("id", &id)]).await.body;
    assert!(history.contains("Referred on to Tuesday walk") && history.contains("We will phone her on Monday."), "{history}");
    // Everything held about the person includes where they were referred on.
    let held = b.get(&format!("/referrals/{id}/export.json")).await.json();
    assert_eq!(held["onward"][0]["organisation"], "Airdrie Health Walks");
    assert_eq!(held["onward"][0]["status"], "accepted");

    // Once consent is withdrawn the organisation no longer sees the person.
    assert_eq!(referrer.call("withdraw_consent", &[("id", &id), ("consent_note", "She changed her mind")]).await.status, 200);
    let d = provider.call("onward_detail", &[("id", &onward)]).await;
    assert!(d.json()["person"].is_null() && !d.body.contains("Isla"), "{}", d.body);
}

#[tokio::test]
async fn the_closing_summary_goes_back_to_the_referrer_only_when_the_person_agreed() {
    let app = TestApp::spawn().await;
    let (mut referrer, referrer_id, _) = professional(&app).await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let email: String =
        sqlx::query("SELECT email FROM users WHERE id = $1").bind(&referrer_id).fetch_one(&app.state.db.pool).await.unwrap().get("email");
    let summaries = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        let email = email.clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1 AND subject = $2")
                .bind(email)
                .bind(app::referrals::domain::SUMMARY_SUBJECT)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<i64, _>("n")
        }
    };
    for (name, share) in [("Not Shared Person", false), ("Shared Person", true)] {
        let id = refer(&app, &mut referrer, name).await;
        for (action, note) in [("accept", ""), ("contacted", "Phoned")] {
            assert_eq!(b.call("move_referral", &[("id", &id), ("action", action), ("note", note)]).await.status, 200);
        }
        let text = format!("{name} comes to the walking group.");
        let mut close = vec![("id", id.as_str()), ("action", "close"), ("note", text.as_str())];
        if share {
            close.push(("share_summary", "yes"));
        }
        assert_eq!(b.call("move_referral", &close).await.status, 200);
        let seen = referrer.call("referral_detail", &[("id", &id)]).await;
        let j = seen.json();
        assert_eq!(j["status"], "Closed");
        let fhir = b.get(&format!("/referrals/{id}/fhir.json")).await.json();
        let communication = fhir["entry"].as_array().unwrap().iter().find(|e| e["resource"]["resourceType"] == "Communication").cloned();
        if share {
            assert_eq!(j["outcome_summary"], text.as_str());
            assert_eq!(j["onward"]["closing"]["text"], text.as_str());
            assert_eq!(summaries(&app).await, 1, "emailed to the referrer");
            let c = communication.expect("a Communication");
            let sr = fhir["entry"].as_array().unwrap().iter().find(|e| e["resource"]["resourceType"] == "ServiceRequest").unwrap();
            assert_eq!(c["resource"]["basedOn"][0]["reference"], sr["fullUrl"]);
            assert_eq!(c["resource"]["payload"][0]["contentString"], text.as_str());
            assert_eq!(c["resource"]["status"], "completed");
        } else {
            assert!(!seen.body.contains(&text) && j["onward"]["closing"].is_null(), "{}", seen.body);
            assert_eq!(summaries(&app).await, 0);
            assert!(communication.is_none(), "{fhir}");
            // The builders still see it, marked as not shared.
            let theirs = b.call("referral_detail", &[("id", &id)]).await.json();
            assert_eq!(theirs["onward"]["closing"]["shared"], false);
            assert_eq!(theirs["outcome_summary"], text.as_str());
        }
    }
    // Erasing the person's details takes the emailed summary out of the outbox too.
    let shared: String =
        sqlx::query("SELECT id FROM referrals WHERE person_name = 'Shared Person'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(b.call("erase_referral", &[("id", &shared), ("erase_reason", "She asked us by phone")]).await.status, 200);
    assert_eq!(summaries(&app).await, 0);
}

#[tokio::test]
async fn an_onward_referral_past_its_answer_date_is_reminded_about_once() {
    let app = TestApp::spawn().await;
    let (mut referrer, _, _) = professional(&app).await;
    let id = refer(&app, &mut referrer, "Isla Moffat").await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let (entry, org) = walk_entry(&app, &mut b).await;
    assert_eq!(b.call("move_referral", &[("id", &id), ("action", "accept"), ("note", "")]).await.status, 200);
    let (provider_id, _) = app.make_user(Actor::Resident).await;
    let add = [("organisation_id", org.as_str()), ("member", ""), ("member_pick", provider_id.as_str())];
    assert_eq!(b.call("add_organisation_member", &add).await.status, 200);
    let send =
        [("id", id.as_str()), ("onward_entry", entry.as_str()), ("onward_note", "She would like company."), ("onward_agreed", "yes")];
    assert_eq!(b.call("refer_onward", &send).await.status, 200);
    let (due_at, sent_by): (i64, String) =
        sqlx::query_as("SELECT due_at, sent_by FROM onward_referrals").fetch_one(&app.state.db.pool).await.unwrap();
    let reminders = |user: String| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text LIKE '%answer%date%'")
                .bind(user)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(app::jobs::run_once(&app.state, due_at - 60).await.unwrap().onward_overdue, 0, "not before its date");
    let (r1, r2) = tokio::join!(app::jobs::run_once(&app.state, due_at + 60), app::jobs::run_once(&app.state, due_at + 60));
    assert_eq!(r1.unwrap().onward_overdue + r2.unwrap().onward_overdue, 1, "two servers remind once");
    assert_eq!(reminders(provider_id.clone()).await, 1, "the organisation is reminded");
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text LIKE '%has not answered%'")
        .bind(&sent_by)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(told, 1, "and whoever sent it");
    assert_eq!(app::jobs::run_once(&app.state, due_at + 86_400).await.unwrap().onward_overdue, 0, "once");
}
