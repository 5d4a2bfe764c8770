//! A member's profile page, and Account (the password, two-step sign-in and, for members,
//! what their profile says about them).

use super::{member_profile, SetAbout};
use crate::auth::ChangePassword;
use crate::components::forms::{last_error, problem_of, ErrorSummary, Field, Notice, TextArea};
use crate::components::layout::{Loaded, PageError};
use crate::components::url::{param, query};
use crate::ledger::domain::Minutes;
use crate::networks::current_viewer;
use crate::networks::domain::MembershipStatus;
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

/// Account: the password and two-step sign-in (from `auth`) and, for members, "About you".
#[component]
pub fn AccountPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let changed = query("changed");
    let about_action = ServerAction::<SetAbout>::new();
    let about_error = last_error(about_action);
    // One resource: who is signed in and, for members, what their profile says about them.
    let data = Resource::new_blocking(
        || (),
        |_| async {
            let viewer = current_viewer().await?;
            let member = viewer.as_ref().and_then(|v| v.membership.as_ref()).is_some_and(|m| m.status == MembershipStatus::Active);
            let about = match (&viewer, member) {
                (Some(v), true) => member_profile(v.user_id.clone()).await.ok().map(|p| p.about),
                _ => None,
            };
            Ok::<_, crate::error::AppError>((viewer, about))
        },
    );
    view! {
        <Title text="Your account"/>
        <Loaded data=data children=move |(viewer, about)| {
            let (error, problem) = (error.clone(), problem.clone());
            let changed = changed.clone();
            let about_error = about_error.clone();
            let viewer = match viewer {
                Some(v) => v,
                None => return view! { <PageError error=crate::error::AppError::Unauthenticated/> }.into_any(),
            };
            if viewer.is_waiting() {
                return view! { <PageError error=crate::error::AppError::Forbidden("Your membership is waiting for approval.".into())/> }.into_any();
            }
            view! {
                <h1>"Your account"</h1>
                {match changed.as_deref() {
                    Some("about") => Some(view! { <Notice>"Saved: your profile shows it now."</Notice> }),
                    Some(_) => Some(view! { <Notice>"Your password has been changed. You have been signed out everywhere else."</Notice> }),
                    None => None,
                }}
                <dl class="facts">
                    <dt>"Name"</dt><dd>{viewer.display_name.clone()}</dd>
                    <dt>"Email"</dt><dd>{viewer.email.clone().unwrap_or_else(|| "None".into())}</dd>
                </dl>
                {about.map(|about| {
                    // First time: what the profile says; after a mistake: what was typed.
                    let mut ap = problem_of(&about_error);
                    if about_error.is_none() {
                        ap = ap.keep("about", &about);
                    }
                    view! {
                        <section aria-labelledby="about-heading">
                            <h2 id="about-heading">"About you"</h2>
                            <p>"Neighbours read this on "<a href=format!("/members/{}", viewer.user_id)>"your profile"</a>
                                " before they meet you. Visitors who have not joined never see it."</p>
                            <ErrorSummary error=about_error.clone()/>
                            <ActionForm action=about_action attr:class="stack" attr:novalidate=true>
                                <input type="hidden" name="from" value="account"/>
                                <TextArea label="A few words about you" name="about" problem=ap rows=4 maxlength=500
                                    hint="What you enjoy, what you can help with, when you are usually free."/>
                                <button type="submit" class="button primary">"Save"</button>
                            </ActionForm>
                        </section>
                    }
                })}
                <p><a href="/account/two-step">"Two-step sign-in (a code from an app on your phone)"</a></p>
                <p><a href="/account/actions">"Actions community builders took on your account"</a></p>
                <p><a href="/account/my-data.json" download>"Download everything we hold about you (a JSON file)"</a></p>
                <h2>"Change your password"</h2>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <Field label="Current password" name="current_password" kind="password" problem=problem.clone() autocomplete="current-password" required=true/>
                    <Field label="New password" name="new_password" kind="password" problem=problem.clone() autocomplete="new-password"
                        hint="At least 8 characters. Three or four random words work well." required=true/>
                    <button type="submit" class="button primary">"Change password"</button>
                </ActionForm>
            }
            .into_any()
        }/>
    }
}
