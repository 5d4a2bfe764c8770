//! The security events as site admins read them (written by `platform::events`).

use super::SecurityEventRow;
use crate::error::AppError;
use crate::platform::db::Db;

/// The newest 200 events, of one kind (by its code) or of every kind (`""`).
pub async fn newest(db: &Db, kind: &str) -> Result<Vec<SecurityEventRow>, AppError> {
    Ok(sqlx::query_as::<_, SecurityEventRow>(
        "SELECT e.at, e.kind, e.user_id, u.display_name AS user_name, e.subject, e.client, e.detail
         FROM security_events e LEFT JOIN users u ON u.id = e.user_id
         WHERE ($1 = '' OR e.kind = $1) ORDER BY e.at DESC, e.id LIMIT 200",
    )
    .bind(kind)
    .fetch_all(&db.pool)
    .await?)
}
