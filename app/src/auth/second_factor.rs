//! Two-step sign-in: a time-based code from an authenticator app (TOTP, RFC 6238, by the
//! `totp-rs` crate: SHA-1, 6 digits, 30-second steps, one step of clock drift either side)
//! or a single-use recovery code.
//!
//! Rules kept here:
//! - a code's time step is stored when it is accepted, and the update only succeeds if
//!   the step is newer than the last one, so no code works twice, even across servers;
//! - the secret is kept sealed with the site's key (`platform::secrets`, XChaCha20-Poly1305),
//!   so a copy of the database alone does not give anyone's codes;
//! - recovery codes are kept as keyed hashes (HMAC with the site's key and the account id)
//!   and used once; while setting up, the new codes wait, sealed, with the new secret until
//!   the first good code turns the factor on;
//! - half-way through signing in the browser holds only a random challenge token; five
//!   wrong codes end the challenge.

use super::store::second_factor as rows;
use crate::error::AppError;
use crate::platform::db::Db;
use crate::platform::secrets::Keys;
use crate::platform::state::AppState;
use crate::util::{hash_token, new_token, now, MINUTE};
use rand::RngCore;
use sqlx::{Any, Transaction};
use totp_rs::{Builder, Secret, Totp};

pub const CHALLENGE_COOKIE: &str = "tw_challenge";
pub const CHALLENGE_SECS: i64 = 10 * MINUTE;
pub const MAX_CODE_ATTEMPTS: i64 = 5;
const RECOVERY_CODES: usize = 10;

/// The secret the demo's staff accounts share (documented in the README; demo only).
pub const DEMO_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

// ---- pure ----

/// A new 160-bit secret, base32 as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

fn totp(secret: &str) -> Option<Totp> {
    let bytes = Secret::try_from_base32(secret).ok()?;
    Builder::new().with_secret(bytes).build().ok()
}

/// The code an authenticator shows at `time` (tests and the demo use it).
pub fn code_at(secret: &str, time: u64) -> Option<String> {
    Some(totp(secret)?.generate(time).to_string())
}

/// The time step a typed code belongs to, if it is right at `time` (± one step).
pub fn matching_step(secret: &str, typed: &str, time: u64) -> Option<u64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    totp(secret)?.check(&code, time)
}

/// The `otpauth://` address an authenticator app reads (typed or from a QR code).
pub fn otpauth_uri(secret: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!("otpauth://totp/Timeweave:{}?secret={secret}&issuer=Timeweave&algorithm=SHA1&digits=6&period=30", enc(account))
}

/// Ten recovery codes like `k7m2p-x9qrt`.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes.iter().map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

const SECRET_PURPOSE: &str = "totp-secret";
const PENDING_PURPOSE: &str = "recovery-codes-pending";
const RECOVERY_PURPOSE: &str = "recovery-code";

/// The keyed hashes of a typed recovery code, one per accepted key (current first).
fn recovery_hashes(keys: &Keys, user_id: &str, typed: &str) -> Vec<String> {
    let clean: String = typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    keys.macs(RECOVERY_PURPOSE, &[user_id.as_bytes(), clean.as_bytes()])
}

/// A secret (or the waiting recovery codes) as stored.
pub fn seal_secret(keys: &Keys, secret: &str) -> String {
    keys.seal(SECRET_PURPOSE, secret.as_bytes())
}

fn open_text(keys: &Keys, purpose: &str, stored: &str) -> Option<String> {
    if stored.is_empty() {
        return Some(String::new());
    }
    keys.open(purpose, stored).and_then(|b| String::from_utf8(b).ok())
}

// ---- storage (the SQL is in `store::second_factor`) ----

/// Where a person stands: (secret, turned on, recovery codes left, codes waiting to be shown).
pub struct FactorState {
    pub secret: String,
    pub enabled: bool,
    pub recovery_left: i64,
    pub pending_codes: Vec<String>,
}

pub async fn state_of(st: &AppState, user_id: &str) -> Result<Option<FactorState>, AppError> {
    let Some(r) = rows::factor(&st.db, user_id).await? else { return Ok(None) };
    let keys = &st.config.keys;
    // A secret no key opens cannot be used: the key was lost or changed without rotation.
    let secret = open_text(keys, SECRET_PURPOSE, &r.secret)
        .ok_or_else(|| crate::error::unexpected("a two-step secret does not open with the configured keys"))?;
    let pending = open_text(keys, PENDING_PURPOSE, &r.pending_codes).unwrap_or_default();
    Ok(Some(FactorState {
        secret,
        enabled: r.enabled_at.is_some(),
        recovery_left: r.left_codes,
        pending_codes: pending.split(' ').filter(|s| !s.is_empty()).map(String::from).collect(),
    }))
}

/// Whether the person has a second factor turned on.
pub async fn is_enabled(db: &Db, user_id: &str) -> Result<bool, AppError> {
    rows::is_enabled(db, user_id).await
}

/// Starts (or continues) setting up: a new secret and recovery codes, kept until turned on.
/// The secret belongs to the session that asked for it: another session starting to set
/// up gets a new one (the first one's secret stops working), so a second sign-in cannot
/// read the secret someone else is setting up.
pub async fn begin_setup(st: &AppState, user_id: &str, session_token: &str) -> Result<FactorState, AppError> {
    let session = hash_token(session_token);
    if !rows::on_or_set_up_by(&st.db, user_id, &session).await? {
        let sealed_secret = seal_secret(&st.config.keys, &new_secret());
        let sealed_pending = st.config.keys.seal(PENDING_PURPOSE, new_recovery_codes().join(" ").as_bytes());
        rows::restart_setup(&st.db, user_id, &sealed_secret, &sealed_pending, &session, now()).await?;
    }
    state_of(st, user_id).await?.ok_or_else(|| crate::error::unexpected("second factor: setup row missing"))
}

/// The secret being set up by this session, if it is this session's.
pub async fn pending_for(st: &AppState, user_id: &str, session_token: &str) -> Result<Option<FactorState>, AppError> {
    if !rows::set_up_by(&st.db, user_id, &hash_token(session_token)).await? {
        return Ok(None);
    }
    state_of(st, user_id).await
}

/// Turns the factor on with the first good code: the waiting recovery codes become the
/// person's (hashed), and are never shown again.
pub async fn enable(tx: &mut Transaction<'_, Any>, st: &AppState, user_id: &str, step: u64, codes: &[String]) -> Result<bool, AppError> {
    let t = now();
    let done = rows::turn_on(tx, user_id, step as i64, t).await?;
    if done {
        let hashes: Vec<String> = codes.iter().map(|c| recovery_hashes(&st.config.keys, user_id, c).swap_remove(0)).collect();
        rows::replace_recovery_codes(tx, user_id, &hashes, t).await?;
    }
    Ok(done)
}

/// Turns the factor off (only where the person's roles allow it; the caller checks).
pub async fn disable(tx: &mut Transaction<'_, Any>, user_id: &str) -> Result<(), AppError> {
    rows::delete(tx, user_id).await
}

/// Checks a code from the app or a recovery code, and uses it up. `false`: wrong, or
/// already used.
pub async fn verify(st: &AppState, user_id: &str, typed: &str) -> Result<bool, AppError> {
    let Some(state) = state_of(st, user_id).await?.filter(|s| s.enabled) else { return Ok(false) };
    if let Some(step) = matching_step(&state.secret, typed, now() as u64) {
        return rows::use_step(&st.db, user_id, step as i64).await;
    }
    // Codes kept before a key rotation carry an old key's hash: try each accepted key.
    for hash in recovery_hashes(&st.config.keys, user_id, typed) {
        if rows::use_recovery_code(&st.db, user_id, &hash, now()).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Re-seals every stored secret (and waiting recovery codes) with the current key, after
/// a rotation. Returns how many rows were re-sealed. Recovery codes' hashes cannot be
/// redone without the codes: keep the old key in `TIMEWEAVE_OLD_SECRET_KEYS` until the
/// people who hold them have set up new ones (or accept that those codes stop working).
pub async fn reseal_all(st: &AppState) -> Result<u64, AppError> {
    let keys = &st.config.keys;
    let mut done = 0;
    for r in rows::all_sealed(&st.db).await? {
        let (user_id, secret, pending) = (r.user_id, r.secret, r.pending_codes);
        if keys.is_current(&secret) && (pending.is_empty() || keys.is_current(&pending)) {
            continue;
        }
        let plain = open_text(keys, SECRET_PURPOSE, &secret)
            .ok_or_else(|| crate::error::unexpected(format!("the two-step secret of {user_id} opens with no configured key")))?;
        let plain_pending = open_text(keys, PENDING_PURPOSE, &pending).unwrap_or_default();
        let sealed_pending = if plain_pending.is_empty() { String::new() } else { keys.seal(PENDING_PURPOSE, plain_pending.as_bytes()) };
        done += rows::reseal(&st.db, &user_id, &secret, &seal_secret(keys, &plain), &sealed_pending).await?;
    }
    Ok(done)
}

/// Seeds a turned-on factor with a known secret (tests).
pub async fn seed(tx: &mut Transaction<'_, Any>, keys: &Keys, user_id: &str, secret: &str) -> Result<(), AppError> {
    rows::insert_enabled(tx, user_id, &seal_secret(keys, secret), now()).await
}

// ---- the half-way point of signing in ----

/// Remembers that the password was right; returns the token for the challenge cookie.
pub async fn open_challenge(db: &Db, user_id: &str, next: &str) -> Result<String, AppError> {
    let token = new_token();
    rows::open_challenge(db, &hash_token(&token), user_id, next, now(), now() + CHALLENGE_SECS).await?;
    Ok(token)
}

/// The challenge behind a token, if live and not worn out: (user id, next path).
pub async fn challenge(db: &Db, token: &str) -> Result<Option<(String, String)>, AppError> {
    let row = rows::challenge(db, &hash_token(token), now(), MAX_CODE_ATTEMPTS).await?;
    Ok(row.map(|r| (r.user_id, r.next_path)))
}

/// Uses up one attempt before a code is checked (one conditional UPDATE, so parallel
/// guesses cannot slip past the limit). `false`: no attempts left, or no such challenge.
pub async fn take_attempt(db: &Db, token: &str) -> Result<bool, AppError> {
    rows::take_attempt(db, &hash_token(token), MAX_CODE_ATTEMPTS, now()).await
}

pub async fn close_challenge(db: &Db, token: &str) -> Result<(), AppError> {
    rows::close_challenge(db, &hash_token(token)).await
}

/// Notes on the current session that it proved a second factor.
pub async fn mark_session(db: &Db, session_token: &str) -> Result<(), AppError> {
    rows::mark_session(db, &hash_token(session_token), now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last 6 digits.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1111111109).unwrap(), "081804");
        assert_eq!(code_at(&secret, 1234567890).unwrap(), "005924");
        assert_eq!(code_at(&secret, 2000000000).unwrap(), "279037");
    }

    #[test]
    fn a_code_is_good_for_one_step_either_side_only() {
        let s = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&s, t).unwrap();
        assert_eq!(matching_step(&s, &code, t), Some(t / 30));
        assert_eq!(matching_step(&s, &code, t + 30), Some(t / 30));
        assert_eq!(matching_step(&s, &code, t + 90), None);
        assert_eq!(matching_step(&s, &format!("{} {}", &code[..3], &code[3..]), t), Some(t / 30), "spaces are ignored");
        assert_eq!(matching_step(&s, "12345", t), None);
        assert_eq!(matching_step(&s, "abcdef", t), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 10);
        let keys = Keys::random();
        let hash = |c: &str| recovery_hashes(&keys, "user-1", c);
        assert_eq!(hash(&codes[0]), hash(&codes[0].to_uppercase().replace('-', " ")));
        assert_ne!(hash(&codes[0]), recovery_hashes(&keys, "user-2", &codes[0]), "bound to the account");
        assert_ne!(hash(&codes[0]), recovery_hashes(&Keys::random(), "user-1", &codes[0]), "keyed");
    }
}
