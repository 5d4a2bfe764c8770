//! Joining a network online: the form's checks, the new account and membership, the email
//! to confirm the address, and joining by a referral's invitation (which skips approval
//! and marks the referral joined).
//!
//! It sits above `auth` (passwords, confirmation links, request limits) and `referrals`
//! (invitations), and uses both; `auth` itself knows nothing of referrals.

pub mod pages;

use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{auth::domain, error::FormProblem, platform::request::finish, platform::state::state};

/// What a valid join form gives, once checked and within the request limits.
#[cfg(feature = "ssr")]
struct Joiner {
    name: domain::DisplayName,
    email: domain::Email,
    password: domain::NewPassword,
    locality: String,
    about: String,
    network_id: String,
    requires_approval: bool,
}

/// The join form as posted.
#[cfg(feature = "ssr")]
struct JoinForm<'a> {
    display_name: &'a str,
    email: &'a str,
    password: &'a str,
    locality: String,
    code_of_conduct: Option<&'a str>,
    about: Option<String>,
    invite: Option<&'a str>,
    next: Option<&'a str>,
}

/// Joins a network: makes the account and a membership (pending where the network vets
/// members) and emails a link to confirm the address.
#[server(endpoint = "join")]
pub async fn join(
    display_name: String,
    email: String,
    password: String,
    locality: String,
    code_of_conduct: Option<String>,
    about: Option<String>,
    invite: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            // Invited from a referral: the area is the referral's, and no approval is needed.
            let invitation = match invite.as_deref().filter(|i| !i.is_empty()) {
                Some(token) => Some(crate::referrals::invitation(&st, token).await?.ok_or_else(|| {
                    AppError::NotFound("This invitation has expired or was already used. Ask your community builder for a new one.".into())
                })?),
                None => None,
            };
            let locality = invitation.as_ref().map(|(_, _, l, _)| l.clone()).unwrap_or(locality);
            if crate::platform::request::viewer().await?.is_some() {
                return Err(AppError::Conflict("You are already signed in. Sign out first to make another account.".into()));
            }
            let form = JoinForm {
                display_name: &display_name,
                email: &email,
                password: &password,
                locality,
                code_of_conduct: code_of_conduct.as_deref(),
                about,
                invite: invite.as_deref(),
                next: next.as_deref(),
            };
            let joiner = check_form(&st, form, invitation.is_some()).await?;
            let referral = invitation.as_ref().map(|(referral, _, _, from)| (referral.as_str(), *from));
            // Where they were looking before they joined: the confirmation link brings them back.
            let next = next.as_deref().filter(|n| !n.is_empty());
            let new_member = make_account(&st, &joiner, referral, next).await?;
            // Where no approval is needed the member is active now: their welcome hours follow
            // (once: the transfer id is fixed per member). Approval gives them otherwise.
            if let (Some(user_id), false) = (new_member, joiner.requires_approval) {
                crate::ledger::grant_starting_credit(&st, &joiner.network_id, &user_id).await?;
            }
            leptos_axum::redirect("/join/check-email");
            Ok(())
        }
        .await,
    )
}

/// Checks every answer (all problems at once, with what was typed kept), then counts the
/// attempt against the joining limits.
#[cfg(feature = "ssr")]
async fn check_form(st: &crate::platform::state::AppState, form: JoinForm<'_>, invited: bool) -> Result<Joiner, AppError> {
    use domain::{DisplayName, Email, NewPassword};
    let JoinForm { display_name, email, password, locality, code_of_conduct, about, invite, next } = form;
    let mut problem = FormProblem::new()
        .keep("display_name", display_name)
        .keep("email", email)
        .keep("locality", &locality)
        .keep("code_of_conduct", code_of_conduct.unwrap_or(""))
        .keep("about", about.as_deref().unwrap_or(""))
        .keep("invite", invite.unwrap_or(""))
        .keep("next", next.unwrap_or(""));
    let about = about.unwrap_or_default().trim().to_string();
    if about.chars().count() > 1000 || crate::util::has_control_chars(&about) {
        problem.push("about", "Keep it to 1000 ordinary characters.");
    }
    let name = DisplayName::parse(display_name).map_err(|m| problem.push("display_name", m)).ok();
    let parsed_email = Email::parse(email).map_err(|m| problem.push("email", m)).ok();
    let context: Vec<&str> = [email.trim(), display_name.trim()].into_iter().collect();
    let new_password = NewPassword::parse(password, &context).map_err(|m| problem.push("password", m)).ok();
    let network = if locality.is_empty() {
        problem.push("locality", "Choose the area you live in.");
        None
    } else {
        let found = crate::networks::store::locality_network(&st.db, &locality).await?;
        if found.is_none() {
            problem.push("locality", "Choose the area you live in from the list.");
        }
        found
    };
    if code_of_conduct.is_none() {
        problem.push("code_of_conduct", "Please read and agree to the code of conduct to join.");
    }
    let network = network.map(|(n, approval)| (n, approval && !invited));
    problem.into_result()?;
    let client = crate::platform::request::client_key(st.config.trust_proxy);
    let target = parsed_email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default();
    use crate::platform::limits::{JOIN_PER_CLIENT, JOIN_PER_EMAIL};
    crate::auth::throttle::request_limits(st, JOIN_PER_CLIENT, JOIN_PER_EMAIL, &client, &target, "attempts to join").await??;
    let (Some(name), Some(email), Some(password), Some((network_id, requires_approval))) = (name, parsed_email, new_password, network)
    else {
        return Err(crate::error::unexpected("join: parsed values missing after validation"));
    };
    Ok(Joiner { name, email, password, locality, about, network_id, requires_approval })
}

/// Makes the member and emails the confirmation link, in one transaction; returns the new
/// user's id. An address that already has an account gets a note instead (and `None`), so
/// the answer is the same either way. `referral`: the invitation's referral and its status
/// when it was read, marked joined in the same transaction.
#[cfg(feature = "ssr")]
async fn make_account(
    st: &crate::platform::state::AppState,
    joiner: &Joiner,
    referral: Option<(&str, crate::referrals::domain::Status)>,
    next: Option<&str>,
) -> Result<Option<String>, AppError> {
    use crate::networks::store::{create_member, JoinedBy, NewAccount, NewMembership};
    let hash = crate::auth::password::hash(joiner.password.expose().to_string()).await?;
    let email = joiner.email.as_str();
    let existing = crate::auth::store::find_account_by_email(&st.db, email).await?;
    let mut tx = st.db.pool.begin().await?;
    if existing.is_some() {
        // Say the same as for a new address (no account discovery); tell the owner instead.
        crate::email::queue(
            &mut tx,
            email,
            "Someone tried to join Timeweave with your email",
            &format!(
                "Hello,\n\nSomeone (perhaps you) tried to join Timeweave with this email address, but you already have an account.\n\nSign in: {}/sign-in\nForgotten your password? {}/forgot-password\n\nIf this wasn't you, you can ignore this email.\n",
                st.config.public_url, st.config.public_url
            ),
        )
        .await?;
        tx.commit().await?;
        return Ok(None);
    }
    let user_id = create_member(
        &mut tx,
        &NewAccount { display_name: joiner.name.as_str(), email: Some(email), password_hash: Some(&hash), ..Default::default() },
        &NewMembership {
            network_id: &joiner.network_id,
            locality_id: &joiner.locality,
            about: &joiner.about,
            joined_by: JoinedBy::Themselves { requires_approval: joiner.requires_approval },
        },
    )
    .await?;
    crate::auth::send_confirmation(&mut tx, st, &user_id, email, joiner.name.as_str(), next).await?;
    if let Some((referral, from)) = referral {
        if !crate::referrals::joined_by_invitation(&mut tx, referral, from, &user_id).await? {
            return Err(AppError::Conflict("This invitation was changed just now. Ask your community builder for a new one.".into()));
        }
    }
    tx.commit().await?;
    Ok(Some(user_id))
}
