//! How many guesses at a password or a code anyone gets, counted before any is checked
//! (`platform::limits`).
//!
//! Wrong passwords are limited three ways in the failure window (15 minutes by default):
//! - per client address (20): one address cannot try many accounts;
//! - per account and address (5): one address cannot keep guessing one account;
//! - per account from browsers it has never signed in from (5). A browser that signed in
//!   to the account before carries a device cookie (OWASP's "device cookies") and is
//!   limited on its own instead (5), so a stranger's wrong guesses cannot lock a member out
//!   of their own phone. When the account-wide limit is reached, the owner is emailed a
//!   single-use link (once per window) that makes the browser it is opened in trusted.
//!
//! Wrong codes (two-step sign-in, and turning it off) are limited per account (5).

use super::store::{self, Account, TokenPurpose};
use crate::error::AppError;
use crate::platform::events::{self, Event, EventKind};
use crate::platform::limits::{self, Attempt, Rule};
use crate::platform::state::AppState;

fn window(st: &AppState) -> i64 {
    st.config.failure_window.as_secs() as i64
}

fn per_client(st: &AppState) -> Rule {
    Rule { name: "signin:client", max: st.config.max_failures_per_client, window_secs: window(st) }
}
fn per_account_and_client(st: &AppState) -> Rule {
    Rule { name: "signin:account-client", max: st.config.max_failures_per_account, window_secs: window(st) }
}
fn per_account(st: &AppState) -> Rule {
    Rule { name: "signin:account", max: st.config.max_failures_per_account, window_secs: window(st) }
}
fn per_device(st: &AppState) -> Rule {
    Rule { name: "signin:device", max: st.config.max_failures_per_account, window_secs: window(st) }
}
/// Wrong codes from the authenticator app (or recovery codes), per account.
pub fn codes(st: &AppState) -> Rule {
    Rule { name: "code:account", max: st.config.max_failures_per_account, window_secs: window(st) }
}

/// A password guess within the limits, to be checked.
pub struct Guess {
    attempt: Attempt,
    /// From a browser that signed in to the account before.
    trusted: bool,
}

impl Guess {
    /// The password was wrong: the guess stays counted.
    pub fn failed(self) {
        self.attempt.failed()
    }
}

/// Counts a password guess for `email` from `client`; `Ok(Err(e))` is the refusal to show.
pub async fn password_guess(
    st: &AppState,
    email: &str,
    account: Option<&Account>,
    client: &str,
) -> Result<Result<Guess, AppError>, AppError> {
    let device = crate::platform::request::cookie(store::DEVICE_COOKIE).unwrap_or_default();
    let trusted = match account {
        Some(a) => store::device_trusted(&st.db, &device, &a.id).await?,
        None => false,
    };
    let device_key = crate::util::hash_token(&device);
    let account_client = format!("{email}|{client}");
    let mut checks: Vec<(Rule, &str)> = vec![(per_client(st), client), (per_account_and_client(st), account_client.as_str())];
    if trusted {
        checks.push((per_device(st), device_key.as_str()));
    } else {
        checks.push((per_account(st), email));
    }
    let refusal = match limits::attempt(&st.db, &checks).await? {
        Ok(attempt) => return Ok(Ok(Guess { attempt, trusted })),
        Err(r) => r,
    };
    let user_id = account.map(|a| a.id.as_str());
    let detail = format!("limit {}", refusal.rule.name);
    events::record(&st.db, EventKind::SignInThrottled, Event { user_id, subject: email, client, detail: &detail }).await;
    let wait = refusal.wait_in_words();
    if refusal.rule.name != per_account(st).name {
        return Ok(Err(refusal
            .error(format!("Too many attempts to sign in. For your safety, please wait {wait} and try again, or reset your password."))));
    }
    if let Some(account) = account {
        if !store::unlock_sent_since(&st.db, &account.id, crate::util::now() - window(st)).await? {
            events::record(&st.db, EventKind::AccountLocked, Event { user_id, subject: email, client, detail: "" }).await;
            send_unlock_link(st, account, email).await?;
            events::record(&st.db, EventKind::UnlockLinkSent, Event { user_id, subject: email, client, detail: "" }).await;
        }
    }
    Ok(Err(refusal.error(format!(
        "Too many attempts to sign in to this account from new devices. For your safety, please wait {wait}. \
         If it is your account, we have emailed you a link to sign in from this device straight away."
    ))))
}

async fn send_unlock_link(st: &AppState, account: &Account, email: &str) -> Result<(), AppError> {
    let mut tx = st.db.pool.begin().await?;
    let token = store::issue_token(&mut tx, &account.id, TokenPurpose::UnlockSignIn).await?;
    crate::email::queue(
        &mut tx,
        email,
        "Someone is trying to sign in to your Timeweave account",
        &format!(
            "Hello {},\n\nThere have been several attempts to sign in to your Timeweave account with the wrong password, \
             so signing in from new devices is paused for a while.\n\nIf that was you, open this link on the phone or \
             computer you want to use, and you can sign in there straight away:\n\n{}/sign-in/unlock?token={token}\n\n\
             The link works once and for one hour. Devices you have signed in from before are not affected.\n\n\
             If it was not you, your account is safe as long as nobody knows your password. You may want to \
             choose a new one: {}/forgot-password\n",
            account.display_name, st.config.public_url, st.config.public_url
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// After a right password: this address's wrong guesses at the account are forgotten, and
/// so are the account-wide ones if the member came in on a new device (within the limit).
/// A sign-in from a trusted device leaves the account-wide count alone: a stranger's
/// guesses keep counting against new devices.
pub async fn password_right(st: &AppState, guess: Guess, email: &str, client: &str) -> Result<(), AppError> {
    guess.attempt.succeeded(&st.db).await?;
    if !guess.trusted {
        limits::clear(&st.db, &per_account(st), email).await?;
    }
    limits::clear(&st.db, &per_account_and_client(st), &format!("{email}|{client}")).await
}

/// Counts a code guess for the account; `Ok(Err(e))` is the refusal to show.
pub async fn code_guess(st: &AppState, user_id: &str, client: &str) -> Result<Result<Attempt, AppError>, AppError> {
    match limits::attempt(&st.db, &[(codes(st), user_id)]).await? {
        Ok(a) => Ok(Ok(a)),
        Err(refusal) => {
            events::record(&st.db, EventKind::CodeThrottled, Event { user_id: Some(user_id), client, ..Default::default() }).await;
            Ok(Err(refusal.error(format!("Too many wrong codes. For your safety, please wait {} and try again.", refusal.wait_in_words()))))
        }
    }
}

/// After a right code: the account's wrong codes are forgotten.
pub async fn code_right(st: &AppState, attempt: Attempt, user_id: &str) -> Result<(), AppError> {
    attempt.succeeded(&st.db).await?;
    limits::clear(&st.db, &codes(st), user_id).await
}

/// Counts a request from an address and for an email against two rules (joining, resets,
/// self-referral); `Ok(Err(e))` is the refusal to show.
pub async fn request_limits(
    st: &AppState,
    per_client: Rule,
    per_email: Rule,
    client: &str,
    email: &str,
    what: &str,
) -> Result<Result<(), AppError>, AppError> {
    let mut checks = vec![(per_client, client)];
    if !email.is_empty() {
        checks.push((per_email, email));
    }
    match limits::attempt(&st.db, &checks).await? {
        Ok(_) => Ok(Ok(())),
        Err(refusal) => {
            let detail = format!("limit {}", refusal.rule.name);
            events::record(&st.db, EventKind::RateLimited, Event { subject: email, client, detail: &detail, ..Default::default() }).await;
            Ok(Err(refusal.error(format!("Too many {what} from here just now. Please wait {} and try again.", refusal.wait_in_words()))))
        }
    }
}
