//! The site's secret keys, and the two things made with them: sealed values (secrets kept
//! at rest, e.g. authenticator keys) and keyed hashes (recovery codes, the signature on a
//! form's error state).
//!
//! - One current key (`TIMEWEAVE_SECRET_KEY`, 32 bytes as 64 hex characters) and any number
//!   of old ones (`TIMEWEAVE_OLD_SECRET_KEYS`, comma-separated) that are still accepted for
//!   opening and checking, so a key can be rotated without locking anyone out:
//!   `timeweave admin rotate-secrets` re-seals every stored secret with the current key.
//! - Without `TIMEWEAVE_SECRET_KEY` the server keeps a key in a file beside the SQLite
//!   database (`<database>.key`, mode 0600), made on first start; with PostgreSQL and
//!   several servers every server must be given the same key.
//! - Each use derives its own subkey (HMAC-SHA256 of the key and the use's name), so a value
//!   made for one purpose is never accepted for another.
//! - Sealing is XChaCha20-Poly1305 (the `chacha20poly1305` crate) with a random nonce:
//!   `v1.<key id>.<base64url(nonce ‖ ciphertext)>`; the key id says which key opens it.

use anyhow::Context;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// One 256-bit key and its short public id.
#[derive(Clone)]
struct Key {
    id: String,
    bytes: [u8; 32],
}

impl Key {
    fn new(bytes: [u8; 32]) -> Key {
        let id = hex::encode(&Sha256::digest(bytes)[..4]);
        Key { id, bytes }
    }

    fn parse(text: &str) -> anyhow::Result<Key> {
        let raw = hex::decode(text.trim()).map_err(|_| anyhow::anyhow!("a secret key must be 64 hex characters"))?;
        let bytes: [u8; 32] = raw.try_into().map_err(|_| anyhow::anyhow!("a secret key must be 32 bytes (64 hex characters)"))?;
        Ok(Key::new(bytes))
    }

    /// The subkey for one purpose.
    fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(b"timeweave:");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn mac(&self, purpose: &str, parts: &[&[u8]]) -> HmacSha256 {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.derive(purpose)).expect("HMAC takes any key length");
        for part in parts {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }
}

/// The current key and the old ones still accepted.
#[derive(Clone)]
pub struct Keys {
    current: Key,
    old: Vec<Key>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keys(current {}, {} old)", self.current.id, self.old.len())
    }
}

impl Keys {
    /// From the configuration's text: the current key and a comma-separated list of old ones.
    pub fn parse(current: &str, old: Option<&str>) -> anyhow::Result<Keys> {
        let current = Key::parse(current).context("TIMEWEAVE_SECRET_KEY")?;
        let old = old
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Key::parse)
            .collect::<anyhow::Result<Vec<_>>>()
            .context("TIMEWEAVE_OLD_SECRET_KEYS")?;
        Ok(Keys { current, old })
    }

    /// A fresh random key (tests; the first start of a database without a configured key).
    pub fn random() -> Keys {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Keys { current: Key::new(bytes), old: vec![] }
    }

    /// 64 hex characters for a new key (what `timeweave admin new-key` prints).
    pub fn new_key_text() -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// The key kept in a file (made, readable by the owner only, if missing).
    pub fn load_or_create(path: &std::path::Path) -> anyhow::Result<Keys> {
        match std::fs::read_to_string(path) {
            Ok(text) => Keys::parse(&text, None).with_context(|| format!("reading the secret key in {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = Keys::new_key_text();
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).ok();
                }
                write_private(path, &text).with_context(|| format!("writing a new secret key to {}", path.display()))?;
                Keys::parse(&text, None)
            }
            Err(e) => Err(e).with_context(|| format!("reading the secret key in {}", path.display())),
        }
    }

    /// The current key's id (shown by `rotate-secrets`).
    /// The current key's subkey for one purpose, as raw bytes: for a key that must be the
    /// same on every server and derives from the site's key (the web push key, whose
    /// private half is this). Rotating the site key changes it.
    pub fn subkey(&self, purpose: &str) -> [u8; 32] {
        self.current.derive(purpose)
    }

    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    fn all(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.current).chain(self.old.iter())
    }

    /// Seals a secret for keeping at rest. `purpose` is bound in (opening it for another
    /// purpose fails).
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new(&self.current.derive(purpose).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption with a valid key and nonce cannot fail for in-memory data.
        let sealed = cipher.encrypt(&nonce, Payload { msg: plaintext, aad: purpose.as_bytes() }).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("v1.{}.{}", self.current.id, B64.encode(out))
    }

    /// Opens a sealed value; `None` if it was not sealed by one of our keys for this purpose.
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else { return None };
        let key = self.all().find(|k| k.id == id)?;
        let raw = B64.decode(body).ok()?;
        if raw.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = raw.split_at(24);
        let cipher = XChaCha20Poly1305::new(&key.derive(purpose).into());
        cipher.decrypt(nonce.into(), Payload { msg: ciphertext, aad: purpose.as_bytes() }).ok()
    }

    /// Whether a sealed value was sealed with an old key (rotation re-seals those).
    pub fn is_current(&self, sealed: &str) -> bool {
        sealed.split('.').nth(1) == Some(self.current.id.as_str())
    }

    /// A keyed hash (hex) of some parts, with the current key.
    pub fn mac(&self, purpose: &str, parts: &[&[u8]]) -> String {
        hex::encode(self.current.mac(purpose, parts).finalize().into_bytes())
    }

    /// The keyed hash with every accepted key, current first (to look up stored hashes
    /// made before a rotation).
    pub fn macs(&self, purpose: &str, parts: &[&[u8]]) -> Vec<String> {
        self.all().map(|k| hex::encode(k.mac(purpose, parts).finalize().into_bytes())).collect()
    }

    /// Checks a keyed hash in constant time against every accepted key.
    pub fn verify_mac(&self, purpose: &str, parts: &[&[u8]], mac_hex: &str) -> bool {
        let Ok(given) = hex::decode(mac_hex) else { return false };
        self.all().any(|k| k.mac(purpose, parts).verify_slice(&given).is_ok())
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_right_key_and_purpose() {
        let keys = Keys::random();
        let sealed = keys.seal("totp", b"JBSWY3DP");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("JBSWY3DP"));
        assert_eq!(keys.open("totp", &sealed).as_deref(), Some(&b"JBSWY3DP"[..]));
        assert_eq!(keys.open("recovery", &sealed), None, "bound to its purpose");
        assert_eq!(Keys::random().open("totp", &sealed), None, "another key cannot open it");
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(keys.open("totp", &tampered), None, "tampering is detected");
        assert_ne!(keys.seal("totp", b"x"), keys.seal("totp", b"x"), "a fresh nonce each time");
    }

    #[test]
    fn rotation_keeps_old_values_readable() {
        let old_text = Keys::new_key_text();
        let old = Keys::parse(&old_text, None).unwrap();
        let sealed = old.seal("totp", b"secret");
        let mac = old.mac("form", &[b"a", b"b"]);
        let rotated = Keys::parse(&Keys::new_key_text(), Some(&old_text)).unwrap();
        assert_eq!(rotated.open("totp", &sealed).as_deref(), Some(&b"secret"[..]));
        assert!(!rotated.is_current(&sealed));
        assert!(rotated.verify_mac("form", &[b"a", b"b"], &mac));
        assert!(rotated.macs("form", &[b"a", b"b"]).contains(&mac));
        assert!(!rotated.verify_mac("form", &[b"ab", b""], &mac), "parts are length-prefixed");
        assert!(Keys::parse("short", None).is_err());
    }
}
