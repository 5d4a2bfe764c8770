//! Keeping What's on's entries: the entry form, saving, "checked: still right", taking an
//! entry down, and the builders' list. Community builders keep the entries of their area
//! (a whole-network builder also the network-wide ones); the people who act for an
//! organisation keep that organisation's entries, and a new entry they add is a proposal
//! members do not see until a builder of its area approves it (or turns it down with a
//! reason).

use super::{EntryFormView, KeeperView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{card, domain, form::EntryForm, keeps, seen_entry, sight, store, today, Keeping};
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

/// Who is filling in the form: a builder, or someone acting for one organisation.
#[cfg(feature = "ssr")]
enum Author {
    Builder,
    Organisation(store::OrganisationRow),
}

/// The areas an entry may be filed under in `network_id`: a builder's own scope; for an
/// organisation's people, every area (a builder of the area approves what is new).
#[cfg(feature = "ssr")]
async fn areas_for(st: &AppState, viewer: &Viewer, network_id: &str, author: &Author) -> Result<Vec<(String, String)>, AppError> {
    let builder = matches!(author, Author::Builder);
    let mut areas: Vec<(String, String)> = store::localities(&st.db, network_id)
        .await?
        .into_iter()
        .filter(|(id, _)| !builder || keeps(viewer, network_id, Some(id)))
        .collect();
    if !builder || keeps(viewer, network_id, None) {
        areas.insert(0, ("network".into(), "Every area (the whole network)".into()));
    }
    Ok(areas)
}

/// The organisation someone asked to add an entry for, if they act for it (else refused).
#[cfg(feature = "ssr")]
async fn own_organisation(st: &AppState, viewer: &Viewer, id: &str) -> Result<store::OrganisationRow, AppError> {
    let o = store::organisation(&st.db, id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    if !store::acts_for(&st.db, &o.id, &viewer.user_id).await? {
        return Err(AppError::Forbidden("Only the people who act for an organisation can add its entries.".into()));
    }
    Ok(o)
}

/// For an entry already kept: who the viewer is to it (refused if they may not change it).
#[cfg(feature = "ssr")]
async fn author_of(st: &AppState, e: &store::EntryRow, keeping: Keeping) -> Result<Author, AppError> {
    if keeping.builder {
        return Ok(Author::Builder);
    }
    if !keeping.organisation || e.status != "active" {
        return Err(AppError::Forbidden("Only its organisation and the community builders of its area can change this entry.".into()));
    }
    let o = store::organisation(&st.db, &e.organisation_id).await?.ok_or_else(|| crate::error::unexpected("entry: organisation"))?;
    Ok(Author::Organisation(o))
}

/// The entry form: empty for a new entry (a builder's, or for `organisation` by its
/// people), or filled with the one being changed.
#[server(endpoint = "directory_entry_form")]
pub async fn directory_entry_form(
    id: Option<String>,
    network: Option<String>,
    organisation: Option<String>,
) -> Result<EntryFormView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network_id, values, entry_id, author) = match (id.filter(|i| !i.is_empty()), organisation.filter(|o| !o.is_empty())) {
                (Some(id), _) => {
                    let (e, keeping) = seen_entry(&st, &viewer, &id).await?;
                    let author = author_of(&st, &e, keeping).await?;
                    (e.network_id.clone(), form_of(&e), Some(id), author)
                }
                (None, Some(o)) => {
                    let o = own_organisation(&st, &viewer, &o).await?;
                    let values = EntryForm { organisation: o.name.clone(), ..EntryForm::default() };
                    (o.network_id.clone(), values, None, Author::Organisation(o))
                }
                (None, None) => {
                    crate::networks::domain::require_some_builder(&viewer)?;
                    let (n, _) = crate::networks::store::builder_network(&st.db, &viewer, network.as_deref()).await?;
                    (n, EntryForm::default(), None, Author::Builder)
                }
            };
            let s = sight(&st, &viewer, Some(&network_id)).await?;
            let areas = areas_for(&st, &viewer, &network_id, &author).await?;
            let organisation = match author {
                Author::Organisation(o) => Some((o.id, o.name)),
                Author::Builder => None,
            };
            Ok(EntryFormView { network_id, network_name: s.network_name, areas, entry_id, values, organisation })
        }
        .await,
    )
}

/// The form's values for an entry as it stands.
#[cfg(feature = "ssr")]
fn form_of(e: &store::EntryRow) -> EntryForm {
    let when = e.when();
    let (on_date, weekday, nth) = match when.schedule {
        domain::Schedule::Once { on } => (domain::iso(on), String::new(), String::new()),
        domain::Schedule::Weekly { weekday } => (String::new(), weekday.to_string(), String::new()),
        domain::Schedule::Monthly { nth, weekday } => (String::new(), weekday.to_string(), nth.to_db().to_string()),
        domain::Schedule::Open => Default::default(),
    };
    let yes = |b: bool| b.then(|| "yes".to_string());
    EntryForm {
        organisation: e.organisation.clone(),
        title: e.title.clone(),
        kind: Some(e.kind.clone()),
        theme: Some(e.theme.clone()),
        description: e.description.clone(),
        area: e.locality_id.clone().unwrap_or_else(|| "network".into()),
        schedule: Some(e.schedule.clone()),
        on_date,
        weekday,
        nth,
        starts: when.starts.map(domain::clock).unwrap_or_default(),
        ends: when.ends.map(domain::clock).unwrap_or_default(),
        until: when.until.map(domain::iso).unwrap_or_default(),
        venue: e.venue.clone(),
        address: e.address.clone(),
        postcode: e.postcode.clone(),
        step_free: yes(e.is_step_free()),
        accessibility: e.accessibility.clone(),
        cost: Some(e.cost.clone()),
        cost_detail: e.cost_detail.clone(),
        audience: e.audience.clone(),
        places: e.places.map(|p| p.to_string()).unwrap_or_default(),
        how_to_join: e.how_to_join.clone(),
        contact: e.contact.clone(),
        public: yes(e.is_public()),
    }
}

/// Adds an entry (`entry_id` empty) or changes one; `organisation_id` is sent by the form of
/// someone acting for that organisation. Radio groups and tick boxes send nothing when none
/// is chosen, so they are optional here and refused with a message.
#[server(endpoint = "save_directory_entry")]
#[allow(clippy::too_many_arguments)]
pub async fn save_directory_entry(
    entry_id: Option<String>,
    network_id: String,
    organisation_id: Option<String>,
    organisation: String,
    title: String,
    kind: Option<String>,
    theme: Option<String>,
    description: String,
    area: String,
    schedule: Option<String>,
    on_date: String,
    weekday: String,
    nth: String,
    starts: String,
    ends: String,
    until: String,
    venue: String,
    address: String,
    postcode: String,
    step_free: Option<String>,
    accessibility: String,
    cost: Option<String>,
    cost_detail: String,
    audience: String,
    how_to_join: String,
    contact: String,
    public: Option<String>,
    places: Option<String>,
) -> Result<(), AppError> {
    let form = EntryForm {
        organisation,
        title,
        kind,
        theme,
        description,
        area,
        schedule,
        on_date,
        weekday,
        nth,
        starts,
        ends,
        until,
        venue,
        address,
        postcode,
        step_free,
        accessibility,
        cost,
        cost_detail,
        audience,
        how_to_join,
        contact,
        public,
        places: places.unwrap_or_default(),
    };
    finish(save_entry(entry_id.filter(|i| !i.is_empty()), network_id, organisation_id.filter(|o| !o.is_empty()), form).await)
}

#[cfg(feature = "ssr")]
async fn save_entry(
    entry_id: Option<String>,
    network_id: String,
    organisation_id: Option<String>,
    mut form: EntryForm,
) -> Result<(), AppError> {
    let st = state()?;
    let viewer = signed_in().await?;
    let (network_id, before, author) = match (&entry_id, &organisation_id) {
        (Some(id), _) => {
            let (e, keeping) = seen_entry(&st, &viewer, id).await?;
            let author = author_of(&st, &e, keeping).await?;
            (e.network_id.clone(), Some(e), author)
        }
        (None, Some(o)) => {
            let o = own_organisation(&st, &viewer, o).await?;
            (o.network_id.clone(), None, Author::Organisation(o))
        }
        (None, None) => {
            crate::networks::domain::require_some_builder(&viewer)?;
            (crate::networks::store::builder_network(&st.db, &viewer, Some(&network_id)).await?.0, None, Author::Builder)
        }
    };
    if let Author::Organisation(o) = &author {
        // Their own organisation's entry, shared publicly only if a builder shared it.
        form.organisation = o.name.clone();
        form.public = before.as_ref().is_some_and(|b| b.is_public()).then(|| "yes".into());
    }
    let area_ok = areas_for(&st, &viewer, &network_id, &author).await?.iter().any(|(id, _)| *id == form.area.trim());
    let draft = form.parse(area_ok, today())?;
    // A new entry from an organisation's people waits for a builder of its area.
    let proposed = before.is_none() && !keeps(&viewer, &network_id, draft.locality_id.as_deref());
    let at = crate::util::now();
    let mut tx = st.db.pool.begin().await?;
    let id = store::save(&mut tx, entry_id.as_deref(), &network_id, &draft, &viewer.user_id, at, proposed).await?;
    audit(
        &mut tx,
        &AuditEntry::new(&viewer.user_id, AuditAction::SaveDirectoryEntry)
            .in_network(&network_id, draft.locality_id.as_deref())
            .subject(format!("directory:{id}"))
            .change(before.map(|b| b.title).unwrap_or_default(), draft.title.clone()),
    )
    .await?;
    if proposed {
        let text = format!("{} asks to add \"{}\" to What's on: approve it or turn it down", draft.organisation, draft.title);
        for builder in crate::networks::store::builders_of(&mut tx, &network_id, draft.locality_id.as_deref()).await? {
            crate::notifications::notify(&mut tx, &st.config.public_url, &builder, &text, &format!("/whats-on/{id}")).await?;
        }
    }
    tx.commit().await?;
    leptos_axum::redirect(&format!("/whats-on/{id}?done={}", if proposed { "proposed" } else { "saved" }));
    Ok(())
}

/// Its keepers looked at an entry again and it is still right ("last checked" today).
#[server(endpoint = "check_directory_entry")]
pub async fn check_directory_entry(entry_id: String) -> Result<(), AppError> {
    finish(keeper_step(entry_id, AuditAction::CheckDirectoryEntry).await)
}

/// Takes an entry out of What's on (or withdraws a proposal).
#[server(endpoint = "close_directory_entry")]
pub async fn close_directory_entry(entry_id: String) -> Result<(), AppError> {
    finish(keeper_step(entry_id, AuditAction::CloseDirectoryEntry).await)
}

#[cfg(feature = "ssr")]
async fn keeper_step(entry_id: String, action: AuditAction) -> Result<(), AppError> {
    let st = state()?;
    let viewer = signed_in().await?;
    let (e, keeping) = seen_entry(&st, &viewer, &entry_id).await?;
    if !keeping.any() {
        return Err(AppError::Forbidden("Only its organisation and the community builders of its area can do that.".into()));
    }
    let at = crate::util::now();
    let mut tx = st.db.pool.begin().await?;
    let done = match action {
        AuditAction::CloseDirectoryEntry => store::close(&mut tx, &entry_id, at).await?,
        _ => store::mark_checked(&mut tx, &entry_id, &viewer.user_id, at).await?,
    };
    if !done {
        return Err(AppError::Conflict("That entry has been taken down already.".into()));
    }
    audit(
        &mut tx,
        &AuditEntry::new(&viewer.user_id, action)
            .in_network(&e.network_id, e.locality_id.as_deref())
            .subject(format!("directory:{entry_id}")),
    )
    .await?;
    tx.commit().await?;
    let done = if action == AuditAction::CloseDirectoryEntry { "closed" } else { "checked" };
    leptos_axum::redirect(&format!("/whats-on/{entry_id}?done={done}"));
    Ok(())
}

/// A builder of its area approves an organisation's new entry: members find it from now.
#[server(endpoint = "approve_directory_entry")]
pub async fn approve_directory_entry(entry_id: String) -> Result<(), AppError> {
    finish(decide_proposal(entry_id, None).await)
}

/// A builder of its area turns down an organisation's new entry, saying why.
#[server(endpoint = "turn_down_directory_entry")]
pub async fn turn_down_directory_entry(entry_id: String, reason: String) -> Result<(), AppError> {
    finish(decide_proposal(entry_id, Some(reason)).await)
}

/// Approves a proposal (`reason` none) or turns it down; its author is told either way.
#[cfg(feature = "ssr")]
async fn decide_proposal(entry_id: String, reason: Option<String>) -> Result<(), AppError> {
    let st = state()?;
    let viewer = signed_in().await?;
    let (e, keeping) = seen_entry(&st, &viewer, &entry_id).await?;
    if !keeping.builder {
        return Err(AppError::Forbidden("Only the community builders of its area can approve a new entry.".into()));
    }
    if !e.is_proposed() {
        return Err(AppError::Conflict("That entry is no longer waiting for approval.".into()));
    }
    if let Some(r) = &reason {
        let mut problem = FormProblem::new().keep("reason", r);
        let r = r.trim();
        if r.chars().count() < 3 {
            problem.push("reason", "Say why, so the organisation knows what to change.");
        } else if r.chars().count() > 500 || crate::util::has_control_chars(r) {
            problem.push("reason", "Keep it to 500 ordinary characters.");
        }
        problem.into_result()?;
    }
    let at = crate::util::now();
    let mut tx = st.db.pool.begin().await?;
    let (done, action, text, done_key) = match &reason {
        None => (
            store::approve(&mut tx, &e.id, &viewer.user_id, at).await?,
            AuditAction::ApproveDirectoryEntry,
            format!("\"{}\" is in What's on now: a community builder approved it", e.title),
            "approved",
        ),
        Some(r) => (
            store::close(&mut tx, &e.id, at).await?,
            AuditAction::TurnDownDirectoryEntry,
            format!("\"{}\" was not added to What's on: {}", e.title, r.trim()),
            "turned_down",
        ),
    };
    if !done {
        return Err(AppError::Conflict("That entry is no longer waiting for approval.".into()));
    }
    audit(
        &mut tx,
        &AuditEntry::new(&viewer.user_id, action)
            .in_network(&e.network_id, e.locality_id.as_deref())
            .subject(format!("directory:{}", e.id))
            .change("", reason.as_deref().map(str::trim).unwrap_or_default()),
    )
    .await?;
    crate::notifications::notify(&mut tx, &st.config.public_url, &e.created_by, &text, &format!("/whats-on/{}", e.id)).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/whats-on/{}?done={done_key}", e.id));
    Ok(())
}

/// The entries a builder keeps: proposals waiting for them, then those not checked for six
/// months, then the rest.
#[server(endpoint = "directory_keeper")]
pub async fn directory_keeper(network: Option<String>) -> Result<KeeperView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network_id, _) = crate::networks::store::builder_network(&st.db, &viewer, network.as_deref()).await?;
            let s = sight(&st, &viewer, Some(&network_id)).await?;
            let today = today();
            let stale_before = crate::util::now() - domain::REVIEW_AFTER_DAYS * crate::util::DAY;
            let to_card = |e: &store::EntryRow| {
                let when = e.when();
                card(e, &when, when.next_dates(today, 1).first().copied())
            };
            let mine = |e: &store::EntryRow| keeps(&viewer, &network_id, e.locality_id.as_deref());
            let waiting = store::proposed_entries(&st.db, &network_id).await?.iter().filter(|e| mine(e)).map(to_card).collect();
            let (mut due, mut others) = (vec![], vec![]);
            for e in store::open_entries(&st.db, &network_id, None).await?.iter().filter(|e| mine(e)) {
                if e.checked_at < stale_before { &mut due } else { &mut others }.push(to_card(e));
            }
            Ok(KeeperView { network_name: s.network_name, waiting, due, others })
        }
        .await,
    )
}

/// Reminds the keepers of an entry nobody has checked for six months (the builders of its
/// area and the people who act for its organisation): once, and again six months after
/// the next check.
#[cfg(feature = "ssr")]
pub async fn review_reminders(st: &AppState, t: i64) -> Result<usize, AppError> {
    let mut sent = 0;
    for e in store::reviews_due(&st.db, t - domain::REVIEW_AFTER_DAYS * crate::util::DAY).await? {
        let mut tx = st.db.pool.begin().await?;
        if store::claim_review_reminder(&mut tx, &e.id, t).await? {
            let mut keepers = crate::networks::store::builders_of(&mut tx, &e.network_id, e.locality_id.as_deref()).await?;
            keepers.extend(store::org_member_ids(&mut tx, &e.organisation_id).await?);
            keepers.sort();
            keepers.dedup();
            let text = format!("Nobody has checked \"{}\" in What's on for six months: is it still right?", e.title);
            for k in keepers {
                crate::notifications::notify(&mut tx, &st.config.public_url, &k, &text, &format!("/whats-on/{}", e.id)).await?;
            }
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}
