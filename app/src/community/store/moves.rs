//! SQL for a member's move to another area: the request, the queue builders see, the
//! decision, and the move itself (the membership and the member's open listings).

use super::super::domain::MoveStatus;
use super::super::AreaMoveView;
use crate::error::AppError;
use crate::networks::domain::Viewer;
use crate::networks::store::scope_clause;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
struct MoveRow {
    id: String,
    user_id: String,
    display_name: String,
    network_id: String,
    from_locality_id: String,
    from_name: String,
    to_locality_id: String,
    to_name: String,
    reason: String,
    status: String,
    asked_at: i64,
    answer: String,
}

impl From<MoveRow> for AreaMoveView {
    fn from(r: MoveRow) -> Self {
        AreaMoveView {
            id: r.id,
            user_id: r.user_id,
            name: r.display_name,
            network_id: r.network_id,
            from_locality_id: r.from_locality_id,
            from_area: r.from_name,
            to_locality_id: r.to_locality_id,
            to_area: r.to_name,
            reason: r.reason,
            status: MoveStatus::parse(&r.status).unwrap_or(MoveStatus::Withdrawn),
            asked_at: r.asked_at,
            answer: r.answer,
        }
    }
}

const SELECT_MOVE: &str = "SELECT a.id, a.user_id, u.display_name, a.network_id, a.from_locality_id, fl.name AS from_name,
        a.to_locality_id, tl.name AS to_name, a.reason, a.status, a.asked_at, a.answer
     FROM area_moves a JOIN users u ON u.id = a.user_id
     JOIN localities fl ON fl.id = a.from_locality_id JOIN localities tl ON tl.id = a.to_locality_id";

/// Records a request; false when one is already waiting for this member and network.
pub async fn ask(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
    from_locality_id: &str,
    to_locality_id: &str,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO area_moves (id, user_id, network_id, from_locality_id, to_locality_id, reason, status, asked_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7) ON CONFLICT DO NOTHING",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(network_id)
    .bind(from_locality_id)
    .bind(to_locality_id)
    .bind(reason)
    .bind(now())
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// The member's request in this network that matters now: the one waiting, else the one
/// decided last (times are in seconds, so two made in the same second are told apart by
/// which is waiting, then by when they were decided).
pub async fn latest_for(db: &Db, user_id: &str, network_id: &str) -> Result<Option<AreaMoveView>, AppError> {
    let sql = format!(
        "{SELECT_MOVE} WHERE a.user_id = $1 AND a.network_id = $2
         ORDER BY CASE WHEN a.status = 'waiting' THEN 0 ELSE 1 END, COALESCE(a.decided_at, a.asked_at) DESC, a.asked_at DESC, a.id DESC
         LIMIT 1"
    );
    Ok(sqlx::query_as::<_, MoveRow>(&sql).bind(user_id).bind(network_id).fetch_optional(&db.pool).await?.map(AreaMoveView::from))
}

/// Every request a member made, newest first (for their own data download).
pub async fn moves_of(db: &Db, user_id: &str) -> Result<Vec<AreaMoveView>, AppError> {
    let sql = format!("{SELECT_MOVE} WHERE a.user_id = $1 ORDER BY a.asked_at DESC, a.id DESC");
    Ok(sqlx::query_as::<_, MoveRow>(&sql).bind(user_id).fetch_all(&db.pool).await?.into_iter().map(AreaMoveView::from).collect())
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<AreaMoveView>, AppError> {
    let sql = format!("{SELECT_MOVE} WHERE a.id = $1");
    Ok(sqlx::query_as::<_, MoveRow>(&sql).bind(id).fetch_optional(&db.pool).await?.map(AreaMoveView::from))
}

/// The requests waiting in the viewer's scopes, oldest first: a builder of the area the
/// member leaves and a builder of the area they join both see it.
pub async fn waiting_in_scope(db: &Db, viewer: &Viewer) -> Result<Vec<AreaMoveView>, AppError> {
    let (from_clause, mut binds) = scope_clause(viewer, "a.network_id", "a.from_locality_id", 0);
    let (to_clause, to_binds) = scope_clause(viewer, "a.network_id", "a.to_locality_id", binds.len());
    binds.extend(to_binds);
    let sql = format!("{SELECT_MOVE} WHERE a.status = 'waiting' AND ({from_clause} OR {to_clause}) ORDER BY a.asked_at, a.id LIMIT 200");
    let mut q = sqlx::query_as::<_, MoveRow>(&sql);
    for b in &binds {
        q = q.bind(b.as_str());
    }
    Ok(q.fetch_all(&db.pool).await?.into_iter().map(AreaMoveView::from).collect())
}

/// Ends a waiting request (moved, declined or withdrawn); false if it was not waiting any
/// more (someone else decided first, or the member withdrew it).
pub async fn close(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    status: MoveStatus,
    decided_by: &str,
    answer: &str,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("UPDATE area_moves SET status = $1, decided_by = $2, decided_at = $3, answer = $4 WHERE id = $5 AND status = 'waiting'")
        .bind(status.as_str())
        .bind(decided_by)
        .bind(now())
        .bind(answer)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// Moves the member: their membership, and their listings that are still open or paused
/// (closed ones stay where they happened, as does everything already exchanged). False if
/// the member is no longer in `from` (moved by someone else meanwhile).
pub async fn move_member(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
    from_locality_id: &str,
    to_locality_id: &str,
) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query("UPDATE memberships SET locality_id = $1 WHERE user_id = $2 AND network_id = $3 AND locality_id = $4")
        .bind(to_locality_id)
        .bind(user_id)
        .bind(network_id)
        .bind(from_locality_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1;
    if moved {
        sqlx::query(
            "UPDATE listings SET locality_id = $1 WHERE owner_id = $2 AND network_id = $3 AND locality_id = $4 AND status <> 'closed'",
        )
        .bind(to_locality_id)
        .bind(user_id)
        .bind(network_id)
        .bind(from_locality_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(moved)
}
