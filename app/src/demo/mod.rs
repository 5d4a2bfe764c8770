//! The demo network: a believable time bank for North Lanarkshire with the six localities
//! of the Health & Social Care Partnership (populations from its 2020-23 commissioning plan),
//! residents, community builders, health and care professionals and a site admin; and
//! `admin create`, which makes (or promotes) a site admin.
//!
//! Seeded by `timeweave serve --demo` into an empty database only, step by step: the people
//! (`people`), then referrals, ledger history and the builders' work (`activity`), then
//! offers and requests (`listings`). Each step writes through the features' own stores
//! where they have the function; the rest is in `store`.

mod activity;
mod directory;
mod listings;
mod people;
pub mod store;

use crate::error::AppError;
use crate::platform::db::Db;
use crate::util::now;

pub use crate::platform::flags::is_demo_database;

/// Everyone in the demo signs in with this password.
pub const DEMO_PASSWORD: &str = "demo-hours-2026";

/// A line of the sign-in table printed at start.
pub struct DemoLogin {
    pub email: String,
    pub role: String,
}

fn email_for(name: &str) -> String {
    format!("{}@demo.timeweave.org", name.to_lowercase().replace(' ', "."))
}

/// Seeds the demo into an empty database. Returns `None` if there is data already.
pub async fn seed(db: &Db, keys: &crate::platform::secrets::Keys) -> Result<Option<Vec<DemoLogin>>, AppError> {
    if store::network_count(db).await? > 0 {
        return Ok(None);
    }
    // One hash for everyone: seeding stays fast.
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut tx = db.pool.begin().await?;
    let people = people::seed_people(&mut tx, &hash, keys).await?;
    // Remember that the demo made this database: only then is the outbox public.
    crate::platform::flags::mark_demo_database(&mut tx, now()).await?;
    tx.commit().await?;
    activity::seed_referrals(db, &people.network_id, &people.locality_ids).await?;
    activity::seed_ledger(db, &people.network_id, &people.actives, &people.locality_builders()).await?;
    listings::seed_listings(db, &people.network_id, &people.actives, &people.locality_ids).await?;
    activity::seed_community(db, &people.network_id, &people.builders, &people.actives).await?;
    directory::seed_directory(db, &people.network_id, &people.locality_ids, &people.builders[0].0, &people.actives).await?;
    activity::seed_onward(db, &people.network_id, &people.locality_ids[2]).await?;
    Ok(Some(people.logins))
}

/// Makes (or promotes) a site admin with a confirmed email. Returns whether the account is new.
pub async fn create_admin(db: &Db, email: &str, display_name: &str, password: &str) -> Result<bool, AppError> {
    use crate::networks::store::{insert_account, NewAccount};
    let email = crate::auth::domain::Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
    let existing = crate::auth::store::find_account_by_email(db, email.as_str()).await?;
    let hash = crate::auth::password::hash(password.to_string()).await?;
    let mut tx = db.pool.begin().await?;
    let (user_id, new) = match existing {
        Some(account) => (account.id, false),
        None => {
            let account = NewAccount { display_name, email: Some(email.as_str()), password_hash: Some(&hash), ..Default::default() };
            (insert_account(&mut tx, &account).await?, true)
        }
    };
    store::promote_to_admin(&mut tx, &user_id, &hash, now()).await?;
    tx.commit().await?;
    Ok(new)
}
