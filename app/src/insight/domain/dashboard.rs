//! The dashboard's tables (the same for the page, the quarterly report and the CSV files),
//! built from the raw figures in three steps: gather each group of counts with its
//! protection, settle what is hidden across every table, then lay the tables out
//! ([`super::sections`], [`super::comparison`]).

use super::comparison::localities_compared;
use super::figures::{median, Figures, Focus, Locality, MemberCounts, ReferralFact, HELP_KINDS};
use super::period::{Bucket, Period};
use super::privacy::{part_of, Breakdown, Linked};
use super::sections;
use super::table::Table;
use crate::util::DAY;
use std::collections::BTreeMap;

/// The dashboard's tables for a focus, a period and a viewer (`exact`: a site admin, who
/// sees every count; everyone else sees small counts protected).
pub fn dashboard(fig: &Figures, focus: &Focus, period: &Period, exact: bool) -> Vec<Table> {
    let mut help = Help::gather(fig, focus, period, exact);
    let mut members = Members::gather(fig, focus, exact);
    let mut referrals = Referrals::gather(fig, focus, exact);
    // The comparison of localities (a whole network only): settle its protection first,
    // so a total it must withhold is withheld everywhere.
    let comparison = (*focus == Focus::Network).then(|| localities_compared(fig, &mut help, &mut members, &mut referrals, exact));
    // Every total is settled: breakdowns of a hidden total keep a row hidden, and a part
    // of a hidden whole is hidden too.
    help.settle();
    members.settle();
    referrals.settle();

    let mut tables = vec![sections::summary(&help, &members, &referrals, focus)];
    if *focus != Focus::Organisation {
        tables.push(sections::over_time(&help, period));
        tables.push(sections::by_category(&help));
        tables.push(sections::by_kind(&help, exact));
        // An organisation's own view has one organisation: its breakdown is by locality.
        tables.push(sections::referrals_by_organisation(&referrals));
    }
    tables.push(sections::referrals_by_status(&referrals));
    tables.push(sections::wellbeing(fig, focus, exact));
    if *focus == Focus::Organisation {
        tables.push(sections::referrals_by_locality(&referrals));
    }
    if let Some(c) = comparison {
        tables.insert(1, c);
    }
    tables
}

/// Whether a transfer kind is help given (see [`HELP_KINDS`]).
pub(super) fn is_help(kind: &str) -> bool {
    HELP_KINDS.contains(&kind)
}

/// Minutes as they count: a reversal takes its minutes off.
pub(super) fn signed(reversal: bool, minutes: i64) -> i64 {
    if reversal {
        -minutes
    } else {
        minutes
    }
}

/// Transfers not undone, and their minutes less those undone later.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Tally {
    pub count: u64,
    pub minutes: i64,
}

impl Tally {
    fn add(&mut self, reversal: bool, count: u64, minutes: i64) {
        if !reversal {
            self.count += count;
        }
        self.minutes += signed(reversal, minutes);
    }
}

/// Help given in the period (between members and to organisations), over time and by
/// category; and every hour moved in the ledger, by kind.
pub(super) struct Help {
    /// Exchanges per week or month (labelled), and their minutes.
    pub over_time: Breakdown,
    pub time_minutes: Vec<i64>,
    /// Exchanges per category (named, most hours first), and their minutes.
    pub by_category: Breakdown,
    pub category_minutes: Vec<i64>,
    /// Every transfer, by kind.
    pub kinds: BTreeMap<String, Tally>,
    /// Exchanges completed.
    pub helped: Linked,
    /// Hours exchanged, in minutes.
    pub minutes: i64,
}

impl Help {
    fn gather(fig: &Figures, focus: &Focus, period: &Period, exact: bool) -> Help {
        let buckets = period.buckets();
        let times = per_bucket(fig, focus, &buckets);
        let categories = per_category(fig, focus);
        let mut helped = Linked::new(categories.iter().map(|(_, t)| t.count).sum(), exact);
        let minutes = categories.iter().map(|(_, t)| t.minutes).sum();
        let time_rows = buckets.into_iter().zip(&times).map(|(b, t)| (b.label, t.count)).collect();
        let over_time = Breakdown::new(time_rows, &mut helped, exact);
        let category_minutes = categories.iter().map(|(_, t)| t.minutes).collect();
        let category_rows = categories.into_iter().map(|(name, t)| (name, t.count)).collect();
        let by_category = Breakdown::new(category_rows, &mut helped, exact);
        Help {
            over_time,
            time_minutes: times.iter().map(|t| t.minutes).collect(),
            by_category,
            category_minutes,
            kinds: per_kind(fig, focus),
            helped,
            minutes,
        }
    }

    fn settle(&mut self) {
        self.over_time.settle(&self.helped);
        self.by_category.settle(&self.helped);
    }
}

/// Help per week or month of the charts over time.
fn per_bucket(fig: &Figures, focus: &Focus, buckets: &[Bucket]) -> Vec<Tally> {
    let mut out = vec![Tally::default(); buckets.len()];
    for d in fig.days.iter().filter(|d| focus.includes(&d.locality)) {
        let at = d.day * DAY;
        if let Some(i) = buckets.iter().position(|b| b.start <= at && at < b.end) {
            out[i].add(d.reversal, d.count, d.minutes);
        }
    }
    out
}

/// Help per category, named ("Not from a listing" for none), most hours first.
fn per_category(fig: &Figures, focus: &Focus) -> Vec<(String, Tally)> {
    let mut by_id: BTreeMap<String, Tally> = BTreeMap::new();
    for t in fig.transfers.iter().filter(|t| focus.includes(&t.locality) && is_help(&t.kind)) {
        by_id.entry(t.category.clone()).or_default().add(t.reversal, t.count, t.minutes);
    }
    let mut named: Vec<(String, Tally)> = by_id
        .into_iter()
        .map(|(id, tally)| {
            let name = if id.is_empty() { "Not from a listing".to_string() } else { fig.categories.get(&id).cloned().unwrap_or(id) };
            (name, tally)
        })
        .collect();
    named.sort_by(|a, b| b.1.minutes.cmp(&a.1.minutes).then(a.0.cmp(&b.0)));
    named
}

/// Every transfer, by kind.
fn per_kind(fig: &Figures, focus: &Focus) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for t in fig.transfers.iter().filter(|t| focus.includes(&t.locality)) {
        out.entry(t.kind.clone()).or_default().add(t.reversal, t.count, t.minutes);
    }
    out
}

/// The localities a page is about.
pub(super) fn localities_in<'a>(fig: &'a Figures, focus: &Focus) -> Vec<&'a Locality> {
    fig.localities.iter().filter(|l| focus.includes(&l.id)).collect()
}

/// A locality's member counts (all zero if nothing was counted there).
pub(super) fn counts(fig: &Figures, l: &Locality) -> MemberCounts {
    fig.members.get(&l.id).cloned().unwrap_or_default()
}

/// Members and requests over the localities in focus.
pub(super) struct Members {
    /// Active members at the end of the period.
    pub members: Linked,
    pub new_members: Linked,
    pub active: Linked,
    /// Active members who both gave and received.
    pub both: Linked,
    pub posted: Linked,
    pub unanswered: Linked,
}

impl Members {
    fn gather(fig: &Figures, focus: &Focus, exact: bool) -> Members {
        let locs = localities_in(fig, focus);
        let sum = |f: fn(&MemberCounts) -> u64| locs.iter().map(|l| f(&counts(fig, l))).sum::<u64>();
        let mut active = Linked::new(sum(|c| c.active), exact);
        let mut posted = Linked::new(sum(|c| c.requests_posted), exact);
        // Parts shown next to their whole are protected with the rest of it.
        let both = part_of(sum(|c| c.gave_and_received), &mut active, exact);
        let unanswered = part_of(sum(|c| c.requests_unanswered), &mut posted, exact);
        Members {
            members: Linked::new(sum(|c| c.members), exact),
            new_members: Linked::new(sum(|c| c.new_members), exact),
            active,
            both,
            posted,
            unanswered,
        }
    }

    fn settle(&mut self) {
        self.both.hide_if(self.active.vis);
        self.unanswered.hide_if(self.posted.vis);
    }
}

/// The referrals made in the period to the localities in focus.
pub(super) struct Referrals<'a> {
    pub facts: Vec<&'a ReferralFact>,
    /// Referrals made.
    pub made: Linked,
    pub by_organisation: Breakdown,
    /// Labelled by status (as stored).
    pub by_status: Breakdown,
    /// The organisation view only (empty otherwise): by the locality they went to.
    pub by_locality: Breakdown,
    /// Referred people who reached a first exchange.
    pub reached: Linked,
    /// Median days from referral to first exchange.
    pub median_days: Option<f64>,
}

impl<'a> Referrals<'a> {
    fn gather(fig: &'a Figures, focus: &Focus, exact: bool) -> Referrals<'a> {
        let facts: Vec<&ReferralFact> = fig.referrals.iter().filter(|r| focus.includes(&r.locality)).collect();
        let mut made = Linked::new(facts.len() as u64, exact);
        let by_organisation = Breakdown::new(how_many(facts.iter().map(|r| r.organisation.clone())), &mut made, exact);
        let by_status = Breakdown::new(how_many(facts.iter().map(|r| r.status.clone())), &mut made, exact);
        // The organisation view breaks its referrals down by locality instead.
        let loc_names: BTreeMap<String, String> = fig.localities.iter().map(|l| (l.id.clone(), l.name.clone())).collect();
        let places = if *focus == Focus::Organisation {
            how_many(facts.iter().map(|r| loc_names.get(&r.locality).cloned().unwrap_or_default()))
        } else {
            vec![]
        };
        let by_locality = Breakdown::new(places, &mut made, exact);
        let mut days_to_first: Vec<f64> =
            facts.iter().filter_map(|r| r.first_exchange_at.map(|f| (f - r.created_at) as f64 / DAY as f64)).collect();
        let reached = part_of(days_to_first.len() as u64, &mut made, exact);
        let median_days = median(&mut days_to_first);
        Referrals { facts, made, by_organisation, by_status, by_locality, reached, median_days }
    }

    fn settle(&mut self) {
        self.by_organisation.settle(&self.made);
        self.by_status.settle(&self.made);
        self.by_locality.settle(&self.made);
        self.reached.hide_if(self.made.vis);
    }
}

/// How many of each key, in the keys' order.
fn how_many(keys: impl Iterator<Item = String>) -> Vec<(String, u64)> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_default() += 1;
    }
    out.into_iter().collect()
}
