//! The builders' entry form: read as posted (every field text, radio groups optional)
//! and checked into an [`EntryDraft`], every problem named by its field (pure).

#[cfg(feature = "ssr")]
use super::domain::{parse_day, Day, Nth, Schedule};
use super::domain::{Cost, EntryKind, Theme, When};
#[cfg(feature = "ssr")]
use crate::error::AppError;
use crate::error::FormProblem;
use serde::{Deserialize, Serialize};

/// The most places an entry's date may have.
pub const MAX_PLACES: i64 = 10_000;

/// The builders' entry form, as posted (every field text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryForm {
    pub organisation: String,
    pub title: String,
    pub kind: Option<String>,
    pub theme: Option<String>,
    pub description: String,
    /// A locality's id, or "network" for the whole network.
    pub area: String,
    pub schedule: Option<String>,
    pub on_date: String,
    pub weekday: String,
    pub nth: String,
    pub starts: String,
    pub ends: String,
    pub until: String,
    pub venue: String,
    pub address: String,
    pub postcode: String,
    pub step_free: Option<String>,
    pub accessibility: String,
    pub cost: Option<String>,
    pub cost_detail: String,
    pub audience: String,
    /// How many can come to each date ("" for no limit).
    #[serde(default)]
    pub places: String,
    pub how_to_join: String,
    pub contact: String,
    pub public: Option<String>,
}

/// An entry read from the form and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDraft {
    pub organisation: String,
    pub title: String,
    pub kind: EntryKind,
    pub theme: Theme,
    pub description: String,
    /// `None`: the whole network.
    pub locality_id: Option<String>,
    pub when: When,
    pub venue: String,
    pub address: String,
    pub postcode: String,
    pub step_free: bool,
    pub accessibility: String,
    pub cost: Cost,
    pub cost_detail: String,
    pub audience: String,
    pub how_to_join: String,
    pub contact: String,
    pub public: bool,
    /// Places on each date (none: no limit).
    pub places: Option<i64>,
}

/// "10:30" or "10.30" or "9:00" as minutes after midnight.
pub fn parse_clock(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once([':', '.'])?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m) && s.trim().len() <= 5).then_some(h * 60 + m)
}

impl EntryForm {
    /// Every value as typed, so the form comes back filled after a refusal.
    pub fn kept(&self) -> FormProblem {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let pairs: [(&str, String); 25] = [
            ("organisation", self.organisation.clone()),
            ("title", self.title.clone()),
            ("kind", o(&self.kind)),
            ("theme", o(&self.theme)),
            ("description", self.description.clone()),
            ("area", self.area.clone()),
            ("schedule", o(&self.schedule)),
            ("on_date", self.on_date.clone()),
            ("weekday", self.weekday.clone()),
            ("nth", self.nth.clone()),
            ("starts", self.starts.clone()),
            ("ends", self.ends.clone()),
            ("until", self.until.clone()),
            ("venue", self.venue.clone()),
            ("address", self.address.clone()),
            ("postcode", self.postcode.clone()),
            ("step_free", o(&self.step_free)),
            ("accessibility", self.accessibility.clone()),
            ("cost", o(&self.cost)),
            ("cost_detail", self.cost_detail.clone()),
            ("audience", self.audience.clone()),
            ("places", self.places.clone()),
            ("how_to_join", self.how_to_join.clone()),
            ("contact", self.contact.clone()),
            ("public", o(&self.public)),
        ];
        pairs.iter().fold(FormProblem::new(), |p, (k, v)| p.keep(k, v))
    }

    #[cfg(feature = "ssr")]
    /// Checks the form. `area_ok` says whether the chosen area is one of the network's (or
    /// "network" where the builder may post for the whole network); `today` bounds a
    /// one-off date (it may not have passed).
    pub fn parse(&self, area_ok: bool, today: Day) -> Result<EntryDraft, AppError> {
        let mut p = self.kept();
        let mut text = |name: &str, value: &str, what: &str, max: usize, required: bool| -> String {
            let v = value.trim();
            if required && v.is_empty() {
                p.push(name, format!("Enter {what}."));
            } else if v.chars().count() > max {
                p.push(name, format!("Keep {what} to {max} characters."));
            } else if crate::util::has_control_chars(v) {
                p.push(name, format!("Take out the unusual characters in {what}."));
            }
            v.to_string()
        };
        let title = text("title", &self.title, "a name for it", 120, true);
        let organisation = text("organisation", &self.organisation, "who runs it", 120, true);
        let description = text("description", &self.description, "what happens there", 2000, true);
        let venue = text("venue", &self.venue, "the place", 120, false);
        let address = text("address", &self.address, "the address", 200, false);
        let postcode = text("postcode", &self.postcode, "the postcode", 10, false).to_uppercase();
        let accessibility = text("accessibility", &self.accessibility, "the access details", 500, false);
        let cost_detail = text("cost_detail", &self.cost_detail, "the cost details", 200, false);
        let audience = text("audience", &self.audience, "who it is for", 200, false);
        let how_to_join = text("how_to_join", &self.how_to_join, "how to join", 500, false);
        let contact = text("contact", &self.contact, "the contact details", 200, false);
        let kind = self.kind.as_deref().and_then(EntryKind::parse);
        if kind.is_none() {
            p.push("kind", "Choose what it is.");
        }
        let theme = self.theme.as_deref().and_then(Theme::parse);
        if theme.is_none() {
            p.push("theme", "Choose what it is mostly about.");
        }
        let cost = self.cost.as_deref().and_then(Cost::parse);
        if cost.is_none() {
            p.push("cost", "Choose what it costs.");
        }
        if cost == Some(Cost::Price) && cost_detail.is_empty() {
            p.push("cost_detail", "Say how much it costs.");
        }
        if !area_ok {
            p.push("area", "Choose the area it is in.");
        }
        if !venue.is_empty() && address.is_empty() {
            p.push("address", format!("Enter the address of {venue}."));
        }
        let when = self.read_when(&mut p, today);
        let places = self.read_places(&mut p, when.map(|w| w.schedule));
        if how_to_join.is_empty() && contact.is_empty() {
            p.push("how_to_join", "Say how to join or how to get in touch.");
        }
        p.into_result()?;
        let (Some(kind), Some(theme), Some(cost), Some(when)) = (kind, theme, cost, when) else {
            return Err(crate::error::unexpected("directory entry form: a choice missing without a message"));
        };
        let locality_id = match self.area.trim() {
            "network" => None,
            id => Some(id.to_string()),
        };
        Ok(EntryDraft {
            organisation,
            title,
            kind,
            theme,
            description,
            locality_id,
            when,
            venue,
            address,
            postcode,
            step_free: self.step_free.is_some(),
            accessibility,
            cost,
            cost_detail,
            audience,
            how_to_join,
            contact,
            public: self.public.is_some(),
            places,
        })
    }

    /// Places per date: a whole number from 1 to [`MAX_PLACES`], or empty for no limit;
    /// only for something with dates.
    #[cfg(feature = "ssr")]
    fn read_places(&self, p: &mut FormProblem, schedule: Option<Schedule>) -> Option<i64> {
        let v = self.places.trim();
        if v.is_empty() {
            return None;
        }
        if schedule == Some(Schedule::Open) {
            p.push("places", "Something reached any time has no dates to book: leave places empty.");
            return None;
        }
        match v.parse::<i64>() {
            Ok(n) if (1..=MAX_PLACES).contains(&n) => Some(n),
            _ => {
                p.push("places", format!("Enter how many can come, from 1 to {MAX_PLACES}, or leave it empty for no limit."));
                None
            }
        }
    }

    #[cfg(feature = "ssr")]
    fn read_when(&self, p: &mut FormProblem, today: Day) -> Option<When> {
        let weekday = || self.weekday.trim().parse::<u8>().ok().filter(|d| *d < 7);
        let schedule = match self.schedule.as_deref() {
            Some("once") => match parse_day(&self.on_date) {
                Some(on) if on < today => {
                    p.push("on_date", "That date has passed: enter the day it happens.");
                    None
                }
                Some(on) => Some(Schedule::Once { on }),
                None => {
                    p.push("on_date", "Enter the date as year-month-day, for example 2027-03-14.");
                    None
                }
            },
            Some("weekly") => match weekday() {
                Some(weekday) => Some(Schedule::Weekly { weekday }),
                None => {
                    p.push("weekday", "Choose the day of the week.");
                    None
                }
            },
            Some("monthly") => {
                let nth = self.nth.trim().parse::<i64>().ok().and_then(Nth::from_db);
                if nth.is_none() {
                    p.push("nth", "Choose which week of the month.");
                }
                if weekday().is_none() {
                    p.push("weekday", "Choose the day of the week.");
                }
                nth.zip(weekday()).map(|(nth, weekday)| Schedule::Monthly { nth, weekday })
            }
            Some("open") => Some(Schedule::Open),
            _ => {
                p.push("schedule", "Choose when it happens.");
                None
            }
        };
        // The times are read whatever the schedule, so every problem shows at once.
        let dated = schedule != Some(Schedule::Open);
        let starts = match self.starts.trim() {
            "" if dated => {
                p.push("starts", "Enter the time it starts, for example 10:00.");
                None
            }
            "" => None,
            s => match parse_clock(s) {
                Some(m) => Some(m),
                None => {
                    p.push("starts", "Enter the time as hours and minutes, for example 10:00.");
                    None
                }
            },
        };
        let ends = match self.ends.trim() {
            "" => None,
            s => match parse_clock(s) {
                Some(m) if starts.is_some_and(|st| m <= st) => {
                    p.push("ends", "It must end after it starts.");
                    None
                }
                Some(m) => Some(m),
                None => {
                    p.push("ends", "Enter the time as hours and minutes, for example 12:00.");
                    None
                }
            },
        };
        let until = match self.until.trim() {
            "" => None,
            s => match parse_day(s) {
                Some(u) if u < today => {
                    p.push("until", "That date has passed: leave it empty if it carries on.");
                    None
                }
                Some(u) => Some(u),
                None => {
                    p.push("until", "Enter the date as year-month-day, for example 2027-06-30.");
                    None
                }
            },
        };
        let schedule = schedule?;
        let when = When { schedule, starts: if dated { starts } else { None }, ends: if dated { ends } else { None }, from: None, until };
        if dated && starts.is_none() {
            return None;
        }
        if matches!(schedule, Schedule::Weekly { .. } | Schedule::Monthly { .. }) && when.next_dates(today, 1).is_empty() {
            p.push("until", "It would never happen before that date.");
            return None;
        }
        Some(when)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        parse_day(s).unwrap()
    }

    fn form() -> EntryForm {
        EntryForm {
            organisation: "Wishaw Walkers".into(),
            title: "Tuesday walk".into(),
            kind: Some("group".into()),
            theme: Some("active".into()),
            description: "A gentle hour round the park.".into(),
            area: "loc1".into(),
            schedule: Some("weekly".into()),
            weekday: "1".into(),
            starts: "10:00".into(),
            ends: "11:00".into(),
            venue: "Belhaven Park gates".into(),
            address: "Main Street, Wishaw".into(),
            cost: Some("free".into()),
            how_to_join: "Just turn up.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_reads() {
        let d = form().parse(true, day("2026-12-07")).unwrap();
        assert_eq!(d.when.schedule, Schedule::Weekly { weekday: 1 });
        assert_eq!((d.when.starts, d.when.ends), (Some(600), Some(660)));
        assert_eq!(d.locality_id.as_deref(), Some("loc1"));
    }

    #[test]
    fn bad_forms_name_their_field() {
        let today = day("2026-12-07");
        let refused = |f: EntryForm| match f.parse(true, today) {
            Err(AppError::Invalid(p)) => p,
            other => panic!("expected a refusal, got {other:?}"),
        };
        let p = refused(EntryForm { address: "".into(), ..form() });
        assert!(p.message_for("address").unwrap().contains("Belhaven Park gates"));
        let p = refused(EntryForm { schedule: Some("monthly".into()), nth: "7".into(), ..form() });
        assert!(p.message_for("nth").is_some());
        let p = refused(EntryForm { schedule: Some("once".into()), on_date: "2026-02-30".into(), ..form() });
        assert!(p.message_for("on_date").is_some());
        let p = refused(EntryForm { schedule: Some("once".into()), on_date: "2026-12-01".into(), ..form() });
        assert!(p.message_for("on_date").unwrap().contains("passed"));
        let p = refused(EntryForm { ends: "09:00".into(), ..form() });
        assert!(p.message_for("ends").is_some());
        let p = refused(EntryForm { starts: "25:00".into(), ..form() });
        assert!(p.message_for("starts").is_some());
        let p = refused(EntryForm { schedule: None, kind: None, ..form() });
        assert!(p.message_for("schedule").is_some() && p.message_for("kind").is_some());
        // What was typed comes back.
        assert_eq!(p.value_for("title").as_deref(), Some("Tuesday walk"));
        let p = refused(EntryForm { cost: Some("price".into()), ..form() });
        assert!(p.message_for("cost_detail").is_some());
        // A fifth Tuesday until before the next one: never happens.
        let p = refused(EntryForm { schedule: Some("monthly".into()), nth: "5".into(), until: "2026-12-20".into(), ..form() });
        assert!(p.message_for("until").is_some());
        assert!(refused_area(form().parse(false, today)));
        for places in ["0", "-3", "lots", "10001"] {
            let p = refused(EntryForm { places: places.into(), ..form() });
            assert!(p.message_for("places").unwrap().contains("from 1 to"), "{places}");
        }
        let p = refused(EntryForm { schedule: Some("open".into()), places: "10".into(), ..form() });
        assert!(p.message_for("places").unwrap().contains("no dates"));
        assert_eq!(EntryForm { places: " 12 ".into(), ..form() }.parse(true, today).unwrap().places, Some(12));
        assert_eq!(form().parse(true, today).unwrap().places, None);
    }

    fn refused_area(r: Result<EntryDraft, AppError>) -> bool {
        matches!(r, Err(AppError::Invalid(p)) if p.message_for("area").is_some())
    }
}
