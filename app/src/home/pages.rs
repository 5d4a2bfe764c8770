//! Landing, home and code-of-conduct pages.

use crate::components::forms::Notice;
use crate::components::layout::{Loaded, PageError};
use crate::error::AppError;
use crate::networks::domain::{MembershipStatus, Role, Viewer};
use crate::networks::{current_viewer, join_choices};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Landing() -> impl IntoView {
    let networks = Resource::new_blocking(|| (), |_| join_choices());
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    let signed_out = use_query_map().with_untracked(|q| q.get("signed_out").is_some());
    view! {
        <Title text=""/>
        {signed_out.then(|| view! { <Notice>"You have signed out. See you soon."</Notice> })}
        <h1>"Share your time with your neighbours"</h1>
        <p class="lead">"Timeweave is a time bank. Help someone for an hour and you earn an hour, to spend when you need a hand. Everyone's hour is worth the same."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = matches!(viewer.await, Ok(Some(_)));
                let networks = networks.await.unwrap_or_default();
                view! {
                    <p class="actions">
                        {if signed_in {
                            view! { <a class="button primary" href="/home">"Go to your home page"</a> }.into_any()
                        } else {
                            let look = networks.iter().any(|n| n.browse.is_some());
                            view! {
                                <a class="button primary" href="/join">"Join"</a>
                                <a class="button" href="/sign-in">"Sign in"</a>
                                {look.then(|| view! { <a class="button" href="/listings">"See what people offer"</a> })}
                            }.into_any()
                        }}
                    </p>
                    {networks.into_iter().map(|n| view! {
                        <section class="card">
                            <h2>{n.name}</h2>
                            <p>"Local groups in: "{n.localities.into_iter().map(|l| l.name).collect::<Vec<_>>().join(", ")}</p>
                            {n.browse.map(|slug| view! {
                                <p><a class="button" href=format!("/listings?network={}", crate::components::url::urlencode(&slug))>
                                    "See what people offer"
                                </a></p>
                            })}
                        </section>
                    }).collect_view()}
                }
            })}
        </Suspense>
        <section class="card">
            <h2>"Would you like to be put in touch?"</h2>
            <p>"If joining online is hard, or you would like someone to talk it through with you first, "
                <a href="/refer-yourself">"ask a community builder to get in touch"</a>". Health and care staff can "
                <a href="/professionals/join">"apply for a referrer account"</a>"."</p>
        </section>
        <section>
            <h2>"How it works"</h2>
            <ol class="steps">
                <li>"Join and tell us what you can offer: reading, baking, gardening, a lift, a chat."</li>
                <li>"Say what you could use a hand with."</li>
                <li>"Help each other. Every hour you give is an hour you can receive."</li>
            </ol>
        </section>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    // One resource for the page (no resources created inside another's Suspend): the
    // viewer, and for active members what `home_glance` gathers in one read.
    let data = Resource::new_blocking(
        || (),
        |_| async {
            let viewer = current_viewer().await?;
            let member = viewer.as_ref().is_some_and(|v| v.has(Role::Resident));
            let mut glance = if member { Some(super::home_glance().await?) } else { None };
            let notices = glance.as_mut().map(|g| std::mem::take(&mut g.notices)).unwrap_or_default();
            let wellbeing = glance.as_mut().and_then(|g| g.wellbeing.take());
            Ok::<_, AppError>((viewer, notices, wellbeing, glance))
        },
    );
    view! {
        <Title text="Home"/>
        <Loaded data=data children=|(viewer, notices, wellbeing, glance)| match viewer {
            Some(v) => view! { <HomeFor viewer=v notices=notices wellbeing=wellbeing glance=glance/> }.into_any(),
            None => view! { <PageError error=AppError::Unauthenticated/> }.into_any(),
        }/>
    }
}

/// A resident's first screen: the balance, the two ways in, what waits for them, and for
/// someone new, the first steps.
#[component]
fn AtAGlance(glance: super::Glance) -> impl IntoView {
    use crate::exchanges::domain::ExchangeStatus;
    let balance = crate::ledger::domain::Minutes(glance.balance_minutes).display();
    view! {
        <section class="card glance" aria-label="At a glance">
            <a class="balance-link" href="/hours">
                <span>"Your hours"</span>
                <strong>{balance.clone()}</strong>
            </a>
            <p class="actions two-ways">
                <a class="button primary" href="/listings/new?kind=offer">"Offer help"</a>
                <a class="button primary" href="/listings/new?kind=request">"Ask for help"</a>
            </p>
        </section>
        {(!glance.waiting.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">"Waiting for you"</h2>
                <ul class="plain-list">
                    {glance.waiting.into_iter().map(|w| {
                        let what = match w.status {
                            ExchangeStatus::Recorded => format!("{} recorded the hours: please confirm", w.other_name),
                            _ => format!("{} is waiting for your answer", w.other_name),
                        };
                        view! {
                            <li><a href=format!("/exchanges/{}", w.id)>{w.listing_title}</a><br/><span class="meta">{what}</span></li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {glance.new_member.then(|| view! {
            <section class="card" aria-labelledby="first-steps-heading">
                <h2 id="first-steps-heading">"First steps"</h2>
                <ol class="steps">
                    <li><a href="/listings/new?kind=offer">"Say what you can offer"</a>": reading, baking, gardening, a lift, a chat."</li>
                    <li><a href="/account#about-heading">"Write a few words about you"</a>" so neighbours know who they are meeting."</li>
                    <li>"You have "{balance}" to start with. Spend them when you would like a hand: "<a href="/listings">"see what is offered"</a>"."</li>
                </ol>
            </section>
        })}
    }
}

#[component]
fn HomeFor(
    viewer: Viewer,
    notices: Vec<crate::community::AnnouncementView>,
    wellbeing: Option<crate::referrals::WellbeingDue>,
    glance: Option<super::Glance>,
) -> impl IntoView {
    let status = viewer.membership.as_ref().map(|m| m.status);
    if viewer.is_waiting() {
        let locality = viewer.membership.as_ref().map(|m| m.locality_name.clone()).unwrap_or_default();
        return match status {
            Some(MembershipStatus::Suspended) => view! {
                <h1>"Your membership is suspended"</h1>
                <p class="lead">"Please contact your community builder in "{locality}" to talk about it."</p>
            }
            .into_any(),
            _ => view! {
                <h1>"Thanks for joining, "{viewer.display_name.clone()}</h1>
                <div class="notice waiting" role="status">
                    <h2>"You're waiting for approval"</h2>
                    <p>"A community builder for "{locality}" will look at your details and be in touch, usually within a few days. We'll email you when you can start."</p>
                </div>
                <p>"Until then there is nothing else to do here. You can sign out and come back later."</p>
            }
            .into_any(),
        };
    }
    let membership = viewer.membership.clone();
    let has_membership = membership.is_some();
    let (glance, picks) = match glance {
        Some(mut g) => {
            let picks = std::mem::take(&mut g.picks);
            (Some(g), picks)
        }
        None => (None, Default::default()),
    };
    let scopes = viewer.builder_of.clone();
    let professional = viewer.professional.clone();
    let is_admin = viewer.has(Role::SiteAdmin);
    let needs_second_factor = viewer.needs_second_factor;
    view! {
        <h1>"Hello, "{viewer.display_name.clone()}</h1>
        {glance.map(|g| view! { <AtAGlance glance=g/> })}
        {crate::components::url::query("wellbeing").map(|_| view! {
            <div class="notice" role="status">"Thank you for your answers."</div>
        })}
        {wellbeing.map(|w| view! {
            <section class="card" aria-labelledby="wellbeing-heading">
                <h2 id="wellbeing-heading">"How are you doing?"</h2>
                <p>{if w.stage == "baseline" { "Welcome! Would you answer seven short questions about how you feel? It takes two minutes." } else { "It has been a while since you joined. Would you answer the seven short questions again?" }}</p>
                <p><a class="button primary" href="/wellbeing">"Answer the questions"</a></p>
            </section>
        })}
        {needs_second_factor.then(|| view! {
            <div class="notice" role="status">
                "Your community builder, referral or administrator tools appear once you sign in with two-step sign-in. "
                <a href="/account/two-step">"Set up two-step sign-in"</a>
            </div>
        })}
        {has_membership.then(|| view! { <HomeSuggestions requests=picks.requests offers=picks.offers near=picks.near/> })}
        {(!notices.is_empty()).then(|| view! {
            <section class="card noticeboard" aria-labelledby="notices-heading">
                <h2 id="notices-heading">"Noticeboard"</h2>
                {notices.into_iter().map(|a| view! {
                    <article>
                        <h3>{a.title}</h3>
                        <p class="meta">{a.audience}" · "{crate::util::format_date(a.at)}" · "{a.posted_by}</p>
                        <p class="pre-line">{a.body}</p>
                    </article>
                }).collect_view()}
            </section>
        })}
        {membership.map(|m| view! {
            <section class="card">
                <h2>"Your time bank"</h2>
                <dl class="facts">
                    <dt>"Network"</dt><dd>{m.network_name}</dd>
                    <dt>"Your area"</dt><dd>{m.locality_name}</dd>
                    <dt>"Membership"</dt><dd>{m.status.label()}</dd>
                </dl>
                <p><a class="button" href="/whats-on">"What's on near you"</a></p>
            </section>
        })}
        {(!scopes.is_empty()).then(|| view! {
            <section class="card">
                <h2>"You are a community builder"</h2>
                <p>"You look after: "{scopes.iter().map(|s| s.label.clone()).collect::<Vec<_>>().join(", ")}</p>
                <p><a class="button primary" href="/community">"Open the community desk"</a>" "<a class="button" href="/referrals">"Referrals"</a>" "<a class="button" href="/community/members">"See your members"</a></p>
            </section>
        })}
        {professional.map(|p| view! {
            <section class="card">
                <h2>"Your organisation"</h2>
                <dl class="facts">
                    <dt>"Organisation"</dt><dd>{p.organisation_name}</dd>
                    <dt>"Role"</dt><dd>{p.job_title}</dd>
                    <dt>"Verified"</dt><dd>{if p.verified { "Yes" } else { "Not yet: a site administrator will check your details" }}</dd>
                </dl>
                {p.verified.then(|| view! {
                    <p><a class="button primary" href="/referrals/new">"Refer someone"</a>" "<a class="button" href="/referrals">"Your referrals"</a></p>
                })}
            </section>
        })}
        {is_admin.then(|| view! {
            <section class="card">
                <h2>"Site administration"</h2>
                <p>
                    <a class="button" href="/admin/networks">"Networks and builders"</a>" "
                    <a class="button" href="/community">"Community desk"</a>" "
                    <a class="button" href="/community/members">"All members"</a>" "
                    <a class="button" href="/outbox">"Emails sent"</a>
                </p>
            </section>
        })}
    }
    .into_any()
}

#[component]
pub fn CodeOfConduct() -> impl IntoView {
    view! {
        <Title text="Code of conduct"/>
        <h1>"Code of conduct"</h1>
        <p class="lead">"A time bank works because members trust each other. By joining you agree to:"</p>
        <ul class="steps">
            <li>"Value everyone's time equally: one hour is one hour, whatever the task."</li>
            <li>"Be kind, respectful and patient. No discrimination, harassment or pressure."</li>
            <li>"Keep other members' details private. Share your own only if you want to."</li>
            <li>"Only offer what you can do safely. Say no when you need to."</li>
            <li>"Record the hours honestly, and let a community builder know if something goes wrong."</li>
            <li>"Never ask for or accept money for a time bank exchange."</li>
        </ul>
    }
}

/// What the service worker shows when the phone has no connection and it holds no copy of
/// the page asked for. Kept by the service worker as drawn for a visitor (no name in the
/// header), so it says nothing about whoever was signed in.
#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text="No connection"/>
        <h1>"No connection just now"</h1>
        <p class="lead">"Your phone is not connected to the internet, so this page can't be loaded."</p>
        <ul class="steps">
            <li>"Check that mobile data or Wi-Fi is on, then try again."</li>
            <li>"If you were signed in, your hours and your exchanges, as you last saw them, can be opened without a connection:"</li>
        </ul>
        <p class="actions">
            <a class="button" href="/hours">"My hours (last seen)"</a>
            <a class="button" href="/exchanges">"My exchanges (last seen)"</a>
        </p>
    }
}

/// "Requests you could help with" and "offers you might like", from the member's own
/// listings; and "new near you" when those are few.
#[component]
fn HomeSuggestions(
    requests: Vec<crate::listings::Suggestion>,
    offers: Vec<crate::listings::Suggestion>,
    near: Vec<crate::listings::Suggestion>,
) -> impl IntoView {
    view! {
        {(!requests.is_empty()).then(|| view! {
            <section aria-labelledby="could-help-heading">
                <h2 id="could-help-heading">"Requests you could help with"</h2>
                <crate::listings::pages::SuggestionList items=requests/>
            </section>
        })}
        {(!offers.is_empty()).then(|| view! {
            <section aria-labelledby="might-like-heading">
                <h2 id="might-like-heading">"Offers you might like"</h2>
                <crate::listings::pages::SuggestionList items=offers/>
            </section>
        })}
        {(!near.is_empty()).then(|| view! {
            <section aria-labelledby="near-heading">
                <h2 id="near-heading">"New near you"</h2>
                <crate::listings::pages::SuggestionList items=near/>
                <p><a href="/listings?sort=near">"See everything near you"</a></p>
            </section>
        })}
    }
}
