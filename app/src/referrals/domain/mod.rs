//! The referral pathway's rules, with no I/O: the statuses and which moves between them
//! each kind of person may make, what a referral must contain (shared by the professional's
//! form, the self-referral form and the partner API), the wellbeing measures, and the
//! first-contact clock in working days.

use crate::error::FormProblem;
use serde::{Deserialize, Serialize};

mod onward;
pub use onward::*;

/// Where a referral stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Submitted,
    Accepted,
    Declined,
    Withdrawn,
    Contacted,
    Joined,
    Active,
    Closed,
    OnHold,
    CouldNotContact,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Accepted,
        Status::Declined,
        Status::Withdrawn,
        Status::Contacted,
        Status::Joined,
        Status::Active,
        Status::Closed,
        Status::OnHold,
        Status::CouldNotContact,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Withdrawn => "withdrawn",
            Status::Contacted => "contacted",
            Status::Joined => "joined",
            Status::Active => "active",
            Status::Closed => "closed",
            Status::OnHold => "on_hold",
            Status::CouldNotContact => "could_not_contact",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// In plain words, for every screen.
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "Waiting to be looked at",
            Status::Accepted => "Accepted",
            Status::Declined => "Declined",
            Status::Withdrawn => "Withdrawn",
            Status::Contacted => "Contacted",
            Status::Joined => "Joined the time bank",
            Status::Active => "Active: first exchange done",
            Status::Closed => "Closed",
            Status::OnHold => "On hold",
            Status::CouldNotContact => "Could not contact",
        }
    }
    /// Finished: nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Declined | Status::Withdrawn | Status::Closed)
    }
    /// Still waiting for the first contact (the clock against the target runs).
    pub fn awaits_contact(self) -> bool {
        matches!(self, Status::Submitted | Status::Accepted)
    }
}

/// A move a person asks for on a referral's page. `Join` and `Activate` happen through
/// their own actions (making the member, recording the first exchange).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Move {
    Accept,
    Decline,
    Contacted,
    CouldNotContact,
    Hold,
    /// Back from on hold to where it was.
    Resume,
    Close,
    Withdraw,
    Join,
    Activate,
}

impl Move {
    pub const ALL: [Move; 10] = [
        Move::Accept,
        Move::Decline,
        Move::Contacted,
        Move::CouldNotContact,
        Move::Hold,
        Move::Resume,
        Move::Close,
        Move::Withdraw,
        Move::Join,
        Move::Activate,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Accept => "accept",
            Move::Decline => "decline",
            Move::Contacted => "contacted",
            Move::CouldNotContact => "could_not_contact",
            Move::Hold => "hold",
            Move::Resume => "resume",
            Move::Close => "close",
            Move::Withdraw => "withdraw",
            Move::Join => "join",
            Move::Activate => "activate",
        }
    }
    pub fn parse(s: &str) -> Option<Move> {
        Move::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Move::Accept => "Accept",
            Move::Decline => "Decline",
            Move::Contacted => "We have made contact",
            Move::CouldNotContact => "Could not make contact",
            Move::Hold => "Put on hold",
            Move::Resume => "Take off hold",
            Move::Close => "Close with an outcome",
            Move::Withdraw => "Withdraw this referral",
            Move::Join => "Joined",
            Move::Activate => "First exchange done",
        }
    }
    /// Moves that must say why (the note is kept in the history; a closing note is the
    /// summary the referrer sees).
    pub fn needs_note(self) -> bool {
        matches!(self, Move::Decline | Move::Hold | Move::CouldNotContact | Move::Close | Move::Withdraw)
    }
}

/// Who is asking to move a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mover {
    /// A community builder of the person's locality (or a site admin).
    Builder,
    /// The professional who referred, or their organisation's lead.
    Referrer,
}

/// The status a move leads to from `from`, if `who` may make it. `held_from`: where an
/// on-hold referral was before.
pub fn next_status(from: Status, mv: Move, who: Mover, held_from: Option<Status>) -> Option<Status> {
    use Status::*;
    match who {
        Mover::Referrer => match (from, mv) {
            // A referrer may take a referral back until the person has joined.
            (Submitted | Accepted | Contacted | OnHold | CouldNotContact, Move::Withdraw) => Some(Withdrawn),
            _ => None,
        },
        Mover::Builder => match (from, mv) {
            (Submitted, Move::Accept) => Some(Accepted),
            (Submitted, Move::Decline) => Some(Declined),
            (Accepted, Move::Contacted) | (CouldNotContact, Move::Contacted) => Some(Contacted),
            (Accepted | Contacted, Move::CouldNotContact) => Some(CouldNotContact),
            (Accepted | Contacted | Joined | Active, Move::Hold) => Some(OnHold),
            (OnHold, Move::Resume) => held_from.filter(|s| !s.is_final() && *s != OnHold),
            (Accepted | Contacted | Joined | Active | OnHold | CouldNotContact, Move::Close) => Some(Closed),
            (Accepted | Contacted, Move::Join) => Some(Joined),
            (Joined, Move::Activate) => Some(Active),
            _ => None,
        },
    }
}

/// The moves offered on the page for this status.
pub fn offered(from: Status, who: Mover, held_from: Option<Status>) -> Vec<Move> {
    Move::ALL
        .into_iter()
        .filter(|m| !matches!(m, Move::Join | Move::Activate))
        .filter(|m| next_status(from, *m, who, held_from).is_some())
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    Routine,
    Soon,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Soon => "soon",
            Urgency::Urgent => "urgent",
        }
    }
    pub fn parse(s: &str) -> Option<Urgency> {
        [Urgency::Routine, Urgency::Soon, Urgency::Urgent].into_iter().find(|u| u.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Routine => "Routine",
            Urgency::Soon => "Soon (within a week)",
            Urgency::Urgent => "Urgent (within two working days)",
        }
    }
    pub fn choices() -> Vec<(String, String)> {
        [Urgency::Routine, Urgency::Soon, Urgency::Urgent].into_iter().map(|u| (u.as_str().into(), u.label().into())).collect()
    }
}

pub const CONTACT_BY: [(&str, &str); 4] =
    [("phone", "A phone call"), ("text", "A text message"), ("email", "An email"), ("through_referrer", "Through me (the referrer)")];

pub fn contact_label(key: &str) -> &'static str {
    CONTACT_BY.iter().find(|(k, _)| *k == key).map(|(_, l)| *l).unwrap_or("Not said")
}

/// The subject of the email that invites a referred person to join (it carries their
/// name and address, so erasure removes it from the outbox too).
pub const INVITATION_SUBJECT: &str = "Your invitation to join the time bank";

/// The subject of the closing summary emailed to the referrer (found again to erase it).
pub const SUMMARY_SUBJECT: &str = "Closing summary of a referral you made";

/// How long an emailed invitation to join works.
pub const INVITATION_LIFETIME: i64 = 14 * crate::util::DAY;

pub const CONSENT_METHODS: [(&str, &str); 3] =
    [("verbal", "Spoken (in person or by phone)"), ("written", "Written (signed form or letter)"), ("online", "Online, by the person")];

/// Where a referral came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Professional,
    SelfReferral,
    Partner,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Professional => "professional",
            Source::SelfReferral => "self",
            Source::Partner => "partner",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        [Source::Professional, Source::SelfReferral, Source::Partner].into_iter().find(|x| x.as_str() == s)
    }
}

/// A referral's details as typed, before checking (from a form or the partner API).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralInput {
    pub person_name: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub contact_by: String,
    pub locality: String,
    pub what_matters: String,
    pub interests: Vec<String>,
    pub access_needs: String,
    pub risk_notes: String,
    pub urgency: String,
    pub consent_referral: bool,
    pub consent_sharing: bool,
    pub consent_method: String,
}

/// A referral that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReferral {
    pub person_name: String,
    pub date_of_birth: String,
    pub email: String,
    pub phone: String,
    pub contact_by: String,
    pub locality: String,
    pub what_matters: String,
    pub interests: Vec<String>,
    pub access_needs: String,
    pub risk_notes: String,
    pub urgency: Urgency,
    pub consent_method: String,
}

fn optional_text(problem: &mut FormProblem, name: &str, text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() > max {
        problem.push(name, format!("Keep it to {max} characters or fewer."));
    } else if crate::util::has_control_chars(t) {
        problem.push(name, "Please remove the unusual characters.");
    }
    t.to_string()
}

impl ReferralInput {
    /// The values to put back in the form after a refusal.
    pub fn keep(&self, mut p: FormProblem) -> FormProblem {
        for (k, v) in [
            ("person_name", &self.person_name),
            ("date_of_birth", &self.date_of_birth),
            ("email", &self.email),
            ("phone", &self.phone),
            ("contact_by", &self.contact_by),
            ("locality", &self.locality),
            ("what_matters", &self.what_matters),
            ("access_needs", &self.access_needs),
            ("risk_notes", &self.risk_notes),
            ("urgency", &self.urgency),
            ("consent_method", &self.consent_method),
        ] {
            p = p.keep(k, v);
        }
        for i in &self.interests {
            p = p.keep(&format!("interests[{i}]"), "yes");
        }
        if self.consent_referral {
            p = p.keep("consent_referral", "yes");
        }
        if self.consent_sharing {
            p = p.keep("consent_sharing", "yes");
        }
        p
    }

    /// Checks everything. `localities` and `categories` are the valid ids; `today` is
    /// (year, month, day); `self_referral`: the person fills it in themselves (consent is
    /// then given online, and "through the referrer" makes no sense).
    pub fn parse(
        &self,
        localities: &[String],
        categories: &[String],
        today: (i32, u32, u32),
        self_referral: bool,
    ) -> Result<NewReferral, FormProblem> {
        let mut p = self.keep(FormProblem::new());
        let name = self.person_name.trim();
        if name.is_empty() {
            p.push("person_name", if self_referral { "Write your name." } else { "Write the person's name." });
        } else if name.chars().count() > 100 || crate::util::has_control_chars(name) {
            p.push("person_name", "Keep the name to 100 ordinary characters.");
        }
        let dob = self.date_of_birth.trim();
        match crate::util::parse_iso_date(dob) {
            None => p.push("date_of_birth", "Write the date of birth as year-month-day, for example 1948-03-21."),
            Some(d) if d >= today => p.push("date_of_birth", "The date of birth must be in the past."),
            Some((y, m, d)) if (y + 16, m, d) > today => {
                p.push("date_of_birth", "Timeweave is for people aged 16 and over; younger people need a family member to join with them.")
            }
            _ => {}
        }
        let email = self.email.trim().to_lowercase();
        if !email.is_empty() {
            if let Err(m) = crate::auth::domain::Email::parse(&email) {
                p.push("email", m);
            }
        }
        let phone: String = self.phone.trim().to_string();
        if !phone.is_empty() && !crate::networks::find::is_phone_number(&phone) {
            p.push("phone", "Write a phone number with 7 to 15 digits, for example 01236 555 012.");
        }
        let contact_by = self.contact_by.trim();
        match contact_by {
            "phone" | "text" if phone.is_empty() => p.push("phone", "Write a phone number, or choose another way to be contacted."),
            "email" if email.is_empty() => p.push("email", "Write an email address, or choose another way to be contacted."),
            "through_referrer" if self_referral => p.push("contact_by", "Choose how we should contact you."),
            "phone" | "text" | "email" | "through_referrer" => {}
            _ => p.push(
                "contact_by",
                if self_referral { "Choose how we should contact you." } else { "Choose how the person would like to be contacted." },
            ),
        }
        if !localities.iter().any(|l| l == &self.locality) {
            p.push("locality", if self_referral { "Choose the area you live in." } else { "Choose the area the person lives in." });
        }
        let what_matters = self.what_matters.trim();
        if what_matters.is_empty() {
            p.push(
                "what_matters",
                if self_referral {
                    "Tell us a little about what matters to you."
                } else {
                    "Write what matters to the person, in their words if you can."
                },
            );
        } else if what_matters.chars().count() > 2000 || crate::util::has_control_chars(what_matters) {
            p.push("what_matters", "Keep it to 2000 ordinary characters.");
        }
        let mut interests: Vec<String> = self.interests.iter().filter(|i| categories.contains(i)).cloned().collect();
        interests.sort();
        interests.dedup();
        let access_needs = optional_text(&mut p, "access_needs", &self.access_needs, 1000);
        let risk_notes = optional_text(&mut p, "risk_notes", &self.risk_notes, 1000);
        let urgency = Urgency::parse(self.urgency.trim());
        if urgency.is_none() {
            p.push("urgency", "Choose how soon the person should be contacted.");
        }
        let consent_method = if self_referral { "online" } else { self.consent_method.trim() };
        if !self_referral && !matches!(consent_method, "verbal" | "written") {
            p.push("consent_method", "Say how the person gave their consent: spoken or written.");
        }
        if !self.consent_referral {
            p.push(
                "consent_referral",
                if self_referral {
                    "Tick to say you agree to be referred to the time bank."
                } else {
                    "The person must agree to be referred. Tick to confirm they did; without it we cannot take the referral."
                },
            );
        }
        if !self.consent_sharing {
            p.push(
                "consent_sharing",
                if self_referral {
                    "Tick to say you agree the time bank's community builders may see these details."
                } else {
                    "The person must agree to share these details with the time bank's community builders. Tick to confirm they did."
                },
            );
        }
        if !p.fields.is_empty() {
            if !self.consent_referral || !self.consent_sharing {
                p.summary = "We cannot take a referral without both consents. Please check the answers marked below.".into();
            }
            return Err(p);
        }
        Ok(NewReferral {
            person_name: name.to_string(),
            date_of_birth: dob.to_string(),
            email,
            phone,
            contact_by: contact_by.to_string(),
            locality: self.locality.clone(),
            what_matters: what_matters.to_string(),
            interests,
            access_needs,
            risk_notes,
            urgency: urgency.unwrap_or(Urgency::Routine),
            consent_method: consent_method.to_string(),
        })
    }
}

/// Wellbeing at one moment: ONS4 personal wellbeing (0–10 each; for anxiety lower is
/// better) and the three-item UCLA loneliness scale (1 hardly ever, 2 some of the time,
/// 3 often; total 3–9, higher is lonelier).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wellbeing {
    pub life_satisfaction: i64,
    pub worthwhile: i64,
    pub happiness: i64,
    pub anxiety: i64,
    pub lack_companionship: i64,
    pub left_out: i64,
    pub isolated: i64,
}

pub const ONS4_QUESTIONS: [(&str, &str); 4] = [
    ("life_satisfaction", "Overall, how satisfied are you with your life nowadays?"),
    ("worthwhile", "Overall, to what extent do you feel the things you do in your life are worthwhile?"),
    ("happiness", "Overall, how happy did you feel yesterday?"),
    ("anxiety", "Overall, how anxious did you feel yesterday?"),
];

pub const UCLA_QUESTIONS: [(&str, &str); 3] = [
    ("lack_companionship", "How often do you feel that you lack companionship?"),
    ("left_out", "How often do you feel left out?"),
    ("isolated", "How often do you feel isolated from others?"),
];

impl Wellbeing {
    /// The form's field names, in the order the questions are asked.
    pub const FIELDS: [&'static str; 7] =
        ["life_satisfaction", "worthwhile", "happiness", "anxiety", "lack_companionship", "left_out", "isolated"];

    /// The seven answers as typed, in the order of [`Wellbeing::FIELDS`].
    pub fn parse_in_order(values: [&str; 7]) -> Result<Wellbeing, FormProblem> {
        let answers: Vec<(&str, &str)> = Self::FIELDS.into_iter().zip(values).collect();
        Self::parse(&answers)
    }

    /// Reads the seven answers; each must be a whole number in its range.
    pub fn parse(answers: &[(&str, &str)]) -> Result<Wellbeing, FormProblem> {
        let mut p = FormProblem::new();
        for (k, v) in answers {
            p = p.keep(k, v);
        }
        let get = |k: &str| answers.iter().find(|(n, _)| *n == k).map(|(_, v)| v.trim()).unwrap_or("");
        let read = |p: &mut FormProblem, k: &str, lo: i64, hi: i64, what: &str| -> i64 {
            match get(k).parse::<i64>() {
                Ok(n) if (lo..=hi).contains(&n) => n,
                _ => {
                    p.push(k, format!("Choose an answer from {lo} to {hi} ({what})."));
                    0
                }
            }
        };
        let w = Wellbeing {
            life_satisfaction: read(&mut p, "life_satisfaction", 0, 10, "0 not at all, 10 completely"),
            worthwhile: read(&mut p, "worthwhile", 0, 10, "0 not at all, 10 completely"),
            happiness: read(&mut p, "happiness", 0, 10, "0 not at all, 10 completely"),
            anxiety: read(&mut p, "anxiety", 0, 10, "0 not at all, 10 completely"),
            lack_companionship: read(&mut p, "lack_companionship", 1, 3, "1 hardly ever, 3 often"),
            left_out: read(&mut p, "left_out", 1, 3, "1 hardly ever, 3 often"),
            isolated: read(&mut p, "isolated", 1, 3, "1 hardly ever, 3 often"),
        };
        if p.fields.is_empty() {
            Ok(w)
        } else {
            Err(p)
        }
    }
    /// The UCLA loneliness total, 3 (least lonely) to 9.
    pub fn loneliness(&self) -> i64 {
        self.lack_companionship + self.left_out + self.isolated
    }
}

/// Working days (Monday to Friday) from `from` to `to`, epoch seconds, UTC; the day of
/// `from` does not count.
pub fn working_days_between(from: i64, to: i64) -> i64 {
    let (a, b) = (from.div_euclid(crate::util::DAY), to.div_euclid(crate::util::DAY));
    (a + 1..=b).filter(|d| (d + 4).rem_euclid(7) % 6 != 0).count() as i64
}

/// The last moment of the day `days` working days after `from` (epoch seconds, UTC): when
/// an answer given `days` working days to come is due.
pub fn after_working_days(from: i64, days: i64) -> i64 {
    let mut day = from.div_euclid(crate::util::DAY);
    let mut left = days.max(0);
    while left > 0 {
        day += 1;
        if (day + 4).rem_euclid(7) % 6 != 0 {
            left -= 1;
        }
    }
    (day + 1) * crate::util::DAY - 1
}

/// (year, month, day) of an epoch time, UTC.
pub fn ymd(at: i64) -> (i32, u32, u32) {
    let s = crate::util::iso_date(at);
    crate::util::parse_iso_date(&s).unwrap_or((1970, 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ReferralInput {
        ReferralInput {
            person_name: "Margaret Reid".into(),
            date_of_birth: "1948-03-21".into(),
            email: String::new(),
            phone: "01236 555 012".into(),
            contact_by: "phone".into(),
            locality: "airdrie".into(),
            what_matters: "Getting out of the house; she used to love gardening.".into(),
            interests: vec!["gardening".into(), "nope".into()],
            access_needs: "Hard of hearing".into(),
            risk_notes: String::new(),
            urgency: "routine".into(),
            consent_referral: true,
            consent_sharing: true,
            consent_method: "verbal".into(),
        }
    }

    fn parse(i: &ReferralInput) -> Result<NewReferral, FormProblem> {
        i.parse(&["airdrie".into()], &["gardening".into()], (2026, 11, 26), false)
    }

    #[test]
    fn an_answer_is_due_at_the_end_of_the_nth_working_day() {
        use crate::util::DAY;
        // 2026-12-04 is a Friday: ten working days on is Friday 18 December.
        let friday = 20_791 * DAY + 10 * 3600;
        assert_eq!(crate::util::iso_date(friday), "2026-12-04");
        let due = after_working_days(friday, 10);
        assert_eq!(crate::util::iso_date(due), "2026-12-18");
        assert_eq!(crate::util::iso_date(due + 1), "2026-12-19", "the very end of that day");
        for start in 0..14 {
            let from = (20_420 + start) * DAY + 600;
            for n in 0..12 {
                assert_eq!(working_days_between(from, after_working_days(from, n)), n, "from day {start}, {n} days");
            }
        }
        assert_eq!(after_working_days(friday, -3), 20_792 * DAY - 1, "never before the day itself");
    }

    #[test]
    fn a_good_referral_parses_and_unknown_interests_are_dropped() {
        let r = parse(&input()).unwrap();
        assert_eq!(r.interests, vec!["gardening".to_string()]);
        assert_eq!(r.urgency, Urgency::Routine);
    }

    #[test]
    fn both_consents_are_required_separately() {
        let mut i = input();
        i.consent_sharing = false;
        let p = parse(&i).unwrap_err();
        assert!(p.message_for("consent_sharing").is_some());
        assert!(p.message_for("consent_referral").is_none());
        assert!(p.summary.contains("without both consents"));
        assert_eq!(p.value_for("person_name").as_deref(), Some("Margaret Reid"), "what was typed is kept");
        let mut i = input();
        i.consent_referral = false;
        assert!(parse(&i).unwrap_err().message_for("consent_referral").is_some());
    }

    #[test]
    fn contact_needs_the_means_to_contact() {
        let mut i = input();
        i.phone = String::new();
        assert!(parse(&i).unwrap_err().message_for("phone").is_some());
        i.contact_by = "through_referrer".into();
        assert!(parse(&i).is_ok());
        i.contact_by = "email".into();
        assert!(parse(&i).unwrap_err().message_for("email").is_some());
    }

    #[test]
    fn dates_of_birth_are_real_past_and_16_plus() {
        let mut i = input();
        for bad in ["21/03/1948", "1948-02-30", "2027-01-01", "2015-01-01"] {
            i.date_of_birth = bad.into();
            assert!(parse(&i).unwrap_err().message_for("date_of_birth").is_some(), "{bad}");
        }
    }

    #[test]
    fn only_allowed_moves_happen() {
        use Status::*;
        assert_eq!(next_status(Submitted, Move::Accept, Mover::Builder, None), Some(Accepted));
        assert_eq!(next_status(Submitted, Move::Accept, Mover::Referrer, None), None);
        assert_eq!(next_status(Submitted, Move::Contacted, Mover::Builder, None), None, "accept first");
        assert_eq!(next_status(Submitted, Move::Join, Mover::Builder, None), None);
        assert_eq!(next_status(Joined, Move::Withdraw, Mover::Referrer, None), None, "too late to withdraw");
        assert_eq!(next_status(Contacted, Move::Withdraw, Mover::Referrer, None), Some(Withdrawn));
        assert_eq!(next_status(OnHold, Move::Resume, Mover::Builder, Some(Contacted)), Some(Contacted));
        assert_eq!(next_status(OnHold, Move::Resume, Mover::Builder, None), None);
        for s in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for m in Move::ALL {
                assert_eq!(next_status(s, m, Mover::Builder, Some(Accepted)), None, "{s:?} is final");
                assert_eq!(next_status(s, m, Mover::Referrer, Some(Accepted)), None);
            }
        }
        assert_eq!(offered(Submitted, Mover::Builder, None), vec![Move::Accept, Move::Decline]);
    }

    #[test]
    fn wellbeing_answers_are_in_range() {
        let ok = [
            ("life_satisfaction", "6"),
            ("worthwhile", "7"),
            ("happiness", "5"),
            ("anxiety", "4"),
            ("lack_companionship", "3"),
            ("left_out", "2"),
            ("isolated", "3"),
        ];
        assert_eq!(Wellbeing::parse(&ok).unwrap().loneliness(), 8);
        let mut bad = ok;
        bad[0].1 = "11";
        bad[4].1 = "0";
        let p = Wellbeing::parse(&bad).unwrap_err();
        assert!(p.message_for("life_satisfaction").is_some() && p.message_for("lack_companionship").is_some());
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2026-11-27 is a Friday; to the next Monday is one working day.
        use crate::util::{DAY, HOUR, WEEK};
        let fri = crate::util::days_from_civil(2026, 11, 27) * DAY + HOUR;
        let mon = crate::util::days_from_civil(2026, 11, 30) * DAY + HOUR;
        assert_eq!(working_days_between(fri, mon), 1);
        assert_eq!(working_days_between(fri, mon + WEEK), 6);
        assert_eq!(working_days_between(fri, fri + 100), 0);
    }
}
