//! Facts about this database itself (`site_flags`), e.g. that `serve --demo` created it.

use crate::error::AppError;
use crate::platform::db::Db;
use sqlx::{Any, Transaction};

/// Whether `serve --demo` created this database (so its outbox may be public).
pub async fn is_demo_database(db: &Db) -> Result<bool, AppError> {
    let value = sqlx::query_scalar::<_, String>("SELECT value FROM site_flags WHERE name = 'demo'").fetch_optional(&db.pool).await?;
    Ok(value.is_some())
}

/// Notes that the demo made this database, in the seeding transaction.
pub async fn mark_demo_database(tx: &mut Transaction<'_, Any>, t: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO site_flags (name, value, set_at) VALUES ('demo', '1', $1)").bind(t).execute(&mut **tx).await?;
    Ok(())
}
