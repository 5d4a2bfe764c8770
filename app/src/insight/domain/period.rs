//! Periods: the whole UTC days a page covers (a typed range, a quarter, the last twelve
//! months), their labels, and the weeks or months the charts over time are cut into.

use crate::util::{days_from_civil, format_date, iso_date, parse_iso_date, DAY};
use serde::{Deserialize, Serialize};

/// Longest period one page covers.
pub const MAX_DAYS: i64 = 366 * 5;

/// Whole UTC days, half-open: from `start` (midnight) up to but not including `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

pub(super) fn midnight(y: i32, m: u32, d: u32) -> i64 {
    days_from_civil(y, m, d) * DAY
}

fn ymd(at: i64) -> (i32, u32, u32) {
    parse_iso_date(&iso_date(at)).unwrap_or((1970, 1, 1))
}

impl Period {
    /// From two dates as typed (`YYYY-MM-DD`), both days included.
    pub fn parse(from: &str, to: &str) -> Result<Period, String> {
        let a = parse_iso_date(from.trim()).ok_or("Give the first day as a date, for example 2026-07-01.")?;
        let b = parse_iso_date(to.trim()).ok_or("Give the last day as a date, for example 2026-09-30.")?;
        let p = Period { start: midnight(a.0, a.1, a.2), end: midnight(b.0, b.1, b.2) + DAY };
        if p.end <= p.start {
            return Err("The last day must be on or after the first day.".into());
        }
        if p.days() > MAX_DAYS {
            return Err("Choose a period of five years or less.".into());
        }
        Ok(p)
    }

    /// Quarter `q` (1–4) of year `y`: January–March is quarter 1.
    pub fn quarter(y: i32, q: u32) -> Period {
        let q = q.clamp(1, 4);
        let start = midnight(y, 3 * q - 2, 1);
        let end = if q == 4 { midnight(y + 1, 1, 1) } else { midnight(y, 3 * q + 1, 1) };
        Period { start, end }
    }

    /// `2026-Q3` style, as in a link.
    pub fn parse_quarter(s: &str) -> Option<Period> {
        let (y, q) = s.trim().split_once("-Q")?;
        let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
        ((1970..=2100).contains(&y) && (1..=4).contains(&q)).then(|| Period::quarter(y, q))
    }

    /// The last complete quarter before `now`.
    pub fn last_full_quarter(now: i64) -> Period {
        let (y, m, _) = ymd(now);
        let q = (m - 1) / 3 + 1;
        if q == 1 {
            Period::quarter(y - 1, 4)
        } else {
            Period::quarter(y, q - 1)
        }
    }

    /// The `n` quarters before the current one, newest first, as (label, `YYYY-Qn`).
    pub fn recent_quarters(now: i64, n: usize) -> Vec<(String, String)> {
        let mut out = vec![];
        let mut p = Period::last_full_quarter(now);
        for _ in 0..n {
            let (y, m, _) = ymd(p.start);
            let q = (m - 1) / 3 + 1;
            out.push((p.quarter_label().unwrap_or_default(), format!("{y}-Q{q}")));
            p = Period::last_full_quarter(p.start);
        }
        out
    }

    /// From the first day of the month eleven months ago up to and including today.
    pub fn last_twelve_months(now: i64) -> Period {
        let (y, m, d) = ymd(now);
        let (sy, sm) = if m == 12 { (y, 1) } else { (y - 1, m + 1) };
        Period { start: midnight(sy, sm, 1), end: midnight(y, m, d) + DAY }
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start) / DAY
    }

    pub fn from_iso(&self) -> String {
        iso_date(self.start)
    }

    /// The last day included.
    pub fn to_iso(&self) -> String {
        iso_date(self.end - DAY)
    }

    /// "1 July 2026 to 30 September 2026".
    pub fn label(&self) -> String {
        format!("{} to {}", format_date(self.start), format_date(self.end - DAY))
    }

    /// "July to September 2026" when the period is exactly a quarter.
    pub fn quarter_label(&self) -> Option<String> {
        let (y, m, d) = ymd(self.start);
        let q = (m - 1) / 3 + 1;
        (d == 1 && m % 3 == 1 && *self == Period::quarter(y, q))
            .then(|| format!("{} to {} {y}", MONTHS[(m - 1) as usize], MONTHS[(m + 1) as usize]))
    }

    /// The buckets of the charts over time: weeks (from the first day) for a period of up
    /// to 100 days, calendar months otherwise (the first and last may be partial).
    pub fn buckets(&self) -> Vec<Bucket> {
        let mut out = vec![];
        if self.days() <= 100 {
            let mut s = self.start;
            while s < self.end {
                let e = (s + 7 * DAY).min(self.end);
                out.push(Bucket { start: s, end: e, label: format!("Week from {}", short_date(s)) });
                s = e;
            }
        } else {
            let mut s = self.start;
            while s < self.end {
                let (y, m, _) = ymd(s);
                let next = if m == 12 { midnight(y + 1, 1, 1) } else { midnight(y, m + 1, 1) };
                let e = next.min(self.end);
                out.push(Bucket { start: s, end: e, label: format!("{} {y}", &MONTHS[(m - 1) as usize][..3]) });
                s = e;
            }
        }
        out
    }
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn short_date(at: i64) -> String {
    let (_, m, d) = ymd(at);
    format!("{d} {}", &MONTHS[(m - 1) as usize][..3])
}

/// One step of a chart over time: a week or a calendar month, cut to the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub start: i64,
    pub end: i64,
    pub label: String,
}
