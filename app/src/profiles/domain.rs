//! Profiles' rules, pure: who may see a member's profile (and so their photo), and what can
//! be wrong with a photo someone sends. No web, no database.

use crate::networks::domain::{require_builder_for, MembershipStatus, Viewer};

/// Whether `viewer` may see the profile of a member whose (first) membership is in
/// `network`/`locality` with `status`: the member themself, the builders whose scope reaches
/// them, and the network's active members when the member is active too.
pub fn may_see_profile(viewer: &Viewer, owner_id: &str, network: &str, locality: &str, status: MembershipStatus) -> bool {
    if viewer.user_id == owner_id || require_builder_for(viewer, network, locality).is_ok() {
        return true;
    }
    let viewer_active_here = viewer.membership.as_ref().is_some_and(|m| m.network_id == network && m.status == MembershipStatus::Active);
    viewer_active_here && status == MembershipStatus::Active
}

/// Why a photo was not taken, as a short code for the page's address and a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    /// No file was chosen.
    Empty,
    /// More bytes than [`MAX_PHOTO_BYTES`].
    TooBig,
    /// Not a JPEG, PNG, WebP or GIF picture (judged by its contents, not its name).
    NotAPicture,
    /// A picture file that could not be read (cut short, damaged), or with more pixels than
    /// a phone's camera makes.
    Unreadable,
}

/// The largest photo accepted, in bytes (a phone camera's photo is 2 to 8 MB).
pub const MAX_PHOTO_BYTES: usize = 12 * 1024 * 1024;

/// The side of the square photo kept, in pixels (shown at up to 160 CSS pixels, sharp on
/// a phone's screen).
pub const PHOTO_SIDE: u32 = 320;

impl PhotoProblem {
    pub const ALL: [PhotoProblem; 4] = [PhotoProblem::Empty, PhotoProblem::TooBig, PhotoProblem::NotAPicture, PhotoProblem::Unreadable];
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoProblem::Empty => "empty",
            PhotoProblem::TooBig => "too-big",
            PhotoProblem::NotAPicture => "not-a-picture",
            PhotoProblem::Unreadable => "unreadable",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn message(self) -> &'static str {
        match self {
            PhotoProblem::Empty => "Choose a photo first.",
            PhotoProblem::TooBig => "That photo is too big. Choose one under 12 MB.",
            PhotoProblem::NotAPicture => "That file is not a photo. Choose a JPEG, PNG, WebP or GIF picture.",
            PhotoProblem::Unreadable => "We could not read that photo. Try another one, or take a new one.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::networks::domain::{BuilderScope, Membership};

    fn member(id: &str, network: &str, status: MembershipStatus) -> Viewer {
        Viewer {
            user_id: id.into(),
            membership: Some(Membership {
                network_id: network.into(),
                network_name: String::new(),
                locality_id: "a".into(),
                locality_name: String::new(),
                status,
                browse_version: None,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_profile_is_for_the_member_their_builders_and_active_neighbours() {
        let active = MembershipStatus::Active;
        assert!(may_see_profile(&member("me", "n", MembershipStatus::Pending), "me", "n", "a", MembershipStatus::Pending));
        assert!(may_see_profile(&member("v", "n", active), "me", "n", "a", active));
        assert!(!may_see_profile(&member("v", "n", active), "me", "n", "a", MembershipStatus::Suspended));
        assert!(!may_see_profile(&member("v", "n", MembershipStatus::Pending), "me", "n", "a", active));
        assert!(!may_see_profile(&member("v", "other", active), "me", "n", "a", active));
        let mut builder = member("b", "other", active);
        builder.builder_of = vec![BuilderScope { network_id: "n".into(), locality_id: Some("a".into()), label: String::new() }];
        assert!(may_see_profile(&builder, "me", "n", "a", MembershipStatus::Suspended));
        assert!(!may_see_profile(&builder, "me", "n", "b", active));
        assert!(!may_see_profile(&Viewer::default(), "me", "n", "a", active));
    }

    #[test]
    fn photo_problems_round_trip_through_the_address() {
        for p in PhotoProblem::ALL {
            assert_eq!(PhotoProblem::parse(p.as_str()), Some(p));
        }
        assert_eq!(PhotoProblem::parse("any-other-text"), None);
    }
}
