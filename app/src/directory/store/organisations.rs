//! An organisation of the directory and the members who act for it (named by a community
//! builder): they answer the onward referrals to its activities and services.

use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

/// An organisation with its network.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: String,
    pub network_id: String,
    pub network_name: String,
    pub name: String,
}

pub async fn organisation(db: &Db, id: &str) -> Result<Option<OrganisationRow>, AppError> {
    Ok(sqlx::query_as::<_, OrganisationRow>(
        "SELECT o.id, o.network_id, n.name AS network_name, o.name FROM directory_organisations o
         JOIN networks n ON n.id = o.network_id WHERE o.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Someone who acts for an organisation.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrgMemberRow {
    pub user_id: String,
    pub display_name: String,
    pub added_at: i64,
}

/// The people who act for an organisation, by name.
pub async fn org_members(db: &Db, organisation_id: &str) -> Result<Vec<OrgMemberRow>, AppError> {
    Ok(sqlx::query_as::<_, OrgMemberRow>(
        "SELECT m.user_id, u.display_name, m.added_at FROM directory_org_members m JOIN users u ON u.id = m.user_id
         WHERE m.organisation_id = $1 ORDER BY u.display_name, m.user_id",
    )
    .bind(organisation_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The ids of the people who act for an organisation (to tell them of a referral).
pub async fn org_member_ids(tx: &mut Transaction<'_, Any>, organisation_id: &str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT user_id FROM directory_org_members WHERE organisation_id = $1 ORDER BY user_id")
        .bind(organisation_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// The organisations someone acts for (ids).
pub async fn organisations_of(db: &Db, user_id: &str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT organisation_id FROM directory_org_members WHERE user_id = $1 ORDER BY organisation_id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Names someone to act for an organisation; false if they already do.
pub async fn add_org_member(
    tx: &mut Transaction<'_, Any>,
    organisation_id: &str,
    user_id: &str,
    by: &str,
    at: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO directory_org_members (organisation_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organisation_id, user_id) DO NOTHING",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops someone acting for an organisation; false if they did not.
pub async fn remove_org_member(tx: &mut Transaction<'_, Any>, organisation_id: &str, user_id: &str) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM directory_org_members WHERE organisation_id = $1 AND user_id = $2")
        .bind(organisation_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The open entries of an organisation by title, with its proposals (`with_proposed`: for
/// its own people and its builders).
pub async fn entries_of_organisation(db: &Db, organisation_id: &str, with_proposed: bool) -> Result<Vec<super::EntryRow>, AppError> {
    let sql =
        format!("{} WHERE e.organisation_id = $1 AND e.status = 'active' AND e.proposed <= $2 ORDER BY e.title, e.id", super::SELECT_ENTRY);
    use crate::platform::direct::Arg;
    db.read_all(&sql, &[Arg::Text(organisation_id), Arg::Int(i64::from(with_proposed))]).await
}

/// Whether someone acts for an organisation.
pub async fn acts_for(db: &Db, organisation_id: &str, user_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM directory_org_members WHERE organisation_id = $1 AND user_id = $2")
        .bind(organisation_id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// An open entry someone may refer on to: in the network, in the area or network-wide,
/// run by an organisation with at least one member to answer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReferableRow {
    pub id: String,
    pub title: String,
    pub organisation_id: String,
    pub organisation: String,
    pub kind: String,
}

pub async fn referable_entries(db: &Db, network_id: &str, locality_id: &str) -> Result<Vec<ReferableRow>, AppError> {
    Ok(sqlx::query_as::<_, ReferableRow>(
        "SELECT e.id, e.title, e.organisation_id, o.name AS organisation, e.kind FROM directory_entries e
         JOIN directory_organisations o ON o.id = e.organisation_id
         WHERE e.network_id = $1 AND e.status = 'active' AND e.proposed = 0 AND (e.locality_id = $2 OR e.locality_id IS NULL)
           AND EXISTS (SELECT 1 FROM directory_org_members m WHERE m.organisation_id = e.organisation_id)
         ORDER BY e.title, e.id",
    )
    .bind(network_id)
    .bind(locality_id)
    .fetch_all(&db.pool)
    .await?)
}
