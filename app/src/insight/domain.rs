//! The rules of the insight pages, pure: periods, small-number protection, the cells and
//! tables the dashboard shows (and exports), and the geometry of its charts.
//!
//! Everything here works on raw figures (`Figures`, read by `store`) and knows nothing of
//! the database, so the tests can feed it any numbers.

use crate::util::parse_iso_date;
use crate::util::{days_from_civil, iso_date};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const DAY: i64 = 86_400;
/// "Active" means an exchange in the 90 days up to the end of the period.
pub const ACTIVE_DAYS: i64 = 90;
/// A request nobody answered within this many days counts as unanswered.
pub const UNANSWERED_DAYS: i64 = 30;
/// The transfer kinds that are help given: between members, and to an organisation.
pub const HELP_KINDS: [&str; 2] = ["exchange", "organisation"];
/// Longest period one page covers.
pub const MAX_DAYS: i64 = 366 * 5;

// ---------------------------------------------------------------------------------------
// Periods

/// Whole UTC days, half-open: from `start` (midnight) up to but not including `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

fn midnight(y: i32, m: u32, d: u32) -> i64 {
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
        format!("{} to {}", crate::util::format_date(self.start), crate::util::format_date(self.end - DAY))
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub start: i64,
    pub end: i64,
    pub label: String,
}

// ---------------------------------------------------------------------------------------
// Small-number protection

/// How a count is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Vis {
    Shown,
    /// A count from 1 to 4.
    FewerThan5,
    /// A larger count hidden so that a small one next to it cannot be worked out.
    Withheld,
}

impl Vis {
    pub fn hidden(self) -> bool {
        self != Vis::Shown
    }
}

pub fn is_small(n: u64) -> bool {
    (1..=4).contains(&n)
}

/// Protects one group of counts that add up to `total` (the rows of a table and its total
/// row). Counts from 1 to 4 are hidden; then, while the total still pins down any hidden
/// count (one hidden cell, or hidden cells that can only be all 1s or all 4s), the
/// smallest shown non-zero count is withheld too, and if none is left, the total.
pub fn protect(parts: &[u64], total: u64) -> (Vec<Vis>, Vis) {
    let mut vis: Vec<Vis> = parts.iter().map(|&p| if is_small(p) { Vis::FewerThan5 } else { Vis::Shown }).collect();
    if is_small(total) {
        return (vis, Vis::FewerThan5);
    }
    let mut total_vis = Vis::Shown;
    while pins_down(parts, total, &vis) {
        let smallest = (0..parts.len()).filter(|&i| vis[i] == Vis::Shown && parts[i] > 0).min_by_key(|&i| parts[i]);
        match smallest {
            Some(i) => vis[i] = Vis::Withheld,
            None => {
                total_vis = Vis::Withheld;
                break;
            }
        }
    }
    (vis, total_vis)
}

/// Whether someone who knows the total, the shown counts and what "fewer than 5" and
/// "withheld" mean could work out any hidden count exactly.
pub fn pins_down(parts: &[u64], total: u64, vis: &[Vis]) -> bool {
    let hidden: Vec<usize> = (0..parts.len()).filter(|&i| vis[i].hidden()).collect();
    if hidden.is_empty() {
        return false;
    }
    let shown: i64 = (0..parts.len()).filter(|&i| !vis[i].hidden()).map(|i| parts[i] as i64).sum();
    let rest = total as i64 - shown;
    // Someone who knows the method knows a withheld count is no bigger than any count
    // still shown (the smallest shown is withheld first).
    let cap = (0..parts.len()).filter(|&i| !vis[i].hidden() && parts[i] > 0).map(|i| parts[i] as i64).min().unwrap_or(rest).min(rest);
    let range = |v: Vis| match v {
        Vis::FewerThan5 => (1, 4),
        _ => (5, cap.max(5)),
    };
    hidden.iter().any(|&i| {
        let (lo_i, hi_i) = range(vis[i]);
        let others_lo: i64 = hidden.iter().filter(|&&j| j != i).map(|&j| range(vis[j]).0).sum();
        let others_hi: i64 = hidden.iter().filter(|&&j| j != i).map(|&j| range(vis[j]).1).sum();
        let lo = lo_i.max(rest - others_hi);
        let hi = hi_i.min(rest - others_lo);
        lo >= hi
    })
}

// ---------------------------------------------------------------------------------------
// Cells and tables

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Count(u64),
    /// Minutes, shown as hours.
    Hours(i64),
    /// Per 1,000 residents.
    Rate(f64),
    /// A share in per cent, with what it is a share of.
    Share(f64),
    /// Days, one decimal.
    Days(f64),
    /// A mean change, signed.
    Change(f64),
    Hidden(Vis),
    /// Nothing to show, and why ("no population set").
    Blank(String),
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whole hours to one decimal place, "1,234.5".
pub fn hours_text(minutes: i64) -> String {
    let tenths = (minutes as f64 / 6.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", thousands(t / 10), t % 10)
}

impl Cell {
    pub fn count(n: u64, vis: Vis) -> Cell {
        if vis.hidden() {
            Cell::Hidden(vis)
        } else {
            Cell::Count(n)
        }
    }

    /// As shown on the page.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Blank(s) => s.clone(),
            Cell::Count(n) => thousands(*n),
            Cell::Hours(m) => hours_text(*m),
            Cell::Rate(r) => format!("{r:.1}"),
            Cell::Share(p) => format!("{p:.0}%"),
            Cell::Days(d) => format!("{d:.1}"),
            Cell::Change(c) if *c > 0.0 => format!("+{c:.2}"),
            Cell::Change(c) => format!("{c:.2}"),
            Cell::Hidden(Vis::FewerThan5) => "fewer than 5".into(),
            Cell::Hidden(_) => "withheld".into(),
        }
    }

    /// As written to a CSV file: plain numbers, no thousands separators.
    pub fn csv(&self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Hours(m) => hours_text(*m).replace(',', ""),
            Cell::Share(p) => format!("{p:.1}"),
            Cell::Rate(_) | Cell::Days(_) | Cell::Change(_) | Cell::Text(_) | Cell::Blank(_) | Cell::Hidden(_) => self.display(),
        }
    }

    /// The number a chart draws, if it may be drawn.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Hours(m) => Some(*m as f64 / 60.0),
            Cell::Rate(r) | Cell::Share(r) | Cell::Days(r) | Cell::Change(r) => Some(*r),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

/// A chart drawn from one column of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    pub column: usize,
    /// Bars side by side over time (true) or one bar per row, across the page (false).
    pub over_time: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Used in the CSV address and the element ids.
    pub slug: String,
    pub title: String,
    pub note: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    pub charts: Vec<Chart>,
}

// ---------------------------------------------------------------------------------------
// Statistics

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 })
}

pub fn per_thousand(count: u64, population: Option<i64>) -> Option<f64> {
    population.filter(|p| *p > 0).map(|p| count as f64 * 1000.0 / p as f64)
}

pub fn share(part: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| part as f64 * 100.0 / of as f64)
}

// ---------------------------------------------------------------------------------------
// Raw figures, as read from the database

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Locality {
    pub id: String,
    pub name: String,
    pub population: Option<i64>,
}

/// Transfers of the period grouped by where they count. `locality` is the locality of the
/// member the hours went to (for a gift to the pool: the member who gave), empty if no
/// member took part; a reversal counts where the transfer it undoes counted, with its kind
/// and category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TransferGroup {
    pub locality: String,
    pub kind: String,
    pub reversal: bool,
    pub category: String,
    /// Transfers not undone later (for a reversal: how many).
    pub count: u64,
    pub minutes: i64,
}

/// Help transfers per day (epoch day), for the charts over time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayGroup {
    pub locality: String,
    pub day: i64,
    pub reversal: bool,
    pub count: u64,
    pub minutes: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberCounts {
    /// Active members at the end of the period.
    pub members: u64,
    pub new_members: u64,
    pub active: u64,
    /// Active members who both gave and received.
    pub gave_and_received: u64,
    pub requests_posted: u64,
    pub requests_unanswered: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferralFact {
    pub locality: String,
    pub organisation: String,
    pub status: String,
    pub created_at: i64,
    pub first_exchange_at: Option<i64>,
}

/// One referred person's change from baseline to follow-up: life satisfaction,
/// worthwhile, happiness, anxiety (ONS4) and the UCLA-3 total.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeChange {
    pub locality: String,
    pub change: [i64; 5],
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub localities: Vec<Locality>,
    pub members: BTreeMap<String, MemberCounts>,
    pub transfers: Vec<TransferGroup>,
    pub days: Vec<DayGroup>,
    pub referrals: Vec<ReferralFact>,
    pub outcomes: Vec<OutcomeChange>,
    /// Category id → name.
    pub categories: BTreeMap<String, String>,
}

/// What part of the figures a page is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Focus {
    /// A whole network, with the comparison of its localities.
    Network,
    Locality(String),
    /// The referrals one organisation made (figures about people's referrals only).
    Organisation,
}

pub const WELLBEING_MEASURES: [&str; 5] = [
    "Life satisfaction (0–10, higher is better)",
    "Feeling that life is worthwhile (0–10, higher is better)",
    "Happiness yesterday (0–10, higher is better)",
    "Anxiety yesterday (0–10, lower is better)",
    "Loneliness, UCLA-3 (3–9, lower is better)",
];

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "exchange" => "Help between members",
        "organisation" => "Help to an organisation",
        "grant" => "Hours from the community pool",
        "donation" => "Gifts to the community pool",
        "starting_credit" => "Welcome hours from the network",
        "adjustment" => "Corrections by builders",
        _ => "Other",
    }
}

pub fn status_label(status: &str) -> &'static str {
    crate::referrals::domain::Status::parse(status).map(|s| s.label()).unwrap_or("Other")
}

/// A count, its visibility settled across every table it appears in.
#[derive(Clone, Copy, Debug)]
struct Linked {
    n: u64,
    vis: Vis,
}

impl Linked {
    fn new(n: u64, exact: bool) -> Linked {
        Linked { n, vis: if !exact && is_small(n) { Vis::FewerThan5 } else { Vis::Shown } }
    }
    fn hide_if(&mut self, other: Vis) {
        if self.vis == Vis::Shown && other.hidden() {
            self.vis = Vis::Withheld;
        }
    }
    fn cell(&self) -> Cell {
        Cell::count(self.n, self.vis)
    }
}

fn protect_for(parts: &[u64], total: u64, exact: bool) -> (Vec<Vis>, Vis) {
    if exact {
        (vec![Vis::Shown; parts.len()], Vis::Shown)
    } else {
        protect(parts, total)
    }
}

/// When a breakdown's total is hidden, one of its non-zero rows must be too, or adding up
/// the rows gives the total back.
fn keep_total_hidden(parts: &[u64], vis: &mut [Vis], total: Vis) {
    if total.hidden() && !(0..parts.len()).any(|i| parts[i] > 0 && vis[i].hidden()) {
        if let Some(i) = (0..parts.len()).filter(|&i| parts[i] > 0).min_by_key(|&i| parts[i]) {
            vis[i] = Vis::Withheld;
        }
    }
}

/// A part of a whole shown next to it (reached a first exchange, of referrals): protected
/// together with the rest of the whole, so neither can be worked out from the other.
fn part_of(part: u64, whole: &mut Linked, exact: bool) -> Linked {
    if exact {
        return Linked { n: part, vis: Vis::Shown };
    }
    let (v, total) = protect(&[part, whole.n.saturating_sub(part)], whole.n);
    whole.hide_if(total);
    Linked { n: part, vis: v[0] }
}

fn share_cell(part: Linked, of: Linked) -> Cell {
    if part.vis.hidden() || of.vis.hidden() {
        return Cell::Hidden(Vis::Withheld);
    }
    share(part.n, of.n).map(Cell::Share).unwrap_or_else(|| Cell::Blank("none".into()))
}

/// The dashboard's tables for a focus, a period and a viewer (`exact`: a site admin, who
/// sees every count; everyone else sees small counts protected).
pub fn dashboard(fig: &Figures, focus: &Focus, period: &Period, exact: bool) -> Vec<Table> {
    let in_focus = |loc: &str| match focus {
        Focus::Locality(l) => l == loc,
        _ => true,
    };
    let help = |k: &str| HELP_KINDS.contains(&k);
    let sign = |rev: bool| if rev { -1 } else { 1 };

    // Help over time.
    let buckets = period.buckets();
    let mut time_counts = vec![0u64; buckets.len()];
    let mut time_minutes = vec![0i64; buckets.len()];
    for d in fig.days.iter().filter(|d| in_focus(&d.locality)) {
        let at = d.day * DAY;
        if let Some(i) = buckets.iter().position(|b| b.start <= at && at < b.end) {
            if !d.reversal {
                time_counts[i] += d.count;
            }
            time_minutes[i] += sign(d.reversal) * d.minutes;
        }
    }
    // Help by category, and everything by kind.
    let mut cat_counts: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    let mut kind_minutes: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for t in fig.transfers.iter().filter(|t| in_focus(&t.locality)) {
        let k = kind_minutes.entry(t.kind.clone()).or_default();
        k.1 += sign(t.reversal) * t.minutes;
        if !t.reversal {
            k.0 += t.count;
        }
        if help(&t.kind) {
            let c = cat_counts.entry(t.category.clone()).or_default();
            if !t.reversal {
                c.0 += t.count;
            }
            c.1 += sign(t.reversal) * t.minutes;
        }
    }
    let help_total: u64 = cat_counts.values().map(|c| c.0).sum();
    let help_minutes: i64 = cat_counts.values().map(|c| c.1).sum();
    let mut helped = Linked::new(help_total, exact);
    let (mut time_vis, time_total) = protect_for(&time_counts, help_total, exact);
    let cats: Vec<(String, u64, i64)> = {
        let mut v: Vec<(String, u64, i64)> = cat_counts
            .iter()
            .map(|(id, (n, m))| {
                let name = if id.is_empty() {
                    "Not from a listing".to_string()
                } else {
                    fig.categories.get(id).cloned().unwrap_or_else(|| id.clone())
                };
                (name, *n, *m)
            })
            .collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        v
    };
    let cat_parts: Vec<u64> = cats.iter().map(|c| c.1).collect();
    let (mut cat_vis, cat_total) = protect_for(&cat_parts, help_total, exact);
    helped.hide_if(time_total);
    helped.hide_if(cat_total);

    // Members, per locality.
    let locs: Vec<&Locality> = fig.localities.iter().filter(|l| in_focus(&l.id)).collect();
    let counts = |l: &Locality| fig.members.get(&l.id).cloned().unwrap_or_default();
    let sum = |f: fn(&MemberCounts) -> u64| locs.iter().map(|l| f(&counts(l))).sum::<u64>();
    let mut members = Linked::new(sum(|c| c.members), exact);
    let mut new_members = Linked::new(sum(|c| c.new_members), exact);
    let mut active = Linked::new(sum(|c| c.active), exact);
    let mut posted = Linked::new(sum(|c| c.requests_posted), exact);
    // Parts shown next to their whole are protected with the rest of it.
    let mut both = part_of(sum(|c| c.gave_and_received), &mut active, exact);
    let mut unanswered = part_of(sum(|c| c.requests_unanswered), &mut posted, exact);

    // Referrals.
    let refs: Vec<&ReferralFact> = fig.referrals.iter().filter(|r| in_focus(&r.locality)).collect();
    let mut referrals = Linked::new(refs.len() as u64, exact);
    let mut by_org: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for r in &refs {
        *by_org.entry(r.organisation.clone()).or_default() += 1;
        *by_status.entry(r.status.clone()).or_default() += 1;
    }
    let org_parts: Vec<u64> = by_org.values().copied().collect();
    let status_parts: Vec<u64> = by_status.values().copied().collect();
    let (mut org_vis, org_total) = protect_for(&org_parts, refs.len() as u64, exact);
    let (mut status_vis, status_total) = protect_for(&status_parts, refs.len() as u64, exact);
    referrals.hide_if(org_total);
    referrals.hide_if(status_total);
    // The organisation view breaks its referrals down by locality instead.
    let loc_names: BTreeMap<String, String> = fig.localities.iter().map(|l| (l.id.clone(), l.name.clone())).collect();
    let mut by_loc: BTreeMap<String, u64> = BTreeMap::new();
    if *focus == Focus::Organisation {
        for r in &refs {
            *by_loc.entry(loc_names.get(&r.locality).cloned().unwrap_or_default()).or_default() += 1;
        }
    }
    let loc_parts: Vec<u64> = by_loc.values().copied().collect();
    let (mut loc_vis, loc_total) = protect_for(&loc_parts, refs.len() as u64, exact);
    referrals.hide_if(loc_total);
    let mut days_to_first: Vec<f64> =
        refs.iter().filter_map(|r| r.first_exchange_at.map(|f| (f - r.created_at) as f64 / DAY as f64)).collect();
    let mut reached = part_of(days_to_first.len() as u64, &mut referrals, exact);
    let median_days = median(&mut days_to_first);

    // The comparison of localities (a whole network only): settle its protection first,
    // so a total it must withhold is withheld everywhere.
    let mut tables = vec![];
    let comparison = if *focus == Focus::Network {
        let cols: [(&str, fn(&MemberCounts) -> u64); 3] =
            [("Members", |c| c.members), ("Active members", |c| c.active), ("New members", |c| c.new_members)];
        let mut columns: Vec<(String, Vec<u64>, u64)> = cols
            .iter()
            .map(|(name, f)| (name.to_string(), locs.iter().map(|l| f(&counts(l))).collect(), locs.iter().map(|l| f(&counts(l))).sum()))
            .collect();
        let help_by_loc: Vec<u64> = locs
            .iter()
            .map(|l| fig.transfers.iter().filter(|t| t.locality == l.id && help(&t.kind) && !t.reversal).map(|t| t.count).sum())
            .collect();
        columns.push(("Exchanges".into(), help_by_loc, help_total));
        let refs_by_loc: Vec<u64> = locs.iter().map(|l| refs.iter().filter(|r| r.locality == l.id).count() as u64).collect();
        columns.push(("Referrals".into(), refs_by_loc, refs.len() as u64));
        let hours_by_loc: Vec<i64> = locs
            .iter()
            .map(|l| fig.transfers.iter().filter(|t| t.locality == l.id && help(&t.kind)).map(|t| sign(t.reversal) * t.minutes).sum())
            .collect();
        let mut protected: Vec<(Vec<Vis>, Vis)> = columns.iter().map(|(_, parts, total)| protect_for(parts, *total, exact)).collect();
        members.hide_if(protected[0].1);
        active.hide_if(protected[1].1);
        new_members.hide_if(protected[2].1);
        helped.hide_if(protected[3].1);
        referrals.hide_if(protected[4].1);
        // Every total is settled now: a column whose total is hidden keeps a row hidden.
        for (c, total) in [members, active, new_members, helped, referrals].iter().enumerate() {
            keep_total_hidden(&columns[c].1, &mut protected[c].0, total.vis);
        }
        let population: i64 = locs.iter().filter_map(|l| l.population).sum();
        let all_have_population = locs.iter().all(|l| l.population.is_some());
        let rate = |n: u64, vis: Vis, pop: Option<i64>| -> Cell {
            if vis.hidden() {
                return Cell::Hidden(vis);
            }
            per_thousand(n, pop).map(Cell::Rate).unwrap_or_else(|| Cell::Blank("no population set".into()))
        };
        let mut rows = vec![];
        for (i, l) in locs.iter().enumerate() {
            let mut row = vec![
                Cell::Text(l.name.clone()),
                l.population.map(|p| Cell::Count(p as u64)).unwrap_or_else(|| Cell::Blank("not set".into())),
            ];
            for (c, (_, parts, _)) in columns.iter().enumerate() {
                row.push(rate(parts[i], protected[c].0[i], l.population));
            }
            let hours_rate = l.population.filter(|p| *p > 0).map(|p| Cell::Rate(hours_by_loc[i] as f64 / 60.0 * 1000.0 / p as f64));
            row.push(hours_rate.unwrap_or_else(|| Cell::Blank("no population set".into())));
            rows.push(row);
        }
        let pop = all_have_population.then_some(population);
        let linked = [members, active, new_members, helped, referrals];
        let mut total = vec![
            Cell::Text("The whole network".into()),
            pop.map(|p| Cell::Count(p as u64)).unwrap_or_else(|| Cell::Blank("not set for every locality".into())),
        ];
        for l in linked {
            total.push(rate(l.n, l.vis, pop));
        }
        total.push(
            pop.filter(|p| *p > 0)
                .map(|p| Cell::Rate(help_minutes as f64 / 60.0 * 1000.0 / p as f64))
                .unwrap_or_else(|| Cell::Blank("no population set".into())),
        );
        let mut cols = vec!["Locality".to_string(), "Residents".to_string()];
        cols.extend(columns.iter().map(|(n, _, _)| format!("{n} per 1,000 residents")));
        cols.push("Hours exchanged per 1,000 residents".into());
        Some(Table {
            slug: "localities".into(),
            title: "Localities compared, per 1,000 residents".into(),
            note: "Residents are each locality's population as set by the network. Exchanges and hours count in the locality of the member who gave the help.".into(),
            columns: cols,
            rows,
            total: Some(total),
            charts: vec![],
        })
    } else {
        None
    };

    // Every total is settled: breakdowns of a hidden total keep a row hidden, and a part
    // of a hidden whole is hidden too.
    keep_total_hidden(&time_counts, &mut time_vis, helped.vis);
    keep_total_hidden(&cat_parts, &mut cat_vis, helped.vis);
    keep_total_hidden(&org_parts, &mut org_vis, referrals.vis);
    keep_total_hidden(&status_parts, &mut status_vis, referrals.vis);
    keep_total_hidden(&loc_parts, &mut loc_vis, referrals.vis);
    both.hide_if(active.vis);
    unanswered.hide_if(posted.vis);
    reached.hide_if(referrals.vis);

    // The period at a glance.
    let mut summary = vec![
        ("Members at the end of the period", members.cell()),
        ("Active members (an exchange in the 90 days to the end of the period)", active.cell()),
        ("New members who joined in the period", new_members.cell()),
        ("Exchanges completed", helped.cell()),
        ("Hours exchanged", Cell::Hours(help_minutes)),
        ("Active members who both gave and received", both.cell()),
        ("Reciprocity: share of active members who both gave and received", share_cell(both, active)),
        ("Requests posted in the period (30 days ago or more)", posted.cell()),
        ("Requests left unanswered for 30 days", unanswered.cell()),
        ("Share of those requests left unanswered", share_cell(unanswered, posted)),
        ("Referrals made in the period", referrals.cell()),
        ("Referred people who reached a first exchange", reached.cell()),
        ("Share of referred people who reached a first exchange", share_cell(reached, referrals)),
    ];
    summary.push((
        "Median days from referral to first exchange",
        match median_days {
            _ if reached.vis.hidden() => Cell::Hidden(Vis::Withheld),
            Some(d) => Cell::Days(d),
            None => Cell::Blank("none yet".into()),
        },
    ));
    // Members counts are not part of the organisation view.
    if *focus == Focus::Organisation {
        summary.retain(|(name, _)| name.contains("eferr"));
    }
    tables.push(Table {
        slug: "summary".into(),
        title: "The period at a glance".into(),
        note: String::new(),
        columns: vec!["Measure".into(), "Figure".into()],
        rows: summary.into_iter().map(|(k, v)| vec![Cell::Text(k.into()), v]).collect(),
        total: None,
        charts: vec![],
    });

    if *focus != Focus::Organisation {
        tables.push(Table {
            slug: "over-time".into(),
            title: "Exchanges and hours over time".into(),
            note: "Hours undone later by a builder are taken off in the week or month they were undone.".into(),
            columns: vec![if period.days() <= 100 { "Week" } else { "Month" }.into(), "Exchanges".into(), "Hours".into()],
            rows: buckets
                .iter()
                .enumerate()
                .map(|(i, b)| vec![Cell::Text(b.label.clone()), Cell::count(time_counts[i], time_vis[i]), Cell::Hours(time_minutes[i])])
                .collect(),
            total: Some(vec![Cell::Text("Total".into()), helped.cell(), Cell::Hours(help_minutes)]),
            charts: vec![
                Chart { title: "Hours exchanged".into(), column: 2, over_time: true },
                Chart { title: "Exchanges completed".into(), column: 1, over_time: true },
            ],
        });
        tables.push(Table {
            slug: "by-category".into(),
            title: "Help by category".into(),
            note: "The category of the offer or request the exchange came from. \u{201c}Not from a listing\u{201d} is help a builder recorded, a referred person\u{2019}s first exchange, or help to an organisation.".into(),
            columns: vec!["Category".into(), "Exchanges".into(), "Hours".into()],
            rows: cats
                .iter()
                .enumerate()
                .map(|(i, (name, n, m))| vec![Cell::Text(name.clone()), Cell::count(*n, cat_vis[i]), Cell::Hours(*m)])
                .collect(),
            total: Some(vec![Cell::Text("Total".into()), helped.cell(), Cell::Hours(help_minutes)]),
            charts: vec![Chart { title: "Hours by category".into(), column: 2, over_time: false }],
        });
        let kinds = ["exchange", "organisation", "grant", "donation", "starting_credit", "adjustment"];
        let all_minutes: i64 = kind_minutes.values().map(|k| k.1).sum();
        // Hours of a kind made by 1 to 4 transfers are hidden (welcome hours, all the same
        // size, would give the number of new members away), and one more beside a single
        // hidden one, so the total does not give it back.
        let kind_counts: Vec<u64> = kinds.iter().map(|k| kind_minutes.get(*k).map(|v| v.0).unwrap_or(0)).collect();
        let kind_hours: Vec<i64> = kinds.iter().map(|k| kind_minutes.get(*k).map(|v| v.1).unwrap_or(0)).collect();
        let mut hours_vis: Vec<Vis> = kind_counts.iter().map(|&n| if !exact && is_small(n) { Vis::Withheld } else { Vis::Shown }).collect();
        if hours_vis.iter().filter(|v| v.hidden()).count() == 1 {
            if let Some(i) = (0..kinds.len()).filter(|&i| !hours_vis[i].hidden() && kind_hours[i] != 0).min_by_key(|&i| kind_hours[i].abs())
            {
                hours_vis[i] = Vis::Withheld;
            }
        }
        tables.push(Table {
            slug: "by-kind".into(),
            title: "Every hour moved in the ledger, by kind".into(),
            note: "From the ledger itself, including the network and pool accounts. A transfer undone by a builder is taken off its kind. Hours moved by fewer than 5 transfers are not shown.".into(),
            columns: vec!["Kind".into(), "Hours".into()],
            rows: kinds
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let hours = if hours_vis[i].hidden() { Cell::Hidden(hours_vis[i]) } else { Cell::Hours(kind_hours[i]) };
                    vec![Cell::Text(kind_label(k).into()), hours]
                })
                .collect(),
            total: Some(vec![Cell::Text("All hours moved".into()), Cell::Hours(all_minutes)]),
            charts: vec![],
        });
    }
    // An organisation's own view has one organisation: its breakdown is by locality.
    if *focus != Focus::Organisation {
        tables.push(Table {
            slug: "referrals-by-organisation".into(),
            title: "Referrals by where they came from".into(),
            note: String::new(),
            columns: vec!["Referred by".into(), "Referrals".into()],
            rows: by_org.iter().enumerate().map(|(i, (org, n))| vec![Cell::Text(org.clone()), Cell::count(*n, org_vis[i])]).collect(),
            total: Some(vec![Cell::Text("Total".into()), referrals.cell()]),
            charts: vec![],
        });
    }
    tables.push(Table {
        slug: "referrals-by-status".into(),
        title: "Referrals by where they stand now".into(),
        note: String::new(),
        columns: vec!["Status".into(), "Referrals".into()],
        rows: by_status
            .iter()
            .enumerate()
            .map(|(i, (s, n))| vec![Cell::Text(status_label(s).into()), Cell::count(*n, status_vis[i])])
            .collect(),
        total: Some(vec![Cell::Text("Total".into()), referrals.cell()]),
        charts: vec![],
    });
    let outcomes: Vec<&OutcomeChange> = fig.outcomes.iter().filter(|o| in_focus(&o.locality)).collect();
    let people = Linked::new(outcomes.len() as u64, exact);
    let mean = |i: usize| -> Cell {
        if people.vis.hidden() {
            return Cell::Hidden(Vis::Withheld);
        }
        if outcomes.is_empty() {
            return Cell::Blank("none yet".into());
        }
        Cell::Change(outcomes.iter().map(|o| o.change[i] as f64).sum::<f64>() / outcomes.len() as f64)
    };
    tables.push(Table {
        slug: "wellbeing".into(),
        title: "Wellbeing of referred people: change from joining to follow-up".into(),
        note: "People whose follow-up answers were given in the period and who also answered when they joined. A mean change is shown only for 5 people or more.".into(),
        columns: vec!["Measure".into(), "People".into(), "Mean change".into()],
        rows: WELLBEING_MEASURES.iter().enumerate().map(|(i, m)| vec![Cell::Text((*m).into()), people.cell(), mean(i)]).collect(),
        total: None,
        charts: vec![],
    });
    if *focus == Focus::Organisation {
        let vis = &loc_vis;
        tables.push(Table {
            slug: "referrals-by-locality".into(),
            title: "Referrals by the locality they went to".into(),
            note: String::new(),
            columns: vec!["Locality".into(), "Referrals".into()],
            rows: by_loc.iter().enumerate().map(|(i, (l, n))| vec![Cell::Text(l.clone()), Cell::count(*n, vis[i])]).collect(),
            total: Some(vec![Cell::Text("Total".into()), referrals.cell()]),
            charts: vec![],
        });
    }
    if let Some(c) = comparison {
        tables.insert(1, c);
    }
    tables
}

// ---------------------------------------------------------------------------------------
// Chart geometry

/// A round number at or above `max` for the top of a chart's scale: 1, 2 or 5 × 10ⁿ.
pub fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * mag >= max - 1e-9 {
            return step * mag;
        }
    }
    10.0 * mag
}

/// One bar: its length as a share of the scale (0–1), or None when the value is hidden.
pub fn bar_lengths(values: &[Option<f64>]) -> (f64, Vec<Option<f64>>) {
    let max = values.iter().flatten().fold(0f64, |a, b| a.max(*b));
    let top = nice_ceiling(max);
    (top, values.iter().map(|v| v.map(|v| (v.max(0.0) / top).clamp(0.0, 1.0))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn periods_parse_and_cover_whole_days() {
        let p = Period::parse("2026-07-01", "2026-09-30").unwrap();
        assert_eq!(p, Period::quarter(2026, 3));
        assert_eq!(p.days(), 92);
        assert_eq!(p.quarter_label().as_deref(), Some("July to September 2026"));
        assert_eq!(p.to_iso(), "2026-09-30");
        assert!(Period::parse("2026-09-30", "2026-07-01").is_err());
        assert!(Period::parse("2026-13-01", "2026-12-01").is_err());
        assert!(Period::parse("2010-01-01", "2026-01-01").is_err());
        assert_eq!(Period::parse_quarter("2026-Q4"), Some(Period::quarter(2026, 4)));
        assert_eq!(Period::parse_quarter("2026-Q5"), None);
    }

    #[test]
    fn last_full_quarter_and_twelve_months() {
        let now = midnight(2026, 11, 26) + 3600;
        assert_eq!(Period::last_full_quarter(now), Period::quarter(2026, 3));
        assert_eq!(Period::last_full_quarter(midnight(2026, 2, 1)), Period::quarter(2025, 4));
        let y = Period::last_twelve_months(now);
        assert_eq!(y.from_iso(), "2025-12-01");
        assert_eq!(y.to_iso(), "2026-11-26");
        assert_eq!(y.buckets().len(), 12);
        assert_eq!(y.buckets()[0].label, "Dec 2025");
        let q = Period::quarter(2026, 3).buckets();
        assert_eq!(q.len(), 14);
        assert_eq!(q.last().unwrap().end, Period::quarter(2026, 3).end);
        assert_eq!(Period::recent_quarters(now, 2)[1].1, "2026-Q2");
    }

    #[test]
    fn small_counts_are_hidden_and_cannot_be_subtracted_out() {
        // 3 next to 10 with a total of 13: the 10 must go too.
        let (v, t) = protect(&[3, 10], 13);
        assert_eq!(v, vec![Vis::FewerThan5, Vis::Withheld]);
        assert_eq!(t, Vis::Shown);
        // Two small ones that could only be 4 and 4.
        let (v, t) = protect(&[4, 4], 8);
        assert!(v.iter().all(|x| x.hidden()));
        assert_eq!(t, Vis::Withheld);
        // Nothing small: nothing hidden.
        assert_eq!(protect(&[0, 7, 12], 19), (vec![Vis::Shown; 3], Vis::Shown));
        // A small total hides itself.
        assert_eq!(protect(&[2, 1], 3).1, Vis::FewerThan5);
        // Two small ones that can vary: enough.
        let (v, t) = protect(&[2, 3, 40], 45);
        assert_eq!(v, vec![Vis::FewerThan5, Vis::FewerThan5, Vis::Shown]);
        assert_eq!(t, Vis::Shown);
    }

    proptest! {
        #[test]
        fn no_hidden_count_can_be_worked_out(parts in proptest::collection::vec(0u64..30, 1..8)) {
            let total: u64 = parts.iter().sum();
            let (vis, total_vis) = protect(&parts, total);
            for (p, v) in parts.iter().zip(&vis) {
                if is_small(*p) { prop_assert!(v.hidden()); }
                if *p == 0 { prop_assert!(!v.hidden()); }
            }
            if !total_vis.hidden() {
                prop_assert!(!pins_down(&parts, total, &vis));
                // Brute force for small groups: every hidden cell has two possible values.
                let hidden: Vec<usize> = (0..parts.len()).filter(|&i| vis[i].hidden()).collect();
                if !hidden.is_empty() && hidden.len() <= 3 && total - (0..parts.len()).filter(|&i| !vis[i].hidden()).map(|i| parts[i]).sum::<u64>() <= 60 {
                    let shown: u64 = (0..parts.len()).filter(|&i| !vis[i].hidden()).map(|i| parts[i]).sum();
                    let rest = total - shown;
                    for &i in &hidden {
                        let mut values = std::collections::BTreeSet::new();
                        let cap = (0..parts.len()).filter(|&j| !vis[j].hidden() && parts[j] > 0).map(|j| parts[j]).min().unwrap_or(rest).min(rest);
                        let ranges: Vec<(u64, u64)> = hidden.iter().map(|&j| if vis[j] == Vis::FewerThan5 { (1, 4) } else { (5, cap.max(5)) }).collect();
                        let pos = hidden.iter().position(|&j| j == i).unwrap();
                        fn walk(k: usize, ranges: &[(u64, u64)], acc: &mut Vec<u64>, rest: u64, pos: usize, out: &mut std::collections::BTreeSet<u64>) {
                            if k == ranges.len() {
                                if acc.iter().sum::<u64>() == rest { out.insert(acc[pos]); }
                                return;
                            }
                            for x in ranges[k].0..=ranges[k].1.min(rest) {
                                acc.push(x);
                                walk(k + 1, ranges, acc, rest, pos, out);
                                acc.pop();
                            }
                        }
                        walk(0, &ranges, &mut vec![], rest, pos, &mut values);
                        prop_assert!(values.len() >= 2, "cell {} of {:?} pinned: {:?}", i, parts, vis);
                    }
                }
            }
        }
    }

    #[test]
    fn cells_read_well() {
        assert_eq!(Cell::Hours(90).display(), "1.5");
        assert_eq!(Cell::Hours(123_456 * 60).display(), "123,456.0");
        assert_eq!(Cell::Hours(123_456 * 60).csv(), "123456.0");
        assert_eq!(Cell::Count(12_345).display(), "12,345");
        assert_eq!(Cell::Hidden(Vis::FewerThan5).display(), "fewer than 5");
        assert_eq!(Cell::Change(0.5).display(), "+0.50");
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }

    fn figures() -> Figures {
        let loc = |id: &str, pop| Locality { id: id.into(), name: id.to_uppercase(), population: Some(pop) };
        let mut members = BTreeMap::new();
        members.insert(
            "a".into(),
            MemberCounts { members: 40, new_members: 3, active: 12, gave_and_received: 6, requests_posted: 9, requests_unanswered: 2 },
        );
        members.insert(
            "b".into(),
            MemberCounts { members: 20, new_members: 8, active: 7, gave_and_received: 2, requests_posted: 0, requests_unanswered: 0 },
        );
        Figures {
            localities: vec![loc("a", 10_000), loc("b", 5_000)],
            members,
            transfers: vec![
                TransferGroup {
                    locality: "a".into(),
                    kind: "exchange".into(),
                    reversal: false,
                    category: "gardening".into(),
                    count: 10,
                    minutes: 600,
                },
                TransferGroup {
                    locality: "b".into(),
                    kind: "exchange".into(),
                    reversal: false,
                    category: "".into(),
                    count: 3,
                    minutes: 200,
                },
                TransferGroup {
                    locality: "a".into(),
                    kind: "exchange".into(),
                    reversal: true,
                    category: "gardening".into(),
                    count: 1,
                    minutes: 60,
                },
                TransferGroup { locality: "a".into(), kind: "grant".into(), reversal: false, category: "".into(), count: 2, minutes: 120 },
            ],
            days: vec![],
            referrals: (0..7)
                .map(|i| ReferralFact {
                    locality: if i < 5 { "a".into() } else { "b".into() },
                    organisation: if i < 6 { "GP".into() } else { "Self".into() },
                    status: "accepted".into(),
                    created_at: 0,
                    first_exchange_at: None,
                })
                .collect(),
            outcomes: vec![],
            categories: [("gardening".to_string(), "Gardening".to_string())].into(),
        }
    }

    fn find<'a>(tables: &'a [Table], slug: &str) -> &'a Table {
        tables.iter().find(|t| t.slug == slug).unwrap()
    }

    #[test]
    fn the_dashboard_adds_up_and_protects() {
        let p = Period::quarter(2026, 3);
        let exact = dashboard(&figures(), &Focus::Network, &p, true);
        let s = find(&exact, "summary");
        assert_eq!(s.rows[3][1], Cell::Count(13));
        assert_eq!(s.rows[4][1], Cell::Hours(740));
        let kinds = find(&exact, "by-kind");
        assert_eq!(kinds.total.as_ref().unwrap()[1], Cell::Hours(860));
        let guarded = dashboard(&figures(), &Focus::Network, &p, false);
        let cats = find(&guarded, "by-category");
        // 10 gardening and 3 not from a listing, total 13: both hidden.
        assert!(cats.rows.iter().all(|r| matches!(r[1], Cell::Hidden(_))));
        let orgs = find(&guarded, "referrals-by-organisation");
        assert_eq!(orgs.rows[1][1], Cell::Hidden(Vis::FewerThan5));
        assert_eq!(orgs.rows[0][1], Cell::Hidden(Vis::Withheld));
        let cmp = find(&guarded, "localities");
        assert_eq!(cmp.rows[0][4], Cell::Hidden(Vis::FewerThan5)); // 3 new members in a
                                                                   // 8 in b would give the 3 away (the network's total is 11): withheld.
        assert_eq!(cmp.rows[1][4], Cell::Hidden(Vis::Withheld));
        assert_eq!(cmp.rows[1][2], Cell::Rate(4.0)); // 20 members per 1,000 of 5,000
                                                     // Exchanges: 10 in a, 3 in b: a is withheld so b cannot be worked out.
        assert_eq!(cmp.rows[0][5], Cell::Hidden(Vis::Withheld));
        let local = dashboard(&figures(), &Focus::Locality("b".into()), &p, false);
        assert!(local.iter().all(|t| t.slug != "localities"));
        assert_eq!(find(&local, "summary").rows[0][1], Cell::Count(20));
    }

    #[test]
    fn a_total_hidden_in_one_table_stays_hidden_in_the_others() {
        let mut fig = figures();
        // 4 from a GP and 4 self-referrals: both hidden and (4 + 4 = 8) the total too;
        // all 8 have one status, which must not give the total back.
        fig.referrals = (0..8)
            .map(|i| ReferralFact {
                locality: "a".into(),
                organisation: if i < 4 { "GP".into() } else { "Self".into() },
                status: "accepted".into(),
                created_at: 0,
                first_exchange_at: None,
            })
            .collect();
        // Three new members' welcome hours, all the same size.
        fig.transfers.push(TransferGroup {
            locality: "a".into(),
            kind: "starting_credit".into(),
            reversal: false,
            category: "".into(),
            count: 3,
            minutes: 360,
        });
        let t = dashboard(&fig, &Focus::Network, &Period::quarter(2026, 3), false);
        let by_org = find(&t, "referrals-by-organisation");
        assert!(by_org.rows.iter().all(|r| matches!(r[1], Cell::Hidden(_))));
        assert!(matches!(by_org.total.as_ref().unwrap()[1], Cell::Hidden(_)));
        let by_status = find(&t, "referrals-by-status");
        assert!(matches!(by_status.rows[0][1], Cell::Hidden(_)), "{:?}", by_status.rows);
        assert!(matches!(by_status.total.as_ref().unwrap()[1], Cell::Hidden(_)));
        let summary = find(&t, "summary");
        let row = |name: &str| summary.rows.iter().find(|r| r[0] == Cell::Text(name.into())).unwrap()[1].clone();
        assert!(matches!(row("Referrals made in the period"), Cell::Hidden(_)));
        let kinds = find(&t, "by-kind");
        let welcome = kinds.rows.iter().find(|r| r[0] == Cell::Text("Welcome hours from the network".into())).unwrap();
        assert_eq!(welcome[1], Cell::Hidden(Vis::Withheld));
        assert_eq!(kinds.rows.iter().filter(|r| matches!(r[1], Cell::Hidden(_))).count(), 2);
        // A site admin sees it all.
        let exact = dashboard(&fig, &Focus::Network, &Period::quarter(2026, 3), true);
        assert_eq!(find(&exact, "referrals-by-status").rows[0][1], Cell::Count(8));
    }
}
