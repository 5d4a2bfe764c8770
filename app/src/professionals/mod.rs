//! Health and care professionals: they apply with their organisation, role and work
//! email; a site admin checks and verifies them (or turns them down with a reason) before
//! they can refer. Verifying can also make them their organisation's lead, who sees the
//! organisation's referrals. Professionals sign in with two-step sign-in (see `auth`).

pub mod pages;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    error::FormProblem,
    platform::request::{finish, signed_in},
    platform::state::state,
};
#[cfg(feature = "ssr")]
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub work_email: String,
    pub organisation: String,
    pub job_title: String,
    pub applied_at: i64,
    pub verified_at: Option<i64>,
    pub rejected_reason: String,
    pub is_org_lead: bool,
}

/// Organisations to choose from when applying.
#[server(endpoint = "organisation_choices")]
pub async fn organisation_choices() -> Result<Vec<(String, String)>, AppError> {
    finish(
        async {
            let st = state()?;
            // Only for people applying (signed in): the list is not for anyone passing by.
            signed_in().await?;
            Ok(sqlx::query("SELECT id, name FROM organisations ORDER BY name")
                .fetch_all(&st.db.pool)
                .await?
                .into_iter()
                .map(|r| (r.get("id"), r.get("name")))
                .collect())
        }
        .await,
    )
}

/// A professional applies for a referrer account. Their sign-in email must be confirmed;
/// a site admin then verifies them.
#[server(endpoint = "apply_as_professional")]
#[allow(clippy::too_many_arguments)]
pub async fn apply_as_professional(
    display_name: String,
    email: String,
    password: String,
    organisation: String,
    new_organisation: Option<String>,
    organisation_kind: Option<String>,
    job_title: String,
) -> Result<(), AppError> {
    finish(async {
        use crate::auth::domain::{DisplayName, Email, NewPassword};
        let st = state()?;
        if crate::platform::request::viewer().await?.is_some() {
            return Err(AppError::Conflict("You are already signed in. Sign out first to apply for a referrer account.".into()));
        }
        let new_organisation = new_organisation.unwrap_or_default().trim().to_string();
        let organisation_kind = organisation_kind.unwrap_or_default().trim().to_string();
        let mut problem = FormProblem::new()
            .keep("display_name", &display_name)
            .keep("email", &email)
            .keep("organisation", &organisation)
            .keep("new_organisation", &new_organisation)
            .keep("organisation_kind", &organisation_kind)
            .keep("job_title", &job_title);
        let name = DisplayName::parse(&display_name).map_err(|m| problem.push("display_name", m)).ok();
        let parsed_email = Email::parse(&email).map_err(|m| problem.push("email", m)).ok();
        let context: Vec<&str> = vec![email.trim(), display_name.trim()];
        let new_password = NewPassword::parse(&password, &context).map_err(|m| problem.push("password", m)).ok();
        // The form has no list of organisations (that list is not for anyone passing by):
        // a typed name that matches one is that organisation.
        let existing_org = if organisation.is_empty() || organisation == "new" {
            sqlx::query("SELECT id FROM organisations WHERE LOWER(name) = LOWER($1)")
                .bind(&new_organisation)
                .fetch_optional(&st.db.pool)
                .await?
                .map(|r| r.get::<String, _>("id"))
        } else {
            sqlx::query("SELECT id FROM organisations WHERE id = $1").bind(&organisation).fetch_optional(&st.db.pool).await?.map(|r| r.get::<String, _>("id"))
        };
        if existing_org.is_none() {
            if organisation != "new" && !organisation.is_empty() {
                problem.push("organisation", "Choose your organisation from the list, or \"Not listed\".");
            } else if new_organisation.chars().count() < 3 || new_organisation.chars().count() > 120 || crate::util::has_control_chars(&new_organisation) {
                problem.push("new_organisation", "Write your organisation's full name, for example \"Airdrie Health Centre\".");
            }
            if existing_org.is_none() && !matches!(organisation_kind.as_str(), "health board" | "GP practice" | "council team" | "charity" | "other") {
                problem.push("organisation_kind", "Choose what kind of organisation it is.");
            }
        }
        let title = job_title.trim();
        if title.chars().count() < 2 || title.chars().count() > 100 || crate::util::has_control_chars(title) {
            problem.push("job_title", "Write your role, for example \"GP link worker\".");
        }
        problem.into_result()?;
        let (Some(name), Some(email), Some(new_password)) = (name, parsed_email, new_password) else {
            return Err(crate::error::unexpected("apply: values missing"));
        };
        let hash = crate::auth::password::hash(new_password.expose().to_string()).await?;
        let existing = crate::auth::store::find_account_by_email(&st.db, email.as_str()).await?;
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        if existing.is_some() {
            crate::email::queue(
                &mut tx,
                email.as_str(),
                "Someone applied for a Timeweave referrer account with your email",
                &format!("Hello,\n\nSomeone (perhaps you) applied for a referrer account with this email address, but it already has an account. Sign in at {}/sign-in, or ask a site administrator to add the professional role to it.\n", st.config.public_url),
            )
            .await?;
        } else {
            let org_id = match existing_org {
                Some(id) => id,
                None => {
                    // Another applicant may have just added the same organisation.
                    let found = sqlx::query("SELECT id FROM organisations WHERE LOWER(name) = LOWER($1)").bind(&new_organisation).fetch_optional(&mut *tx).await?;
                    match found {
                        Some(r) => r.get("id"),
                        None => {
                            let id = crate::util::new_id();
                            sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
                                .bind(&id)
                                .bind(&new_organisation)
                                .bind(&organisation_kind)
                                .bind(t)
                                .execute(&mut *tx)
                                .await?;
                            id
                        }
                    }
                }
            };
            let user_id = crate::networks::store::insert_account(
                &mut tx,
                &crate::networks::store::NewAccount { display_name: name.as_str(), email: Some(email.as_str()), password_hash: Some(&hash) },
            )
            .await?;
            sqlx::query(
                "INSERT INTO professionals (user_id, organisation_id, job_title, is_org_lead, verified_at, created_at, work_email)
                 VALUES ($1, $2, $3, 0, NULL, $4, $5)",
            )
            .bind(&user_id)
            .bind(&org_id)
            .bind(title)
            .bind(t)
            .bind(email.as_str())
            .execute(&mut *tx)
            .await?;
            let token = crate::auth::store::issue_token(&mut tx, &user_id, crate::auth::store::TokenPurpose::ConfirmEmail).await?;
            crate::email::queue(
                &mut tx,
                email.as_str(),
                "Confirm your email for your Timeweave referrer account",
                &format!(
                    "Hello {},\n\nPlease confirm your work email by opening this link:\n\n{}/confirm-email?token={token}\n\nA site administrator will then check your details; we will email you when you can refer people.\n",
                    name.as_str(),
                    st.config.public_url
                ),
            )
            .await?;
        }
        tx.commit().await?;
        leptos_axum::redirect("/join/check-email?professional=1");
        Ok(())
    }.await)
}

/// Everyone who applied, waiting first (site admins).
#[server(endpoint = "professional_applications")]
pub async fn professional_applications() -> Result<Vec<ApplicantView>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_site_admin(&viewer)?;
            Ok(sqlx::query(
                "SELECT p.user_id, u.display_name, COALESCE(u.email, '') AS email, p.work_email, o.name AS organisation, p.job_title,
                    p.created_at, p.verified_at, p.rejected_reason, p.is_org_lead, u.email_confirmed_at
             FROM professionals p JOIN users u ON u.id = p.user_id JOIN organisations o ON o.id = p.organisation_id
             ORDER BY CASE WHEN p.verified_at IS NULL AND p.rejected_at IS NULL THEN 0 ELSE 1 END, p.created_at DESC LIMIT 300",
            )
            .fetch_all(&st.db.pool)
            .await?
            .into_iter()
            .map(|r| ApplicantView {
                user_id: r.get("user_id"),
                name: r.get("display_name"),
                email: r.get("email"),
                work_email: r.get("work_email"),
                organisation: r.get("organisation"),
                job_title: r.get("job_title"),
                applied_at: r.get("created_at"),
                verified_at: r.get("verified_at"),
                rejected_reason: r.get("rejected_reason"),
                is_org_lead: crate::platform::db::flag(r.get("is_org_lead")),
            })
            .collect())
        }
        .await,
    )
}

/// A site admin verifies a professional (optionally as their organisation's lead) or
/// turns them down with a reason; the person is emailed either way, and it is audited.
#[server(endpoint = "decide_professional")]
pub async fn decide_professional(user_id: String, decision: String, org_lead: Option<String>, reason: String) -> Result<(), AppError> {
    finish(async {
        use crate::audit::{domain::AuditAction, store::{audit, AuditEntry}};
        let st = state()?;
        let viewer = signed_in().await?;
        crate::networks::domain::require_site_admin(&viewer)?;
        let row = sqlx::query(
            "SELECT u.display_name, u.email, u.email_confirmed_at FROM professionals p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1",
        )
        .bind(&user_id)
        .fetch_optional(&st.db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("applicant"))?;
        let name: String = row.get("display_name");
        let email: Option<String> = row.get("email");
        let mut problem = FormProblem::new().keep("decision", &decision).keep("reason", &reason);
        let verify = match decision.as_str() {
            "verify" => Some(true),
            "reject" => Some(false),
            _ => {
                problem.push("decision", "Choose to verify or turn down.");
                None
            }
        };
        if verify == Some(true) && row.get::<Option<i64>, _>("email_confirmed_at").is_none() {
            problem.push("decision", "They have not confirmed their email address yet: wait until they do.");
        }
        let reason = reason.trim().to_string();
        if verify == Some(false) && reason.chars().count() < 3 {
            problem.push("reason", "Say why, so they know what to do (it is emailed to them).");
        }
        problem.into_result()?;
        let verify = verify.unwrap_or(false);
        let lead = org_lead.is_some_and(|v| !v.is_empty());
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        if verify {
            sqlx::query("UPDATE professionals SET verified_at = $1, verified_by = $2, is_org_lead = $3, rejected_at = NULL, rejected_reason = '' WHERE user_id = $4")
                .bind(t)
                .bind(&viewer.user_id)
                .bind(lead as i64)
                .bind(&user_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE professionals SET verified_at = NULL, rejected_at = $1, rejected_reason = $2 WHERE user_id = $3")
                .bind(t)
                .bind(&reason)
                .bind(&user_id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            &AuditEntry::new(&viewer.user_id, AuditAction::DecideProfessional)
                .on_user(&user_id)
                .reason(if reason.is_empty() { "Details checked".to_string() } else { reason.clone() })
                .change("", if verify { if lead { "verified, organisation lead" } else { "verified" } } else { "turned down" }),
        )
        .await?;
        if let Some(email) = &email {
            let body = if verify {
                format!("Hello {name},\n\nYour Timeweave referrer account is verified. Sign in at {}/sign-in; you will be asked to set up two-step sign-in, and can then refer people.\n", st.config.public_url)
            } else {
                format!("Hello {name},\n\nWe could not verify your Timeweave referrer account. The administrator wrote:\n\n{reason}\n")
            };
            crate::email::queue(&mut tx, email, "About your Timeweave referrer account", &body).await?;
        }
        tx.commit().await?;
        leptos_axum::redirect("/admin/professionals?done=1");
        Ok(())
    }.await)
}
