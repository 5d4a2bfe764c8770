//! A member's photo and their move to another area, through the real server on either
//! engine: sent as a browser sends them, refused on the form when wrong, seen only by those
//! who may, and taken down or decided by the builders whose scope reaches the member.

mod common;

use common::{Actor, Client, TestApp};
use sqlx::Row;

async fn user_of(c: &mut Client) -> String {
    c.call("current_viewer", &[]).await.json()["user_id"].as_str().unwrap().to_string()
}

/// A camera-like JPEG: `width` × `height`, with an EXIF block naming the camera's maker.
fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut exif = b"II\x2a\0\x08\0\0\0\x01\0".to_vec();
    exif.extend_from_slice(&[0x0f, 0x01, 2, 0, 20, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    exif.extend_from_slice(b"GPS-52.1N-SecretCam\0");
    let mut out = vec![];
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    encoder.set_exif_metadata(exif).unwrap();
    encoder.write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgb8).unwrap();
    out
}

/// The photo address a page shows, if any.
fn photo_on(page: &str) -> Option<String> {
    let start = page.find("/photos/")?;
    let end = start + page[start..].find(".jpg")? + 4;
    Some(page[start..end].to_string())
}

#[tokio::test]
async fn a_member_sends_a_photo_and_the_network_sees_it_small_and_plain() {
    let app = TestApp::spawn().await;
    let mut me = app.as_actor(Actor::Resident).await;
    let my_id = user_of(&mut me).await;
    let sent = camera_jpeg(1200, 900);
    assert!(sent.windows(10).any(|w| w == b"SecretCam\0"));
    let r = me.upload("/account/photo", "photo", "IMG_0042.jpg", "image/jpeg", &sent).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location().as_deref(), Some("/account?changed=photo#photo-heading"));
    let account = me.get("/account?changed=photo").await.body;
    assert!(account.contains("Your new photo is on your profile."));
    let address = photo_on(&account).expect("Account shows the photo");
    assert_eq!(photo_on(&me.get(&format!("/members/{my_id}")).await.body).as_deref(), Some(address.as_str()));

    // A neighbour (another area of the same network) sees it: square, small, no metadata.
    let mut neighbour = app.as_actor(Actor::WishawResident).await;
    let (status, headers, kept) = neighbour.get_bytes(&address).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "image/jpeg");
    assert_eq!(headers.get("cache-control").unwrap(), "private, max-age=604800, immutable");
    assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
    let picture = image::load_from_memory(&kept).unwrap();
    assert_eq!((picture.width(), picture.height()), (320, 320));
    assert!(kept.len() < 60 * 1024, "{} bytes", kept.len());
    assert!(!kept.windows(9).any(|w| w == b"SecretCam"), "no camera metadata");
    assert!(!kept.windows(4).any(|w| w == b"Exif"));
    // Its builders too; not a visitor, not someone waiting to join, not an unknown address.
    for (actor, seen) in [(Actor::AirdrieBuilder, true), (Actor::Anonymous, false), (Actor::Pending, false), (Actor::Professional, false)] {
        let mut c = app.as_actor(actor).await;
        assert_eq!(c.get_bytes(&address).await.0 == 200, seen, "{actor:?}");
    }
    assert_eq!(neighbour.get_bytes("/photos/nothing-here.jpg").await.0, 404);
    assert_eq!(neighbour.get_bytes("/photos/../account.jpg").await.0, 404);

    // A new photo gets a new address; the old one is gone.
    let r = me.upload("/account/photo", "photo", "again.png", "image/png", &png(50, 80)).await;
    assert_eq!(r.status, 303);
    let new_address = photo_on(&me.get("/account").await.body).unwrap();
    assert_ne!(new_address, address);
    assert_eq!(neighbour.get_bytes(&address).await.0, 404);
    assert_eq!(neighbour.get_bytes(&new_address).await.0, 200);

    // Taken down by the member: gone from the profile.
    assert_eq!(me.call("remove_my_photo", &[]).await.status, 200);
    assert!(photo_on(&me.get(&format!("/members/{my_id}")).await.body).is_none());
    assert_eq!(neighbour.get_bytes(&new_address).await.0, 404);
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(vec![]);
    image::RgbImage::from_pixel(width, height, image::Rgb([10, 120, 90])).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn what_is_not_a_photo_is_refused_on_the_form_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let mut me = app.as_actor(Actor::Resident).await;
    let too_big = vec![0xFFu8; 13 * 1024 * 1024];
    let cases: [(&str, &str, &[u8], &str, &str); 4] = [
        ("notes.jpg", "image/jpeg", b"Dear neighbour, this is a letter, not a photo.", "not-a-picture", "That file is not a photo."),
        ("empty.jpg", "image/jpeg", b"", "empty", "Choose a photo first."),
        ("half.jpg", "image/jpeg", &camera_jpeg(400, 400)[..40], "unreadable", "We could not read that photo."),
        ("huge.jpg", "image/jpeg", &too_big, "too-big", "That photo is too big."),
    ];
    for (name, kind, bytes, code, message) in cases {
        let r = me.upload("/account/photo", "photo", name, kind, bytes).await;
        assert_eq!(r.status, 303, "{name}");
        let location = r.location().unwrap();
        assert_eq!(location, format!("/account?photo={code}#photo-heading"), "{name}");
        let page = me.get(&location.replace("#photo-heading", "")).await.body;
        assert!(page.contains(message), "{name}: the message is on the form");
        assert!(page.contains("aria-invalid=\"true\""), "{name}");
    }
    let kept: i64 = sqlx::query("SELECT COUNT(*) AS n FROM member_photos").fetch_one(&app.state.db.pool).await.unwrap().get("n");
    assert_eq!(kept, 0);
    // Only members may send one; from another site, not at all.
    let mut waiting = app.as_actor(Actor::Pending).await;
    assert_eq!(waiting.upload("/account/photo", "photo", "a.png", "image/png", &png(10, 10)).await.status, 403);
    let mut visitor = app.client();
    let r = visitor.upload("/account/photo", "photo", "a.png", "image/png", &png(10, 10)).await;
    assert_eq!(r.location().as_deref(), Some("/sign-in?next=/account"));
    let r = me
        .raw(
            reqwest::Method::POST,
            "/account/photo",
            &[("origin", "https://elsewhere.example"), ("content-type", "multipart/form-data; boundary=x")],
            "--x--",
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn a_builder_takes_a_photo_down_with_a_reason_the_member_is_told() {
    let app = TestApp::spawn().await;
    let mut me = app.as_actor(Actor::Resident).await;
    let my_id = user_of(&mut me).await;
    assert_eq!(me.upload("/account/photo", "photo", "me.png", "image/png", &png(200, 200)).await.status, 303);
    let address = photo_on(&me.get("/account").await.body).unwrap();
    // Another area's builder cannot; this area's builder must say why.
    let mut wishaw = app.as_actor(Actor::WishawBuilder).await;
    assert_eq!(wishaw.call("remove_member_photo", &[("user_id", &my_id), ("photo_reason", "x")]).await.status, 403);
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let page = builder.get(&format!("/community/members/{my_id}")).await.body;
    assert!(page.contains(&address) && page.contains("Take down their photo"));
    let r = builder.call("remove_member_photo", &[("user_id", &my_id), ("photo_reason", "  ")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(me.get_bytes(&address).await.0, 200, "still there");
    let r = builder.call("remove_member_photo", &[("user_id", &my_id), ("photo_reason", "Please use a photo of yourself.")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(me.get_bytes(&address).await.0, 404);
    let notes = me.call("my_notifications", &[]).await.json();
    assert!(notes["items"][0]["text"].as_str().unwrap().contains("Please use a photo of yourself."));
    let line = sqlx::query("SELECT reason FROM audit_log WHERE action = 'remove_photo' AND subject_user_id = $1")
        .bind(&my_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(line.get::<String, _>("reason"), "Please use a photo of yourself.");
    assert_eq!(builder.call("remove_member_photo", &[("user_id", &my_id), ("photo_reason", "Again")]).await.status, 409);
}

#[tokio::test]
async fn a_member_moves_area_when_a_builder_confirms_and_their_open_listings_go_with_them() {
    let app = TestApp::spawn().await;
    let (airdrie, wishaw) = (app.locality("Airdrie"), app.locality("Wishaw"));
    let mut me = app.as_actor(Actor::Resident).await;
    let my_id = user_of(&mut me).await;
    let r = me
        .call(
            "create_listing",
            &[
                ("kind", "offer"),
                ("title", "Dog walking"),
                ("description", "Morning walks."),
                ("category", "gardening"),
                ("tags", ""),
                ("locality", &airdrie),
                ("place", "outdoors"),
                ("availability", ""),
                ("estimate", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let area = me.call("my_area", &[]).await.json();
    assert_eq!(area["area"], "Airdrie");
    assert!(area["others"].as_array().unwrap().iter().any(|o| o[0] == wishaw.as_str()));

    // Mistakes come back on the form: their own area, or none.
    let r = me.call("ask_to_move_area", &[("locality", &airdrie), ("reason", "")]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("That is your area already."));
    let r = me.post_form("ask_to_move_area", "/account", &[("locality", ""), ("reason", "Moving in May")]).await;
    assert_eq!(r.status, 302);
    let location = r.location().unwrap();
    let page = me.get(location.strip_prefix(&app.base).unwrap_or(&location)).await.body;
    assert!(page.contains("Choose the area you are moving to.") && page.contains("Moving in May"), "typed text is kept");

    // Asked once; a second request waits for the first.
    assert_eq!(me.call("ask_to_move_area", &[("locality", &wishaw), ("reason", "New flat in May")]).await.status, 200);
    assert_eq!(me.call("ask_to_move_area", &[("locality", &wishaw), ("reason", "")]).await.status, 409);
    let account = me.get("/account").await.body;
    assert!(account.contains("to move to Wishaw. A community builder will confirm it"), "{account}");

    // Builders of both areas see it on the desk; a resident cannot decide it.
    let move_id: String =
        sqlx::query("SELECT id FROM area_moves WHERE user_id = $1").bind(&my_id).fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut from_builder = app.as_actor(Actor::AirdrieBuilder).await;
    let mut to_builder = app.as_actor(Actor::WishawBuilder).await;
    for b in [&mut from_builder, &mut to_builder] {
        let desk = b.call("builder_desk", &[]).await.json();
        assert_eq!(desk["moves"][0]["id"], move_id.as_str());
        assert_eq!(desk["moves"][0]["reason"], "New flat in May");
    }
    assert!(to_builder.get("/community").await.body.contains("Move to Wishaw"));
    let mut other = app.as_actor(Actor::WishawResident).await;
    assert_eq!(other.call("decide_area_move", &[("move_id", &move_id), ("decision", "move"), ("answer", "")]).await.status, 403);
    // Declining needs a reason.
    let r = to_builder.call("decide_area_move", &[("move_id", &move_id), ("decision", "decline"), ("answer", "")]).await;
    assert_eq!(r.status, 422);

    let r = to_builder.call("decide_area_move", &[("move_id", &move_id), ("decision", "move"), ("answer", "")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pool = &app.state.db.pool;
    let now_in: String = sqlx::query("SELECT locality_id FROM memberships WHERE user_id = $1")
        .bind(&my_id)
        .fetch_one(pool)
        .await
        .unwrap()
        .get("locality_id");
    assert_eq!(now_in, wishaw);
    let listing_in: String =
        sqlx::query("SELECT locality_id FROM listings WHERE owner_id = $1").bind(&my_id).fetch_one(pool).await.unwrap().get("locality_id");
    assert_eq!(listing_in, wishaw, "the open listing moved too");
    assert_eq!(me.call("my_area", &[]).await.json()["area"], "Wishaw");
    let notes = me.call("my_notifications", &[]).await.json();
    assert!(notes["items"][0]["text"].as_str().unwrap().contains("You have moved to Wishaw."));
    let line = sqlx::query("SELECT before_value, after_value FROM audit_log WHERE action = 'move_area' AND subject_user_id = $1")
        .bind(&my_id)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!((line.get::<String, _>("before_value"), line.get::<String, _>("after_value")), ("Airdrie".into(), "Wishaw".into()));
    // Decided once: a second decision is refused.
    assert_eq!(from_builder.call("decide_area_move", &[("move_id", &move_id), ("decision", "move"), ("answer", "")]).await.status, 409);
    // Now the Airdrie builder no longer looks after them; the Wishaw builder does.
    assert_eq!(from_builder.call("member_record", &[("user_id", &my_id)]).await.status, 403);
    assert_eq!(to_builder.call("member_record", &[("user_id", &my_id)]).await.status, 200);

    // Asked again, then withdrawn: nothing moves, and it can no longer be decided.
    assert_eq!(me.call("ask_to_move_area", &[("locality", &airdrie), ("reason", "")]).await.status, 200);
    let second: String = sqlx::query("SELECT id FROM area_moves WHERE user_id = $1 AND status = 'waiting'")
        .bind(&my_id)
        .fetch_one(pool)
        .await
        .unwrap()
        .get("id");
    assert_eq!(me.call("withdraw_area_move", &[]).await.status, 200);
    assert_eq!(me.call("withdraw_area_move", &[]).await.status, 409);
    assert_eq!(to_builder.call("decide_area_move", &[("move_id", &second), ("decision", "move"), ("answer", "")]).await.status, 409);
    assert_eq!(me.call("my_area", &[]).await.json()["area"], "Wishaw");
}

#[tokio::test]
async fn a_declined_move_tells_the_member_why_and_keeps_their_area() {
    let app = TestApp::spawn().await;
    let wishaw = app.locality("Wishaw");
    let mut me = app.as_actor(Actor::Resident).await;
    let my_id = user_of(&mut me).await;
    assert_eq!(me.call("ask_to_move_area", &[("locality", &wishaw), ("reason", "")]).await.status, 200);
    let move_id: String =
        sqlx::query("SELECT id FROM area_moves WHERE user_id = $1").bind(&my_id).fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let mut builder = app.as_actor(Actor::NetworkBuilder).await;
    let r = builder
        .call(
            "decide_area_move",
            &[("move_id", &move_id), ("decision", "decline"), ("answer", "Wishaw has no address for you yet; call us.")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(me.call("my_area", &[]).await.json()["area"], "Airdrie");
    let account = me.get("/account").await.body;
    assert!(account.contains("Wishaw has no address for you yet; call us."), "the answer is on Account");
    assert!(account.contains("Ask to move"), "and they may ask again");
}

/// What a member or builder types about a move reaches the desk, Account and the
/// notifications as text: markup in it is shown, never run.
#[tokio::test]
async fn markup_typed_about_a_move_comes_back_as_text() {
    let app = TestApp::spawn().await;
    let wishaw = app.locality("Wishaw");
    let mut me = app.as_actor(Actor::Resident).await;
    let my_id = user_of(&mut me).await;
    let reason = "<script>alert(1)</script><b>New flat</b>";
    assert_eq!(me.call("ask_to_move_area", &[("locality", &wishaw), ("reason", reason)]).await.status, 200);
    let mut builder = app.as_actor(Actor::AirdrieBuilder).await;
    let desk = builder.get("/community").await.body;
    assert!(desk.contains("&lt;b&gt;New flat&lt;/b&gt;"), "{desk}");
    assert!(!desk.contains("<b>New flat</b>") && !desk.contains("<script>alert(1)"));
    let move_id: String =
        sqlx::query("SELECT id FROM area_moves WHERE user_id = $1").bind(&my_id).fetch_one(&app.state.db.pool).await.unwrap().get("id");
    let answer = "<i>Not yet</i> \"call us\"";
    let r = builder.call("decide_area_move", &[("move_id", &move_id), ("decision", "decline"), ("answer", answer)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let account = me.get("/account").await.body;
    assert!(account.contains("&lt;i&gt;Not yet&lt;/i&gt;") && !account.contains("<i>Not yet</i>"), "{account}");
    let notes = me.get("/notifications").await.body;
    assert!(notes.contains("&lt;i&gt;Not yet&lt;/i&gt;") && !notes.contains("<i>Not yet</i>"), "{notes}");
}

async fn offer(app: &TestApp, c: &mut Client, title: &str) -> String {
    let airdrie = app.locality("Airdrie");
    let form = [
        ("kind", "offer"),
        ("title", title),
        ("description", "Weeding and mowing, tools included."),
        ("category", "gardening"),
        ("tags", ""),
        ("locality", airdrie.as_str()),
        ("place", "outdoors"),
        ("availability", ""),
        ("estimate", ""),
    ];
    let r = c.call("create_listing", &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    sqlx::query("SELECT id FROM listings WHERE title = $1").bind(title).fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

async fn exchange_on(app: &TestApp, listing: &str) -> String {
    sqlx::query("SELECT id FROM exchanges WHERE listing_id = $1").bind(listing).fetch_one(&app.state.db.pool).await.unwrap().get("id")
}

#[tokio::test]
async fn a_member_closes_their_account_and_is_erased_after_the_grace_period() {
    let app = TestApp::spawn().await;
    let (a_id, a_email) = app.make_user(Actor::Resident).await;
    let mut a = app.client();
    a.sign_in_with_code(&a_email).await;
    let mut b = app.as_actor(Actor::WishawResident).await;
    let b_id = user_of(&mut b).await;
    // A gave B an hour and a half (confirmed), and has a second offer B has asked about.
    let done = offer(&app, &mut a, "Help with gardening").await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &done), ("body", "Saturday?")]).await.status, 200);
    let ex = exchange_on(&app, &done).await;
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "accept")]).await.status, 200);
    assert_eq!(a.call("send_message", &[("exchange_id", &ex), ("body", "Saturday at 10, I'm at 4 Elm Row.")]).await.status, 200);
    assert_eq!(a.call("exchange_step", &[("exchange_id", &ex), ("step", "record"), ("hours", "1"), ("minutes", "30")]).await.status, 200);
    assert_eq!(b.call("exchange_step", &[("exchange_id", &ex), ("step", "confirm")]).await.status, 200);
    let open = offer(&app, &mut a, "Hedge trimming").await;
    assert_eq!(b.call("start_exchange", &[("listing_id", &open), ("body", "Next week?")]).await.status, 200);
    let waiting = exchange_on(&app, &open).await;
    assert_eq!(app.balance(&a_id).await, 90);

    // Refused without the tick or with a wrong password; nothing changes.
    let r = a.call("close_my_account", &[("password", common::PASSWORD)]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = a.call("close_my_account", &[("password", "not my password"), ("understood", "yes")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("password"), "{}", r.body);
    assert_eq!(a.call("my_closing", &[]).await.json()["erased_on"], serde_json::Value::Null);
    // Closed: listings close, the exchange not under way is cancelled and B is told.
    assert_eq!(a.call("close_my_account", &[("password", common::PASSWORD), ("understood", "yes")]).await.status, 200);
    assert_eq!(a.call("close_my_account", &[("password", common::PASSWORD), ("understood", "yes")]).await.status, 409);
    let closing = a.call("my_closing", &[]).await.json();
    assert!(closing["erased_on"].is_string() && closing["grace_days"] == 30, "{closing}");
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM listings WHERE owner_id = $1").bind(&a_id).fetch_all(&app.state.db.pool).await.unwrap();
    assert!(statuses.iter().all(|s| s == "closed"), "{statuses:?}");
    assert_eq!(b.call("get_exchange", &[("id", &waiting)]).await.json()["status"], "Cancelled");
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text LIKE '%closed their account%'")
        .bind(&b_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(told, 1);
    let emailed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_address = $1 AND body LIKE '%Keep my account%'")
        .bind(&a_email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(emailed, 1, "they are emailed the day, and how to keep the account");

    // They change their mind, then close again; nothing is erased before the grace period ends.
    assert_eq!(a.call("keep_my_account", &[]).await.status, 200);
    assert_eq!(a.call("keep_my_account", &[]).await.status, 409);
    assert_eq!(a.call("close_my_account", &[("password", common::PASSWORD), ("understood", "yes")]).await.status, 200);
    let t = app::util::now();
    assert_eq!(app::jobs::run_once(&app.state, t + 29 * 86_400).await.unwrap().accounts_erased, 0);
    let (r1, r2) = tokio::join!(app::jobs::run_once(&app.state, t + 31 * 86_400), app::jobs::run_once(&app.state, t + 31 * 86_400));
    assert_eq!(r1.unwrap().accounts_erased + r2.unwrap().accounts_erased, 1, "erased once");

    // Erased: name, email, sign-in, photo gone; hours given to the pool; the ledger verifies;
    // B still reads the messages, from "Former member".
    let (name, email, hash): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT display_name, email, password_hash FROM users WHERE id = $1")
            .bind(&a_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), email, hash), ("Former member", None, None));
    assert_eq!(app.balance(&a_id).await, 0, "hours settled");
    let pool: i64 = sqlx::query_scalar("SELECT balance_minutes FROM accounts WHERE kind = 'pool' AND network_id = $1")
        .bind(&app.network_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(pool, 90, "to the community pool");
    let report = app::ledger::store::verify(&app.state.db).await.unwrap();
    assert!(report.faults.is_empty(), "{:?}", report.faults);
    let seen = b.call("get_exchange", &[("id", &ex)]).await;
    assert!(seen.body.contains("4 Elm Row") && seen.body.contains("Former member"), "{}", seen.body);
    assert!(!seen.body.contains("\"resident\""), "A's name is gone: {}", seen.body);
    let sessions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1").bind(&a_id).fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(sessions, 0, "signed out everywhere");
    assert_eq!(a.call("current_viewer", &[]).await.json(), serde_json::Value::Null);
}

#[tokio::test]
async fn an_administrator_cannot_close_their_own_account_here() {
    let app = TestApp::spawn().await;
    let mut admin = app.as_actor(Actor::Admin).await;
    let r = admin.call("close_my_account", &[("password", common::PASSWORD), ("understood", "yes")]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(app.client().call("close_my_account", &[("password", "x"), ("understood", "yes")]).await.status, 401);
    assert_eq!(app.client().call("keep_my_account", &[]).await.status, 401);
    assert_eq!(app.client().call("my_closing", &[]).await.status, 401);
}

/// Every column that points at a member is in their own download, or is listed with why
/// not (`COVERAGE`): a new table holding a member's data fails here until it is decided.
#[tokio::test]
async fn the_members_own_download_covers_every_table_that_holds_their_data() {
    let app = TestApp::spawn().await;
    let mut c = app.as_actor(Actor::Resident).await;
    let json = c.get("/account/my-data.json").await;
    assert_eq!(json.status, 200);
    let data = json.json();
    let schema = app::platform::backup::references_to(&app.state.db, "users").await.unwrap();
    let coverage = app::profiles::export::COVERAGE;
    for (table, column) in &schema {
        let Some((_, _, place)) = coverage.iter().find(|(t, c, _)| t == table && c == column) else {
            panic!("{table}.{column} points at a member: add it to profiles::export::COVERAGE (a section of the download, or why not)");
        };
        if !place.starts_with('-') {
            assert!(data.get(*place).is_some(), "{table}.{column}: the download has no section {place}");
        }
    }
    for (table, column, _) in coverage {
        assert!(schema.iter().any(|(t, c)| t == table && c == column), "COVERAGE lists {table}.{column}, which is not in the schema");
    }
    // The CSV has every section too, one row per value.
    let csv = c.get("/account/my-data.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let mut rows = ::csv::Reader::from_reader(csv.body.as_bytes());
    let sections: std::collections::BTreeSet<String> = rows.records().map(|r| r.unwrap()[0].to_string()).collect();
    for key in ["account", "memberships", "hours", "notifications", "actions_on_your_account"] {
        assert!(sections.contains(key), "the CSV has no {key}: {sections:?}");
    }
    assert_eq!(app.client().get("/account/my-data.csv").await.status, 401);
}
