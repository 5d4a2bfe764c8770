//! Limits on attempts (sign-in, codes, joining, password resets, self-referral), counted
//! so that parallel attempts cannot slip past them.
//!
//! An attempt is written *before* it is checked: one `attempts` row for each key it counts
//! against, in its own statement, then each key is counted. Whichever order parallel
//! attempts commit in, the n-th to commit sees at least n rows, so of any number sent at
//! once at most `max` see a count within the limit and go on to be checked. An attempt
//! refused by a limit deletes its rows again (it was never checked, so it does not push the
//! window on); one that was checked and succeeded is deleted too ([`Attempt::succeeded`]);
//! a failed one stays and counts for the window.
//!
//! Rows older than a day are pruned by the background jobs.

use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::Row;

/// One limit: at most `max` attempts per `window_secs` for each key it is applied to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Part of the key, e.g. `signin:account`.
    pub name: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
/// How long attempts are kept at all (longer than any window).
pub const KEEP_SECS: i64 = 24 * HOUR;

/// Joining: per client address and per email address, an hour.
pub const JOIN_PER_CLIENT: Rule = Rule { name: "join:client", max: 10, window_secs: HOUR };
pub const JOIN_PER_EMAIL: Rule = Rule { name: "join:email", max: 3, window_secs: HOUR };
/// Asking for a password reset link.
pub const RESET_PER_CLIENT: Rule = Rule { name: "reset:client", max: 10, window_secs: HOUR };
pub const RESET_PER_EMAIL: Rule = Rule { name: "reset:email", max: 3, window_secs: HOUR };
/// The public self-referral form.
pub const SELF_REFER_PER_CLIENT: Rule = Rule { name: "selfrefer:client", max: 10, window_secs: HOUR };
pub const SELF_REFER_PER_EMAIL: Rule = Rule { name: "selfrefer:email", max: 3, window_secs: HOUR };
/// Starting a self-referral in steps (each start keeps a draft on the server for a day).
pub const SELF_REFER_DRAFTS_PER_CLIENT: Rule = Rule { name: "selfrefer:drafts", max: 20, window_secs: HOUR };
/// Typing the current password to change it.
pub const CURRENT_PASSWORD: Rule = Rule { name: "password:account", max: 5, window_secs: 15 * MINUTE };

/// A limit that said no: which, and when to try again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    pub retry_after_secs: i64,
}

impl Refusal {
    /// The error to answer with (429 with `Retry-After`), in the caller's words.
    pub fn error(&self, message: impl Into<String>) -> AppError {
        AppError::TooManyAttempts { message: message.into(), retry_after_secs: self.retry_after_secs.max(1) as u64 }
    }

    /// "15 minutes", "1 hour": the wait in words.
    pub fn wait_in_words(&self) -> String {
        let minutes = (self.retry_after_secs.max(1) + 59) / 60;
        match minutes {
            1 => "a minute".to_string(),
            m if m < 60 => format!("{m} minutes"),
            m if m < 120 => "an hour".to_string(),
            m => format!("{} hours", m / 60),
        }
    }
}

/// An attempt that is within its limits and may be checked.
#[derive(Debug)]
pub struct Attempt {
    id: String,
}

impl Attempt {
    /// The checked attempt was right: it does not count against anyone.
    pub async fn succeeded(self, db: &Db) -> Result<(), AppError> {
        sqlx::query("DELETE FROM attempts WHERE id = $1").bind(&self.id).execute(&db.pool).await?;
        Ok(())
    }
    /// The checked attempt was wrong: it stays and counts (the same as dropping it).
    pub fn failed(self) {}
}

/// The key for a rule and a subject (an address, an email, an account id).
fn key(rule: &Rule, subject: &str) -> String {
    format!("{}:{}", rule.name, subject.to_lowercase())
}

/// Counts one attempt against every (rule, subject) given, then checks them all. `Ok(Ok)`:
/// within every limit; `Ok(Err)`: refused by the first limit passed (nothing kept).
pub async fn attempt(db: &Db, checks: &[(Rule, &str)]) -> Result<Result<Attempt, Refusal>, AppError> {
    let id = new_id();
    let t = now();
    for (rule, subject) in checks {
        sqlx::query("INSERT INTO attempts (id, key, at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(key(rule, subject))
            .bind(t)
            .execute(&db.pool)
            .await?;
    }
    for (rule, subject) in checks {
        let k = key(rule, subject);
        let since = t - rule.window_secs;
        let row = sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM attempts WHERE key = $1 AND at > $2")
            .bind(&k)
            .bind(since)
            .fetch_one(&db.pool)
            .await?;
        let n: i64 = row.get("n");
        if n > rule.max {
            sqlx::query("DELETE FROM attempts WHERE id = $1").bind(&id).execute(&db.pool).await?;
            let oldest: Option<i64> = row.get("oldest");
            let retry_after_secs = oldest.map(|o| o + rule.window_secs - t).unwrap_or(rule.window_secs).max(1);
            return Ok(Err(Refusal { rule: *rule, retry_after_secs }));
        }
    }
    Ok(Ok(Attempt { id }))
}

/// How many attempts a key has in its window (to decide, e.g., whether to email an unlock link).
pub async fn count(db: &Db, rule: &Rule, subject: &str) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM attempts WHERE key = $1 AND at > $2")
        .bind(key(rule, subject))
        .bind(now() - rule.window_secs)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.get("n"))
}

/// Forgets the attempts of one key (e.g. an account's wrong passwords after a good one).
pub async fn clear(db: &Db, rule: &Rule, subject: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM attempts WHERE key = $1").bind(key(rule, subject)).execute(&db.pool).await?;
    Ok(())
}

/// Prunes attempts older than any window (the background jobs call this).
pub async fn prune(db: &Db, t: i64) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM attempts WHERE at < $1").bind(t - KEEP_SECS).execute(&db.pool).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_words() {
        let r = |s| Refusal { rule: CURRENT_PASSWORD, retry_after_secs: s };
        assert_eq!(r(30).wait_in_words(), "a minute");
        assert_eq!(r(900).wait_in_words(), "15 minutes");
        assert_eq!(r(3600).wait_in_words(), "an hour");
        assert_eq!(r(3 * 3600).wait_in_words(), "3 hours");
    }
}
