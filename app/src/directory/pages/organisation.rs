//! An organisation's page: what it runs, and (for the network's builders) who acts for it.

use super::EntryCardItem;
use crate::components::forms::{last_error, problem_of, ErrorSummary, MemberField, Notice};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::directory::organisations::{directory_organisation, AddOrganisationMember, OrganisationView, RemoveOrganisationMember};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/whats-on/organisations/:id`
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new_blocking(move || id.clone(), directory_organisation);
    let add = ServerAction::<AddOrganisationMember>::new();
    let remove = ServerAction::<RemoveOrganisationMember>::new();
    let error = last_error(add).or(last_error(remove));
    let done = query("done");
    view! {
        <Title text="Organisation"/>
        <Loaded data=data children=move |o| organisation(o, done.clone(), add, remove, error.clone())/>
    }
}

fn organisation(
    o: OrganisationView,
    done: Option<String>,
    add: ServerAction<AddOrganisationMember>,
    remove: ServerAction<RemoveOrganisationMember>,
    error: Option<AppError>,
) -> impl IntoView {
    let done = match done.as_deref() {
        Some("added") => Some("Added. They can now answer the referrals made to this organisation."),
        Some("removed") => Some("Removed. They no longer act for this organisation."),
        _ => None,
    };
    let p = problem_of(&error);
    let manager = o.manager;
    let people = if o.members.is_empty() {
        view! { <p>"Nobody yet: nobody can be referred to it until someone is named."</p> }.into_any()
    } else {
        let items = o
            .members
            .clone()
            .into_iter()
            .map(|(user_id, name)| {
                let org_id = o.id.clone();
                let remove_label = format!("Remove {name}");
                let remove_form = manager.then(|| {
                    view! {
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="organisation_id" value=org_id/>
                            <input type="hidden" name="user_id" value=user_id/>
                            <button type="submit" class="button">{remove_label}</button>
                        </ActionForm>
                    }
                });
                view! { <li>{name}{remove_form}</li> }
            })
            .collect_view();
        view! { <ul class="people-list">{items}</ul> }.into_any()
    };
    let org_id = o.id.clone();
    let add_form = manager.then(|| {
        view! {
            <ErrorSummary error=error.clone()/>
            <ActionForm action=add attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="organisation_id" value=org_id/>
                <MemberField label="Add someone who acts for it" name="member" problem=p.clone()
                    hint="A member of the time bank: type part of their name, email or phone number."/>
                <button type="submit" class="button primary">"Add them"</button>
            </ActionForm>
        }
    });
    view! {
        <p><a href="/whats-on">"← What's on"</a></p>
        {done.map(|m| view! { <Notice>{m}</Notice> })}
        <h1>{o.name.clone()}</h1>
        <p class="meta">{format!("Runs activities and services in {}", o.network_name)}</p>
        {o.acts_for.then(|| view! {
            <p class="actions">
                <a class="button primary" href="/referrals/onward">"Referrals to this organisation"</a>
                <a class="button" href=format!("/whats-on/new?organisation={}", o.id)>"Suggest a new entry"</a>
            </p>
        })}
        <h2>"What it runs"</h2>
        {if o.entries.is_empty() {
            view! { <p>"Nothing on at the moment."</p> }.into_any()
        } else {
            view! { <ul class="listing-cards">{o.entries.clone().into_iter().map(|c| view! { <EntryCardItem card=c/> }).collect_view()}</ul> }.into_any()
        }}
        {(o.manager || o.acts_for).then(|| view! {
            <section class="card" aria-labelledby="people-heading">
                <h2 id="people-heading">"Who acts for it"</h2>
                <p class="meta">"They see and answer the referrals made to its activities and services."</p>
                {people}
                {add_form}
            </section>
        })}
    }
}
