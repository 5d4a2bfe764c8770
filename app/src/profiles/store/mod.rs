//! Profiles' SQL: the member with their first membership, the thanks they got, and the
//! few lines about themselves.

use crate::error::AppError;
use crate::platform::db::Db;

/// A member as their profile starts: who, where, since when, and their standing.
#[derive(sqlx::FromRow)]
pub struct ProfileRow {
    pub display_name: String,
    pub about: String,
    pub network_id: String,
    pub locality_id: String,
    pub created_at: i64,
    pub status: String,
    pub locality_name: String,
    /// Their photo's token, if they have one (see [`super::photo_address`]).
    pub photo_token: Option<String>,
}

/// The member, their first membership and their photo's token.
pub async fn member(db: &Db, user_id: &str) -> Result<Option<ProfileRow>, AppError> {
    Ok(sqlx::query_as::<_, ProfileRow>(
        "SELECT u.id, u.display_name, u.about, m.network_id, m.locality_id, m.created_at, m.status, l.name AS locality_name,
                p.token AS photo_token
         FROM users u JOIN memberships m ON m.user_id = u.id JOIN localities l ON l.id = m.locality_id
         LEFT JOIN member_photos p ON p.user_id = u.id WHERE u.id = $1
         ORDER BY m.created_at LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// One thank-you: (from, text, when).
#[derive(sqlx::FromRow)]
struct ThanksRow {
    display_name: String,
    body: String,
    created_at: i64,
}

/// The newest 20 thank-yous the member got for exchanges in this network: (from, text, when).
pub async fn thanks(db: &Db, user_id: &str, network_id: &str) -> Result<Vec<(String, String, i64)>, AppError> {
    let rows = sqlx::query_as::<_, ThanksRow>(
        "SELECT u.display_name, t.body, t.created_at FROM thanks t JOIN users u ON u.id = t.from_id JOIN exchanges e ON e.id = t.exchange_id
         WHERE t.to_id = $1 AND e.network_id = $2 ORDER BY t.created_at DESC LIMIT 20",
    )
    .bind(user_id)
    .bind(network_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.display_name, r.body, r.created_at)).collect())
}

pub async fn set_about(db: &Db, user_id: &str, about: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET about = $1 WHERE id = $2").bind(about).bind(user_id).execute(&db.pool).await?;
    Ok(())
}

/// What the account itself holds, for the member's own data download.
#[derive(sqlx::FromRow, serde::Serialize)]
pub struct AccountData {
    pub display_name: String,
    pub email: Option<String>,
    pub phone: String,
    pub about: String,
    pub email_frequency: String,
    pub created_at: i64,
}

pub async fn account_data(db: &Db, user_id: &str) -> Result<Option<AccountData>, AppError> {
    Ok(sqlx::query_as::<_, AccountData>("SELECT display_name, email, phone, about, email_frequency, created_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// One of the member's memberships, for their data download.
#[derive(sqlx::FromRow, serde::Serialize)]
pub struct MembershipData {
    #[serde(skip)]
    pub network_id: String,
    pub network: String,
    pub area: String,
    pub status: String,
    pub about: String,
    pub joined_at: i64,
}

pub async fn memberships_data(db: &Db, user_id: &str) -> Result<Vec<MembershipData>, AppError> {
    Ok(sqlx::query_as::<_, MembershipData>(
        "SELECT m.network_id, n.name AS network, l.name AS area, m.status, m.about, m.created_at AS joined_at
         FROM memberships m JOIN networks n ON n.id = m.network_id JOIN localities l ON l.id = m.locality_id
         WHERE m.user_id = $1 ORDER BY m.created_at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Keeps a member's (re-encoded) photo under a new token, replacing the one before.
pub async fn save_photo(db: &Db, user_id: &str, image: &[u8]) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO member_photos (user_id, token, image, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, image = excluded.image, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(crate::util::new_token())
    .bind(image)
    .bind(crate::util::now())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A kept photo with its owner's (first) membership, to decide who may see it.
#[derive(sqlx::FromRow)]
pub struct PhotoRow {
    pub user_id: String,
    pub image: Vec<u8>,
    pub network_id: String,
    pub locality_id: String,
    pub status: String,
}

pub async fn photo_by_token(db: &Db, token: &str) -> Result<Option<PhotoRow>, AppError> {
    Ok(sqlx::query_as::<_, PhotoRow>(
        "SELECT p.user_id, p.image, m.network_id, m.locality_id, m.status
         FROM member_photos p JOIN memberships m ON m.user_id = p.user_id WHERE p.token = $1
         ORDER BY m.created_at LIMIT 1",
    )
    .bind(token)
    .fetch_optional(&db.pool)
    .await?)
}

/// The address of a member's photo, if they have one.
pub async fn photo_url(db: &Db, user_id: &str) -> Result<Option<String>, AppError> {
    let token = sqlx::query_scalar::<_, String>("SELECT token FROM member_photos WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(token.map(|t| super::photo_address(&t)))
}

/// The member's photo as kept (JPEG bytes), for their own data download.
pub async fn photo_image(db: &Db, user_id: &str) -> Result<Option<Vec<u8>>, AppError> {
    Ok(sqlx::query_scalar::<_, Vec<u8>>("SELECT image FROM member_photos WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Removes a member's photo; false if they had none.
pub async fn delete_photo(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM member_photos WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?.rows_affected() == 1)
}

mod closing;
mod export;
pub use closing::*;
pub use export::*;
