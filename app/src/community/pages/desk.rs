//! The builder's desk: the work waiting, oldest first.

use super::super::{builder_desk, DeskView, ReportView};
use super::{Done, MoveRequests};
use crate::components::layout::Loaded;
use crate::ledger::domain::Minutes;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// The builder's desk: the work waiting, oldest first.
#[component]
pub fn BuilderDeskPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| builder_desk());
    view! {
        <Title text="Community desk"/>
        <Loaded data=data children=desk/>
    }
}

fn desk(d: DeskView) -> impl IntoView {
    view! {
        <h1>"Community desk"</h1>
        <Done/>
        <ul class="desk-counts" aria-label="Waiting for you">
            <li><a href="#waiting-heading"><strong>{d.pending.len()}</strong>" waiting to join"</a></li>
            <li><a href="#reports-heading"><strong>{d.reports.len()}</strong>" reports"</a></li>
            <li><a href="#disputes-heading"><strong>{d.disputes.len()}</strong>" disputes"</a></li>
            {(!d.moves.is_empty()).then(|| view! { <li><a href="#moves-heading"><strong>{d.moves.len()}</strong>" moving area"</a></li> })}
            <li><a href="/referrals">"Referrals"</a></li>
        </ul>
        <form method="get" action="/community/members" class="stack card" role="search" aria-label="Search for a member">
            <div class="field">
                <label for="desk-find">"Find a member"</label>
                <p class="hint" id="desk-find-hint">"Part of their name, email or phone number."</p>
                <input id="desk-find" name="q" type="search" aria-describedby="desk-find-hint" autocomplete="off"/>
            </div>
            <button type="submit" class="button primary">"Find"</button>
        </form>
        <nav class="card" aria-labelledby="desk-tools">
            <h2 id="desk-tools">"Tools"</h2>
            <ul class="tool-links">
                <li><a class="button" href="/community/members">"All members"</a></li>
                <li><a class="button" href="/community/join">"Sign someone up on paper"</a></li>
                <li><a class="button" href="/community/hours">"Record hours for members"</a></li>
                <li><a class="button" href="/community/settings">"Rules, categories and announcements"</a></li>
                <li><a class="button" href="/community/whats-on">"What's on: entries to check"</a></li>
                <li><a class="button" href="/community/audit">"Audit trail"</a></li>
            </ul>
        </nav>
        <section aria-labelledby="waiting-heading">
            <h2 id="waiting-heading">{format!("Waiting to join ({})", d.pending.len())}</h2>
            {d.pending.is_empty().then(|| view! { <p>"Nobody is waiting."</p> })}
            <ul class="cards">
                {d.pending.into_iter().map(|m| {
                    let heading = format!("pending-{}", m.user_id);
                    let heading_ref = heading.clone();
                    view! {
                        <li class="card" aria-labelledby=heading_ref>
                            <h3 id=heading>{m.name.clone()}</h3>
                            <p class="meta">{m.locality.clone()}" · asked "{format_date(m.joined_at)}
                                {m.email.clone().map(|e| format!(" · {e}"))}</p>
                            {(!m.about.is_empty()).then(|| view! { <p>"They wrote: "<q>{m.about.clone()}</q></p> })}
                            <p><a class="button primary" href=format!("/community/members/{}", m.user_id)>"Welcome or decline "{m.name.clone()}</a></p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        {(!d.moves.is_empty()).then(|| view! { <MoveRequests moves=d.moves.clone()/> })}
        <section aria-labelledby="reports-heading">
            <h2 id="reports-heading">{format!("Reports to look at ({})", d.reports.len())}</h2>
            {d.reports.is_empty().then(|| view! { <p>"No open reports."</p> })}
            <ReportList reports=d.reports/>
        </section>
        <section aria-labelledby="disputes-heading">
            <h2 id="disputes-heading">{format!("Disputed exchanges ({})", d.disputes.len())}</h2>
            {d.disputes.is_empty().then(|| view! { <p>"No disputes."</p> })}
            <ul class="cards">
                {d.disputes.into_iter().map(|x| view! {
                    <li class="card">
                        <h3><a href=format!("/exchanges/{}", x.exchange_id)>{x.title}</a></h3>
                        <p>{x.provider_name}" helped "{x.receiver_name}
                            {x.recorded_minutes.map(|m| format!(" · {} recorded", Minutes(m).display()))}
                            " · since "{format_date(x.updated_at)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        {(!d.resolved.is_empty()).then(|| view! {
            <section aria-labelledby="resolved-heading">
                <h2 id="resolved-heading">"Recently resolved reports"</h2>
                <ReportList reports=d.resolved/>
            </section>
        })}
    }
}

#[component]
fn ReportList(reports: Vec<ReportView>) -> impl IntoView {
    view! {
        <ul class="cards">
            {reports.into_iter().map(|r| view! {
                <li class="card">
                    <h3><a href=format!("/community/reports/{}", r.id)>{format!("{} by {}", r.subject.label(), r.subject_name)}</a></h3>
                    <p class="meta">{r.status.label()}" · "{r.locality_name}" · reported "{format_date(r.created_at)}" by "{r.reporter_name}</p>
                    <p>{r.reason}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
