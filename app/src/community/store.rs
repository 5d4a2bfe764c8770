//! SQL for the builders' work: memberships, vetting, notes, reports,
//! announcements and network settings.

use super::domain::{Disclosure, NetworkSettings, ReportStatus, ReportSubject, Vetting};
use super::{AnnouncementView, NoteView, ReportView};
use crate::error::AppError;
use crate::networks::domain::{MembershipStatus, Viewer};
use crate::networks::store::scope_clause;
use crate::platform::db::{flag, Db};
use crate::util::{new_id, now};
use sqlx::{Any, Row, Transaction};

/// A member's place: network, locality, display name, status, email.
pub struct MemberPlace {
    pub network_id: String,
    pub locality_id: String,
    pub locality_name: String,
    pub name: String,
    pub status: MembershipStatus,
    pub email: Option<String>,
    pub about: String,
    pub joined_at: i64,
    pub status_reason: String,
    pub joined_by: Option<String>,
    pub paper_consent_at: Option<i64>,
}

pub async fn member_place(db: &Db, user_id: &str) -> Result<Option<MemberPlace>, AppError> {
    let row = sqlx::query(
        "SELECT m.network_id, m.locality_id, l.name AS locality_name, u.display_name, m.status, u.email, m.about, m.created_at,
                m.status_reason, jb.display_name AS joined_by, m.paper_consent_at
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id
         LEFT JOIN users jb ON jb.id = m.joined_by
         WHERE m.user_id = $1 ORDER BY m.created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| MemberPlace {
        network_id: r.get("network_id"),
        locality_id: r.get("locality_id"),
        locality_name: r.get("locality_name"),
        name: r.get("display_name"),
        status: MembershipStatus::parse(&r.get::<String, _>("status")).unwrap_or(MembershipStatus::Suspended),
        email: r.get("email"),
        about: r.get("about"),
        joined_at: r.get("created_at"),
        status_reason: r.get("status_reason"),
        joined_by: r.get("joined_by"),
        paper_consent_at: r.get("paper_consent_at"),
    }))
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

pub async fn vetting(db: &Db, user_id: &str, network_id: &str) -> Result<Vetting, AppError> {
    let row = sqlx::query(
        "SELECT met_coordinator_at, references_checked, code_signed_at, id_seen_at, disclosure_kind, disclosure_date
         FROM vetting WHERE user_id = $1 AND network_id = $2",
    )
    .bind(user_id)
    .bind(network_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(|r| Vetting {
            met_coordinator: r.get::<Option<i64>, _>("met_coordinator_at").is_some(),
            references_checked: r.get("references_checked"),
            code_signed: r.get::<Option<i64>, _>("code_signed_at").is_some(),
            id_seen: r.get::<Option<i64>, _>("id_seen_at").is_some(),
            disclosure: Disclosure::parse(&r.get::<String, _>("disclosure_kind")),
            disclosure_date: r.get("disclosure_date"),
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

pub async fn notes(db: &Db, user_id: &str, network_id: &str) -> Result<Vec<NoteView>, AppError> {
    Ok(sqlx::query(
        "SELECT n.body, n.created_at, u.display_name FROM member_notes n JOIN users u ON u.id = n.written_by
         WHERE n.user_id = $1 AND n.network_id = $2 ORDER BY n.created_at DESC, n.id",
    )
    .bind(user_id)
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| NoteView { body: r.get("body"), written_by: r.get("display_name"), at: r.get("created_at") })
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

const REPORT_COLUMNS: &str = "r.id, r.network_id, r.locality_id, r.subject_kind, r.subject_id, r.subject_user_id, r.reason, r.status,
    r.outcome, r.created_at, r.updated_at, rep.display_name AS reporter_name, su.display_name AS subject_name, loc.name AS locality_name";
const REPORT_JOINS: &str =
    "JOIN users rep ON rep.id = r.reporter_id JOIN users su ON su.id = r.subject_user_id JOIN localities loc ON loc.id = r.locality_id";

fn report(r: &sqlx::any::AnyRow) -> (ReportView, String, String) {
    (
        ReportView {
            id: r.get("id"),
            subject: ReportSubject::parse(&r.get::<String, _>("subject_kind")).unwrap_or(ReportSubject::Profile),
            subject_id: r.get("subject_id"),
            subject_user_id: r.get("subject_user_id"),
            subject_name: r.get("subject_name"),
            reporter_name: r.get("reporter_name"),
            locality_name: r.get("locality_name"),
            reason: r.get("reason"),
            status: ReportStatus::parse(&r.get::<String, _>("status")).unwrap_or(ReportStatus::Open),
            outcome: r.get("outcome"),
            created_at: r.get("created_at"),
            excerpt: String::new(),
            listing_hidden: false,
        },
        r.get("network_id"),
        r.get("locality_id"),
    )
}

/// The reports in the viewer's scopes, at most `limit`: open and in review (oldest first),
/// or the most recently resolved. Each fetches its excerpt, so the limit is applied in SQL.
pub async fn reports_in_scope(db: &Db, viewer: &Viewer, resolved: bool, limit: i64) -> Result<Vec<ReportView>, AppError> {
    let (clause, binds) = scope_clause(viewer, "r.network_id", "r.locality_id", 0);
    let (status, order) =
        if resolved { ("r.status = 'resolved'", "r.updated_at DESC") } else { ("r.status <> 'resolved'", "r.created_at") };
    let sql =
        format!("SELECT {REPORT_COLUMNS} FROM reports r {REPORT_JOINS} WHERE {clause} AND {status} ORDER BY {order}, r.id LIMIT {limit}");
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b.as_str());
    }
    let mut out = vec![];
    for r in q.fetch_all(&db.pool).await? {
        let (mut v, _, _) = report(&r);
        fill_excerpt(db, &mut v).await?;
        out.push(v);
    }
    Ok(out)
}

pub async fn get_report(db: &Db, id: &str) -> Result<Option<(ReportView, String, String)>, AppError> {
    let row = sqlx::query(&format!("SELECT {REPORT_COLUMNS} FROM reports r {REPORT_JOINS} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let (mut v, n, l) = report(&r);
            fill_excerpt(db, &mut v).await?;
            Ok(Some((v, n, l)))
        }
    }
}

/// What the reported thing says (a listing's title, a message's text, a profile's about).
async fn fill_excerpt(db: &Db, v: &mut ReportView) -> Result<(), AppError> {
    let row = match v.subject {
        ReportSubject::Listing => {
            sqlx::query("SELECT title AS text, hidden_at FROM listings WHERE id = $1").bind(&v.subject_id).fetch_optional(&db.pool).await?
        }
        ReportSubject::Message => {
            sqlx::query("SELECT body AS text, NULL AS hidden_at FROM exchange_messages WHERE id = $1 AND kind = 'message'")
                .bind(&v.subject_id)
                .fetch_optional(&db.pool)
                .await?
        }
        ReportSubject::Profile => {
            sqlx::query("SELECT about AS text, NULL AS hidden_at FROM users WHERE id = $1")
                .bind(&v.subject_id)
                .fetch_optional(&db.pool)
                .await?
        }
    };
    if let Some(r) = row {
        let text: String = r.get("text");
        v.excerpt = text.chars().take(300).collect();
        v.listing_hidden = r.try_get::<Option<i64>, _>("hidden_at").ok().flatten().is_some();
    }
    Ok(())
}

pub async fn settings(db: &Db, network_id: &str) -> Result<Option<(String, NetworkSettings)>, AppError> {
    let row = sqlx::query(
        "SELECT name, requires_approval, starting_credit_minutes, starting_credit_source, default_floor_minutes, default_ceiling_minutes,
                auto_confirm_days, listing_expiry_days, see_other_localities, first_contact_days, follow_up_weeks,
                referral_retention_months FROM networks WHERE id = $1",
    )
    .bind(network_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.get("name"),
            NetworkSettings {
                requires_approval: flag(r.get("requires_approval")),
                starting_credit_minutes: r.get("starting_credit_minutes"),
                starting_credit_source: r.get("starting_credit_source"),
                default_floor_minutes: r.get("default_floor_minutes"),
                default_ceiling_minutes: r.get("default_ceiling_minutes"),
                auto_confirm_days: r.get("auto_confirm_days"),
                listing_expiry_days: r.get("listing_expiry_days"),
                see_other_localities: flag(r.get("see_other_localities")),
                first_contact_days: r.get("first_contact_days"),
                follow_up_weeks: r.get("follow_up_weeks"),
                referral_retention_months: r.get("referral_retention_months"),
            },
        )
    }))
}

pub async fn save_settings(tx: &mut Transaction<'_, Any>, network_id: &str, s: &NetworkSettings) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE networks SET requires_approval = $1, starting_credit_minutes = $2, starting_credit_source = $3, default_floor_minutes = $4,
                default_ceiling_minutes = $5, auto_confirm_days = $6, listing_expiry_days = $7, see_other_localities = $8,
                first_contact_days = $10, follow_up_weeks = $11, referral_retention_months = $12 WHERE id = $9",
    )
    .bind(s.requires_approval as i64)
    .bind(s.starting_credit_minutes)
    .bind(&s.starting_credit_source)
    .bind(s.default_floor_minutes)
    .bind(s.default_ceiling_minutes)
    .bind(s.auto_confirm_days)
    .bind(s.listing_expiry_days)
    .bind(s.see_other_localities as i64)
    .bind(network_id)
    .bind(s.first_contact_days)
    .bind(s.follow_up_weeks)
    .bind(s.referral_retention_months)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The noticeboard a member sees: their network's and their locality's current notices.
pub async fn announcements_for(
    db: &Db,
    network_id: &str,
    locality_id: Option<&str>,
    limit: i64,
) -> Result<Vec<AnnouncementView>, AppError> {
    Ok(sqlx::query(
        "SELECT a.id, a.title, a.body, a.created_at, a.locality_id, l.name AS locality_name, u.display_name AS posted_by
         FROM announcements a JOIN users u ON u.id = a.posted_by LEFT JOIN localities l ON l.id = a.locality_id
         WHERE a.network_id = $1 AND a.ended_at IS NULL AND (a.locality_id IS NULL OR a.locality_id = $2 OR $2 = '*')
         ORDER BY a.created_at DESC, a.id LIMIT $3",
    )
    .bind(network_id)
    .bind(locality_id.unwrap_or("*"))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| AnnouncementView {
        id: r.get("id"),
        title: r.get("title"),
        body: r.get("body"),
        at: r.get("created_at"),
        locality_id: r.get("locality_id"),
        audience: r.get::<Option<String>, _>("locality_name").unwrap_or_else(|| "Everyone in the network".into()),
        posted_by: r.get("posted_by"),
    })
    .collect())
}
