//! A member's profile page.

use super::{member_profile, SetAbout};
use crate::components::forms::{last_error, problem_of, ErrorSummary, Notice, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::ledger::domain::Minutes;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let id = param("id");
    let saved = query("saved").is_some();
    let action = ServerAction::<SetAbout>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(move || id.clone(), member_profile);
    view! {
        <Loaded data=data children=move |p| {
            let mut problem = problem_of(&error);
            if error.is_none() {
                problem = problem.keep("about", &p.about);
            }
            view! {
                <Title text=p.display_name.clone()/>
                <h1>{p.display_name.clone()}</h1>
                {saved.then(|| view! { <Notice>"Saved."</Notice> })}
                {(!p.about.is_empty()).then(|| view! { <p class="lead description">{p.about.clone()}</p> })}
                <dl class="facts card">
                    <dt>"Area"</dt><dd>{p.locality_name.clone()}</dd>
                    <dt>"Member since"</dt><dd>{format_date(p.member_since)}</dd>
                    <dt>"Help given"</dt><dd>{Minutes(p.given_minutes).display()}</dd>
                    <dt>"Help received"</dt><dd>{Minutes(p.received_minutes).display()}</dd>
                    {(!p.badges.is_empty()).then(|| view! { <dt>"Badges"</dt><dd>{p.badges.join(", ")}</dd> })}
                </dl>
                <section aria-labelledby="listings-heading">
                    <h2 id="listings-heading">"Offers and requests"</h2>
                    {if p.listings.is_empty() {
                        view! { <p>"Nothing open just now."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="listing-cards">
                                {p.listings.iter().map(|c| view! {
                                    <li class="listing-card">
                                        <p class=if c.kind == crate::listings::domain::ListingKind::Offer { "badge offer" } else { "badge request" }>{c.kind.label()}</p>
                                        <h3><a href=format!("/listings/{}", c.id)>{c.title.clone()}</a></h3>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section aria-labelledby="thanks-heading">
                    <h2 id="thanks-heading">"Thanks"</h2>
                    {if p.thanks.is_empty() {
                        view! { <p>"No thank-yous yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="thanks">
                                {p.thanks.iter().map(|(from, body, at)| view! {
                                    <li><strong>{from.clone()}": "</strong>{body.clone()}<span class="meta">" · "{format_date(*at)}</span></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                {(!p.is_me).then(|| view! {
                    <p class="report-link">
                        {p.can_manage.then(|| view! { <a href=format!("/community/members/{}", p.user_id)>"Builder's page for this member"</a>" · " })}
                        <a href=format!("/report?kind=profile&id={}", p.user_id)>"Report this profile"</a>
                    </p>
                })}
                {p.is_me.then(|| view! {
                    <section class="card" aria-labelledby="about-heading">
                        <h2 id="about-heading">"About you"</h2>
                        <ErrorSummary error=error.clone()/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <TextArea label="A few lines other members will see" name="about" problem=problem.clone() rows=3 maxlength=500
                                hint="What you enjoy, what you can help with. No phone numbers or addresses."/>
                            <button type="submit" class="button primary">"Save"</button>
                        </ActionForm>
                    </section>
                })}
            }
        }/>
    }
}
