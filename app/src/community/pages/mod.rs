//! The community builder's screens, by sub-area: the desk (who is waiting, what was
//! reported, which exchanges are disputed), a member's page and assisted joining, a report
//! and the member's "report" form, the network's rules, categories and noticeboard, and the
//! site admin's networks page. (The audit trail's pages are in `crate::audit::pages`.) Every
//! form is an `ActionForm`: it works with JavaScript off.

mod admin;
mod desk;
mod members;
mod moderation;
mod moves;
mod settings;

pub use admin::AdminNetworksPage;
pub use desk::BuilderDeskPage;
pub use members::{AssistedJoinPage, MemberRecordPage};
pub use moderation::{ReportDetailPage, ReportPage, ReportSentPage};
pub use moves::{AreaSection, MoveRequests};
pub use settings::SettingsPage;

use crate::components::forms::Notice;
use crate::components::url::query;
use leptos::prelude::*;

/// What the page says after a builder's action (`?done=…`).
fn done_message(done: Option<String>) -> Option<&'static str> {
    Some(match done?.as_str() {
        "approved" => "Approved. We emailed them, and they can now post and exchange.",
        "declined" => "Declined. We emailed them your message.",
        "moderated" => "Done. The person who reported it has been told, in general terms.",
        "vetting" => "Vetting checklist saved.",
        "suspend" => "Suspended. They have been signed out and their listings are hidden.",
        "reinstate" => "Reinstated. Their listings are back in search.",
        "note" => "Note added.",
        "photo" => "Photo taken down. We told them why.",
        "moved" => "Moved. We told them, and their open listings moved with them.",
        "move-declined" => "Declined. We told them your message.",
        "joined" => "Signed up. You can now record their exchanges for them.",
        "settings" => "The network's rules are saved.",
        "category" => "Category saved.",
        "announcement" => "Announcement posted.",
        "ended" => "Announcement taken down.",
        "network" => "Network created.",
        "locality" => "Locality created.",
        "builder" => "Community builder appointed.",
        _ => return None,
    })
}

#[component]
fn Done() -> impl IntoView {
    done_message(query("done")).map(|m| view! { <Notice>{m}</Notice> })
}
