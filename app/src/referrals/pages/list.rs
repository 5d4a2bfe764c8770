//! The referrals list: the builders' queue of their area and the professional's own
//! referrals (or their organisation's).

use crate::components::layout::Loaded;
use crate::referrals::domain::Urgency;
use crate::referrals::{referrals_overview, QueueItem};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn QueueTable(items: Vec<QueueItem>, caption: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr><th scope="col">"Person"</th><th scope="col">"Area"</th><th scope="col">"Where it stands"</th><th scope="col">"Arrived"</th><th scope="col">"From"</th></tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|q| {
                        let age = if q.status.awaits_contact() {
                            format!("{} of {} working days", q.age_days, q.target_days)
                        } else {
                            String::new()
                        };
                        view! {
                            <tr class:overdue=q.overdue>
                                <td><a href=format!("/referrals/{}", q.id)>{q.person_name.clone()}</a>
                                    {(Urgency::parse(&q.urgency) != Some(Urgency::Routine)).then(|| view! { <span class="badge">{Urgency::parse(&q.urgency).map(|u| u.label()).unwrap_or("")}</span> })}</td>
                                <td>{q.locality.clone()}</td>
                                <td>{q.status.label()}
                                    {q.overdue.then(|| view! { <strong class="overdue-flag">" · overdue"</strong> })}
                                    {(!age.is_empty()).then(|| view! { <span class="meta">{format!(" · {age}")}</span> })}</td>
                                <td>{format_date(q.created_at)}</td>
                                <td>{q.from.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The builder's queue and the professional's referrals.
#[component]
pub fn ReferralsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| referrals_overview());
    view! {
        <Title text="Referrals"/>
        <h1>"Referrals"</h1>
        <Loaded data=data children=move |d| {
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
                                view! { <QueueTable items=d.queue.clone() caption="Open referrals first, overdue at the top"/> }.into_any()
                            }}
                        </section>
                    })}
                    {(d.is_professional && d.verified).then(|| view! {
                        <section aria-labelledby="sent-heading">
                            <h2 id="sent-heading">{if d.org_lead { "Your organisation's referrals" } else { "Your referrals" }}</h2>
                            {if d.sent.is_empty() {
                                view! { <p>"None yet."</p> }.into_any()
                            } else {
                                view! { <QueueTable items=d.sent.clone() caption="Newest first"/> }.into_any()
                            }}
                        </section>
                    })}
                }
        }/>
    }
}
