//! Site admins: networks, localities and the builders appointed to them.

#[allow(unused_imports)]
use super::*;

#[server(endpoint = "admin_networks")]
pub async fn admin_networks() -> Result<Vec<NetworkAdminView>, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_site_admin(&viewer)?;
            store::networks(&st.db).await
        }
        .await,
    )
}

#[server(endpoint = "create_network")]
pub async fn create_network(name: String, council_area: String, first_locality: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_site_admin(&viewer)?;
            let mut problem =
                keep(FormProblem::new(), &[("name", &name), ("council_area", &council_area), ("first_locality", &first_locality)]);
            let name = read_text(&mut problem, "name", &name, "the network's name", 100);
            let area = read_text(&mut problem, "council_area", &council_area, "the council area", 100);
            let first = read_text(&mut problem, "first_locality", &first_locality, "the first locality's name", 100);
            problem.into_result()?;
            let (Some(name), Some(area), Some(first)) = (name, area, first) else {
                return Err(crate::error::unexpected("network: missing"));
            };
            let slug = slugify(&name);
            if store::network_taken(&st.db, &slug, &name).await? {
                return Err(AppError::invalid("name", "There is already a network with that name."));
            }
            let (id, lid, t) = (crate::util::new_id(), crate::util::new_id(), crate::util::now());
            let mut tx = st.db.pool.begin().await?;
            store::insert_network(&mut tx, &id, &slug, &name, &area, t).await?;
            let first_slug = slugify(&first);
            let locality = store::NewLocality { id: &lid, network_id: &id, slug: &first_slug, name: &first, population: None, at: t };
            store::insert_locality(&mut tx, &locality).await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::CreateNetwork)
                    .in_network(&id, Some(&lid))
                    .change("", format!("{name} ({area}), first locality {first}")),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/admin/networks?done=network");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "create_locality")]
pub async fn create_locality(network_id: String, locality_name: String, population: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_site_admin(&viewer)?;
            let mut problem =
                keep(FormProblem::new(), &[("network_id", &network_id), ("locality_name", &locality_name), ("population", &population)]);
            let name = read_text(&mut problem, "locality_name", &locality_name, "the locality's name", 100);
            let population = match population.trim().replace(',', "") {
                p if p.is_empty() => Some(None),
                p => match p.parse::<i64>() {
                    Ok(n) if (1..=10_000_000).contains(&n) => Some(Some(n)),
                    _ => {
                        problem.push("population", "Write the number of residents, for example 27400, or leave it empty.");
                        None
                    }
                },
            };
            problem.into_result()?;
            let (Some(name), Some(population)) = (name, population) else { return Err(crate::error::unexpected("locality: missing")) };
            if !store::network_exists(&st.db, &network_id).await? {
                return Err(AppError::invalid("network_id", "Choose the network the locality belongs to."));
            }
            let slug = slugify(&name);
            if store::locality_taken(&st.db, &network_id, &slug).await? {
                return Err(AppError::invalid("locality_name", "That network already has a locality with that name."));
            }
            let id = crate::util::new_id();
            let mut tx = st.db.pool.begin().await?;
            let locality =
                store::NewLocality { id: &id, network_id: &network_id, slug: &slug, name: &name, population, at: crate::util::now() };
            store::insert_locality(&mut tx, &locality).await?;
            audit(
                &mut tx,
                &AuditEntry::new(&viewer.user_id, AuditAction::CreateLocality).in_network(&network_id, Some(&id)).change("", name),
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/admin/networks?done=locality");
            Ok(())
        }
        .await,
    )
}

/// Makes someone (by their account's email) a community builder for a whole network
/// (`scope` = `net:<network id>`) or one locality (`scope` = the locality's id).
#[server(endpoint = "appoint_builder")]
pub async fn appoint_builder(email: String, scope: String) -> Result<(), AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            require_site_admin(&viewer)?;
            let problem = keep(FormProblem::new(), &[("email", &email), ("scope", &scope)]);
            let Some(user_id) = store::user_by_email(&st.db, &email.trim().to_lowercase()).await? else {
                return Err(AppError::Invalid(problem.field("email", "There is no account with that email. Ask them to join first.")));
            };
            let Some((network_id, locality)) = store::builder_scope(&st.db, &scope).await? else {
                return Err(AppError::Invalid(problem.field("scope", "Choose a whole network or one of its localities.")));
            };
            if store::builder_role_exists(&st.db, &user_id, &network_id, locality.as_deref()).await? {
                return Err(AppError::Conflict("They already build for that scope.".into()));
            }
            let mut tx = st.db.pool.begin().await?;
            store::insert_builder_role(&mut tx, &user_id, &network_id, locality.as_deref()).await?;
            let mut entry = AuditEntry::new(&viewer.user_id, AuditAction::AppointBuilder)
                .in_network(&network_id, locality.as_deref())
                .change("", format!("community builder for {}", if locality.is_some() { "a locality" } else { "the whole network" }));
            entry.subject_user_id = Some(user_id);
            audit(&mut tx, &entry).await?;
            tx.commit().await?;
            leptos_axum::redirect("/admin/networks?done=builder");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub(super) fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        crate::util::new_id()[..8].to_string()
    } else {
        out
    }
}
