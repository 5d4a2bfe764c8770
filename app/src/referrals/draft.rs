//! The referral form in steps (pure): which answers each step asks for, the date of birth
//! in three boxes, and which of [`ReferralInput::parse`]'s problems belong to which step,
//! so every step is checked by the same rules as the whole referral.
//!
//! A draft lives on the server between steps (`store::draft`), sealed, and never in a
//! page's address: it holds health details.

use super::domain::ReferralInput;
use crate::error::FormProblem;
use serde::{Deserialize, Serialize};

/// One short page of the referral form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    About,
    Matters,
    Needs,
    Consent,
    Check,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::About, Step::Matters, Step::Needs, Step::Consent, Step::Check];

    /// Its part of the page's address (`/referrals/new/about`).
    pub fn slug(self) -> &'static str {
        match self {
            Step::About => "about",
            Step::Matters => "what-matters",
            Step::Needs => "needs",
            Step::Consent => "consent",
            Step::Check => "check",
        }
    }

    pub fn parse(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// The step's heading; the self-referral speaks to the person.
    pub fn title(self, self_referral: bool) -> &'static str {
        match (self, self_referral) {
            (Step::About, false) => "About the person",
            (Step::About, true) => "About you",
            (Step::Matters, _) => "What matters",
            (Step::Needs, _) => "Practical needs",
            (Step::Consent, _) => "Consent",
            (Step::Check, _) => "Check and send",
        }
    }

    /// The form fields it asks for (as [`ReferralInput::parse`] names them in its problems).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Step::About => &["person_name", "date_of_birth", "locality", "contact_by", "phone", "email"],
            Step::Matters => &["what_matters", "interests"],
            Step::Needs => &["access_needs", "risk_notes", "urgency"],
            Step::Consent => &["consent_referral", "consent_sharing", "consent_method"],
            Step::Check => &[],
        }
    }

    /// 1-based, for "Step 2 of 5".
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Step {
        Step::ALL.get(self.number()).copied().unwrap_or(Step::Check)
    }

    pub fn previous(self) -> Option<Step> {
        self.number().checked_sub(2).map(|i| Step::ALL[i])
    }

    /// The step whose page shows a field.
    pub fn of_field(field: &str) -> Step {
        let field = field.split('[').next().unwrap_or(field);
        Step::ALL.into_iter().find(|s| s.fields().contains(&field)).unwrap_or(Step::About)
    }
}

/// A referral being written: the answers so far, and the date of birth as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub input: ReferralInput,
    /// Day, month and year as typed.
    pub dob: [String; 3],
    /// Steps already answered (their slugs), so "Check and send" can follow.
    pub answered: Vec<String>,
}

impl Draft {
    /// The date of birth as `YYYY-MM-DD`, or empty when the boxes do not make a date.
    pub fn date_of_birth(&self) -> String {
        let [d, m, y] = &self.dob;
        let (Ok(d), Ok(m), Ok(y)) = (d.trim().parse::<u32>(), m.trim().parse::<u32>(), y.trim().parse::<i32>()) else {
            return String::new();
        };
        let iso = format!("{y:04}-{m:02}-{d:02}");
        if (1900..=9999).contains(&y) && crate::util::parse_iso_date(&iso).is_some() {
            iso
        } else {
            String::new()
        }
    }

    /// The whole referral as typed, ready for [`ReferralInput::parse`].
    pub fn referral(&self, self_referral: bool) -> ReferralInput {
        let mut r = self.input.clone();
        r.date_of_birth = self.date_of_birth();
        if self_referral {
            r.risk_notes.clear();
            r.urgency = "routine".into();
            r.consent_method = "online".into();
        } else if r.urgency.is_empty() {
            r.urgency = "routine".into();
        }
        r
    }

    pub fn has_answered(&self, step: Step) -> bool {
        self.answered.iter().any(|s| s == step.slug())
    }

    pub fn mark_answered(&mut self, step: Step) {
        if !self.has_answered(step) {
            self.answered.push(step.slug().to_string());
        }
    }

    /// Every step before "Check and send" answered.
    pub fn complete(&self) -> bool {
        Step::ALL.iter().filter(|s| **s != Step::Check).all(|s| self.has_answered(*s))
    }

    /// The answers of one step that need changing, with the values to show again.
    /// `problems` is what [`ReferralInput::parse`] said about the whole referral.
    pub fn problems_for(&self, step: Step, problems: &FormProblem) -> FormProblem {
        let mut p = FormProblem::new();
        for (field, message) in &problems.fields {
            if Step::of_field(field) == step {
                let message = if field == "date_of_birth" && self.date_of_birth().is_empty() {
                    "Enter the date of birth as numbers: the day, the month and the year, for example 21 3 1948.".to_string()
                } else {
                    message.clone()
                };
                p.push(field, message);
            }
        }
        p.values = problems.values.clone();
        for (name, value) in [("dob_day", &self.dob[0]), ("dob_month", &self.dob[1]), ("dob_year", &self.dob[2])] {
            p = p.keep(name, value);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_run_in_order_and_every_field_has_one() {
        assert_eq!(Step::About.next(), Step::Matters);
        assert_eq!(Step::Consent.next(), Step::Check);
        assert_eq!(Step::Check.next(), Step::Check);
        assert_eq!(Step::About.previous(), None);
        assert_eq!(Step::Matters.previous(), Some(Step::About));
        assert_eq!(Step::of_field("interests[walking]"), Step::Matters);
        assert_eq!(Step::of_field("consent_method"), Step::Consent);
        for s in Step::ALL {
            assert_eq!(Step::parse(s.slug()), Some(s));
        }
        let all: Vec<&str> = Step::ALL.iter().flat_map(|s| s.fields().iter().copied()).collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(all.len(), unique.len(), "each field is asked once");
    }

    #[test]
    fn the_date_of_birth_is_three_boxes() {
        let mut d = Draft { dob: ["21".into(), "3".into(), "1948".into()], ..Default::default() };
        assert_eq!(d.date_of_birth(), "1948-03-21");
        d.dob = ["31".into(), "2".into(), "1948".into()];
        assert_eq!(d.date_of_birth(), "", "no 31 February");
        d.dob = ["1".into(), "1".into(), "48".into()];
        assert_eq!(d.date_of_birth(), "", "a year of four digits");
        d.dob = ["x".into(), "1".into(), "1948".into()];
        assert_eq!(d.date_of_birth(), "");
    }

    #[test]
    fn each_step_shows_only_its_own_problems() {
        let d = Draft { dob: ["".into(), "".into(), "".into()], ..Default::default() };
        let whole = d.referral(false).parse(&["l".into()], &[], (2026, 12, 6), false).unwrap_err();
        let about = d.problems_for(Step::About, &whole);
        let names: Vec<&str> = about.fields.iter().map(|(f, _)| f.as_str()).collect();
        assert!(names.contains(&"person_name") && names.contains(&"date_of_birth") && !names.contains(&"what_matters"), "{names:?}");
        assert!(about.message_for("date_of_birth").unwrap().contains("day, the month and the year"));
        let consent = d.problems_for(Step::Consent, &whole);
        assert!(consent.message_for("consent_referral").is_some() && consent.message_for("person_name").is_none());
        assert!(d.problems_for(Step::Check, &whole).fields.is_empty());
    }

    #[test]
    fn a_self_referral_has_no_visit_notes_and_consents_online() {
        let mut d = Draft::default();
        d.input.risk_notes = "typed in somehow".into();
        let r = d.referral(true);
        assert_eq!((r.risk_notes.as_str(), r.urgency.as_str(), r.consent_method.as_str()), ("", "routine", "online"));
        d.answered = ["about", "what-matters", "needs"].map(String::from).to_vec();
        assert!(!d.complete());
        d.mark_answered(Step::Consent);
        d.mark_answered(Step::Consent);
        assert!(d.complete() && d.answered.len() == 4);
    }
}
