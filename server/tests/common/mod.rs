//! `TestApp`: the real server on port 0 with a fresh database, and typed helpers.
//!
//! The engine comes from `TIMEWEAVE_TEST_ENGINE` (`sqlite`, the default, or `postgres`);
//! PostgreSQL tests each get a new database on `TIMEWEAVE_TEST_POSTGRES`
//! (default `postgres://postgres@127.0.0.1:5432`).

#![allow(dead_code)]

use app::platform::{config::Config, db::Db, state::AppState};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use sqlx::Row;
use std::net::SocketAddr;

pub const PASSWORD: &str = "kettle harbour violet";

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    pub network_id: String,
    /// Locality ids by name: "Airdrie", "Wishaw".
    pub localities: Vec<(String, String)>,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub headers: HeaderMap,
}

impl Resp {
    pub fn location(&self) -> Option<String> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

/// A browser-like client: remembers the session cookie, follows no redirects.
pub struct Client {
    http: reqwest::Client,
    base: String,
    pub session: Option<String>,
    /// Half-way through a two-step sign-in.
    pub challenge: Option<String>,
    /// Every other cookie the server set (form state, trusted device), by name.
    pub cookies: Vec<(String, String)>,
    /// Sent as `X-Forwarded-For` (for servers started with `trust_proxy`): a client address.
    pub address: Option<String>,
}

pub fn engine() -> String {
    std::env::var("TIMEWEAVE_TEST_ENGINE").unwrap_or_else(|_| "sqlite".into())
}

async fn fresh_database_url() -> String {
    fresh_database_url_on(&engine()).await
}

/// A new, empty database on `engine` ("sqlite" or "postgres").
pub async fn fresh_database_url_on(engine: &str) -> String {
    let name = format!("tw_test_{}", app::util::new_id());
    if engine == "postgres" {
        let base = std::env::var("TIMEWEAVE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&format!("{base}/postgres")).await.expect("PostgreSQL for tests is not reachable");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
        admin.close().await;
        format!("{base}/{name}")
    } else {
        let dir = std::env::temp_dir().join("timeweave-tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        format!("sqlite://{}", dir.join(format!("{name}.db")).display())
    }
}

impl TestApp {
    /// Starts the server with a fresh database holding one network with two localities.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = Config::from_env().expect("config");
        config.database_url = fresh_database_url().await;
        config.smtp_url = None;
        config.demo = false;
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        config.public_url = format!("http://{addr}");
        let db = Db::open(&config.database_url).await.expect("open database");
        let state = AppState::new(db, config, server::leptos_options(addr));
        let network_id = app::util::new_id();
        let now = app::util::now();
        sqlx::query("INSERT INTO networks (id, slug, name, requires_approval, created_at) VALUES ($1, 'test', 'Test Time Bank', 1, $2)")
            .bind(&network_id)
            .bind(now)
            .execute(&state.db.pool)
            .await
            .expect("network");
        let mut localities = vec![];
        for name in ["Airdrie", "Wishaw"] {
            let id = app::util::new_id();
            sqlx::query("INSERT INTO localities (id, network_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(&network_id)
                .bind(name.to_lowercase())
                .bind(name)
                .bind(now)
                .execute(&state.db.pool)
                .await
                .expect("locality");
            localities.push((name.to_string(), id));
        }
        tokio::spawn(server::serve(listener, state.clone()));
        TestApp { base: format!("http://{addr}"), addr, state, network_id, localities }
    }

    /// A second server process's worth of state on the same database: its own pool, its own
    /// listener, nothing shared in memory.
    pub async fn spawn_second_server(&self) -> String {
        let config = (*self.state.config).clone();
        let db = Db::open(&config.database_url).await.expect("open database again");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::new(db, config, server::leptos_options(addr));
        tokio::spawn(server::serve(listener, state));
        format!("http://{addr}")
    }

    /// A client of another server (see `spawn_second_server`) carrying this client's session.
    pub fn client_for(&self, base: &str, session: Option<String>) -> Client {
        let mut c = self.client();
        c.base = base.to_string();
        c.session = session;
        c
    }

    pub fn locality(&self, name: &str) -> String {
        self.localities.iter().find(|(n, _)| n == name).map(|(_, id)| id.clone()).expect("locality")
    }

    pub fn client(&self) -> Client {
        Client {
            // A request that hangs fails its test within a minute instead of holding up the run.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("client"),
            base: self.base.clone(),
            session: None,
            challenge: None,
            cookies: vec![],
            address: None,
        }
    }

    /// The newest email to an address.
    pub async fn last_email_to(&self, to: &str) -> Option<String> {
        sqlx::query("SELECT body FROM outbox WHERE to_address = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
            .bind(to)
            .fetch_optional(&self.state.db.pool)
            .await
            .expect("outbox")
            .map(|r| r.get("body"))
    }

    /// Waits (up to 5 s) until `to` has at least `n` emails: some are queued after the
    /// answer (a password reset link), so that it takes the same time for every address.
    pub async fn wait_for_emails(&self, to: &str, n: i64) {
        for _ in 0..100 {
            let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE to_address = $1")
                .bind(to)
                .fetch_one(&self.state.db.pool)
                .await
                .expect("outbox")
                .get("n");
            if count >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{to} did not get {n} emails");
    }

    /// The token in the newest emailed link to `to` that contains `path`.
    pub async fn emailed_token(&self, to: &str, path: &str) -> String {
        let rows = sqlx::query("SELECT body FROM outbox WHERE to_address = $1 ORDER BY created_at DESC")
            .bind(to)
            .fetch_all(&self.state.db.pool)
            .await
            .expect("outbox");
        for r in rows {
            let body: String = r.get("body");
            if let Some(line) = body.lines().find(|l| l.contains(path)) {
                let rest = line.split("token=").nth(1).expect("token in link");
                return rest.split('&').next().unwrap_or(rest).trim().to_string();
            }
        }
        panic!("no email to {to} with a {path} link");
    }

    /// A user straight into the database (fast; hashes with the real hasher once per call).
    pub async fn make_user(&self, actor: Actor) -> (String, String) {
        let email = format!("{}-{}@test.example", actor.slug(), &app::util::new_id()[..8]);
        let id = app::util::new_id();
        let now = app::util::now();
        let hash = app::auth::password::hash(PASSWORD.into()).await.expect("hash");
        let pool = &self.state.db.pool;
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, email_confirmed_at, is_site_admin, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $5)",
        )
        .bind(&id)
        .bind(&email)
        .bind(actor.slug())
        .bind(hash)
        .bind(now)
        .bind((actor == Actor::Admin) as i64)
        .execute(pool)
        .await
        .expect("user");
        let (status, locality) = match actor {
            Actor::Pending => (Some("pending"), "Airdrie"),
            Actor::Resident | Actor::AirdrieBuilder => (Some("active"), "Airdrie"),
            Actor::WishawResident | Actor::WishawBuilder => (Some("active"), "Wishaw"),
            Actor::NetworkBuilder => (Some("active"), "Wishaw"),
            _ => (None, "Airdrie"),
        };
        if let Some(status) = status {
            sqlx::query(
                "INSERT INTO memberships (id, user_id, network_id, locality_id, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(app::util::new_id())
            .bind(&id)
            .bind(&self.network_id)
            .bind(self.locality(locality))
            .bind(status)
            .bind(now)
            .execute(pool)
            .await
            .expect("membership");
        }
        let scope = match actor {
            Actor::AirdrieBuilder => Some(Some(self.locality("Airdrie"))),
            Actor::WishawBuilder => Some(Some(self.locality("Wishaw"))),
            Actor::NetworkBuilder => Some(None),
            _ => None,
        };
        if let Some(locality) = scope {
            sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(app::util::new_id())
                .bind(&id)
                .bind(&self.network_id)
                .bind(locality)
                .bind(now)
                .execute(pool)
                .await
                .expect("builder");
        }
        if matches!(actor, Actor::Admin | Actor::AirdrieBuilder | Actor::WishawBuilder | Actor::NetworkBuilder | Actor::Professional) {
            // Staff sign in with a second factor: a known key, so tests can type its codes.
            sqlx::query(
                "INSERT INTO second_factors (user_id, secret, enabled_at, last_step, pending_codes, created_at) VALUES ($1, $2, $3, 0, '', $3)",
            )
            .bind(&id)
            .bind(app::auth::second_factor::seal_secret(&self.state.config.keys, TOTP_SECRET))
            .bind(now)
            .execute(pool)
            .await
            .expect("second factor");
        }
        if actor == Actor::Professional {
            let org = app::util::new_id();
            sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, 'GP practice', $3)")
                .bind(&org)
                .bind(format!("Practice {}", &org[..6]))
                .bind(now)
                .execute(pool)
                .await
                .expect("org");
            sqlx::query(
                "INSERT INTO professionals (user_id, organisation_id, job_title, is_org_lead, verified_at, created_at) VALUES ($1, $2, 'Link worker', 0, $3, $3)",
            )
            .bind(&id)
            .bind(&org)
            .bind(now)
            .execute(pool)
            .await
            .expect("professional");
        }
        (id, email)
    }

    /// A member's balance in this app's network (zero if their account was never used).
    pub async fn balance(&self, user: &str) -> i64 {
        sqlx::query("SELECT balance_minutes FROM accounts WHERE id = $1")
            .bind(format!("member:{}:{user}", self.network_id))
            .fetch_optional(&self.state.db.pool)
            .await
            .expect("balance")
            .map(|r| r.get("balance_minutes"))
            .unwrap_or(0)
    }

    /// A signed-in client for an actor (anonymous: no session).
    pub async fn as_actor(&self, actor: Actor) -> Client {
        let mut c = self.client();
        if actor != Actor::Anonymous {
            let (_, email) = self.make_user(actor).await;
            c.sign_in_with_code(&email).await;
            assert!(c.session.is_some(), "no session cookie for {actor:?}");
        }
        c
    }
}

/// The kinds of caller in the authorisation matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Pending,
    Resident,
    WishawResident,
    AirdrieBuilder,
    WishawBuilder,
    NetworkBuilder,
    Professional,
    Admin,
}

impl Actor {
    pub const ALL: [Actor; 9] = [
        Actor::Anonymous,
        Actor::Pending,
        Actor::Resident,
        Actor::WishawResident,
        Actor::AirdrieBuilder,
        Actor::WishawBuilder,
        Actor::NetworkBuilder,
        Actor::Professional,
        Actor::Admin,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Actor::Anonymous => "anon",
            Actor::Pending => "pending",
            Actor::Resident => "resident",
            Actor::WishawResident => "wishaw-resident",
            Actor::AirdrieBuilder => "airdrie-builder",
            Actor::WishawBuilder => "wishaw-builder",
            Actor::NetworkBuilder => "network-builder",
            Actor::Professional => "professional",
            Actor::Admin => "admin",
        }
    }
}

/// The authenticator key every staff user made by `make_user` has.
pub const TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// The code an authenticator with `TOTP_SECRET` shows now.
pub fn totp_now() -> String {
    app::auth::second_factor::code_at(TOTP_SECRET, app::util::now() as u64).expect("code")
}

impl Client {
    fn cookie_header(&self) -> Option<HeaderValue> {
        let mut parts = vec![];
        if let Some(s) = &self.session {
            parts.push(format!("tw_session={s}"));
        }
        if let Some(c) = &self.challenge {
            parts.push(format!("tw_challenge={c}"));
        }
        for (k, v) in &self.cookies {
            parts.push(format!("{k}={v}"));
        }
        (!parts.is_empty()).then(|| HeaderValue::from_str(&parts.join("; ")).ok()).flatten()
    }

    fn remember(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap_or("");
            if let Some(rest) = v.strip_prefix("tw_session=") {
                let value = rest.split(';').next().unwrap_or("");
                self.session = if value.is_empty() { None } else { Some(value.to_string()) };
            }
            if let Some(rest) = v.strip_prefix("tw_challenge=") {
                let value = rest.split(';').next().unwrap_or("");
                self.challenge = if value.is_empty() { None } else { Some(value.to_string()) };
            } else if !v.starts_with("tw_session=") {
                let pair = v.split(';').next().unwrap_or("");
                if let Some((k, value)) = pair.split_once('=') {
                    self.cookies.retain(|(n, _)| n != k);
                    if !value.is_empty() {
                        self.cookies.push((k.to_string(), value.to_string()));
                    }
                }
            }
        }
    }

    /// Signs in with the password and, when asked, the code from `TOTP_SECRET`.
    pub async fn sign_in_with_code(&mut self, email: &str) {
        let r = self.call("sign_in", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(r.status, 200, "sign in as {email}: {}", r.body);
        if self.challenge.is_some() {
            let code = totp_now();
            let r = self.call("sign_in_code", &[("code", &code)]).await;
            assert_eq!(r.status, 200, "second step for {email}: {}", r.body);
        }
    }

    async fn read(&mut self, res: reqwest::Response) -> Resp {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        self.remember(&headers);
        let body = res.text().await.unwrap_or_default();
        Resp { status, body, headers }
    }

    /// Calls a server function as script would (JSON answers, real status codes).
    pub async fn call(&mut self, endpoint: &str, form: &[(&str, &str)]) -> Resp {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded(form));
        if let Some(c) = self.cookie_header() {
            req = req.header(COOKIE, c);
        }
        if let Some(a) = &self.address {
            req = req.header("x-forwarded-for", a.as_str());
        }
        let res = req.send().await.expect("request");
        self.read(res).await
    }

    /// Like `call`, but a connection failure (a server that died) is `None`, not a panic.
    pub async fn try_call(&mut self, endpoint: &str, form: &[(&str, &str)]) -> Option<Resp> {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded(form));
        if let Some(c) = self.cookie_header() {
            req = req.header(COOKIE, c);
        }
        if let Some(a) = &self.address {
            req = req.header("x-forwarded-for", a.as_str());
        }
        let res = req.send().await.ok()?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.ok()?;
        Some(Resp { status, body, headers })
    }

    /// Posts a form as a browser with JavaScript off would, from `page`.
    pub async fn post_form(&mut self, endpoint: &str, page: &str, form: &[(&str, &str)]) -> Resp {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "text/html,application/xhtml+xml")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("referer", format!("{}{page}", self.base))
            .header("origin", self.base.clone())
            .body(serde_urlencoded(form));
        if let Some(c) = self.cookie_header() {
            req = req.header(COOKIE, c);
        }
        if let Some(a) = &self.address {
            req = req.header("x-forwarded-for", a.as_str());
        }
        let res = req.send().await.expect("request");
        self.read(res).await
    }

    /// Any request with extra headers.
    pub async fn raw(&mut self, method: reqwest::Method, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(c) = self.cookie_header() {
            req = req.header(COOKIE, c);
        }
        if let Some(a) = &self.address {
            req = req.header("x-forwarded-for", a.as_str());
        }
        let res = req.send().await.expect("request");
        self.read(res).await
    }

    /// Sends a file as a browser's `multipart/form-data` form would, from `page`.
    pub async fn upload(&mut self, path: &str, field: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Resp {
        let boundary = format!("----timeweave{}", app::util::new_id());
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .header(CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .header("origin", self.base.clone())
            .body(body);
        if let Some(c) = self.cookie_header() {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request");
        self.read(res).await
    }

    /// Fetches something that is not text (a photo): status, headers and the bytes.
    pub async fn get_bytes(&mut self, path: &str) -> (u16, HeaderMap, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = self.cookie_header() {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request");
        let (status, headers) = (res.status().as_u16(), res.headers().clone());
        (status, headers, res.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
    }

    /// Fetches a page as a browser would.
    pub async fn get(&mut self, path: &str) -> Resp {
        self.raw(reqwest::Method::GET, path, &[("accept", "text/html")], "").await
    }
}

fn serde_urlencoded(form: &[(&str, &str)]) -> String {
    form.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
