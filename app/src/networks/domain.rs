//! Who someone is in Timeweave, and what that lets them do. Pure: no web, no database.
//!
//! A [`Viewer`] is built on the server from the session for every request. The rules
//! in [`crate::networks::domain`] (`require_*`) are the only place roles are decided,
//! so the authorisation matrix tests have one thing to exercise.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Where a member stands in their network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MembershipStatus {
    /// Joined, waiting for a community builder to approve.
    Pending,
    Active,
    Suspended,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipStatus::Pending => "pending",
            MembershipStatus::Active => "active",
            MembershipStatus::Suspended => "suspended",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(MembershipStatus::Pending),
            "active" => Some(MembershipStatus::Active),
            "suspended" => Some(MembershipStatus::Suspended),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MembershipStatus::Pending => "Waiting for approval",
            MembershipStatus::Active => "Active",
            MembershipStatus::Suspended => "Suspended",
        }
    }
}

/// A person's place in one network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub network_id: String,
    pub network_name: String,
    pub locality_id: String,
    pub locality_name: String,
    pub status: MembershipStatus,
    /// The network's browse version as this request began (`browse_versions`): read with
    /// the session so the browse cache needs no query of its own. `None` if it has none.
    #[serde(default)]
    pub browse_version: Option<i64>,
}

/// What a community builder looks after: a whole network, or one locality in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderScope {
    pub network_id: String,
    /// `None`: the whole network.
    pub locality_id: Option<String>,
    pub label: String,
}

impl BuilderScope {
    /// Does this scope reach a member of `network_id` living in `locality_id`?
    pub fn covers(&self, network_id: &str, locality_id: &str) -> bool {
        self.network_id == network_id && self.locality_id.as_deref().is_none_or(|l| l == locality_id)
    }
}

/// A health or care professional who refers people in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Professional {
    pub organisation_id: String,
    pub organisation_name: String,
    pub job_title: String,
    pub verified: bool,
    pub is_org_lead: bool,
}

/// The signed-in person making this request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: String,
    pub display_name: String,
    pub email: Option<String>,
    pub is_site_admin: bool,
    pub membership: Option<Membership>,
    pub builder_of: Vec<BuilderScope>,
    pub professional: Option<Professional>,
    /// Notifications not yet read (shown in the menu).
    pub unread_notifications: i64,
    /// This session proved a second factor (an authenticator code) at sign-in.
    pub second_factor: bool,
    /// A builder, professional or admin signed in with a password only: their staff powers
    /// are left out of this viewer until they set up (or use) two-step sign-in.
    pub needs_second_factor: bool,
}

/// The kinds of user the menu and the rules know about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Resident,
    Builder,
    Professional,
    SiteAdmin,
}

impl Viewer {
    pub fn roles(&self) -> Vec<Role> {
        let mut roles = Vec::new();
        if self.membership.as_ref().is_some_and(|m| m.status == MembershipStatus::Active) {
            roles.push(Role::Resident);
        }
        if !self.builder_of.is_empty() {
            roles.push(Role::Builder);
        }
        if self.professional.is_some() {
            roles.push(Role::Professional);
        }
        if self.is_site_admin {
            roles.push(Role::SiteAdmin);
        }
        roles
    }
    pub fn has(&self, role: Role) -> bool {
        self.roles().contains(&role)
    }
    /// A member whose only standing is a pending (or suspended) membership: they see the
    /// waiting page and nothing more.
    pub fn is_waiting(&self) -> bool {
        self.roles().is_empty() && !self.needs_second_factor
    }
    /// Holds a role that must sign in with a second factor.
    pub fn is_staff(&self) -> bool {
        self.is_site_admin || !self.builder_of.is_empty() || self.professional.is_some()
    }
    /// The same person with staff powers left out (a session without a second factor).
    pub fn without_staff_powers(mut self) -> Self {
        if self.is_staff() && !self.second_factor {
            self.is_site_admin = false;
            self.builder_of.clear();
            self.professional = None;
            self.needs_second_factor = true;
        }
        self
    }
}

/// Anyone signed in.
pub fn require_signed_in(viewer: Option<Viewer>) -> Result<Viewer, AppError> {
    viewer.ok_or(AppError::Unauthenticated)
}

/// Someone with at least one working role; pending and suspended members are refused.
pub fn require_any_role(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_waiting() {
        return Err(waiting_error(viewer));
    }
    Ok(())
}

/// An active member of a network (a resident).
pub fn require_active_member(viewer: &Viewer) -> Result<&Membership, AppError> {
    match &viewer.membership {
        Some(m) if m.status == MembershipStatus::Active => Ok(m),
        _ => Err(waiting_error(viewer)),
    }
}

fn waiting_error(viewer: &Viewer) -> AppError {
    match viewer.membership.as_ref().map(|m| m.status) {
        Some(MembershipStatus::Pending) => AppError::Forbidden(
            "Your membership is waiting for approval by a community builder. We will email you when it is ready.".into(),
        ),
        Some(MembershipStatus::Suspended) => {
            AppError::Forbidden("Your membership is suspended. Please contact your community builder.".into())
        }
        _ => AppError::forbidden(),
    }
}

/// A community builder whose scope reaches a member in `network_id`/`locality_id`, or a site admin.
pub fn require_builder_for(viewer: &Viewer, network_id: &str, locality_id: &str) -> Result<(), AppError> {
    if viewer.is_site_admin || viewer.builder_of.iter().any(|s| s.covers(network_id, locality_id)) {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only the community builders of that locality can do that.".into()))
    }
}

/// Whether someone builds for the whole of `network_id` (not one locality of it), or is a
/// site admin. The one place this rule is stated.
pub fn is_whole_network_builder(viewer: &Viewer, network_id: &str) -> bool {
    viewer.is_site_admin || viewer.builder_of.iter().any(|s| s.network_id == network_id && s.locality_id.is_none())
}

/// A community builder for the whole of `network_id`, or a site admin.
pub fn require_whole_network_builder(viewer: &Viewer, network_id: &str) -> Result<(), AppError> {
    if is_whole_network_builder(viewer, network_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only community builders for the whole network can do that.".into()))
    }
}

/// Which network a builder's desk shows: the one asked for if they build there; else
/// the network of their first whole-network scope, else of their first scope. `None` for
/// a site admin with no scope of their own (the caller picks the first network).
pub fn builder_network_choice(viewer: &Viewer, asked: Option<&str>) -> Result<Option<String>, AppError> {
    require_some_builder(viewer)?;
    if let Some(n) = asked.filter(|n| !n.is_empty()) {
        if viewer.is_site_admin || viewer.builder_of.iter().any(|s| s.network_id == n) {
            return Ok(Some(n.to_string()));
        }
        return Err(AppError::Forbidden("You are not a community builder of that network.".into()));
    }
    Ok(viewer.builder_of.iter().find(|s| s.locality_id.is_none()).or(viewer.builder_of.first()).map(|s| s.network_id.clone()))
}

/// A community builder of any locality, or a site admin.
pub fn require_some_builder(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_site_admin || !viewer.builder_of.is_empty() {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only community builders can see that.".into()))
    }
}

/// A site admin.
pub fn require_site_admin(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.is_site_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden("Only site administrators can do that.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer() -> Viewer {
        Viewer {
            user_id: "u".into(),
            display_name: "Ann".into(),
            email: None,
            is_site_admin: false,
            membership: None,
            builder_of: vec![],
            professional: None,
            unread_notifications: 0,
            second_factor: false,
            needs_second_factor: false,
        }
    }

    #[test]
    fn staff_powers_need_a_second_factor() {
        let mut v = viewer();
        v.is_site_admin = true;
        v.builder_of.push(BuilderScope { network_id: "n".into(), locality_id: None, label: String::new() });
        let stripped = v.clone().without_staff_powers();
        assert!(require_site_admin(&stripped).is_err());
        assert!(require_builder_for(&stripped, "n", "l").is_err());
        assert!(stripped.needs_second_factor && !stripped.is_waiting());
        v.second_factor = true;
        let kept = v.without_staff_powers();
        assert!(require_site_admin(&kept).is_ok() && !kept.needs_second_factor);
    }

    #[test]
    fn locality_builder_scope_stops_at_the_locality() {
        let mut v = viewer();
        v.builder_of.push(BuilderScope { network_id: "n".into(), locality_id: Some("airdrie".into()), label: String::new() });
        assert!(require_builder_for(&v, "n", "airdrie").is_ok());
        assert!(require_builder_for(&v, "n", "wishaw").is_err());
        assert!(require_builder_for(&v, "other", "airdrie").is_err());
    }

    #[test]
    fn network_builder_reaches_every_locality() {
        let mut v = viewer();
        v.builder_of.push(BuilderScope { network_id: "n".into(), locality_id: None, label: String::new() });
        assert!(require_builder_for(&v, "n", "wishaw").is_ok());
        assert!(require_builder_for(&v, "m", "wishaw").is_err());
    }

    #[test]
    fn pending_member_has_no_role() {
        let mut v = viewer();
        v.membership = Some(Membership {
            network_id: "n".into(),
            network_name: "N".into(),
            locality_id: "l".into(),
            locality_name: "L".into(),
            status: MembershipStatus::Pending,
            browse_version: None,
        });
        assert!(v.is_waiting());
        assert!(require_active_member(&v).is_err());
        assert!(require_any_role(&v).is_err());
        v.membership.as_mut().unwrap().status = MembershipStatus::Active;
        assert!(require_active_member(&v).is_ok());
        assert_eq!(v.roles(), vec![Role::Resident]);
    }
}
