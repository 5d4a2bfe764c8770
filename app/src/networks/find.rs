//! Finding a member by typing part of their name, email or phone number (pure).
//!
//! Builders pick members in many forms (recording hours, organisation accounts, a referred
//! person's first exchange). A drop-down of the whole network does not cope with thousands,
//! so each of those fields is a text box: the server reads what was typed with
//! [`MemberSearch::parse`], looks it up in the builder's scope (`store::find_members`) and
//! [`settle`] decides whether that names one member, none, or several to choose from.

use serde::{Deserialize, Serialize};

/// The most words of a name looked for at once; the most characters read.
const MAX_WORDS: usize = 5;
const MAX_CHARS: usize = 100;
/// A phone number is looked for once this many digits are typed.
const MIN_PHONE_DIGITS: usize = 4;

/// What was typed to find a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSearch {
    /// Lower-cased words, each of which must be in the name or the email.
    pub words: Vec<String>,
    /// The digits of a phone number (UK numbers in their national form, "07…").
    pub phone: Option<String>,
    /// An area named in brackets after the name, as the suggestions write it:
    /// "Agnes Murray (Coatbridge)".
    pub area: Option<String>,
    /// The whole text, trimmed: a member's id is taken as it is.
    pub exact: String,
}

impl MemberSearch {
    /// `None` when there is nothing to look for (fewer than two letters or digits).
    pub fn parse(typed: &str) -> Option<Self> {
        let exact: String = typed.trim().chars().take(MAX_CHARS).collect();
        if exact.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            return None;
        }
        let (name_part, area) = match (exact.rfind(" ("), exact.ends_with(')')) {
            (Some(open), true) => {
                let area = exact[open + 2..exact.len() - 1].trim().to_lowercase();
                (exact[..open].to_string(), (!area.is_empty()).then_some(area))
            }
            _ => (exact.clone(), None),
        };
        let looks_like_phone = name_part.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
        let digits = phone_digits(&name_part);
        let phone = (looks_like_phone && digits.len() >= MIN_PHONE_DIGITS).then_some(digits);
        let words = if phone.is_some() {
            vec![]
        } else {
            name_part.split_whitespace().take(MAX_WORDS).map(|w| w.to_lowercase()).filter(|w| !w.is_empty()).collect()
        };
        Some(MemberSearch { words, phone, area, exact })
    }

    /// A search for one member by their id (one chosen from suggestions or choices).
    pub fn by_id(id: &str) -> Self {
        MemberSearch { words: vec![], phone: None, area: None, exact: id.to_string() }
    }
}

/// The digits of a phone number, with a UK international prefix written the national way
/// (`+44 7700 900123` and `07700 900123` are the same number).
pub fn phone_digits(s: &str) -> String {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if let Some(rest) = digits.strip_prefix("0044").or_else(|| digits.strip_prefix("44").filter(|_| s.trim_start().starts_with('+'))) {
        if rest.starts_with('0') {
            rest.to_string()
        } else {
            format!("0{rest}")
        }
    } else {
        digits
    }
}

/// Whether a phone number, as typed, looks like one: 7 to 15 digits, with only spaces,
/// `+`, brackets and dashes between them. The one rule for every form that takes a number.
pub fn is_phone_number(s: &str) -> bool {
    let s = s.trim();
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    (7..=15).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
}

/// `%word%` for SQL `LIKE … ESCAPE '\'`, with the word's own `%`, `_` and `\` taken literally.
pub fn contains_pattern(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One member a search found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberHit {
    pub user_id: String,
    pub display_name: String,
    pub locality_name: String,
    /// Shown to builders to tell two people of the same name apart; `None` for others.
    pub email: Option<String>,
}

impl MemberHit {
    /// "Agnes Murray (Coatbridge)": what a suggestion fills in, and what [`MemberSearch::parse`] reads back.
    pub fn label(&self) -> String {
        format!("{} ({})", self.display_name, self.locality_name)
    }
    /// The label with the email, to choose between people of the same name.
    pub fn long_label(&self) -> String {
        match &self.email {
            Some(e) if !e.is_empty() => format!("{} · {e}", self.label()),
            _ => self.label(),
        }
    }
}

/// What a search came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    One(MemberHit),
    None,
    /// Several match; `more` when there were more than those listed.
    Several {
        hits: Vec<MemberHit>,
        more: bool,
    },
}

/// The most people offered to choose from; more than this asks for more of the name.
pub const MOST_CHOICES: usize = 8;

/// Decides what the hits of a search (at most [`MOST_CHOICES`] + 1) mean: a member's id,
/// or a name or label matched exactly, settles it even when other names contain it.
pub fn settle(search: &MemberSearch, mut hits: Vec<MemberHit>) -> Found {
    let mut seen = std::collections::HashSet::new();
    hits.retain(|h| seen.insert(h.user_id.clone()));
    if let Some(h) = hits.iter().find(|h| h.user_id == search.exact) {
        return Found::One(h.clone());
    }
    let typed = search.exact.to_lowercase();
    let exact: Vec<&MemberHit> =
        hits.iter().filter(|h| h.label().to_lowercase() == typed || h.display_name.to_lowercase() == typed).collect();
    if exact.len() == 1 {
        return Found::One(exact[0].clone());
    }
    match hits.len() {
        0 => Found::None,
        1 => Found::One(hits.remove(0)),
        n => {
            let more = n > MOST_CHOICES;
            hits.truncate(MOST_CHOICES);
            Found::Several { hits, more }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: &str, name: &str, area: &str) -> MemberHit {
        MemberHit { user_id: id.into(), display_name: name.into(), locality_name: area.into(), email: None }
    }

    #[test]
    fn names_emails_and_phone_numbers_are_read_apart() {
        let s = MemberSearch::parse("  Ann  Gall ").unwrap();
        assert_eq!(s.words, vec!["ann", "gall"]);
        assert_eq!((s.phone, s.area), (None, None));
        let s = MemberSearch::parse("agnes.murray@demo").unwrap();
        assert_eq!(s.words, vec!["agnes.murray@demo"]);
        let s = MemberSearch::parse("+44 7700 900123").unwrap();
        assert_eq!((s.words.len(), s.phone.as_deref()), (0, Some("07700900123")));
        let s = MemberSearch::parse("0770").unwrap();
        assert_eq!(s.phone.as_deref(), Some("0770"));
        // Too short to be a phone number: looked for as text.
        assert_eq!(MemberSearch::parse("12").unwrap().phone, None);
        let s = MemberSearch::parse("Agnes Murray (Coatbridge)").unwrap();
        assert_eq!((s.words, s.area.as_deref()), (vec!["agnes".to_string(), "murray".to_string()], Some("coatbridge")));
        assert_eq!(MemberSearch::parse(" a "), None);
        assert_eq!(MemberSearch::parse("%%"), None);
        assert_eq!(MemberSearch::parse(&"word ".repeat(50)).unwrap().words.len(), MAX_WORDS);
    }

    #[test]
    fn phone_numbers_compare_in_their_national_form() {
        assert_eq!(phone_digits("+44 (0)7700-900123"), "07700900123");
        assert_eq!(phone_digits("0044 7700 900123"), "07700900123");
        assert_eq!(phone_digits("07700 900123"), "07700900123");
        assert_eq!(phone_digits("44 123"), "44123");
    }

    #[test]
    fn a_phone_number_has_7_to_15_digits_and_nothing_else() {
        assert!(is_phone_number("01236 555 012") && is_phone_number("+44 (0)7700-900123"));
        assert!(!is_phone_number("555 01") && !is_phone_number("0123 456 789 012 345") && !is_phone_number("01236 555 O12"));
    }

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("ann"), "%ann%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn an_exact_name_settles_a_search_that_finds_several() {
        let s = MemberSearch::parse("Ann Reid").unwrap();
        let found = settle(&s, vec![hit("1", "Ann Reid", "Airdrie"), hit("2", "Ann Reidford", "Wishaw")]);
        assert_eq!(found, Found::One(hit("1", "Ann Reid", "Airdrie")));
        // Two people of the same name: the area tells them apart, as the suggestions write it.
        let two = vec![hit("1", "Ann Reid", "Airdrie"), hit("2", "Ann Reid", "Wishaw")];
        assert!(matches!(settle(&s, two.clone()), Found::Several { ref hits, more: false } if hits.len() == 2));
        let s = MemberSearch::parse("ann reid (wishaw)").unwrap();
        assert_eq!(settle(&s, two), Found::One(hit("2", "Ann Reid", "Wishaw")));
    }

    #[test]
    fn ids_none_and_too_many() {
        let s = MemberSearch::parse("u-2").unwrap();
        assert_eq!(settle(&s, vec![hit("u-1", "A", "X"), hit("u-2", "B", "X")]), Found::One(hit("u-2", "B", "X")));
        assert_eq!(settle(&MemberSearch::parse("zz").unwrap(), vec![]), Found::None);
        let many: Vec<MemberHit> = (0..=MOST_CHOICES).map(|i| hit(&i.to_string(), &format!("Ann {i}"), "X")).collect();
        match settle(&MemberSearch::parse("ann").unwrap(), many) {
            Found::Several { hits, more } => assert!(more && hits.len() == MOST_CHOICES),
            other => panic!("{other:?}"),
        }
        // The same member twice (two scopes) is one.
        assert!(matches!(settle(&MemberSearch::parse("ann").unwrap(), vec![hit("1", "Ann", "X"), hit("1", "Ann", "X")]), Found::One(_)));
    }
}
