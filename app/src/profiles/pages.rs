//! A member's profile page, and Account (the password, two-step sign-in and, for members,
//! what their profile says about them).

use super::closing::{my_closing, CloseMyAccount, Closing, KeepMyAccount};
use super::domain::PhotoProblem;
use super::{member_profile, RemoveMyPhoto, SetAbout};
use crate::auth::ChangePassword;
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Notice, TextArea};
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
                <div class="profile-head">
                    <Avatar photo=p.photo.clone() name=p.display_name.clone() class="avatar large"/>
                    <h1>{p.display_name.clone()}</h1>
                </div>
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
            let (about, area) = match (&viewer, member) {
                (Some(v), true) => {
                    (member_profile(v.user_id.clone()).await.ok().map(|p| (p.about, p.photo)), crate::community::my_area().await.ok())
                }
                _ => (None, None),
            };
            let closing = if viewer.is_some() { Some(my_closing().await?) } else { None };
            Ok::<_, crate::error::AppError>((viewer, about, area, closing))
        },
    );
    view! {
        <Title text="Your account"/>
        <Loaded data=data children=move |(viewer, about, area, closing)| {
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
                    Some("area-asked") => Some(view! { <Notice>"Asked. A community builder will confirm your move, and we will tell you."</Notice> }),
                    Some("photo") => Some(view! { <Notice>"Your new photo is on your profile."</Notice> }),
                    Some("photo-removed") => Some(view! { <Notice>"Your photo is taken down."</Notice> }),
                    Some("area-withdrawn") => Some(view! { <Notice>"Withdrawn. Your area stays as it is."</Notice> }),
                    Some("closing") => Some(view! { <Notice>"We will close your account. Until then you can still change your mind, here."</Notice> }),
                    Some("kept") => Some(view! { <Notice>"Your account stays open. Your listings are still closed: reopen the ones you want from My listings."</Notice> }),
                    Some(_) => Some(view! { <Notice>"Your password has been changed. You have been signed out everywhere else."</Notice> }),
                    None => None,
                }}
                <dl class="facts">
                    <dt>"Name"</dt><dd>{viewer.display_name.clone()}</dd>
                    <dt>"Email"</dt><dd>{viewer.email.clone().unwrap_or_else(|| "None".into())}</dd>
                </dl>
                {about.map(|(about, photo)| {
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
                        <PhotoSection photo=photo name=viewer.display_name.clone()/>
                    }
                })}
                {area.map(|area| view! { <crate::community::pages::AreaSection area=area/> })}
                <p><a href="/account/two-step">"Two-step sign-in (a code from an app on your phone)"</a></p>
                <p><a href="/account/actions">"Actions community builders took on your account"</a></p>
                <p>"Download everything we hold about you: "<a href="/account/my-data.csv" download>"for a spreadsheet (CSV)"</a>
                    " or "<a href="/account/my-data.json" download>"as a JSON file"</a>"."</p>
                <h2>"Change your password"</h2>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <Field label="Current password" name="current_password" kind="password" problem=problem.clone() autocomplete="current-password" required=true/>
                    <Field label="New password" name="new_password" kind="password" problem=problem.clone() autocomplete="new-password"
                        hint="At least 8 characters. Three or four random words work well." required=true/>
                    <button type="submit" class="button primary">"Change password"</button>
                </ActionForm>
                {closing.filter(|_| !viewer.is_site_admin).map(|closing| view! { <ClosingSection closing=closing/> })}
            }
            .into_any()
        }/>
    }
}

/// A member's photo, round, or their initial where they have none.
#[component]
pub fn Avatar(photo: Option<String>, name: String, #[prop(default = "avatar")] class: &'static str) -> impl IntoView {
    match photo {
        Some(src) => view! { <img class=class src=src alt=format!("Photo of {name}") width="160" height="160"/> }.into_any(),
        None => {
            let initial = name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
            view! { <span class=format!("{class} initial") aria-hidden="true">{initial}</span> }.into_any()
        }
    }
}

/// Account's "Your photo": what neighbours see, a plain form to send a new one (a phone
/// offers its camera or gallery), and a button to take it down.
#[component]
fn PhotoSection(photo: Option<String>, name: String) -> impl IntoView {
    let remove = ServerAction::<RemoveMyPhoto>::new();
    let problem = query("photo").and_then(|p| PhotoProblem::parse(&p));
    let has_photo = photo.is_some();
    view! {
        <section aria-labelledby="photo-heading">
            <h2 id="photo-heading">"Your photo"</h2>
            <div class="photo-row">
                <Avatar photo=photo name=name/>
                <p class="hint">"A clear photo of your face helps neighbours know who is at the door. Only members of your time bank see it."</p>
            </div>
            <ErrorSummary error=problem.map(|p| crate::error::AppError::invalid("photo", p.message()))/>
            <form method="post" action="/account/photo" enctype="multipart/form-data" class="stack">
                <div class="field" class:has-error=problem.is_some()>
                    <label for="photo">{if has_photo { "Choose a new photo" } else { "Choose a photo" }}</label>
                    <p class="hint" id="photo-hint">"From your camera or your pictures. JPEG, PNG, WebP or GIF, up to 12 MB."</p>
                    {problem.map(|p| view! { <p class="field-error" id="photo-error"><span class="visually-hidden">"Error: "</span>{p.message()}</p> })}
                    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp,image/gif"
                        aria-describedby=if problem.is_some() { "photo-hint photo-error" } else { "photo-hint" }
                        aria-invalid=problem.map(|_| "true")/>
                </div>
                <button type="submit" class="button primary">"Use this photo"</button>
            </form>
            {has_photo.then(|| view! {
                <ActionForm action=remove>
                    <button type="submit" class="button">"Take my photo down"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// Account's "Close my account": what closing does and the form (password and a tick), or,
/// while the account is closing, the day it happens and the way to keep it.
#[component]
fn ClosingSection(closing: Closing) -> impl IntoView {
    let close = ServerAction::<CloseMyAccount>::new();
    let keep = ServerAction::<KeepMyAccount>::new();
    let error = last_error(close).or(last_error(keep));
    let problem = problem_of(&error);
    match closing.erased_on {
        Some(erased_on) => view! {
            <section class="card" aria-labelledby="closing-heading">
                <h2 id="closing-heading">"Your account is closing"</h2>
                <p>{format!("On {erased_on} we will erase your name, email, phone, photo and what you wrote about yourself. Hours you have left go to the community pool.")}</p>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=keep>
                    <button type="submit" class="button primary">"Keep my account"</button>
                </ActionForm>
            </section>
        }
        .into_any(),
        None => view! {
            <details class="tool" open=error.is_some()>
                <summary>"Close my account"</summary>
                <p>"If you close your account:"</p>
                <ul>
                    <li>"your offers and requests close now, and help not yet under way is cancelled (we tell the other person);"</li>
                    <li>{format!("after {} days we erase your name, email, phone, photo and what you wrote about yourself;", closing.grace_days)}</li>
                    <li>"hours you have left go to the community pool, so they still help a neighbour;"</li>
                    <li>"your messages stay for the people you wrote to, under \"Former member\"."</li>
                </ul>
                <p>"Until then you can sign in and keep your account. "<a href="/account/my-data.json" download>"Download your data"</a>" first if you want a copy."</p>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=close attr:class="stack" attr:novalidate=true>
                    <Field label="Your password" name="password" kind="password" problem=problem.clone() autocomplete="current-password" required=true/>
                    <Checkbox name="understood" problem=problem.clone() label=view! { "I understand what closing my account does" }.into_any()/>
                    <button type="submit" class="button danger">"Close my account"</button>
                </ActionForm>
            </details>
        }
        .into_any(),
    }
}
