//! Settings read once at start-up from the environment (and, through `timeweave serve
//! --config FILE`, from a file of `KEY=value` lines). See README "Configuration".

use std::time::Duration;

/// How the running site behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`; default `sqlite://data/timeweave.db`.
    pub database_url: String,
    /// `TIMEWEAVE_PUBLIC_URL`, used in emailed links; https here turns on Secure cookies and HSTS.
    pub public_url: String,
    /// `TIMEWEAVE_SESSION_IDLE_MINUTES` (default 12 hours): a session unused this long ends.
    pub session_idle: Duration,
    /// `TIMEWEAVE_SESSION_MAX_DAYS` (default 14): a session ends this long after sign-in whatever happens.
    pub session_absolute: Duration,
    /// `SMTP_URL` (e.g. `smtps://user:pass@mail.example.org`); none: mail stays in the outbox.
    pub smtp_url: Option<String>,
    /// `TIMEWEAVE_MAIL_FROM`.
    pub mail_from: String,
    /// The demo (`serve --demo`) shows the outbox to everyone so visitors can follow emailed links.
    pub demo: bool,
    /// `TIMEWEAVE_TRUST_PROXY=1`: take the client address from `X-Forwarded-For` (only behind your own proxy).
    pub trust_proxy: bool,
    /// Sign-in throttling: failures allowed per account and per client address in the window.
    pub max_failures_per_account: i64,
    pub max_failures_per_client: i64,
    pub failure_window: Duration,
    /// `TIMEWEAVE_SECRET_KEY` (and `TIMEWEAVE_OLD_SECRET_KEYS`): seals secrets at rest and
    /// signs form state. Unset: [`Config::resolve_keys`] keeps one in a file.
    pub keys: super::secrets::Keys,
    /// Whether `keys` came from the configuration (else it is a placeholder until resolved).
    pub keys_configured: bool,
    /// `TIMEWEAVE_METRICS_TOKEN`: `/metrics` answers a request bearing this token; unset,
    /// it answers only requests from this machine.
    pub metrics_token: Option<String>,
    /// `TIMEWEAVE_PUSH_ORIGINS` (comma-separated, e.g. `http://127.0.0.1:4100`): push
    /// services accepted besides the browsers' own (Google, Mozilla, Apple, Microsoft),
    /// for a self-hosted push service and for tests.
    pub push_origins: Vec<String>,
    /// Scheduled backups: `TIMEWEAVE_BACKUP_DIR` (none: no scheduled backups) gets one every
    /// `TIMEWEAVE_BACKUP_EVERY_HOURS` (default 24), the newest `TIMEWEAVE_BACKUP_KEEP`
    /// (default 14) kept; sealed with `TIMEWEAVE_BACKUP_PASSPHRASE` when it is set (which
    /// `timeweave backup` and `restore` read too).
    pub backup: BackupSchedule,
}

#[derive(Clone, Debug, Default)]
pub struct BackupSchedule {
    pub dir: Option<std::path::PathBuf>,
    pub every: Duration,
    pub keep: usize,
    pub passphrase: Option<String>,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let num = |k: &str, d: u64| -> anyhow::Result<u64> {
            match var(k) {
                Some(v) => v.trim().parse().map_err(|_| anyhow::anyhow!("{k} must be a whole number, got {v:?}")),
                None => Ok(d),
            }
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite://data/timeweave.db".into()),
            public_url: var("TIMEWEAVE_PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{}", var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into())))
                .trim_end_matches('/')
                .to_string(),
            session_idle: Duration::from_secs(60 * num("TIMEWEAVE_SESSION_IDLE_MINUTES", 12 * 60)?),
            session_absolute: Duration::from_secs(86_400 * num("TIMEWEAVE_SESSION_MAX_DAYS", 14)?),
            smtp_url: var("SMTP_URL"),
            mail_from: var("TIMEWEAVE_MAIL_FROM").unwrap_or_else(|| "Timeweave <no-reply@timeweave.invalid>".into()),
            demo: false,
            trust_proxy: var("TIMEWEAVE_TRUST_PROXY").is_some_and(|v| v == "1" || v == "true"),
            max_failures_per_account: num("TIMEWEAVE_MAX_FAILURES_PER_ACCOUNT", 5)? as i64,
            max_failures_per_client: num("TIMEWEAVE_MAX_FAILURES_PER_CLIENT", 20)? as i64,
            failure_window: Duration::from_secs(60 * num("TIMEWEAVE_FAILURE_WINDOW_MINUTES", 15)?),
            keys: match var("TIMEWEAVE_SECRET_KEY") {
                Some(k) => super::secrets::Keys::parse(&k, var("TIMEWEAVE_OLD_SECRET_KEYS").as_deref())?,
                None => super::secrets::Keys::random(),
            },
            keys_configured: var("TIMEWEAVE_SECRET_KEY").is_some(),
            metrics_token: var("TIMEWEAVE_METRICS_TOKEN"),
            push_origins: var("TIMEWEAVE_PUSH_ORIGINS")
                .map(|v| v.split(',').map(|o| o.trim().trim_end_matches('/').to_string()).filter(|o| !o.is_empty()).collect())
                .unwrap_or_default(),
            backup: BackupSchedule {
                dir: var("TIMEWEAVE_BACKUP_DIR").map(std::path::PathBuf::from),
                every: Duration::from_secs(3600 * num("TIMEWEAVE_BACKUP_EVERY_HOURS", 24)?.max(1)),
                keep: num("TIMEWEAVE_BACKUP_KEEP", 14)?.max(1) as usize,
                passphrase: var("TIMEWEAVE_BACKUP_PASSPHRASE"),
            },
        })
    }

    /// Without a configured key, the key kept in a file: `TIMEWEAVE_SECRET_KEY_FILE`, else
    /// beside the SQLite database (`<file>.key`), else `data/secret.key`. Made on first start.
    /// Several servers on one PostgreSQL must be given the same key.
    pub fn resolve_keys(&mut self) -> anyhow::Result<()> {
        if self.keys_configured {
            return Ok(());
        }
        let path = match std::env::var("TIMEWEAVE_SECRET_KEY_FILE").ok().filter(|p| !p.trim().is_empty()) {
            Some(p) => std::path::PathBuf::from(p),
            None => match sqlite_file(&self.database_url) {
                Some(file) => std::path::PathBuf::from(format!("{file}.key")),
                None => std::path::PathBuf::from("data/secret.key"),
            },
        };
        self.keys = super::secrets::Keys::load_or_create(&path)?;
        self.keys_configured = true;
        Ok(())
    }

    /// The name of a cookie: with an https public URL it takes the `__Host-` prefix (the
    /// browser then accepts it only from this host, over HTTPS, for the whole site).
    pub fn cookie_name(&self, base: &str) -> String {
        if self.https() {
            format!("__Host-{base}")
        } else {
            base.to_string()
        }
    }

    /// Served over HTTPS: cookies get `Secure`, responses get HSTS.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The file of a `sqlite:` database URL (none for PostgreSQL or an in-memory database).
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or("");
    (!file.is_empty() && !file.contains(":memory:")).then(|| file.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_file_sits_beside_the_sqlite_file() {
        assert_eq!(super::sqlite_file("sqlite://data/demo.db?mode=rwc").as_deref(), Some("data/demo.db"));
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://x@h/db"), None);
    }

    #[test]
    fn cookies_take_the_host_prefix_behind_https() {
        let mut c = super::Config::from_env().unwrap();
        c.public_url = "https://timebank.example".into();
        assert_eq!(c.cookie_name("tw_session"), "__Host-tw_session");
        let header = crate::platform::request::cookie_header(&c, "tw_session", "abc", 60);
        assert!(header.starts_with("__Host-tw_session=abc; Path=/;") && header.ends_with("; Secure"), "{header}");
        assert!(!header.contains("Domain"), "a __Host- cookie has no Domain");
        c.public_url = "http://127.0.0.1:3000".into();
        assert_eq!(c.cookie_name("tw_session"), "tw_session");
    }
}
