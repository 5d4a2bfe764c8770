//! The community builder's list of members they look after.

use super::community_members;
use crate::components::layout::Loaded;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MembersPage() -> impl IntoView {
    let members = Resource::new_blocking(|| (), |_| community_members());
    view! {
        <Title text="Members"/>
        <Loaded data=members children=|rows| {
                        let waiting = rows.iter().filter(|r| r.status == super::domain::MembershipStatus::Pending).count();
                        view! {
                            <h1>"Members"</h1>
                            <p>{format!("{} members, {} waiting for approval.", rows.len(), waiting)}</p>
                            <div class="table-wrap" role="region" aria-label="Members" tabindex="0">
                                <table>
                                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Area"</th><th scope="col">"Status"</th><th scope="col">"Joined"</th></tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! {
                                            <tr>
                                                <td><a href=format!("/community/members/{}", r.user_id)>{r.display_name}</a></td>
                                                <td>{r.locality_name}</td>
                                                <td>{r.status.label()}</td>
                                                <td>{format_date(r.joined_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
        }/>
    }
}
