//! SQL for membership work: a member's place, the queue waiting to join, status changes,
//! the vetting checklist and private notes.

use super::super::domain::{Disclosure, Vetting};
use super::super::{NoteView, PendingMemberView};
use crate::error::AppError;
use crate::networks::domain::{MembershipStatus, Viewer};
use crate::networks::store::scope_clause;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::{Any, Transaction};

/// A member's place: network, locality, display name, status, email.
pub struct MemberPlace {
    pub network_id: String,
    pub locality_id: String,
    pub locality_name: String,
    pub name: String,
    pub status: MembershipStatus,
    pub email: Option<String>,
    /// Digits, '' when not known.
    pub phone: String,
    pub about: String,
    pub joined_at: i64,
    pub status_reason: String,
    pub joined_by: Option<String>,
    pub paper_consent_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct MemberPlaceRow {
    network_id: String,
    locality_id: String,
    locality_name: String,
    display_name: String,
    status: String,
    email: Option<String>,
    phone: String,
    about: String,
    created_at: i64,
    status_reason: String,
    joined_by: Option<String>,
    paper_consent_at: Option<i64>,
}

impl From<MemberPlaceRow> for MemberPlace {
    fn from(r: MemberPlaceRow) -> Self {
        MemberPlace {
            network_id: r.network_id,
            locality_id: r.locality_id,
            locality_name: r.locality_name,
            name: r.display_name,
            status: MembershipStatus::parse(&r.status).unwrap_or(MembershipStatus::Suspended),
            email: r.email,
            phone: r.phone,
            about: r.about,
            joined_at: r.created_at,
            status_reason: r.status_reason,
            joined_by: r.joined_by,
            paper_consent_at: r.paper_consent_at,
        }
    }
}

pub async fn member_place(db: &Db, user_id: &str) -> Result<Option<MemberPlace>, AppError> {
    let row = sqlx::query_as::<_, MemberPlaceRow>(
        "SELECT m.network_id, m.locality_id, l.name AS locality_name, u.display_name, m.status, u.email, u.phone, m.about, m.created_at,
                m.status_reason, jb.display_name AS joined_by, m.paper_consent_at
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id
         LEFT JOIN users jb ON jb.id = m.joined_by
         WHERE m.user_id = $1 ORDER BY m.created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(MemberPlace::from))
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: String,
    display_name: String,
    email: Option<String>,
    locality_name: String,
    about: String,
    created_at: i64,
}

/// The people waiting to join in the viewer's scopes, oldest first (at most 200).
pub async fn pending_in_scope(db: &Db, viewer: &Viewer) -> Result<Vec<PendingMemberView>, AppError> {
    let (clause, binds) = scope_clause(viewer, "m.network_id", "m.locality_id", 0);
    let sql = format!(
        "SELECT u.id, u.display_name, u.email, l.name AS locality_name, m.about, m.created_at
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id
         WHERE m.status = 'pending' AND {clause} ORDER BY m.created_at, u.id LIMIT 200"
    );
    let mut q = sqlx::query_as::<_, PendingRow>(&sql);
    for b in &binds {
        q = q.bind(b.as_str());
    }
    Ok(q.fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| PendingMemberView {
            user_id: r.id,
            name: r.display_name,
            email: r.email,
            locality: r.locality_name,
            about: r.about,
            joined_at: r.created_at,
        })
        .collect())
}

/// A network's localities as (id, name), by name.
pub async fn localities(db: &Db, network_id: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, (String, String)>("SELECT id, name FROM localities WHERE network_id = $1 ORDER BY name")
        .bind(network_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Moves a membership from one status to another; false if it was not in `from` (someone
/// else acted first).
pub async fn set_status(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
    from: MembershipStatus,
    to: MembershipStatus,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("UPDATE memberships SET status = $1, status_reason = $2 WHERE user_id = $3 AND network_id = $4 AND status = $5")
        .bind(to.as_str())
        .bind(reason)
        .bind(user_id)
        .bind(network_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// A declined application: the membership goes (the audit trail keeps what happened); the
/// account stays so the person can read the message and sign in.
pub async fn remove_pending(tx: &mut Transaction<'_, Any>, user_id: &str, network_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND network_id = $2 AND status = 'pending'")
        .bind(user_id)
        .bind(network_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// Ends every session of a member (on suspension: they cannot act from now on).
pub async fn end_sessions(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct VettingRow {
    met_coordinator_at: Option<i64>,
    references_checked: i64,
    code_signed_at: Option<i64>,
    id_seen_at: Option<i64>,
    disclosure_kind: String,
    disclosure_date: String,
}

pub async fn vetting(db: &Db, user_id: &str, network_id: &str) -> Result<Vetting, AppError> {
    let row = sqlx::query_as::<_, VettingRow>(
        "SELECT met_coordinator_at, references_checked, code_signed_at, id_seen_at, disclosure_kind, disclosure_date
         FROM vetting WHERE user_id = $1 AND network_id = $2",
    )
    .bind(user_id)
    .bind(network_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(|r| Vetting {
            met_coordinator: r.met_coordinator_at.is_some(),
            references_checked: r.references_checked,
            code_signed: r.code_signed_at.is_some(),
            id_seen: r.id_seen_at.is_some(),
            disclosure: Disclosure::parse(&r.disclosure_kind),
            disclosure_date: r.disclosure_date,
        })
        .unwrap_or_default())
}

pub async fn save_vetting(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
    v: &Vetting,
    by: &str,
) -> Result<(), sqlx::Error> {
    let t = now();
    let at = |b: bool| b.then_some(t);
    sqlx::query("DELETE FROM vetting WHERE user_id = $1 AND network_id = $2").bind(user_id).bind(network_id).execute(&mut **tx).await?;
    sqlx::query(
        "INSERT INTO vetting (user_id, network_id, met_coordinator_at, references_checked, code_signed_at, id_seen_at, disclosure_kind,
                              disclosure_date, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(user_id)
    .bind(network_id)
    .bind(at(v.met_coordinator))
    .bind(v.references_checked)
    .bind(at(v.code_signed))
    .bind(at(v.id_seen))
    .bind(v.disclosure.map(|d| d.as_str()).unwrap_or(""))
    .bind(&v.disclosure_date)
    .bind(by)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    body: String,
    created_at: i64,
    display_name: String,
}

pub async fn notes(db: &Db, user_id: &str, network_id: &str) -> Result<Vec<NoteView>, AppError> {
    Ok(sqlx::query_as::<_, NoteRow>(
        "SELECT n.body, n.created_at, u.display_name FROM member_notes n JOIN users u ON u.id = n.written_by
         WHERE n.user_id = $1 AND n.network_id = $2 ORDER BY n.created_at DESC, n.id",
    )
    .bind(user_id)
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| NoteView { body: r.body, written_by: r.display_name, at: r.created_at })
    .collect())
}

pub async fn add_note(tx: &mut Transaction<'_, Any>, user_id: &str, network_id: &str, body: &str, by: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO member_notes (id, user_id, network_id, body, written_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new_id())
        .bind(user_id)
        .bind(network_id)
        .bind(body)
        .bind(by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
