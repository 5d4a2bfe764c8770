//! Storage for networks, localities, memberships and roles.

use super::domain::{BuilderScope, Membership, MembershipStatus, Professional, Viewer};
use super::{LocalityChoice, MemberRow, NetworkChoice};
use crate::error::AppError;
use crate::platform::db::{flag, Db};
use sqlx::Row;

const VIEWER_COLUMNS: &str = "u.id, u.display_name, u.email, u.is_site_admin,
    m.network_id, n.name AS network_name, m.locality_id, l.name AS locality_name, m.status,
    p.organisation_id, o.name AS organisation_name, p.job_title, p.is_org_lead, p.verified_at,
    (SELECT COUNT(*) FROM builder_roles b WHERE b.user_id = u.id) AS builder_roles,
    (SELECT COUNT(*) FROM notifications nt WHERE nt.user_id = u.id AND nt.read_at IS NULL) AS unread_notifications,
    bv.version AS browse_version";

const VIEWER_JOINS: &str = "
    LEFT JOIN memberships m ON m.id = (SELECT m2.id FROM memberships m2 WHERE m2.user_id = u.id ORDER BY m2.created_at, m2.id LIMIT 1)
    LEFT JOIN networks n ON n.id = m.network_id
    LEFT JOIN localities l ON l.id = m.locality_id
    LEFT JOIN browse_versions bv ON bv.network_id = m.network_id
    LEFT JOIN professionals p ON p.user_id = u.id
    LEFT JOIN organisations o ON o.id = p.organisation_id";

/// Everything the rules need about a user: one query, and a second only for community
/// builders (their scopes).
pub async fn load_viewer(db: &Db, user_id: &str) -> Result<Option<Viewer>, AppError> {
    let row = sqlx::query(&format!("SELECT {VIEWER_COLUMNS} FROM users u {VIEWER_JOINS} WHERE u.id = $1"))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(r) => Ok(Some(viewer_from_row(db, &r, false).await?)),
        None => Ok(None),
    }
}

/// The viewer behind a session (by the token's hash) with the session's last-seen and
/// expiry times: what every signed-in request needs, in one query (two for builders).
pub async fn load_session_viewer(db: &Db, id_hash: &str) -> Result<Option<(Viewer, i64, i64)>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {VIEWER_COLUMNS}, s.last_seen_at, s.expires_at, s.second_factor_at FROM sessions s JOIN users u ON u.id = s.user_id {VIEWER_JOINS}
         WHERE s.id_hash = $1"
    ))
    .bind(id_hash)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => {
            let second_factor = r.get::<Option<i64>, _>("second_factor_at").is_some();
            let viewer = viewer_from_row(db, &r, second_factor).await?.without_staff_powers();
            Ok(Some((viewer, r.get("last_seen_at"), r.get("expires_at"))))
        }
        None => Ok(None),
    }
}

async fn viewer_from_row(db: &Db, r: &sqlx::any::AnyRow, second_factor: bool) -> Result<Viewer, AppError> {
    let user_id: String = r.get("id");
    let membership = r.get::<Option<String>, _>("network_id").map(|network_id| Membership {
        network_id,
        network_name: r.get("network_name"),
        locality_id: r.get("locality_id"),
        locality_name: r.get("locality_name"),
        status: MembershipStatus::parse(&r.get::<String, _>("status")).unwrap_or(MembershipStatus::Suspended),
        browse_version: r.get("browse_version"),
    });
    let professional = r.get::<Option<String>, _>("organisation_id").map(|organisation_id| Professional {
        organisation_id,
        organisation_name: r.get("organisation_name"),
        job_title: r.get("job_title"),
        is_org_lead: flag(r.get("is_org_lead")),
        verified: r.get::<Option<i64>, _>("verified_at").is_some(),
    });
    let builder_of = if r.get::<i64, _>("builder_roles") == 0 {
        vec![]
    } else {
        sqlx::query(
            "SELECT b.network_id, b.locality_id, n.name AS network_name, l.name AS locality_name
             FROM builder_roles b JOIN networks n ON n.id = b.network_id LEFT JOIN localities l ON l.id = b.locality_id
             WHERE b.user_id = $1 ORDER BY b.created_at",
        )
        .bind(&user_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| {
            let locality_name: Option<String> = r.get("locality_name");
            let network_name: String = r.get("network_name");
            BuilderScope {
                network_id: r.get("network_id"),
                locality_id: r.get("locality_id"),
                label: match locality_name {
                    Some(l) => l,
                    None => format!("All of {network_name}"),
                },
            }
        })
        .collect()
    };
    Ok(Viewer {
        user_id,
        display_name: r.get("display_name"),
        email: r.get("email"),
        is_site_admin: flag(r.get("is_site_admin")),
        membership,
        builder_of,
        professional,
        unread_notifications: r.get("unread_notifications"),
        second_factor,
        needs_second_factor: false,
    })
}

/// Networks and their localities, for the join form.
pub async fn network_choices(db: &Db) -> Result<Vec<NetworkChoice>, AppError> {
    let rows = sqlx::query(
        "SELECT n.id AS network_id, n.name AS network_name, l.id AS locality_id, l.name AS locality_name
         FROM networks n JOIN localities l ON l.network_id = n.id ORDER BY n.name, l.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<NetworkChoice> = Vec::new();
    for r in rows {
        let network_id: String = r.get("network_id");
        if out.last().map(|n| n.id != network_id).unwrap_or(true) {
            out.push(NetworkChoice { id: network_id.clone(), name: r.get("network_name"), localities: vec![] });
        }
        if let Some(last) = out.last_mut() {
            last.localities.push(LocalityChoice { id: r.get("locality_id"), name: r.get("locality_name") });
        }
    }
    Ok(out)
}

/// The network a locality belongs to and whether joining it needs approval.
pub async fn locality_network(db: &Db, locality_id: &str) -> Result<Option<(String, bool)>, AppError> {
    let row = sqlx::query(
        "SELECT n.id, n.requires_approval FROM localities l JOIN networks n ON n.id = l.network_id WHERE l.id = $1",
    )
    .bind(locality_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| (r.get("id"), flag(r.get("requires_approval")))))
}

/// Members a builder looks after: everyone in the scopes given (site admins pass every network).
pub async fn members_in_scopes(db: &Db, scopes: &[BuilderScope], all: bool) -> Result<Vec<MemberRow>, AppError> {
    let mut rows = vec![];
    let base = "SELECT u.id, u.display_name, m.status, m.created_at, l.name AS locality_name
         FROM memberships m JOIN users u ON u.id = m.user_id JOIN localities l ON l.id = m.locality_id";
    if all {
        rows = sqlx::query(&format!("{base} ORDER BY l.name, u.display_name")).fetch_all(&db.pool).await?;
    } else {
        for s in scopes {
            rows.extend(
                sqlx::query(&format!(
                    "{base} WHERE m.network_id = $1 AND ($2 = '' OR m.locality_id = $2) ORDER BY l.name, u.display_name"
                ))
                .bind(&s.network_id)
                .bind(s.locality_id.as_deref().unwrap_or(""))
                .fetch_all(&db.pool)
                .await?,
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|r| seen.insert(r.get::<String, _>("id")))
        .map(|r| MemberRow {
            user_id: r.get("id"),
            display_name: r.get("display_name"),
            locality_name: r.get("locality_name"),
            status: MembershipStatus::parse(&r.get::<String, _>("status")).unwrap_or(MembershipStatus::Suspended),
            joined_at: r.get("created_at"),
        })
        .collect())
}
