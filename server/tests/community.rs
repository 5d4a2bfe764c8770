//! Community builders through the server: approving, suspending, reporting and moderating,
//! settling disputes, recording on behalf, the network's rules, and the audit trail —
//! who may do each, that scope stops at the locality, and that every action leaves one
//! append-only line. Runs on the engine named by TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use common::{Actor, Client, TestApp, PASSWORD};
use sqlx::Row;

async fn user_of(c: &mut Client) -> String {
    c.call("current_viewer", &[]).await.json()["user_id"].as_str().unwrap().to_string()
}

fn listing_args(app: &TestApp, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "offer".into()),
        ("title", title.into()),
        ("description", "Weeding and mowing, tools included.".into()),
        ("category", "gardening".into()),
        ("tags", String::new()),
        ("locality", app.locality("Airdrie")),
        ("place", "outdoors".into()),
        ("availability", String::new()),
        ("estimate", String::new()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, x)| (*k, x.as_str())).collect()
}

async fn offer(app: &TestApp, c: &mut Client, title: &str) -> String {
    let r = c.call("create_listing", &refs(&listing_args(app, title))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    sqlx::query("SELECT id FROM listings WHERE title = $1").bind(title).fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

async fn search(c: &mut Client, q: &str) -> Vec<String> {
    let r = c.call("browse_listings", &[("filters[q]", q)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["cards"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap().to_string()).collect()
}

/// Whether any email to `to` says `text` (several can share a second, so not "the last").
async fn emailed(app: &TestApp, to: &str, text: &str) -> bool {
    sqlx::query("SELECT body FROM outbox WHERE to_address = $1")
        .bind(to)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .iter()
        .any(|r| r.get::<String, _>("body").contains(text))
}

/// Every audit line as (id, reason), in id order.
async fn audit_rows(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query("SELECT id, reason FROM audit_log ORDER BY id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get("id"), r.get("reason")))
        .collect()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = $1").bind(action).fetch_one(&app.state.db.pool).await.unwrap().get("n")
}

/// A member who joined through the form and waits for approval: (user id, email).
async fn pending_member(app: &TestApp, email: &str) -> String {
    let mut c = app.client();
    let r = c
        .call(
            "join",
            &[
                ("display_name", "Jean Paterson"),
                ("email", email),
                ("password", PASSWORD),
                ("locality", &app.locality("Airdrie")),
                ("code_of_conduct", "yes"),
                ("about", "I can bake and would like a lift to the shops."),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    sqlx::query("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

#[tokio::test]
async fn approving_lets_a_member_post_and_gives_welcome_hours_declining_emails_the_reason() {
    let app = TestApp::spawn().await;
    sqlx::query("UPDATE networks SET starting_credit_minutes = 120").execute(&app.state.db.pool).await.unwrap();
    let jean = pending_member(&app, "jean@example.org").await;
    let token = app.emailed_token("jean@example.org", "/confirm-email").await;
    let mut j = app.client();
    assert_eq!(j.call("confirm_email", &[("token", &token)]).await.status, 200);
    assert_eq!(j.call("sign_in", &[("email", "jean@example.org"), ("password", PASSWORD)]).await.status, 200);
    // Waiting: cannot post yet.
    let r = j.call("create_listing", &refs(&listing_args(&app, "Too soon"))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("waiting for approval"), "{}", r.body);

    // The builder's desk shows them, with what they wrote.
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let desk = b.call("builder_desk", &[]).await.json();
    let waiting = desk["pending"].as_array().unwrap();
    assert!(waiting.iter().any(|p| p["user_id"] == jean.as_str() && p["about"].as_str().unwrap().contains("bake")), "{desk}");
    // Not a member yet: their record says when they asked, not "member since".
    let record = b.get(&format!("/community/members/{jean}")).await.body;
    assert!(record.contains("Asked to join") && !record.contains("Member since"), "{record}");
    // A builder of another locality cannot decide; declining needs a message.
    let mut w = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(w.call("decide_membership", &[("user_id", &jean), ("decision", "approve"), ("message", "")]).await.status, 403);
    assert_eq!(b.call("decide_membership", &[("user_id", &jean), ("decision", "decline"), ("message", "")]).await.status, 422);
    let r = b
        .call("decide_membership", &[("user_id", &jean), ("decision", "approve"), ("message", "Welcome! See you at the coffee morning.")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Twice is refused, not repeated.
    assert_eq!(b.call("decide_membership", &[("user_id", &jean), ("decision", "approve"), ("message", "")]).await.status, 409);
    assert_eq!(app.balance(&jean).await, 120, "welcome hours once, on approval");
    assert!(b.get(&format!("/community/members/{jean}")).await.body.contains("Member since"));
    assert!(emailed(&app, "jean@example.org", "coffee morning").await);
    // Now they can post.
    offer(&app, &mut j, "Fresh scones").await;
    let line =
        sqlx::query("SELECT reason, before_value, after_value FROM audit_log WHERE action = 'approve_member' AND subject_user_id = $1")
            .bind(&jean)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(line.get::<String, _>("reason"), "Welcome! See you at the coffee morning.");
    assert_eq!(line.get::<String, _>("after_value"), "active");

    // Declining: the membership goes, the email carries the reason, the trail keeps it.
    let kim = pending_member(&app, "kim@example.org").await;
    let r = b
        .call("decide_membership", &[("user_id", &kim), ("decision", "decline"), ("message", "We could not reach your references.")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(emailed(&app, "kim@example.org", "could not reach your references").await);
    assert_eq!(app.balance(&kim).await, 0);
    assert_eq!(audit_count(&app, "decline_member").await, 1);
}

#[tokio::test]
async fn a_reported_listing_hidden_by_a_builder_leaves_search_and_the_reporter_is_told() {
    let app = TestApp::spawn().await;
    let mut owner = app.as_actor(Actor::Resident).await;
    let mut reporter = app.as_actor(Actor::Resident).await;
    let listing = offer(&app, &mut owner, "Cash for gardening").await;
    assert_eq!(search(&mut reporter, "cash gardening").await, vec!["Cash for gardening"]);
    // Nobody reports their own; a reason is needed.
    assert_eq!(owner.call("report", &[("subject_kind", "listing"), ("subject_id", &listing), ("reason", "x")]).await.status, 409);
    assert_eq!(reporter.call("report", &[("subject_kind", "listing"), ("subject_id", &listing), ("reason", " ")]).await.status, 422);
    let r = reporter.call("report", &[("subject_kind", "listing"), ("subject_id", &listing), ("reason", "Asks for money.")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let report: String = sqlx::query("SELECT id FROM reports").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    // The Wishaw builder cannot see or act on it; the Airdrie builder can.
    let mut w = app.as_actor(Actor::WishawBuilder).await;
    assert!(w.call("builder_desk", &[]).await.json()["reports"].as_array().unwrap().is_empty());
    assert_eq!(w.call("moderate", &[("report_id", &report), ("action", "hide"), ("reason", "x")]).await.status, 403);
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let desk = b.call("builder_desk", &[]).await.json();
    assert_eq!(desk["reports"][0]["excerpt"], "Cash for gardening");
    let r = b.call("moderate", &[("report_id", &report), ("action", "hide"), ("reason", "Money is not exchanged in a time bank.")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Gone from search and from other members; the owner still sees it, marked hidden.
    assert!(search(&mut reporter, "cash gardening").await.is_empty());
    assert_eq!(reporter.call("get_listing", &[("id", &listing)]).await.status, 404);
    let mine = owner.call("get_listing", &[("id", &listing)]).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.json()["card"]["hidden"], true);
    // Resolved once; the reporter is told in general terms, the owner the reason.
    assert_eq!(b.call("moderate", &[("report_id", &report), ("action", "dismiss"), ("reason", "again")]).await.status, 409);
    let told = reporter.call("my_notifications", &[]).await.body;
    assert!(told.contains("took action") && !told.contains("Money is not exchanged"), "{told}");
    assert!(owner.call("my_notifications", &[]).await.body.contains("Money is not exchanged"));
    // Restoring through a new report brings it back.
    let r = reporter.call("report", &[("subject_kind", "listing"), ("subject_id", &listing), ("reason", "Still there?")]).await;
    assert_eq!(r.status, 200);
    let second: String = sqlx::query("SELECT id FROM reports WHERE status = 'open'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(
        b.call("moderate", &[("report_id", &second), ("action", "restore"), ("reason", "Owner changed the wording.")]).await.status,
        200
    );
    assert_eq!(search(&mut reporter, "cash gardening").await.len(), 1);
    // A listing that shows cannot be "restored": only hiding is offered, and only it is taken.
    let r = reporter.call("report", &[("subject_kind", "listing"), ("subject_id", &listing), ("reason", "Once more")]).await;
    assert_eq!(r.status, 200);
    let third: String = sqlx::query("SELECT id FROM reports WHERE status = 'open'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let page = b.get(&format!("/community/reports/{third}")).await.body;
    assert!(page.contains("Hide the listing") && !page.contains("Restore the listing"), "{page}");
    let r = b.call("moderate", &[("report_id", &third), ("action", "restore"), ("reason", "Nothing to restore")]).await;
    assert_ne!(r.status, 200, "{}", r.body);
    assert_eq!(audit_count(&app, "hide_listing").await, 1);
    assert_eq!(audit_count(&app, "restore_listing").await, 1);
}

#[tokio::test]
async fn a_suspended_member_is_refused_and_their_listings_leave_search_until_reinstated() {
    let app = TestApp::spawn().await;
    let mut m = app.as_actor(Actor::Resident).await;
    let member = user_of(&mut m).await;
    let email: String =
        sqlx::query("SELECT email FROM users WHERE id = $1").bind(&member).fetch_one(&app.state.db.pool).await.unwrap().get("email");
    offer(&app, &mut m, "Hedge trimming").await;
    let mut other = app.as_actor(Actor::Resident).await;
    assert_eq!(search(&mut other, "hedge").await.len(), 1);
    let mut w = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(w.call("change_member_status", &[("user_id", &member), ("change", "suspend"), ("reason", "x")]).await.status, 403);
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(b.call("change_member_status", &[("user_id", &member), ("change", "suspend"), ("reason", "")]).await.status, 422);
    let r =
        b.call("change_member_status", &[("user_id", &member), ("change", "suspend"), ("reason", "Rude messages to two members.")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Their session ended; signing in again gives a member who is refused everything.
    assert_eq!(m.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
    let mut again = app.client();
    assert_eq!(again.call("sign_in", &[("email", &email), ("password", PASSWORD)]).await.status, 200);
    let listing = listing_args(&app, "While suspended");
    let rows: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("browse_listings", vec![]),
        ("create_listing", refs(&listing)),
        ("my_hours", vec![]),
        ("donate_to_pool", vec![("transfer_id", "abcdefgh12"), ("hours", "1"), ("minutes", ""), ("memo", "")]),
    ];
    for (endpoint, args) in rows {
        let r = again.call(endpoint, &args).await;
        assert_eq!(r.status, 403, "{endpoint}: {}", r.body);
        assert!(r.body.contains("suspended"), "{endpoint}: {}", r.body);
    }
    assert!(search(&mut other, "hedge").await.is_empty());
    assert!(emailed(&app, &email, "Rude messages").await);
    let r = b
        .call("change_member_status", &[("user_id", &member), ("change", "reinstate"), ("reason", "Apologised; talked it through.")])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(search(&mut other, "hedge").await.len(), 1);
    assert_eq!(again.call("browse_listings", &[]).await.status, 200);
    // The member sees both actions on their own account, with the reasons.
    let mine = again.call("my_account_actions", &[]).await.json();
    let reasons: Vec<&str> = mine.as_array().unwrap().iter().map(|l| l["reason"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"Rude messages to two members.") && reasons.contains(&"Apologised; talked it through."), "{mine}");
}

#[tokio::test]
async fn recording_on_behalf_vetting_notes_and_the_audit_trail() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut c = app.as_actor(Actor::Resident).await;
    let (a_id, c_id) = (user_of(&mut a).await, user_of(&mut c).await);
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    let r = b
        .call(
            "record_hours",
            &[
                ("transfer_id", "onbehalf-0001"),
                ("giver", &a_id),
                ("receiver1", &c_id),
                ("hours", "2"),
                ("minutes", ""),
                ("memo", "Lift to the hospital"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((app.balance(&a_id).await, app.balance(&c_id).await), (120, -120));
    // Both members see it in their statements and as an action on their account.
    for who in [&mut a, &mut c] {
        let hours = who.call("my_hours", &[]).await.body;
        assert!(hours.contains("Lift to the hospital"), "{hours}");
        let actions = who.call("my_account_actions", &[]).await.json();
        assert_eq!(actions.as_array().unwrap().len(), 1, "{actions}");
        assert_eq!(actions[0]["reason"], "Lift to the hospital");
    }
    // The same id again moves nothing and writes no second line.
    let r = b
        .call(
            "record_hours",
            &[
                ("transfer_id", "onbehalf-0001"),
                ("giver", &a_id),
                ("receiver1", &c_id),
                ("hours", "2"),
                ("minutes", ""),
                ("memo", "Lift to the hospital"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(audit_count(&app, "record_on_behalf").await, 2, "one line per member, once");

    // Vetting shows as badges; notes stay with the builders.
    let r = b
        .call(
            "set_vetting",
            &[("user_id", &a_id), ("met_coordinator", "yes"), ("references", "2"), ("disclosure", "pvg"), ("disclosure_date", "")],
        )
        .await;
    assert_eq!(r.status, 422, "a disclosure check needs its date");
    let r = b
        .call(
            "set_vetting",
            &[("user_id", &a_id), ("met_coordinator", "yes"), ("references", "2"), ("disclosure", ""), ("disclosure_date", "")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let profile = c.call("member_profile", &[("user_id", &a_id)]).await.json();
    let badges: Vec<&str> = profile["badges"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect();
    assert!(badges.contains(&"Met a coordinator") && badges.contains(&"References checked"), "{badges:?}");
    assert_eq!(b.call("add_member_note", &[("user_id", &a_id), ("body", "Prefers mornings; hard of hearing.")]).await.status, 200);
    let record = b.call("member_record", &[("user_id", &a_id)]).await.json();
    assert_eq!(record["notes"][0]["body"], "Prefers mornings; hard of hearing.");
    let mut w = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(w.call("member_record", &[("user_id", &a_id)]).await.status, 403, "notes stay in scope");
    let own = a.call("my_account_actions", &[]).await.body;
    assert!(!own.contains("hard of hearing") && !own.contains("private note"), "{own}");

    // The trail: searchable, scoped, exported; and it cannot be edited or deleted.
    let trail = b.call("audit_trail", &[("action", "update_vetting")]).await.json();
    assert_eq!(trail["lines"].as_array().unwrap().len(), 1);
    assert!(trail["lines"][0]["after"].as_str().unwrap().contains("references: 2"));
    assert!(w.call("audit_trail", &[]).await.json()["lines"].as_array().unwrap().is_empty(), "Wishaw sees none of Airdrie's");
    let csv = b.get("/community/audit.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("Lift to the hospital") && csv.body.contains("Updated vetting checklist"), "{}", csv.body);
    assert_eq!(w.get("/community/audit.csv").await.body.lines().count(), 1, "header only");
    assert_eq!(a.get("/community/audit.csv").await.status, 403);
    let before = audit_rows(&app).await;
    assert!(sqlx::query("UPDATE audit_log SET reason = 'edited'").execute(&app.state.db.pool).await.is_err(), "update refused");
    assert!(sqlx::query("DELETE FROM audit_log").execute(&app.state.db.pool).await.is_err(), "delete refused");
    let after = audit_rows(&app).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn a_builder_settles_a_dispute_with_hours_once_or_cancels_with_none() {
    let app = TestApp::spawn().await;
    let mut b = app.as_actor(Actor::AirdrieBuilder).await;
    for (outcome, moved) in [("hours", 45), ("cancel", 0)] {
        let mut a = app.as_actor(Actor::Resident).await;
        let mut c = app.as_actor(Actor::Resident).await;
        let (a_id, c_id) = (user_of(&mut a).await, user_of(&mut c).await);
        let listing = offer(&app, &mut a, &format!("Mowing ({outcome})")).await;
        assert_eq!(c.call("start_exchange", &[("listing_id", &listing), ("body", "Hello")]).await.status, 200);
        let ex: String = sqlx::query("SELECT id FROM exchanges WHERE listing_id = $1")
            .bind(&listing)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("id");
        assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
        assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "3"), ("minutes", "")]).await.status, 200);
        assert_eq!(
            c.call("exchange_step", &[("exchange_id", &ex), ("step", "dispute"), ("reason", "It was 45 minutes")]).await.status,
            200
        );
        assert_eq!(b.call("builder_desk", &[]).await.json()["disputes"].as_array().unwrap().len(), 1);
        // Participants cannot settle their own dispute; another locality's builder cannot either.
        assert_eq!(
            a.call("resolve_dispute", &[("exchange_id", &ex), ("outcome", "hours"), ("hours", "3"), ("minutes", ""), ("reason", "x")])
                .await
                .status,
            403
        );
        let mut w = app.as_actor(Actor::WishawBuilder).await;
        assert_eq!(
            w.call("resolve_dispute", &[("exchange_id", &ex), ("outcome", "cancel"), ("hours", ""), ("minutes", ""), ("reason", "x")])
                .await
                .status,
            403
        );
        let args = [
            ("exchange_id", ex.as_str()),
            ("outcome", outcome),
            ("hours", ""),
            ("minutes", "45"),
            ("reason", "Both agreed 45 minutes on the phone."),
        ];
        let r = b.call("resolve_dispute", &args).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(b.call("resolve_dispute", &args).await.status, 409, "settled once");
        assert_eq!((app.balance(&a_id).await, app.balance(&c_id).await), (moved, -moved));
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM transfers WHERE exchange_id = $1")
            .bind(&ex)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, if moved > 0 { 1 } else { 0 });
        assert!(a.call("my_notifications", &[]).await.body.contains("Both agreed 45 minutes"));
    }
    assert_eq!(audit_count(&app, "resolve_dispute").await, 2);
}

#[tokio::test]
async fn rules_categories_announcements_and_assisted_joining() {
    let app = TestApp::spawn().await;
    let network = app.network_id.clone();
    let mut lb = app.as_actor(Actor::AirdrieBuilder).await;
    let mut nb = app.as_actor(Actor::NetworkBuilder).await;
    let rules = [
        ("network_id", network.as_str()),
        ("requires_approval", "yes"),
        ("starting_credit", "2"),
        ("starting_credit_source", "pool"),
        ("below_zero", "5"),
        ("ceiling", "50"),
        ("auto_confirm_days", "10"),
        ("listing_expiry_days", "30"),
        ("record_days_back", "7"),
    ];
    assert_eq!(lb.call("update_network_settings", &rules).await.status, 403, "a locality builder cannot change the network's rules");
    let r = nb.call("update_network_settings", &rules).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = nb.call("network_settings", &[("network_id", &network)]).await.json();
    assert_eq!(s["settings"]["default_floor_minutes"], -300);
    assert_eq!(s["settings"]["see_other_localities"], false);
    assert_eq!(s["settings"]["listing_expiry_days"], 30);
    assert_eq!(s["settings"]["record_days_back"], 7);
    // Help recorded on paper is dated to the day it happened, within the network's 7 days.
    let (giver, _) = app.make_user(Actor::Resident).await;
    let (receiver, _) = app.make_user(Actor::Resident).await;
    let day = |days_ago: i64| app::util::iso_date(app::util::now() - days_ago * app::util::DAY);
    let on_paper = |id: &'static str, date: String| {
        vec![
            ("transfer_id", id.to_string()),
            ("giver", giver.clone()),
            ("receiver1", receiver.clone()),
            ("hours", "1".into()),
            ("minutes", "".into()),
            ("memo", "Shopping trip".into()),
            ("happened_on", date),
        ]
    };
    let args = on_paper("paper-0001", day(10));
    let r = lb.call("record_hours", &args.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("up to 7 days"), "{}", r.body);
    assert_eq!(app.balance(&giver).await, 0, "nothing moved");
    let args = on_paper("paper-0002", day(5));
    let r = lb.call("record_hours", &args.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let dated: Option<String> =
        sqlx::query_scalar("SELECT happened_on FROM transfers WHERE id = 'paper-0002'").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(dated, Some(day(5)));
    // Listings from other localities are now out of sight; new listings last 30 days.
    let mut airdrie = app.as_actor(Actor::Resident).await;
    let mut wishaw = app.as_actor(Actor::WishawResident).await;
    let id = offer(&app, &mut airdrie, "Plant swap").await;
    assert!(search(&mut wishaw, "plant").await.is_empty());
    assert_eq!(search(&mut airdrie, "plant").await.len(), 1);
    let (expires, created): (i64, i64) = {
        let r =
            sqlx::query("SELECT expires_at, created_at FROM listings WHERE id = $1").bind(&id).fetch_one(&app.state.db.pool).await.unwrap();
        (r.get("expires_at"), r.get("created_at"))
    };
    assert_eq!(expires - created, 30 * 86_400);

    // Categories: add, retire; shared ones are not the network's to change.
    assert_eq!(nb.call("change_category", &[("network_id", &network), ("op", "add"), ("name", "Gardening")]).await.status, 422);
    assert_eq!(nb.call("change_category", &[("network_id", &network), ("op", "add"), ("name", "Bike repair")]).await.status, 200);
    let cat: String =
        sqlx::query("SELECT id FROM categories WHERE name = 'Bike repair'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(
        nb.call("change_category", &[("network_id", &network), ("op", "rename"), ("category_id", &cat), ("new_name", "Bicycle repair")])
            .await
            .status,
        200
    );
    let renamed: String =
        sqlx::query("SELECT name FROM categories WHERE id = $1").bind(&cat).fetch_one(&app.state.db.pool).await.unwrap().get("name");
    assert_eq!(renamed, "Bicycle repair");
    assert_eq!(nb.call("change_category", &[("network_id", &network), ("op", "retire"), ("category_id", &cat)]).await.status, 200);
    assert_eq!(nb.call("change_category", &[("network_id", &network), ("op", "retire"), ("category_id", "gardening")]).await.status, 403);

    // Announcements: a locality builder posts to their locality only.
    let wishaw_loc = app.locality("Wishaw");
    let post = |aud: String| {
        vec![
            ("network_id".to_string(), network.clone()),
            ("audience".into(), aud),
            ("title".into(), "Coffee morning".into()),
            ("body".into(), "Friday 10am at the library.".into()),
            ("email".into(), "yes".into()),
        ]
    };
    fn as_refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
        v.iter().map(|(k, x)| (k.as_str(), x.as_str())).collect()
    }
    assert_eq!(lb.call("post_announcement", &as_refs(&post(wishaw_loc.clone()))).await.status, 403);
    assert_eq!(lb.call("post_announcement", &as_refs(&post("network".into()))).await.status, 403);
    assert_eq!(lb.call("post_announcement", &as_refs(&post(app.locality("Airdrie")))).await.status, 200);
    assert_eq!(airdrie.call("noticeboard", &[]).await.json()[0]["title"], "Coffee morning");
    assert!(wishaw.call("noticeboard", &[]).await.json().as_array().unwrap().is_empty());
    // Home's one read carries the same noticeboard.
    assert_eq!(airdrie.call("home_glance", &[]).await.json()["notices"][0]["title"], "Coffee morning");
    assert_eq!(airdrie.call("home_glance", &[]).await.json()["notices"][0]["audience"], "Airdrie");
    assert!(wishaw.call("home_glance", &[]).await.json()["notices"].as_array().unwrap().is_empty());
    let emailed: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE subject = 'Coffee morning'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert!(emailed >= 1);
    let ann: String = sqlx::query("SELECT id FROM announcements").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut wb = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(wb.call("end_announcement", &[("announcement_id", &ann)]).await.status, 403);
    assert_eq!(lb.call("end_announcement", &[("announcement_id", &ann)]).await.status, 200);
    assert!(airdrie.call("noticeboard", &[]).await.json().as_array().unwrap().is_empty());

    // Assisted joining: in scope only, with the paper consent ticked; welcome hours follow.
    let airdrie_loc = app.locality("Airdrie");
    assert_eq!(
        wb.call("assisted_join", &[("display_name", "Bill"), ("locality", &airdrie_loc), ("about", ""), ("paper_consent", "yes")])
            .await
            .status,
        403
    );
    assert_eq!(lb.call("assisted_join", &[("display_name", "Bill"), ("locality", &airdrie_loc), ("about", "")]).await.status, 422);
    let r = lb
        .call(
            "assisted_join",
            &[("display_name", "Bill Rennie"), ("locality", &airdrie_loc), ("about", "Grows tomatoes"), ("paper_consent", "yes")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let bill: String =
        sqlx::query("SELECT id FROM users WHERE display_name = 'Bill Rennie'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let record = lb.call("member_record", &[("user_id", &bill)]).await.json();
    assert_eq!(record["status"], "Active");
    assert_eq!(record["email"], serde_json::Value::Null);
    assert!(record["paper_consent_at"].is_i64());
    for action in ["change_settings", "change_category", "post_announcement", "end_announcement", "assisted_join"] {
        assert!(audit_count(&app, action).await >= 1, "{action} audited");
    }
}

/// Every new server function × every kind of caller. Targets live in Airdrie, so the
/// Wishaw builder is refused everything that acts on a member.
#[tokio::test]
async fn community_authorisation_matrix() {
    use Actor::*;
    let app = TestApp::spawn().await;
    let network = app.network_id.clone();
    let airdrie = app.locality("Airdrie");
    let (target, _) = app.make_user(Resident).await;
    let (pending, _) = app.make_user(Pending).await;
    let mut owner = app.as_actor(Resident).await;
    let listing = offer(&app, &mut owner, "Matrix listing").await;
    let mut reporter = app.as_actor(Resident).await;
    assert_eq!(reporter.call("report", &[("subject_kind", "listing"), ("subject_id", &listing), ("reason", "test")]).await.status, 200);
    let report: String = sqlx::query("SELECT id FROM reports").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut c = app.as_actor(Resident).await;
    assert_eq!(c.call("start_exchange", &[("listing_id", &listing), ("body", "Hello")]).await.status, 200);
    let ex: String = sqlx::query("SELECT id FROM exchanges").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(owner.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    let r = owner.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "1"), ("minutes", "")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(c.call("exchange_step", &[("exchange_id", &ex), ("step", "dispute"), ("reason", "That did not happen")]).await.status, 200);

    // A member asking to move from Airdrie to Wishaw: builders of either area may decide.
    let wishaw = app.locality("Wishaw");
    let mut mover = app.as_actor(Resident).await;
    assert_eq!(mover.call("ask_to_move_area", &[("locality", &wishaw), ("reason", "")]).await.status, 200);
    let area_move: String = sqlx::query("SELECT id FROM area_moves").fetch_one(&app.state.db.pool).await.unwrap().get("id");

    let whole = format!("net:{network}");
    let builders_here = vec![AirdrieBuilder, NetworkBuilder, Admin];
    let any_builder = vec![AirdrieBuilder, WishawBuilder, NetworkBuilder, Admin];
    let members = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder];
    let signed_in: Vec<Actor> = Actor::ALL.iter().copied().filter(|a| *a != Anonymous).collect();
    // (endpoint, arguments that are refused or invalid but never carried out, allowed callers)
    let rows: Vec<(&str, Vec<(&str, &str)>, Vec<Actor>)> = vec![
        ("builder_desk", vec![], any_builder.clone()),
        ("decide_membership", vec![("user_id", &pending), ("decision", "maybe"), ("message", "")], builders_here.clone()),
        ("member_record", vec![("user_id", &target)], builders_here.clone()),
        (
            "set_vetting",
            vec![("user_id", &target), ("references", "lots"), ("disclosure", ""), ("disclosure_date", "")],
            builders_here.clone(),
        ),
        ("change_member_status", vec![("user_id", &target), ("change", "maybe"), ("reason", "")], builders_here.clone()),
        ("add_member_note", vec![("user_id", &target), ("body", "")], builders_here.clone()),
        ("remove_member_photo", vec![("user_id", &target), ("photo_reason", "")], builders_here.clone()),
        ("my_area", vec![], members.clone()),
        ("ask_to_move_area", vec![("locality", ""), ("reason", "")], members.clone()),
        ("withdraw_area_move", vec![], members.clone()),
        ("decide_area_move", vec![("move_id", &area_move), ("decision", "maybe"), ("answer", "")], any_builder.clone()),
        ("assisted_join", vec![("display_name", ""), ("locality", &airdrie), ("about", "")], builders_here.clone()),
        ("report", vec![("subject_kind", "listing"), ("subject_id", &listing), ("reason", "")], members.clone()),
        ("report_detail", vec![("report_id", &report)], builders_here.clone()),
        ("moderate", vec![("report_id", &report), ("action", "nothing"), ("reason", "")], builders_here.clone()),
        (
            "resolve_dispute",
            vec![("exchange_id", &ex), ("outcome", "maybe"), ("hours", ""), ("minutes", ""), ("reason", "")],
            builders_here.clone(),
        ),
        ("network_settings", vec![("network_id", &network)], any_builder.clone()),
        (
            "update_network_settings",
            vec![
                ("network_id", &network),
                ("starting_credit", "lots"),
                ("starting_credit_source", "x"),
                ("below_zero", ""),
                ("ceiling", ""),
                ("auto_confirm_days", ""),
                ("listing_expiry_days", ""),
            ],
            vec![NetworkBuilder, Admin],
        ),
        ("change_category", vec![("network_id", &network), ("op", "add"), ("name", "")], vec![NetworkBuilder, Admin]),
        ("post_announcement", vec![("network_id", &network), ("audience", &airdrie), ("title", ""), ("body", "")], builders_here.clone()),
        ("noticeboard", vec![], signed_in.clone()),
        ("audit_trail", vec![], any_builder.clone()),
        ("my_account_actions", vec![], signed_in.clone()),
        ("admin_networks", vec![], vec![Admin]),
        ("create_network", vec![("name", ""), ("council_area", ""), ("first_locality", "")], vec![Admin]),
        ("create_locality", vec![("network_id", &network), ("locality_name", ""), ("population", "")], vec![Admin]),
        ("appoint_builder", vec![("email", "nobody@test.example"), ("scope", &whole)], vec![Admin]),
    ];
    let mut failures = vec![];
    for actor in Actor::ALL {
        let mut client = app.as_actor(actor).await;
        for (endpoint, args, allowed) in &rows {
            let r = client.call(endpoint, args).await;
            let refused = matches!(r.status, 401 | 403);
            if refused == allowed.contains(&actor)
                || r.status == 500
                || (r.status == 200
                    && !matches!(
                        *endpoint,
                        "builder_desk"
                            | "my_area"
                            | "member_record"
                            | "report_detail"
                            | "network_settings"
                            | "noticeboard"
                            | "audit_trail"
                            | "my_account_actions"
                            | "admin_networks"
                    ))
            {
                failures.push(format!("{endpoint} as {actor:?}: status {} ({})", r.status, r.body));
            }
        }
    }
    assert!(failures.is_empty(), "community authorisation matrix failures:\n{}", failures.join("\n"));
    // None of those calls changed anything.
    let lines: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(lines, 0);
    // Ending an announcement: a fresh one per caller.
    let mut failures = vec![];
    let mut poster = app.as_actor(NetworkBuilder).await;
    for actor in Actor::ALL {
        let r = poster.call("post_announcement", &[("network_id", &network), ("audience", &airdrie), ("title", "T"), ("body", "B")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let ann: String =
            sqlx::query("SELECT id FROM announcements WHERE ended_at IS NULL").fetch_one(&app.state.db.pool).await.unwrap().get("id");
        let mut client = app.as_actor(actor).await;
        let r = client.call("end_announcement", &[("announcement_id", &ann)]).await;
        if (r.status == 200) != builders_here.contains(&actor) {
            failures.push(format!("end_announcement as {actor:?}: {}", r.status));
        }
        if r.status != 200 {
            poster.call("end_announcement", &[("announcement_id", &ann)]).await;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every kind of builder and admin action, each once: each leaves exactly the audit lines
/// it should, with the actor, and nothing a member's own view must not show.
#[tokio::test]
async fn every_action_leaves_its_line_in_the_trail() {
    use app::audit::domain::AuditAction;
    let app = TestApp::spawn().await;
    let network = app.network_id.clone();
    let mut b = app.as_actor(Actor::NetworkBuilder).await;
    let builder = user_of(&mut b).await;
    let mut m = app.as_actor(Actor::Resident).await;
    let member = user_of(&mut m).await;
    let mut other = app.as_actor(Actor::Resident).await;
    let ok = |r: common::Resp| assert_eq!(r.status, 200, "{}", r.body);

    // Ledger tools, each with a reason.
    sqlx::query("UPDATE networks SET starting_credit_minutes = 0").execute(&app.state.db.pool).await.unwrap();
    let mut admin = app.as_actor(Actor::Admin).await;
    ok(b.call(
        "adjust_balance",
        &[
            ("transfer_id", "adjust-0001"),
            ("user_id", &member),
            ("direction", "add"),
            ("hours", "3"),
            ("minutes", ""),
            ("reason", "Paper records from 2025"),
        ],
    )
    .await);
    ok(m.call("donate_to_pool", &[("transfer_id", "donate-0001"), ("hours", "2"), ("minutes", ""), ("memo", "")]).await);
    ok(b.call(
        "grant_from_pool",
        &[("transfer_id", "grant-00001"), ("user_id", &member), ("hours", "1"), ("minutes", ""), ("reason", "Starter hours")],
    )
    .await);
    ok(b.call("reverse_transfer", &[("transfer_id", "reverse-0001"), ("original_id", "grant-00001"), ("reason", "Given twice")]).await);
    ok(b.call("set_account_limits", &[("user_id", &member), ("below_zero", "5"), ("ceiling", ""), ("reason", "Asked for a lower limit")])
        .await);
    let other_id = user_of(&mut other).await;
    ok(b.call(
        "record_hours",
        &[
            ("transfer_id", "record-0001"),
            ("giver", &member),
            ("receiver1", &other_id),
            ("hours", "1"),
            ("minutes", ""),
            ("memo", "Shopping"),
        ],
    )
    .await);

    // Members: vetting, note, warning and dismissal through reports, suspension and back.
    ok(b.call(
        "set_vetting",
        &[("user_id", &member), ("met_coordinator", "yes"), ("references", "1"), ("disclosure", ""), ("disclosure_date", "")],
    )
    .await);
    ok(b.call("add_member_note", &[("user_id", &member), ("body", "Secret note text")]).await);
    for (action, reason) in [("review", "Looking"), ("warn", "Please be kind"), ("dismiss", "Nothing wrong")] {
        if action != "warn"
            || sqlx::query("SELECT 1 FROM reports WHERE status <> 'resolved'").fetch_optional(&app.state.db.pool).await.unwrap().is_none()
        {
            ok(other.call("report", &[("subject_kind", "profile"), ("subject_id", &member), ("reason", "Rude")]).await);
        }
        let report: String = sqlx::query("SELECT id FROM reports WHERE status <> 'resolved' ORDER BY created_at, id")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("id");
        ok(b.call("moderate", &[("report_id", &report), ("action", action), ("reason", reason)]).await);
    }
    ok(b.call("change_member_status", &[("user_id", &member), ("change", "suspend"), ("reason", "Cooling off")]).await);
    ok(b.call("change_member_status", &[("user_id", &member), ("change", "reinstate"), ("reason", "Talked it through")]).await);

    // The network and the site.
    ok(admin.call("create_network", &[("name", "Fife Time Bank"), ("council_area", "Fife"), ("first_locality", "Kirkcaldy")]).await);
    ok(admin.call("create_locality", &[("network_id", &network), ("locality_name", "Cumbernauld"), ("population", "50,000")]).await);
    let (new_builder, email) = app.make_user(Actor::Resident).await;
    ok(admin.call("appoint_builder", &[("email", &email), ("scope", &format!("net:{network}"))]).await);
    assert_eq!(admin.call("appoint_builder", &[("email", &email), ("scope", &format!("net:{network}"))]).await.status, 409);

    let count = |action: AuditAction| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = $1")
                .bind(action.as_str())
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<i64, _>("n")
        }
    };
    for (action, expected) in [
        (AuditAction::AdjustBalance, 1),
        (AuditAction::GrantHours, 1),
        (AuditAction::ReverseTransfer, 1),
        (AuditAction::ChangeLimits, 1),
        (AuditAction::RecordOnBehalf, 2),
        (AuditAction::UpdateVetting, 1),
        (AuditAction::AddNote, 1),
        (AuditAction::ReviewReport, 1),
        (AuditAction::WarnMember, 1),
        (AuditAction::DismissReport, 1),
        (AuditAction::SuspendMember, 1),
        (AuditAction::ReinstateMember, 1),
        (AuditAction::CreateNetwork, 1),
        (AuditAction::CreateLocality, 1),
        (AuditAction::AppointBuilder, 1),
    ] {
        assert_eq!(count(action).await, expected, "{action:?}");
    }
    // Who acted is recorded; the member sees every action on their account but the note.
    let actors: Vec<String> = sqlx::query("SELECT DISTINCT actor_id FROM audit_log WHERE subject_user_id = $1")
        .bind(&member)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.get("actor_id"))
        .collect();
    assert_eq!(actors, vec![builder.clone()]);
    let mut again = app.client();
    let email_m: String =
        sqlx::query("SELECT email FROM users WHERE id = $1").bind(&member).fetch_one(&app.state.db.pool).await.unwrap().get("email");
    ok(again.call("sign_in", &[("email", &email_m), ("password", PASSWORD)]).await);
    let own = again.call("my_account_actions", &[]).await;
    assert!(!own.body.contains("Secret note text") && !own.body.contains("private note"), "{}", own.body);
    for reason in
        ["Paper records from 2025", "Starter hours", "Given twice", "Asked for a lower limit", "Shopping", "Please be kind", "Cooling off"]
    {
        assert!(own.body.contains(reason), "{reason} missing from {}", own.body);
    }
    let _ = new_builder;
}

/// What review found: an exchange is read by the builders of its members (not of the area
/// the listing names), shared contact details cannot be reported (builders must not see
/// them), a builder does not decide a report about themselves, and a hidden listing
/// cannot be answered.
#[tokio::test]
async fn scope_follows_the_members_and_reports_stay_clean() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut c = app.as_actor(Actor::Resident).await;
    // An Airdrie member's listing placed in Wishaw.
    let mut args = listing_args(&app, "Tiling in Wishaw");
    args[5].1 = app.locality("Wishaw");
    assert_eq!(a.call("create_listing", &refs(&args)).await.status, 200);
    let listing: String =
        sqlx::query("SELECT id FROM listings WHERE title = 'Tiling in Wishaw'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(c.call("start_exchange", &[("listing_id", &listing), ("body", "Hello")]).await.status, 200);
    let ex: String = sqlx::query("SELECT id FROM exchanges").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut wishaw = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(wishaw.call("get_exchange", &[("id", &ex)]).await.status, 404);
    let mut airdrie = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(airdrie.call("get_exchange", &[("id", &ex)]).await.status, 200);

    // Contact details shared in the exchange cannot be reported; ordinary messages can.
    assert_eq!(a.call("share_contact", &[("exchange_id", &ex)]).await.status, 200);
    let contact: String =
        sqlx::query("SELECT id FROM exchange_messages WHERE kind = 'contact'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(c.call("report", &[("subject_kind", "message"), ("subject_id", &contact), ("reason", "Spam")]).await.status, 404);
    let hello: String =
        sqlx::query("SELECT id FROM exchange_messages WHERE kind = 'message'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(a.call("report", &[("subject_kind", "message"), ("subject_id", &hello), ("reason", "Rude")]).await.status, 200);

    // A builder reported by a member does not decide that report.
    let builder = user_of(&mut airdrie).await;
    assert_eq!(a.call("report", &[("subject_kind", "profile"), ("subject_id", &builder), ("reason", "Unkind")]).await.status, 200);
    let about_builder: String = sqlx::query("SELECT id FROM reports WHERE subject_user_id = $1")
        .bind(&builder)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id");
    assert_eq!(airdrie.call("moderate", &[("report_id", &about_builder), ("action", "dismiss"), ("reason", "Fine")]).await.status, 403);
    let mut network = app.as_actor(Actor::NetworkBuilder).await;
    assert_eq!(
        network.call("moderate", &[("report_id", &about_builder), ("action", "dismiss"), ("reason", "Looked into it")]).await.status,
        200
    );

    // A hidden listing cannot be answered, even by someone who kept its address.
    let other = offer(&app, &mut c, "Cash jobs").await;
    assert_eq!(a.call("report", &[("subject_kind", "listing"), ("subject_id", &other), ("reason", "Money")]).await.status, 200);
    let report: String =
        sqlx::query("SELECT id FROM reports WHERE subject_id = $1").bind(&other).fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(airdrie.call("moderate", &[("report_id", &report), ("action", "hide"), ("reason", "Money")]).await.status, 200);
    assert_eq!(a.call("start_exchange", &[("listing_id", &other), ("body", "Still on?")]).await.status, 404);
}
