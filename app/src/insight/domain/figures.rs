//! The raw figures of a period as read from the database (`Figures`), the part of them a
//! page is about (`Focus`), the words for kinds and statuses, and the few statistics the
//! tables use.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// "Active" means an exchange in the 90 days up to the end of the period.
pub const ACTIVE_DAYS: i64 = 90;
/// A request nobody answered within this many days counts as unanswered.
pub const UNANSWERED_DAYS: i64 = 30;
/// The transfer kinds that are help given: between members, and to an organisation.
pub const HELP_KINDS: [&str; 2] = ["exchange", "organisation"];

// ---------------------------------------------------------------------------------------
// Statistics

/// The middle value (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 })
}

/// Per 1,000 residents, when the population is known.
pub fn per_thousand(count: u64, population: Option<i64>) -> Option<f64> {
    population.filter(|p| *p > 0).map(|p| count as f64 * 1000.0 / p as f64)
}

/// A share in per cent, when there is a whole.
pub fn share(part: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| part as f64 * 100.0 / of as f64)
}

// ---------------------------------------------------------------------------------------
// Raw figures, as read from the database

/// A locality and its population, as set by the network.
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

/// A locality's members and requests in the period.
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

/// One referral made in the period.
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

/// Everything the dashboard is built from, for one network or organisation and period.
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

impl Focus {
    /// Whether figures counted in `locality` belong to this focus.
    pub fn includes(&self, locality: &str) -> bool {
        match self {
            Focus::Locality(l) => l == locality,
            _ => true,
        }
    }
}

/// The wellbeing table's rows, in the order of [`OutcomeChange::change`].
pub const WELLBEING_MEASURES: [&str; 5] = [
    "Life satisfaction (0–10, higher is better)",
    "Feeling that life is worthwhile (0–10, higher is better)",
    "Happiness yesterday (0–10, higher is better)",
    "Anxiety yesterday (0–10, lower is better)",
    "Loneliness, UCLA-3 (3–9, lower is better)",
];

/// A transfer kind in words.
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

/// A referral status in words.
pub fn status_label(status: &str) -> &'static str {
    crate::referrals::domain::Status::parse(status).map(|s| s.label()).unwrap_or("Other")
}
