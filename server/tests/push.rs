//! Alerts on a phone (Web Push) through the server: a browser's subscription is kept only
//! for a push service we send to, a notification reaches it encrypted for that browser and
//! signed with the site's key, and a browser the push service says is gone is forgotten.
//! The push service here is a local one, named in `TIMEWEAVE_PUSH_ORIGINS`.
//! Runs on the engine named by TIMEWEAVE_TEST_ENGINE.

mod common;

use axum::{extract::State, http::HeaderMap, routing::post, Router};
use common::{Actor, Client, TestApp};
use std::sync::{Arc, Mutex};
use web_push_native::jwt_simple::prelude::*;
use web_push_native::p256;

/// One alert as the push service took it: the address it was sent to, headers, body.
type Alert = (String, HeaderMap, Vec<u8>);

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Alert>>>);

/// A push service on a local port: `/push/{id}` takes alerts (201), `/gone/{id}` says the
/// browser is gone (410).
async fn push_service() -> (String, Received) {
    let received = Received::default();
    async fn take(State(r): State<Received>, uri: axum::http::Uri, headers: HeaderMap, body: axum::body::Bytes) -> axum::http::StatusCode {
        let gone = uri.path().starts_with("/gone/");
        r.0.lock().unwrap().push((uri.path().to_string(), headers, body.to_vec()));
        if gone {
            axum::http::StatusCode::GONE
        } else {
            axum::http::StatusCode::CREATED
        }
    }
    let router = Router::new().route("/push/{id}", post(take)).route("/gone/{id}", post(take)).with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (origin, received)
}

/// What a browser makes when it subscribes: its key pair and authentication secret.
struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        use rand::RngCore;
        let mut seed = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut seed);
        seed[0] = 1; // far below the curve's order, so always a valid key
        let mut auth = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut auth);
        Browser { secret: p256::SecretKey::from_slice(&seed).unwrap(), auth }
    }
    fn p256dh(&self) -> String {
        b64(self.secret.public_key().to_sec1_bytes().as_ref())
    }
    fn auth(&self) -> String {
        b64(&self.auth)
    }
    /// Opens an alert as the browser would.
    fn open(&self, body: &[u8]) -> serde_json::Value {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        let plain = web_push_native::decrypt(body.to_vec(), &self.secret, &auth).expect("the alert opens with this browser's keys");
        serde_json::from_slice(&plain).expect("the alert is JSON")
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn subscribe(c: &mut Client, endpoint: &str, b: &Browser) -> common::Resp {
    c.call("save_push_subscription", &[("endpoint", endpoint), ("p256dh", &b.p256dh()), ("auth", &b.auth())]).await
}

/// Waits until the push service has had `n` alerts (the server sends every 2 s).
async fn wait_for(received: &Received, n: usize) -> Vec<Alert> {
    for _ in 0..100 {
        if received.0.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let got = received.0.lock().unwrap().clone();
    assert!(got.len() >= n, "{} alert(s) arrived, {n} expected", got.len());
    got
}

async fn subscriptions(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM push_subscriptions").fetch_one(&app.state.db.pool).await.unwrap()
}

#[tokio::test]
async fn a_notification_reaches_the_phone_encrypted_and_signed() {
    let (origin, received) = push_service().await;
    let app = TestApp::spawn_with(|c| c.push_origins = vec![origin.clone()]).await;
    let mut agnes = app.as_actor(Actor::Resident).await;
    let browser = Browser::new();
    let endpoint = format!("{origin}/push/agnes-phone");

    // The page gives the browser the site's public key.
    let page = agnes.get("/notifications").await;
    let key = app::push::browser_key(&app.state);
    assert!(page.body.contains(&format!("data-key=\"{key}\"")), "the key is on the page");
    assert!(page.body.contains("/push.js"));
    // Hidden until the script finds a browser that can take alerts (none without JavaScript).
    assert!(page.body.contains("<section id=\"push\" hidden"), "the choice is hidden in the HTML");

    assert_eq!(subscribe(&mut agnes, &endpoint, &browser).await.status, 200);
    // The first alert says they are on.
    let got = wait_for(&received, 1).await;
    let (path, headers, body) = &got[0];
    assert_eq!(path, "/push/agnes-phone");
    assert_eq!(headers.get("content-encoding").unwrap(), "aes128gcm");
    assert_eq!(headers.get("ttl").unwrap(), "86400");
    let first = browser.open(body);
    assert!(first["body"].as_str().unwrap().starts_with("Alerts are on"), "{first}");
    assert_eq!(first["url"], "/notifications");

    // Signed with the site's key, for this push service (VAPID: "vapid t=<jwt>, k=<key>").
    let authorization = headers.get("authorization").unwrap().to_str().unwrap().to_string();
    let (t, k) = authorization.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
    assert_eq!(k, key);
    let public = ES256PublicKey::from_bytes(&app::push::public_key(&app.state.config.keys)).unwrap();
    let claims = public.verify_token::<NoCustomClaims>(t, None).expect("the signature is the site's");
    // For the push service (its scheme and host: web-push-native leaves out the port, which
    // real push services, all on 443, do not have), from the site's mail address.
    assert!(claims.audiences.unwrap().contains(&std::collections::HashSet::from(["http://127.0.0.1".to_string()])));
    assert!(claims.subject.unwrap().starts_with("mailto:"));

    // A real notification: someone asks for Agnes's offer.
    let listing = {
        let r = agnes
            .call(
                "create_listing",
                &[
                    ("kind", "offer"),
                    ("title", "Help with gardening"),
                    ("description", "Weeding and mowing."),
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
        sqlx::query_scalar::<_, String>("SELECT id FROM listings").fetch_one(&app.state.db.pool).await.unwrap()
    };
    let mut tam = app.as_actor(Actor::WishawResident).await;
    assert_eq!(tam.call("start_exchange", &[("listing_id", &listing), ("body", "Could you do Saturday?")]).await.status, 200);
    let got = wait_for(&received, 2).await;
    let alert = browser.open(&got[1].2);
    let notes = agnes.call("my_notifications", &[]).await.json();
    let newest = &notes["items"][0];
    assert_eq!(alert["body"], newest["text"], "the alert says what the notification says");
    assert_eq!(alert["url"], newest["link"]);
    assert!(alert["url"].as_str().unwrap().starts_with("/exchanges/"), "{alert}");
    // The message's own words never leave in an alert.
    assert!(!alert.to_string().contains("Saturday"), "{alert}");

    // Tam has no phone subscribed: nothing is queued for him.
    assert_eq!(
        agnes
            .call("send_message", &[("exchange_id", alert["url"].as_str().unwrap().trim_start_matches("/exchanges/")), ("body", "Yes")])
            .await
            .status,
        200
    );
    let queued = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM push_outbox").fetch_one(&app.state.db.pool).await.unwrap();
    assert_eq!(queued, 0);

    // Her own data lists the phone by its push service (not its address, a key to it).
    let mine: serde_json::Value = serde_json::from_str(&agnes.get("/account/my-data.json").await.body).unwrap();
    assert_eq!(mine["alerts_on_phones"][0]["service"], "127.0.0.1", "{}", mine["alerts_on_phones"]);
    assert!(!mine.to_string().contains("agnes-phone"));

    // Turning alerts off on this phone: no more alerts to it.
    assert_eq!(agnes.call("remove_push_subscription", &[("endpoint", &endpoint)]).await.status, 200);
    assert_eq!(subscriptions(&app).await, 0);
}

#[tokio::test]
async fn only_the_browsers_push_services_are_accepted() {
    let (origin, _received) = push_service().await;
    let app = TestApp::spawn_with(|c| c.push_origins = vec![origin.clone()]).await;
    let mut agnes = app.as_actor(Actor::Resident).await;
    let b = Browser::new();
    for endpoint in [
        "https://evil.example/collect",
        "http://127.0.0.1:9/push/1",
        "https://fcm.googleapis.com.evil.example/x",
        "http://fcm.googleapis.com/fcm/send/x",
        "",
    ] {
        let r = subscribe(&mut agnes, endpoint, &b).await;
        assert_eq!(r.status, 422, "{endpoint}: {}", r.body);
    }
    let r =
        agnes.call("save_push_subscription", &[("endpoint", &format!("{origin}/push/1")), ("p256dh", "short"), ("auth", &b.auth())]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(subscriptions(&app).await, 0, "nothing kept");
    // A visitor cannot subscribe.
    let mut visitor = app.client();
    assert_eq!(subscribe(&mut visitor, &format!("{origin}/push/2"), &b).await.status, 401);
}

#[tokio::test]
async fn a_browser_the_push_service_says_is_gone_is_forgotten_and_a_shared_phone_changes_hands() {
    let (origin, received) = push_service().await;
    let app = TestApp::spawn_with(|c| c.push_origins = vec![origin.clone()]).await;
    let mut agnes = app.as_actor(Actor::Resident).await;
    let b = Browser::new();
    assert_eq!(subscribe(&mut agnes, &format!("{origin}/gone/old-phone"), &b).await.status, 200);
    wait_for(&received, 1).await;
    for _ in 0..50 {
        if subscriptions(&app).await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(subscriptions(&app).await, 0, "forgotten after the push service said 410");

    // One phone, two people: the address is the browser's, so it follows whoever
    // subscribed last, and a password change ends the owner's alerts as it ends sessions.
    let shared = format!("{origin}/push/shared");
    assert_eq!(subscribe(&mut agnes, &shared, &b).await.status, 200);
    let mut tam = app.as_actor(Actor::WishawResident).await;
    assert_eq!(subscribe(&mut tam, &shared, &b).await.status, 200);
    let owners = sqlx::query_scalar::<_, String>("SELECT user_id FROM push_subscriptions").fetch_all(&app.state.db.pool).await.unwrap();
    let tam_id = tam.call("current_viewer", &[]).await.json()["user_id"].as_str().unwrap().to_string();
    assert_eq!(owners, vec![tam_id.clone()]);
    let mut tx = app.state.db.pool.begin().await.unwrap();
    app::auth::store::end_all_sessions(&mut tx, &tam_id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(subscriptions(&app).await, 0);
}
