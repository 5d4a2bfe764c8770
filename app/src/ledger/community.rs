//! The community's shared accounts: the builders' hours page (pool, network account,
//! members to pick) and organisation accounts (opening one, its statement, and thanking a
//! member with its hours).

#[allow(unused_imports)]
use super::*;

/// The builders' hours page: pool, network account, organisations.
#[server(endpoint = "community_hours")]
pub async fn community_hours() -> Result<CommunityHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, whole) = crate::networks::store::builder_network(&st.db, &viewer, None).await?;
            let (network_minutes, pool_minutes) = queries::network_balances(&st.db, &network).await?;
            let organisations = queries::organisation_accounts(&st.db, &network).await?;
            let network_name = store::reads::network_name(&st.db, &network).await?;
            Ok(CommunityHoursView { network_name, pool_minutes, network_minutes, organisations, whole_network: whole })
        }
        .await,
    )
}

/// A whole-network builder opens an account for an organisation (a care home, a charity,
/// a community group) and names a member to act for it.
#[server(endpoint = "add_organisation_account")]
pub async fn add_organisation_account(
    name: String,
    kind: String,
    named_member: String,
    named_member_pick: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, _) = crate::networks::store::builder_network(&st.db, &viewer, None).await?;
            if !crate::networks::domain::is_whole_network_builder(&viewer, &network) {
                return Err(AppError::Forbidden("Only a builder for the whole time bank can open organisation accounts.".into()));
            }
            let mut problem = FormProblem::new().keep("org_name", &name).keep("org_kind", &kind).keep("named_member", &named_member);
            let name = name.trim().to_string();
            if name.chars().count() < 2 || name.chars().count() > 100 {
                problem.push("org_name", "Enter the organisation's name (up to 100 characters).");
            }
            let kind = kind.trim().to_string();
            if kind.is_empty() || kind.chars().count() > 60 {
                problem.push("org_kind", "Say what kind of organisation it is, for example \"Care home\".");
            }
            let within =
                crate::networks::store::Within { builder: Some(&viewer), network: Some(&network), active_only: true, ..Default::default() };
            let member = crate::networks::read_member(
                &st.db,
                &within,
                &mut problem,
                "named_member",
                &named_member,
                named_member_pick.as_deref(),
                Some("Type the name of the member who will act for it."),
            )
            .await?;
            problem.clone().into_result()?;
            let member = member.ok_or_else(|| crate::error::unexpected("organisation: member missing"))?;
            let (named_member, member_locality) = (member.hit.user_id, member.locality_id);
            let audit = AuditEntry::new(&viewer.user_id, AuditAction::OrganisationAccount)
                .on_member(&network, &member_locality, &named_member)
                .change("", format!("{name} ({kind}), acted for by this member"));
            store::reads::open_organisation_account(&st.db, &network, &name, &kind, &named_member, &viewer.user_id, audit).await?;
            leptos_axum::redirect("/community/hours?done=organisation");
            Ok(())
        }
        .await,
    )
}

/// An organisation's statement, for the members named to act for it (and builders).
#[server(endpoint = "organisation_hours")]
pub async fn organisation_hours(organisation_id: String, page: Option<u32>) -> Result<OrganisationHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, org) = organisation_for(&st, &viewer, &organisation_id).await?;
            let summary = queries::account_summary(
                &st.db,
                &network,
                &AccountRef::Organisation(organisation_id.clone()),
                &org.name,
                page.unwrap_or(1),
                PER_PAGE,
            )
            .await?;
            Ok(OrganisationHoursView { organisation: org, summary })
        }
        .await,
    )
}

/// The organisation, if the viewer is named to act for it (or builds for its network).
#[cfg(feature = "ssr")]
async fn organisation_for(st: &AppState, viewer: &Viewer, organisation_id: &str) -> Result<(String, OrgAccount), AppError> {
    crate::networks::domain::require_any_role(viewer)?;
    let network = match &viewer.membership {
        Some(m) => m.network_id.clone(),
        None => crate::networks::store::builder_network(&st.db, viewer, None).await?.0,
    };
    let named = queries::organisations_of(&st.db, &network, &viewer.user_id).await?;
    if let Some(org) = named.into_iter().find(|o| o.id == organisation_id) {
        return Ok((network, org));
    }
    if crate::networks::domain::is_whole_network_builder(viewer, &network) {
        if let Some(org) = queries::organisation_accounts(&st.db, &network).await?.into_iter().find(|o| o.id == organisation_id) {
            return Ok((network, org));
        }
    }
    Err(AppError::Forbidden("Only the people named to act for this organisation can see its hours.".into()))
}

/// Someone named for an organisation thanks a member for help with hours from the
/// organisation's account. (An organisation taking hours from a member needs that member's
/// agreement, so it comes with exchanges.)
#[server(endpoint = "organisation_gives")]
pub async fn organisation_gives(
    transfer_id: String,
    organisation_id: String,
    user_id: String,
    user_id_pick: Option<String>,
    hours: String,
    minutes: String,
    memo: String,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, _) = organisation_for(&st, &viewer, &organisation_id).await?;
            check_transfer_id(&transfer_id)?;
            let mut problem =
                FormProblem::new().keep("user_id", &user_id).keep("hours", &hours).keep("minutes", &minutes).keep("memo", &memo);
            let amount = read_amount(&mut problem, &hours, &minutes);
            let memo = read_memo(&mut problem, &memo);
            if memo.is_empty() {
                problem.push("memo", "Say what the help was, for example \"Tea and chat with residents\".");
            }
            let within = crate::networks::store::Within { network: Some(&network), active_only: true, ..Default::default() };
            let member = crate::networks::read_member(
                &st.db,
                &within,
                &mut problem,
                "user_id",
                &user_id,
                user_id_pick.as_deref(),
                Some("Type the name of the member who helped."),
            )
            .await?;
            let user_id = member.map(|m| m.hit.user_id).unwrap_or_default();
            if user_id == viewer.user_id {
                problem.push("user_id", "You cannot give the organisation's hours to yourself.");
            }
            problem.clone().into_result()?;
            let amount = amount.ok_or_else(|| crate::error::unexpected("org: amount missing"))?;
            let mut t = new_transfer(
                &transfer_id,
                &network,
                TransferKind::Organisation,
                vec![(AccountRef::Organisation(organisation_id.clone()), -amount.0), (AccountRef::Member(user_id.clone()), amount.0)],
                &viewer,
            );
            t.memo = memo;
            apply_or_explain(&st, t, problem).await?;
            leptos_axum::redirect(&format!("/hours/organisations/{organisation_id}?done=given"));
            Ok(())
        }
        .await,
    )
}

/// Suggestions as someone named for an organisation types the name of a member who helped:
/// active members of its time bank, names and areas only.
#[server(endpoint = "organisation_find_members")]
pub async fn organisation_find_members(organisation_id: String, q: String) -> Result<Vec<crate::networks::find::MemberHit>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, _) = organisation_for(&st, &viewer, &organisation_id).await?;
            let within = crate::networks::store::Within { network: Some(&network), active_only: true, ..Default::default() };
            crate::networks::suggestions(&st.db, &within, &q).await
        }
        .await,
    )
}
