//! Exchanges: two members agreeing that one helps the other, then recording the hours.
//! The rules of who may move an exchange from one state to the next live here, pure.
//!
//! ```text
//! requested ─accept (owner)──▶ accepted ─record (either)──▶ recorded ─confirm (the other)──▶ confirmed
//!     │ decline (owner)            │ cancel (either)             └─dispute (the other)──▶ disputed
//!     └ cancel (either)            ▼                                (a community builder settles it)
//!                              cancelled
//! ```
//! Confirming posts exactly one ledger transfer (its id is fixed by the exchange), from the
//! person helped to the helper.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExchangeStatus {
    Requested,
    Accepted,
    Declined,
    Cancelled,
    Recorded,
    Confirmed,
    Disputed,
}

impl ExchangeStatus {
    pub const ALL: [ExchangeStatus; 7] = [
        ExchangeStatus::Requested,
        ExchangeStatus::Accepted,
        ExchangeStatus::Declined,
        ExchangeStatus::Cancelled,
        ExchangeStatus::Recorded,
        ExchangeStatus::Confirmed,
        ExchangeStatus::Disputed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeStatus::Requested => "requested",
            ExchangeStatus::Accepted => "accepted",
            ExchangeStatus::Declined => "declined",
            ExchangeStatus::Cancelled => "cancelled",
            ExchangeStatus::Recorded => "recorded",
            ExchangeStatus::Confirmed => "confirmed",
            ExchangeStatus::Disputed => "disputed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ExchangeStatus::Requested => "Waiting for an answer",
            ExchangeStatus::Accepted => "Agreed",
            ExchangeStatus::Declined => "Declined",
            ExchangeStatus::Cancelled => "Cancelled",
            ExchangeStatus::Recorded => "Hours recorded, waiting for confirmation",
            ExchangeStatus::Confirmed => "Done: hours moved",
            ExchangeStatus::Disputed => "Disputed: with a community builder",
        }
    }
}

/// Something a participant asks to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Accept,
    Decline,
    Cancel,
    Record,
    Confirm,
    Dispute,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Decline => "decline",
            Step::Cancel => "cancel",
            Step::Record => "record",
            Step::Confirm => "confirm",
            Step::Dispute => "dispute",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Step::Accept, Step::Decline, Step::Cancel, Step::Record, Step::Confirm, Step::Dispute].into_iter().find(|x| x.as_str() == s)
    }
}

/// Who is asking, relative to the exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sides {
    /// The listing's owner (who answers the request).
    pub is_owner: bool,
    /// Who recorded the hours, if they were recorded by this person.
    pub recorded_by_me: bool,
}

/// The state after `step`, or why it is not allowed. Only the two participants ask.
pub fn next(status: ExchangeStatus, step: Step, sides: Sides) -> Result<ExchangeStatus, &'static str> {
    use ExchangeStatus::*;
    match (status, step) {
        (Requested, Step::Accept) if sides.is_owner => Ok(Accepted),
        (Requested, Step::Decline) if sides.is_owner => Ok(Declined),
        (Requested, Step::Accept | Step::Decline) => Err("Only the person who posted the listing can answer."),
        (Requested | Accepted, Step::Cancel) => Ok(Cancelled),
        (Accepted, Step::Record) => Ok(Recorded),
        (Recorded, Step::Confirm) if !sides.recorded_by_me => Ok(Confirmed),
        (Recorded, Step::Dispute) if !sides.recorded_by_me => Ok(Disputed),
        (Recorded, Step::Confirm | Step::Dispute) => Err("The other person confirms the hours you recorded."),
        (Confirmed, Step::Confirm) if !sides.recorded_by_me => Ok(Confirmed),
        _ => Err("That cannot be done at this stage of the exchange."),
    }
}

/// Whose move an exchange waits for, seen from one participant's side. This is the one
/// statement of the rule: the exchange page's words, Home's "Waiting for you" and the
/// store's `waiting_for` query (checked against this in the tests) all follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// This person must answer (the listing's owner) or confirm (hours the other recorded).
    Mine,
    /// The other participant must answer or confirm.
    Theirs,
    /// Agreed: either may record the hours once the help has happened.
    Either,
    /// A community builder is settling a dispute.
    Builder,
    /// Finished: confirmed, declined or cancelled.
    Nobody,
}

pub fn whose_move(status: ExchangeStatus, sides: Sides) -> Turn {
    use ExchangeStatus::*;
    match status {
        Requested if sides.is_owner => Turn::Mine,
        Requested => Turn::Theirs,
        Accepted => Turn::Either,
        Recorded if sides.recorded_by_me => Turn::Theirs,
        Recorded => Turn::Mine,
        Disputed => Turn::Builder,
        Confirmed | Declined | Cancelled => Turn::Nobody,
    }
}

/// The steps a participant may take now, in the order the page offers them: (step, button
/// label). Nothing but recording is offered once the hours are confirmed.
pub fn available_steps(status: ExchangeStatus, sides: Sides) -> Vec<(&'static str, &'static str)> {
    let mut steps = vec![];
    for (step, label) in [
        (Step::Accept, "Accept"),
        (Step::Decline, "Decline"),
        (Step::Confirm, "Confirm the hours"),
        (Step::Dispute, "Something is wrong"),
        (Step::Cancel, "Cancel the exchange"),
    ] {
        if status != ExchangeStatus::Confirmed && next(status, step, sides).is_ok() {
            steps.push((step.as_str(), label));
        }
    }
    if next(status, Step::Record, sides).is_ok() {
        steps.push((Step::Record.as_str(), "Record the hours"));
    }
    steps
}

/// What an exchange message is: written words, or contact details one participant chose to
/// share (seen by the two of them only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Message,
    Contact,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Message => "message",
            MessageKind::Contact => "contact",
        }
    }
    /// Anything but `contact` is an ordinary message.
    pub fn parse(s: &str) -> Self {
        if s == "contact" {
            MessageKind::Contact
        } else {
            MessageKind::Message
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExchangeStatus::*;

    const OWNER: Sides = Sides { is_owner: true, recorded_by_me: false };
    const ASKER: Sides = Sides { is_owner: false, recorded_by_me: false };
    const RECORDER: Sides = Sides { is_owner: false, recorded_by_me: true };

    #[test]
    fn the_happy_path() {
        assert_eq!(next(Requested, Step::Accept, OWNER), Ok(Accepted));
        assert_eq!(next(Accepted, Step::Record, ASKER), Ok(Recorded));
        assert_eq!(next(Recorded, Step::Confirm, OWNER), Ok(Confirmed));
    }

    #[test]
    fn moves_that_are_refused() {
        assert!(next(Requested, Step::Accept, ASKER).is_err(), "only the owner answers");
        assert!(next(Requested, Step::Record, OWNER).is_err(), "nothing to record before agreeing");
        assert!(next(Recorded, Step::Confirm, RECORDER).is_err(), "nobody confirms their own record");
        assert!(next(Confirmed, Step::Cancel, OWNER).is_err());
        assert!(next(Declined, Step::Accept, OWNER).is_err());
        assert!(next(Disputed, Step::Confirm, OWNER).is_err());
    }

    /// It is my move exactly when I can take a step that moves the exchange on and that only
    /// one side may take (answer, confirm).
    #[test]
    fn whose_move_agrees_with_the_steps() {
        let only_one_side = [Step::Accept, Step::Confirm];
        for status in ExchangeStatus::ALL {
            for sides in [OWNER, ASKER, RECORDER] {
                let can = |who: Sides| status != Confirmed && only_one_side.iter().any(|step| next(status, *step, who).is_ok());
                assert_eq!(whose_move(status, sides) == Turn::Mine, can(sides), "{status:?} {sides:?}");
            }
        }
        assert_eq!(whose_move(Recorded, Sides { is_owner: true, recorded_by_me: true }), Turn::Theirs);
        assert_eq!(whose_move(Accepted, OWNER), Turn::Either);
        assert_eq!(whose_move(Disputed, ASKER), Turn::Builder);
    }

    #[test]
    fn every_state_and_step_has_an_answer() {
        for s in ExchangeStatus::ALL {
            for step in [Step::Accept, Step::Decline, Step::Cancel, Step::Record, Step::Confirm, Step::Dispute] {
                for sides in [OWNER, ASKER, RECORDER] {
                    let _ = next(s, step, sides);
                }
            }
        }
    }
}
