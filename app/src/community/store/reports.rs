//! SQL for reports and moderation: who a reported thing belongs to, the reports in a
//! builder's scopes with what the reported thing says, moving a report along, hiding a
//! listing; and the disputed exchanges on the builder's desk.

use super::super::domain::{ReportStatus, ReportSubject};
use super::super::{DisputeRow, ReportView};
use crate::error::AppError;
use crate::networks::domain::Viewer;
use crate::networks::store::scope_clause;
use crate::platform::db::Db;
use crate::util::new_id;
use sqlx::{Any, Transaction};

const REPORT_COLUMNS: &str = "r.id, r.network_id, r.locality_id, r.subject_kind, r.subject_id, r.subject_user_id, r.reason, r.status,
    r.outcome, r.created_at, r.updated_at, rep.display_name AS reporter_name, su.display_name AS subject_name, loc.name AS locality_name";
const REPORT_JOINS: &str =
    "JOIN users rep ON rep.id = r.reporter_id JOIN users su ON su.id = r.subject_user_id JOIN localities loc ON loc.id = r.locality_id";

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: String,
    network_id: String,
    locality_id: String,
    subject_kind: String,
    subject_id: String,
    subject_user_id: String,
    reason: String,
    status: String,
    outcome: String,
    created_at: i64,
    reporter_name: String,
    subject_name: String,
    locality_name: String,
}

impl ReportRow {
    /// The report as builders see it (without its excerpt yet), its network and locality.
    fn into_view(self) -> (ReportView, String, String) {
        (
            ReportView {
                id: self.id,
                subject: ReportSubject::parse(&self.subject_kind).unwrap_or(ReportSubject::Profile),
                subject_id: self.subject_id,
                subject_user_id: self.subject_user_id,
                subject_name: self.subject_name,
                reporter_name: self.reporter_name,
                locality_name: self.locality_name,
                reason: self.reason,
                status: ReportStatus::parse(&self.status).unwrap_or(ReportStatus::Open),
                outcome: self.outcome,
                created_at: self.created_at,
                excerpt: String::new(),
                listing_hidden: false,
            },
            self.network_id,
            self.locality_id,
        )
    }
}

/// The reports in the viewer's scopes, at most `limit`: open and in review (oldest first),
/// or the most recently resolved. Each fetches its excerpt, so the limit is applied in SQL.
pub async fn reports_in_scope(db: &Db, viewer: &Viewer, resolved: bool, limit: i64) -> Result<Vec<ReportView>, AppError> {
    let (clause, binds) = scope_clause(viewer, "r.network_id", "r.locality_id", 0);
    let (status, order) =
        if resolved { ("r.status = 'resolved'", "r.updated_at DESC") } else { ("r.status <> 'resolved'", "r.created_at") };
    let sql =
        format!("SELECT {REPORT_COLUMNS} FROM reports r {REPORT_JOINS} WHERE {clause} AND {status} ORDER BY {order}, r.id LIMIT {limit}");
    let mut q = sqlx::query_as::<_, ReportRow>(&sql);
    for b in &binds {
        q = q.bind(b.as_str());
    }
    let mut out = vec![];
    for r in q.fetch_all(&db.pool).await? {
        let (mut v, _, _) = r.into_view();
        fill_excerpt(db, &mut v).await?;
        out.push(v);
    }
    Ok(out)
}

/// One report with its excerpt, and the network and locality it belongs to.
pub async fn get_report(db: &Db, id: &str) -> Result<Option<(ReportView, String, String)>, AppError> {
    let row = sqlx::query_as::<_, ReportRow>(&format!("SELECT {REPORT_COLUMNS} FROM reports r {REPORT_JOINS} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let (mut v, n, l) = r.into_view();
            fill_excerpt(db, &mut v).await?;
            Ok(Some((v, n, l)))
        }
    }
}

#[derive(sqlx::FromRow)]
struct ExcerptRow {
    text: String,
    hidden_at: Option<i64>,
}

/// What the reported thing says (a listing's title, a message's text, a profile's about).
async fn fill_excerpt(db: &Db, v: &mut ReportView) -> Result<(), AppError> {
    let sql = match v.subject {
        ReportSubject::Listing => "SELECT title AS text, hidden_at FROM listings WHERE id = $1",
        ReportSubject::Message => "SELECT body AS text, NULL AS hidden_at FROM exchange_messages WHERE id = $1 AND kind = 'message'",
        ReportSubject::Profile => "SELECT about AS text, NULL AS hidden_at FROM users WHERE id = $1",
    };
    if let Some(r) = sqlx::query_as::<_, ExcerptRow>(sql).bind(&v.subject_id).fetch_optional(&db.pool).await? {
        v.excerpt = r.text.chars().take(300).collect();
        v.listing_hidden = r.hidden_at.is_some();
    }
    Ok(())
}

/// Who the reported thing belongs to, if the reporter may see it at all: a listing or a
/// profile in the reporter's network, or a message in one of the reporter's own exchanges.
pub async fn reported_member(
    db: &Db,
    subject: ReportSubject,
    subject_id: &str,
    network_id: &str,
    reporter_id: &str,
) -> Result<Option<String>, AppError> {
    let (sql, scope) = match subject {
        ReportSubject::Listing => ("SELECT owner_id FROM listings WHERE id = $1 AND network_id = $2", network_id),
        ReportSubject::Profile => ("SELECT user_id FROM memberships WHERE user_id = $1 AND network_id = $2", network_id),
        ReportSubject::Message => (
            "SELECT m.author_id FROM exchange_messages m JOIN exchanges e ON e.id = m.exchange_id
             WHERE m.id = $1 AND (e.provider_id = $2 OR e.receiver_id = $2) AND m.kind = 'message'",
            reporter_id,
        ),
    };
    Ok(sqlx::query_scalar::<_, String>(sql).bind(subject_id).bind(scope).fetch_optional(&db.pool).await?)
}

/// A new, open report.
pub struct NewReport<'a> {
    pub network_id: &'a str,
    pub locality_id: &'a str,
    pub reporter_id: &'a str,
    pub subject: ReportSubject,
    pub subject_id: &'a str,
    pub subject_user_id: &'a str,
    pub reason: &'a str,
    pub at: i64,
}

pub async fn insert_report(tx: &mut Transaction<'_, Any>, r: &NewReport<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO reports (id, network_id, locality_id, reporter_id, subject_kind, subject_id, subject_user_id, reason, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $9)",
    )
    .bind(new_id())
    .bind(r.network_id)
    .bind(r.locality_id)
    .bind(r.reporter_id)
    .bind(r.subject.as_str())
    .bind(r.subject_id)
    .bind(r.subject_user_id)
    .bind(r.reason)
    .bind(r.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves a report on from `from` with the outcome the reporter is told; false if it was no
/// longer in `from` (someone else acted first).
pub async fn move_report(
    tx: &mut Transaction<'_, Any>,
    report_id: &str,
    from: ReportStatus,
    to: ReportStatus,
    outcome: &str,
    handled_by: &str,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query("UPDATE reports SET status = $1, outcome = $2, handled_by = $3, updated_at = $4 WHERE id = $5 AND status = $6")
        .bind(to.as_str())
        .bind(outcome)
        .bind(handled_by)
        .bind(at)
        .bind(report_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(moved != 0)
}

/// Hides a shown listing or shows a hidden one; false if it already was.
pub async fn set_listing_hidden(tx: &mut Transaction<'_, Any>, listing_id: &str, hide: bool, at: i64) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(if hide {
        "UPDATE listings SET hidden_at = $1 WHERE id = $2 AND hidden_at IS NULL"
    } else {
        "UPDATE listings SET hidden_at = NULL WHERE id = $2 AND hidden_at IS NOT NULL AND $1 > 0"
    })
    .bind(at)
    .bind(listing_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Who made a report.
pub async fn reporter_of(tx: &mut Transaction<'_, Any>, report_id: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar::<_, String>("SELECT reporter_id FROM reports WHERE id = $1").bind(report_id).fetch_one(&mut **tx).await
}

#[derive(sqlx::FromRow)]
struct DisputeDbRow {
    id: String,
    title: String,
    provider_name: String,
    receiver_name: String,
    recorded_minutes: Option<i64>,
    updated_at: i64,
}

/// The disputed exchanges in the viewer's scopes, oldest first (at most 200). A dispute is
/// in scope when either member's locality is.
pub async fn disputes_in_scope(db: &Db, viewer: &Viewer) -> Result<Vec<DisputeRow>, AppError> {
    let (by_provider, binds) = scope_clause(viewer, "e.network_id", "pm.locality_id", 0);
    let (by_receiver, binds2) = scope_clause(viewer, "e.network_id", "rm.locality_id", binds.len());
    let sql = format!(
        "SELECT e.id, e.title, pu.display_name AS provider_name, ru.display_name AS receiver_name, e.recorded_minutes, e.updated_at
         FROM exchanges e JOIN users pu ON pu.id = e.provider_id JOIN users ru ON ru.id = e.receiver_id
         LEFT JOIN memberships pm ON pm.user_id = e.provider_id AND pm.network_id = e.network_id
         LEFT JOIN memberships rm ON rm.user_id = e.receiver_id AND rm.network_id = e.network_id
         WHERE e.status = 'disputed' AND ({by_provider} OR {by_receiver})
         ORDER BY e.updated_at, e.id LIMIT 200"
    );
    let mut q = sqlx::query_as::<_, DisputeDbRow>(&sql);
    for b in binds.iter().chain(binds2.iter()) {
        q = q.bind(b.as_str());
    }
    Ok(q.fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| DisputeRow {
            exchange_id: r.id,
            title: r.title,
            provider_name: r.provider_name,
            receiver_name: r.receiver_name,
            recorded_minutes: r.recorded_minutes,
            updated_at: r.updated_at,
        })
        .collect())
}
