//! The demo's own SQL: the rows no feature's store writes in the demo's shape (a network
//! made with its localities, back-dated accounts and memberships, staff sharing the
//! published two-step key, a back-dated referral, a care home's account).

use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::new_id;
use sqlx::{Any, Transaction};

pub async fn network_count(db: &Db) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) AS n FROM networks").fetch_one(&db.pool).await?)
}

/// A locality of the network, with its population; returns its id.
pub async fn insert_locality(
    tx: &mut Transaction<'_, Any>,
    network_id: &str,
    (slug, name, population): (&str, &str, i64),
    t: i64,
) -> Result<String, AppError> {
    let id = new_id();
    sqlx::query("INSERT INTO localities (id, network_id, slug, name, population, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(network_id)
        .bind(slug)
        .bind(name)
        .bind(population)
        .bind(t)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// An account made at `at` with its email confirmed then; `admin`: a site admin.
pub async fn confirm_and_backdate_account(tx: &mut Transaction<'_, Any>, user_id: &str, at: i64, admin: bool) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET email_confirmed_at = $1, created_at = $1, is_site_admin = $2 WHERE id = $3")
        .bind(at)
        .bind(admin as i64)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A membership begun (and the code of conduct agreed) at `at`.
pub async fn backdate_membership(tx: &mut Transaction<'_, Any>, user_id: &str, network_id: &str, at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE memberships SET created_at = $1, code_of_conduct_agreed_at = $1 WHERE user_id = $2 AND network_id = $3")
        .bind(at)
        .bind(user_id)
        .bind(network_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A community builder for the whole network (`locality_id` `None`) or one locality.
pub async fn insert_builder_role(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    network_id: &str,
    locality_id: Option<&str>,
    t: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id())
        .bind(user_id)
        .bind(network_id)
        .bind(locality_id)
        .bind(t)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A professional verified at `t`.
pub async fn insert_professional(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    organisation_id: &str,
    job_title: &str,
    is_org_lead: bool,
    t: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO professionals (user_id, organisation_id, job_title, is_org_lead, verified_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(organisation_id)
    .bind(job_title)
    .bind(is_org_lead as i64)
    .bind(t)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Turns two-step sign-in on for every staff member (site admins, builders,
/// professionals) with one sealed secret.
pub async fn enable_staff_second_factors(tx: &mut Transaction<'_, Any>, sealed_secret: &str, t: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO second_factors (user_id, secret, enabled_at, last_step, pending_codes, created_at)
         SELECT u.id, $1, $2, 0, '', $2 FROM users u
         WHERE u.is_site_admin = 1 OR EXISTS (SELECT 1 FROM builder_roles b WHERE b.user_id = u.id)
            OR EXISTS (SELECT 1 FROM professionals p WHERE p.user_id = u.id)",
    )
    .bind(sealed_secret)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Two hours' welcome for every new member, from the network.
pub async fn set_starting_credit(db: &Db, network_id: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE networks SET starting_credit_minutes = 120, starting_credit_source = 'network' WHERE id = $1")
        .bind(network_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The care home: an organisation, its hour account in the network, and the member who
/// acts for it.
pub async fn add_care_home(
    db: &Db,
    organisation_id: &str,
    account_id: &str,
    network_id: &str,
    user_id: &str,
    t: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, 'Kirkshaws Care Home', 'Care home', $2)")
        .bind(organisation_id)
        .bind(t)
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO accounts (id, network_id, kind, organisation_id, created_at) VALUES ($1, $2, 'organisation', $3, $4)")
        .bind(account_id)
        .bind(network_id)
        .bind(organisation_id)
        .bind(t)
        .execute(&db.pool)
        .await?;
    sqlx::query("INSERT INTO organisation_members (network_id, organisation_id, user_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(network_id)
        .bind(organisation_id)
        .bind(user_id)
        .bind(t)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A notice to the whole network, not emailed.
pub struct Announcement<'a> {
    pub id: &'a str,
    pub network_id: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub posted_by: &'a str,
}

pub async fn insert_announcement(tx: &mut Transaction<'_, Any>, a: &Announcement<'_>, at: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO announcements (id, network_id, locality_id, title, body, posted_by, emailed, created_at) VALUES ($1, $2, NULL, $3, $4, $5, 0, $6)",
    )
    .bind(a.id)
    .bind(a.network_id)
    .bind(a.title)
    .bind(a.body)
    .bind(a.posted_by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A professional of the demo, found by email.
#[derive(sqlx::FromRow)]
pub struct Professional {
    pub user_id: String,
    pub organisation_id: String,
    pub display_name: String,
}

pub async fn professional_by_email(db: &Db, email: &str) -> Result<Professional, AppError> {
    Ok(sqlx::query_as::<_, Professional>(
        "SELECT p.user_id, p.organisation_id, u.display_name FROM professionals p JOIN users u ON u.id = p.user_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(&db.pool)
    .await?)
}

/// A referral made, with consent, at `at`.
pub async fn backdate_referral(tx: &mut Transaction<'_, Any>, referral_id: &str, at: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE referrals SET created_at = $1, updated_at = $1, consent_referral_at = $1, consent_sharing_at = $1 WHERE id = $2")
        .bind(at)
        .bind(referral_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes an account a site admin with this password and a confirmed email.
pub async fn promote_to_admin(tx: &mut Transaction<'_, Any>, user_id: &str, password_hash: &str, t: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET is_site_admin = 1, password_hash = $1, email_confirmed_at = COALESCE(email_confirmed_at, $2) WHERE id = $3",
    )
    .bind(password_hash)
    .bind(t)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The id of the referral of the person of that name.
pub async fn referral_id_by_name(db: &Db, person_name: &str) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM referrals WHERE person_name = $1").bind(person_name).fetch_one(&db.pool).await?)
}
