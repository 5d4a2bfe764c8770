//! Offers and requests, with no database and no web: what a listing is, how the form is
//! read (parse at the boundary), and how text is turned into search terms.
//!
//! Search is our own small inverted index (`listing_terms`), filled and queried with the
//! same Rust code on SQLite and PostgreSQL, so both engines rank exactly alike: words are
//! lower-cased, stop words dropped, English-stemmed (Snowball), and weighted by where they
//! appear (title 6, tags 3, description 1).

use crate::error::FormProblem;
use crate::ledger::domain::Minutes;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListingKind {
    Offer,
    Request,
}

impl ListingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Offer => "offer",
            ListingKind::Request => "request",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "offer" => Some(ListingKind::Offer),
            "request" => Some(ListingKind::Request),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ListingKind::Offer => "Offer",
            ListingKind::Request => "Request",
        }
    }
}

/// Where the help happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    Home,
    Venue,
    Online,
    Outdoors,
}

impl Place {
    pub const ALL: [Place; 4] = [Place::Home, Place::Venue, Place::Online, Place::Outdoors];
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Home => "home",
            Place::Venue => "venue",
            Place::Online => "online",
            Place::Outdoors => "outdoors",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Place::Home => "At someone's home",
            Place::Venue => "At a venue or community centre",
            Place::Online => "Online or by phone",
            Place::Outdoors => "Out and about: a lift, errands, a walk",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListingStatus {
    Open,
    Paused,
    Closed,
}

impl ListingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::Open => "open",
            ListingStatus::Paused => "paused",
            ListingStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(ListingStatus::Open),
            "paused" => Some(ListingStatus::Paused),
            "closed" => Some(ListingStatus::Closed),
            _ => None,
        }
    }
}

/// Renewing is offered (and allowed) only this close to a listing's end, or after it.
pub const RENEW_WINDOW: i64 = crate::util::WEEK;

/// What an owner can do to their listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListingChange {
    Pause,
    Resume,
    Close,
    Renew,
}

impl ListingChange {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingChange::Pause => "pause",
            ListingChange::Resume => "resume",
            ListingChange::Close => "close",
            ListingChange::Renew => "renew",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ListingChange::Pause, ListingChange::Resume, ListingChange::Close, ListingChange::Renew].into_iter().find(|c| c.as_str() == s)
    }
    /// The status a change leaves the listing in.
    pub fn status(self) -> ListingStatus {
        match self {
            ListingChange::Pause => ListingStatus::Paused,
            ListingChange::Close => ListingStatus::Closed,
            ListingChange::Resume | ListingChange::Renew => ListingStatus::Open,
        }
    }
    /// The button's words for a listing in `status`.
    pub fn label(self, status: ListingStatus) -> &'static str {
        match (self, status) {
            (ListingChange::Renew, ListingStatus::Closed) => "Open it again",
            (ListingChange::Renew, _) => "Renew",
            (ListingChange::Pause, _) => "Pause",
            (ListingChange::Resume, _) => "Resume",
            (ListingChange::Close, _) => "Close listing",
        }
    }
}

/// May a member living in `home` see a listing of their own network in `area`? Their own
/// area's always; other areas' when the network lets its areas see each other's
/// (`networks.see_other_localities`). Browse, suggestions, one listing's page and answering
/// it all keep to this.
pub fn area_visible(home: &str, area: &str, areas_see_each_other: bool) -> bool {
    home == area || areas_see_each_other
}

/// Whether renewing makes sense now: a closed listing opens again; an open or paused one
/// is renewed in its last [`RENEW_WINDOW`] or once it has run out, not when just posted.
pub fn can_renew(status: ListingStatus, expires_at: i64, now: i64) -> bool {
    status == ListingStatus::Closed || expires_at - now <= RENEW_WINDOW
}

/// The changes its owner is offered for a listing, in the order shown.
pub fn owner_changes(status: ListingStatus, expires_at: i64, now: i64) -> Vec<ListingChange> {
    let renew = can_renew(status, expires_at, now).then_some(ListingChange::Renew);
    let expired = expires_at <= now;
    let list: Vec<Option<ListingChange>> = match status {
        ListingStatus::Closed => vec![renew],
        ListingStatus::Open if expired => vec![renew, Some(ListingChange::Close)],
        ListingStatus::Open => vec![Some(ListingChange::Pause), renew, Some(ListingChange::Close)],
        ListingStatus::Paused => vec![Some(ListingChange::Resume), renew, Some(ListingChange::Close)],
    };
    list.into_iter().flatten().collect()
}

/// A listing as typed, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingDraft {
    pub kind: ListingKind,
    pub title: String,
    pub description: String,
    pub category_id: String,
    pub tags: Vec<String>,
    pub locality_id: String,
    pub place: Place,
    pub availability: String,
    pub estimate_minutes: Option<i64>,
}

/// The raw form, as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingForm {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub tags: String,
    pub locality: String,
    pub place: String,
    pub availability: String,
    pub estimate: String,
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl ListingForm {
    /// A problem that keeps every value typed, to show the form again.
    pub fn problem(&self) -> FormProblem {
        FormProblem::new()
            .keep("kind", &self.kind)
            .keep("title", &self.title)
            .keep("description", &self.description)
            .keep("category", &self.category)
            .keep("tags", &self.tags)
            .keep("locality", &self.locality)
            .keep("place", &self.place)
            .keep("availability", &self.availability)
            .keep("estimate", &self.estimate)
    }

    /// Checks everything a person can get wrong; `category_ok`/`locality_ok` say whether the
    /// chosen ids exist (looked up by the caller).
    pub fn parse(&self, category_ok: bool, locality_ok: bool) -> Result<ListingDraft, FormProblem> {
        let mut p = self.problem();
        for (name, text) in
            [("title", &self.title), ("description", &self.description), ("tags", &self.tags), ("availability", &self.availability)]
        {
            if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
                p.push(name, "Please use ordinary letters, numbers and punctuation.");
            }
        }
        let kind = ListingKind::parse(&self.kind);
        if kind.is_none() {
            p.push("kind", "Choose whether you are offering help or asking for it.");
        }
        let title = clean(&self.title);
        match title.chars().count() {
            0 => p.push("title", "Give it a short title, like \"Help with gardening\"."),
            1..=3 => p.push("title", "The title is too short. Say what the help is in a few words."),
            81.. => p.push("title", "Keep the title under 80 characters. Put the detail in the description."),
            _ => {}
        }
        let description = self.description.trim().to_string();
        match description.chars().count() {
            0..=9 => p.push("description", "Describe it in a sentence or two, so people know what to expect."),
            2001.. => p.push("description", "Keep the description under 2,000 characters."),
            _ => {}
        }
        if self.category.is_empty() || !category_ok {
            p.push("category", "Choose the kind of help from the list.");
        }
        let tags: Vec<String> = self.tags.split(',').map(|t| clean(t).to_lowercase()).filter(|t| !t.is_empty()).collect();
        if tags.len() > 5 || tags.iter().any(|t| t.chars().count() > 30) {
            p.push("tags", "Use up to 5 tags, separated by commas, each under 30 characters.");
        }
        if self.locality.is_empty() || !locality_ok {
            p.push("locality", "Choose the area.");
        }
        let place = Place::parse(&self.place);
        if place.is_none() {
            p.push("place", "Choose where the help would happen.");
        }
        let availability = clean(&self.availability);
        if availability.chars().count() > 200 {
            p.push("availability", "Keep this under 200 characters.");
        }
        let estimate = if self.estimate.trim().is_empty() {
            None
        } else {
            match Minutes::parse(&self.estimate) {
                Ok(m) => Some(m.0),
                Err(e) => {
                    p.push("estimate", e);
                    None
                }
            }
        };
        if !p.fields.is_empty() {
            return Err(p.into_result().err().and_then(|e| e.problem().cloned()).unwrap_or_default());
        }
        Ok(ListingDraft {
            kind: kind.unwrap_or(ListingKind::Offer),
            title,
            description,
            category_id: self.category.clone(),
            tags,
            locality_id: self.locality.clone(),
            place: place.unwrap_or(Place::Home),
            availability,
            estimate_minutes: estimate,
        })
    }
}

#[cfg(feature = "ssr")]
const STOP_WORDS: [&str; 40] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "for", "from", "have", "i", "if", "in", "into", "is", "it", "me", "my",
    "of", "on", "or", "our", "so", "some", "that", "the", "their", "them", "this", "to", "was", "we", "will", "with", "you", "your", "am",
];

/// Search terms of a text: lower-cased words, no stop words, stemmed.
#[cfg(feature = "ssr")]
pub fn terms(text: &str) -> Vec<String> {
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stemmer.stem(&w).into_owned())
        .filter(|w| !w.is_empty() && w.chars().count() <= 40)
        .collect()
}

/// The index rows of a listing: each term once, with the summed weight of where it appears.
#[cfg(feature = "ssr")]
pub fn index_terms(title: &str, tags: &[String], description: &str, category: &str) -> Vec<(String, i64)> {
    let mut weights: std::collections::BTreeMap<String, i64> = Default::default();
    for (text, weight) in [(title, 6), (&tags.join(" ")[..], 3), (category, 3), (description, 1)] {
        for t in terms(text) {
            let w = weights.entry(t).or_insert(0);
            *w = (*w + weight).min(20);
        }
    }
    weights.into_iter().collect()
}

/// The range of index terms a query word matches: itself and longer words it begins
/// (typing "gard" finds "garden"), as `[from, to)` for an index range scan.
pub fn prefix_range(term: &str) -> (String, String) {
    let mut to: Vec<char> = term.chars().collect();
    if let Some(last) = to.last_mut() {
        *last = char::from_u32(*last as u32 + 1).unwrap_or(char::MAX);
    }
    (term.to_string(), to.into_iter().collect())
}

/// What a listing is, in a suggestion's reason: "offers Gardening", "asks for Reading".
pub fn offers_or_asks(kind: ListingKind, category: &str) -> String {
    match kind {
        ListingKind::Offer => format!("offers {category}"),
        ListingKind::Request => format!("asks for {category}"),
    }
}

/// Who is looking at a network's listings, as the server decided from the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Looker {
    /// An active member of the network: everything members see.
    Member,
    /// Someone looking before joining (`waiting`: a member not yet approved), where the
    /// network lets visitors look: open listings, with first names only.
    Visitor { waiting: bool },
}

impl Looker {
    pub fn is_visitor(self) -> bool {
        matches!(self, Looker::Visitor { .. })
    }
}

/// Words before a first name that are not the name itself.
const TITLES: [&str; 10] = ["dr", "mr", "mrs", "ms", "miss", "mx", "rev", "prof", "sir", "dame"];

/// The name a visitor sees for a member: the first name only, never a surname (a title
/// such as "Dr" is passed over; a name that is only a title shows as it is).
pub fn visitor_name(display_name: &str) -> String {
    let mut words = display_name.split_whitespace();
    let first = words.next().unwrap_or("");
    let is_title = |w: &str| TITLES.contains(&w.trim_end_matches('.').to_lowercase().as_str());
    if is_title(first) {
        if let Some(next) = words.next() {
            return next.to_string();
        }
    }
    first.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn visitors_see_first_names_only() {
        use super::visitor_name;
        assert_eq!(visitor_name("Agnes Murray"), "Agnes");
        assert_eq!(visitor_name("  Tam   Reid "), "Tam");
        assert_eq!(visitor_name("Dr. Aileen Scott"), "Aileen");
        assert_eq!(visitor_name("Mrs Jean McAllister-Brown"), "Jean");
        assert_eq!(visitor_name("Priya"), "Priya");
        assert_eq!(visitor_name("Dr"), "Dr");
        assert_eq!(visitor_name(""), "");
    }

    #[test]
    fn renewing_is_offered_only_near_the_end_or_after_it() {
        use super::{owner_changes, ListingChange::*, ListingStatus, RENEW_WINDOW};
        let now = 1_000_000_000;
        let fresh = now + 30 * crate::util::DAY;
        assert_eq!(owner_changes(ListingStatus::Open, fresh, now), vec![Pause, Close], "just posted: no renew");
        assert_eq!(owner_changes(ListingStatus::Paused, fresh, now), vec![Resume, Close]);
        assert_eq!(owner_changes(ListingStatus::Open, now + RENEW_WINDOW, now), vec![Pause, Renew, Close]);
        assert_eq!(owner_changes(ListingStatus::Open, now + RENEW_WINDOW + 1, now), vec![Pause, Close]);
        assert_eq!(owner_changes(ListingStatus::Open, now, now), vec![Renew, Close], "run out");
        assert_eq!(owner_changes(ListingStatus::Closed, fresh, now), vec![Renew], "closed: open it again");
        assert_eq!(Renew.label(ListingStatus::Closed), "Open it again");
    }

    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn terms_are_stemmed_and_stop_words_dropped() {
        assert_eq!(terms("Help with the Gardening!"), vec!["help", "garden"]);
        assert_eq!(terms("gardens"), vec!["garden"]);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn title_words_weigh_more_than_description_words() {
        let t = index_terms("Gardening", &[], "I can also do some baking", "Gardening");
        let w = |k: &str| t.iter().find(|(x, _)| x == k).map(|(_, w)| *w).unwrap_or(0);
        assert!(w("garden") > w("bake"));
    }

    #[test]
    fn prefix_range_covers_longer_words() {
        let (from, to) = prefix_range("gard");
        assert!("garden" >= from.as_str() && "garden" < to.as_str());
        assert!("gare" >= to.as_str());
    }

    #[test]
    fn the_form_is_checked_and_keeps_what_was_typed() {
        let f = ListingForm { title: "x".into(), description: "short".into(), ..Default::default() };
        let p = f.parse(false, false).unwrap_err();
        assert!(p.message_for("title").is_some());
        assert!(p.message_for("kind").is_some());
        assert_eq!(p.value_for("title").as_deref(), Some("x"));
        let ok = ListingForm {
            kind: "offer".into(),
            title: "  Help with   gardening ".into(),
            description: "Weeding, mowing and planting.".into(),
            category: "gardening".into(),
            tags: "Weeding, lawns".into(),
            locality: "l".into(),
            place: "outdoors".into(),
            availability: "Weekday mornings".into(),
            estimate: "2 h".into(),
        };
        let d = ok.parse(true, true).unwrap();
        assert_eq!(d.title, "Help with gardening");
        assert_eq!(d.tags, vec!["weeding", "lawns"]);
        assert_eq!(d.estimate_minutes, Some(120));
    }
}
