//! Browse and search, one listing (the route itself, which adds the way to respond, is
//! `exchanges::pages::ListingPage`), posting and editing, and "my listings".
// The browse results are drawn only on the server (into the browse cache), so their
// components are unused in the browser build.
#![cfg_attr(not(feature = "ssr"), allow(dead_code))]

use super::domain::{ListingKind, ListingStatus, Looker, Place};
use super::{
    browse_listings, get_listing, listing_choices, my_listings, BrowseFilters, ChangeListing, CreateListing, ListingCard, ListingDetail,
    ListingOptions, Suggestion, UpdateListing,
};
use crate::components::forms::{any, last_error, problem_of, ErrorSummary, Field, FilterSelect, Notice, Radios, Select, TextArea};
use crate::components::layout::{Loaded, PageError};
use crate::components::url::{param, urlencode};
use crate::error::FormProblem;
use crate::ledger::domain::Minutes;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// A query value, treating an empty one (an untouched filter) as absent.
fn query(name: &'static str) -> Option<String> {
    crate::components::url::query(name).filter(|v| !v.is_empty())
}

/// What the page says after the owner's last change (`?done=`).
pub fn done_message() -> Option<&'static str> {
    Some(match query("done")?.as_str() {
        "created" => "Your listing is up. Other members can find it now.",
        "saved" => "Your changes are saved.",
        "pause" => "Paused: it is hidden from search until you resume it.",
        "resume" => "It is back in search.",
        "close" => "Closed. It no longer shows in search.",
        "renew" => "Renewed: it shows again for the full time.",
        _ => return None,
    })
}

#[component]
fn Card(card: ListingCard) -> impl IntoView {
    let kind_class = match card.kind {
        ListingKind::Offer => "badge offer",
        ListingKind::Request => "badge request",
    };
    view! {
        <li class="listing-card">
            <p class=kind_class>{card.kind.label()}</p>
            <h3><a href=format!("/listings/{}", card.id)>{card.title.clone()}</a></h3>
            <p>{card.snippet.clone()}</p>
            <p class="meta">
                {card.category_name.clone()}" · "{card.locality_name.clone()}" · "{card.owner_name.clone()}
                {card.estimate_minutes.map(|m| format!(" · about {}", Minutes(m).display()))}
            </p>
        </li>
    }
}

#[component]
fn CardList(cards: Vec<ListingCard>) -> impl IntoView {
    view! {
        <ul class="listing-cards">
            {cards.into_iter().map(|c| view! { <Card card=c/> }).collect_view()}
        </ul>
    }
}

fn category_groups(c: &ListingOptions) -> Vec<(String, Vec<(String, String)>)> {
    let skills = c.categories.iter().filter(|c| !c.wellbeing).map(|c| (c.id.clone(), c.name.clone())).collect();
    let wellbeing = c.categories.iter().filter(|c| c.wellbeing).map(|c| (c.id.clone(), c.name.clone())).collect();
    vec![("Kinds of help".into(), skills), ("Wellbeing".into(), wellbeing)]
}

#[component]
pub fn ListingsPage() -> impl IntoView {
    let filters = BrowseFilters {
        q: query("q"),
        kind: query("kind"),
        category: query("category"),
        locality: query("locality"),
        sort: query("sort"),
        page: query("page").and_then(|p| p.parse().ok()),
        per: query("per").and_then(|p| p.parse().ok()),
        network: query("network"),
    };
    let data = Resource::new_blocking(move || filters.clone(), |f| browse_listings(Some(f)));
    view! {
        <Title text="Offers and requests"/>
        <h1>"Offers and requests"</h1>
        <Loaded titled=true data=data children=|v| view! {
            <BrowseActions looker=v.looker network=v.network.clone()/>
            <NetworkChoice networks=v.choose_network.clone()/>
            // Drawn by `BrowseBody` once per kept page (see `browse_listings`).
            <div class="browse" inner_html=v.html/>
        }/>
    }
}

/// Above the results: a member's ways to post; a visitor's invitation to join (and a
/// member waiting for approval, what they are waiting for).
#[component]
fn BrowseActions(looker: Looker, network: (String, String)) -> impl IntoView {
    match looker {
        Looker::Member => view! {
            <p class="actions">
                <a class="button primary" href="/listings/new">"Post an offer or request"</a>
                <a class="button" href="/my-listings">"My listings"</a>
            </p>
        }
        .into_any(),
        Looker::Visitor { waiting: true } => view! {
            <p class="notice" role="status">
                "A community builder will look at your joining soon. Until then you can look around; "
                "you can post and answer once you are welcomed in."
            </p>
        }
        .into_any(),
        Looker::Visitor { waiting: false } => {
            // Short, so the listings start on the first screen; the header has Sign in too.
            view! {
                <p class="visitor-intro">
                    "What people in "<strong>{network.1}</strong>" offer and ask for. "
                    <a href=crate::components::url::then_back_here("/join")>"Join"</a>" to take part: every hour you give earns an hour."
                </p>
            }
            .into_any()
        }
    }
}

/// For a visitor where several time banks let visitors look: which one.
#[component]
fn NetworkChoice(networks: Vec<(String, String)>) -> impl IntoView {
    (!networks.is_empty()).then(|| {
        view! {
            <h2>"Choose a time bank"</h2>
            <ul class="link-list">
                {networks.into_iter().map(|(slug, name)| view! {
                    <li><a href=format!("/listings?network={}", urlencode(&slug))>{name}</a></li>
                }).collect_view()}
            </ul>
        }
    })
}

/// The search form, the results and the pager of the browse page as HTML: drawn once per
/// kept page, so a kept page is not drawn again for every visitor. The browse cache keys
/// pages on everything this reads (the filters as typed, the page size, the network and
/// the viewer's area).
#[cfg(feature = "ssr")]
pub fn browse_body_html(filters: &BrowseFilters, v: &super::BrowseView) -> String {
    let (filters, v) = (filters.clone(), v.clone());
    view! { <BrowseBody filters v/> }.to_html()
}

/// Only drawn on the server (into the browse cache), never hydrated.
#[component]
fn BrowseBody(filters: BrowseFilters, v: super::BrowseView) -> impl IntoView {
    let page = filters.page.unwrap_or(1).max(1);
    let link = |p: u32| {
        let mut parts = vec![];
        for (k, val) in [
            ("q", &filters.q),
            ("kind", &filters.kind),
            ("category", &filters.category),
            ("locality", &filters.locality),
            ("sort", &filters.sort),
            ("network", &filters.network),
        ] {
            if let Some(val) = val {
                parts.push(format!("{k}={}", urlencode(val)));
            }
        }
        parts.push(format!("page={p}"));
        format!("/listings?{}", parts.join("&"))
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = v.has_more.then(|| link(page + 1));
    let searching = filters.q.is_some();
    let filters_open = filters.kind.is_some() || filters.category.is_some() || filters.locality.is_some() || filters.sort.is_some();
    view! {
        <form method="get" action="/listings" class="stack filters" role="search" aria-label="Find offers and requests">
            {filters.network.clone().map(|n| view! { <input type="hidden" name="network" value=n/> })}
            <div class="field">
                <label for="q">"Search"</label>
                <input id="q" name="q" type="search" value=filters.q.clone() placeholder="For example: gardening"/>
            </div>
            <details class="filter-more" open=filters_open>
            <summary>"More choices: offers or requests, kind of help, area, order"</summary>
            <div class="stack">
            <FilterSelect id="kind" label="Show" chosen=filters.kind.clone() options=vec![
                ("".into(), "Offers and requests".into()),
                ("offer".into(), "Offers of help".into()),
                ("request".into(), "Requests for help".into()),
            ]/>
            <FilterSelect id="category" label="Kind of help" chosen=filters.category.clone()
                options=any("Any", v.choices.categories.iter().map(|c| (c.id.clone(), c.name.clone())))/>
            <FilterSelect id="locality" label="Area" chosen=filters.locality.clone()
                options=any("All areas", v.choices.localities.iter().cloned())/>
            <FilterSelect id="sort" label="Order" chosen=filters.sort.clone() options=vec![
                ("".into(), if searching { "Best match" } else { "Newest first" }.into()),
                ("near".into(), "My area first".into()),
            ]/>
            </div>
            </details>
            <button type="submit" class="button primary">"Find"</button>
        </form>
        <h2 class="visually-hidden">"Results"</h2>
        {if v.cards.is_empty() {
            view! { <p role="status">"Nothing found. Try fewer words, another area, or post a request so people can offer."</p> }.into_any()
        } else {
            view! { <CardList cards=v.cards.to_vec()/> }.into_any()
        }}
        {(prev.is_some() || next.is_some()).then(|| view! {
            <nav class="pager" aria-label="Result pages">
                {prev.map(|h| view! { <a class="button" href=h rel="prev">"Previous"</a> })}
                <span>"Page "{page}</span>
                {next.map(|h| view! { <a class="button" href=h rel="next">"Next"</a> })}
            </nav>
        })}
    }
}

/// The fields of a listing, shared by "post" and "edit".
#[component]
fn ListingFields(
    problem: FormProblem,
    choices: ListingOptions,
    /// Posting from "Offer help" or "Ask for help": the kind is known, and what is optional
    /// waits behind "More details". `None`: the full form (posting from browse, editing).
    fixed_kind: Option<ListingKind>,
) -> impl IntoView {
    let kinds = vec![(
        "".to_string(),
        vec![("offer".to_string(), "I can offer help".to_string()), ("request".to_string(), "I would like help".to_string())],
    )];
    let places: Vec<(String, String)> = Place::ALL.iter().map(|p| (p.as_str().to_string(), p.label().to_string())).collect();
    let areas = vec![("".to_string(), choices.localities.clone())];
    let (title_hint, description_hint) = match fixed_kind {
        Some(ListingKind::Request) => ("A few words, like \"A lift to the surgery\".", "What you would like a hand with, and when."),
        _ => ("A few words, like \"Help with gardening\".", "What it involves, and anything people should know."),
    };
    let optional = view! {
        <Select label="Area" name="locality" problem=problem.clone() groups=areas value=choices.home_locality.clone()/>
        <Field label="Tags (optional)" name="tags" problem=problem.clone() hint="Up to 5 words, separated by commas, like: lawns, weeding."/>
        <Field label="When are you free? (optional)" name="availability" problem=problem.clone() hint="In your own words, like \"weekday mornings\"."/>
        <Field label="About how long? (optional)" name="estimate" problem=problem.clone() hint="For example 1 h 30 min."/>
    };
    // Open "More details" again when one of its fields needs correcting.
    let optional_problem = ["locality", "tags", "availability", "estimate"].iter().any(|f| problem.message_for(f).is_some());
    view! {
        {match fixed_kind {
            Some(kind) => view! { <input type="hidden" name="kind" value=kind.as_str()/> }.into_any(),
            None => view! { <Select label="Are you offering or asking?" name="kind" problem=problem.clone() groups=kinds/> }.into_any(),
        }}
        <Field label="Title" name="title" problem=problem.clone() hint=title_hint required=true/>
        <TextArea label="Description" name="description" problem=problem.clone() rows=4 maxlength=2000
            hint=description_hint required=true/>
        <Select label="Kind of help" name="category" problem=problem.clone() groups=category_groups(&choices)/>
        <Radios legend="Where would it happen?" name="place" problem=problem.clone() options=places/>
        {match fixed_kind {
            Some(_) => view! {
                <details class="more-fields" open=optional_problem>
                    <summary>"More details (optional): area, tags, when, how long"</summary>
                    <div class="stack">{optional}</div>
                </details>
            }.into_any(),
            None => optional.into_any(),
        }}
    }
}

#[component]
pub fn NewListingPage() -> impl IntoView {
    let action = ServerAction::<CreateListing>::new();
    let error = last_error(action);
    let choices = Resource::new_blocking(|| (), |_| listing_choices());
    // From "Offer help" or "Ask for help" (a form sent back with a mistake keeps its address).
    let fixed_kind = crate::components::url::query("kind").and_then(|k| ListingKind::parse(&k));
    let (title, lead) = match fixed_kind {
        Some(ListingKind::Offer) => ("Offer help", "Say what you can do for a neighbour. Your email and phone number are never shown."),
        Some(ListingKind::Request) => ("Ask for help", "Say what you would like a hand with. Your email and phone number are never shown."),
        None => (
            "Post an offer or request",
            "Tell people what you can do, or what you'd like a hand with. Your email and phone number are never shown.",
        ),
    };
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <p class="lead">{lead}</p>
        <Loaded titled=true data=choices children=move |c| {
            let error = error.clone();
            let problem = problem_of(&error);
            let visitors_see = c.visitors_see;
            view! {
                <ErrorSummary error=error/>
                {visitors_see.then(|| view! {
                    <p class="hint">"People who have not joined yet can see open listings too, with your first name and area only."</p>
                })}
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <ListingFields problem=problem choices=c fixed_kind=fixed_kind/>
                    <button type="submit" class="button primary">"Post it"</button>
                </ActionForm>
            }
        }/>
    }
}

#[component]
pub fn EditListingPage() -> impl IntoView {
    let id = param("id");
    let action = ServerAction::<UpdateListing>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(
        move || id.clone(),
        |id| async move { Ok::<_, crate::error::AppError>((get_listing(id).await?, listing_choices().await?)) },
    );
    view! {
        <Title text="Change your listing"/>
        <h1>"Change your listing"</h1>
        <Loaded titled=true data=data children=move |(d, c)| {
            if !d.is_owner {
                return view! { <PageError error=crate::error::AppError::Forbidden("Only the person who posted this can change it.".into())/> }.into_any();
            }
            let error = error.clone();
            let back = format!("/listings/{}", d.card.id);
            // First time: the listing as saved; after a mistake: what was typed.
            let problem = if error.is_some() { problem_of(&error) } else { saved_values(&d) };
            view! {
                <ErrorSummary error=error/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="id" value=d.card.id.clone()/>
                    <ListingFields problem=problem choices=c fixed_kind=None/>
                    <button type="submit" class="button primary">"Save changes"</button>
                </ActionForm>
                <p><a href=back>"Back to the listing"</a></p>
            }.into_any()
        }/>
    }
}

fn saved_values(d: &ListingDetail) -> FormProblem {
    FormProblem::new()
        .keep("kind", d.card.kind.as_str())
        .keep("title", &d.card.title)
        .keep("description", &d.description)
        .keep("category", &d.category_id)
        .keep("tags", &d.tags.join(", "))
        .keep("locality", &d.locality_id)
        .keep("place", d.card.place.as_str())
        .keep("availability", &d.availability)
        .keep("estimate", &d.card.estimate_minutes.map(|m| Minutes(m).display()).unwrap_or_default())
}

/// The owner's buttons for a listing: each a small form, so they work without JavaScript.
#[component]
fn OwnerActions(id: String, status: ListingStatus, expires_at: i64, now: i64) -> impl IntoView {
    let action = ServerAction::<ChangeListing>::new();
    let changes = crate::listings::domain::owner_changes(status, expires_at, now);
    view! {
        <div class="owner-actions">
            <a class="button" href=format!("/listings/{id}/edit")>"Change"</a>
            {changes.into_iter().map(|change| {
                let id = id.clone();
                view! {
                <ActionForm action=action attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="change" value=change.as_str()/>
                    <button type="submit" class="button">{change.label(status)}</button>
                </ActionForm>
            }}).collect_view()}
        </div>
    }
}

fn status_text(status: ListingStatus, expires_at: i64, now: i64) -> String {
    match status {
        ListingStatus::Closed => "Closed".into(),
        ListingStatus::Paused => "Paused".into(),
        ListingStatus::Open if expires_at <= now => "Expired: renew it to show it again".into(),
        ListingStatus::Open => format!("Open until {}", format_date(expires_at)),
    }
}

fn now_secs() -> i64 {
    #[cfg(feature = "ssr")]
    {
        crate::util::now()
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}

/// One listing as its page shows it: what it is, the owner's buttons, the way to respond
/// (`children`: shown only to other members, while the listing is open and not hidden),
/// the matches, the report link. `done` is the notice after the owner's last change.
#[component]
pub fn ListingView(
    detail: ListingDetail,
    matches: Vec<Suggestion>,
    done: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let d = detail;
    let now = now_secs();
    let c = d.card.clone();
    let respond = (!d.is_owner && !c.hidden && c.status == ListingStatus::Open && c.expires_at > now).then_some(children).flatten();
    view! {
        <Title text=c.title.clone()/>
        {done.map(|m| view! { <Notice>{m}</Notice> })}
        <p class=if c.kind == ListingKind::Offer { "badge offer" } else { "badge request" }>{c.kind.label()}</p>
        <h1>{c.title.clone()}</h1>
        <p class="description">{d.description.clone()}</p>
        <dl class="facts card">
            <dt>{if c.kind == ListingKind::Offer { "Offered by" } else { "Asked by" }}</dt><dd>{if d.looker.is_visitor() {
                view! { {c.owner_name.clone()} }.into_any()
            } else {
                view! { <a href=format!("/members/{}", d.owner_id)>{c.owner_name.clone()}</a> }.into_any()
            }}</dd>
            <dt>"Kind of help"</dt><dd>{c.category_name.clone()}</dd>
            <dt>"Area"</dt><dd>{c.locality_name.clone()}</dd>
            <dt>"Where"</dt><dd>{c.place.label()}</dd>
            {(!d.availability.is_empty()).then(|| view! { <dt>"When"</dt><dd>{d.availability.clone()}</dd> })}
            {c.estimate_minutes.map(|m| view! { <dt>"About"</dt><dd>{Minutes(m).display()}</dd> })}
            {(!d.tags.is_empty()).then(|| view! { <dt>"Tags"</dt><dd>{d.tags.join(", ")}</dd> })}
            <dt>"Posted"</dt><dd>{format_date(c.created_at)}</dd>
            <dt>"Status"</dt><dd>{status_text(c.status, c.expires_at, now)}</dd>
        </dl>
        {c.hidden.then(|| view! {
            <p class="notice" role="status">"A community builder has hidden this listing: it does not show in search. Contact your community builder to talk about it."</p>
        })}
        {d.is_owner.then(|| view! { <OwnerActions id=c.id.clone() status=c.status expires_at=c.expires_at now=now/> })}
        {respond.map(|children| children())}
        <Matches items=matches kind=c.kind/>
        {(!d.is_owner && !d.looker.is_visitor()).then(|| view! {
            <p class="report-link"><a href=format!("/report?kind=listing&id={}", c.id)>"Report this listing"</a></p>
        })}
        <p><a href="/listings" class="back-link">"Back to offers and requests"</a></p>
    }
}

#[component]
pub fn MyListingsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| my_listings());
    let done = done_message();
    view! {
        <Title text="My listings"/>
        <h1>"My listings"</h1>
        {done.map(|m| view! { <Notice>{m}</Notice> })}
        <p class="actions"><a class="button primary" href="/listings/new">"Post an offer or request"</a></p>
        <Loaded titled=true data=data children=|cards| {
            if cards.is_empty() {
                return view! { <p>"You have not posted anything yet."</p> }.into_any();
            }
            let now = now_secs();
            view! {
                <ul class="listing-cards">
                    {cards.into_iter().map(|c| {
                        let status = status_text(c.status, c.expires_at, now);
                        view! {
                            <li class="listing-card">
                                <p class=if c.kind == ListingKind::Offer { "badge offer" } else { "badge request" }>{c.kind.label()}</p>
                                <h2 class="h3"><a href=format!("/listings/{}", c.id)>{c.title.clone()}</a></h2>
                                <p class="meta">{status}{c.hidden.then_some(" · hidden by a community builder")}</p>
                                <OwnerActions id=c.id.clone() status=c.status expires_at=c.expires_at now=now/>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }/>
    }
}

/// Suggestions with their reasons.
#[component]
pub fn SuggestionList(items: Vec<Suggestion>) -> impl IntoView {
    view! {
        <ul class="listing-cards">
            {items.into_iter().map(|s| view! {
                <li class="listing-card">
                    <p class=if s.card.kind == ListingKind::Offer { "badge offer" } else { "badge request" }>{s.card.kind.label()}</p>
                    <h3><a href=format!("/listings/{}", s.card.id)>{s.card.title.clone()}</a></h3>
                    <p class="meta">{s.card.owner_name.clone()}" · "{s.reason.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Below a listing: the other side of the market in the same kind of help.
#[component]
fn Matches(items: Vec<Suggestion>, kind: ListingKind) -> impl IntoView {
    let heading = match kind {
        ListingKind::Request => "Offers that could meet this",
        ListingKind::Offer => "Requests this could meet",
    };
    (!items.is_empty()).then(|| {
        view! {
            <section aria-labelledby="matches-heading">
                <h2 id="matches-heading">{heading}</h2>
                <SuggestionList items=items/>
            </section>
        }
    })
}
