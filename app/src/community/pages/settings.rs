//! The network's rules, its categories and the noticeboard (announcements).

use super::super::{network_settings, ChangeCategory, EndAnnouncement, PostAnnouncement, SettingsView, UpdateNetworkSettings};
use super::Done;
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::query;
use crate::error::AppError;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// The settings page's forms and what each last refused.
#[derive(Clone)]
struct SettingsForms {
    save: ServerAction<UpdateNetworkSettings>,
    category: ServerAction<ChangeCategory>,
    post: ServerAction<PostAnnouncement>,
    end: ServerAction<EndAnnouncement>,
    save_error: Option<AppError>,
    category_error: Option<AppError>,
    post_error: Option<AppError>,
}

/// The network's rules, its categories and the noticeboard.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let (save, category) = (ServerAction::<UpdateNetworkSettings>::new(), ServerAction::<ChangeCategory>::new());
    let (post, end) = (ServerAction::<PostAnnouncement>::new(), ServerAction::<EndAnnouncement>::new());
    let forms = SettingsForms {
        save,
        category,
        post,
        end,
        save_error: last_error(save),
        category_error: last_error(category),
        post_error: last_error(post),
    };
    let network = query("network");
    let data = Resource::new_blocking(move || network.clone(), network_settings);
    view! {
        <Title text="Rules and announcements"/>
        <Loaded data=data children=move |d| settings_page(d, forms.clone())/>
    }
}

fn settings_page(d: SettingsView, f: SettingsForms) -> impl IntoView {
    view! {
        <h1>{d.network_name.clone()}": rules and announcements"</h1>
        <Done/>
        {announcements_section(&d, &f)}
        {d.whole_network.then(|| view! {
            {rules_section(&d, &f)}
            {categories_section(&d, &f)}
        })}
    }
}

fn announcements_section(d: &SettingsView, f: &SettingsForms) -> impl IntoView {
    let pp = problem_of(&f.post_error);
    let mut audiences: Vec<(String, String)> = vec![];
    if d.whole_network {
        audiences.push(("network".into(), format!("Everyone in {}", d.network_name)));
    }
    audiences.extend(d.localities.iter().map(|(id, name)| (id.clone(), format!("Members in {name}"))));
    let (end, network_id) = (f.end, d.network_id.clone());
    view! {
        <section class="card" aria-labelledby="notices-heading">
            <h2 id="notices-heading">"Announcements"</h2>
            <p>"Shown on members' home pages; you can also email them."</p>
            <ul class="cards">
                {d.announcements.clone().into_iter().map(|a| view! {
                    <li class="card">
                        <h3>{a.title.clone()}</h3>
                        <p class="meta">{a.audience.clone()}" · "{format_date(a.at)}" · "{a.posted_by.clone()}</p>
                        <p class="pre-line">{a.body.clone()}</p>
                        <ActionForm action=end attr:class="inline-form">
                            <input type="hidden" name="announcement_id" value=a.id.clone()/>
                            <button type="submit" class="link-button">"Take down “"{a.title.clone()}"”"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <ErrorSummary error=f.post_error.clone()/>
            <ActionForm action=f.post attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="network_id" value=network_id/>
                <Select label="Who is it for?" name="audience" problem=pp.clone() groups=vec![("Audience".into(), audiences)]/>
                <Field label="Title" name="title" problem=pp.clone()/>
                <TextArea label="Announcement" name="body" problem=pp.clone() rows=4 maxlength=4000/>
                <Checkbox name="email" problem=pp.clone() label=view! { "Also email it to them (except those who chose no emails)" }.into_any()/>
                <button type="submit" class="button primary">"Post the announcement"</button>
            </ActionForm>
        </section>
    }
}

fn rules_section(d: &SettingsView, f: &SettingsForms) -> impl IntoView {
    let sp = problem_of(&f.save_error);
    let (s, network_id) = (d.settings.clone(), d.network_id.clone());
    view! {
        <section class="card" aria-labelledby="rules-heading">
            <h2 id="rules-heading">"The network's rules"</h2>
            <ErrorSummary error=f.save_error.clone()/>
            <ActionForm action=f.save attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="network_id" value=network_id/>
                <Checkbox name="requires_approval" problem=sp.clone() checked=s.requires_approval
                    label=view! { "New members wait for a community builder's approval" }.into_any()/>
                <Field label="Welcome hours for each new member" name="starting_credit" problem=sp.clone() inputmode="decimal"
                    value=format!("{}", s.starting_credit_minutes as f64 / 60.0) hint="In hours, for example 2. Write 0 for none."/>
                <Select label="Welcome hours come from" name="starting_credit_source" problem=sp.clone()
                    value=s.starting_credit_source.clone()
                    groups=vec![("Source".into(), vec![("network".into(), "The time bank's own account".into()), ("pool".into(), "The community pool".into())])]/>
                <Field label="How far below zero may a balance go? (hours)" name="below_zero" problem=sp.clone() inputmode="decimal"
                    value=format!("{}", -s.default_floor_minutes as f64 / 60.0)/>
                <Field label="Highest balance (hours)" name="ceiling" problem=sp.clone() inputmode="decimal"
                    value=format!("{}", s.default_ceiling_minutes as f64 / 60.0)/>
                <Field label="Confirm recorded hours automatically after (days)" name="auto_confirm_days" problem=sp.clone()
                    inputmode="numeric" value=s.auto_confirm_days.to_string()/>
                <Field label="Listings last (days)" name="listing_expiry_days" problem=sp.clone()
                    inputmode="numeric" value=s.listing_expiry_days.to_string()/>
                <Field label="Help can be dated up to (days back)" name="record_days_back" problem=sp.clone()
                    inputmode="numeric" value=s.record_days_back.to_string()
                    hint="When members or builders record hours for help that happened earlier."/>
                <Field label="Referrals: first contact within (working days)" name="first_contact_days" problem=sp.clone()
                    inputmode="numeric" value=s.first_contact_days.to_string()
                    hint="Referrals older than this without contact are marked overdue in the queue."/>
                <Field label="Referrals: wellbeing follow-up after (weeks)" name="follow_up_weeks" problem=sp.clone()
                    inputmode="numeric" value=s.follow_up_weeks.to_string()/>
                <Field label="Referrals: keep personal details after closing (months)" name="referral_retention_months" problem=sp.clone()
                    inputmode="numeric" value=s.referral_retention_months.to_string()
                    hint="Then names, contact details and notes are erased; the anonymous numbers stay."/>
                <Checkbox name="see_other_localities" problem=sp.clone() checked=s.see_other_localities
                    label=view! { "Members see listings from every locality of the network" }.into_any()/>
                <Checkbox name="visitors_browse" problem=sp.clone() checked=s.visitors_browse
                    label=view! { "People who have not joined yet can look at open listings (first names and areas only)" }.into_any()/>
                <button type="submit" class="button primary">"Save the rules"</button>
            </ActionForm>
        </section>
    }
}

fn categories_section(d: &SettingsView, f: &SettingsForms) -> impl IntoView {
    let cp = problem_of(&f.category_error);
    let category = f.category;
    let nid = d.network_id.clone();
    let (nid_add, nid_rename, cp_rename) = (nid.clone(), nid.clone(), cp.clone());
    let own: Vec<(String, String)> = d.categories.iter().filter(|c| !c.shared).map(|c| (c.id.clone(), c.name.clone())).collect();
    let rename_form = (!own.is_empty()).then(move || {
        view! {
            <h3>"Rename one of the network's own categories"</h3>
            <ActionForm action=category attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="network_id" value=nid_rename/>
                <input type="hidden" name="op" value="rename"/>
                <Select label="Category" name="category_id" problem=cp_rename.clone() groups=vec![("Categories".into(), own.clone())]/>
                <Field label="New name" name="new_name" problem=cp_rename.clone()/>
                <button type="submit" class="button">"Rename"</button>
            </ActionForm>
        }
    });
    view! {
        <section class="card" aria-labelledby="categories-heading">
            <h2 id="categories-heading">"Categories"</h2>
            <p>"Retired categories stay on old listings but are not offered for new ones. The shared categories belong to every network."</p>
            <ErrorSummary error=f.category_error.clone()/>
            <ul class="category-list">
                {d.categories.clone().into_iter().map(|c| { let nid_c = nid.clone(); view! {
                    <li>
                        {c.name.clone()}
                        {c.retired.then_some(" (retired)")}
                        {c.shared.then_some(" · shared")}
                        {(!c.shared).then(|| view! {
                            <ActionForm action=category attr:class="inline-form">
                                <input type="hidden" name="network_id" value=nid_c/>
                                <input type="hidden" name="category_id" value=c.id.clone()/>
                                <input type="hidden" name="op" value=if c.retired { "restore" } else { "retire" }/>
                                <button type="submit" class="link-button">{if c.retired { "Bring back " } else { "Retire " }}{c.name.clone()}</button>
                            </ActionForm>
                        })}
                    </li>
                }}).collect_view()}
            </ul>
            <ActionForm action=category attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="network_id" value=nid_add/>
                <input type="hidden" name="op" value="add"/>
                <Field label="New category" name="name" problem=cp.clone()/>
                <button type="submit" class="button">"Add the category"</button>
            </ActionForm>
            {rename_form}
        </section>
    }
}
