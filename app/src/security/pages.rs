//! `/admin/security`: the security events, newest first, filtered by kind.

use super::security_events;
use crate::components::layout::Loaded;
use crate::components::url::query;
use crate::util::format_date_time;
use leptos::prelude::*;
use leptos_meta::Title;

/// What each kind of event means, in words.
fn kind_in_words(kind: &str) -> &'static str {
    match kind {
        "sign_in_failed" => "Wrong password",
        "sign_in_throttled" => "Sign-in refused: too many attempts",
        "account_locked" => "Account paused for new devices",
        "unlock_link_sent" => "Unlock link emailed",
        "unlock_used" => "Unlock link used",
        "code_wrong" => "Wrong two-step code",
        "code_throttled" => "Code refused: too many attempts",
        "two_step_on" => "Two-step sign-in turned on",
        "two_step_off" => "Two-step sign-in turned off",
        "password_changed" => "Password changed",
        "password_reset" => "Password reset by emailed link",
        "rate_limited" => "Too many requests (join, reset, self-referral)",
        "cross_origin_refused" => "Request from another website refused",
        "forbidden" => "Refused: not allowed",
        "malformed_request" => "Request that could not be read",
        "partner_token_used" => "Partner system sent a referral",
        "partner_token_refused" => "Partner token refused",
        _ => "Other",
    }
}

#[component]
pub fn SecurityEventsPage() -> impl IntoView {
    let kind = query("kind");
    let data = Resource::new_blocking(move || kind.clone(), security_events);
    view! {
        <Title text="Security events"/>
        <h1>"Security events"</h1>
        <Loaded titled=true data=data children=|v| view! {
            <form method="get" action="/admin/security" class="stack filters">
                <div class="field">
                    <label for="kind">"Kind of event"</label>
                    <select id="kind" name="kind">
                        <option value="" selected=v.kind.is_empty()>"All kinds"</option>
                        {v.kinds.iter().map(|k| view! {
                            <option value=k.clone() selected=*k == v.kind>{kind_in_words(k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Show"</button>
            </form>
            <p>{match v.events.len() {
                0 => "No events yet.".to_string(),
                1 => "The newest event.".to_string(),
                n => format!("The newest {n} events."),
            }}" Addresses are the client's; no passwords, codes or tokens are kept."</p>
            <ul class="cards">
                {v.events.into_iter().map(|e| view! {
                    <li class="card">
                        <p><strong>{kind_in_words(&e.kind)}</strong></p>
                        <p class="meta">{format_date_time(e.at)}" · from "{e.client}</p>
                        {(!e.subject.is_empty()).then(|| view! { <p>{e.subject}</p> })}
                        {e.user_id.map(|id| view! {
                            <p><a href=format!("/community/members/{id}")>{e.user_name.unwrap_or_else(|| "A member".into())}</a></p>
                        })}
                        {(!e.detail.is_empty()).then(|| view! { <p class="meta">{e.detail}</p> })}
                    </li>
                }).collect_view()}
            </ul>
        }/>
    }
}
