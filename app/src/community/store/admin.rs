//! SQL for the site admins' work: networks, localities and the builders appointed to them.

use super::super::NetworkAdminView;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::{new_id, now};
use sqlx::{Any, Transaction};

/// Every network with its localities and builders, by name.
pub async fn networks(db: &Db) -> Result<Vec<NetworkAdminView>, AppError> {
    let mut out: Vec<NetworkAdminView> =
        sqlx::query_as::<_, (String, String, String)>("SELECT id, name, council_area FROM networks ORDER BY name")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|(id, name, council_area)| NetworkAdminView { id, name, council_area, localities: vec![], builders: vec![] })
            .collect();
    for n in &mut out {
        n.localities = sqlx::query_as::<_, (String, String, Option<i64>)>(
            "SELECT id, name, population FROM localities WHERE network_id = $1 ORDER BY name",
        )
        .bind(&n.id)
        .fetch_all(&db.pool)
        .await?;
        n.builders = sqlx::query_as::<_, (String, Option<String>)>(
            "SELECT u.display_name, l.name AS locality_name FROM builder_roles b JOIN users u ON u.id = b.user_id
             LEFT JOIN localities l ON l.id = b.locality_id WHERE b.network_id = $1 ORDER BY u.display_name",
        )
        .bind(&n.id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(who, locality)| (who, locality.unwrap_or_else(|| "Whole network".into())))
        .collect();
    }
    Ok(out)
}

/// Whether a network already has this slug or name (any case).
pub async fn network_taken(db: &Db, slug: &str, name: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM networks WHERE slug = $1 OR lower(name) = lower($2)")
        .bind(slug)
        .bind(name)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn network_exists(db: &Db, network_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM networks WHERE id = $1").bind(network_id).fetch_optional(&db.pool).await?.is_some())
}

pub async fn insert_network(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    slug: &str,
    name: &str,
    council_area: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO networks (id, slug, name, council_area, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(slug)
        .bind(name)
        .bind(council_area)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether a network already has a locality with this slug.
pub async fn locality_taken(db: &Db, network_id: &str, slug: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM localities WHERE network_id = $1 AND slug = $2")
        .bind(network_id)
        .bind(slug)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// A new locality; its population (for rates per 1,000) when known.
pub struct NewLocality<'a> {
    pub id: &'a str,
    pub network_id: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub population: Option<i64>,
    pub at: i64,
}

pub async fn insert_locality(tx: &mut Transaction<'_, Any>, l: &NewLocality<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO localities (id, network_id, slug, name, population, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(l.id)
        .bind(l.network_id)
        .bind(l.slug)
        .bind(l.name)
        .bind(l.population)
        .bind(l.at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The account with this (already lower-cased) email, if any.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(&db.pool).await?)
}

/// What a builder scope names: `net:<network id>` (the whole network) or a locality's id.
/// Returns (network, locality), or none when it names nothing.
pub async fn builder_scope(db: &Db, scope: &str) -> Result<Option<(String, Option<String>)>, AppError> {
    Ok(match scope.strip_prefix("net:") {
        Some(n) => sqlx::query_scalar::<_, String>("SELECT id FROM networks WHERE id = $1")
            .bind(n)
            .fetch_optional(&db.pool)
            .await?
            .map(|network| (network, None)),
        None => sqlx::query_as::<_, (String, String)>("SELECT network_id, id FROM localities WHERE id = $1")
            .bind(scope)
            .fetch_optional(&db.pool)
            .await?
            .map(|(network, locality)| (network, Some(locality))),
    })
}

/// Whether someone already builds for exactly this scope.
pub async fn builder_role_exists(db: &Db, user_id: &str, network_id: &str, locality_id: Option<&str>) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM builder_roles WHERE user_id = $1 AND network_id = $2 AND COALESCE(locality_id, '') = $3")
        .bind(user_id)
        .bind(network_id)
        .bind(locality_id.unwrap_or(""))
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn insert_builder_role(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
    locality_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id())
        .bind(user_id)
        .bind(network_id)
        .bind(locality_id)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
