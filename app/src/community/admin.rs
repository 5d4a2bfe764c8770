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
            let mut out: Vec<NetworkAdminView> = sqlx::query("SELECT id, name, council_area FROM networks ORDER BY name")
                .fetch_all(&st.db.pool)
                .await?
                .into_iter()
                .map(|r| NetworkAdminView {
                    id: r.get("id"),
                    name: r.get("name"),
                    council_area: r.get("council_area"),
                    localities: vec![],
                    builders: vec![],
                })
                .collect();
            for n in &mut out {
                n.localities = sqlx::query("SELECT id, name, population FROM localities WHERE network_id = $1 ORDER BY name")
                    .bind(&n.id)
                    .fetch_all(&st.db.pool)
                    .await?
                    .into_iter()
                    .map(|r| (r.get("id"), r.get("name"), r.get("population")))
                    .collect();
                n.builders = sqlx::query(
                    "SELECT u.display_name, l.name AS locality_name FROM builder_roles b JOIN users u ON u.id = b.user_id
                 LEFT JOIN localities l ON l.id = b.locality_id WHERE b.network_id = $1 ORDER BY u.display_name",
                )
                .bind(&n.id)
                .fetch_all(&st.db.pool)
                .await?
                .into_iter()
                .map(|r| (r.get("display_name"), r.get::<Option<String>, _>("locality_name").unwrap_or_else(|| "Whole network".into())))
                .collect();
            }
            Ok(out)
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
            let taken = sqlx::query("SELECT 1 FROM networks WHERE slug = $1 OR lower(name) = lower($2)")
                .bind(&slug)
                .bind(&name)
                .fetch_optional(&st.db.pool)
                .await?;
            if taken.is_some() {
                return Err(AppError::invalid("name", "There is already a network with that name."));
            }
            let (id, lid, t) = (crate::util::new_id(), crate::util::new_id(), crate::util::now());
            let mut tx = st.db.pool.begin().await?;
            sqlx::query("INSERT INTO networks (id, slug, name, council_area, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(&slug)
                .bind(&name)
                .bind(&area)
                .bind(t)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO localities (id, network_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&lid)
                .bind(&id)
                .bind(slugify(&first))
                .bind(&first)
                .bind(t)
                .execute(&mut *tx)
                .await?;
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
            let exists = sqlx::query("SELECT 1 FROM networks WHERE id = $1").bind(&network_id).fetch_optional(&st.db.pool).await?;
            if exists.is_none() {
                return Err(AppError::invalid("network_id", "Choose the network the locality belongs to."));
            }
            let slug = slugify(&name);
            let taken = sqlx::query("SELECT 1 FROM localities WHERE network_id = $1 AND slug = $2")
                .bind(&network_id)
                .bind(&slug)
                .fetch_optional(&st.db.pool)
                .await?;
            if taken.is_some() {
                return Err(AppError::invalid("locality_name", "That network already has a locality with that name."));
            }
            let id = crate::util::new_id();
            let mut tx = st.db.pool.begin().await?;
            sqlx::query("INSERT INTO localities (id, network_id, slug, name, population, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&id)
                .bind(&network_id)
                .bind(&slug)
                .bind(&name)
                .bind(population)
                .bind(crate::util::now())
                .execute(&mut *tx)
                .await?;
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
            let user = sqlx::query("SELECT id, display_name FROM users WHERE email = $1")
                .bind(email.trim().to_lowercase())
                .fetch_optional(&st.db.pool)
                .await?;
            let Some(user) = user else {
                return Err(AppError::Invalid(problem.field("email", "There is no account with that email. Ask them to join first.")));
            };
            let found = match scope.strip_prefix("net:") {
                Some(n) => {
                    sqlx::query("SELECT id AS network_id, NULL AS locality_id FROM networks WHERE id = $1")
                        .bind(n)
                        .fetch_optional(&st.db.pool)
                        .await?
                }
                None => {
                    sqlx::query("SELECT network_id, id AS locality_id FROM localities WHERE id = $1")
                        .bind(&scope)
                        .fetch_optional(&st.db.pool)
                        .await?
                }
            };
            let Some(found) = found else {
                return Err(AppError::Invalid(problem.field("scope", "Choose a whole network or one of its localities.")));
            };
            let network_id: String = found.get("network_id");
            let locality: Option<String> = found.get("locality_id");
            let user_id: String = user.get("id");
            let dup = sqlx::query("SELECT 1 FROM builder_roles WHERE user_id = $1 AND network_id = $2 AND COALESCE(locality_id, '') = $3")
                .bind(&user_id)
                .bind(&network_id)
                .bind(locality.as_deref().unwrap_or(""))
                .fetch_optional(&st.db.pool)
                .await?;
            if dup.is_some() {
                return Err(AppError::Conflict("They already build for that scope.".into()));
            }
            let mut tx = st.db.pool.begin().await?;
            sqlx::query("INSERT INTO builder_roles (id, user_id, network_id, locality_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(crate::util::new_id())
                .bind(&user_id)
                .bind(&network_id)
                .bind(&locality)
                .bind(crate::util::now())
                .execute(&mut *tx)
                .await?;
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
