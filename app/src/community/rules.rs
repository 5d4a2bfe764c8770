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
            let categories = sqlx::query(
            "SELECT id, name, retired_at, network_id FROM categories WHERE network_id IS NULL OR network_id = $1 ORDER BY position, name",
        )
        .bind(&network_id)
        .fetch_all(&st.db.pool)
        .await?
        .into_iter()
        .map(|r| CategoryView {
            id: r.get("id"),
            name: r.get("name"),
            retired: r.get::<Option<i64>, _>("retired_at").is_some(),
            shared: r.get::<Option<String>, _>("network_id").is_none(),
        })
        .collect();
            Ok(SettingsView {
                whole_network: crate::networks::domain::require_whole_network_builder(&viewer, &network_id).is_ok(),
                localities: localities_in_scope(&st, &viewer, &network_id).await?,
                announcements: store::announcements_for(&st.db, &network_id, None, 50)
                    .await?
                    .into_iter()
                    .filter(|a| a.locality_id.as_deref().map_or(true, |l| require_builder_for(&viewer, &network_id, l).is_ok()))
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
    see_other_localities: Option<String>,
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
                    ("see_other_localities", see_other_localities.as_deref().unwrap_or("")),
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
                see_other_localities.is_some(),
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
                    let taken =
                        sqlx::query("SELECT 1 FROM categories WHERE (network_id IS NULL OR network_id = $1) AND lower(name) = lower($2)")
                            .bind(&network_id)
                            .bind(&name)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if taken.is_some() {
                        return Err(AppError::Invalid(problem.field(field, "There is already a category with that name.")));
                    }
                    if op == "add" {
                        let id = crate::util::new_id();
                        sqlx::query(
                            "INSERT INTO categories (id, network_id, name, theme, position, retired_at, created_at)
                         VALUES ($1, $2, $3, 'skill', (SELECT COALESCE(MAX(position), 0) + 1 FROM categories), NULL, $4)",
                        )
                        .bind(&id)
                        .bind(&network_id)
                        .bind(&name)
                        .bind(t)
                        .execute(&mut *tx)
                        .await?;
                        entry.subject(format!("category:{id}")).change("", name)
                    } else {
                        let id = category_id.clone().unwrap_or_default();
                        let old = own_category(&mut tx, &network_id, &id).await?;
                        sqlx::query("UPDATE categories SET name = $1 WHERE id = $2").bind(&name).bind(&id).execute(&mut *tx).await?;
                        entry.subject(format!("category:{id}")).change(old, name)
                    }
                }
                "retire" | "restore" => {
                    let id = category_id.clone().unwrap_or_default();
                    let old = own_category(&mut tx, &network_id, &id).await?;
                    let retire = op == "retire";
                    sqlx::query("UPDATE categories SET retired_at = $1 WHERE id = $2")
                        .bind(retire.then_some(t))
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
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
    let row = sqlx::query("SELECT name, network_id FROM categories WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    match row {
        Some(r) if r.get::<Option<String>, _>("network_id").as_deref() == Some(network_id) => Ok(r.get("name")),
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
    finish(async {
        let st = state()?;
        let viewer = signed_in().await?;
        let locality = if audience == "network" || audience.is_empty() {
            crate::networks::domain::require_whole_network_builder(&viewer, &network_id)?;
            None
        } else {
            let in_network = sqlx::query("SELECT 1 FROM localities WHERE id = $1 AND network_id = $2")
                .bind(&audience)
                .bind(&network_id)
                .fetch_optional(&st.db.pool)
                .await?;
            if in_network.is_none() {
                return Err(AppError::invalid("audience", "Choose who the announcement is for."));
            }
            require_builder_for(&viewer, &network_id, &audience)?;
            Some(audience.clone())
        };
        let mut problem = keep(FormProblem::new(), &[("audience", &audience), ("title", &title), ("body", &body), ("email", email.as_deref().unwrap_or(""))]);
        let title = read_text(&mut problem, "title", &title, "a title", 120);
        let body = read_text(&mut problem, "body", &body, "the announcement", 4000);
        problem.into_result()?;
        let (Some(title), Some(body)) = (title, body) else { return Err(crate::error::unexpected("announcement: missing")) };
        let id = crate::util::new_id();
        let t = crate::util::now();
        let mut tx = st.db.pool.begin().await?;
        sqlx::query(
            "INSERT INTO announcements (id, network_id, locality_id, title, body, posted_by, emailed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(&network_id)
        .bind(&locality)
        .bind(&title)
        .bind(&body)
        .bind(&viewer.user_id)
        .bind(email.is_some() as i64)
        .bind(t)
        .execute(&mut *tx)
        .await?;
        if email.is_some() {
            let rows = sqlx::query(
                "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.network_id = $1 AND m.status = 'active' AND ($2 = '' OR m.locality_id = $2) AND u.email IS NOT NULL
                   AND u.email_frequency <> 'never'",
            )
            .bind(&network_id)
            .bind(locality.as_deref().unwrap_or(""))
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let to: String = r.get("email");
                crate::email::queue(&mut tx, &to, &title, &format!("{body}\n\n— {}, community builder\n{}/home\n", viewer.display_name, st.config.public_url)).await?;
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
    }.await)
}

#[server(endpoint = "end_announcement")]
pub async fn end_announcement(announcement_id: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let row = sqlx::query("SELECT network_id, locality_id, title FROM announcements WHERE id = $1 AND ended_at IS NULL")
                .bind(&announcement_id)
                .fetch_optional(&st.db.pool)
                .await?
                .ok_or_else(|| AppError::not_found("announcement"))?;
            let network_id: String = row.get("network_id");
            let locality: Option<String> = row.get("locality_id");
            match &locality {
                Some(l) => require_builder_for(&viewer, &network_id, l)?,
                None => crate::networks::domain::require_whole_network_builder(&viewer, &network_id)?,
            }
            let mut tx = st.db.pool.begin().await?;
            let ended = sqlx::query("UPDATE announcements SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
                .bind(crate::util::now())
                .bind(&announcement_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if ended == 0 {
                return Err(AppError::Conflict("That announcement was already taken down.".into()));
            }
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::EndAnnouncement)
                    .in_network(&network_id, locality.as_deref())
                    .subject(format!("announcement:{announcement_id}"))
                    .change(row.get::<String, _>("title"), "taken down"),
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
