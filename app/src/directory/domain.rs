//! The directory's rules, pure: the kinds of entry and their themes, schedules and the
//! dates they give ("first Tuesday of the month", with months that have no fifth Tuesday
//! skipped) and the filters of "What's on". The builders' entry form is in `form`.
//!
//! Dates are whole days since 1970-01-01 ([`Day`]); times are minutes after midnight in
//! the area's own time (a noticeboard's "10:00", not an instant).

use crate::util::{days_from_civil, parse_iso_date};
use serde::{Deserialize, Serialize};

/// Days since 1970-01-01.
pub type Day = i64;

/// How many days a schedule is looked at ahead ("next dates" beyond it are not shown).
pub const HORIZON_DAYS: i64 = 366;
/// Entries not checked for this long are due for a builder's review (about six months).
pub const REVIEW_AFTER_DAYS: i64 = 183;

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal / $label:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The word kept in the database and in addresses.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($word => Some($name::$variant),)* _ => None }
            }
            /// Plain words for people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }
            /// Every value with its label, for a list of choices.
            pub fn choices() -> Vec<(String, String)> {
                Self::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
            }
        }
    };
}

word_enum!(
    /// What an entry is.
    EntryKind {
        Group = "group" / "A group or club",
        Activity = "activity" / "An activity or event",
        Service = "service" / "A service or advice",
    }
);

word_enum!(
    /// The five ways to wellbeing, the themes social prescribers sort activities by.
    Theme {
        Connect = "connect" / "Meeting people",
        Active = "active" / "Being active",
        Notice = "notice" / "Taking notice",
        Learn = "learn" / "Learning",
        Give = "give" / "Giving and volunteering",
    }
);

word_enum!(
    /// What it costs to take part.
    Cost {
        Free = "free" / "Free",
        Donation = "donation" / "Donation welcome",
        Price = "price" / "Costs money",
    }
);

word_enum!(
    /// Part of the day, for "What's on" filters.
    DayPart {
        Morning = "morning" / "Morning",
        Afternoon = "afternoon" / "Afternoon",
        Evening = "evening" / "Evening",
    }
);

impl DayPart {
    /// The part of the day a start time falls in (before noon, before 5 pm, after).
    pub fn of(minute: i64) -> DayPart {
        match minute {
            m if m < 12 * 60 => DayPart::Morning,
            m if m < 17 * 60 => DayPart::Afternoon,
            _ => DayPart::Evening,
        }
    }
}

pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const NTH: [&str; 5] = ["first", "second", "third", "fourth", "fifth"];
const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// 0 = Monday … 6 = Sunday. 1 January 1970 was a Thursday.
pub fn weekday_of(day: Day) -> u8 {
    (day + 3).rem_euclid(7) as u8
}

/// The civil date of a day.
pub fn civil(day: Day) -> (i64, u32, u32) {
    crate::util::civil_from_days(day)
}

/// "2026-12-08".
pub fn iso(day: Day) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// "Tuesday 8 December".
pub fn long_date(day: Day) -> String {
    let (_, m, d) = civil(day);
    format!("{} {d} {}", WEEKDAYS[weekday_of(day) as usize], MONTHS[(m - 1) as usize])
}

/// A `YYYY-MM-DD` date as a day.
pub fn parse_day(s: &str) -> Option<Day> {
    parse_iso_date(s.trim()).map(|(y, m, d)| days_from_civil(y, m, d))
}

/// "10:30" for minutes after midnight.
pub fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Which week of the month: the first to the fifth, or the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Nth {
    Number(u8),
    Last,
}

impl Nth {
    pub fn from_db(n: i64) -> Option<Nth> {
        match n {
            -1 => Some(Nth::Last),
            1..=5 => Some(Nth::Number(n as u8)),
            _ => None,
        }
    }
    pub fn to_db(self) -> i64 {
        match self {
            Nth::Last => -1,
            Nth::Number(n) => i64::from(n),
        }
    }
    fn label(self) -> &'static str {
        match self {
            Nth::Last => "last",
            Nth::Number(n) => NTH[(n - 1) as usize],
        }
    }
}

/// When an entry happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Schedule {
    Once {
        on: Day,
    },
    Weekly {
        weekday: u8,
    },
    Monthly {
        nth: Nth,
        weekday: u8,
    },
    /// A service reached any time or by appointment: no dates.
    Open,
}

/// A schedule with its times and the days a recurring run is bounded by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct When {
    pub schedule: Schedule,
    /// Minutes after midnight (none for `Open`).
    pub starts: Option<i64>,
    pub ends: Option<i64>,
    pub from: Option<Day>,
    pub until: Option<Day>,
}

/// The day of the `nth` `weekday` in a month, if the month has one.
fn nth_weekday(year: i64, month: u32, nth: Nth, weekday: u8) -> Option<Day> {
    let first = days_from_civil(year as i32, month, 1);
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let next_first = days_from_civil(ny as i32, nm, 1);
    let day = match nth {
        Nth::Number(n) => first + i64::from((weekday + 7 - weekday_of(first)) % 7) + 7 * i64::from(n - 1),
        Nth::Last => {
            let last = next_first - 1;
            last - i64::from((weekday_of(last) + 7 - weekday) % 7)
        }
    };
    (day < next_first).then_some(day)
}

impl When {
    /// The next dates on or after `from_day`, at most `count`, within [`HORIZON_DAYS`].
    pub fn next_dates(&self, from_day: Day, count: usize) -> Vec<Day> {
        let start = self.from.map_or(from_day, |f| f.max(from_day));
        let end = self.until.map_or(from_day + HORIZON_DAYS, |u| u.min(from_day + HORIZON_DAYS));
        let mut out = Vec::new();
        if start > end {
            return out;
        }
        match self.schedule {
            Schedule::Open => {}
            Schedule::Once { on } => {
                if on >= from_day && on <= end {
                    out.push(on);
                }
            }
            Schedule::Weekly { weekday } => {
                let mut day = start + i64::from((weekday + 7 - weekday_of(start)) % 7);
                while day <= end && out.len() < count {
                    out.push(day);
                    day += 7;
                }
            }
            Schedule::Monthly { nth, weekday } => {
                let (mut y, mut m, _) = civil(start);
                while out.len() < count {
                    if days_from_civil(y as i32, m, 1) > end {
                        break;
                    }
                    if let Some(day) = nth_weekday(y, m, nth, weekday).filter(|d| *d >= start && *d <= end) {
                        out.push(day);
                    }
                    (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                }
            }
        }
        out
    }

    /// Whether it happens on some day from `first` to `last` (inclusive).
    pub fn happens_between(&self, first: Day, last: Day) -> bool {
        self.next_dates(first, 1).first().is_some_and(|d| *d <= last)
    }

    /// Whether it happens on that weekday (0 Monday … 6 Sunday) from `today` on: a
    /// recurring run on its weekday while it has dates to come, a one-off on its own day.
    /// What's on's day filter and Open Referral's `day` both ask this.
    pub fn happens_on_weekday(&self, weekday: u8, today: Day) -> bool {
        let on = match self.schedule {
            Schedule::Open => return false,
            Schedule::Once { on } => weekday_of(on),
            Schedule::Weekly { weekday } | Schedule::Monthly { weekday, .. } => weekday,
        };
        on == weekday && !self.next_dates(today, 1).is_empty()
    }

    /// Whether it happens on `day` (within the horizon).
    pub fn occurs_on(&self, day: Day) -> bool {
        self.next_dates(day, 1).first() == Some(&day)
    }

    /// "Every Tuesday, 10:00 to 12:00", "First Tuesday of the month, 19:00",
    /// "Tuesday 8 December, 14:00", "Any time: see how to get in touch".
    pub fn describe(&self) -> String {
        let times = match (self.starts, self.ends) {
            (Some(s), Some(e)) => format!(", {} to {}", clock(s), clock(e)),
            (Some(s), None) => format!(", {}", clock(s)),
            _ => String::new(),
        };
        match self.schedule {
            Schedule::Open => "Any time or by appointment".to_string(),
            Schedule::Once { on } => format!("{}{times}", long_date(on)),
            Schedule::Weekly { weekday } => format!("Every {}{times}", WEEKDAYS[weekday as usize]),
            Schedule::Monthly { nth, weekday } => {
                let mut s = format!("{} {} of the month{times}", nth.label(), WEEKDAYS[weekday as usize]);
                s[..1].make_ascii_uppercase();
                s
            }
        }
    }

    /// The iCalendar recurrence rule (RFC 5545) of a recurring schedule.
    pub fn rrule(&self) -> Option<String> {
        const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
        let until = self.until.map(|u| format!(";UNTIL={}", iso(u).replace('-', ""))).unwrap_or_default();
        match self.schedule {
            Schedule::Weekly { weekday } => Some(format!("FREQ=WEEKLY;BYDAY={}{until}", BYDAY[weekday as usize])),
            Schedule::Monthly { nth, weekday } => Some(format!("FREQ=MONTHLY;BYDAY={}{}{until}", nth.to_db(), BYDAY[weekday as usize])),
            _ => None,
        }
    }
}

/// Someone's place on one date of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Going {
    /// They have a place.
    Going,
    /// On the date's waiting list.
    Waiting,
}

impl Going {
    pub fn as_str(self) -> &'static str {
        match self {
            Going::Going => "going",
            Going::Waiting => "waiting",
        }
    }
    pub fn parse(s: &str) -> Option<Going> {
        match s {
            "going" => Some(Going::Going),
            "waiting" => Some(Going::Waiting),
            _ => None,
        }
    }
    /// Where someone who says they are going lands, with `taken` places of `places` (none:
    /// no limit) taken already.
    pub fn for_newcomer(places: Option<i64>, taken: i64) -> Going {
        match places {
            Some(p) if taken >= p => Going::Waiting,
            _ => Going::Going,
        }
    }
}

/// Places left with `taken` of `places` taken (none: no limit).
pub fn places_left(places: Option<i64>, taken: i64) -> Option<i64> {
    places.map(|p| (p - taken).max(0))
}

/// How far back organisers may record who came, in days.
pub const ATTENDANCE_DAYS: i64 = 60;

/// What "What's on" filters by (all optional; from the address bar).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filters {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub theme: Option<String>,
    /// A locality's id, or "all" for every area (default: the viewer's own area first).
    pub area: Option<String>,
    /// 0-6, Monday first.
    pub day: Option<String>,
    pub part: Option<String>,
    /// "free": free or donation only.
    pub cost: Option<String>,
    /// "1": step-free access only.
    pub step_free: Option<String>,
    /// "1": only what happens in the next seven days.
    pub week: Option<String>,
}

/// Whether every word of `q` is in one of `texts` (any case): the directory's search.
pub fn mentions_all(q: &str, texts: &[&str]) -> bool {
    let hay = texts.join(" ").to_lowercase();
    q.to_lowercase().split_whitespace().all(|w| hay.contains(w))
}

/// The facts a filter looks at, of one entry.
pub struct Facts<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub organisation: &'a str,
    pub kind: EntryKind,
    pub theme: Theme,
    pub cost: Cost,
    pub step_free: bool,
    pub when: &'a When,
}

impl Filters {
    fn chosen(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// Whether an entry passes every filter chosen, looking from `today`.
    pub fn admits(&self, e: &Facts<'_>, today: Day) -> bool {
        if Self::chosen(&self.kind).is_some_and(|k| EntryKind::parse(k) != Some(e.kind)) {
            return false;
        }
        if Self::chosen(&self.theme).is_some_and(|t| Theme::parse(t) != Some(e.theme)) {
            return false;
        }
        if Self::chosen(&self.cost) == Some("free") && e.cost == Cost::Price {
            return false;
        }
        if Self::chosen(&self.step_free).is_some() && !e.step_free {
            return false;
        }
        if let Some(part) = Self::chosen(&self.part).and_then(DayPart::parse) {
            if !e.when.starts.is_some_and(|s| DayPart::of(s) == part) {
                return false;
            }
        }
        if let Some(day) = Self::chosen(&self.day).and_then(|d| d.parse::<u8>().ok()).filter(|d| *d < 7) {
            if !e.when.happens_on_weekday(day, today) {
                return false;
            }
        }
        if Self::chosen(&self.week).is_some() && !e.when.happens_between(today, today + 6) {
            return false;
        }
        if Self::chosen(&self.q).is_some_and(|q| !mentions_all(q, &[e.title, e.description, e.organisation])) {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_or_the_waiting_list() {
        assert_eq!(Going::for_newcomer(None, 1000), Going::Going);
        assert_eq!(Going::for_newcomer(Some(3), 2), Going::Going);
        assert_eq!(Going::for_newcomer(Some(3), 3), Going::Waiting);
        assert_eq!(Going::for_newcomer(Some(0), 0), Going::Waiting);
        assert_eq!(places_left(Some(3), 5), Some(0));
        assert_eq!(places_left(None, 5), None);
        for g in [Going::Going, Going::Waiting] {
            assert_eq!(Going::parse(g.as_str()), Some(g));
        }
    }

    #[test]
    fn occurs_only_on_its_own_days() {
        let tue = parse_day("2026-12-08").unwrap();
        let w = When { schedule: Schedule::Weekly { weekday: 1 }, starts: None, ends: None, from: None, until: Some(tue + 7) };
        assert!(w.occurs_on(tue) && w.occurs_on(tue + 7));
        assert!(!w.occurs_on(tue + 1) && !w.occurs_on(tue + 14), "not a Tuesday, or after the last day");
        let open = When { schedule: Schedule::Open, starts: None, ends: None, from: None, until: None };
        assert!(!open.occurs_on(tue));
        // On its weekday while it has dates to come; a one-off on its own day, however far off.
        assert!(w.happens_on_weekday(1, tue) && !w.happens_on_weekday(2, tue));
        assert!(!w.happens_on_weekday(1, tue + 8), "its run has ended");
        let monthly = When { schedule: Schedule::Monthly { nth: Nth::Last, weekday: 4 }, ..open };
        assert!(monthly.happens_on_weekday(4, tue));
        let once = When { schedule: Schedule::Once { on: tue + 7 * 20 }, ..open };
        assert!(once.happens_on_weekday(1, tue) && !once.happens_on_weekday(1, tue + 7 * 21));
        assert!(!open.happens_on_weekday(1, tue));
    }

    fn day(s: &str) -> Day {
        parse_day(s).unwrap()
    }

    #[test]
    fn weekdays_are_counted_from_monday() {
        assert_eq!(weekday_of(day("2026-12-07")), 0); // a Monday
        assert_eq!(weekday_of(day("2026-12-08")), 1);
        assert_eq!(weekday_of(day("1970-01-01")), 3);
        assert_eq!(long_date(day("2026-12-08")), "Tuesday 8 December");
    }

    #[test]
    fn weekly_dates_start_on_the_first_such_day() {
        let w = When { schedule: Schedule::Weekly { weekday: 1 }, starts: Some(600), ends: None, from: None, until: None };
        let dates: Vec<String> = w.next_dates(day("2026-12-07"), 3).into_iter().map(iso).collect();
        assert_eq!(dates, ["2026-12-08", "2026-12-15", "2026-12-22"]);
        // From the day itself.
        assert_eq!(iso(w.next_dates(day("2026-12-08"), 1)[0]), "2026-12-08");
    }

    #[test]
    fn first_tuesday_of_each_month() {
        let w = When {
            schedule: Schedule::Monthly { nth: Nth::Number(1), weekday: 1 },
            starts: Some(1140),
            ends: None,
            from: None,
            until: None,
        };
        let dates: Vec<String> = w.next_dates(day("2026-12-07"), 4).into_iter().map(iso).collect();
        assert_eq!(dates, ["2027-01-05", "2027-02-02", "2027-03-02", "2027-04-06"]);
        assert_eq!(w.describe(), "First Tuesday of the month, 19:00");
        assert_eq!(w.rrule().unwrap(), "FREQ=MONTHLY;BYDAY=1TU");
    }

    #[test]
    fn a_fifth_tuesday_skips_months_without_one() {
        let w = When {
            schedule: Schedule::Monthly { nth: Nth::Number(5), weekday: 1 },
            starts: Some(600),
            ends: None,
            from: None,
            until: None,
        };
        let dates: Vec<String> = w.next_dates(day("2026-12-01"), 4).into_iter().map(iso).collect();
        // December 2026, March, June and August 2027 have five Tuesdays; the months between do not.
        assert_eq!(dates, ["2026-12-29", "2027-03-30", "2027-06-29", "2027-08-31"]);
    }

    #[test]
    fn the_last_friday_of_the_month() {
        let w = When { schedule: Schedule::Monthly { nth: Nth::Last, weekday: 4 }, starts: Some(600), ends: None, from: None, until: None };
        let dates: Vec<String> = w.next_dates(day("2027-01-30"), 3).into_iter().map(iso).collect();
        assert_eq!(dates, ["2027-02-26", "2027-03-26", "2027-04-30"]);
        assert_eq!(w.rrule().unwrap(), "FREQ=MONTHLY;BYDAY=-1FR");
    }

    #[test]
    fn a_run_ends_on_its_last_day_and_a_one_off_passes() {
        let until = day("2026-12-22");
        let w = When { schedule: Schedule::Weekly { weekday: 1 }, starts: Some(600), ends: None, from: None, until: Some(until) };
        assert_eq!(w.next_dates(day("2026-12-07"), 10).len(), 3);
        assert!(w.next_dates(day("2026-12-23"), 10).is_empty());
        let once = When { schedule: Schedule::Once { on: day("2026-12-10") }, starts: Some(600), ends: None, from: None, until: None };
        assert_eq!(once.next_dates(day("2026-12-07"), 5), vec![day("2026-12-10")]);
        assert!(once.next_dates(day("2026-12-11"), 5).is_empty());
        assert!(once.happens_between(day("2026-12-07"), day("2026-12-13")));
        assert!(!once.happens_between(day("2026-12-01"), day("2026-12-07")));
    }

    #[test]
    fn every_nth_weekday_is_that_weekday_in_that_month() {
        for month in 1..=12 {
            for weekday in 0..7 {
                for n in 1..=5 {
                    if let Some(d) = nth_weekday(2027, month, Nth::Number(n), weekday) {
                        let (_, m, dd) = civil(d);
                        assert_eq!((m, weekday_of(d)), (month, weekday));
                        assert!((u32::from(n) - 1) * 7 < dd && dd <= u32::from(n) * 7);
                    } else {
                        assert_eq!(n, 5);
                    }
                }
                let last = nth_weekday(2027, month, Nth::Last, weekday).unwrap();
                assert_eq!(civil(last).1, month);
                assert_ne!(civil(last + 7).1, month);
            }
        }
    }

    #[test]
    fn filters_look_at_the_facts() {
        let today = day("2026-12-07");
        let when = When { schedule: Schedule::Weekly { weekday: 1 }, starts: Some(600), ends: None, from: None, until: None };
        let facts = Facts {
            title: "Tuesday walk",
            description: "Round the park",
            organisation: "Wishaw Walkers",
            kind: EntryKind::Group,
            theme: Theme::Active,
            cost: Cost::Free,
            step_free: false,
            when: &when,
        };
        let f = |f: Filters| f.admits(&facts, today);
        assert!(f(Filters::default()));
        assert!(f(Filters { day: Some("1".into()), part: Some("morning".into()), week: Some("1".into()), ..Default::default() }));
        assert!(!f(Filters { day: Some("2".into()), ..Default::default() }));
        assert!(!f(Filters { part: Some("evening".into()), ..Default::default() }));
        assert!(!f(Filters { step_free: Some("1".into()), ..Default::default() }));
        assert!(f(Filters { q: Some("PARK walk".into()), ..Default::default() }));
        assert!(!f(Filters { q: Some("choir".into()), ..Default::default() }));
        assert!(!f(Filters { theme: Some("learn".into()), ..Default::default() }));
    }
}
