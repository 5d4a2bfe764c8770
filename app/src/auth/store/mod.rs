//! Storage for accounts, sessions, emailed single-use links and trusted browsers; the
//! two-step sign-in's rows are in `second_factor`. All of auth's SQL is here.

pub mod second_factor;

use crate::error::AppError;
use crate::platform::db::Db;
use crate::platform::state::AppState;
use crate::util::{hash_token, new_token, now, DAY, HOUR, MINUTE};
use sqlx::{Any, Transaction};

/// Purposes of emailed single-use links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
    /// Lets one browser sign in to an account that wrong passwords from elsewhere locked.
    UnlockSignIn,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::UnlockSignIn => "unlock_sign_in",
        }
    }
    /// How long a link works.
    pub fn lifetime_secs(self) -> i64 {
        match self {
            TokenPurpose::ConfirmEmail => 7 * DAY,
            TokenPurpose::ResetPassword => HOUR,
            TokenPurpose::UnlockSignIn => HOUR,
        }
    }
}

/// What sign-in needs to know about an account.
pub struct Account {
    pub id: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub email_confirmed: bool,
}

/// An account as the `users` row holds it.
#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    display_name: String,
    password_hash: Option<String>,
    email_confirmed_at: Option<i64>,
}

pub async fn find_account_by_email(db: &Db, email: &str) -> Result<Option<Account>, AppError> {
    let row = sqlx::query_as::<_, AccountRow>("SELECT id, display_name, password_hash, email_confirmed_at FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| Account {
        id: r.id,
        display_name: r.display_name,
        password_hash: r.password_hash,
        email_confirmed: r.email_confirmed_at.is_some(),
    }))
}

pub async fn password_hash_of(db: &Db, user_id: &str) -> Result<Option<String>, AppError> {
    let hash = sqlx::query_scalar::<_, Option<String>>("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(hash.flatten())
}

/// Issues a single-use link token; only its hash is stored.
pub async fn issue_token(tx: &mut Transaction<'_, Any>, user_id: &str, purpose: TokenPurpose) -> Result<String, AppError> {
    let token = new_token();
    let t = now();
    sqlx::query("INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_token(&token))
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(t)
        .bind(t + purpose.lifetime_secs())
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

/// Uses up a link token, atomically: of two clicks at once exactly one succeeds.
/// Returns the user id, or `None` if the link is unknown, used or expired.
pub async fn consume_token(tx: &mut Transaction<'_, Any>, token: &str, purpose: TokenPurpose) -> Result<Option<String>, AppError> {
    let t = now();
    let user_id = sqlx::query_scalar::<_, String>(
        "UPDATE email_tokens SET used_at = $1
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id",
    )
    .bind(t)
    .bind(hash_token(token))
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(user_id)
}

pub async fn mark_email_confirmed(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_password_hash(tx: &mut Transaction<'_, Any>, user_id: &str, hash: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

// ---- sessions ----

/// Starts a session and returns the token for the cookie.
pub async fn create_session(state: &AppState, user_id: &str, second_factor: bool) -> Result<String, AppError> {
    let token = new_token();
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, second_factor_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(t)
    .bind(t)
    .bind(t + state.config.session_absolute.as_secs() as i64)
    .bind(second_factor.then_some(t))
    .execute(&state.db.pool)
    .await?;
    Ok(token)
}

/// The person behind a session token, if the session is live: one query for the session
/// and the viewer together. Ends sessions found idle or past their absolute limit; notes
/// activity at most once a minute.
pub async fn session_viewer(state: &AppState, token: &str) -> Result<Option<crate::networks::domain::Viewer>, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let id_hash = hash_token(token);
    let Some((viewer, last_seen, expires)) = crate::networks::store::load_session_viewer(&state.db, &id_hash).await? else {
        return Ok(None);
    };
    let t = now();
    let idle = state.config.session_idle.as_secs() as i64;
    if t >= expires || t - last_seen >= idle {
        end_session(&state.db, token).await?;
        return Ok(None);
    }
    if t - last_seen >= MINUTE {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2").bind(t).bind(&id_hash).execute(&state.db.pool).await?;
    }
    Ok(Some(viewer))
}

pub async fn end_session(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(hash_token(token)).execute(&db.pool).await?;
    Ok(())
}

/// Ends every session of a user (password changed or reset).
pub async fn end_all_sessions(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    // Alerts stop too: a phone signed out by a password change is not theirs to trust.
    crate::push::store::remove_all(tx, user_id).await?;
    Ok(())
}

/// Ends every other unused link of this purpose for the user (a reset link used ends the rest).
pub async fn end_tokens(tx: &mut Transaction<'_, Any>, user_id: &str, purpose: TokenPurpose) -> Result<(), AppError> {
    sqlx::query("UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now())
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether an unlock link went to this user since `since` (one per lock is enough).
pub async fn unlock_sent_since(db: &Db, user_id: &str, since: i64) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT 1 AS one FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3")
        .bind(user_id)
        .bind(TokenPurpose::UnlockSignIn.as_str())
        .bind(since)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

// ---- trusted devices ----

/// How long a browser stays trusted after signing in (or unlocking).
pub const DEVICE_SECS: i64 = 180 * DAY;
/// The cookie naming a trusted browser.
pub const DEVICE_COOKIE: &str = "tw_device";

/// Trusts this browser for the account; returns the cookie's token.
pub async fn trust_device(db: &Db, user_id: &str) -> Result<String, AppError> {
    let token = new_token();
    let t = now();
    sqlx::query("DELETE FROM trusted_devices WHERE expires_at < $1").bind(t).execute(&db.pool).await?;
    sqlx::query("INSERT INTO trusted_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash_token(&token))
        .bind(user_id)
        .bind(t)
        .bind(t + DEVICE_SECS)
        .execute(&db.pool)
        .await?;
    Ok(token)
}

/// Whether the browser's device token is trusted for this account.
pub async fn device_trusted(db: &Db, token: &str, user_id: &str) -> Result<bool, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(false);
    }
    let row = sqlx::query("SELECT 1 AS one FROM trusted_devices WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3")
        .bind(hash_token(token))
        .bind(user_id)
        .bind(now())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Forgets every trusted browser of a user (password changed or reset).
pub async fn forget_devices(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM trusted_devices WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}
