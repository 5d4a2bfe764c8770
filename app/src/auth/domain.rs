//! Parsing what people type into sign-up and sign-in forms. Pure: no web, no database.
//!
//! After these functions, nothing holds a raw string: an [`Email`] is trimmed, lower-cased
//! and plausibly shaped; a [`DisplayName`] is 1–60 visible characters; a [`NewPassword`]
//! is 8–128 characters and not one of the passwords attackers try first.

use serde::{Deserialize, Serialize};

/// An email address, trimmed and lower-cased so one person has one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter your email address.".into());
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err("That email address is too long.".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || !domain_ok || s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>') {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Email(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name other members see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            return Err("Enter the name you would like other members to see.".into());
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(format!("Use {} characters or fewer for your name.", Self::MAX_CHARS));
        }
        if s.chars().any(|c| c.is_control()) {
            return Err("Your name can only contain letters, numbers, spaces and punctuation.".into());
        }
        Ok(DisplayName(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password someone is choosing. Only ever hashed, never stored or echoed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    /// `context` holds words the password must not simply be (the person's email, name).
    pub fn parse(raw: &str, context: &[&str]) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(format!("Use at least {} characters for your password.", Self::MIN_CHARS));
        }
        if n > Self::MAX_CHARS {
            return Err(format!("Use {} characters or fewer for your password.", Self::MAX_CHARS));
        }
        let lower = raw.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) || context.iter().any(|c| !c.is_empty() && lower == c.to_lowercase()) {
            return Err("That password is too easy to guess. Try three or four random words.".into());
        }
        #[cfg(feature = "ssr")]
        {
            // zxcvbn knows the big lists of leaked passwords, keyboard walks and dates.
            let entropy = zxcvbn::zxcvbn(raw, context);
            if (entropy.score() as u8) < 2 {
                return Err("That password is too easy to guess. Try three or four random words.".into());
            }
        }
        Ok(NewPassword(raw.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Passwords refused outright, also in the browser build (zxcvbn covers far more on the server).
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyuiop",
    "qwerty123",
    "iloveyou",
    "11111111",
    "00000000",
    "abc12345",
    "letmein1",
    "welcome1",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno1",
    "passw0rd",
    "timebank",
    "timeweave",
    "changeme",
    "asdfghjk",
    "zxcvbnm1",
    "1q2w3e4r",
    "qwertyui",
    "87654321",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(Email::parse("  Ann@Example.ORG ").unwrap().as_str(), "ann@example.org");
        for bad in ["", "ann", "ann@", "@x.org", "ann@x", "ann@x..org", "a b@x.org", "ann@.x.org"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn display_names_are_tidied() {
        assert_eq!(DisplayName::parse("  Mary   Jones ").unwrap().as_str(), "Mary Jones");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(61)).is_err());
    }

    #[test]
    fn passwords_have_bounds_and_refuse_common_ones() {
        assert!(NewPassword::parse("short", &[]).is_err());
        assert!(NewPassword::parse(&"a".repeat(129), &[]).is_err());
        assert!(NewPassword::parse("Password123", &[]).is_err());
        assert!(NewPassword::parse("ann@example.org", &["ann@example.org"]).is_err());
        assert!(NewPassword::parse("kettle harbour violet 42", &[]).is_ok());
    }
}
