//! SQL for professionals: organisations, applications, and a site admin's decision.

use super::ApplicantView;
use crate::error::AppError;
use crate::platform::db::{flag, Db};
use sqlx::{Any, Transaction};

/// Every organisation as (id, name), by name.
pub async fn organisations(db: &Db) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, (String, String)>("SELECT id, name FROM organisations ORDER BY name").fetch_all(&db.pool).await?)
}

/// The organisation with this name (any case).
pub async fn organisation_named(db: &Db, name: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT id FROM organisations WHERE LOWER(name) = LOWER($1)")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?)
}

/// The organisation with this id, if it exists.
pub async fn organisation(db: &Db, id: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT id FROM organisations WHERE id = $1").bind(id).fetch_optional(&db.pool).await?)
}

/// The organisation with this name (any case), added if it is new (another applicant may
/// have just added it).
pub async fn find_or_add_organisation(tx: &mut Transaction<'_, Any>, name: &str, kind: &str, at: i64) -> Result<String, sqlx::Error> {
    let found = sqlx::query_scalar::<_, String>("SELECT id FROM organisations WHERE LOWER(name) = LOWER($1)")
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = crate::util::new_id();
    sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(name)
        .bind(kind)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// A new, unverified professional.
pub async fn insert_professional(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    organisation_id: &str,
    job_title: &str,
    work_email: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO professionals (user_id, organisation_id, job_title, is_org_lead, verified_at, created_at, work_email)
         VALUES ($1, $2, $3, 0, NULL, $4, $5)",
    )
    .bind(user_id)
    .bind(organisation_id)
    .bind(job_title)
    .bind(at)
    .bind(work_email)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ApplicantRow {
    user_id: String,
    display_name: String,
    email: String,
    work_email: String,
    organisation: String,
    job_title: String,
    created_at: i64,
    verified_at: Option<i64>,
    rejected_reason: String,
    is_org_lead: i64,
}

/// Everyone who applied, waiting first (at most 300).
pub async fn applications(db: &Db) -> Result<Vec<ApplicantView>, AppError> {
    Ok(sqlx::query_as::<_, ApplicantRow>(
        "SELECT p.user_id, u.display_name, COALESCE(u.email, '') AS email, p.work_email, o.name AS organisation, p.job_title,
                p.created_at, p.verified_at, p.rejected_reason, p.is_org_lead, u.email_confirmed_at
         FROM professionals p JOIN users u ON u.id = p.user_id JOIN organisations o ON o.id = p.organisation_id
         ORDER BY CASE WHEN p.verified_at IS NULL AND p.rejected_at IS NULL THEN 0 ELSE 1 END, p.created_at DESC LIMIT 300",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| ApplicantView {
        user_id: r.user_id,
        name: r.display_name,
        email: r.email,
        work_email: r.work_email,
        organisation: r.organisation,
        job_title: r.job_title,
        applied_at: r.created_at,
        verified_at: r.verified_at,
        rejected_reason: r.rejected_reason,
        is_org_lead: flag(r.is_org_lead),
    })
    .collect())
}

/// An applicant as the decision needs them.
#[derive(sqlx::FromRow)]
pub struct Applicant {
    pub display_name: String,
    pub email: Option<String>,
    pub email_confirmed_at: Option<i64>,
}

pub async fn applicant(db: &Db, user_id: &str) -> Result<Option<Applicant>, AppError> {
    Ok(sqlx::query_as::<_, Applicant>(
        "SELECT u.display_name, u.email, u.email_confirmed_at FROM professionals p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Verifies a professional (optionally as their organisation's lead).
pub async fn verify(tx: &mut Transaction<'_, Any>, user_id: &str, by: &str, org_lead: bool, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE professionals SET verified_at = $1, verified_by = $2, is_org_lead = $3, rejected_at = NULL, rejected_reason = '' WHERE user_id = $4",
    )
    .bind(at)
    .bind(by)
    .bind(org_lead as i64)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Turns a professional down, with the reason they are told.
pub async fn reject(tx: &mut Transaction<'_, Any>, user_id: &str, reason: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE professionals SET verified_at = NULL, rejected_at = $1, rejected_reason = $2 WHERE user_id = $3")
        .bind(at)
        .bind(reason)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
