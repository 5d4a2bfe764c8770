//! The site admins' page: networks, localities and their community builders.

use super::super::{admin_networks, AppointBuilder, CreateLocality, CreateNetwork, NetworkAdminView};
use super::Done;
use crate::components::forms::{last_error, problem_of, ErrorSummary, Field, Select};
use crate::components::layout::Loaded;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Site admins: networks, localities and their community builders.
#[component]
pub fn AdminNetworksPage() -> impl IntoView {
    let network = ServerAction::<CreateNetwork>::new();
    let locality = ServerAction::<CreateLocality>::new();
    let builder = ServerAction::<AppointBuilder>::new();
    let forms = AdminForms {
        network,
        locality,
        builder,
        network_error: last_error(network),
        locality_error: last_error(locality),
        builder_error: last_error(builder),
    };
    let data = Resource::new_blocking(|| (), |_| admin_networks());
    view! {
        <Title text="Networks"/>
        <h1>"Networks"</h1>
        <Done/>
        <Loaded titled=true data=data children=move |nets| networks_view(nets, forms.clone())/>
    }
}

/// The admin page's forms and what each last refused.
#[derive(Clone)]
struct AdminForms {
    network: ServerAction<CreateNetwork>,
    locality: ServerAction<CreateLocality>,
    builder: ServerAction<AppointBuilder>,
    network_error: Option<AppError>,
    locality_error: Option<AppError>,
    builder_error: Option<AppError>,
}

fn networks_view(nets: Vec<NetworkAdminView>, f: AdminForms) -> impl IntoView {
    let AdminForms { network, locality, builder, network_error: ne, locality_error: le, builder_error: be } = f;
    let (np, lp, bp) = (problem_of(&ne), problem_of(&le), problem_of(&be));
    let network_choices = vec![("Networks".to_string(), nets.iter().map(|n| (n.id.clone(), n.name.clone())).collect::<Vec<_>>())];
    let scopes: Vec<(String, Vec<(String, String)>)> = nets
        .iter()
        .map(|n| {
            let mut v = vec![(format!("net:{}", n.id), format!("All of {}", n.name))];
            v.extend(n.localities.iter().map(|(id, name, _)| (id.clone(), name.clone())));
            (n.name.clone(), v)
        })
        .collect();
    view! {
        {nets.into_iter().map(|n| {
            let heading = format!("net-{}", n.id);
            let heading_ref = heading.clone();
            view! {
                <section class="card" aria-labelledby=heading_ref>
                    <h2 id=heading>{n.name.clone()}</h2>
                    <p class="meta">{n.council_area.clone()}</p>
                    <h3>"Localities"</h3>
                    <ul>
                        {n.localities.iter().map(|(_, name, pop)| view! {
                            <li>{name.clone()}{pop.map(|p| format!(" · {p} residents"))}</li>
                        }).collect_view()}
                    </ul>
                    <h3>"Community builders"</h3>
                    <ul>{n.builders.iter().map(|(who, scope)| view! { <li>{who.clone()}" · "{scope.clone()}</li> }).collect_view()}</ul>
                </section>
            }
        }).collect_view()}
        <section class="card" aria-labelledby="appoint-heading">
            <h2 id="appoint-heading">"Appoint a community builder"</h2>
            <ErrorSummary error=be.clone()/>
            <ActionForm action=builder attr:class="stack" attr:novalidate=true>
                <Field label="Their account's email" name="email" kind="email" problem=bp.clone()/>
                <Select label="For" name="scope" problem=bp.clone() groups=scopes/>
                <button type="submit" class="button">"Appoint"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="locality-heading">
            <h2 id="locality-heading">"Add a locality"</h2>
            <ErrorSummary error=le.clone()/>
            <ActionForm action=locality attr:class="stack" attr:novalidate=true>
                <Select label="Network" name="network_id" problem=lp.clone() groups=network_choices/>
                <Field label="Locality name" name="locality_name" problem=lp.clone()/>
                <Field label="Residents (for rates per 1,000)" name="population" problem=lp.clone() inputmode="numeric"/>
                <button type="submit" class="button">"Add the locality"</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="new-network">
            <h2 id="new-network">"New network"</h2>
            <ErrorSummary error=ne.clone()/>
            <ActionForm action=network attr:class="stack" attr:novalidate=true>
                <Field label="Name" name="name" problem=np.clone()/>
                <Field label="Council area" name="council_area" problem=np.clone()/>
                <Field label="First locality" name="first_locality" problem=np.clone()/>
                <button type="submit" class="button primary">"Create the network"</button>
            </ActionForm>
        </section>
    }
}
