//! Onward referral's rules: where one stands, and how wellbeing changed for the closing
//! summary (pure).

use super::Wellbeing;
use serde::{Deserialize, Serialize};

/// Where an onward referral to an organisation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Onward {
    Waiting,
    Accepted,
    Declined,
    Withdrawn,
}

impl Onward {
    pub const ALL: [Onward; 4] = [Onward::Waiting, Onward::Accepted, Onward::Declined, Onward::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            Onward::Waiting => "waiting",
            Onward::Accepted => "accepted",
            Onward::Declined => "declined",
            Onward::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Onward> {
        Onward::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Onward::Waiting => "Waiting for their answer",
            Onward::Accepted => "Accepted",
            Onward::Declined => "Declined",
            Onward::Withdrawn => "Withdrawn",
        }
    }
}

/// One wellbeing scale at joining and at the follow-up, for the closing summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreChange {
    /// "Life satisfaction (0 to 10, higher is better)".
    pub scale: String,
    pub before: i64,
    pub after: i64,
}

/// How the answers changed between two sets: the four ONS questions and the loneliness total.
pub fn wellbeing_change(before: &Wellbeing, after: &Wellbeing) -> Vec<ScoreChange> {
    let ten = |name: &str, better: &str| format!("{name} (0 to 10, {better} is better)");
    vec![
        ScoreChange { scale: ten("Life satisfaction", "higher"), before: before.life_satisfaction, after: after.life_satisfaction },
        ScoreChange { scale: ten("Feeling things are worthwhile", "higher"), before: before.worthwhile, after: after.worthwhile },
        ScoreChange { scale: ten("Happiness", "higher"), before: before.happiness, after: after.happiness },
        ScoreChange { scale: ten("Anxiety", "lower"), before: before.anxiety, after: after.anxiety },
        ScoreChange { scale: "Loneliness (3 to 9, lower is better)".into(), before: before.loneliness(), after: after.loneliness() },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onward_statuses_read_back() {
        for o in Onward::ALL {
            assert_eq!(Onward::parse(o.as_str()), Some(o));
        }
        assert_eq!(Onward::parse("sent"), None);
    }

    #[test]
    fn wellbeing_change_reads_loneliness_as_the_total() {
        let before =
            Wellbeing { life_satisfaction: 3, worthwhile: 4, happiness: 5, anxiety: 8, lack_companionship: 3, left_out: 3, isolated: 2 };
        let after =
            Wellbeing { life_satisfaction: 7, worthwhile: 7, happiness: 6, anxiety: 4, lack_companionship: 2, left_out: 1, isolated: 1 };
        let c = wellbeing_change(&before, &after);
        assert_eq!((c[0].before, c[0].after), (3, 7));
        assert_eq!((c[3].before, c[3].after), (8, 4));
        assert_eq!((c[4].scale.as_str(), c[4].before, c[4].after), ("Loneliness (3 to 9, lower is better)", 8, 4));
    }
}
