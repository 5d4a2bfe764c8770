//! The database: one pool, two engines.
//!
//! The engine is chosen once from `DATABASE_URL`: `sqlite:` (the default, a file under
//! `data/`) or `postgres:`. All queries go through sqlx's `Any` driver with portable SQL
//! (`$1` placeholders, BIGINT times, TEXT ids), so one code path and one test suite serve
//! both; the one exception is the session read on a SQLite file (`super::direct`). SQLite
//! runs in WAL mode with foreign keys on, a busy timeout and `synchronous=FULL` (a
//! confirmed write survives a power cut), memory-mapped reads and a 16 MB page cache per
//! connection.

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;

/// Which engine a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres: (got {url:?})")
        }
    }
}

/// The shared pool and which engine is behind it.
/// Tables the app only ever appends to: the builders' audit trail and the referral access log.
const APPEND_ONLY: [&str; 2] = ["audit_log", "referral_access_log"];

/// What moves a network's browse version: a table, the writes that matter, and the
/// statement to run for each changed row (`{row}` is the new row, or the old one for a
/// delete). A name change moves every network the person belongs to; a category (shared
/// by every network when it has none) moves them all; a new network gets its number.
struct BrowseTrigger {
    table: &'static str,
    events: &'static [&'static str],
    bump: &'static str,
}

const BUMP_OWN_NETWORK: &str = "UPDATE browse_versions SET version = version + 1 WHERE network_id = {row}.network_id";

const BROWSE_TRIGGERS: [BrowseTrigger; 6] = [
    BrowseTrigger { table: "listings", events: &["INSERT", "UPDATE", "DELETE"], bump: BUMP_OWN_NETWORK },
    BrowseTrigger { table: "memberships", events: &["UPDATE OF status", "DELETE"], bump: BUMP_OWN_NETWORK },
    BrowseTrigger { table: "localities", events: &["INSERT", "UPDATE", "DELETE"], bump: BUMP_OWN_NETWORK },
    BrowseTrigger {
        table: "users",
        events: &["UPDATE OF display_name"],
        bump: "UPDATE browse_versions SET version = version + 1 WHERE network_id IN (SELECT network_id FROM memberships WHERE user_id = {row}.id)",
    },
    BrowseTrigger { table: "categories", events: &["INSERT", "UPDATE", "DELETE"], bump: "UPDATE browse_versions SET version = version + 1" },
    BrowseTrigger {
        table: "networks",
        events: &["INSERT", "UPDATE OF see_other_localities"],
        bump: "INSERT INTO browse_versions (network_id, version) VALUES ({row}.id, 1)
               ON CONFLICT (network_id) DO UPDATE SET version = browse_versions.version + 1",
    },
];

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
    /// For a SQLite file: the session read on the request's own thread (`platform::direct`).
    pub direct: Option<std::sync::Arc<super::direct::DirectReads>>,
    /// For PostgreSQL: the same reads on connections of their own (`platform::pg_reads`).
    pub pg_reads: Option<std::sync::Arc<super::pg_reads::PgReads>>,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

impl Db {
    /// Every row of a read of the pages opened most: on a SQLite file on this thread
    /// (`platform::direct`, no hand-off to sqlx's connection thread), on PostgreSQL on a
    /// connection of its own (`platform::pg_reads`, no ping after each read), else through
    /// the pool. Rows are [`crate::read_row!`] structs or tuples.
    pub async fn read_all<T>(&self, sql: &str, args: &[super::direct::Arg<'_>]) -> Result<Vec<T>, crate::error::AppError>
    where
        T: super::direct::DirectRow
            + for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        if let Some(direct) = &self.direct {
            return direct.all(sql, args);
        }
        if let Some(pg) = &self.pg_reads {
            return pg.all(sql, args).await;
        }
        let mut q = sqlx::query_as::<_, T>(sql);
        for arg in args {
            q = match *arg {
                super::direct::Arg::Text(s) => q.bind(s),
                super::direct::Arg::Int(n) => q.bind(n),
            };
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// The first row of such a read, if any.
    pub async fn read_optional<T>(&self, sql: &str, args: &[super::direct::Arg<'_>]) -> Result<Option<T>, crate::error::AppError>
    where
        T: super::direct::DirectRow
            + for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        Ok(self.read_all(sql, args).await?.into_iter().next())
    }

    /// Connects, creating the SQLite file (and its folder) if needed. Does not migrate.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        let mut file = None;
        let url = match engine {
            Engine::Sqlite => {
                if let Some(path) = sqlite_path(url) {
                    file = Some(path.clone());
                    if let Some(dir) = std::path::Path::new(&path).parent() {
                        if !dir.as_os_str().is_empty() {
                            std::fs::create_dir_all(dir).with_context(|| format!("creating the database folder {}", dir.display()))?;
                        }
                    }
                }
                if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            Engine::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).context("reading DATABASE_URL")?;
        let pool = AnyPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_secs(10))
            // No ping before handing out a connection: on PostgreSQL it is a round trip of
            // its own before every query (doubling a page's round trips), on SQLite a hop
            // to the connection's thread. A connection that died while idle fails the one
            // query that finds it and is then dropped; `max_lifetime` retires the rest.
            .test_before_acquire(false)
            .max_connections(max_connections(engine))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        // Reads straight from the mapped file and a bigger page cache per
                        // connection: under load the default 2 MB cache sent most page reads
                        // through system calls.
                        conn.execute("PRAGMA mmap_size = 268435456").await?;
                        conn.execute("PRAGMA cache_size = -16384").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to the {engine:?} database"))?;
        let direct = file.map(|path| std::sync::Arc::new(super::direct::DirectReads::new(path)));
        let pg_reads = match engine {
            Engine::Postgres => Some(std::sync::Arc::new(super::pg_reads::PgReads::new(&url, max_connections(engine) as usize)?)),
            Engine::Sqlite => None,
        };
        Ok(Db { pool, engine, direct, pg_reads })
    }

    /// Whether the database answers a trivial query (for health checks).
    pub async fn is_reachable(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// The migrations this binary knows that the database has not applied (successfully),
    /// by version: empty when the schema is current. For `/readyz`.
    pub async fn pending_migrations(&self) -> anyhow::Result<Vec<i64>> {
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_all(&self.pool)
            .await
            .context("reading the applied migrations")?;
        Ok(MIGRATOR.iter().map(|m| m.version).filter(|v| !applied.contains(v)).collect())
    }

    /// Applies the migrations up to and including `version` only (a restore loads a backup
    /// into the schema it was made with, then [`Db::migrate`] brings it up to date).
    pub async fn migrate_to(&self, version: i64) -> anyhow::Result<()> {
        let migrator = sqlx::migrate::Migrator {
            migrations: MIGRATOR.migrations.iter().filter(|m| m.version <= version).cloned().collect::<Vec<_>>().into(),
            ignore_missing: MIGRATOR.ignore_missing,
            locking: MIGRATOR.locking,
            no_tx: MIGRATOR.no_tx,
        };
        migrator.run(&self.pool).await.with_context(|| format!("applying the migrations up to {version}"))?;
        Ok(())
    }

    /// Applies every pending migration; fails loudly.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        MIGRATOR.run(&self.pool).await.context("applying database migrations (the database was left as it was)")?;
        self.protect_append_only().await.context("protecting the audit trail from edits")?;
        self.keep_browse_versions().await.context("making the browse cache's triggers")?;
        Ok(())
    }

    /// Triggers that move a network's `browse_versions` number on every write that can
    /// change what browsing its listings shows (see `BROWSE_TRIGGERS`), in the writing
    /// transaction. Made here, in the database, so no code path can forget to: the browse
    /// cache (`listings::cache`) trusts a cached page only while the number is unchanged.
    async fn keep_browse_versions(&self) -> anyhow::Result<()> {
        match self.engine {
            Engine::Sqlite => {
                for t in BROWSE_TRIGGERS {
                    for (n, event) in t.events.iter().enumerate() {
                        let row = if *event == "DELETE" { "OLD" } else { "NEW" };
                        let sql = format!(
                            "CREATE TRIGGER IF NOT EXISTS browse_{}_{n} AFTER {event} ON {} BEGIN {}; END",
                            t.table,
                            t.table,
                            t.bump.replace("{row}", row)
                        );
                        self.pool.execute(sql.as_str()).await?;
                    }
                }
            }
            Engine::Postgres => {
                let mut tx = self.pool.begin().await?;
                // One server at a time (several may start together on one database).
                tx.execute("SELECT pg_advisory_xact_lock(7243002)").await?;
                for t in BROWSE_TRIGGERS {
                    let function = format!("timeweave_browse_{}", t.table);
                    let body = t.bump.replace("{row}", "r");
                    tx.execute(
                        format!(
                            "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                             DECLARE r RECORD;
                             BEGIN
                               IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
                               {body};
                               RETURN NULL;
                             END $$"
                        )
                        .as_str(),
                    )
                    .await?;
                    tx.execute(
                        format!(
                            "CREATE OR REPLACE TRIGGER browse_{table} AFTER {events} ON {table}
                             FOR EACH ROW EXECUTE FUNCTION {function}()",
                            table = t.table,
                            events = t.events.join(" OR "),
                        )
                        .as_str(),
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Triggers that refuse any UPDATE or DELETE of the audit trails (`APPEND_ONLY`), whoever asks: the app
    /// never does either, and a mistaken or hostile query cannot either. Per engine, so
    /// made here rather than in the portable migrations; safe to run at every start.
    async fn protect_append_only(&self) -> anyhow::Result<()> {
        match self.engine {
            Engine::Sqlite => {
                for table in APPEND_ONLY {
                    for op in ["UPDATE", "DELETE"] {
                        let sql = format!(
                            "CREATE TRIGGER IF NOT EXISTS {table}_no_{} BEFORE {op} ON {table}
                             BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
                            op.to_lowercase()
                        );
                        self.pool.execute(sql.as_str()).await?;
                    }
                }
            }
            Engine::Postgres => {
                for table in APPEND_ONLY {
                    let exists = sqlx::query("SELECT 1 FROM pg_trigger WHERE tgname = $1")
                        .bind(format!("{table}_append_only"))
                        .fetch_optional(&self.pool)
                        .await?;
                    if exists.is_none() {
                        let mut tx = self.pool.begin().await?;
                        // One server at a time (several may start together on one database).
                        tx.execute("SELECT pg_advisory_xact_lock(7243001)").await?;
                        tx.execute(
                            "CREATE OR REPLACE FUNCTION timeweave_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                         BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
                        )
                        .await?;
                        tx.execute(format!("DROP TRIGGER IF EXISTS {table}_append_only ON {table}").as_str()).await?;
                        tx.execute(
                            format!(
                                "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                             FOR EACH ROW EXECUTE FUNCTION timeweave_append_only()"
                            )
                            .as_str(),
                        )
                        .await?;
                        tx.commit().await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Connect and migrate: what `timeweave serve` does at start-up.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let db = Self::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }
}

/// The newest migration this binary knows.
pub fn latest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Connections per server: `DATABASE_MAX_CONNECTIONS` if set, else 8 for SQLite (each
/// connection is a thread of its own) and 16 for PostgreSQL (several servers share one
/// PostgreSQL, whose own limit is shared by all of them).
fn max_connections(engine: Engine) -> u32 {
    std::env::var("DATABASE_MAX_CONNECTIONS").ok().and_then(|v| v.trim().parse().ok()).filter(|n| *n > 0).unwrap_or(match engine {
        Engine::Sqlite => 8,
        Engine::Postgres => 16,
    })
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        None
    } else {
        Some(path.to_string())
    }
}

/// Placeholders `$n+1, …, $n+count` for an `IN (…)` list, numbered after `offset`.
pub fn placeholders(count: usize, offset: usize) -> String {
    (1..=count).map(|i| format!("${}", offset + i)).collect::<Vec<_>>().join(", ")
}

/// Placeholders `($1, $2, …), (…)` for a multi-row `VALUES` of `rows` rows of `width`
/// columns, numbered after `offset`.
pub fn value_rows(rows: usize, width: usize, offset: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(width, offset + r * width))).collect::<Vec<_>>().join(", ")
}

/// `items` in runs whose lengths are powers of two, at most `max` (largest first): 37 items
/// with `max` 64 are runs of 32, 4 and 1. A multi-row statement built for each run has one
/// of a few shapes, so each connection prepares it once and keeps it: runs of any length
/// gave a new statement text per length, which pushed the ledger writer's statements out of
/// the connections' statement caches and had SQLite parse hundreds of `$n` parameters anew
/// (looking up every name among those before it) on most batches.
pub fn runs<T>(items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    let cap = if max <= 1 { 1 } else { 1usize << (usize::BITS - 1 - max.leading_zeros()) };
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = (1usize << (usize::BITS - 1 - rest.len().leading_zeros())).min(cap);
        let (run, tail) = rest.split_at(n);
        rest = tail;
        Some(run)
    })
}

/// Converts a stored 0/1 flag.
pub fn flag(v: i64) -> bool {
    v != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_powers_of_two_up_to_the_cap() {
        let lens = |n: usize, max: usize| runs(&vec![0u8; n], max).map(<[u8]>::len).collect::<Vec<_>>();
        assert_eq!(lens(37, 64), [32, 4, 1]);
        assert_eq!(lens(64, 64), [64]);
        assert_eq!(lens(130, 100), [64, 64, 2], "a cap that is no power of two counts as the one below");
        assert_eq!(lens(1, 100), [1]);
        assert!(lens(0, 100).is_empty());
        for n in 0..300 {
            let got = lens(n, 50);
            assert_eq!(got.iter().sum::<usize>(), n);
            assert!(got.iter().all(|l| l.is_power_of_two() && *l <= 32));
        }
    }

    #[test]
    fn engine_from_url() {
        assert_eq!(Engine::from_url("sqlite://data/t.db").unwrap(), Engine::Sqlite);
        assert_eq!(Engine::from_url("postgres://localhost/t").unwrap(), Engine::Postgres);
        assert!(Engine::from_url("mysql://x").is_err());
        assert_eq!(sqlite_path("sqlite://data/t.db?mode=rwc").as_deref(), Some("data/t.db"));
    }
}
