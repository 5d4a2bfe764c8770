//! Exchanges through the server: who can read and act, and that hours move exactly once.
//! Runs on the engine named by TIMEWEAVE_TEST_ENGINE.

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

async fn balance(app: &TestApp, user: &str) -> i64 {
    sqlx::query("SELECT balance_minutes FROM accounts WHERE id = $1")
        .bind(format!("member:{}:{user}", app.network_id))
        .fetch_optional(&app.state.db.pool)
        .await
        .unwrap()
        .map(|r| r.get("balance_minutes"))
        .unwrap_or(0)
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
    assert_eq!(balance(&app, &a_id).await, 90, "the helper earns 1 h 30 min");
    assert_eq!(balance(&app, &b_id).await, -90);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM transfers WHERE exchange_id = $1").bind(&ex).fetch_one(&app.state.db.pool).await.unwrap().get("n");
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
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "dispute"), ("reason", "It was one hour, not three")]).await.status, 200);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM transfers").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(n, 0);
    // Outsiders: another resident, a Wishaw builder, a professional cannot read or write.
    for actor in [Actor::Resident, Actor::WishawBuilder, Actor::Professional, Actor::Anonymous] {
        let mut c = app.as_actor(actor).await;
        let r = c.call("get_exchange", &[("id", &ex)]).await;
        assert!(matches!(r.status, 401 | 403 | 404), "{actor:?} read it: {}", r.status);
        let r = c.call("send_message", &[("exchange_id", &ex), ("body", "hi")]).await;
        assert!(matches!(r.status, 401 | 403 | 404), "{actor:?} wrote in it: {}", r.status);
    }
    // The listing's area's builders may read it (disputes come to them) but not act.
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    assert_eq!(builder.call("get_exchange", &[("id", &ex)]).await.status, 200);
    assert_eq!(builder.call("send_message", &[("exchange_id", &ex), ("body", "hi")]).await.status, 403);
    // Nobody's email appears in what the other side sees.
    let view = b.call("get_exchange", &[("id", &ex)]).await.body;
    assert!(!view.contains("@test.example"), "{view}");
}
