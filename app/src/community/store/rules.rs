//! SQL for a network's rules, its categories and its noticeboard (announcements).

use super::super::domain::NetworkSettings;
use super::super::{AnnouncementView, CategoryView};
use crate::error::AppError;
use crate::platform::db::{flag, Db};
use crate::platform::direct::Arg;
use sqlx::{Any, Transaction};

#[derive(sqlx::FromRow)]
struct SettingsRow {
    name: String,
    requires_approval: i64,
    starting_credit_minutes: i64,
    starting_credit_source: String,
    default_floor_minutes: i64,
    default_ceiling_minutes: i64,
    auto_confirm_days: i64,
    listing_expiry_days: i64,
    record_days_back: i64,
    see_other_localities: i64,
    visitors_browse: i64,
    first_contact_days: i64,
    follow_up_weeks: i64,
    referral_retention_months: i64,
}

/// A network's name and rules.
pub async fn settings(db: &Db, network_id: &str) -> Result<Option<(String, NetworkSettings)>, AppError> {
    let row = sqlx::query_as::<_, SettingsRow>(
        "SELECT name, requires_approval, starting_credit_minutes, starting_credit_source, default_floor_minutes, default_ceiling_minutes,
                auto_confirm_days, listing_expiry_days, see_other_localities, visitors_browse, first_contact_days, follow_up_weeks,
                referral_retention_months, record_days_back FROM networks WHERE id = $1",
    )
    .bind(network_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| {
        (
            r.name,
            NetworkSettings {
                requires_approval: flag(r.requires_approval),
                starting_credit_minutes: r.starting_credit_minutes,
                starting_credit_source: r.starting_credit_source,
                default_floor_minutes: r.default_floor_minutes,
                default_ceiling_minutes: r.default_ceiling_minutes,
                auto_confirm_days: r.auto_confirm_days,
                listing_expiry_days: r.listing_expiry_days,
                record_days_back: r.record_days_back,
                see_other_localities: flag(r.see_other_localities),
                visitors_browse: flag(r.visitors_browse),
                first_contact_days: r.first_contact_days,
                follow_up_weeks: r.follow_up_weeks,
                referral_retention_months: r.referral_retention_months,
            },
        )
    }))
}

pub async fn save_settings(tx: &mut Transaction<'_, Any>, network_id: &str, s: &NetworkSettings) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE networks SET requires_approval = $1, starting_credit_minutes = $2, starting_credit_source = $3, default_floor_minutes = $4,
                default_ceiling_minutes = $5, auto_confirm_days = $6, listing_expiry_days = $7, see_other_localities = $8,
                first_contact_days = $10, follow_up_weeks = $11, referral_retention_months = $12, visitors_browse = $13,
                record_days_back = $14 WHERE id = $9",
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
    .bind(s.visitors_browse as i64)
    .bind(s.record_days_back)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: String,
    name: String,
    retired_at: Option<i64>,
    network_id: Option<String>,
}

/// The categories a network uses: the shared ones and its own, in their order.
pub async fn categories(db: &Db, network_id: &str) -> Result<Vec<CategoryView>, AppError> {
    Ok(sqlx::query_as::<_, CategoryRow>(
        "SELECT id, name, retired_at, network_id FROM categories WHERE network_id IS NULL OR network_id = $1 ORDER BY position, name",
    )
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|r| CategoryView { id: r.id, name: r.name, retired: r.retired_at.is_some(), shared: r.network_id.is_none() })
    .collect())
}

/// Whether a category the network can see already has this name (any case).
pub async fn category_name_taken(tx: &mut Transaction<'_, Any>, network_id: &str, name: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM categories WHERE (network_id IS NULL OR network_id = $1) AND lower(name) = lower($2)")
        .bind(network_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

/// A category's name and the network that owns it (none: shared by every network).
pub async fn category_owner(tx: &mut Transaction<'_, Any>, id: &str) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as::<_, (String, Option<String>)>("SELECT name, network_id FROM categories WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// A new category of the network's own, after every other; returns its id.
pub async fn insert_category(tx: &mut Transaction<'_, Any>, network_id: &str, name: &str, at: i64) -> Result<String, sqlx::Error> {
    let id = crate::util::new_id();
    sqlx::query(
        "INSERT INTO categories (id, network_id, name, theme, position, retired_at, created_at)
         VALUES ($1, $2, $3, 'skill', (SELECT COALESCE(MAX(position), 0) + 1 FROM categories), NULL, $4)",
    )
    .bind(&id)
    .bind(network_id)
    .bind(name)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn rename_category(tx: &mut Transaction<'_, Any>, id: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE categories SET name = $1 WHERE id = $2").bind(name).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Retires a category (`retired_at` = when) or brings it back (`None`).
pub async fn set_category_retired(tx: &mut Transaction<'_, Any>, id: &str, retired_at: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE categories SET retired_at = $1 WHERE id = $2").bind(retired_at).bind(id).execute(&mut **tx).await?;
    Ok(())
}

crate::read_row! {
    struct AnnouncementRow {
        id: String,
        title: String,
        body: String,
        created_at: i64,
        locality_id: Option<String>,
        locality_name: Option<String>,
        posted_by: String,
    }
}

/// The noticeboard a member sees: their network's and their locality's current notices.
pub async fn announcements_for(
    db: &Db,
    network_id: &str,
    locality_id: Option<&str>,
    limit: i64,
) -> Result<Vec<AnnouncementView>, AppError> {
    Ok(db
        .read_all::<AnnouncementRow>(
            "SELECT a.id, a.title, a.body, a.created_at, a.locality_id, l.name AS locality_name, u.display_name AS posted_by
             FROM announcements a JOIN users u ON u.id = a.posted_by LEFT JOIN localities l ON l.id = a.locality_id
             WHERE a.network_id = $1 AND a.ended_at IS NULL AND (a.locality_id IS NULL OR a.locality_id = $2 OR $2 = '*')
             ORDER BY a.created_at DESC, a.id LIMIT $3",
            &[Arg::from(network_id), Arg::from(locality_id.unwrap_or("*")), Arg::from(limit)],
        )
        .await?
        .into_iter()
        .map(|r| AnnouncementView {
            id: r.id,
            title: r.title,
            body: r.body,
            at: r.created_at,
            locality_id: r.locality_id,
            audience: r.locality_name.unwrap_or_else(|| "Everyone in the network".into()),
            posted_by: r.posted_by,
        })
        .collect())
}

/// Whether a locality belongs to a network.
pub async fn locality_in_network(db: &Db, locality_id: &str, network_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 FROM localities WHERE id = $1 AND network_id = $2")
        .bind(locality_id)
        .bind(network_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// A new notice for a whole network (`locality_id` none) or one locality.
pub struct NewAnnouncement<'a> {
    pub id: &'a str,
    pub network_id: &'a str,
    pub locality_id: Option<&'a str>,
    pub title: &'a str,
    pub body: &'a str,
    pub posted_by: &'a str,
    pub emailed: bool,
    pub at: i64,
}

pub async fn insert_announcement(tx: &mut Transaction<'_, Any>, a: &NewAnnouncement<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO announcements (id, network_id, locality_id, title, body, posted_by, emailed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.id)
    .bind(a.network_id)
    .bind(a.locality_id)
    .bind(a.title)
    .bind(a.body)
    .bind(a.posted_by)
    .bind(a.emailed as i64)
    .bind(a.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The emails of the active members an announcement goes to (the whole network when
/// `locality_id` is empty), leaving out those who chose no emails.
pub async fn announcement_recipients(
    tx: &mut Transaction<'_, Any>,
    network_id: &str,
    locality_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.network_id = $1 AND m.status = 'active' AND ($2 = '' OR m.locality_id = $2) AND u.email IS NOT NULL
           AND u.email_frequency <> 'never'",
    )
    .bind(network_id)
    .bind(locality_id)
    .fetch_all(&mut **tx)
    .await
}

/// A notice still up: its network, locality (none: the whole network) and title.
#[derive(sqlx::FromRow)]
pub struct OpenAnnouncement {
    pub network_id: String,
    pub locality_id: Option<String>,
    pub title: String,
}

pub async fn open_announcement(db: &Db, id: &str) -> Result<Option<OpenAnnouncement>, AppError> {
    Ok(sqlx::query_as::<_, OpenAnnouncement>("SELECT network_id, locality_id, title FROM announcements WHERE id = $1 AND ended_at IS NULL")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Takes a notice down; false if it already was.
pub async fn end_announcement(tx: &mut Transaction<'_, Any>, id: &str, at: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("UPDATE announcements SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        != 0)
}
