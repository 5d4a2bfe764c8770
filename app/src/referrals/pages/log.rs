//! The referral access log, for site admins, with the retention schedule's button.

use crate::components::forms::Notice;
use crate::components::layout::Loaded;
use crate::components::url::query;
use crate::referrals::{referral_access_log, RunReferralRetention};
use leptos::prelude::*;
use leptos_meta::Title;

/// The access log, for site admins.
#[component]
pub fn ReferralLogPage() -> impl IntoView {
    let referral = query("referral");
    let erased = query("erased");
    let run = ServerAction::<RunReferralRetention>::new();
    let data = Resource::new_blocking(move || referral.clone(), referral_access_log);
    view! {
        <Title text="Referral access log"/>
        <h1>"Referral access log"</h1>
        {erased.map(|n| view! { <Notice>{format!("The retention schedule ran: {n} referral(s) erased.")}</Notice> })}
        <p class="lead">"Every time anyone read or changed a referral. Newest first; the last 500."</p>
        <ActionForm action=run attr:class="inline-form">
            <button type="submit" class="button">"Run the retention schedule now"</button>
        </ActionForm>
        <Loaded titled=true data=data children=move |lines| {
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption>"Access to referrals"</caption>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Referral"</th></tr></thead>
                            <tbody>
                                {lines.into_iter().map(|l| view! {
                                    <tr>
                                        <td>{crate::util::format_date_time(l.at)}</td>
                                        <td>{l.who}</td>
                                        <td>{l.action}{(!l.detail.is_empty()).then(|| format!(": {}", l.detail))}</td>
                                        <td><a href=format!("/admin/referral-log?referral={}", l.referral_id)>{l.referral_id[..8.min(l.referral_id.len())].to_string()}</a></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
        }/>
    }
}
