//! Reads from SQLite on the request's own thread, for the one query every signed-in
//! request makes (the session and its viewer) and the reads of the pages residents open
//! most (Home and My hours), through [`crate::platform::db::Db::read_all`].
//!
//! sqlx gives each SQLite connection a thread of its own, and every query is handed to
//! that thread and its answer handed back: for a read that takes SQLite a few microseconds,
//! the hand-offs (futex waits and wake-ups on both sides) cost more than the read. Here the
//! same portable SQL runs through `rusqlite` on the calling thread instead, on a small
//! stack of connections kept beside the pool. They are `query_only`: every write still
//! goes through sqlx. In WAL mode a reader never waits for a writer, so the read does not
//! block the async runtime for longer than the read itself.
//!
//! Only for a database file (an in-memory SQLite is private to one connection) and never
//! for PostgreSQL, whose reads go over the network through sqlx as before.

use crate::error::AppError;
use std::path::PathBuf;
use std::sync::Mutex;

/// Connections kept open between reads; more are opened when several reads overlap and
/// closed again afterwards.
const KEEP: usize = 8;

#[derive(Debug)]
pub struct DirectReads {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl DirectReads {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DirectReads { path: path.into(), idle: Mutex::new(Vec::new()) }
    }

    /// Runs `read` on a connection of the stack (opening one if none is free).
    pub fn read<T>(&self, read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> Result<T, AppError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open().map_err(|e| crate::error::unexpected(format!("opening {}: {e}", self.path.display())))?,
        };
        let answer = read(&conn).map_err(crate::error::unexpected);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP {
            idle.push(conn);
        }
        answer
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )?;
        // Same settings as the pool's connections (platform::db), and no writes.
        conn.execute_batch(
            "PRAGMA query_only = ON;
             PRAGMA busy_timeout = 10000;
             PRAGMA mmap_size = 268435456;
             PRAGMA cache_size = -16384;",
        )?;
        Ok(conn)
    }
}

/// A value given to a read (`$1`, `$2`, … in the SQL, bound by those names).
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Text(&'a str),
    Int(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

/// A row read the same way through rusqlite as through sqlx (whose `FromRow` it also
/// has): structs by column name ([`crate::read_row!`]), tuples by position.
pub trait DirectRow: Sized {
    fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

macro_rules! tuple_rows {
    ($($t:ident $i:tt),+) => {
        impl<$($t: rusqlite::types::FromSql),+> DirectRow for ($($t,)+) {
            fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $t>($i)?,)+))
            }
        }
    };
}
tuple_rows!(A 0);
tuple_rows!(A 0, B 1);
tuple_rows!(A 0, B 1, C 2);
tuple_rows!(A 0, B 1, C 2, D 3);

/// A row struct read by column name both through sqlx (`FromRow`) and on a SQLite file
/// through rusqlite ([`DirectRow`]), for the reads of the pages opened most.
#[macro_export]
macro_rules! read_row {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($(#[$fmeta:meta])* $fvis:vis $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(sqlx::FromRow)]
        $vis struct $name { $($(#[$fmeta])* $fvis $field: $ty),* }
        impl $crate::platform::direct::DirectRow for $name {
            fn from_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok($name { $($field: row.get(stringify!($field))?),* })
            }
        }
    };
}

impl DirectReads {
    /// Every row of a read, on this thread.
    pub fn all<T: DirectRow>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>, AppError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(sql)?;
            for (i, arg) in args.iter().enumerate() {
                // By name: SQLite numbers `$n` parameters in order of first use, not by n.
                if let Some(index) = statement.parameter_index(&format!("${}", i + 1))? {
                    match *arg {
                        Arg::Text(s) => statement.raw_bind_parameter(index, s)?,
                        Arg::Int(n) => statement.raw_bind_parameter(index, n)?,
                    }
                }
            }
            let mut rows = statement.raw_query();
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(T::from_direct(row)?);
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_was_written_and_refuses_to_write() {
        let dir = std::env::temp_dir().join(format!("tw-direct-{}", crate::util::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (41);").unwrap();

        let reads = DirectReads::new(&path);
        let n: i64 = reads.read(|c| c.query_row("SELECT n + $1 FROM t", [1], |r| r.get(0))).unwrap();
        assert_eq!(n, 42);
        // A later write is seen by the kept connection.
        writer.execute("UPDATE t SET n = 1", []).unwrap();
        let n: i64 = reads.read(|c| c.query_row("SELECT n FROM t", [], |r| r.get(0))).unwrap();
        assert_eq!(n, 1);
        assert_eq!(reads.idle.lock().unwrap().len(), 1, "the connection is kept for the next read");
        // query_only: a write through it fails.
        assert!(reads.read(|c| c.execute("DELETE FROM t", [])).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn reads_rows_by_name_and_binds_parameters_by_their_numbers() {
        let dir = std::env::temp_dir().join(format!("tw-direct-{}", crate::util::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let writer = rusqlite::Connection::open(&path).unwrap();
        writer
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (name TEXT, n INTEGER, note TEXT); INSERT INTO t VALUES ('a', 1, NULL), ('b', 2, 'x'), ('c', 3, NULL);")
            .unwrap();
        crate::read_row! {
            struct Row { name: String, n: i64, note: Option<String> }
        }
        let reads = DirectReads::new(&path);
        // `$2` is used before `$1`, and `$1` twice: each is bound by its number.
        let rows: Vec<Row> = reads
            .all(
                "SELECT name, n, note FROM t WHERE n >= $2 AND name <> $1 AND name <> $1 || 'z' ORDER BY n",
                &[Arg::from("c"), Arg::from(1)],
            )
            .unwrap();
        assert_eq!(
            rows.iter().map(|r| (r.name.as_str(), r.n, r.note.as_deref())).collect::<Vec<_>>(),
            vec![("a", 1, None), ("b", 2, Some("x"))]
        );
        let pairs: Vec<(String, i64)> = reads.all("SELECT name, n FROM t WHERE n = $1", &[Arg::from(3)]).unwrap();
        assert_eq!(pairs, vec![("c".to_string(), 3)]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
