//! Exchanges through the server: who can read and act, and that hours move exactly once.
//! Runs on the engine named by TIMEWEAVE_TEST_ENGINE.
// Tables of cases (caller, form, expected) read best written out in full.
#![allow(clippy::type_complexity)]

mod common;

use common::{Actor, Client, TestApp};
use sqlx::Row;

async fn offer(app: &TestApp, c: &mut Client) -> String {
    let r = c
        .call(
            "create_listing",
            &[
                ("kind", "offer"),
                ("title", "Help with gardening"),
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
    sqlx::query("SELECT id FROM listings ORDER BY created_at DESC").fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

async fn exchange_id(app: &TestApp) -> String {
    sqlx::query("SELECT id FROM exchanges ORDER BY created_at DESC").fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

async fn user_of(c: &mut Client) -> String {
    c.call("current_viewer", &[]).await.json()["user_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_loop_moves_the_hours_exactly_once() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::WishawResident).await;
    let (a_id, b_id) = (user_of(&mut a).await, user_of(&mut b).await);
    let listing = offer(&app, &mut a).await;
    // B asks for it; A cannot respond to their own listing.
    assert_eq!(a.call("start_exchange", &[("listing_id", &listing), ("body", "Me?")]).await.status, 409);
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "")]).await.status, 422);
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "Could you do Saturday?")]).await.status, 200);
    let ex = exchange_id(&app).await;
    // Only the owner answers; nobody records before agreeing.
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 409);
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "1"), ("minutes", "30")]).await.status, 409);
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    assert_eq!(a.call("send_message", &[("exchange_id", &ex), ("body", "Saturday at 10 is fine.")]).await.status, 200);
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "1"), ("minutes", "30")]).await.status, 200);
    // The recorder cannot confirm their own record; the other side confirms, twice.
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 409);
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 200);
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 200);
    assert_eq!(app.balance(&a_id).await, 90, "the helper earns 1 h 30 min");
    assert_eq!(app.balance(&b_id).await, -90);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM transfers WHERE exchange_id = $1")
        .bind(&ex)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 1, "confirming twice posts one transfer");
    let view = b.call("get_exchange", &[("id", &ex)]).await.json();
    assert_eq!(view["status"], "Confirmed");
    assert_eq!(view["messages"].as_array().unwrap().len(), 2);
    let report = app::ledger::store::verify(&app.state.db).await.unwrap();
    assert!(report.faults.is_empty(), "{:?}", report.faults);
}

#[tokio::test]
async fn a_dispute_posts_nothing_and_only_participants_read_or_write() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    let listing = offer(&app, &mut a).await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "Hello!")]).await.status, 200);
    let ex = exchange_id(&app).await;
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "3"), ("minutes", "")]).await.status, 200);
    // A dispute needs a reason, and moves no hours.
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "dispute")]).await.status, 422);
    assert_eq!(
        a.call("exchange_step", &[("exchange_id", &ex), ("step", "dispute"), ("reason", "It was one hour, not three")]).await.status,
        200
    );
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM transfers").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(n, 0);
    // Outsiders: another resident, a Wishaw builder, a professional cannot read or write.
    for actor in [Actor::Resident, Actor::WishawBuilder, Actor::Professional, Actor::Anonymous] {
        let mut c = app.as_actor(actor).await;
        let r = c.call("get_exchange", &[("id", &ex)]).await;
        assert!(matches!(r.status, 401 | 403 | 404), "{actor:?} read it: {}", r.status);
        let r = c.call("send_message", &[("exchange_id", &ex), ("body", "hi")]).await;
        assert!(matches!(r.status, 401 | 403 | 404), "{actor:?} wrote in it: {}", r.status);
        for (endpoint, args) in [
            ("exchange_step", vec![("exchange_id", ex.as_str()), ("step", "confirm")]),
            ("exchange_step", vec![("exchange_id", ex.as_str()), ("step", "cancel"), ("reason", "Not mine to cancel")]),
            ("share_contact", vec![("exchange_id", ex.as_str())]),
            ("thank", vec![("exchange_id", ex.as_str()), ("thanks", "Thanks!")]),
        ] {
            let r = c.call(endpoint, &args).await;
            assert!(matches!(r.status, 401 | 403 | 404), "{actor:?} could {endpoint}: {} {}", r.status, r.body);
        }
    }
    let status: String =
        sqlx::query("SELECT status FROM exchanges WHERE id = $1").bind(&ex).fetch_one(&app.state.db.pool).await.unwrap().get("status");
    assert_eq!(status, "disputed", "outsiders changed nothing");
    // The members' builders may read it (disputes come to them) but not act as a side.
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("get_exchange", &[("id", &ex)]).await.status, 200);
    assert_eq!(builder.call("send_message", &[("exchange_id", &ex), ("body", "hi")]).await.status, 403);
    assert_eq!(builder.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 403);
    assert_eq!(builder.call("share_contact", &[("exchange_id", &ex)]).await.status, 403);
    // Nobody's email appears in what the other side sees.
    let view = b.call("get_exchange", &[("id", &ex)]).await.body;
    assert!(!view.contains("@test.example"), "{view}");
}

/// Goes from listing to recorded hours; returns (exchange id, owner client, asker client, owner id, asker id).
async fn recorded(app: &TestApp) -> (String, Client, Client, String, String) {
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    let (a_id, b_id) = (user_of(&mut a).await, user_of(&mut b).await);
    let listing = offer(app, &mut a).await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "Hello")]).await.status, 200);
    let ex = exchange_id(app).await;
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "2"), ("minutes", "")]).await.status, 200);
    (ex, a, b, a_id, b_id)
}

#[tokio::test]
async fn unconfirmed_hours_are_confirmed_automatically_once_with_notice_before() {
    let app = TestApp::spawn().await;
    let (ex, _a, mut b, a_id, b_id) = recorded(&app).await;
    let t = app::util::now();
    // Nothing is due yet.
    assert_eq!(app::jobs::run_once(&app.state, t).await.unwrap(), app::jobs::JobReport::default());
    // Six days on: the notice to the person who must confirm.
    let r = app::jobs::run_once(&app.state, t + 6 * 86_400 + 60).await.unwrap();
    assert_eq!((r.warned, r.confirmed), (1, 0));
    let notes = b.call("my_notifications", &[]).await.json();
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["text"].as_str().unwrap().contains("automatically tomorrow")), "{notes}");
    // Seven days on, two servers running the job at once: confirmed once, one transfer.
    let (r1, r2) = tokio::join!(app::jobs::run_once(&app.state, t + 7 * 86_400 + 60), app::jobs::run_once(&app.state, t + 7 * 86_400 + 60));
    assert!(r1.unwrap().confirmed + r2.unwrap().confirmed >= 1);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM transfers WHERE exchange_id = $1")
        .bind(&ex)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 1);
    assert_eq!(app.balance(&a_id).await, 120);
    assert_eq!(app.balance(&b_id).await, -120);
    assert_eq!(b.call("get_exchange", &[("id", &ex)]).await.json()["status"], "Confirmed");
    // A later pass does nothing more.
    assert_eq!(app::jobs::run_once(&app.state, t + 9 * 86_400).await.unwrap(), app::jobs::JobReport::default());
}

#[tokio::test]
async fn thanks_show_on_the_profile_and_notifications_follow_the_exchange() {
    let app = TestApp::spawn().await;
    let (ex, mut a, mut b, a_id, _) = recorded(&app).await;
    // Thanks only after confirmation, once.
    assert_eq!(b.call("thank", &[("exchange_id", &ex), ("thanks", "Thank you!")]).await.status, 409);
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 200);
    assert_eq!(b.call("thank", &[("exchange_id", &ex), ("thanks", "")]).await.status, 422);
    assert_eq!(b.call("thank", &[("exchange_id", &ex), ("thanks", "Thank you, the garden looks lovely!")]).await.status, 200);
    let profile = b.call("member_profile", &[("user_id", &a_id)]).await.json();
    assert_eq!(profile["thanks"][0][1], "Thank you, the garden looks lovely!");
    assert_eq!(profile["given_minutes"], 120);
    // A heard about each step: the request, and being thanked.
    let notes = a.call("my_notifications", &[]).await.json();
    let texts: Vec<String> = notes["items"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap().to_string()).collect();
    assert!(texts.iter().any(|t| t.contains("responded to")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("confirmed the hours")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("thanked you")), "{texts:?}");
    assert!(a.call("current_viewer", &[]).await.json()["unread_notifications"].as_i64().unwrap() >= 3);
    assert_eq!(a.call("mark_notifications_read", &[]).await.status, 200);
    assert_eq!(a.call("current_viewer", &[]).await.json()["unread_notifications"], 0);
    // Email: immediately by default (in the outbox); daily means a digest instead.
    assert_eq!(b.call("set_email_frequency", &[("frequency", "sometimes")]).await.status, 422);
    assert_eq!(b.call("set_email_frequency", &[("frequency", "daily")]).await.status, 200);
    let b_email = b.call("current_viewer", &[]).await.json()["email"].as_str().unwrap().to_string();
    let before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1")
        .bind(&b_email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(a.call("thank", &[("exchange_id", &ex), ("thanks", "Thanks for having me")]).await.status, 200);
    let after: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1")
        .bind(&b_email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(after, before, "daily: no email straight away");
    let r = app::jobs::run_once(&app.state, app::util::now() + 86_400 + 60).await.unwrap();
    assert_eq!(r.digests, 1);
    let digest: String = sqlx::query("SELECT body FROM outbox WHERE to_address = $1 AND subject = 'Your day on Timeweave'")
        .bind(&b_email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("body");
    assert!(digest.contains("thanked you"), "{digest}");
}

async fn exchange_for(app: &TestApp, listing: &str) -> String {
    sqlx::query("SELECT id FROM exchanges WHERE listing_id = $1").bind(listing).fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

async fn unread(c: &mut Client) -> i64 {
    c.call("current_viewer", &[]).await.json()["unread_notifications"].as_i64().unwrap()
}

async fn texts(c: &mut Client) -> Vec<String> {
    let notes = c.call("my_notifications", &[]).await.json();
    notes["items"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap().to_string()).collect()
}

/// The owner's answer names what the other person did (offered help, or asked for it), and
/// opening the exchange marks what was said about it as read, and nothing else.
#[tokio::test]
async fn answers_say_offer_or_request_and_opening_the_exchange_reads_its_notices() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    // A asks for help with a hedge; B offers; A accepts.
    post_gardening(&app, &mut a, "request", "Hedge trimming", "Airdrie").await;
    let request: String =
        sqlx::query("SELECT id FROM listings WHERE title = 'Hedge trimming'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(b.call("start_exchange", &[("listing_id", &request), ("body", "I can bring shears on Saturday")]).await.status, 200);
    let for_request = exchange_for(&app, &request).await;
    // The page says whose move it is, from each side; only the owner has a main button.
    let b_name = b.call("current_viewer", &[]).await.json()["display_name"].as_str().unwrap().to_string();
    let a_name = a.call("current_viewer", &[]).await.json()["display_name"].as_str().unwrap().to_string();
    let b_page = b.get(&format!("/exchanges/{for_request}")).await.body;
    assert!(b_page.contains(&format!("Waiting for {a_name} to reply.")), "{b_page}");
    assert!(!b_page.contains(r#"name="step" value="accept""#));
    let a_page = a.get(&format!("/exchanges/{for_request}")).await.body;
    assert!(a_page.contains(&format!("{b_name} is waiting for your answer.")), "{a_page}");
    assert!(a_page.contains(r#"name="step" value="accept""#));
    // Declining sits behind its own summary, with its note inside it.
    assert!(a_page.contains(r#"<details class="step-choice">"#), "{a_page}");
    assert_eq!(a.call("exchange_step", &[("exchange_id", &for_request), ("step", "accept")]).await.status, 200);
    // A offers gardening; B asks for it; A declines.
    let offered = offer(&app, &mut a).await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &offered), ("body", "Could you mow my lawn?")]).await.status, 200);
    let for_offer = exchange_for(&app, &offered).await;
    assert_eq!(a.call("exchange_step", &[("exchange_id", &for_offer), ("step", "decline")]).await.status, 200);
    let told = texts(&mut b).await;
    assert!(told.iter().any(|t| t.contains("accepted your offer to help with \"Hedge trimming\"")), "{told:?}");
    assert!(told.iter().any(|t| t.contains("declined your request about \"Help with gardening\"")), "{told:?}");
    assert!(!told.iter().any(|t| t.contains("your request about \"Hedge trimming\"")), "{told:?}");

    // B opens one exchange: its notice is read, the other stays new; A's are untouched.
    let (b_before, a_before) = (unread(&mut b).await, unread(&mut a).await);
    assert_eq!(b_before, 2);
    assert_eq!(b.call("get_exchange", &[("id", &for_request)]).await.status, 200);
    assert_eq!(unread(&mut b).await, 1, "the other exchange's notice is still new");
    assert_eq!(unread(&mut a).await, a_before, "someone else's notices are theirs");
    // A builder reading the exchange does not mark the participants' notices read.
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let _ = builder.call("get_exchange", &[("id", &for_offer)]).await;
    assert_eq!(unread(&mut b).await, 1);
    // The messages' notices (a place on the page) count as the exchange's too.
    assert_eq!(a.call("send_message", &[("exchange_id", &for_request), ("body", "Saturday it is")]).await.status, 200);
    assert_eq!(unread(&mut b).await, 2);
    assert_eq!(b.call("get_exchange", &[("id", &for_request)]).await.status, 200);
    assert_eq!(unread(&mut b).await, 1);
}

#[tokio::test]
async fn requests_show_offers_that_could_meet_them_with_a_reason() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    offer(&app, &mut a).await;
    let r = b
        .call(
            "create_listing",
            &[
                ("kind", "request"),
                ("title", "My hedge needs cutting"),
                ("description", "A tall hedge at the front of the house."),
                ("category", "gardening"),
                ("tags", ""),
                ("locality", &app.locality("Airdrie")),
                ("place", "outdoors"),
                ("availability", ""),
                ("estimate", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    let request: String =
        sqlx::query("SELECT id FROM listings WHERE kind = 'request'").fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let m = b.call("listing_matches", &[("id", &request)]).await.json();
    assert_eq!(m[0]["card"]["title"], "Help with gardening");
    assert_eq!(m[0]["reason"], "also in Airdrie · offers Gardening");
    let could_help = a.call("home_glance", &[]).await.json()["picks"]["requests"].clone();
    assert_eq!(could_help[0]["card"]["title"], "My hedge needs cutting");
}

/// Posts a gardening listing, then waits past the second so the next one is newer.
async fn post_gardening(app: &TestApp, c: &mut Client, kind: &str, title: &str, area: &str) {
    post_in(app, c, "gardening", kind, title, area).await
}

/// Posts a listing and waits past the second, so the next one is newer.
async fn post_in(app: &TestApp, c: &mut Client, category: &str, kind: &str, title: &str, area: &str) {
    let r = c
        .call(
            "create_listing",
            &[
                ("kind", kind),
                ("title", title),
                ("description", "Close to home, at a time that suits you both."),
                ("category", category),
                ("tags", ""),
                ("locality", &app.locality(area)),
                ("place", "outdoors"),
                ("availability", ""),
                ("estimate", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
}

async fn could_help(c: &mut Client) -> Vec<(String, String)> {
    let could_help = c.call("home_glance", &[]).await.json()["picks"]["requests"].clone();
    could_help
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["card"]["title"].as_str().unwrap().to_string(), s["reason"].as_str().unwrap().to_string()))
        .collect()
}

/// Home suggestions: the viewer's own area first (newer before older within each area),
/// other areas only while the network shows them.
#[tokio::test]
async fn suggestions_put_your_own_area_first_and_keep_to_it_where_the_network_does() {
    let app = TestApp::spawn().await;
    let mut helper = app.as_actor(Actor::Resident).await; // Airdrie
    let mut airdrie = app.as_actor(Actor::Resident).await;
    let mut wishaw = app.as_actor(Actor::WishawResident).await;
    post_gardening(&app, &mut helper, "offer", "Help with gardening", "Airdrie").await;
    post_gardening(&app, &mut airdrie, "request", "Airdrie hedge, older", "Airdrie").await;
    post_gardening(&app, &mut wishaw, "request", "Wishaw lawn, newest", "Wishaw").await;
    post_gardening(&app, &mut airdrie, "request", "Airdrie weeds, newer", "Airdrie").await;
    assert_eq!(
        could_help(&mut helper).await,
        vec![
            ("Airdrie weeds, newer".to_string(), "also in Airdrie · asks for Gardening".to_string()),
            ("Airdrie hedge, older".to_string(), "also in Airdrie · asks for Gardening".to_string()),
            ("Wishaw lawn, newest".to_string(), "Wishaw · asks for Gardening".to_string()),
        ]
    );
    sqlx::query("UPDATE networks SET see_other_localities = 0 WHERE id = $1")
        .bind(&app.network_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let titles: Vec<String> = could_help(&mut helper).await.into_iter().map(|(t, _)| t).collect();
    assert_eq!(titles, vec!["Airdrie weeds, newer", "Airdrie hedge, older"], "other areas are not shown");
}

/// In the viewer's own area each category is read on its own: the suggestions are still
/// the newest across all of the viewer's categories, three in all.
#[tokio::test]
async fn suggestions_take_the_newest_across_categories() {
    let app = TestApp::spawn().await;
    let mut helper = app.as_actor(Actor::Resident).await; // Airdrie
    let mut neighbour = app.as_actor(Actor::Resident).await;
    post_in(&app, &mut helper, "gardening", "offer", "Help with gardening", "Airdrie").await;
    post_in(&app, &mut helper, "lifts", "offer", "Lifts to the shops", "Airdrie").await;
    post_in(&app, &mut neighbour, "gardening", "request", "Hedge, oldest", "Airdrie").await;
    post_in(&app, &mut neighbour, "lifts", "request", "Lift to the clinic", "Airdrie").await;
    post_in(&app, &mut neighbour, "gardening", "request", "Weeds", "Airdrie").await;
    post_in(&app, &mut neighbour, "cooking", "request", "Soup, not a category I offer", "Airdrie").await;
    post_in(&app, &mut neighbour, "lifts", "request", "Lift to the station, newest", "Airdrie").await;
    let titles: Vec<String> = could_help(&mut helper).await.into_iter().map(|(t, _)| t).collect();
    assert_eq!(titles, vec!["Lift to the station, newest", "Weeds", "Lift to the clinic"]);
}

#[tokio::test]
async fn contact_details_stay_hidden_until_shared() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    let a_email = a.call("current_viewer", &[]).await.json()["email"].as_str().unwrap().to_string();
    let listing = offer(&app, &mut a).await;
    assert!(!b.call("get_listing", &[("id", &listing)]).await.body.contains(&a_email));
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "Hello")]).await.status, 200);
    let ex = exchange_id(&app).await;
    let a_id = user_of(&mut a).await;
    assert!(!b.call("get_exchange", &[("id", &ex)]).await.body.contains(&a_email));
    assert!(!b.call("member_profile", &[("user_id", &a_id)]).await.body.contains(&a_email));
    assert!(!b.get(&format!("/exchanges/{ex}")).await.body.contains(&a_email));
    assert_eq!(a.call("share_contact", &[("exchange_id", &ex)]).await.status, 200);
    assert!(b.call("get_exchange", &[("id", &ex)]).await.body.contains(&a_email), "shared on purpose");
    // The area's builders can read the exchange (for disputes) but not the shared address.
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let seen = builder.call("get_exchange", &[("id", &ex)]).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains(&a_email), "{}", seen.body);
    // Still nobody else's business.
    let mut c = app.as_actor(Actor::Resident).await;
    assert!(!c.call("get_exchange", &[("id", &ex)]).await.body.contains(&a_email));
}

/// Home's glance: the balance, what waits for me to act (an answer, a confirmation) and
/// nothing that waits for the other person; first steps until one has posted something.
#[tokio::test]
async fn home_shows_what_waits_for_me_and_first_steps_for_someone_new() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    let glance = |v: serde_json::Value| {
        (v["balance_minutes"].as_i64().unwrap(), v["waiting"].as_array().unwrap().len(), v["new_member"].as_bool().unwrap())
    };
    let (_, waiting, new) = glance(b.call("home_glance", &[]).await.json());
    assert_eq!((waiting, new), (0, true), "someone new, nothing waiting");
    let listing = offer(&app, &mut a).await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "Could you come on Friday?")]).await.status, 200);
    let ex = exchange_for(&app, &listing).await;
    // What waits for each of them follows the one rule of whose move it is.
    use app::exchanges::domain::{whose_move, ExchangeStatus::*, Sides, Turn};
    let a_side = |recorded: bool| Sides { is_owner: true, recorded_by_me: recorded };
    let b_side = |recorded: bool| Sides { is_owner: false, recorded_by_me: recorded };
    let expected = |status, sides| usize::from(whose_move(status, sides) == Turn::Mine);
    // A must answer; B waits (nothing for B to do).
    let a_view = a.call("home_glance", &[]).await.json();
    assert_eq!(glance(a_view.clone()).1, expected(Requested, a_side(false)));
    assert_eq!(a_view["waiting"][0]["id"], ex.as_str());
    assert!(!glance(a_view).2, "A has posted: no first steps");
    assert_eq!(glance(b.call("home_glance", &[]).await.json()).1, expected(Requested, b_side(false)));
    // Accepted: either may record, nobody is waited for. Recorded by A: now B must confirm.
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    assert_eq!(glance(a.call("home_glance", &[]).await.json()).1, expected(Accepted, a_side(false)));
    assert_eq!(glance(b.call("home_glance", &[]).await.json()).1, expected(Accepted, b_side(false)));
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "1"), ("minutes", "0")]).await.status, 200);
    assert_eq!(glance(a.call("home_glance", &[]).await.json()).1, expected(Recorded, a_side(true)), "A recorded: waits for B");
    assert_eq!(glance(b.call("home_glance", &[]).await.json()).1, expected(Recorded, b_side(false)));
    assert_eq!(expected(Recorded, b_side(false)), 1, "the rule itself: B confirms what A recorded");
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 200);
    let (a_balance, a_waiting, _) = glance(a.call("home_glance", &[]).await.json());
    let (b_balance, b_waiting, _) = glance(b.call("home_glance", &[]).await.json());
    assert_eq!((a_waiting, b_waiting), (0, 0));
    assert_eq!(a_balance - b_balance, 120, "the hour moved from B to A");
    // The page shows it.
    let home = b.get("/home").await.body;
    assert!(home.contains("First steps") && home.contains("href=\"/hours\""), "{home}");
}

/// Every exchange, notification and profile server function × every kind of caller.
#[tokio::test]
async fn people_authorisation_matrix() {
    use Actor::*;
    let app = TestApp::spawn().await;
    let mut owner = app.as_actor(Resident).await;
    let owner_id = user_of(&mut owner).await;
    let listing = offer(&app, &mut owner).await;
    let members = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder];
    let anyone_with_a_role = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder, Professional, Admin];
    let profile_readers = vec![Resident, WishawResident, AirdrieBuilder, WishawBuilder, NetworkBuilder, Admin];
    let signed_in: Vec<Actor> = Actor::ALL.iter().copied().filter(|a| *a != Anonymous).collect();
    let mut failures = vec![];
    for actor in Actor::ALL {
        let rows: Vec<(&str, Vec<(&str, &str)>, &Vec<Actor>)> = vec![
            ("my_exchanges", vec![], &members),
            ("start_exchange", vec![("listing_id", &listing), ("body", "")], &members),
            ("listing_matches", vec![("id", &listing)], &members),
            ("home_glance", vec![], &members),
            ("my_notifications", vec![], &anyone_with_a_role),
            ("mark_notifications_read", vec![], &anyone_with_a_role),
            ("set_email_frequency", vec![("frequency", "")], &anyone_with_a_role),
            ("save_push_subscription", vec![("endpoint", ""), ("p256dh", ""), ("auth", "")], &anyone_with_a_role),
            ("remove_push_subscription", vec![("endpoint", "https://fcm.googleapis.com/fcm/send/x")], &signed_in),
            ("member_profile", vec![("user_id", &owner_id)], &profile_readers),
            ("set_about", vec![("about", "Hello")], &members),
            ("remove_my_photo", vec![], &signed_in),
        ];
        for (endpoint, args, allowed) in &rows {
            let mut c = app.as_actor(actor).await;
            let r = c.call(endpoint, args).await;
            let refused = matches!(r.status, 401 | 403 | 404);
            if refused == allowed.contains(&actor) {
                failures.push(format!("{endpoint} as {actor:?}: status {} ({})", r.status, r.body));
            }
        }
    }
    assert!(failures.is_empty(), "authorisation failures:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_confirmation_cut_short_by_a_crash_is_finished_by_the_jobs() {
    let app = TestApp::spawn().await;
    let (ex, _a, _b, a_id, _) = recorded(&app).await;
    // As if a server died right after claiming the confirmation, before the ledger.
    sqlx::query("UPDATE exchanges SET status = 'confirmed', updated_at = 1 WHERE id = $1")
        .bind(&ex)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = app::jobs::run_once(&app.state, app::util::now()).await.unwrap();
    assert_eq!(r.repaired, 1);
    assert_eq!(app.balance(&a_id).await, 120);
    assert_eq!(app::jobs::run_once(&app.state, app::util::now()).await.unwrap().repaired, 0, "once");
    let report = app::ledger::store::verify(&app.state.db).await.unwrap();
    assert!(report.faults.is_empty(), "{:?}", report.faults);
}

/// Every `id` on a page once: a label, a hint or an error link that points at an id used
/// twice reaches the wrong field. Checked on the pages each kind of member opens, the
/// exchange page (several step forms, each with a reason) included, and on that page
/// after a refused reason (that step's form alone shows the message and keeps the id the
/// error summary links to).
#[tokio::test]
async fn no_page_holds_the_same_id_twice() {
    fn repeated_ids(html: &str) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut twice = vec![];
        for part in html.split(" id=\"").skip(1) {
            let id = part.split('"').next().unwrap_or("").to_string();
            if !seen.insert(id.clone()) {
                twice.push(id);
            }
        }
        twice
    }
    let app = TestApp::spawn().await;
    let mut owner = app.as_actor(Actor::Resident).await;
    let listing = offer(&app, &mut owner).await;
    let mut helper = app.as_actor(Actor::WishawResident).await;
    assert_eq!(helper.call("start_exchange", &[("listing_id", &listing), ("body", "Hello")]).await.status, 200);
    let exchange = exchange_id(&app).await;
    let mut builder = app.as_actor(Actor::NetworkBuilder).await;
    let mut visitor = app.client();
    let member_pages = [
        "/home".to_string(),
        "/listings".into(),
        format!("/listings/{listing}"),
        "/listings/new".into(),
        "/listings/new?kind=offer".into(),
        "/my-listings".into(),
        "/exchanges".into(),
        format!("/exchanges/{exchange}"),
        "/hours".into(),
        "/hours/give".into(),
        "/notifications".into(),
        "/account".into(),
    ];
    let mut failures = vec![];
    for (who, c) in [("owner", &mut owner), ("helper", &mut helper)] {
        for page in &member_pages {
            let r = c.get(page).await;
            let twice = repeated_ids(&r.body);
            if !twice.is_empty() {
                failures.push(format!("{page} as {who}: {twice:?}"));
            }
        }
    }
    for page in ["/community", "/community/members", "/community/settings", "/community/hours", "/insight"] {
        let twice = repeated_ids(&builder.get(page).await.body);
        if !twice.is_empty() {
            failures.push(format!("{page} as a builder: {twice:?}"));
        }
    }
    for page in ["/", "/join", "/sign-in", "/listings", &format!("/listings/{listing}"), "/refer-yourself"] {
        let twice = repeated_ids(&visitor.get(page).await.body);
        if !twice.is_empty() {
            failures.push(format!("{page} as a visitor: {twice:?}"));
        }
    }
    // A refused reason, with JavaScript off: back on the page with that step's form open.
    let r = owner
        .post_form("exchange_step", &format!("/exchanges/{exchange}"), &[("exchange_id", &exchange), ("step", "cancel"), ("reason", "")])
        .await;
    let back = r.location().expect("back to the page");
    let back = back.strip_prefix(&app.base).unwrap_or(&back).to_string();
    let page = owner.get(&back).await;
    assert!(page.body.matches("class=\"step-choice\"").count() >= 2, "several step forms: {}", page.body);
    assert!(
        page.body.contains("<details open class=\"step-choice\"><summary class=\"button\">Cancel"),
        "the cancel form is open again: {}",
        page.body
    );
    let twice = repeated_ids(&page.body);
    if !twice.is_empty() {
        failures.push(format!("{back} after a refused reason: {twice:?}"));
    }
    assert_eq!(page.body.matches("field-error").count(), 1, "one message, by its own form: {}", page.body);
    assert!(failures.is_empty(), "ids used twice:\n{}", failures.join("\n"));
}

/// Home suggests from the member's own listings; when those match too little (someone new
/// has none), it shows what is new in their own area instead: never their own listings,
/// never another area's, nothing twice.
#[tokio::test]
async fn home_shows_what_is_new_near_you_when_little_matches() {
    let app = TestApp::spawn().await;
    let mut neighbour = app.as_actor(Actor::Resident).await;
    post_in(&app, &mut neighbour, "gardening", "offer", "Hedge trimming", "Airdrie").await;
    post_in(&app, &mut neighbour, "reading", "request", "Someone to read with", "Airdrie").await;
    let mut far = app.as_actor(Actor::WishawResident).await;
    post_in(&app, &mut far, "gardening", "offer", "Lawn mowing in Wishaw", "Wishaw").await;
    let mut newcomer = app.as_actor(Actor::Resident).await;
    post_in(&app, &mut newcomer, "baking", "offer", "My own baking lessons", "Airdrie").await;
    let home = newcomer.get("/home").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("New near you"), "{}", home.body);
    assert!(home.body.contains("Hedge trimming") && home.body.contains("Someone to read with"), "{}", home.body);
    assert!(home.body.contains("new in Airdrie · asks for Reading"), "{}", home.body);
    let main = home.body.split("<main").nth(1).unwrap_or("");
    assert!(!main.contains("Lawn mowing in Wishaw"), "another area's: {main}");
    assert!(!main.contains("My own baking lessons"), "their own: {main}");
    // What is new near them, and nothing from another area or of their own.
    let near = newcomer.call("home_glance", &[]).await.json()["picks"]["near"].clone();
    assert_eq!(near.as_array().map(|a| a.len()), Some(2), "{near}");
}

async fn step(c: &mut Client, args: Vec<(String, String)>) -> common::Resp {
    let refs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.call("exchange_step", &refs).await
}

/// Hours can be dated to the day the help happened: never after today, never further back
/// than the network allows (refused on the form, nothing changed), and the date travels
/// with the hours into the ledger, the statement and the CSV.
#[tokio::test]
async fn help_is_dated_to_the_day_it_happened() {
    let app = TestApp::spawn().await;
    let mut a = app.as_actor(Actor::Resident).await;
    let mut b = app.as_actor(Actor::Resident).await;
    let listing = offer(&app, &mut a).await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &listing), ("body", "Could you come on Friday?")]).await.status, 200);
    let ex = exchange_for(&app, &listing).await;
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    let day = |days_ago: i64| app::util::iso_date(app::util::now() - days_ago * app::util::DAY);
    let record = |date: String| {
        vec![
            ("exchange_id".to_string(), ex.clone()),
            ("step".into(), "record".into()),
            ("hours".into(), "1".into()),
            ("minutes".into(), "30".into()),
            ("happened_on".into(), date),
        ]
    };
    for (date, words) in [(day(-1), "after today"), (day(61), "up to 60 days"), ("31/11/2026".to_string(), "year-month-day")] {
        let r = step(&mut a, record(date.clone())).await;
        assert_eq!(r.status, 422, "{date}: {}", r.body);
        assert!(r.body.contains(words), "{date}: {}", r.body);
    }
    let status: String =
        sqlx::query_scalar("SELECT status FROM exchanges WHERE id = $1").bind(&ex).fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(status, "accepted", "nothing was recorded");
    let three_days_ago = day(3);
    assert_eq!(step(&mut a, record(three_days_ago.clone())).await.status, 200);
    let page = b.get(&format!("/exchanges/{ex}")).await.body;
    assert!(page.contains("Help happened on") && page.contains(&app::util::format_iso_date(&three_days_ago)), "{page}");
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 200);
    let dated: Option<String> = sqlx::query_scalar("SELECT happened_on FROM transfers WHERE exchange_id = $1")
        .bind(&ex)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(dated.as_deref(), Some(three_days_ago.as_str()));
    let words = format!("help on {}", app::util::format_iso_date(&three_days_ago));
    assert!(b.get("/hours").await.body.contains(&words));
    assert!(a.get("/hours/statement.csv").await.body.contains(&words));
    assert!(app::ledger::store::verify(&app.state.db).await.unwrap().faults.is_empty());
}

/// Home's suggestions are kept between visits, but only while they are true: a listing
/// posted, paused or changed through another server shows on this one's next Home at once,
/// and so does the member's own first listing (no more first steps).
#[tokio::test]
async fn home_suggestions_are_kept_only_while_true_on_every_server() {
    let app = TestApp::spawn().await;
    let mut neighbour = app.as_actor(Actor::Resident).await;
    post_in(&app, &mut neighbour, "gardening", "offer", "Hedge trimming", "Airdrie").await;
    let mut newcomer = app.as_actor(Actor::Resident).await;
    let second = app.spawn_second_server().await;
    let mut neighbour2 = app.client_for(&second, neighbour.session.clone());
    let main_of = |body: String| body.split("<main").nth(1).unwrap_or("").to_string();

    assert!(app.state.home_picks.is_empty());
    let home = main_of(newcomer.get("/home").await.body);
    assert!(home.contains("Hedge trimming") && home.contains("First steps"), "{home}");
    assert_eq!(app.state.home_picks.len(), 1, "kept");
    assert!(main_of(newcomer.get("/home").await.body).contains("Hedge trimming"));

    // Posted through the other server: shown here at once.
    post_in(&app, &mut neighbour2, "cooking", "request", "Soup for a poorly neighbour", "Airdrie").await;
    let home = main_of(newcomer.get("/home").await.body);
    assert!(home.contains("Soup for a poorly neighbour") && home.contains("Hedge trimming"), "{home}");
    // Paused through the other server: gone here at once.
    let hedge: String =
        sqlx::query_scalar("SELECT id FROM listings WHERE title = 'Hedge trimming'").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(neighbour2.call("change_listing", &[("id", &hedge), ("change", "pause")]).await.status, 200);
    assert!(!main_of(newcomer.get("/home").await.body).contains("Hedge trimming"));
    // Their own first listing: the first steps go.
    post_in(&app, &mut newcomer, "gardening", "request", "Help with my hedge", "Airdrie").await;
    let home = main_of(newcomer.get("/home").await.body);
    assert!(!home.contains("First steps"), "{home}");
}

/// "About you" is written from Account too (issue 19), back to Account with what was typed
/// kept when it is refused; people with no membership (staff only) have no profile to fill.
#[tokio::test]
async fn about_you_is_written_from_account() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Resident).await;
    let me = user_of(&mut c).await;
    let page = c.get("/account").await;
    assert!(page.body.contains("About you") && page.body.contains("name=\"about\""), "{}", page.body);
    let r = c.post_form("set_about", "/account", &[("about", "I grow tomatoes and like a blether."), ("from", "account")]).await;
    assert_eq!(r.location().as_deref(), Some("/account?changed=about"));
    let page = c.get("/account?changed=about").await;
    assert!(page.body.contains("Saved: your profile shows it now.") && page.body.contains("I grow tomatoes"), "{}", page.body);
    assert!(c.get(&format!("/members/{me}")).await.body.contains("I grow tomatoes and like a blether."));
    // Too long: back to Account, the message by the field, the words kept.
    let long = "tomatoes ".repeat(80);
    let r = c.post_form("set_about", "/account", &[("about", &long), ("from", "account")]).await;
    let back = r.location().expect("back");
    let back = back.strip_prefix(&app.base).unwrap_or(&back).to_string();
    assert!(back.starts_with("/account"), "{back}");
    let page = c.get(&back).await;
    assert!(page.body.contains("Keep it under 500 characters") && page.body.contains("tomatoes tomatoes"), "{}", page.body);
    assert!(c.get(&format!("/members/{me}")).await.body.contains("I grow tomatoes and like a blether."), "nothing half-written");
    // From the profile page it still goes back to the profile.
    let r = c.post_form("set_about", &format!("/members/{me}"), &[("about", "Tomatoes.")]).await;
    assert_eq!(r.location(), Some(format!("/members/{me}?saved=1")));
    let mut staff = app.as_actor(Actor::Professional).await;
    let page = staff.get("/account").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("About you"), "{}", page.body);
}
