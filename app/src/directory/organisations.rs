//! The organisations that run What's on entries, and the members who act for one. A
//! community builder of the network names them; they then answer the onward referrals
//! made to the organisation's activities and services (the referral pathway's
//! `referrals::onward`).

use super::EntryCard;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::{card, sight, store, today};
#[cfg(feature = "ssr")]
use crate::{
    audit::{
        domain::AuditAction,
        store::{audit, AuditEntry},
    },
    error::FormProblem,
    networks::domain::Viewer,
    platform::request::{finish, signed_in},
    platform::state::{state, AppState},
};

/// An organisation's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub network_name: String,
    pub entries: Vec<EntryCard>,
    /// Who acts for it (id, name): for its builders and for those people themselves.
    pub members: Vec<(String, String)>,
    /// The viewer names and removes the people who act for it.
    pub manager: bool,
    /// The viewer acts for it.
    pub acts_for: bool,
}

/// Whether someone names the people acting for an organisation of `network_id`: a
/// community builder of that network, or a site admin.
#[cfg(feature = "ssr")]
fn manages(viewer: &Viewer, network_id: &str) -> bool {
    viewer.is_site_admin || viewer.builder_of.iter().any(|b| b.network_id == network_id)
}

/// The organisation, if the viewer may look at its network's directory.
#[cfg(feature = "ssr")]
async fn seen_organisation(st: &AppState, viewer: &Viewer, id: &str) -> Result<store::OrganisationRow, AppError> {
    let o = store::organisation(&st.db, id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    let s = sight(st, viewer, Some(&o.network_id)).await?;
    if s.network_id != o.network_id {
        return Err(AppError::not_found("organisation"));
    }
    Ok(o)
}

/// The organisation, for someone who names who acts for it (else refused).
#[cfg(feature = "ssr")]
async fn managed_organisation(st: &AppState, viewer: &Viewer, id: &str) -> Result<store::OrganisationRow, AppError> {
    let o = seen_organisation(st, viewer, id).await?;
    if !manages(viewer, &o.network_id) {
        return Err(AppError::Forbidden("Only the community builders of the network can name who acts for an organisation.".into()));
    }
    Ok(o)
}

/// One organisation: its open entries and (for its builders and its own people) its
/// proposals waiting for approval and who acts for it.
#[server(endpoint = "directory_organisation")]
pub async fn directory_organisation(id: String) -> Result<OrganisationView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let o = seen_organisation(&st, &viewer, &id).await?;
            crate::notifications::seen(&st.db, &viewer.user_id, &format!("/whats-on/organisations/{}", o.id)).await?;
            let today = today();
            let people = store::org_members(&st.db, &o.id).await?;
            let manager = manages(&viewer, &o.network_id);
            let acts_for = people.iter().any(|p| p.user_id == viewer.user_id);
            let entries = store::entries_of_organisation(&st.db, &o.id, manager || acts_for)
                .await?
                .iter()
                .map(|e| {
                    let when = e.when();
                    card(e, &when, when.next_dates(today, 1).first().copied())
                })
                .collect();
            let members = if manager || acts_for { people.into_iter().map(|p| (p.user_id, p.display_name)).collect() } else { vec![] };
            Ok(OrganisationView { id: o.id, name: o.name, network_name: o.network_name, entries, members, manager, acts_for })
        }
        .await,
    )
}

/// A builder names a member of the network to act for the organisation.
#[server(endpoint = "add_organisation_member")]
pub async fn add_organisation_member(organisation_id: String, member: String, member_pick: Option<String>) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let o = managed_organisation(&st, &viewer, &organisation_id).await?;
            let mut problem = FormProblem::new().keep("member", &member);
            let within =
                crate::networks::store::Within { builder: Some(&viewer), network: Some(&o.network_id), locality: None, active_only: true };
            let missing = Some("Type the name of a member of the time bank.");
            let found =
                crate::networks::read_member(&st.db, &within, &mut problem, "member", &member, member_pick.as_deref(), missing).await?;
            problem.into_result()?;
            let found = found.ok_or_else(|| crate::error::unexpected("organisation member: found"))?;
            let mut tx = st.db.pool.begin().await?;
            if !store::add_org_member(&mut tx, &o.id, &found.hit.user_id, &viewer.user_id, crate::util::now()).await? {
                return Err(FormProblem::new()
                    .keep("member", &member)
                    .field("member", "They already act for this organisation.")
                    .into_result()
                    .unwrap_err());
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::OrganisationMember)
                    .in_network(&o.network_id, None)
                    .subject(format!("organisation:{}", o.id))
                    .change("", found.hit.display_name.clone()),
            )
            .await?;
            crate::notifications::notify(
                &mut tx,
                &st.config.public_url,
                &found.hit.user_id,
                &format!("You now act for {} in What's on", o.name),
                &format!("/whats-on/organisations/{}", o.id),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/whats-on/organisations/{}?done=added", o.id));
            Ok(())
        }
        .await,
    )
}

/// A builder stops someone acting for the organisation.
#[server(endpoint = "remove_organisation_member")]
pub async fn remove_organisation_member(organisation_id: String, user_id: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let o = managed_organisation(&st, &viewer, &organisation_id).await?;
            let name = store::org_members(&st.db, &o.id).await?.into_iter().find(|p| p.user_id == user_id).map(|p| p.display_name);
            let Some(name) = name else { return Err(AppError::Conflict("They no longer act for this organisation.".into())) };
            let mut tx = st.db.pool.begin().await?;
            if !store::remove_org_member(&mut tx, &o.id, &user_id).await? {
                return Err(AppError::Conflict("They no longer act for this organisation.".into()));
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::OrganisationMember)
                    .in_network(&o.network_id, None)
                    .subject(format!("organisation:{}", o.id))
                    .change(name, ""),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/whats-on/organisations/{}?done=removed", o.id));
            Ok(())
        }
        .await,
    )
}
