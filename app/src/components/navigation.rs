//! Where each kind of user can go from any page: the few places they use most in the tab
//! bar (one tap away), everything else in the menu, grouped, with staff tools behind it.
//!
//! Pure: decided from the [`Viewer`] alone, so the rules are tested here and the header only
//! draws them. Words live in [`Place::label`] and [`Group::label`], one place to translate.

use crate::networks::domain::{Role, Viewer};

/// A page the navigation can lead to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Home,
    Browse,
    WhatsOn,
    Exchanges,
    Hours,
    MyListings,
    Notifications,
    Account,
    TwoStep,
    Desk,
    Members,
    CommunityHours,
    Referrals,
    NewReferral,
    Insight,
    Professionals,
    ReferralLog,
    Networks,
    Emails,
    Security,
}

impl Place {
    pub fn href(self) -> &'static str {
        match self {
            Place::Home => "/home",
            Place::Browse => "/listings",
            Place::WhatsOn => "/whats-on",
            Place::Exchanges => "/exchanges",
            Place::Hours => "/hours",
            Place::MyListings => "/my-listings",
            Place::Notifications => "/notifications",
            Place::Account => "/account",
            Place::TwoStep => "/account/two-step",
            Place::Desk => "/community",
            Place::Members => "/community/members",
            Place::CommunityHours => "/community/hours",
            Place::Referrals => "/referrals",
            Place::NewReferral => "/referrals/new",
            Place::Insight => "/insight",
            Place::Professionals => "/admin/professionals",
            Place::ReferralLog => "/admin/referral-log",
            Place::Networks => "/admin/networks",
            Place::Emails => "/outbox",
            Place::Security => "/admin/security",
        }
    }

    /// The words in the menu.
    pub fn label(self) -> &'static str {
        match self {
            Place::Home => "Home",
            Place::Browse => "Offers & requests",
            Place::WhatsOn => "What's on",
            Place::Exchanges => "Exchanges",
            Place::Hours => "My hours",
            Place::MyListings => "My offers & requests",
            Place::Notifications => "Notifications",
            Place::Account => "Account",
            Place::TwoStep => "Set up two-step sign-in",
            Place::Desk => "Community desk",
            Place::Members => "Members",
            Place::CommunityHours => "Community hours",
            Place::Referrals => "Referrals",
            Place::NewReferral => "New referral",
            Place::Insight => "How it is going",
            Place::Professionals => "Professionals",
            Place::ReferralLog => "Referral log",
            Place::Networks => "Networks",
            Place::Emails => "Emails",
            Place::Security => "Security",
        }
    }

    /// The word under the tab bar's icon (a quarter of a 360 px screen).
    pub fn short_label(self) -> &'static str {
        match self {
            Place::Browse => "Browse",
            Place::Hours => "Hours",
            Place::Desk => "Desk",
            Place::NewReferral => "Refer",
            other => other.label(),
        }
    }
}

/// A heading in the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// The person's own pages.
    You,
    /// Community builders' and health and care staff's tools.
    Tools,
    /// Running the whole site.
    SiteAdmin,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::You => "You",
            Group::Tools => "Tools",
            Group::SiteAdmin => "Site administration",
        }
    }
    /// A stable id for the heading that labels the group's list.
    pub fn id(self) -> &'static str {
        match self {
            Group::You => "menu-you",
            Group::Tools => "menu-tools",
            Group::SiteAdmin => "menu-admin",
        }
    }
}

/// What one person's navigation holds.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Navigation {
    /// One tap away, on every page (at most four).
    pub tabs: Vec<Place>,
    /// Behind the menu, by group; a place in the tab bar is not repeated here.
    pub groups: Vec<(Group, Vec<Place>)>,
    /// Notifications get their own button in the header.
    pub notifications: bool,
}

/// The navigation for someone signed in.
pub fn navigation(v: &Viewer) -> Navigation {
    let builder = v.has(Role::Builder) || v.has(Role::SiteAdmin);
    let professional = v.has(Role::Professional);
    let org_lead = v.professional.as_ref().is_some_and(|p| p.verified && p.is_org_lead);

    let mut you = Vec::new();
    if v.has(Role::Resident) {
        you.extend([Place::Home, Place::Browse, Place::WhatsOn, Place::Exchanges, Place::Hours, Place::MyListings]);
    } else if !v.is_waiting() {
        you.push(Place::Home);
    }
    if !v.is_waiting() {
        you.extend([Place::Notifications, Place::Account]);
    }
    if v.needs_second_factor {
        you.push(Place::TwoStep);
    }

    let mut tools = Vec::new();
    if builder {
        tools.extend([Place::Desk, Place::Members, Place::CommunityHours]);
    }
    if builder || professional {
        tools.push(Place::Referrals);
    }
    let verified = v.professional.as_ref().is_some_and(|p| p.verified);
    if (builder || verified) && !v.has(Role::Resident) {
        tools.push(Place::WhatsOn);
    }
    if professional {
        tools.push(Place::NewReferral);
    }
    if builder || org_lead {
        tools.push(Place::Insight);
    }

    let admin = if v.has(Role::SiteAdmin) {
        vec![Place::Professionals, Place::ReferralLog, Place::Networks, Place::Emails, Place::Security]
    } else {
        Vec::new()
    };

    // Residents' four; staff who are not residents get their own most-used tools instead.
    let tabs: Vec<Place> = if v.has(Role::Resident) {
        vec![Place::Home, Place::Browse, Place::Exchanges, Place::Hours]
    } else if builder {
        vec![Place::Home, Place::Desk, Place::Members, Place::Referrals]
    } else if professional {
        vec![Place::Home, Place::Referrals, Place::NewReferral]
    } else {
        Vec::new()
    };

    let groups = [(Group::You, you), (Group::Tools, tools), (Group::SiteAdmin, admin)]
        .into_iter()
        .map(|(g, places)| (g, places.into_iter().filter(|p| !tabs.contains(p)).collect::<Vec<_>>()))
        .filter(|(_, places)| !places.is_empty())
        .collect();
    Navigation { tabs, groups, notifications: !v.is_waiting() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::networks::domain::{BuilderScope, Membership, MembershipStatus, Professional};

    fn viewer() -> Viewer {
        Viewer {
            user_id: "u".into(),
            display_name: "Agnes".into(),
            email: None,
            is_site_admin: false,
            membership: None,
            builder_of: Vec::new(),
            professional: None,
            unread_notifications: 0,
            second_factor: true,
            needs_second_factor: false,
        }
    }

    fn member(status: MembershipStatus) -> Option<Membership> {
        Some(Membership {
            network_id: "n".into(),
            network_name: "Airdrie".into(),
            locality_id: "l".into(),
            locality_name: "Airdrie".into(),
            status,
            browse_version: None,
        })
    }

    fn all(n: &Navigation) -> Vec<Place> {
        n.tabs.iter().copied().chain(n.groups.iter().flat_map(|(_, p)| p.iter().copied())).collect()
    }

    #[test]
    fn a_resident_has_four_tabs_and_no_tools() {
        let v = Viewer { membership: member(MembershipStatus::Active), ..viewer() };
        let n = navigation(&v);
        assert_eq!(n.tabs, vec![Place::Home, Place::Browse, Place::Exchanges, Place::Hours]);
        assert_eq!(n.groups, vec![(Group::You, vec![Place::WhatsOn, Place::MyListings, Place::Notifications, Place::Account])]);
        assert!(n.notifications);
    }

    #[test]
    fn whats_on_is_in_the_menu_of_everyone_who_may_look() {
        let has = |v: &Viewer| all(&navigation(v)).contains(&Place::WhatsOn);
        assert!(has(&Viewer { membership: member(MembershipStatus::Active), ..viewer() }));
        assert!(!has(&Viewer { membership: member(MembershipStatus::Pending), ..viewer() }));
        assert!(has(&Viewer { is_site_admin: true, second_factor: true, ..viewer() }));
    }

    #[test]
    fn a_builder_who_is_a_resident_keeps_the_residents_tabs_and_finds_tools_in_one_group() {
        let v = Viewer {
            membership: member(MembershipStatus::Active),
            builder_of: vec![BuilderScope { network_id: "n".into(), locality_id: None, label: "Airdrie".into() }],
            ..viewer()
        };
        let n = navigation(&v);
        assert_eq!(n.tabs[1], Place::Browse);
        let tools = n.groups.iter().find(|(g, _)| *g == Group::Tools).map(|(_, p)| p.clone()).unwrap();
        assert_eq!(tools, vec![Place::Desk, Place::Members, Place::CommunityHours, Place::Referrals, Place::Insight]);
        assert!(!n.groups.iter().any(|(g, _)| *g == Group::SiteAdmin));
    }

    #[test]
    fn staff_who_are_not_residents_get_their_tools_as_tabs_never_twice() {
        let pro = Professional {
            organisation_id: "o".into(),
            organisation_name: "Health centre".into(),
            job_title: "Link worker".into(),
            verified: true,
            is_org_lead: false,
        };
        let n = navigation(&Viewer { professional: Some(pro), ..viewer() });
        assert_eq!(n.tabs, vec![Place::Home, Place::Referrals, Place::NewReferral]);
        let places = all(&n);
        for p in &places {
            assert_eq!(places.iter().filter(|q| *q == p).count(), 1, "{p:?} shown twice");
        }
        assert!(!places.contains(&Place::Insight), "only an organisation's lead sees how it is going");
        assert!(!places.contains(&Place::Browse));
    }

    #[test]
    fn a_site_admin_sees_the_admin_group() {
        let n = navigation(&Viewer { is_site_admin: true, ..viewer() });
        assert_eq!(n.tabs, vec![Place::Home, Place::Desk, Place::Members, Place::Referrals]);
        assert!(n.groups.iter().any(|(g, p)| *g == Group::SiteAdmin && p.contains(&Place::Security)));
    }

    #[test]
    fn a_member_waiting_for_approval_has_nothing_to_go_to() {
        let n = navigation(&Viewer { membership: member(MembershipStatus::Pending), ..viewer() });
        assert!(n.tabs.is_empty() && n.groups.is_empty() && !n.notifications);
    }

    #[test]
    fn staff_signed_in_without_a_second_factor_are_led_to_set_it_up() {
        let v = Viewer { needs_second_factor: true, second_factor: false, ..viewer() };
        let n = navigation(&v);
        assert!(all(&n).contains(&Place::TwoStep));
        assert!(!all(&n).contains(&Place::Desk));
    }
}
