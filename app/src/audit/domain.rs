//! What the audit trail records, pure: the kinds of action and their words, and a line as
//! it is shown. No web, no database.

use serde::{Deserialize, Serialize};

/// Every kind of builder or admin action the audit trail records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    ApproveMember,
    DeclineMember,
    SuspendMember,
    ReinstateMember,
    UpdateVetting,
    AddNote,
    AssistedJoin,
    HideListing,
    RestoreListing,
    WarnMember,
    DismissReport,
    ReviewReport,
    ResolveDispute,
    GrantHours,
    AdjustBalance,
    ReverseTransfer,
    RecordOnBehalf,
    ChangeLimits,
    ChangeSettings,
    ChangeCategory,
    PostAnnouncement,
    EndAnnouncement,
    CreateNetwork,
    CreateLocality,
    AppointBuilder,
    OrganisationAccount,
    DecideProfessional,
    MoveArea,
    RemovePhoto,
    SaveDirectoryEntry,
    CheckDirectoryEntry,
    CloseDirectoryEntry,
    RecordAttendance,
    OrganisationMember,
    ApproveDirectoryEntry,
    TurnDownDirectoryEntry,
}

impl AuditAction {
    pub const ALL: [AuditAction; 36] = [
        AuditAction::ApproveMember,
        AuditAction::DeclineMember,
        AuditAction::SuspendMember,
        AuditAction::ReinstateMember,
        AuditAction::UpdateVetting,
        AuditAction::AddNote,
        AuditAction::AssistedJoin,
        AuditAction::HideListing,
        AuditAction::RestoreListing,
        AuditAction::WarnMember,
        AuditAction::DismissReport,
        AuditAction::ReviewReport,
        AuditAction::ResolveDispute,
        AuditAction::GrantHours,
        AuditAction::AdjustBalance,
        AuditAction::ReverseTransfer,
        AuditAction::RecordOnBehalf,
        AuditAction::ChangeLimits,
        AuditAction::ChangeSettings,
        AuditAction::ChangeCategory,
        AuditAction::PostAnnouncement,
        AuditAction::EndAnnouncement,
        AuditAction::CreateNetwork,
        AuditAction::CreateLocality,
        AuditAction::AppointBuilder,
        AuditAction::OrganisationAccount,
        AuditAction::DecideProfessional,
        AuditAction::MoveArea,
        AuditAction::RemovePhoto,
        AuditAction::SaveDirectoryEntry,
        AuditAction::CheckDirectoryEntry,
        AuditAction::CloseDirectoryEntry,
        AuditAction::RecordAttendance,
        AuditAction::OrganisationMember,
        AuditAction::ApproveDirectoryEntry,
        AuditAction::TurnDownDirectoryEntry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::ApproveMember => "approve_member",
            AuditAction::DeclineMember => "decline_member",
            AuditAction::SuspendMember => "suspend_member",
            AuditAction::ReinstateMember => "reinstate_member",
            AuditAction::UpdateVetting => "update_vetting",
            AuditAction::AddNote => "add_note",
            AuditAction::AssistedJoin => "assisted_join",
            AuditAction::HideListing => "hide_listing",
            AuditAction::RestoreListing => "restore_listing",
            AuditAction::WarnMember => "warn_member",
            AuditAction::DismissReport => "dismiss_report",
            AuditAction::ReviewReport => "review_report",
            AuditAction::ResolveDispute => "resolve_dispute",
            AuditAction::GrantHours => "grant_hours",
            AuditAction::AdjustBalance => "adjust_balance",
            AuditAction::ReverseTransfer => "reverse_transfer",
            AuditAction::RecordOnBehalf => "record_on_behalf",
            AuditAction::ChangeLimits => "change_limits",
            AuditAction::ChangeSettings => "change_settings",
            AuditAction::ChangeCategory => "change_category",
            AuditAction::PostAnnouncement => "post_announcement",
            AuditAction::EndAnnouncement => "end_announcement",
            AuditAction::CreateNetwork => "create_network",
            AuditAction::CreateLocality => "create_locality",
            AuditAction::AppointBuilder => "appoint_builder",
            AuditAction::OrganisationAccount => "organisation_account",
            AuditAction::DecideProfessional => "decide_professional",
            AuditAction::MoveArea => "move_area",
            AuditAction::RemovePhoto => "remove_photo",
            AuditAction::SaveDirectoryEntry => "save_directory_entry",
            AuditAction::CheckDirectoryEntry => "check_directory_entry",
            AuditAction::CloseDirectoryEntry => "close_directory_entry",
            AuditAction::RecordAttendance => "record_attendance",
            AuditAction::OrganisationMember => "organisation_member",
            AuditAction::ApproveDirectoryEntry => "approve_directory_entry",
            AuditAction::TurnDownDirectoryEntry => "turn_down_directory_entry",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// In words, for the trail and for members reading what was done on their account.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::ApproveMember => "Approved membership",
            AuditAction::DeclineMember => "Declined membership",
            AuditAction::SuspendMember => "Suspended member",
            AuditAction::ReinstateMember => "Reinstated member",
            AuditAction::UpdateVetting => "Updated vetting checklist",
            AuditAction::AddNote => "Added a private note",
            AuditAction::AssistedJoin => "Signed up a member (assisted joining)",
            AuditAction::HideListing => "Hid a listing",
            AuditAction::RestoreListing => "Restored a listing",
            AuditAction::WarnMember => "Warned member",
            AuditAction::DismissReport => "Dismissed a report",
            AuditAction::ReviewReport => "Took a report into review",
            AuditAction::ResolveDispute => "Resolved a disputed exchange",
            AuditAction::GrantHours => "Gave hours from the pool",
            AuditAction::AdjustBalance => "Corrected a balance",
            AuditAction::ReverseTransfer => "Reversed a transfer",
            AuditAction::RecordOnBehalf => "Recorded hours on behalf of members",
            AuditAction::ChangeLimits => "Changed balance limits",
            AuditAction::ChangeSettings => "Changed the network's rules",
            AuditAction::ChangeCategory => "Changed a category",
            AuditAction::PostAnnouncement => "Posted an announcement",
            AuditAction::EndAnnouncement => "Took down an announcement",
            AuditAction::CreateNetwork => "Created a network",
            AuditAction::CreateLocality => "Created a locality",
            AuditAction::AppointBuilder => "Appointed a community builder",
            AuditAction::OrganisationAccount => "Opened an organisation account",
            AuditAction::DecideProfessional => "Verified or turned down a professional",
            AuditAction::MoveArea => "Decided a move to another area",
            AuditAction::RemovePhoto => "Removed a photo",
            AuditAction::SaveDirectoryEntry => "Added or changed a What's on entry",
            AuditAction::CheckDirectoryEntry => "Checked a What's on entry",
            AuditAction::CloseDirectoryEntry => "Took down a What's on entry",
            AuditAction::RecordAttendance => "Recorded who came to a What's on date",
            AuditAction::OrganisationMember => "Named or removed someone acting for an organisation",
            AuditAction::ApproveDirectoryEntry => "Approved an organisation's new What's on entry",
            AuditAction::TurnDownDirectoryEntry => "Turned down an organisation's new What's on entry",
        }
    }
}

/// One line of the trail, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: String,
    pub action: String,
    pub actor: String,
    pub subject_name: String,
    pub subject_user_id: Option<String>,
    pub subject: String,
    pub locality: String,
    pub reason: String,
    pub before: String,
    pub after: String,
    pub at: i64,
}

/// A page of the trail, with the actions to filter by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    pub page: u32,
    pub has_more: bool,
    pub actions: Vec<(String, String)>,
}
