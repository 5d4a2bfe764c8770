//! Reads from SQLite on the request's own thread, for the one query every signed-in
//! request makes (the session and its viewer).
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
}
