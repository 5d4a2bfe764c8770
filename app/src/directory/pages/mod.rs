//! What's on's screens: the list with its filters (a plain GET form), an entry's page
//! with its next dates and calendar file, the builders' entry form and their list of
//! entries to check. Every form works with JavaScript off.

use super::domain::{Cost, DayPart, EntryKind, Filters, Theme, WEEKDAYS};
use super::going::{entry_going, DateView, GoingDate, NotGoing, RecordAttendance, SayGoing};
use super::{
    directory_entry, directory_entry_form, directory_keeper, whats_on, ApproveDirectoryEntry, CheckDirectoryEntry, CloseDirectoryEntry,
    EntryCard, EntryFormView, EntryView, SaveDirectoryEntry, TurnDownDirectoryEntry, WhatsOnView,
};
use crate::components::forms::{
    any, last_error, problem_of, Checkbox, ErrorSummary, Field, FilterSelect, Notice, Radios, Select, TextArea,
};
use crate::components::layout::Loaded;
use crate::error::FormProblem;
use leptos::prelude::*;
use leptos_meta::Title;

mod organisation;
pub use organisation::OrganisationPage;

/// A query value, treating an empty one (an untouched filter) as absent.
fn query(name: &'static str) -> Option<String> {
    crate::components::url::query(name).filter(|v| !v.is_empty())
}

fn done_message() -> Option<&'static str> {
    Some(match query("done")?.as_str() {
        "saved" => "Saved. Members can find it in What's on now.",
        "proposed" => "Sent to the community builders. Members will find it once one of them approves it; we will tell you.",
        "approved" => "Approved. Members can find it in What's on now, and the organisation has been told.",
        "turned_down" => "Turned down. The organisation has been told why.",
        "checked" => "Marked as checked today.",
        "closed" => "Taken down. It no longer shows in What's on.",
        "going" => "You are going. It is on your list below.",
        "waiting" => "It is full, so you are on the waiting list. If a place comes free it is yours, and we will tell you.",
        "not_going" => "Done: you are not going. Your place is free for someone else.",
        "recorded" => "Saved: who came.",
        _ => return None,
    })
}

#[component]
pub(super) fn EntryCardItem(card: EntryCard) -> impl IntoView {
    view! {
        <li class="listing-card">
            <p class="badge whats-on">{card.kind.clone()}</p>
            {card.proposed.then(|| view! { <p class="badge">"Waiting for approval"</p> })}
            <h3><a href=format!("/whats-on/{}", card.id)>{card.title.clone()}</a></h3>
            <p class="when">
                {card.next.clone().map(|n| view! { <strong>"Next: "{n}</strong><br/> })}
                {card.when.clone()}
            </p>
            <p class="meta">
                {card.organisation.clone()}" · "{if card.area.is_empty() { "Every area".to_string() } else { card.area.clone() }}
                " · "{card.cost.clone()}{card.step_free.then_some(" · Step-free")}
            </p>
        </li>
    }
}

/// What's on near me: the filters, then what passes them, soonest first.
#[component]
pub fn WhatsOnPage() -> impl IntoView {
    let filters = Filters {
        q: query("q"),
        kind: query("kind"),
        theme: query("theme"),
        area: query("area"),
        day: query("day"),
        part: query("part"),
        cost: query("cost"),
        step_free: query("step_free"),
        week: query("week"),
    };
    let network = query("network");
    let data = Resource::new_blocking(move || (filters.clone(), network.clone()), |(f, n)| whats_on(Some(f), n));
    view! {
        <Title text="What's on"/>
        <h1>"What's on"</h1>
        <Loaded titled=true data=data children=whats_on_body/>
    }
}

fn whats_on_body(v: WhatsOnView) -> impl IntoView {
    let f = Filters {
        q: query("q"),
        kind: query("kind"),
        theme: query("theme"),
        area: Some(v.area.clone()),
        day: query("day"),
        part: query("part"),
        cost: query("cost"),
        step_free: query("step_free"),
        week: query("week"),
    };
    let more_open =
        f.kind.is_some() || f.theme.is_some() || f.day.is_some() || f.part.is_some() || f.cost.is_some() || f.step_free.is_some();
    let areas = std::iter::once(("all".to_string(), "Every area".to_string())).chain(v.areas.iter().cloned()).collect();
    let days = any("Any day", WEEKDAYS.iter().enumerate().map(|(i, d)| (i.to_string(), d.to_string())));
    let network = query("network");
    view! {
        <p class="lead">"Groups, activities and services in "{v.network_name.clone()}"'s areas."</p>
        {v.keeper.then(|| view! {
            <p class="actions">
                <a class="button primary" href=format!("/whats-on/new?network={}", v.network_id)>"Add an entry"</a>
                <a class="button" href=format!("/community/whats-on?network={}", v.network_id)>"Entries to check"</a>
            </p>
        })}
        {v.acts_for.then(|| view! {
            <p><a href="/referrals/onward">"Referrals to your organisation"</a></p>
        })}
        {(!v.networks.is_empty()).then(|| view! {
            <nav class="actions" aria-label="Time banks">
                {v.networks.iter().map(|(id, name)| view! { <a class="button" href=format!("/whats-on?network={id}")>{name.clone()}</a> }).collect_view()}
            </nav>
        })}
        <form method="get" action="/whats-on" class="stack filters" role="search" aria-label="Find what's on">
            {network.map(|n| view! { <input type="hidden" name="network" value=n/> })}
            <div class="field">
                <label for="q">"Search"</label>
                <input id="q" name="q" type="search" value=f.q.clone() placeholder="For example: walk, choir, lunch"/>
            </div>
            <FilterSelect id="area" label="Where" chosen=f.area.clone() options=areas/>
            <Checkbox name="week" problem=FormProblem::new().keep("week", f.week.as_deref().unwrap_or(""))
                label=view! { "Only what happens in the next seven days" }.into_any()/>
            <details class="filter-more" open=more_open>
                <summary>"More choices: kind, theme, day, time, cost, access"</summary>
                <div class="stack">
                    <FilterSelect id="kind" label="Kind" chosen=f.kind.clone() options=any("Anything", EntryKind::choices().into_iter())/>
                    <FilterSelect id="theme" label="About" chosen=f.theme.clone() options=any("Any theme", Theme::choices().into_iter())/>
                    <FilterSelect id="day" label="Day" chosen=f.day.clone() options=days/>
                    <FilterSelect id="part" label="Time of day" chosen=f.part.clone() options=any("Any time", DayPart::choices().into_iter())/>
                    <FilterSelect id="cost" label="Cost" chosen=f.cost.clone()
                        options=vec![("".into(), "Any cost".into()), ("free".into(), "Free or donation only".into())]/>
                    <Checkbox name="step_free" problem=FormProblem::new().keep("step_free", f.step_free.as_deref().unwrap_or(""))
                        label=view! { "Step-free access only" }.into_any()/>
                </div>
            </details>
            <button type="submit" class="button primary">"Find"</button>
        </form>
        <h2 class="visually-hidden">"Results"</h2>
        {if v.cards.is_empty() {
            view! { <p role="status">"Nothing found. Try another area, another day, or fewer choices."</p> }.into_any()
        } else {
            view! {
                <p class="meta" role="status">{format!("{} found", v.cards.len())}</p>
                <ul class="listing-cards">{v.cards.into_iter().map(|c| view! { <EntryCardItem card=c/> }).collect_view()}</ul>
            }.into_any()
        }}
        <p class="meta">
            <a href=format!("/whats-on/print?area={}&network={}", v.area, v.network_id)>"A sheet to print"</a>
            " for a noticeboard or someone without a phone."
            {(v.area != "all").then(|| view! {
                " "<a href=format!("/whats-on/areas/{}/calendar.ics", v.area)>"This area's calendar"</a>
                " (the entries shared publicly) for a phone's calendar app."
            })}
        </p>
    }
}

/// One entry: what, when (the next dates), where, cost, how to join.
#[component]
pub fn EntryPage() -> impl IntoView {
    let id = crate::components::url::param("id");
    let data = Resource::new_blocking(move || id.clone(), directory_entry);
    let (check, close) = (ServerAction::<CheckDirectoryEntry>::new(), ServerAction::<CloseDirectoryEntry>::new());
    let (go, not_go) = (ServerAction::<SayGoing>::new(), ServerAction::<NotGoing>::new());
    let (approve, turn_down) = (ServerAction::<ApproveDirectoryEntry>::new(), ServerAction::<TurnDownDirectoryEntry>::new());
    let error =
        last_error(check).or(last_error(close)).or(last_error(go)).or(last_error(not_go)).or(last_error(approve)).or(last_error(turn_down));
    let actions = EntryActions { check, close, go, not_go, approve, turn_down };
    view! {
        <Title text="What's on"/>
        <Loaded data=data children=move |e| entry_body(e, actions, error.clone())/>
    }
}

/// The steps an entry's page can take.
#[derive(Clone, Copy)]
struct EntryActions {
    check: ServerAction<CheckDirectoryEntry>,
    close: ServerAction<CloseDirectoryEntry>,
    go: ServerAction<SayGoing>,
    not_go: ServerAction<NotGoing>,
    approve: ServerAction<ApproveDirectoryEntry>,
    turn_down: ServerAction<TurnDownDirectoryEntry>,
}

/// "3 places left", "Full · 2 waiting", "5 going".
fn date_state(d: &DateView) -> String {
    match d.places_left {
        Some(0) if d.waiting > 0 => format!("Full · {} waiting", d.waiting),
        Some(0) => "Full".to_string(),
        Some(1) => "1 place left".to_string(),
        Some(n) => format!("{n} places left"),
        None if d.going == 0 => String::new(),
        None => format!("{} going", d.going),
    }
}

/// One coming date: when, how full, and the member's one step (going, or not after all).
fn date_row(d: DateView, entry_id: String, can_go: bool, a: EntryActions) -> impl IntoView {
    let state = date_state(&d);
    let mine = d.mine.clone().unwrap_or_default();
    let full = d.places_left == Some(0);
    let step = can_go.then(|| {
        let (mine_text, button) = match mine.as_str() {
            "going" => (Some("You are going"), "I can't go after all"),
            "waiting" => (Some("You are on the waiting list"), "Leave the waiting list"),
            _ if full => (None, "Join the waiting list"),
            _ => (None, "I'm going"),
        };
        let hidden = view! {
            <input type="hidden" name="entry_id" value=entry_id.clone()/>
            <input type="hidden" name="on" value=d.on.clone()/>
        };
        let label = view! { {button}<span class="visually-hidden">{format!(" ({})", d.label)}</span> };
        view! {
            {mine_text.map(|t| view! { <strong class="date-mine">{t}</strong> })}
            {if mine.is_empty() {
                view! { <ActionForm action=a.go attr:class="date-step">{hidden}<button type="submit" class="button primary">{label}</button></ActionForm> }.into_any()
            } else {
                view! { <ActionForm action=a.not_go attr:class="date-step">{hidden}<button type="submit" class="button">{label}</button></ActionForm> }.into_any()
            }}
        }
    });
    view! {
        <li class="date-row">
            <span class="date-label">{d.label.clone()}</span>
            {(!state.is_empty()).then(|| view! { <span class="meta">{state}</span> })}
            {step}
        </li>
    }
}

fn entry_body(e: EntryView, a: EntryActions, error: Option<crate::error::AppError>) -> impl IntoView {
    let id = e.card.id.clone();
    let calendar = format!("/whats-on/{id}/calendar.ics");
    let place: Vec<String> = [&e.venue, &e.address, &e.postcode].into_iter().filter(|s| !s.is_empty()).cloned().collect();
    let cost = if e.cost_detail.is_empty() { e.card.cost.clone() } else { format!("{}: {}", e.card.cost, e.cost_detail) };
    view! {
        <Title text=e.card.title.clone()/>
        <p><a href="/whats-on">"← What's on"</a></p>
        {done_message().map(|m| view! { <Notice>{m}</Notice> })}
        <ErrorSummary error=error.clone()/>
        <p class="badge whats-on">{e.card.kind.clone()}</p>
        <h1>{e.card.title.clone()}</h1>
        <p class="meta"><a href=format!("/whats-on/organisations/{}", e.organisation_id)>{e.card.organisation.clone()}</a>" · "{e.card.theme.clone()}</p>
        {(!e.open).then(|| view! { <p class="notice">"This entry has been taken down: members no longer see it."</p> })}
        {(e.open && e.proposed).then(|| view! { <p class="notice">"Waiting for a community builder to approve it: members do not see it yet."</p> })}
        <p class="pre-line">{e.description.clone()}</p>
        <section class="card" aria-labelledby="when-heading">
            <h2 id="when-heading">"When"</h2>
            <p>{e.card.when.clone()}</p>
            {e.places.map(|n| view! { <p class="meta">{format!("{n} places each time. Say you are going to keep one.")}</p> })}
            {(!e.dates.is_empty()).then(|| {
                let entry_id = id.clone();
                view! {
                    <h3 id="dates">"Next dates"</h3>
                    <ul class="dates">
                        {e.dates.clone().into_iter().map(|d| date_row(d, entry_id.clone(), e.can_go, a)).collect_view()}
                    </ul>
                    <p><a class="button" href=calendar>"Add to my calendar"</a></p>
                }
            })}
        </section>
        <section class="card" aria-labelledby="where-heading">
            <h2 id="where-heading">"Where and who"</h2>
            <dl class="facts">
                <dt>"Where"</dt><dd>{if place.is_empty() { "See how to get in touch".to_string() } else { place.join(", ") }}</dd>
                <dt>"Area"</dt><dd>{if e.card.area.is_empty() { "Every area".to_string() } else { e.card.area.clone() }}</dd>
                <dt>"Access"</dt><dd>{if e.card.step_free { "Step-free. " } else { "" }}{e.accessibility.clone()}</dd>
                <dt>"Cost"</dt><dd>{cost}</dd>
                {(!e.audience.is_empty()).then(|| view! { <dt>"Who it is for"</dt><dd>{e.audience.clone()}</dd> })}
                {(!e.how_to_join.is_empty()).then(|| view! { <dt>"How to join"</dt><dd class="pre-line">{e.how_to_join.clone()}</dd> })}
                {(!e.contact.is_empty()).then(|| view! { <dt>"Contact"</dt><dd>{e.contact.clone()}</dd> })}
                <dt>"Last checked"</dt><dd>{e.checked_on.clone()}</dd>
            </dl>
        </section>
        {(e.keeper && e.open).then(|| keeper_section(e.clone(), a, error.clone()))}
    }
}

/// The entry a keeper's form acts on.
fn entry_field(id: &str) -> impl IntoView {
    view! { <input type="hidden" name="entry_id" value=id.to_string()/> }
}

/// For its keepers: approve a proposal (builders), who is coming, change, check, take down.
fn keeper_section(e: EntryView, a: EntryActions, error: Option<crate::error::AppError>) -> impl IntoView {
    let id = e.card.id.clone();
    let p = problem_of(&error);
    let (approve_id, refuse_id, check_id, close_id) = (entry_field(&id), entry_field(&id), entry_field(&id), entry_field(&id));
    let decide = (e.builder && e.proposed).then(|| {
        view! {
            <h3>"A new entry from "{e.card.organisation.clone()}</h3>
            <ActionForm action=a.approve attr:class="inline-form">
                {approve_id}
                <button type="submit" class="button primary">"Approve it"</button>
            </ActionForm>
            <ActionForm action=a.turn_down attr:class="stack" attr:novalidate=true>
                {refuse_id}
                <TextArea label="Or turn it down: why?" name="reason" problem=p.clone() rows=2 maxlength=500
                    hint="The organisation sees this, so they know what to change."/>
                <button type="submit" class="button">"Turn it down"</button>
            </ActionForm>
        }
    });
    let check = (!e.proposed).then(|| {
        view! {
            <ActionForm action=a.check attr:class="inline-form">
                {check_id}
                <button type="submit" class="button">"Checked: still right"</button>
            </ActionForm>
        }
    });
    let going = (!e.proposed).then(|| view! { <a class="button" href=format!("/whats-on/{id}/going")>"Who is coming"</a> });
    view! {
        <section class="card" aria-labelledby="keep-heading">
            <h2 id="keep-heading">{if e.builder { "For community builders" } else { "For the organisation" }}</h2>
            {decide}
            {(e.due_for_review && !e.proposed).then(|| view! { <p class="notice">"Nobody has checked this for six months. Is it still right?"</p> })}
            <p class="meta">{if e.public { "Shared publicly (in the area's calendar)." } else { "Members only." }}</p>
            <p class="actions">
                {going}
                <a class="button" href=format!("/whats-on/{}/edit", e.card.id)>"Change it"</a>
            </p>
            {check}
            <ActionForm action=a.close attr:class="inline-form">
                {close_id}
                <button type="submit" class="button">{if e.proposed && !e.builder { "Withdraw it" } else { "Take it down" }}</button>
            </ActionForm>
        </section>
    }
}

/// The builders' form to add an entry (`/whats-on/new`) or change one (`/whats-on/:id/edit`).
#[component]
pub fn EntryFormPage() -> impl IntoView {
    let id = Some(crate::components::url::param("id")).filter(|i| !i.is_empty());
    let (network, organisation) = (query("network"), query("organisation"));
    let data =
        Resource::new_blocking(move || (id.clone(), network.clone(), organisation.clone()), |(id, n, o)| directory_entry_form(id, n, o));
    let save = ServerAction::<SaveDirectoryEntry>::new();
    let error = last_error(save);
    view! {
        <Title text="What's on: an entry"/>
        <Loaded data=data children=move |v| entry_form(v, save, error.clone())/>
    }
}

fn entry_form(v: EntryFormView, save: ServerAction<SaveDirectoryEntry>, error: Option<crate::error::AppError>) -> impl IntoView {
    // After a refusal what was typed comes back; else the entry as it stands.
    let p = match problem_of(&error) {
        p if !p.values.is_empty() => p,
        mut p => {
            p.values = v.values.kept().values;
            p
        }
    };
    let heading = match (&v.entry_id, &v.organisation) {
        (Some(_), _) => "Change an entry in What's on",
        (None, Some(_)) => "Suggest an entry for What's on",
        (None, None) => "Add to What's on",
    };
    let weekdays: Vec<(String, String)> = WEEKDAYS.iter().enumerate().map(|(i, d)| (i.to_string(), d.to_string())).collect();
    let nths = ["1", "2", "3", "4", "5", "-1"]
        .iter()
        .zip(["First", "Second", "Third", "Fourth", "Fifth (months with one)", "Last"])
        .map(|(v, t)| (v.to_string(), t.to_string()))
        .collect();
    view! {
        <h1>{heading}</h1>
        <p class="lead">{v.network_name.clone()}</p>
        {(v.entry_id.is_none() && v.organisation.is_some()).then(|| view! {
            <p>"A community builder looks at it before members can find it, and we tell you when they have."</p>
        })}
        <ErrorSummary error=error/>
        <ActionForm action=save attr:class="stack" attr:novalidate=true>
            <input type="hidden" name="entry_id" value=v.entry_id.clone().unwrap_or_default()/>
            <input type="hidden" name="network_id" value=v.network_id.clone()/>
            <Field label="Name" name="title" problem=p.clone() hint="For example: Tuesday walking group"/>
            {match v.organisation.clone() {
                Some((org_id, name)) => view! {
                    <input type="hidden" name="organisation_id" value=org_id/>
                    <input type="hidden" name="organisation" value=name.clone()/>
                    <p><strong>"Who runs it: "</strong>{name}</p>
                }.into_any(),
                None => view! {
                    <Field label="Who runs it" name="organisation" problem=p.clone() hint="A charity, a church, a club, or the time bank itself"/>
                }.into_any(),
            }}
            <Radios legend="What is it?" name="kind" problem=p.clone() options=EntryKind::choices()/>
            <Radios legend="What is it mostly about?" name="theme" problem=p.clone() options=Theme::choices()/>
            <TextArea label="What happens there" name="description" problem=p.clone() rows=4 maxlength=2000/>
            <Select label="Area" name="area" problem=p.clone() groups=vec![("Areas".into(), v.areas.clone())]/>
            <fieldset class="stack">
                <legend>"When"</legend>
                <Radios legend="How often?" name="schedule" problem=p.clone() options=vec![
                    ("weekly".into(), "Every week".into()),
                    ("monthly".into(), "Once a month".into()),
                    ("once".into(), "Once, on one day".into()),
                    ("open".into(), "Any time, or by appointment".into()),
                ]/>
                <Select label="Day of the week (every week, once a month)" name="weekday" problem=p.clone() groups=vec![("Days".into(), weekdays)] empty_choice="—"/>
                <Select label="Which week of the month (once a month)" name="nth" problem=p.clone() groups=vec![("Weeks".into(), nths)] empty_choice="—"/>
                <Field label="The day (once)" name="on_date" kind="date" problem=p.clone() hint="Year-month-day, for example 2027-03-14"/>
                <Field label="Starts at" name="starts" problem=p.clone() inputmode="numeric" hint="For example 10:00"/>
                <Field label="Ends at (optional)" name="ends" problem=p.clone() inputmode="numeric"/>
                <Field label="Last day (optional)" name="until" kind="date" problem=p.clone() hint="Leave empty if it carries on"/>
            </fieldset>
            <Field label="Place (optional)" name="venue" problem=p.clone() hint="For example: St Mary's church hall"/>
            <Field label="Address" name="address" problem=p.clone()/>
            <Field label="Postcode" name="postcode" problem=p.clone() autocomplete="postal-code"/>
            <Checkbox name="step_free" problem=p.clone() label=view! { "Step-free access (no steps, or a ramp or lift)" }.into_any()/>
            <Field label="Other access details (optional)" name="accessibility" problem=p.clone() hint="Hearing loop, accessible toilet, seating"/>
            <Radios legend="Cost" name="cost" problem=p.clone() options=Cost::choices()/>
            <Field label="Cost details" name="cost_detail" problem=p.clone() hint="For example: £2 including tea"/>
            <Field label="Who it is for (optional)" name="audience" problem=p.clone() hint="For example: everyone, carers, over 60s"/>
            <Field label="Places each time (optional)" name="places" problem=p.clone() inputmode="numeric"
                hint="How many can come to each date. Members say they are going; when it is full they join a waiting list. Leave empty for no limit."/>
            <TextArea label="How to join" name="how_to_join" problem=p.clone() rows=2 maxlength=500/>
            <Field label="Contact (optional)" name="contact" problem=p.clone() hint="A name, phone number or email"/>
            {v.organisation.is_none().then(|| view! {
                <Checkbox name="public" problem=p.clone() label=view! { "Share it publicly: in the area's calendar and the open directory" }.into_any()/>
            })}
            <button type="submit" class="button primary">"Save"</button>
        </ActionForm>
    }
}

/// The builders' list: entries nobody has checked for six months first.
#[component]
pub fn KeeperPage() -> impl IntoView {
    let network = query("network");
    let data = Resource::new_blocking(move || network.clone(), directory_keeper);
    view! {
        <Title text="What's on: entries to check"/>
        <Loaded data=data children=|v| view! {
            <h1>"What's on: your entries"</h1>
            <p class="lead">{v.network_name.clone()}</p>
            <p class="actions"><a class="button primary" href="/whats-on/new">"Add an entry"</a></p>
            {(!v.waiting.is_empty()).then(|| view! {
                <h2>"Waiting for your approval"</h2>
                <p>"Organisations asked to add these. Open each to approve it or turn it down."</p>
                <ul class="listing-cards">{v.waiting.clone().into_iter().map(|c| view! { <EntryCardItem card=c/> }).collect_view()}</ul>
            })}
            <h2>"Due for a check"</h2>
            {if v.due.is_empty() {
                view! { <p>"Nothing waits: every entry was checked in the last six months."</p> }.into_any()
            } else {
                view! {
                    <p>"Nobody has checked these for six months. Open each, and mark it checked, change it or take it down."</p>
                    <ul class="listing-cards">{v.due.into_iter().map(|c| view! { <EntryCardItem card=c/> }).collect_view()}</ul>
                }.into_any()
            }}
            <h2>"All your entries"</h2>
            <ul class="listing-cards">{v.others.into_iter().map(|c| view! { <EntryCardItem card=c/> }).collect_view()}</ul>
        }/>
    }
}

/// What's on as a sheet to print: every entry of an area with when, where, cost and how
/// to get in touch, in the order they next happen.
#[component]
pub fn PrintSheetPage() -> impl IntoView {
    let filters = Filters { area: query("area"), ..Default::default() };
    let network = query("network");
    let data = Resource::new_blocking(move || (filters.clone(), network.clone()), |(f, n)| whats_on(Some(f), n));
    view! {
        <Title text="What's on: a sheet to print"/>
        <Loaded data=data children=|v| {
            let area = v.areas.iter().find(|(id, _)| *id == v.area).map(|(_, n)| n.clone()).unwrap_or_else(|| v.network_name.clone());
            view! {
                <h1>"What's on in "{area}</h1>
                <p class="no-print">"Print this page from your browser's menu, or save it as a PDF. "<a href="/whats-on">"Back to What's on"</a></p>
                <ul class="print-sheet">
                    {v.cards.into_iter().map(|c| view! {
                        <li>
                            <h2>{c.title.clone()}</h2>
                            <p><strong>{c.when.clone()}</strong>{c.next.clone().map(|n| format!(" (next: {n})"))}</p>
                            {(!c.place.is_empty()).then(|| view! { <p>{c.place.clone()}{c.step_free.then_some(" · Step-free")}</p> })}
                            <p>{c.organisation.clone()}" · "{c.cost.clone()}</p>
                            {(!c.contact.is_empty()).then(|| view! { <p>{c.contact.clone()}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            }
        }/>
    }
}

/// The organisers' page (`/whats-on/:id/going`): who is coming to each date, and for the
/// dates that have happened, who came.
#[component]
pub fn GoingPage() -> impl IntoView {
    let id = crate::components::url::param("id");
    let data = Resource::new_blocking(move || id.clone(), entry_going);
    let record = ServerAction::<RecordAttendance>::new();
    let error = last_error(record);
    view! {
        <Title text="Who is coming"/>
        <Loaded data=data children=move |v| {
            let back = format!("/whats-on/{}", v.entry_id);
            let entry_id = v.entry_id.clone();
            view! {
                <p><a href=back>"← "{v.title.clone()}</a></p>
                {done_message().map(|m| view! { <Notice>{m}</Notice> })}
                <ErrorSummary error=error.clone()/>
                <h1>"Who is coming"</h1>
                <p class="lead">{v.title.clone()}{v.places.map(|n| format!(" · {n} places each time"))}</p>
                {v.dates.is_empty().then(|| view! { <p>"It has no dates: nobody can say they are going."</p> })}
                {v.dates.into_iter().map(|d| going_date(d, entry_id.clone(), record)).collect_view()}
                <p>"Did a volunteer help run a session? "<a href="/community/hours#record-heading">"Record the hours they gave"</a>
                   ". Coming along costs members nothing."</p>
            }
        }/>
    }
}

fn going_date(d: GoingDate, entry_id: String, record: ServerAction<RecordAttendance>) -> impl IntoView {
    let names = |people: &[super::going::Person]| people.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ");
    let heading = format!("date-{}", d.on);
    view! {
        <section class="card" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{d.label.clone()}</h2>
            {if d.happened && !d.going.is_empty() {
                view! {
                    <ActionForm action=record attr:class="stack">
                        <input type="hidden" name="entry_id" value=entry_id/>
                        <input type="hidden" name="on" value=d.on.clone()/>
                        <fieldset>
                            <legend>{if d.recorded { "Who came (recorded)" } else { "Who came? Tick everyone who did." }}</legend>
                            <ul class="checkbox-grid">
                                {d.going.iter().enumerate().map(|(i, p)| {
                                    let box_id = format!("came-{}-{i}", d.on);
                                    view! {
                                        <li class="checkbox">
                                            <input type="checkbox" id=box_id.clone() name=format!("came[{i}]") value=p.user_id.clone()
                                                checked=p.attended.unwrap_or(true)/>
                                            <label for=box_id>{p.name.clone()}</label>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </fieldset>
                        <button type="submit" class="button primary">"Save who came"</button>
                    </ActionForm>
                }.into_any()
            } else if d.going.is_empty() {
                view! { <p>"Nobody has said they are going yet."</p> }.into_any()
            } else {
                view! { <p><strong>{format!("{} going: ", d.going.len())}</strong>{names(&d.going)}</p> }.into_any()
            }}
            {(!d.waiting.is_empty()).then(|| view! {
                <p><strong>{format!("{} waiting: ", d.waiting.len())}</strong>{names(&d.waiting)}</p>
            })}
        </section>
    }
}
