//! The rules of the hour ledger, with no database and no web: amounts in whole minutes,
//! how people write and read them, what makes a transfer well-formed, and the balance
//! limits. Every rule is an exact inequality stated once here.
//!
//! [`Model`] is a small in-memory ledger that applies these rules; the property tests run
//! random operations against it, and the store's tests compare the real database to it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A signed amount of time in whole minutes. Units last: `*_minutes` everywhere else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Minutes(pub i64);

/// The most anyone may type for one amount: a week.
pub const MAX_ENTRY_MINUTES: i64 = 7 * 24 * 60;

impl Minutes {
    /// Reads what a person types: "1 h 30 min", "1h30", "1:30", "90 min", "1.5", "2 hours",
    /// "45m". A bare number is hours. Refuses zero, negatives, fractions of a minute and
    /// more than a week.
    pub fn parse(raw: &str) -> Result<Minutes, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter how long, for example 1 h 30 min.".into());
        }
        let total = parse_amount(&s).ok_or_else(|| "Write the time like 1 h 30 min, 1:30 or 45 min.".to_string())?;
        Self::bounded(total)
    }

    /// From a form's separate hours and minutes boxes (either may be empty).
    pub fn from_parts(hours: &str, minutes: &str) -> Result<Minutes, String> {
        let num = |s: &str, what: &str| -> Result<i64, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(0);
            }
            s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| format!("Enter the {what} as a whole number, like 2."))
        };
        let h = num(hours, "hours")?;
        let m = num(minutes, "minutes")?;
        if m >= 60 {
            return Err("Minutes must be less than 60. Put whole hours in the hours box.".into());
        }
        Self::bounded(h.saturating_mul(60).saturating_add(m))
    }

    fn bounded(total: i64) -> Result<Minutes, String> {
        if total <= 0 {
            return Err("The time must be more than zero.".into());
        }
        if total > MAX_ENTRY_MINUTES {
            return Err("That is more than a week. Please check the time.".into());
        }
        Ok(Minutes(total))
    }

    /// "1 h 30 min", "45 min", "2 h", "−1 h 15 min".
    pub fn display(self) -> String {
        let sign = if self.0 < 0 { "−" } else { "" };
        let abs = self.0.unsigned_abs();
        let (h, m) = (abs / 60, abs % 60);
        match (h, m) {
            (0, m) => format!("{sign}{m} min"),
            (h, 0) => format!("{sign}{h} h"),
            (h, m) => format!("{sign}{h} h {m} min"),
        }
    }
}

/// The largest balance limit a builder may set either way: 10,000 hours.
pub const MAX_LIMIT_MINUTES: i64 = 10_000 * 60;

impl Minutes {
    /// Reads a balance limit as a number of hours (or "10 h 30 min"); blank means "use the
    /// network's default" (`None`). Zero is allowed here, unlike for a transfer.
    pub fn parse_limit(raw: &str) -> Result<Option<Minutes>, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Ok(None);
        }
        if s == "0" {
            return Ok(Some(Minutes(0)));
        }
        match parse_amount(&s) {
            Some(m) if m <= MAX_LIMIT_MINUTES => Ok(Some(Minutes(m))),
            Some(_) => Err("That is more than 10,000 hours. Please check it.".into()),
            None => Err("Write a number of hours, like 10, or leave it empty for the usual limit.".into()),
        }
    }
}

/// What a transfer was for. Stored as its `as_str`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferKind {
    /// Help given and received between members (recorded by them, or by a builder on their behalf).
    Exchange,
    /// A member gives hours to the community pool.
    Donation,
    /// A community builder gives hours from the pool, with a reason.
    Grant,
    /// A community builder corrects a balance against the network account, with a reason.
    Adjustment,
    /// Undoes an earlier transfer exactly, with a reason.
    Reversal,
    /// The network's welcome hours for a new member.
    StartingCredit,
    /// An organisation thanks a member for help, through one of its named members.
    Organisation,
}

impl TransferKind {
    pub const ALL: [TransferKind; 7] = [
        TransferKind::Exchange,
        TransferKind::Donation,
        TransferKind::Grant,
        TransferKind::Adjustment,
        TransferKind::Reversal,
        TransferKind::StartingCredit,
        TransferKind::Organisation,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TransferKind::Exchange => "exchange",
            TransferKind::Donation => "donation",
            TransferKind::Grant => "grant",
            TransferKind::Adjustment => "adjustment",
            TransferKind::Reversal => "reversal",
            TransferKind::StartingCredit => "starting_credit",
            TransferKind::Organisation => "organisation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// In plain words, for statements.
    pub fn label(self) -> &'static str {
        match self {
            TransferKind::Exchange => "Help",
            TransferKind::Donation => "Gift to the community pool",
            TransferKind::Grant => "Hours from the community pool",
            TransferKind::Adjustment => "Correction by a community builder",
            TransferKind::Reversal => "Reversed",
            TransferKind::StartingCredit => "Welcome hours",
            TransferKind::Organisation => "Help for an organisation",
        }
    }
}

fn parse_amount(s: &str) -> Option<i64> {
    // "1:30"
    if let Some((h, m)) = s.split_once(':') {
        let h: i64 = h.trim().parse().ok()?;
        let m: i64 = m.trim().parse().ok()?;
        return (h >= 0 && (0..60).contains(&m)).then(|| h * 60 + m);
    }
    // A bare number is hours: "2", "1.5" (must come to whole minutes).
    if let Ok(n) = s.parse::<f64>() {
        let minutes = n * 60.0;
        return (n >= 0.0 && n.is_finite() && (minutes - minutes.round()).abs() < 1e-9).then(|| minutes.round() as i64);
    }
    // Number-unit pairs: "1 h 30 min", "1h30", "90 minutes", "2 hours".
    let mut total = 0i64;
    let mut rest = s;
    let mut saw_any = false;
    while !rest.trim().is_empty() {
        rest = rest.trim_start();
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return None;
        }
        let n: i64 = digits.parse().ok()?;
        rest = rest[digits.len()..].trim_start();
        let unit: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
        rest = &rest[unit.len()..];
        let factor = match unit.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            // "1h30": a trailing number after hours is minutes.
            "" if saw_any => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(factor)?)?;
        saw_any = true;
    }
    saw_any.then_some(total)
}

/// Balance limits of one account; `None` is no limit (the network's own account).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub floor_minutes: Option<i64>,
    pub ceiling_minutes: Option<i64>,
}

/// Why a transfer was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferRefusal {
    TooFewLegs,
    ZeroLeg,
    SameAccountTwice,
    DoesNotBalance {
        sum_minutes: i64,
    },
    TooLarge {
        total_minutes: i64,
        max_minutes: i64,
    },
    BelowFloor {
        account: String,
        floor_minutes: i64,
        short_by_minutes: i64,
    },
    AboveCeiling {
        account: String,
        ceiling_minutes: i64,
        over_by_minutes: i64,
    },
    /// The id was used before for a different transfer.
    IdReused,
    /// A reversal names a transfer this network does not have.
    UnknownTransfer,
    /// That transfer has been reversed already.
    AlreadyReversed,
    /// A reversal cannot itself be reversed: record a new correction instead.
    CannotReverseReversal,
    /// A reversal's legs must be exactly the original's, negated.
    ReversalMismatch,
    /// The network does not exist.
    UnknownNetwork,
}

impl TransferRefusal {
    /// What the person sees, naming the limit and by how much.
    pub fn message(&self) -> String {
        match self {
            TransferRefusal::TooFewLegs => "A transfer needs someone giving and someone receiving.".into(),
            TransferRefusal::ZeroLeg => "Every amount must be more than zero.".into(),
            TransferRefusal::SameAccountTwice => "An account can appear only once in a transfer.".into(),
            TransferRefusal::DoesNotBalance { .. } => "The hours given and received must be equal.".into(),
            TransferRefusal::TooLarge { max_minutes, .. } => {
                format!("One transfer can move at most {}.", Minutes(*max_minutes).display())
            }
            TransferRefusal::BelowFloor { account, floor_minutes, short_by_minutes } => format!(
                "This would take {account} below their lowest allowed balance of {} by {}.",
                Minutes(*floor_minutes).display(),
                Minutes(*short_by_minutes).display()
            ),
            TransferRefusal::AboveCeiling { account, ceiling_minutes, over_by_minutes } => format!(
                "This would take {account} above their highest allowed balance of {} by {}.",
                Minutes(*ceiling_minutes).display(),
                Minutes(*over_by_minutes).display()
            ),
            TransferRefusal::IdReused => "This transfer id was already used for a different transfer.".into(),
            TransferRefusal::UnknownTransfer => "We could not find that transfer.".into(),
            TransferRefusal::AlreadyReversed => "That transfer has already been reversed.".into(),
            TransferRefusal::CannotReverseReversal => {
                "That transfer is itself a reversal. To correct it, make an adjustment with a reason instead.".into()
            }
            TransferRefusal::ReversalMismatch => "A reversal must move exactly the original hours back.".into(),
            TransferRefusal::UnknownNetwork => "We could not find that time bank.".into(),
        }
    }
}

/// One account's change in a transfer: negative gives, positive receives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Leg {
    pub account: String,
    pub amount_minutes: i64,
}

/// Checks a transfer's shape: at least two legs, no zero legs, each account once, legs
/// summing to exactly zero, and what moves (the sum of the positive legs) at most `max_minutes`.
pub fn check_shape(legs: &[Leg], max_minutes: i64) -> Result<(), TransferRefusal> {
    if legs.len() < 2 {
        return Err(TransferRefusal::TooFewLegs);
    }
    if legs.iter().any(|l| l.amount_minutes == 0) {
        return Err(TransferRefusal::ZeroLeg);
    }
    let mut seen = std::collections::BTreeSet::new();
    if !legs.iter().all(|l| seen.insert(l.account.as_str())) {
        return Err(TransferRefusal::SameAccountTwice);
    }
    let sum: i128 = legs.iter().map(|l| l.amount_minutes as i128).sum();
    if sum != 0 {
        return Err(TransferRefusal::DoesNotBalance { sum_minutes: sum.clamp(i64::MIN as i128, i64::MAX as i128) as i64 });
    }
    let moved: i128 = legs.iter().filter(|l| l.amount_minutes > 0).map(|l| l.amount_minutes as i128).sum();
    if moved > max_minutes as i128 {
        return Err(TransferRefusal::TooLarge { total_minutes: moved.min(i64::MAX as i128) as i64, max_minutes });
    }
    Ok(())
}

/// Checks one account's new balance against its limits: floor ≤ balance ≤ ceiling.
pub fn check_limits(account: &str, new_balance_minutes: i64, limits: Limits) -> Result<(), TransferRefusal> {
    if let Some(floor) = limits.floor_minutes {
        if new_balance_minutes < floor {
            return Err(TransferRefusal::BelowFloor {
                account: account.to_string(),
                floor_minutes: floor,
                short_by_minutes: floor - new_balance_minutes,
            });
        }
    }
    if let Some(ceiling) = limits.ceiling_minutes {
        if new_balance_minutes > ceiling {
            return Err(TransferRefusal::AboveCeiling {
                account: account.to_string(),
                ceiling_minutes: ceiling,
                over_by_minutes: new_balance_minutes - ceiling,
            });
        }
    }
    Ok(())
}

/// The limits that apply to an account of `kind` ("network", "pool", "member",
/// "organisation"): its own, else by kind (the network account has none; the pool cannot go
/// below zero), else the network's defaults.
pub fn effective_limits(kind: &str, own_floor: Option<i64>, own_ceiling: Option<i64>, default_floor: i64, default_ceiling: i64) -> Limits {
    match kind {
        "network" => Limits { floor_minutes: None, ceiling_minutes: None },
        "pool" => Limits { floor_minutes: Some(own_floor.unwrap_or(0)), ceiling_minutes: own_ceiling },
        _ => Limits {
            floor_minutes: Some(own_floor.unwrap_or(default_floor)),
            ceiling_minutes: Some(own_ceiling.unwrap_or(default_ceiling)),
        },
    }
}

/// The legs that undo `original` exactly: every amount negated.
pub fn reversal_legs(original: &[Leg]) -> Vec<Leg> {
    original.iter().map(|l| Leg { account: l.account.clone(), amount_minutes: -l.amount_minutes }).collect()
}

/// Do `legs` move exactly the hours of `original` back (in any order)? Never for an
/// original with no legs.
pub fn reverses_exactly(original: &[Leg], legs: &[Leg]) -> bool {
    let mut want = reversal_legs(original);
    let mut got = legs.to_vec();
    want.sort();
    got.sort();
    !want.is_empty() && want == got
}

/// What is known about the transfer a reversal names.
#[derive(Clone, Copy, Debug)]
pub struct Original<'a> {
    /// Its legs, or `None` when there is no such transfer.
    pub legs: Option<&'a [Leg]>,
    /// It is itself a reversal.
    pub is_reversal: bool,
    /// It has been reversed already.
    pub reversed: bool,
}

/// The reversal rules: the original exists, is not itself a reversal, has not been reversed
/// yet, and `legs` move exactly its hours back.
pub fn check_reversal(original: Original<'_>, legs: &[Leg]) -> Result<(), TransferRefusal> {
    let Some(original_legs) = original.legs else { return Err(TransferRefusal::UnknownTransfer) };
    if original.is_reversal {
        return Err(TransferRefusal::CannotReverseReversal);
    }
    if original.reversed {
        return Err(TransferRefusal::AlreadyReversed);
    }
    if !reverses_exactly(original_legs, legs) {
        return Err(TransferRefusal::ReversalMismatch);
    }
    Ok(())
}

/// Where an account stands before a transfer: the name a refusal uses, its balance and limits.
#[derive(Clone, Copy, Debug)]
pub struct Standing<'a> {
    pub name: &'a str,
    pub balance_minutes: i64,
    pub limits: Limits,
}

/// The balance each leg leaves on its account, in the legs' order, every one checked against
/// that account's limits. An account `standing` does not know refuses the transfer.
pub fn balances_after<'a>(legs: &'a [Leg], standing: impl Fn(&'a str) -> Option<Standing<'a>>) -> Result<Vec<i64>, TransferRefusal> {
    let mut after = Vec::with_capacity(legs.len());
    for leg in legs {
        let s = standing(&leg.account).ok_or(TransferRefusal::UnknownTransfer)?;
        let balance = s.balance_minutes + leg.amount_minutes;
        check_limits(s.name, balance, s.limits)?;
        after.push(balance);
    }
    Ok(after)
}

/// Every rule a new transfer must pass, in order: its shape, then (for a reversal) the
/// reversal rules, then each account's limits. Returns the balances it leaves.
pub fn check_transfer<'a>(
    legs: &'a [Leg],
    max_minutes: i64,
    reverses: Option<Original<'_>>,
    standing: impl Fn(&'a str) -> Option<Standing<'a>>,
) -> Result<Vec<i64>, TransferRefusal> {
    check_shape(legs, max_minutes)?;
    if let Some(original) = reverses {
        check_reversal(original, legs)?;
    }
    balances_after(legs, standing)
}

/// A small in-memory ledger applying the rules above: the reference the store is tested against.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub balances: BTreeMap<String, i64>,
    pub limits: BTreeMap<String, Limits>,
    /// id → the legs it applied (sorted), for idempotency.
    pub applied: BTreeMap<String, Vec<Leg>>,
    /// Reversals (id → the transfer it reverses), and transfers that have been reversed.
    pub reversals: BTreeMap<String, String>,
    pub reversed: std::collections::BTreeSet<String>,
    pub max_transfer_minutes: i64,
}

/// What applying a transfer did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    /// The same id and content as before: nothing changes, the first result stands.
    Repeat,
}

impl Model {
    pub fn open(&mut self, account: &str, limits: Limits) {
        self.balances.entry(account.to_string()).or_insert(0);
        self.limits.insert(account.to_string(), limits);
    }

    /// Where an account stands; one never opened has a balance of zero and may not move.
    fn standing<'a>(&self, account: &'a str) -> Standing<'a> {
        Standing {
            name: account,
            balance_minutes: self.balances.get(account).copied().unwrap_or(0),
            limits: self.limits.get(account).copied().unwrap_or(Limits { floor_minutes: Some(0), ceiling_minutes: Some(0) }),
        }
    }

    pub fn apply(&mut self, id: &str, legs: &[Leg]) -> Result<Applied, TransferRefusal> {
        let mut sorted = legs.to_vec();
        sorted.sort();
        if let Some(before) = self.applied.get(id) {
            return if *before == sorted { Ok(Applied::Repeat) } else { Err(TransferRefusal::IdReused) };
        }
        let after = check_transfer(legs, self.max_transfer_minutes, None, |account| Some(self.standing(account)))?;
        for (leg, balance) in legs.iter().zip(after) {
            self.balances.insert(leg.account.clone(), balance);
        }
        self.applied.insert(id.to_string(), sorted);
        Ok(Applied::New)
    }

    /// Reverses `original` with a new transfer `id` moving exactly its legs back.
    pub fn reverse(&mut self, id: &str, original: &str) -> Result<Applied, TransferRefusal> {
        let Some(legs) = self.applied.get(original).cloned() else {
            return Err(TransferRefusal::UnknownTransfer);
        };
        let back = reversal_legs(&legs);
        if let Some(before) = self.applied.get(id) {
            let mut sorted = back.clone();
            sorted.sort();
            let same = *before == sorted && self.reversals.get(id).is_some_and(|o| o == original);
            return if same { Ok(Applied::Repeat) } else { Err(TransferRefusal::IdReused) };
        }
        let known =
            Original { legs: Some(&legs), is_reversal: self.reversals.contains_key(original), reversed: self.reversed.contains(original) };
        check_reversal(known, &back)?;
        let result = self.apply(id, &back)?;
        self.reversals.insert(id.to_string(), original.to_string());
        self.reversed.insert(original.to_string());
        Ok(result)
    }

    /// Balances always sum to zero.
    pub fn total_minutes(&self) -> i64 {
        self.balances.values().sum()
    }
}

/// The day help happened, read from a form's date (`YYYY-MM-DD`, as a date picker sends
/// it): empty or today means the day it is recorded (`None`); never after today, and at most
/// `days_back` days before it (the network's setting). `now` in Unix seconds, dates in UTC.
pub fn happened_on(input: &str, now: i64, days_back: i64) -> Result<Option<String>, String> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let Some((y, m, d)) = crate::util::parse_iso_date(input) else {
        return Err("Write the date as year-month-day, for example 2026-11-30.".into());
    };
    let day = crate::util::days_from_civil(y, m, d);
    let today = now.div_euclid(crate::util::DAY);
    if day > today {
        return Err("The help can't have happened after today.".into());
    }
    if today - day > days_back {
        return Err(format!(
            "Help can be recorded up to {days_back} days after it happened. A community builder can help with older hours."
        ));
    }
    Ok((day != today).then(|| format!("{y:04}-{m:02}-{d:02}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn help_is_dated_today_by_default_never_ahead_and_not_too_long_ago() {
        let now = crate::util::days_from_civil(2026, 12, 6) * crate::util::DAY + 15 * 3600;
        assert_eq!(super::happened_on("", now, 60), Ok(None));
        assert_eq!(super::happened_on("2026-12-06", now, 60), Ok(None), "today is the default");
        assert_eq!(super::happened_on(" 2026-12-01 ", now, 60), Ok(Some("2026-12-01".into())));
        assert_eq!(super::happened_on("2026-10-07", now, 60), Ok(Some("2026-10-07".into())), "60 days back");
        assert!(super::happened_on("2026-10-06", now, 60).is_err(), "61 days back");
        assert!(super::happened_on("2026-12-07", now, 60).is_err(), "tomorrow");
        assert!(super::happened_on("06/12/2026", now, 60).is_err());
        assert!(super::happened_on("2026-02-30", now, 400).is_err());
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_times_as_people_write_them() {
        for (s, m) in [
            ("1 h 30 min", 90),
            ("1h30", 90),
            ("1:30", 90),
            ("90 min", 90),
            ("1.5", 90),
            ("2 hours", 120),
            ("45m", 45),
            ("2", 120),
            (" 1 hour 5 minutes ", 65),
        ] {
            assert_eq!(Minutes::parse(s), Ok(Minutes(m)), "{s}");
        }
        for bad in ["", "0", "-1", "1.01", "abc", "1:75", "h", "200 h", "1 h 30 parsecs"] {
            assert!(Minutes::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(Minutes::from_parts("1", "30"), Ok(Minutes(90)));
        assert_eq!(Minutes::from_parts("", "45"), Ok(Minutes(45)));
        assert!(Minutes::from_parts("1", "60").is_err());
        assert!(Minutes::from_parts("", "").is_err());
    }

    #[test]
    fn shows_times_in_words() {
        assert_eq!(Minutes(90).display(), "1 h 30 min");
        assert_eq!(Minutes(45).display(), "45 min");
        assert_eq!(Minutes(120).display(), "2 h");
        assert_eq!(Minutes(-75).display(), "−1 h 15 min");
    }

    #[test]
    fn limit_messages_say_which_limit_and_by_how_much() {
        let e = check_limits("Ann", -660, Limits { floor_minutes: Some(-600), ceiling_minutes: None }).unwrap_err();
        assert_eq!(e.message(), "This would take Ann below their lowest allowed balance of −10 h by 1 h.");
    }

    fn leg(a: &str, m: i64) -> Leg {
        Leg { account: a.into(), amount_minutes: m }
    }

    #[test]
    fn shapes_that_are_refused() {
        assert_eq!(check_shape(&[leg("a", 0), leg("b", 0)], 1440), Err(TransferRefusal::ZeroLeg));
        assert_eq!(check_shape(&[leg("a", -60)], 1440), Err(TransferRefusal::TooFewLegs));
        assert!(matches!(check_shape(&[leg("a", -60), leg("b", 30)], 1440), Err(TransferRefusal::DoesNotBalance { .. })));
        assert_eq!(check_shape(&[leg("a", -60), leg("a", 60)], 1440), Err(TransferRefusal::SameAccountTwice));
        assert!(matches!(check_shape(&[leg("a", -1441), leg("b", 1441)], 1440), Err(TransferRefusal::TooLarge { .. })));
        // A group session: one provider, three recipients.
        assert_eq!(check_shape(&[leg("p", -180), leg("a", 60), leg("b", 60), leg("c", 60)], 1440), Ok(()));
    }

    proptest! {
        /// Any sequence of transfers, repeats and reused ids keeps the books balanced and
        /// every account inside its limits.
        #[test]
        fn model_keeps_invariants(ops in prop::collection::vec((0u8..6, 0u8..6, 1i64..800, 0u8..12), 1..200)) {
            let mut m = Model { max_transfer_minutes: 1440, ..Default::default() };
            m.open("network", Limits { floor_minutes: None, ceiling_minutes: None });
            m.open("pool", Limits { floor_minutes: Some(0), ceiling_minutes: None });
            for a in ["a", "b", "c", "d"] {
                m.open(a, Limits { floor_minutes: Some(-600), ceiling_minutes: Some(6000) });
            }
            let names = ["network", "pool", "a", "b", "c", "d"];
            for (from, to, amount, id) in ops {
                let legs = [leg(names[from as usize], -amount), leg(names[to as usize], amount)];
                let before = m.balances.clone();
                let result = m.apply(&format!("t{id}"), &legs);
                if result != Ok(Applied::New) {
                    prop_assert_eq!(&before, &m.balances, "a refused or repeated transfer changes nothing");
                }
                prop_assert_eq!(m.total_minutes(), 0);
                for (acct, bal) in &m.balances {
                    let l = m.limits[acct];
                    prop_assert!(l.floor_minutes.is_none_or(|f| *bal >= f));
                    prop_assert!(l.ceiling_minutes.is_none_or(|c| *bal <= c));
                }
            }
        }
    }
}
