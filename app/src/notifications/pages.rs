//! The notifications page, with the email choice.

use super::{my_notifications, MarkNotificationsRead, SetEmailFrequency};
use crate::components::forms::{Notice, ScriptFile};
use crate::components::layout::Loaded;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| my_notifications());
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let freq = ServerAction::<SetEmailFrequency>::new();
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    view! {
        <Title text="Notifications"/>
        <h1>"Notifications"</h1>
        {saved.then(|| view! { <Notice>"Your email choice is saved."</Notice> })}
        <Loaded titled=true data=data children=move |v| {
                        let any_unread = v.items.iter().any(|n| n.unread);
                        let f = v.email_frequency.clone();
                        view! {
                            {if v.items.is_empty() {
                                view! { <p>"Nothing yet. When someone responds to you, writes, or has hours for you to confirm, it shows here."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="notifications">
                                        {v.items.into_iter().map(|n| view! {
                                            <li class=if n.unread { "notification unread" } else { "notification" }>
                                                {n.unread.then(|| view! { <span class="badge request">"New"</span>" " })}
                                                <a href=n.link>{n.text}</a>
                                                <span class="meta">" · "{format_date(n.created_at)}</span>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {any_unread.then(|| view! {
                                <ActionForm action=mark attr:class="stack">
                                    <button type="submit" class="button">"Mark all as read"</button>
                                </ActionForm>
                            })}
                            <PushSection key=v.push_key.clone()/>
                            <section class="card" aria-labelledby="email-heading">
                                <h2 id="email-heading">"Emails about these"</h2>
                                <ActionForm action=freq attr:class="stack">
                                    <fieldset class="field">
                                        <legend>"How often should we email you?"</legend>
                                        {[("immediately", "Straight away"), ("daily", "Once a day, all together"), ("never", "Never: I'll look here")].into_iter().map(|(value, label)| {
                                            let id = format!("frequency-{value}");
                                            view! {
                                                <div class="radio">
                                                    <input type="radio" id=id.clone() name="frequency" value=value checked=f == value/>
                                                    <label for=id>{label}</label>
                                                </div>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <button type="submit" class="button primary">"Save"</button>
                                </ActionForm>
                            </section>
                        }
        }/>
    }
}

/// Alerts on this phone: shown by `/push.js` where the browser can take them (it needs
/// JavaScript and a service worker); hidden otherwise, as there is nothing to press.
#[component]
fn PushSection(key: String) -> impl IntoView {
    view! {
        <section class="card push" id="push" hidden data-key=key aria-labelledby="push-heading">
            <h2 id="push-heading">"Alerts on this phone"</h2>
            <p>"Get an alert on this phone when someone needs you, even when Timeweave is closed."</p>
            <p class="push-status" role="status" aria-live="polite"></p>
            <button type="button" class="button primary" data-push="on">"Turn on alerts"</button>
            <button type="button" class="button" data-push="off" hidden>"Turn off alerts on this phone"</button>
            <ScriptFile src="/push.js"/>
        </section>
    }
}
