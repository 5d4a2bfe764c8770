//! The network's rules, categories and noticeboard (announcements).

#[allow(unused_imports)]
use super::*;

#[server(endpoint = "network_settings")]
pub async fn network_settings(network_id: Option<String>) -> Result<SettingsView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network_id, _) = crate::networks::store::builder_network(&st.db, &viewer, network_id.as_deref()).await?;
            let (network_name, settings) = store::settings(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("time bank"))?;
            let categories = store::categories(&st.db, &network_id).await?;
            Ok(SettingsView {
                whole_network: crate::networks::domain::require_whole_network_builder(&viewer, &network_id).is_ok(),
                localities: localities_in_scope(&st, &viewer, &network_id).await?,
                announcements: store::announcements_for(&st.db, &network_id, None, 50)
                    .await?
                    .into_iter()
                    .filter(|a| a.locality_id.as_deref().is_none_or(|l| require_builder_for(&viewer, &network_id, l).is_ok()))
                    .collect(),
                network_id,
                network_name,
                settings,
                categories,
            })
        }
        .await,
    )
}

#[server(endpoint = "update_network_settings")]
#[allow(clippy::too_many_arguments)]
pub async fn update_network_settings(
    network_id: String,
    requires_approval: Option<String>,
    starting_credit: String,
    starting_credit_source: String,
    below_zero: String,
    ceiling: String,
    auto_confirm_days: String,
    listing_expiry_days: String,
    record_days_back: Option<String>,
    see_other_localities: Option<String>,
    visitors_browse: Option<String>,
    first_contact_days: Option<String>,
    follow_up_weeks: Option<String>,
    referral_retention_months: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_whole_network_builder(&viewer, &network_id)?;
            let (_, current) = store::settings(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("time bank"))?;
            // Forms from before the referral rules existed leave them as they are.
            let first_contact_days = first_contact_days.unwrap_or_else(|| current.first_contact_days.to_string());
            let follow_up_weeks = follow_up_weeks.unwrap_or_else(|| current.follow_up_weeks.to_string());
            let referral_retention_months = referral_retention_months.unwrap_or_else(|| current.referral_retention_months.to_string());
            let record_days_back = record_days_back.unwrap_or_else(|| current.record_days_back.to_string());
            let mut problem = keep(
                FormProblem::new(),
                &[
                    ("requires_approval", requires_approval.as_deref().unwrap_or("")),
                    ("starting_credit", &starting_credit),
                    ("starting_credit_source", &starting_credit_source),
                    ("below_zero", &below_zero),
                    ("ceiling", &ceiling),
                    ("auto_confirm_days", &auto_confirm_days),
                    ("listing_expiry_days", &listing_expiry_days),
                    ("record_days_back", &record_days_back),
                    ("see_other_localities", see_other_localities.as_deref().unwrap_or("")),
                    ("visitors_browse", visitors_browse.as_deref().unwrap_or("")),
                    ("first_contact_days", &first_contact_days),
                    ("follow_up_weeks", &follow_up_weeks),
                    ("referral_retention_months", &referral_retention_months),
                ],
            );
            let s = domain::NetworkSettings::parse(
                requires_approval.is_some(),
                &starting_credit,
                &starting_credit_source,
                &below_zero,
                &ceiling,
                &auto_confirm_days,
                &listing_expiry_days,
                &record_days_back,
                see_other_localities.is_some(),
                visitors_browse.is_some(),
                [&first_contact_days, &follow_up_weeks, &referral_retention_months],
                &mut problem,
            );
            problem.into_result()?;
            let Some(s) = s else { return Err(crate::error::unexpected("settings: missing")) };
            let (_, before) = store::settings(&st.db, &network_id).await?.ok_or_else(|| AppError::not_found("time bank"))?;
            let mut tx = st.db.pool.begin().await?;
            store::save_settings(&mut tx, &network_id, &s).await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::ChangeSettings)
                    .in_network(&network_id, None)
                    .change(before.summary(), s.summary()),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/community/settings?done=settings");
            Ok(())
        }
        .await,
    )
}

/// Add a category to the network, or rename, retire or bring back one of its own.
/// Retired categories stay on old listings and leave the lists for new ones.
#[server(endpoint = "change_category")]
pub async fn change_category(
    network_id: String,
    op: String,
    category_id: Option<String>,
    name: Option<String>,
    new_name: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            crate::networks::domain::require_whole_network_builder(&viewer, &network_id)?;
            // The add form's box is `name`, the rename form's `new_name` (two forms, one page).
            let field = if op == "rename" { "new_name" } else { "name" };
            let name = if op == "rename" { new_name.unwrap_or_default() } else { name.unwrap_or_default() };
            let mut problem = FormProblem::new().keep(field, &name).keep("category_id", category_id.as_deref().unwrap_or(""));
            let t = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            let entry = AuditEntry::new(&viewer.user_id, AuditAction::ChangeCategory).in_network(&network_id, None);
            let entry = match op.as_str() {
                "add" | "rename" => {
                    if op == "rename" && category_id.as_deref().unwrap_or("").is_empty() {
                        problem.push("category_id", "Choose the category to rename.");
                    }
                    let name = read_text(&mut problem, field, &name, "the category's name", 60);
                    problem.clone().into_result()?;
                    let name = name.unwrap_or_default();
                    if store::category_name_taken(&mut tx, &network_id, &name).await? {
                        return Err(AppError::Invalid(problem.field(field, "There is already a category with that name.")));
                    }
                    if op == "add" {
                        let id = store::insert_category(&mut tx, &network_id, &name, t).await?;
                        entry.subject(format!("category:{id}")).change("", name)
                    } else {
                        let id = category_id.clone().unwrap_or_default();
                        let old = own_category(&mut tx, &network_id, &id).await?;
                        store::rename_category(&mut tx, &id, &name).await?;
                        entry.subject(format!("category:{id}")).change(old, name)
                    }
                }
                "retire" | "restore" => {
                    let id = category_id.clone().unwrap_or_default();
                    let old = own_category(&mut tx, &network_id, &id).await?;
                    let retire = op == "retire";
                    store::set_category_retired(&mut tx, &id, retire.then_some(t)).await?;
                    entry.subject(format!("category:{id}")).change(old.clone(), if retire { format!("{old} (retired)") } else { old })
                }
                _ => return Err(AppError::invalid("op", "Choose what to do with the category.")),
            };
            audit(&mut tx, &entry).await?;
            tx.commit().await?;
            leptos_axum::redirect("/community/settings?done=category");
            Ok(())
        }
        .await,
    )
}

/// The name of a category this network owns. The shared, seeded categories belong to every
/// network: only a site admin may change those.
#[cfg(feature = "ssr")]
pub(super) async fn own_category(tx: &mut sqlx::Transaction<'_, sqlx::Any>, network_id: &str, id: &str) -> Result<String, AppError> {
    match store::category_owner(tx, id).await? {
        Some((name, owner)) if owner.as_deref() == Some(network_id) => Ok(name),
        Some(_) => Err(AppError::Forbidden("That category is shared by every network; ask a site administrator to change it.".into())),
        None => Err(AppError::not_found("category")),
    }
}

/// A notice for the whole network or one locality; optionally emailed to its members.
#[server(endpoint = "post_announcement")]
pub async fn post_announcement(
    network_id: String,
    audience: String,
    title: String,
    body: String,
    email: Option<String>,
) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let locality = if audience == "network" || audience.is_empty() {
                crate::networks::domain::require_whole_network_builder(&viewer, &network_id)?;
                None
            } else {
                if !store::locality_in_network(&st.db, &audience, &network_id).await? {
                    return Err(AppError::invalid("audience", "Choose who the announcement is for."));
                }
                require_builder_for(&viewer, &network_id, &audience)?;
                Some(audience.clone())
            };
            let mut problem = keep(
                FormProblem::new(),
                &[("audience", &audience), ("title", &title), ("body", &body), ("email", email.as_deref().unwrap_or(""))],
            );
            let title = read_text(&mut problem, "title", &title, "a title", 120);
            let body = read_text(&mut problem, "body", &body, "the announcement", 4000);
            problem.into_result()?;
            let (Some(title), Some(body)) = (title, body) else { return Err(crate::error::unexpected("announcement: missing")) };
            let id = crate::util::new_id();
            let t = crate::util::now();
            let mut tx = st.db.pool.begin().await?;
            store::insert_announcement(
                &mut tx,
                &store::NewAnnouncement {
                    id: &id,
                    network_id: &network_id,
                    locality_id: locality.as_deref(),
                    title: &title,
                    body: &body,
                    posted_by: &viewer.user_id,
                    emailed: email.is_some(),
                    at: t,
                },
            )
            .await?;
            if email.is_some() {
                let text = format!("{body}\n\n— {}, community builder\n{}/home\n", viewer.display_name, st.config.public_url);
                for to in store::announcement_recipients(&mut tx, &network_id, locality.as_deref().unwrap_or("")).await? {
                    crate::email::queue(&mut tx, &to, &title, &text).await?;
                }
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::PostAnnouncement)
                    .in_network(&network_id, locality.as_deref())
                    .subject(format!("announcement:{id}"))
                    .change("", title),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/community/settings?done=announcement");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "end_announcement")]
pub async fn end_announcement(announcement_id: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let notice = store::open_announcement(&st.db, &announcement_id).await?.ok_or_else(|| AppError::not_found("announcement"))?;
            let (network_id, locality) = (notice.network_id, notice.locality_id);
            match &locality {
                Some(l) => require_builder_for(&viewer, &network_id, l)?,
                None => crate::networks::domain::require_whole_network_builder(&viewer, &network_id)?,
            }
            let mut tx = st.db.pool.begin().await?;
            if !store::end_announcement(&mut tx, &announcement_id, crate::util::now()).await? {
                return Err(AppError::Conflict("That announcement was already taken down.".into()));
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::EndAnnouncement)
                    .in_network(&network_id, locality.as_deref())
                    .subject(format!("announcement:{announcement_id}"))
                    .change(notice.title, "taken down"),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/community/settings?done=ended");
            Ok(())
        }
        .await,
    )
}

/// The noticeboard on a member's home page.
#[server(endpoint = "noticeboard")]
pub async fn noticeboard() -> Result<Vec<AnnouncementView>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            match &viewer.membership {
                Some(m) if m.status == MembershipStatus::Active => {
                    store::announcements_for(&st.db, &m.network_id, Some(&m.locality_id), 5).await
                }
                _ => Ok(vec![]),
            }
        }
        .await,
    )
}
