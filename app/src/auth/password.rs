//! Password hashing with argon2id (m = 19456 KiB, t = 2, p = 1, OWASP's baseline), run on
//! tokio's blocking pool so a sign-in never stalls other requests.

use crate::error::{unexpected, AppError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19_456, 2, 1, None).map_err(|e| unexpected(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a new password into a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| unexpected(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| unexpected(format!("password hashing task: {e}")))?
}

/// Checks a password against a stored hash. With no stored hash (unknown email, or a member
/// who cannot sign in) it checks against a fixed dummy hash, so both cost the same time.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let known = stored.is_some();
    let stored = match stored {
        Some(s) => s,
        None => dummy_hash()?.to_string(),
    };
    let ok = tokio::task::spawn_blocking(move || -> Result<bool, AppError> {
        let parsed = PasswordHash::new(&stored).map_err(|e| unexpected(format!("stored hash unreadable: {e}")))?;
        Ok(hasher()?.verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| unexpected(format!("password check task: {e}")))??;
    Ok(ok && known)
}

fn dummy_hash() -> Result<&'static str, AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h);
    }
    let salt = SaltString::generate(&mut OsRng);
    let h = hasher()?
        .hash_password(b"timeweave-dummy-password-for-timing", &salt)
        .map_err(|e| unexpected(format!("dummy hash: {e}")))?
        .to_string();
    Ok(DUMMY.get_or_init(|| h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_never_matches() {
        let h = hash("kettle harbour violet".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("kettle harbour violet".into(), Some(h.clone())).await.unwrap());
        assert!(!verify("wrong".into(), Some(h)).await.unwrap());
        assert!(!verify("timeweave-dummy-password-for-timing".into(), None).await.unwrap());
    }
}
