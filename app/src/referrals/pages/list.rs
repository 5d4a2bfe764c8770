//! The referrals list: the builders' queue of their area and the professional's own
//! referrals (or their organisation's).

use crate::components::layout::Loaded;
use crate::referrals::domain::Urgency;
use crate::referrals::{referrals_overview, QueueItem};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// Referrals as cards (they read on a phone without sideways scrolling): the person, where
/// it stands (overdue flagged, its age against the first-contact target), area, arrival
/// and who sent it.
#[component]
fn QueueCards(items: Vec<QueueItem>, label: &'static str) -> impl IntoView {
    view! {
        <p class="meta">{label}</p>
        <ul class="cards referral-cards">
            {items.into_iter().map(|q| {
                let age = if q.status.awaits_contact() {
                    format!("{} of {} working days", q.age_days, q.target_days)
                } else {
                    String::new()
                };
                let urgency = Urgency::parse(&q.urgency).filter(|u| *u != Urgency::Routine).map(|u| u.label());
                view! {
                    <li class="card" class:overdue=q.overdue>
                        <p class="member-name"><a href=format!("/referrals/{}", q.id)>{q.person_name.clone()}</a>
                            {urgency.map(|u| view! { " "<span class="badge">{u}</span> })}</p>
                        <p>{q.status.label()}
                            {q.overdue.then(|| view! { <strong class="overdue-flag">" · overdue"</strong> })}
                            {(!age.is_empty()).then(|| view! { <span class="meta">{format!(" · {age}")}</span> })}</p>
                        <p class="meta">{q.locality.clone()}" · arrived "{format_date(q.created_at)}
                            {(!q.from.is_empty()).then(|| format!(" · from {}", q.from))}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The builder's queue and the professional's referrals.
#[component]
pub fn ReferralsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| referrals_overview());
    view! {
        <Title text="Referrals"/>
        <h1>"Referrals"</h1>
        <Loaded titled=true data=data children=move |d| {
                let overdue = d.queue.iter().filter(|q| q.overdue).count();
                view! {
                    {d.is_professional.then(|| if d.verified {
                        view! { <p><a class="button primary" href="/referrals/new">"Refer someone"</a></p> }.into_any()
                    } else {
                        view! { <p class="notice">"Your professional account is waiting for a site administrator to check it. You can refer people once it is verified."</p> }.into_any()
                    })}
                    {d.is_builder.then(|| view! {
                        <section aria-labelledby="queue-heading">
                            <h2 id="queue-heading">{format!("Referrals to your area ({})", d.queue.iter().filter(|q| !q.status.is_final()).count())}</h2>
                            {(overdue > 0).then(|| view! { <p class="warning">{format!("{overdue} past the first-contact target.")}</p> })}
                            {if d.queue.is_empty() {
                                view! { <p>"No referrals at the moment."</p> }.into_any()
                            } else {
                                view! { <QueueCards items=d.queue.clone() label="Open referrals first, overdue at the top."/> }.into_any()
                            }}
                        </section>
                    })}
                    {(d.is_professional && d.verified).then(|| view! {
                        <section aria-labelledby="sent-heading">
                            <h2 id="sent-heading">{if d.org_lead { "Your organisation's referrals" } else { "Your referrals" }}</h2>
                            {if d.sent.is_empty() {
                                view! { <p>"None yet."</p> }.into_any()
                            } else {
                                view! { <QueueCards items=d.sent.clone() label="Newest first."/> }.into_any()
                            }}
                        </section>
                    })}
                }
        }/>
    }
}
