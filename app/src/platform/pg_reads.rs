//! The reads of the pages opened most, on PostgreSQL, without sqlx's pool: a small stack of
//! plain `PgConnection`s kept beside the pool, used through
//! [`crate::platform::db::Db::read_all`] like `super::direct` on a SQLite file.
//!
//! sqlx's pool pings a connection when it is handed back (a round trip of its own after
//! every query), and its `Any` driver converts every value on the way. Here a connection is
//! taken from the stack, the read runs as a prepared statement (cached per connection) and
//! decodes straight into the row type, and the connection goes back untested: one round
//! trip per read. A connection whose read failed for any reason other than the SQL itself
//! is dropped, not put back, so a server restart costs one failed read per connection.
//! Every write still goes through the pool.

use super::direct::Arg;
use crate::error::AppError;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::Connection;
use std::sync::Mutex;

#[derive(Debug)]
pub struct PgReads {
    options: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    /// At most this many reads at once (and so connections open for them).
    permits: tokio::sync::Semaphore,
}

impl PgReads {
    pub fn new(url: &str, max_connections: usize) -> anyhow::Result<Self> {
        use std::str::FromStr;
        let options = PgConnectOptions::from_str(url)?;
        Ok(PgReads { options, idle: Mutex::new(Vec::new()), permits: tokio::sync::Semaphore::new(max_connections) })
    }

    /// Every row of a read.
    pub async fn all<T>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>, AppError>
    where
        T: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        let _permit = self.permits.acquire().await.map_err(|e| crate::error::unexpected(format!("reads closed: {e}")))?;
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => PgConnection::connect_with(&self.options).await?,
        };
        let mut q = sqlx::query_as::<sqlx::Postgres, T>(sql);
        for arg in args {
            q = match *arg {
                Arg::Text(s) => q.bind(s),
                Arg::Int(n) => q.bind(n),
            };
        }
        match q.fetch_all(&mut conn).await {
            Ok(rows) => {
                self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
                Ok(rows)
            }
            Err(e) => {
                // The SQL's own fault leaves the connection sound; anything else may not.
                if matches!(e, sqlx::Error::Database(_) | sqlx::Error::ColumnDecode { .. } | sqlx::Error::ColumnNotFound(_)) {
                    self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
                }
                Err(e.into())
            }
        }
    }
}
