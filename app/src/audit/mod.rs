//! The audit trail: every builder and admin action, written in the same transaction as the
//! action by any feature (ledger tools, exchanges, moderation, professionals, referrals),
//! and read by builders (`/community/audit`, its CSV) and by the member it is about
//! (`/account/actions`). It sits below the features: they import it, it imports none of them.

#[cfg(feature = "ssr")]
pub mod csv;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::AuditAction;
use domain::{AuditLine, AuditPage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    networks::domain::require_some_builder,
    platform::request::{finish, signed_in},
    platform::state::state,
};

#[server(endpoint = "audit_trail")]
pub async fn audit_trail(
    person: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
) -> Result<AuditPage, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_some_builder(&viewer)?;
            let filter = audit_filter(person, action, from, to)?;
            let page = page.unwrap_or(1).max(1);
            const PER: i64 = 50;
            let mut lines = store::audit_lines(&st.db, Some(&viewer), &filter, PER + 1, (page as i64 - 1) * PER).await?;
            let has_more = lines.len() as i64 > PER;
            lines.truncate(PER as usize);
            Ok(AuditPage {
                lines,
                page,
                has_more,
                actions: AuditAction::ALL.iter().map(|a| (a.as_str().to_string(), a.label().to_string())).collect(),
            })
        }
        .await,
    )
}

/// Reads the trail's filters (dates as YYYY-MM-DD, UTC days).
#[cfg(feature = "ssr")]
pub fn audit_filter(
    person: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<store::AuditFilter, AppError> {
    let day = |s: Option<String>, field: &str| -> Result<Option<i64>, AppError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(d) => crate::util::parse_iso_date(d)
                .map(|(y, m, dd)| Some(crate::util::days_from_civil(y, m, dd) * crate::util::DAY))
                .ok_or_else(|| AppError::invalid(field, "Write the date as year-month-day, for example 2026-03-14.")),
        }
    };
    Ok(store::AuditFilter {
        person,
        action: action.as_deref().and_then(AuditAction::parse),
        from: day(from, "from")?,
        to: day(to, "to")?.map(|t| t + crate::util::DAY),
        subject_user_id: None,
    })
}

/// A trail line as the member it is about may see it, or nothing. An allow-list: what was
/// done to the account and why. Ledger lines lose their "after" (it names the other
/// accounts of a shared transfer; the member's statement shows their own side), report
/// actions lose which report it was.
/// The actions on a member's account as the member sees them (their own page and their
/// data download), newest first.
#[cfg(feature = "ssr")]
pub async fn about_member(db: &crate::platform::db::Db, user_id: &str) -> Result<Vec<AuditLine>, AppError> {
    let filter = store::AuditFilter { subject_user_id: Some(user_id.to_string()), ..Default::default() };
    Ok(store::audit_lines(db, None, &filter, 10_000, 0).await?.into_iter().filter_map(for_the_member).collect())
}

#[cfg(feature = "ssr")]
fn for_the_member(mut l: AuditLine) -> Option<AuditLine> {
    use AuditAction::*;
    let action = AuditAction::ALL.into_iter().find(|a| a.label() == l.action)?;
    match action {
        ApproveMember | SuspendMember | ReinstateMember | UpdateVetting | AssistedJoin | ResolveDispute | ChangeLimits | AppointBuilder
        | OrganisationAccount => {}
        GrantHours | AdjustBalance | ReverseTransfer | RecordOnBehalf => {
            l.before.clear();
            l.after.clear();
        }
        HideListing | RestoreListing | WarnMember => l.subject.clear(),
        _ => return None,
    }
    Some(l)
}

/// What builders and admins did on the signed-in member's own account. Left out: private
/// notes (they stay with the builders) and a report's review or dismissal (nothing was done
/// to the account, and telling someone they were reported helps nobody).
#[server(endpoint = "my_account_actions")]
pub async fn my_account_actions() -> Result<Vec<AuditLine>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let filter = store::AuditFilter { subject_user_id: Some(viewer.user_id.clone()), ..Default::default() };
            Ok(store::audit_lines(&st.db, None, &filter, 200, 0).await?.into_iter().filter_map(for_the_member).collect())
        }
        .await,
    )
}
