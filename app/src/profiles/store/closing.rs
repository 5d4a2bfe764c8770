//! Closing an account: asking, changing one's mind, what is still open, and the erasure.

use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

/// The grace period in days for a member: the longest of their networks' (30 without one).
const GRACE_DAYS: &str = "COALESCE((SELECT MAX(n.closure_grace_days) FROM memberships m JOIN networks n ON n.id = m.network_id
                            WHERE m.user_id = u.id), 30)";

/// When the member asked to close their account and when it will be erased (none if they
/// did not, or it is erased already), and their grace period in days.
pub async fn closing_of(db: &Db, user_id: &str) -> Result<(Option<(i64, i64)>, i64), AppError> {
    let sql = format!(
        "SELECT CASE WHEN u.erased_at IS NULL THEN u.closing_at END AS closing_at, CAST({GRACE_DAYS} AS BIGINT) AS grace
         FROM users u WHERE u.id = $1"
    );
    let row = sqlx::query_as::<_, (Option<i64>, i64)>(&sql).bind(user_id).fetch_optional(&db.pool).await?;
    let (closing, grace) = row.unwrap_or((None, 30));
    Ok((closing.map(|at| (at, at + 86_400 * grace)), grace))
}

/// Marks the account as closing; false if it already is.
pub async fn start_closing(tx: &mut Transaction<'_, Any>, user_id: &str, at: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE users SET closing_at = $2 WHERE id = $1 AND closing_at IS NULL AND erased_at IS NULL")
        .bind(user_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The member changed their mind before the erasure; false if it was not closing.
pub async fn stop_closing(db: &Db, user_id: &str) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE users SET closing_at = NULL WHERE id = $1 AND closing_at IS NOT NULL AND erased_at IS NULL")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes every listing of the member; how many were open or paused.
pub async fn close_listings_of(tx: &mut Transaction<'_, Any>, user_id: &str, at: i64) -> Result<u64, AppError> {
    let done = sqlx::query("UPDATE listings SET status = 'closed', updated_at = $2 WHERE owner_id = $1 AND status <> 'closed'")
        .bind(user_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

/// An exchange of the member not yet under way (asked, or accepted but no hours recorded).
#[derive(sqlx::FromRow)]
pub struct OpenExchange {
    pub id: String,
    pub status: String,
    pub other_id: String,
    pub title: String,
}

pub async fn open_exchanges_of(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<Vec<OpenExchange>, AppError> {
    Ok(sqlx::query_as::<_, OpenExchange>(
        "SELECT e.id, e.status, CASE WHEN e.owner_id = $1 THEN e.asker_id ELSE e.owner_id END AS other_id, l.title
         FROM exchanges e JOIN listings l ON l.id = e.listing_id
         WHERE (e.owner_id = $1 OR e.asker_id = $1) AND e.status IN ('requested', 'accepted') ORDER BY e.id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The accounts whose grace period has ended at `t` and are not erased yet.
pub async fn closings_due(db: &Db, t: i64) -> Result<Vec<String>, AppError> {
    let sql = format!(
        "SELECT u.id FROM users u WHERE u.closing_at IS NOT NULL AND u.erased_at IS NULL
           AND u.closing_at + 86400 * {GRACE_DAYS} <= $1 ORDER BY u.closing_at, u.id"
    );
    Ok(sqlx::query_scalar::<_, String>(&sql).bind(t).fetch_all(&db.pool).await?)
}

/// The member's hour accounts (network, balance), to settle before the erasure.
pub async fn member_balances(db: &Db, user_id: &str) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (String, i64)>(
        "SELECT network_id, balance_minutes FROM accounts WHERE kind = 'member' AND user_id = $1 ORDER BY network_id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The name an erased member is shown by, where their exchanges and messages stay.
pub const FORMER_MEMBER: &str = "Former member";

/// Erases what identifies the member and what only they had (claimed: false if another
/// server did it first). Their hours, exchanges and messages stay for the ledger and the
/// other people, under [`FORMER_MEMBER`]; their listings' words go; sign-in, two-step
/// secrets, sessions, notifications, alerts, photo, roles and going-along dates are removed.
pub async fn erase(tx: &mut Transaction<'_, Any>, user_id: &str, at: i64) -> Result<bool, AppError> {
    let claimed = sqlx::query(
        "UPDATE users SET erased_at = $2, display_name = $3, email = NULL, password_hash = NULL, email_confirmed_at = NULL,
            about = '', phone = '', email_frequency = 'never'
         WHERE id = $1 AND closing_at IS NOT NULL AND erased_at IS NULL",
    )
    .bind(user_id)
    .bind(at)
    .bind(FORMER_MEMBER)
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE memberships SET about = '', status = 'suspended' WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query("UPDATE listings SET title = $2, description = '', tags = '', availability = '' WHERE owner_id = $1")
        .bind(user_id)
        .bind("A closed listing")
        .execute(&mut **tx)
        .await?;
    for table in [
        "sessions",
        "email_tokens",
        "sign_in_challenges",
        "second_factors",
        "recovery_codes",
        "trusted_devices",
        "notifications",
        "push_outbox",
        "push_subscriptions",
        "member_photos",
        "builder_roles",
        "directory_org_members",
        "organisation_members",
        "area_moves",
    ] {
        // Fixed table names from the list above; the id is bound.
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user_id).execute(&mut **tx).await?;
    }
    sqlx::query("DELETE FROM directory_going WHERE user_id = $1 AND attended IS NULL").bind(user_id).execute(&mut **tx).await?;
    Ok(true)
}
