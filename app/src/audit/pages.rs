//! The audit trail's pages: the builders' searchable trail and a member's "actions on my
//! account". Both work with JavaScript off (a GET form, plain links).

use super::domain::AuditLine;
use super::{audit_trail, my_account_actions};
use crate::components::layout::PageError;
use crate::components::url::{query, urlencode};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// The audit trail as a table (a region that scrolls sideways on a phone).
#[component]
pub fn AuditTable(lines: Vec<AuditLine>, show_subject: bool) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p>"Nothing yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap" role="region" aria-label="Audit trail" tabindex="0">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What"</th>
                        {show_subject.then(|| view! { <th scope="col">"On whom"</th> })}
                        <th scope="col">"Reason"</th>
                        <th scope="col">"Before → after"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr>
                            <td>{format_date(l.at)}</td>
                            <td>{l.actor}</td>
                            <td>{l.action}</td>
                            {show_subject.then(|| view! { <td>{l.subject_name.clone()}{(!l.locality.is_empty()).then(|| format!(" ({})", l.locality))}</td> })}
                            <td>{l.reason}</td>
                            <td>{if l.before.is_empty() && l.after.is_empty() { String::new() } else { format!("{} → {}", if l.before.is_empty() { "—" } else { &l.before }, l.after) }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The audit trail, searchable by person, action and dates; a GET form so it works without
/// JavaScript and the address can be bookmarked.
#[component]
pub fn AuditTrailPage() -> impl IntoView {
    let (person, action, from, to) = (query("person"), query("action"), query("from"), query("to"));
    let page = query("page").and_then(|p| p.parse().ok()).unwrap_or(1u32);
    let key = (person.clone(), action.clone(), from.clone(), to.clone(), page);
    let data = Resource::new_blocking(move || key.clone(), |(p, a, f, t, n)| audit_trail(p, a, f, t, Some(n)));
    view! {
        <Title text="Audit trail"/>
        <h1>"Audit trail"</h1>
        <p class="lead">"Every action by community builders and site administrators, with who, when, on whom and why. Nothing here can be edited or deleted."</p>
        <Suspense fallback=|| ()>
            {move || {
                let (person, action, from, to) = (person.clone(), action.clone(), from.clone(), to.clone());
                Suspend::new(async move {
                    let d = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(d) => d,
                    };
                    let qs = format!(
                        "person={}&action={}&from={}&to={}",
                        urlencode(person.as_deref().unwrap_or("")),
                        urlencode(action.as_deref().unwrap_or("")),
                        urlencode(from.as_deref().unwrap_or("")),
                        urlencode(to.as_deref().unwrap_or(""))
                    );
                    let chosen = action.clone().unwrap_or_default();
                    view! {
                        <form method="get" action="/community/audit" class="stack filters" role="search" aria-label="Search the audit trail">
                            <div class="field">
                                <label for="person">"Person (who acted, or on whom)"</label>
                                <input id="person" name="person" type="text" value=person.clone().unwrap_or_default()/>
                            </div>
                            <div class="field">
                                <label for="action">"Action"</label>
                                <select id="action" name="action">
                                    <option value="">"Any action"</option>
                                    {d.actions.iter().map(|(k, label)| view! { <option value=k.clone() selected=chosen == *k>{label.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="from">"From (year-month-day)"</label>
                                <input id="from" name="from" type="date" value=from.clone().unwrap_or_default()/>
                            </div>
                            <div class="field">
                                <label for="to">"To (year-month-day)"</label>
                                <input id="to" name="to" type="date" value=to.clone().unwrap_or_default()/>
                            </div>
                            <button type="submit" class="button">"Search"</button>
                        </form>
                        <p><a href=format!("/community/audit.csv?{qs}") download>"Download these as CSV"</a></p>
                        <AuditTable lines=d.lines show_subject=true/>
                        <nav class="pager" aria-label="Pages">
                            {(d.page > 1).then(|| view! { <a href=format!("/community/audit?{qs}&page={}", d.page - 1)>"Newer"</a> })}
                            {d.has_more.then(|| view! { <a href=format!("/community/audit?{qs}&page={}", d.page + 1)>"Older"</a> })}
                        </nav>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// What builders and admins did on my account.
#[component]
pub fn MyAccountActionsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| my_account_actions());
    view! {
        <Title text="Actions on my account"/>
        <h1>"Actions on my account"</h1>
        <p class="lead">"Everything a community builder or administrator did on your account, with their reason."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <PageError error=e/> }.into_any(),
                    Ok(lines) => view! { <AuditTable lines=lines show_subject=false/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
