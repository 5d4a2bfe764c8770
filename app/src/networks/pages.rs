//! The community builder's list of the members they look after: found by typing part of a
//! name, email or phone number, a page at a time, each member a card that reads on a phone.

use super::community_members;
use super::domain::MembershipStatus;
use crate::components::layout::Loaded;
use crate::components::url::query;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MembersPage() -> impl IntoView {
    let q = query("q").unwrap_or_default();
    let page = query("page").and_then(|p| p.parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let members = Resource::new_blocking(move || (q.clone(), page), |(q, page)| community_members(Some(q), Some(page)));
    view! {
        <Title text="Members"/>
        <Loaded data=members children=|v| {
            let searched = !v.q.is_empty();
            let summary = match (searched, v.total) {
                _ if v.too_short => "Type at least two letters of a name, or an email or phone number.".to_string(),
                (false, t) => format!("{t} members, {} waiting for approval.", v.waiting),
                (true, 0) => format!("No member matches \"{}\".", v.q),
                (true, 1) => format!("1 member matches \"{}\".", v.q),
                (true, t) => format!("{t} members match \"{}\".", v.q),
            };
            let link = |page: u32| {
                let mut href = format!("/community/members?page={page}");
                if !v.q.is_empty() {
                    href.push_str("&q=");
                    href.push_str(&crate::components::url::urlencode(&v.q));
                }
                href
            };
            let prev = (v.page > 1).then(|| link(v.page - 1));
            let next = v.has_more.then(|| link(v.page + 1));
            view! {
                <h1>"Members"</h1>
                <form method="get" action="/community/members" class="stack filters" role="search" aria-label="Search for a member">
                    <div class="field">
                        <label for="q">"Find a member"</label>
                        <p class="hint" id="q-hint">"Part of their name, email or phone number."</p>
                        <input id="q" name="q" type="search" value=v.q.clone() aria-describedby="q-hint" autocomplete="off"/>
                    </div>
                    <div class="button-row">
                        <button type="submit" class="button primary">"Find"</button>
                        {searched.then(|| view! { <a class="button" href="/community/members">"Show everyone"</a> })}
                    </div>
                </form>
                <p role="status">{summary}</p>
                <ul class="cards member-cards">
                    {v.rows.into_iter().map(|r| {
                        let waiting = r.status == MembershipStatus::Pending;
                        view! {
                            <li class="card">
                                <p class="member-name"><a href=format!("/community/members/{}", r.user_id)>{r.display_name}</a></p>
                                <p class="meta">
                                    {r.locality_name}" · "
                                    <span class:warning=waiting>{r.status.label()}</span>
                                    " · joined "{format_date(r.joined_at)}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(prev.is_some() || next.is_some()).then(|| view! {
                    <nav class="pager" aria-label="Pages of members">
                        {prev.map(|h| view! { <a class="button" href=h rel="prev">"Previous"</a> })}
                        <span>"Page "{v.page}</span>
                        {next.map(|h| view! { <a class="button" href=h rel="next">"Next"</a> })}
                    </nav>
                })}
            }
        }/>
    }
}
