//! Small helpers shared by every feature: ids, tokens, the clock, and plain-words dates.

/// Seconds since the Unix epoch, as stored in every `*_at` column.
pub type EpochSecs = i64;

/// Lengths of time in seconds, for arithmetic on [`EpochSecs`]. In SQL, bind them as
/// parameters rather than writing the number into the query.
pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
pub const WEEK: i64 = 7 * DAY;

#[cfg(feature = "ssr")]
mod ssr {
    use rand::RngCore;
    use sha2::{Digest, Sha256};

    /// A new random id: 128 bits as 32 lower-case hex characters.
    pub fn new_id() -> String {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// A new secret token for a cookie or an emailed link: 256 bits, URL-safe base64.
    pub fn new_token() -> String {
        use base64::Engine;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// What we store for a token: its SHA-256, so a stolen table grants nothing.
    pub fn hash_token(token: &str) -> String {
        hex::encode(Sha256::digest(token.as_bytes()))
    }

    /// The current time in epoch seconds.
    pub fn now() -> super::EpochSecs {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
}
#[cfg(feature = "ssr")]
pub use ssr::*;

/// A `YYYY-MM-DD` date with a real month and day.
pub fn parse_iso_date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=2100).contains(&y) && (1..=days).contains(&d)).then_some((y, m, d))
}

/// "12 March 2026" for an epoch time (UTC), without pulling a date library into the wasm.
pub fn format_date(at: EpochSecs) -> String {
    let days = at.div_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    format!("{d} {} {y}", MONTHS[(m - 1) as usize])
}

/// "12 March 2026" for a `YYYY-MM-DD` date; anything else as it is.
pub fn format_iso_date(date: &str) -> String {
    match parse_iso_date(date) {
        Some((y, m, d)) => format_date(days_from_civil(y, m, d) * DAY),
        None => date.to_string(),
    }
}

/// "12 March 2026, 14:05 UTC" for an epoch time.
pub fn format_date_time(at: EpochSecs) -> String {
    let secs = at.rem_euclid(DAY);
    format!("{}, {:02}:{:02} UTC", format_date(at), secs / HOUR, (secs % HOUR) / MINUTE)
}

/// "2026-03-12T14:05:09Z" (RFC 3339, UTC) for an epoch time.
pub fn iso_datetime(at: EpochSecs) -> String {
    let secs = at.rem_euclid(DAY);
    format!("{}T{:02}:{:02}:{:02}Z", iso_date(at), secs / HOUR, (secs % HOUR) / MINUTE, secs % 60)
}

/// "2026-03-12" for an epoch time (UTC).
pub fn iso_date(at: EpochSecs) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, UTC).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 for a civil date (the inverse of `civil_from_days`).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Text with control characters other than line breaks and tabs (a NUL byte, say), which
/// PostgreSQL refuses and nobody types on purpose.
pub fn has_control_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for days in [-1000i64, 0, 11_016, 20_417, 30_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y as i32, m, d), days);
        }
    }

    #[test]
    fn formats_dates_in_words() {
        assert_eq!(format_date(0), "1 January 1970");
        assert_eq!(format_date(1_764_028_800), "25 November 2025");
        assert_eq!(format_date(951_782_400), "29 February 2000");
    }
}
