//! Health and care professionals: they apply with their organisation, role and work
//! email; a site admin checks and verifies them (or turns them down with a reason) before
//! they can refer. Verifying can also make them their organisation's lead, who sees the
//! organisation's referrals. Professionals sign in with two-step sign-in (see `auth`).
//! This module owns the server functions; `store` holds the SQL, `pages` the screens.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{
    auth::domain::{DisplayName, Email, NewPassword},
    error::FormProblem,
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};

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
            store::organisations(&st.db).await
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
    finish(
        async {
            let st = state()?;
            if crate::platform::request::viewer().await?.is_some() {
                return Err(AppError::Conflict("You are already signed in. Sign out first to apply for a referrer account.".into()));
            }
            let new_organisation = new_organisation.unwrap_or_default().trim().to_string();
            let organisation_kind = organisation_kind.unwrap_or_default().trim().to_string();
            // The form has no list of organisations (that list is not for anyone passing by):
            // a typed name that matches one is that organisation.
            let existing_org = if organisation.is_empty() || organisation == "new" {
                store::organisation_named(&st.db, &new_organisation).await?
            } else {
                store::organisation(&st.db, &organisation).await?
            };
            let form = ApplicationForm {
                display_name: &display_name,
                email: &email,
                password: &password,
                organisation: &organisation,
                new_organisation: &new_organisation,
                organisation_kind: &organisation_kind,
                job_title: &job_title,
            };
            let application = form.read(existing_org)?;
            let hash = crate::auth::password::hash(application.password.expose().to_string()).await?;
            let existing = crate::auth::store::find_account_by_email(&st.db, application.email.as_str()).await?;
            let mut tx = st.db.pool.begin().await?;
            if existing.is_some() {
                crate::email::queue(
                    &mut tx,
                    application.email.as_str(),
                    "Someone applied for a Timeweave referrer account with your email",
                    &format!("Hello,\n\nSomeone (perhaps you) applied for a referrer account with this email address, but it already has an account. Sign in at {}/sign-in, or ask a site administrator to add the professional role to it.\n", st.config.public_url),
                )
                .await?;
            } else {
                create_applicant(&mut tx, &st, &application, &hash).await?;
            }
            tx.commit().await?;
            leptos_axum::redirect("/join/check-email?professional=1");
            Ok(())
        }
        .await,
    )
}

/// The application form as typed (organisation fields already trimmed).
#[cfg(feature = "ssr")]
struct ApplicationForm<'a> {
    display_name: &'a str,
    email: &'a str,
    password: &'a str,
    organisation: &'a str,
    new_organisation: &'a str,
    organisation_kind: &'a str,
    job_title: &'a str,
}

/// An application that passed the form's rules.
#[cfg(feature = "ssr")]
struct Application {
    name: DisplayName,
    email: Email,
    password: NewPassword,
    /// The organisation they chose or named, when we know it; otherwise a new one.
    existing_org: Option<String>,
    new_organisation: String,
    organisation_kind: String,
    job_title: String,
}

#[cfg(feature = "ssr")]
impl ApplicationForm<'_> {
    /// The form's rules, every problem at once, in the form's order.
    fn read(&self, existing_org: Option<String>) -> Result<Application, AppError> {
        let mut problem = FormProblem::new()
            .keep("display_name", self.display_name)
            .keep("email", self.email)
            .keep("organisation", self.organisation)
            .keep("new_organisation", self.new_organisation)
            .keep("organisation_kind", self.organisation_kind)
            .keep("job_title", self.job_title);
        let name = DisplayName::parse(self.display_name).map_err(|m| problem.push("display_name", m)).ok();
        let parsed_email = Email::parse(self.email).map_err(|m| problem.push("email", m)).ok();
        let context: Vec<&str> = vec![self.email.trim(), self.display_name.trim()];
        let new_password = NewPassword::parse(self.password, &context).map_err(|m| problem.push("password", m)).ok();
        if existing_org.is_none() {
            self.check_new_organisation(&mut problem);
        }
        let title = self.job_title.trim();
        if title.chars().count() < 2 || title.chars().count() > 100 || crate::util::has_control_chars(title) {
            problem.push("job_title", "Write your role, for example \"GP link worker\".");
        }
        problem.into_result()?;
        let (Some(name), Some(email), Some(password)) = (name, parsed_email, new_password) else {
            return Err(crate::error::unexpected("apply: values missing"));
        };
        Ok(Application {
            name,
            email,
            password,
            existing_org,
            new_organisation: self.new_organisation.to_string(),
            organisation_kind: self.organisation_kind.to_string(),
            job_title: title.to_string(),
        })
    }

    /// An organisation we do not know: it must be "Not listed" with a name and a kind.
    fn check_new_organisation(&self, problem: &mut FormProblem) {
        let new_organisation = self.new_organisation;
        if self.organisation != "new" && !self.organisation.is_empty() {
            problem.push("organisation", "Choose your organisation from the list, or \"Not listed\".");
        } else if new_organisation.chars().count() < 3
            || new_organisation.chars().count() > 120
            || crate::util::has_control_chars(new_organisation)
        {
            problem.push("new_organisation", "Write your organisation's full name, for example \"Airdrie Health Centre\".");
        }
        if !matches!(self.organisation_kind, "health board" | "GP practice" | "council team" | "charity" | "other") {
            problem.push("organisation_kind", "Choose what kind of organisation it is.");
        }
    }
}

/// A new applicant: their organisation (added if new), their account and professional
/// row, and the email asking them to confirm their address.
#[cfg(feature = "ssr")]
async fn create_applicant(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    st: &AppState,
    a: &Application,
    password_hash: &str,
) -> Result<(), AppError> {
    let t = crate::util::now();
    let org_id = match &a.existing_org {
        Some(id) => id.clone(),
        None => store::find_or_add_organisation(tx, &a.new_organisation, &a.organisation_kind, t).await?,
    };
    let user_id = crate::networks::store::insert_account(
        tx,
        &crate::networks::store::NewAccount {
            display_name: a.name.as_str(),
            email: Some(a.email.as_str()),
            password_hash: Some(password_hash),
            ..Default::default()
        },
    )
    .await?;
    store::insert_professional(tx, &user_id, &org_id, &a.job_title, a.email.as_str(), t).await?;
    let token = crate::auth::store::issue_token(tx, &user_id, crate::auth::store::TokenPurpose::ConfirmEmail).await?;
    crate::email::queue(
        tx,
        a.email.as_str(),
        "Confirm your email for your Timeweave referrer account",
        &format!(
            "Hello {},\n\nPlease confirm your work email by opening this link:\n\n{}/confirm-email?token={token}\n\nA site administrator will then check your details; we will email you when you can refer people.\n",
            a.name.as_str(),
            st.config.public_url
        ),
    )
    .await?;
    Ok(())
}

/// Everyone who applied, waiting first (site admins).
#[server(endpoint = "professional_applications")]
pub async fn professional_applications() -> Result<Vec<ApplicantView>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_site_admin(&viewer)?;
            store::applications(&st.db).await
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
        let applicant = store::applicant(&st.db, &user_id).await?.ok_or_else(|| AppError::not_found("applicant"))?;
        let (name, email) = (applicant.display_name, applicant.email);
        let mut problem = FormProblem::new().keep("decision", &decision).keep("reason", &reason);
        let verify = match decision.as_str() {
            "verify" => Some(true),
            "reject" => Some(false),
            _ => {
                problem.push("decision", "Choose to verify or turn down.");
                None
            }
        };
        if verify == Some(true) && applicant.email_confirmed_at.is_none() {
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
            store::verify(&mut tx, &user_id, &viewer.user_id, lead, t).await?;
        } else {
            store::reject(&mut tx, &user_id, &reason, t).await?;
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
