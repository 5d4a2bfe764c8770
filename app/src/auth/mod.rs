//! Confirming an email, signing in and out, two-step sign-in, and passwords. Joining is
//! `crate::joining`, which uses the helpers here (`send_confirmation`, `throttle`).
//!
//! Sessions live in the database (see `store`); the cookie holds only a random token.
//! Every function here decides on the server who is calling; forms post to them with
//! `ActionForm`, so they work with JavaScript off (Leptos redirects back to the form,
//! carrying the error) and, with it on, without a full page load.

pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod second_factor;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod throttle;

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    platform::request::{finish, signed_in},
    platform::state::state,
};

/// Only a path on this site, so `?next=` cannot send someone elsewhere after sign-in.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/api/")
                && n.len() <= 500
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_string()
        }
        _ => "/home".to_string(),
    }
}

/// Emails a single-use link to confirm an address, inside the caller's transaction.
#[cfg(feature = "ssr")]
pub(crate) async fn send_confirmation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    st: &crate::platform::state::AppState,
    user_id: &str,
    email: &str,
    name: &str,
    next: Option<&str>,
) -> Result<(), AppError> {
    let token = store::issue_token(tx, user_id, store::TokenPurpose::ConfirmEmail).await?;
    // Where to go after signing in, when they joined from somewhere (a listing they saw).
    let next = next.map(|n| format!("&next={}", crate::components::url::urlencode(&safe_next(Some(n))))).unwrap_or_default();
    crate::email::queue(
        tx,
        email,
        "Confirm your email for Timeweave",
        &format!(
            "Hello {name},\n\nPlease confirm your email address for Timeweave by opening this link:\n\n{}/confirm-email?token={token}{next}\n\nThe link works once and for 7 days.\n",
            st.config.public_url
        ),
    )
    .await
}

/// Starts a new session for the user and sets its cookie on this response. `second_factor`:
/// the person also gave a code from their authenticator (or a recovery code).
#[cfg(feature = "ssr")]
async fn start_session(st: &crate::platform::state::AppState, user_id: &str, second_factor: bool) -> Result<(), AppError> {
    let token = store::create_session(st, user_id, second_factor).await?;
    crate::platform::request::set_cookie(crate::platform::request::session_cookie(&st.config, &token));
    Ok(())
}

/// Marks this browser as one the person signs in from (see `throttle`).
#[cfg(feature = "ssr")]
async fn trust_this_browser(st: &crate::platform::state::AppState, user_id: &str) -> Result<(), AppError> {
    let token = store::trust_device(&st.db, user_id).await?;
    crate::platform::request::set_cookie(crate::platform::request::cookie_header(
        &st.config,
        store::DEVICE_COOKIE,
        &token,
        store::DEVICE_SECS as u64,
    ));
    Ok(())
}

/// A security event about the caller of this server function.
#[cfg(feature = "ssr")]
async fn event(st: &crate::platform::state::AppState, kind: crate::platform::events::EventKind, user_id: Option<&str>, subject: &str) {
    let client = crate::platform::request::client_key(st.config.trust_proxy);
    crate::platform::events::record(&st.db, kind, crate::platform::events::Event { user_id, subject, client: &client, detail: "" }).await;
}

/// Confirms an email address with the single-use link from the welcome email.
#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String, next: Option<String>) -> Result<(), AppError> {
    finish(async {
        let st = state()?;
        let mut tx = st.db.pool.begin().await?;
        let Some(user_id) = store::consume_token(&mut tx, &token, store::TokenPurpose::ConfirmEmail).await? else {
            return Err(AppError::NotFound(
                "This link has already been used or has expired. Try signing in; if your email is not confirmed we will send a new link.".into(),
            ));
        };
        store::mark_email_confirmed(&mut tx, &user_id).await?;
        tx.commit().await?;
        match next.as_deref().filter(|n| !n.is_empty()) {
            Some(n) => leptos_axum::redirect(&format!(
                "/sign-in?confirmed=1&next={}",
                crate::components::url::urlencode(&safe_next(Some(n)))
            )),
            None => leptos_axum::redirect("/sign-in?confirmed=1"),
        }
        Ok(())
    }.await)
}

/// Signs in with email and password. Throttled per account and per client address.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let keep = || FormProblem::new().keep("email", &email);
            let parsed = match domain::Email::parse(&email) {
                Ok(e) => e,
                Err(m) => return keep().field("email", m).into_result(),
            };
            if password.is_empty() {
                return keep().field("password", "Enter your password.").into_result();
            }
            let client = crate::platform::request::client_key(st.config.trust_proxy);
            let account = store::find_account_by_email(&st.db, parsed.as_str()).await?;
            // Counted before it is checked: parallel guesses cannot pass the limits.
            let attempt = throttle::password_guess(&st, parsed.as_str(), account.as_ref(), &client).await??;
            let ok = password::verify(password, account.as_ref().and_then(|a| a.password_hash.clone())).await?;
            let Some(account) = account.filter(|_| ok) else {
                attempt.failed();
                event(&st, crate::platform::events::EventKind::SignInFailed, None, parsed.as_str()).await;
                let mut p = keep();
                p.summary = "That email and password do not match an account. Check them and try again.".into();
                return p.into_result();
            };
            throttle::password_right(&st, attempt, parsed.as_str(), &client).await?;
            if !account.email_confirmed {
                let mut tx = st.db.pool.begin().await?;
                send_confirmation(&mut tx, &st, &account.id, parsed.as_str(), &account.display_name, next.as_deref()).await?;
                tx.commit().await?;
                let mut p = keep();
                p.summary = "Please confirm your email address first. We have just sent you a new link.".into();
                return p.into_result();
            }
            // A fresh session id at every sign-in; any session the browser already had ends.
            if let Some(old) = crate::platform::request::cookie(crate::platform::request::SESSION_COOKIE) {
                store::end_session(&st.db, &old).await?;
            }
            let next = safe_next(next.as_deref());
            if second_factor::is_enabled(&st.db, &account.id).await? {
                // The password was right; the session starts only once the code is right too.
                let token = second_factor::open_challenge(&st.db, &account.id, &next).await?;
                crate::platform::request::set_cookie(challenge_cookie(&st, &token, second_factor::CHALLENGE_SECS));
                leptos_axum::redirect("/sign-in/code");
                return Ok(());
            }
            start_session(&st, &account.id, false).await?;
            trust_this_browser(&st, &account.id).await?;
            // Staff without a second factor are sent to set one up: their tools wait for it.
            let staff = crate::networks::store::load_viewer(&st.db, &account.id).await?.is_some_and(|v| v.is_staff());
            leptos_axum::redirect(if staff { "/account/two-step?required=1" } else { &next });
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn challenge_cookie(st: &crate::platform::state::AppState, token: &str, max_age: i64) -> String {
    crate::platform::request::cookie_header(&st.config, second_factor::CHALLENGE_COOKIE, token, max_age.max(0) as u64)
}

/// The second step of signing in: a code from the authenticator app, or a recovery code.
#[server(endpoint = "sign_in_code")]
pub async fn sign_in_code(code: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let cookie = crate::platform::request::cookie(second_factor::CHALLENGE_COOKIE).unwrap_or_default();
            let Some((user_id, next)) = (if cookie.is_empty() { None } else { second_factor::challenge(&st.db, &cookie).await? }) else {
                return Err(AppError::Forbidden(
                    "That sign-in has timed out or had too many wrong codes. Please sign in again with your password.".into(),
                ));
            };
            if code.trim().is_empty() {
                return FormProblem::new()
                    .field("code", "Enter the 6-digit code from your authenticator app, or a recovery code.")
                    .into_result();
            }
            // Wrong codes count against the account as well as the challenge, so signing in
            // again with the password does not buy more guesses; counted before checking.
            let client = crate::platform::request::client_key(st.config.trust_proxy);
            let attempt = throttle::code_guess(&st, &user_id, &client).await??;
            if !second_factor::take_attempt(&st.db, &cookie).await? {
                return Err(AppError::Forbidden("That sign-in had too many wrong codes. Please sign in again with your password.".into()));
            }
            if !second_factor::verify(&st, &user_id, &code).await? {
                attempt.failed();
                event(&st, crate::platform::events::EventKind::CodeWrong, Some(&user_id), "").await;
                return FormProblem::new()
                    .field("code", "That code did not work. Codes change every 30 seconds and each works once: try the newest one.")
                    .into_result();
            }
            throttle::code_right(&st, attempt, &user_id).await?;
            second_factor::close_challenge(&st.db, &cookie).await?;
            crate::platform::request::set_cookie(challenge_cookie(&st, "", 0));
            start_session(&st, &user_id, true).await?;
            trust_this_browser(&st, &user_id).await?;
            leptos_axum::redirect(&safe_next(Some(&next)));
            Ok(())
        }
        .await,
    )
}

/// What the two-step page shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TwoStepView {
    pub enabled: bool,
    /// Staff roles need it: it cannot be turned off.
    pub required: bool,
    /// This session proved a second factor.
    pub this_session: bool,
    /// While setting up: the key to type into the app, its address, and the recovery codes.
    pub secret: Option<String>,
    pub uri: Option<String>,
    pub pending_codes: Vec<String>,
    pub recovery_left: i64,
}

/// The signed-in person's two-step sign-in: on, or the key and codes to set it up.
#[server(endpoint = "two_step")]
pub async fn two_step() -> Result<TwoStepView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            // A staff member's password-only session has had its powers taken out and is marked.
            let required = viewer.is_staff() || viewer.needs_second_factor;
            let enabled = second_factor::is_enabled(&st.db, &viewer.user_id).await?;
            let session = crate::platform::request::cookie(crate::platform::request::SESSION_COOKIE).unwrap_or_default();
            let f = if enabled {
                second_factor::state_of(&st, &viewer.user_id).await?
            } else {
                Some(second_factor::begin_setup(&st, &viewer.user_id, &session).await?)
            };
            let f = f.ok_or_else(|| crate::error::unexpected("two step: no state"))?;
            let account = viewer.email.clone().unwrap_or_else(|| viewer.display_name.clone());
            Ok(TwoStepView {
                enabled,
                required,
                this_session: viewer.second_factor,
                secret: (!enabled).then(|| f.secret.clone()),
                uri: (!enabled).then(|| second_factor::otpauth_uri(&f.secret, &account)),
                pending_codes: if enabled { vec![] } else { f.pending_codes },
                recovery_left: f.recovery_left,
            })
        }
        .await,
    )
}

/// Turns two-step sign-in on with the first code from the app. This session counts as
/// having proved it.
#[server(endpoint = "enable_two_step")]
pub async fn enable_two_step(code: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let session = crate::platform::request::cookie(crate::platform::request::SESSION_COOKIE).unwrap_or_default();
            let Some(f) = second_factor::pending_for(&st, &viewer.user_id, &session).await?.filter(|f| !f.enabled) else {
                return Err(AppError::Conflict(
                    "Two-step sign-in is already on, or is being set up from another sign-in. Reload the page to start again here.".into(),
                ));
            };
            let Some(step) = second_factor::matching_step(&f.secret, &code, crate::util::now() as u64) else {
                return FormProblem::new()
                    .field("code", "That code did not match. Check the key in your app and type the 6 digits it shows now.")
                    .into_result();
            };
            let mut tx = st.db.pool.begin().await?;
            if !second_factor::enable(&mut tx, &st, &viewer.user_id, step, &f.pending_codes).await? {
                return Err(AppError::Conflict("Two-step sign-in is already on.".into()));
            }
            tx.commit().await?;
            event(&st, crate::platform::events::EventKind::TwoStepOn, Some(&viewer.user_id), "").await;
            if let Some(token) = crate::platform::request::cookie(crate::platform::request::SESSION_COOKIE) {
                second_factor::mark_session(&st.db, &token).await?;
            }
            leptos_axum::redirect("/account/two-step?done=on");
            Ok(())
        }
        .await,
    )
}

/// Turns two-step sign-in off (residents only: staff roles need it). Asks for a current
/// code, so a borrowed unlocked phone is not enough.
#[server(endpoint = "disable_two_step")]
pub async fn disable_two_step(code: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            if viewer.is_staff() || viewer.needs_second_factor {
                return Err(AppError::Forbidden(
                    "Community builders, professionals and administrators must keep two-step sign-in on.".into(),
                ));
            }
            // The same budget of wrong codes as signing in, counted before checking.
            let client = crate::platform::request::client_key(st.config.trust_proxy);
            let attempt = throttle::code_guess(&st, &viewer.user_id, &client).await??;
            if !second_factor::verify(&st, &viewer.user_id, &code).await? {
                attempt.failed();
                event(&st, crate::platform::events::EventKind::CodeWrong, Some(&viewer.user_id), "turning two-step sign-in off").await;
                return FormProblem::new()
                    .field("code", "That code did not work. Type the newest code from your app, or a recovery code.")
                    .into_result();
            }
            throttle::code_right(&st, attempt, &viewer.user_id).await?;
            let mut tx = st.db.pool.begin().await?;
            second_factor::disable(&mut tx, &viewer.user_id).await?;
            tx.commit().await?;
            event(&st, crate::platform::events::EventKind::TwoStepOff, Some(&viewer.user_id), "").await;
            leptos_axum::redirect("/account/two-step?done=off");
            Ok(())
        }
        .await,
    )
}

/// Signs out: the session ends on the server, not only in the browser.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            if let Some(token) = crate::platform::request::cookie(crate::platform::request::SESSION_COOKIE) {
                store::end_session(&st.db, &token).await?;
            }
            crate::platform::request::set_cookie(crate::platform::request::clear_session_cookie(&st.config));
            leptos_axum::redirect("/?signed_out=1");
            Ok(())
        }
        .await,
    )
}

/// Changes the password of the signed-in person; every other session of theirs ends.
#[server(endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_any_role(&viewer)?;
            confirm_password(&st, &viewer.user_id, current_password, "current_password").await?;
            let context: Vec<&str> = vec![viewer.email.as_deref().unwrap_or(""), viewer.display_name.as_str()];
            let parsed = domain::NewPassword::parse(&new_password, &context).map_err(|m| AppError::invalid("new_password", m))?;
            let hash = password::hash(parsed.expose().to_string()).await?;
            let mut tx = st.db.pool.begin().await?;
            store::set_password_hash(&mut tx, &viewer.user_id, &hash).await?;
            store::end_all_sessions(&mut tx, &viewer.user_id).await?;
            tx.commit().await?;
            event(&st, crate::platform::events::EventKind::PasswordChanged, Some(&viewer.user_id), "").await;
            start_session(&st, &viewer.user_id, viewer.second_factor).await?;
            leptos_axum::redirect("/account?changed=password");
            Ok(())
        }
        .await,
    )
}

/// The signed-in member's own password, typed again before something that cannot be undone
/// lightly (a new password, closing the account); refused on the form's `field` if wrong.
/// Guesses are limited like sign-in, counted before checking.
#[cfg(feature = "ssr")]
pub async fn confirm_password(st: &crate::platform::state::AppState, user_id: &str, typed: String, field: &str) -> Result<(), AppError> {
    let attempt = match crate::platform::limits::attempt(&st.db, &[(crate::platform::limits::CURRENT_PASSWORD, user_id)]).await? {
        Ok(a) => a,
        Err(refusal) => {
            event(st, crate::platform::events::EventKind::SignInThrottled, Some(user_id), "current password").await;
            return Err(
                refusal.error(format!("Too many wrong passwords. For your safety, please wait {} and try again.", refusal.wait_in_words()))
            );
        }
    };
    let stored = store::password_hash_of(&st.db, user_id).await?;
    if !password::verify(typed, stored).await? {
        attempt.failed();
        event(st, crate::platform::events::EventKind::SignInFailed, Some(user_id), "current password").await;
        return FormProblem::new().field(field, "That is not your current password.").into_result();
    }
    attempt.succeeded(&st.db).await?;
    Ok(())
}

/// Emails a single-use link to choose a new password. Says the same, in the same time,
/// whether or not the address has an account: the lookup and the email are queued work
/// done after the answer.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let parsed = match domain::Email::parse(&email) {
                Ok(e) => e,
                Err(m) => return FormProblem::new().keep("email", &email).field("email", m).into_result(),
            };
            let client = crate::platform::request::client_key(st.config.trust_proxy);
            use crate::platform::limits::{RESET_PER_CLIENT, RESET_PER_EMAIL};
            throttle::request_limits(&st, RESET_PER_CLIENT, RESET_PER_EMAIL, &client, parsed.as_str(), "requests for a new password")
                .await??;
            let task_state = st.clone();
            let address = parsed.as_str().to_string();
            tokio::spawn(async move {
                if let Err(e) = send_reset_link(&task_state, &address).await {
                    tracing::error!("sending a password reset link: {e}");
                }
            });
            leptos_axum::redirect("/forgot-password/sent");
            Ok(())
        }
        .await,
    )
}

/// The queued half of `request_password_reset`: a link if the address has an account.
#[cfg(feature = "ssr")]
pub async fn send_reset_link(st: &crate::platform::state::AppState, email: &str) -> Result<(), AppError> {
    let Some(account) = store::find_account_by_email(&st.db, email).await? else { return Ok(()) };
    let mut tx = st.db.pool.begin().await?;
    let token = store::issue_token(&mut tx, &account.id, store::TokenPurpose::ResetPassword).await?;
    crate::email::queue(
        &mut tx,
        email,
        "Choose a new Timeweave password",
        &format!(
            "Hello {},\n\nTo choose a new password, open this link:\n\n{}/reset-password?token={}\n\nThe link works once and for one hour. If you did not ask for this, ignore this email: your password has not changed.\n",
            account.display_name, st.config.public_url, token
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with the emailed link. The link works once; every session ends.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let parsed = domain::NewPassword::parse(&new_password, &[]).map_err(|m| AppError::invalid("new_password", m))?;
            let hash = password::hash(parsed.expose().to_string()).await?;
            let mut tx = st.db.pool.begin().await?;
            let Some(user_id) = store::consume_token(&mut tx, &token, store::TokenPurpose::ResetPassword).await? else {
                return Err(AppError::NotFound("This link has already been used or has expired. Please ask for a new one.".into()));
            };
            store::set_password_hash(&mut tx, &user_id, &hash).await?;
            // One link used ends every other: an older email found later cannot be used.
            store::end_tokens(&mut tx, &user_id, store::TokenPurpose::ResetPassword).await?;
            // Whoever could read the email can now sign in, so the address is confirmed too.
            store::mark_email_confirmed(&mut tx, &user_id).await?;
            store::end_all_sessions(&mut tx, &user_id).await?;
            store::forget_devices(&mut tx, &user_id).await?;
            tx.commit().await?;
            event(&st, crate::platform::events::EventKind::PasswordReset, Some(&user_id), "").await;
            leptos_axum::redirect("/sign-in?reset=1");
            Ok(())
        }
        .await,
    )
}

/// Opens an emailed unlock link: this browser may sign in to the account now, whatever
/// wrong passwords were tried from elsewhere (see `throttle`).
#[server(endpoint = "unlock_sign_in")]
pub async fn unlock_sign_in(token: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let mut tx = st.db.pool.begin().await?;
            let Some(user_id) = store::consume_token(&mut tx, &token, store::TokenPurpose::UnlockSignIn).await? else {
                return Err(AppError::NotFound(
                    "This link has already been used or has expired. Wait a little and sign in as usual.".into(),
                ));
            };
            tx.commit().await?;
            trust_this_browser(&st, &user_id).await?;
            event(&st, crate::platform::events::EventKind::UnlockUsed, Some(&user_id), "").await;
            leptos_axum::redirect("/sign-in?unlocked=1");
            Ok(())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("//evil.example")), "/home");
        assert_eq!(safe_next(Some("https://evil.example")), "/home");
        assert_eq!(safe_next(Some("/\\evil.example")), "/home");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/home", "browsers drop the tab and go off-site");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), "/home");
        assert_eq!(safe_next(Some("/listings?q=garden&per=10")), "/listings?q=garden&per=10");
        assert_eq!(safe_next(None), "/home");
    }
}
