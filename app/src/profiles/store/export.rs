//! What a member's own download reads besides what other features hand over: their roles,
//! a professional's own record, the reports they made and the thanks given and got.

use crate::error::AppError;
use crate::platform::db::Db;

/// The member's roles and what they act for, for their own download: builder roles
/// (network, area or "" for the whole network), organisations whose hours they handle,
/// and What's on organisations they answer for.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct RoleData {
    pub role: String,
    pub network: String,
    pub of: String,
    pub since: i64,
}

pub async fn roles_of(db: &Db, user_id: &str) -> Result<Vec<RoleData>, AppError> {
    Ok(sqlx::query_as::<_, RoleData>(
        "SELECT 'community builder' AS role, n.name AS network, COALESCE(l.name, '') AS of, b.created_at AS since
           FROM builder_roles b JOIN networks n ON n.id = b.network_id LEFT JOIN localities l ON l.id = b.locality_id WHERE b.user_id = $1
         UNION ALL
         SELECT 'acts for an organisation account', n.name, o.name, m.created_at
           FROM organisation_members m JOIN networks n ON n.id = m.network_id JOIN organisations o ON o.id = m.organisation_id
          WHERE m.user_id = $1
         UNION ALL
         SELECT 'answers for a What''s on organisation', n.name, o.name, d.added_at
           FROM directory_org_members d JOIN directory_organisations o ON o.id = d.organisation_id JOIN networks n ON n.id = o.network_id
          WHERE d.user_id = $1
         ORDER BY 4",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A professional's own record (organisation, job title, work email, verification).
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ProfessionalData {
    pub organisation: String,
    pub job_title: String,
    pub work_email: Option<String>,
    pub is_org_lead: i64,
    pub verified_at: Option<i64>,
    pub rejected_at: Option<i64>,
    pub created_at: i64,
}

pub async fn professional_of(db: &Db, user_id: &str) -> Result<Option<ProfessionalData>, AppError> {
    Ok(sqlx::query_as::<_, ProfessionalData>(
        "SELECT o.name AS organisation, p.job_title, p.work_email, p.is_org_lead, p.verified_at, p.rejected_at, p.created_at
         FROM professionals p JOIN organisations o ON o.id = p.organisation_id WHERE p.user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Reports the member made (what about, why, where it stands).
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ReportData {
    pub about: String,
    pub reason: String,
    pub status: String,
    pub created_at: i64,
}

pub async fn reports_by(db: &Db, user_id: &str) -> Result<Vec<ReportData>, AppError> {
    Ok(sqlx::query_as::<_, ReportData>(
        "SELECT subject_kind AS about, reason, status, created_at FROM reports WHERE reporter_id = $1 ORDER BY created_at, id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Thanks the member gave and got: (from, to, text, when).
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct ThanksData {
    pub from: String,
    pub to: String,
    pub text: String,
    pub at: i64,
}

pub async fn thanks_of(db: &Db, user_id: &str) -> Result<Vec<ThanksData>, AppError> {
    Ok(sqlx::query_as::<_, ThanksData>(
        "SELECT f.display_name AS \"from\", o.display_name AS \"to\", t.body AS text, t.created_at AS at
         FROM thanks t JOIN users f ON f.id = t.from_id JOIN users o ON o.id = t.to_id
         WHERE t.from_id = $1 OR t.to_id = $1 ORDER BY t.created_at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}
