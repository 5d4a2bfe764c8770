//! SQL for the audit trail: writing a line inside an action's own transaction, and reading
//! the lines a viewer may see. The table refuses UPDATE and DELETE (`platform::db`).

use super::domain::{AuditAction, AuditLine};
use crate::error::AppError;
use crate::networks::domain::Viewer;
use crate::networks::store::scope_clause;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::{Any, Transaction};

/// One line of the audit trail, as written. Owned, so a ledger transfer can carry it into
/// the writer's batch and have it written in the same transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub network_id: Option<String>,
    pub locality_id: Option<String>,
    pub actor_id: String,
    pub action: AuditAction,
    pub subject_user_id: Option<String>,
    pub subject: String,
    pub reason: String,
    pub before: String,
    pub after: String,
}

impl AuditEntry {
    pub fn new(actor_id: &str, action: AuditAction) -> Self {
        AuditEntry {
            network_id: None,
            locality_id: None,
            actor_id: actor_id.to_string(),
            action,
            subject_user_id: None,
            subject: String::new(),
            reason: String::new(),
            before: String::new(),
            after: String::new(),
        }
    }
    pub fn on_member(mut self, network_id: &str, locality_id: &str, user_id: &str) -> Self {
        self.network_id = Some(network_id.into());
        self.locality_id = Some(locality_id.into());
        self.subject_user_id = Some(user_id.into());
        self
    }
    /// About a person outside any network (a professional's account).
    pub fn on_user(mut self, user_id: &str) -> Self {
        self.subject_user_id = Some(user_id.into());
        self
    }
    pub fn in_network(mut self, network_id: &str, locality_id: Option<&str>) -> Self {
        self.network_id = Some(network_id.into());
        self.locality_id = locality_id.map(str::to_string);
        self
    }
    pub fn subject(mut self, s: impl Into<String>) -> Self {
        self.subject = s.into();
        self
    }
    pub fn reason(mut self, s: impl Into<String>) -> Self {
        self.reason = s.into();
        self
    }
    pub fn change(mut self, before: impl Into<String>, after: impl Into<String>) -> Self {
        self.before = before.into();
        self.after = after.into();
        self
    }
}

/// Appends one line to the audit trail, inside the action's own transaction.
pub async fn audit(tx: &mut Transaction<'_, Any>, e: &AuditEntry) -> Result<(), sqlx::Error> {
    audit_at(tx, e, now()).await
}

pub async fn audit_at(tx: &mut Transaction<'_, Any>, e: &AuditEntry, at: i64) -> Result<(), sqlx::Error> {
    audit_many(tx, std::slice::from_ref(e), at).await
}

/// Audit lines per statement: 11 values each, well under both engines' limits.
const AUDIT_CHUNK: usize = 200;

/// Several audit lines at once, a few multi-row statements rather than one per line: the
/// ledger writer adds the lines of a whole batch of transfers inside its one transaction,
/// where every round trip holds up every transfer behind it.
pub async fn audit_many(tx: &mut Transaction<'_, Any>, entries: &[AuditEntry], at: i64) -> Result<(), sqlx::Error> {
    for chunk in crate::platform::db::runs(entries, AUDIT_CHUNK) {
        let sql = format!(
            "INSERT INTO audit_log (id, network_id, locality_id, actor_id, action, subject_user_id, subject, reason, before_value, after_value, at)
             VALUES {}",
            crate::platform::db::value_rows(chunk.len(), 11, 0)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(new_id())
                .bind(&e.network_id)
                .bind(&e.locality_id)
                .bind(&e.actor_id)
                .bind(e.action.as_str())
                .bind(&e.subject_user_id)
                .bind(&e.subject)
                .bind(&e.reason)
                .bind(&e.before)
                .bind(&e.after)
                .bind(at);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Filters for the audit trail.
#[derive(Default)]
pub struct AuditFilter {
    pub person: Option<String>,
    pub action: Option<AuditAction>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub subject_user_id: Option<String>,
}

/// The audit trail the viewer may read, newest first. `limit` 0: all (for CSV).
pub async fn audit_lines(db: &Db, viewer: Option<&Viewer>, f: &AuditFilter, limit: i64, offset: i64) -> Result<Vec<AuditLine>, AppError> {
    let (mut clause, mut binds) = match viewer {
        // Locality builders see the lines about their locality; whole-network builders all
        // of their network's; site admins everything.
        Some(v) => scope_clause(v, "a.network_id", "COALESCE(a.locality_id, '')", 0),
        None => ("1 = 1".to_string(), vec![]),
    };
    let mut ints: Vec<(usize, i64)> = vec![];
    if let Some(p) = f.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        binds.push(format!("%{}%", p.to_lowercase().replace(['%', '_'], "")));
        let n = binds.len();
        clause += &format!(" AND (lower(actor.display_name) LIKE ${n} OR lower(COALESCE(subj.display_name, '')) LIKE ${n})");
    }
    if let Some(a) = f.action {
        binds.push(a.as_str().into());
        clause += &format!(" AND a.action = ${}", binds.len());
    }
    if let Some(u) = &f.subject_user_id {
        binds.push(u.clone());
        clause += &format!(" AND a.subject_user_id = ${}", binds.len());
    }
    let mut next = binds.len();
    if let Some(from) = f.from {
        next += 1;
        ints.push((next, from));
        clause += &format!(" AND a.at >= ${next}");
    }
    if let Some(to) = f.to {
        next += 1;
        ints.push((next, to));
        clause += &format!(" AND a.at < ${next}");
    }
    let limit_sql = if limit > 0 { format!(" LIMIT {limit} OFFSET {offset}") } else { String::new() };
    let sql = format!(
        "SELECT a.id, a.action, a.subject, a.reason, a.before_value, a.after_value, a.at, actor.display_name AS actor_name,
                subj.display_name AS subject_name, a.subject_user_id, l.name AS locality_name
         FROM audit_log a JOIN users actor ON actor.id = a.actor_id LEFT JOIN users subj ON subj.id = a.subject_user_id
         LEFT JOIN localities l ON l.id = a.locality_id
         WHERE {clause} ORDER BY a.at DESC, a.id DESC{limit_sql}"
    );
    let mut q = sqlx::query_as::<_, AuditRow>(&sql);
    for b in &binds {
        q = q.bind(b.as_str());
    }
    for (_, i) in &ints {
        q = q.bind(*i);
    }
    Ok(q.fetch_all(&db.pool).await?.into_iter().map(AuditRow::into_line).collect())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    action: String,
    subject: String,
    reason: String,
    before_value: String,
    after_value: String,
    at: i64,
    actor_name: String,
    subject_name: Option<String>,
    subject_user_id: Option<String>,
    locality_name: Option<String>,
}

impl AuditRow {
    /// A line as shown: the action in words (or as stored, for an action this version does
    /// not know).
    fn into_line(self) -> AuditLine {
        AuditLine {
            id: self.id,
            action: AuditAction::parse(&self.action).map(|a| a.label().to_string()).unwrap_or(self.action),
            actor: self.actor_name,
            subject_name: self.subject_name.unwrap_or_default(),
            subject_user_id: self.subject_user_id,
            subject: self.subject,
            locality: self.locality_name.unwrap_or_default(),
            reason: self.reason,
            before: self.before_value,
            after: self.after_value,
            at: self.at,
        }
    }
}
