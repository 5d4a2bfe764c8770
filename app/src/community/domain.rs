//! The community builder's rules, pure: the moderation queue's
//! states and actions, the vetting checklist and its badges, the network's settings
//! parsed from a form, and a member's move to another area. No web, no database.

use crate::audit::domain::AuditAction;
use crate::error::FormProblem;
use serde::{Deserialize, Serialize};

/// Where a report stands in the moderation queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportStatus {
    Open,
    InReview,
    Resolved,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::InReview => "in_review",
            ReportStatus::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(ReportStatus::Open),
            "in_review" => Some(ReportStatus::InReview),
            "resolved" => Some(ReportStatus::Resolved),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Open => "Open",
            ReportStatus::InReview => "In review",
            ReportStatus::Resolved => "Resolved",
        }
    }
}

/// What was reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportSubject {
    Listing,
    Profile,
    Message,
}

impl ReportSubject {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportSubject::Listing => "listing",
            ReportSubject::Profile => "profile",
            ReportSubject::Message => "message",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "listing" => Some(ReportSubject::Listing),
            "profile" => Some(ReportSubject::Profile),
            "message" => Some(ReportSubject::Message),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ReportSubject::Listing => "A listing",
            ReportSubject::Profile => "A profile",
            ReportSubject::Message => "A message",
        }
    }
}

/// What a builder does with a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moderation {
    /// Take it into review (open → in review); nothing else changes.
    Review,
    HideListing,
    RestoreListing,
    Warn,
    Suspend,
    Dismiss,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "review" => Some(Moderation::Review),
            "hide" => Some(Moderation::HideListing),
            "restore" => Some(Moderation::RestoreListing),
            "warn" => Some(Moderation::Warn),
            "suspend" => Some(Moderation::Suspend),
            "dismiss" => Some(Moderation::Dismiss),
            _ => None,
        }
    }

    /// The actions that make sense for a report about `subject` in `status`: a listing is
    /// hidden only while it shows, and restored only while it is hidden.
    pub fn choices(subject: ReportSubject, status: ReportStatus, listing_hidden: bool) -> Vec<(&'static str, &'static str)> {
        let mut out = vec![];
        if status == ReportStatus::Open {
            out.push(("review", "Take into review"));
        }
        match (subject, listing_hidden) {
            (ReportSubject::Listing, false) => out.push(("hide", "Hide the listing")),
            (ReportSubject::Listing, true) => out.push(("restore", "Restore the listing")),
            _ => {}
        }
        out.push(("warn", "Warn the member"));
        out.push(("suspend", "Suspend the member"));
        out.push(("dismiss", "Dismiss: no action needed"));
        out
    }

    /// The report's status after this action (every action but "review" resolves it).
    pub fn status_after(self) -> ReportStatus {
        match self {
            Moderation::Review => ReportStatus::InReview,
            _ => ReportStatus::Resolved,
        }
    }

    /// What the reporter is told, in general terms: never the details of what was done to
    /// whom.
    pub fn told_to_reporter(self) -> &'static str {
        match self {
            Moderation::Review => "A community builder is looking into your report.",
            Moderation::Dismiss => {
                "A community builder looked into your report and decided no action was needed. Thank you for telling us."
            }
            Moderation::RestoreListing => {
                "A community builder looked into your report and decided the listing can stay. Thank you for telling us."
            }
            _ => "A community builder looked into your report and took action. Thank you for telling us.",
        }
    }

    pub fn audit_action(self) -> AuditAction {
        match self {
            Moderation::Review => AuditAction::ReviewReport,
            Moderation::HideListing => AuditAction::HideListing,
            Moderation::RestoreListing => AuditAction::RestoreListing,
            Moderation::Warn => AuditAction::WarnMember,
            Moderation::Suspend => AuditAction::SuspendMember,
            Moderation::Dismiss => AuditAction::DismissReport,
        }
    }
}

/// A disclosure check, only for roles that need one (never for ordinary peer members).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Disclosure {
    /// Protecting Vulnerable Groups (Scotland).
    Pvg,
    /// Disclosure and Barring Service (England and Wales).
    Dbs,
}

impl Disclosure {
    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::Pvg => "pvg",
            Disclosure::Dbs => "dbs",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pvg" => Some(Disclosure::Pvg),
            "dbs" => Some(Disclosure::Dbs),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Disclosure::Pvg => "PVG check",
            Disclosure::Dbs => "DBS check",
        }
    }
}

/// The vetting checklist for one member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vetting {
    pub met_coordinator: bool,
    pub references_checked: i64,
    pub code_signed: bool,
    pub id_seen: bool,
    pub disclosure: Option<Disclosure>,
    /// ISO date (YYYY-MM-DD) of the disclosure check.
    pub disclosure_date: String,
}

impl Vetting {
    /// What the profile shows, in words.
    pub fn badges(&self) -> Vec<String> {
        let mut out = vec![];
        if self.met_coordinator {
            out.push("Met a coordinator".to_string());
        }
        if self.references_checked > 0 {
            out.push("References checked".to_string());
        }
        if self.code_signed {
            out.push("Signed the code of conduct".to_string());
        }
        if self.id_seen {
            out.push("ID seen".to_string());
        }
        if let Some(d) = self.disclosure {
            out.push(format!("{} done", d.label()));
        }
        out
    }

    /// One line for the audit trail's before and after.
    pub fn summary(&self) -> String {
        format!(
            "met coordinator: {}; references: {}; code signed: {}; ID seen: {}; disclosure: {}",
            yes_no(self.met_coordinator),
            self.references_checked,
            yes_no(self.code_signed),
            yes_no(self.id_seen),
            match self.disclosure {
                Some(d) => format!("{} {}", d.label(), self.disclosure_date),
                None => "none".into(),
            }
        )
    }

    /// Reads the checklist form. A disclosure check needs its date; a date alone is refused.
    pub fn parse(
        met_coordinator: bool,
        references: &str,
        code_signed: bool,
        id_seen: bool,
        disclosure: &str,
        disclosure_date: &str,
        problem: &mut FormProblem,
    ) -> Option<Vetting> {
        let references_checked = match references.trim() {
            "" => Some(0),
            r => match r.parse::<i64>() {
                Ok(n) if (0..=10).contains(&n) => Some(n),
                _ => {
                    problem.push("references", "Write how many references were taken, from 0 to 10.");
                    None
                }
            },
        };
        let kind = match disclosure {
            "" | "none" => Some(None),
            k => match Disclosure::parse(k) {
                Some(d) => Some(Some(d)),
                None => {
                    problem.push("disclosure", "Choose a kind of disclosure check from the list.");
                    None
                }
            },
        };
        let date = disclosure_date.trim();
        let date_ok = date.is_empty() || crate::util::parse_iso_date(date).is_some();
        if !date_ok {
            problem.push("disclosure_date", "Write the date as year-month-day, for example 2026-03-14.");
        }
        match (kind, date.is_empty()) {
            (Some(Some(_)), true) => problem.push("disclosure_date", "Write the date of the disclosure check."),
            (Some(None), false) => problem.push("disclosure", "Choose which disclosure check the date is for, or clear the date."),
            _ => {}
        }
        if !problem.is_empty() {
            return None;
        }
        Some(Vetting {
            met_coordinator,
            references_checked: references_checked?,
            code_signed,
            id_seen,
            disclosure: kind?,
            disclosure_date: date.to_string(),
        })
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// A network's rules, as builders set them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSettings {
    pub requires_approval: bool,
    pub starting_credit_minutes: i64,
    /// "network" or "pool".
    pub starting_credit_source: String,
    pub default_floor_minutes: i64,
    pub default_ceiling_minutes: i64,
    pub auto_confirm_days: i64,
    pub listing_expiry_days: i64,
    /// How many days back members and builders may date the help they record.
    pub record_days_back: i64,
    pub see_other_localities: bool,
    /// People who are not (yet) members may look at open listings (first names only).
    pub visitors_browse: bool,
    /// Referrals: the target for first contact (working days), when the wellbeing
    /// follow-up is due (weeks after joining), and how long personal details of closed
    /// referrals are kept (months).
    pub first_contact_days: i64,
    pub follow_up_weeks: i64,
    pub referral_retention_months: i64,
}

impl NetworkSettings {
    /// One line for the audit trail.
    pub fn summary(&self) -> String {
        format!(
            "approval: {}; starting credit: {} min from the {}; limits: {} to {} min; auto-confirm after {} days; listings last {} days; help dated up to {} days back; other localities visible: {}; visitors may look: {}; first contact within {} working days; follow-up after {} weeks; referral details kept {} months",
            yes_no(self.requires_approval),
            self.starting_credit_minutes,
            self.starting_credit_source,
            self.default_floor_minutes,
            self.default_ceiling_minutes,
            self.auto_confirm_days,
            self.listing_expiry_days,
            self.record_days_back,
            yes_no(self.see_other_localities),
            yes_no(self.visitors_browse),
            self.first_contact_days,
            self.follow_up_weeks,
            self.referral_retention_months
        )
    }

    /// Reads the settings form: whole hours (or halves) for credit and limits, whole days.
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        requires_approval: bool,
        starting_credit_hours: &str,
        starting_credit_source: &str,
        below_zero_hours: &str,
        ceiling_hours: &str,
        auto_confirm_days: &str,
        listing_expiry_days: &str,
        record_days_back: &str,
        see_other_localities: bool,
        visitors_browse: bool,
        referrals: [&str; 3],
        problem: &mut FormProblem,
    ) -> Option<NetworkSettings> {
        let credit = hours_field(problem, "starting_credit", starting_credit_hours, 0, 50 * 60);
        let source = match starting_credit_source {
            "network" | "pool" => Some(starting_credit_source.to_string()),
            _ => {
                problem.push("starting_credit_source", "Choose where the welcome hours come from.");
                None
            }
        };
        let floor = hours_field(problem, "below_zero", below_zero_hours, 0, 100 * 60).map(|m| -m);
        let ceiling = hours_field(problem, "ceiling", ceiling_hours, 60, 1000 * 60);
        let confirm = days_field(problem, "auto_confirm_days", auto_confirm_days, 1, 60);
        let expiry = days_field(problem, "listing_expiry_days", listing_expiry_days, 7, 365);
        let days_back = days_field(problem, "record_days_back", record_days_back, 1, 366);
        let first_contact = count_field(problem, "first_contact_days", referrals[0], 1, 30, "working days");
        let follow_up = count_field(problem, "follow_up_weeks", referrals[1], 4, 52, "weeks");
        let retention = count_field(problem, "referral_retention_months", referrals[2], 6, 120, "months");
        if !problem.is_empty() {
            return None;
        }
        Some(NetworkSettings {
            requires_approval,
            starting_credit_minutes: credit?,
            starting_credit_source: source?,
            default_floor_minutes: floor?,
            default_ceiling_minutes: ceiling?,
            auto_confirm_days: confirm?,
            listing_expiry_days: expiry?,
            record_days_back: days_back?,
            see_other_localities,
            visitors_browse,
            first_contact_days: first_contact?,
            follow_up_weeks: follow_up?,
            referral_retention_months: retention?,
        })
    }
}

/// Hours written as "2", "1.5" or "1,5", to minutes within [min, max].
fn hours_field(problem: &mut FormProblem, name: &str, text: &str, min: i64, max: i64) -> Option<i64> {
    let t = text.trim().replace(',', ".");
    let minutes = t.parse::<f64>().ok().filter(|h| h.is_finite()).map(|h| (h * 60.0).round() as i64);
    match minutes {
        Some(m) if (min..=max).contains(&m) => Some(m),
        _ => {
            problem.push(name, format!("Write a number of hours from {} to {}.", min / 60, max / 60));
            None
        }
    }
}

fn days_field(problem: &mut FormProblem, name: &str, text: &str, min: i64, max: i64) -> Option<i64> {
    count_field(problem, name, text, min, max, "days")
}

fn count_field(problem: &mut FormProblem, name: &str, text: &str, min: i64, max: i64, unit: &str) -> Option<i64> {
    match text.trim().parse::<i64>() {
        Ok(d) if (min..=max).contains(&d) => Some(d),
        _ => {
            problem.push(name, format!("Write a whole number of {unit} from {min} to {max}."));
            None
        }
    }
}

/// Reading a builder's reason, note or message lives with `FormProblem`, below every feature
/// (the exchanges' dispute settling uses it too).
pub use crate::error::read_text;

/// Where a member's request to move to another area stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoveStatus {
    Waiting,
    Moved,
    Declined,
    Withdrawn,
}

impl MoveStatus {
    pub const ALL: [MoveStatus; 4] = [MoveStatus::Waiting, MoveStatus::Moved, MoveStatus::Declined, MoveStatus::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            MoveStatus::Waiting => "waiting",
            MoveStatus::Moved => "moved",
            MoveStatus::Declined => "declined",
            MoveStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// What a member asked for when moving area, checked against the areas of their network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoveAsk {
    pub to_locality_id: String,
    pub reason: String,
}

impl MoveAsk {
    /// `areas` are the network's (id, name); `current` the member's own area. The reason is
    /// optional and short; it is shown to the builders who decide.
    pub fn parse(locality: &str, reason: &str, areas: &[(String, String)], current: &str) -> Result<MoveAsk, FormProblem> {
        let mut problem = FormProblem::new().keep("locality", locality).keep("reason", reason);
        if locality == current {
            problem.push("locality", "That is your area already. Choose the one you are moving to.");
        } else if !areas.iter().any(|(id, _)| id == locality) {
            problem.push("locality", "Choose the area you are moving to.");
        }
        let reason = reason.trim();
        if reason.chars().count() > 500 {
            problem.push("reason", "Keep it to 500 characters or fewer.");
        } else if crate::util::has_control_chars(reason) {
            problem.push("reason", "Please remove the unusual characters.");
        }
        if problem.is_empty() {
            Ok(MoveAsk { to_locality_id: locality.to_string(), reason: reason.to_string() })
        } else {
            Err(problem)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_is_to_another_area_of_the_network() {
        let areas = vec![("a".to_string(), "Airdrie".to_string()), ("c".to_string(), "Coatbridge".to_string())];
        assert_eq!(MoveAsk::parse("c", "  New flat ", &areas, "a"), Ok(MoveAsk { to_locality_id: "c".into(), reason: "New flat".into() }));
        let same = MoveAsk::parse("a", "", &areas, "a").unwrap_err();
        assert!(same.message_for("locality").is_some_and(|m| m.contains("already")));
        assert_eq!(same.value_for("locality").as_deref(), Some("a"));
        assert!(MoveAsk::parse("elsewhere", "", &areas, "a").unwrap_err().message_for("locality").is_some());
        assert!(MoveAsk::parse("", "", &areas, "a").unwrap_err().message_for("locality").is_some());
        let long = "x".repeat(501);
        assert!(MoveAsk::parse("c", &long, &areas, "a").unwrap_err().message_for("reason").is_some());
        for m in MoveStatus::ALL {
            assert_eq!(MoveStatus::parse(m.as_str()), Some(m));
        }
    }

    #[test]
    fn audit_actions_round_trip() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn disclosure_needs_its_date_and_a_date_needs_its_check() {
        let mut p = FormProblem::new();
        assert!(Vetting::parse(true, "2", true, false, "pvg", "", &mut p).is_none());
        assert!(p.message_for("disclosure_date").is_some());
        let mut p = FormProblem::new();
        assert!(Vetting::parse(true, "2", true, false, "", "2026-01-02", &mut p).is_none());
        assert!(p.message_for("disclosure").is_some());
        let mut p = FormProblem::new();
        let v = Vetting::parse(true, "2", false, true, "pvg", "2026-01-02", &mut p).expect("valid");
        assert_eq!(v.badges(), vec!["Met a coordinator", "References checked", "ID seen", "PVG check done"]);
        let mut p = FormProblem::new();
        assert!(Vetting::parse(false, "", false, false, "", "", &mut p).expect("empty is fine").badges().is_empty());
    }

    #[test]
    fn dates_are_real_dates() {
        use crate::util::parse_iso_date;
        assert!(parse_iso_date("2024-02-29").is_some());
        assert!(parse_iso_date("2023-02-29").is_none());
        assert!(parse_iso_date("2023-13-01").is_none());
        assert!(parse_iso_date("23-01-01").is_none());
    }

    #[test]
    fn settings_are_read_in_hours_and_days() {
        let mut p = FormProblem::new();
        let s =
            NetworkSettings::parse(true, "2", "pool", "10", "100", "7", "60", "60", false, true, ["5", "12", "24"], &mut p).expect("valid");
        assert_eq!((s.starting_credit_minutes, s.default_floor_minutes, s.default_ceiling_minutes), (120, -600, 6000));
        let mut p = FormProblem::new();
        assert!(NetworkSettings::parse(true, "-1", "x", "ten", "0", "0", "1000", "0", false, true, ["0", "12", "24"], &mut p).is_none());
        for f in [
            "starting_credit",
            "starting_credit_source",
            "below_zero",
            "ceiling",
            "auto_confirm_days",
            "listing_expiry_days",
            "first_contact_days",
        ] {
            assert!(p.message_for(f).is_some(), "{f}");
        }
    }

    #[test]
    fn only_review_leaves_a_report_unresolved() {
        assert_eq!(Moderation::Review.status_after(), ReportStatus::InReview);
        assert_eq!(Moderation::Dismiss.status_after(), ReportStatus::Resolved);
        assert!(!Moderation::choices(ReportSubject::Profile, ReportStatus::Open, false).iter().any(|(k, _)| *k == "hide"));
    }

    #[test]
    fn a_listing_is_hidden_while_it_shows_and_restored_while_hidden() {
        let keys = |hidden| {
            Moderation::choices(ReportSubject::Listing, ReportStatus::InReview, hidden).into_iter().map(|(k, _)| k).collect::<Vec<_>>()
        };
        assert!(keys(false).contains(&"hide") && !keys(false).contains(&"restore"));
        assert!(keys(true).contains(&"restore") && !keys(true).contains(&"hide"));
    }
}
