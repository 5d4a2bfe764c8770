//! The outbox: every email the site has sent or queued (demo: anyone; otherwise site admins).

use super::outbox_messages;
use crate::components::layout::Loaded;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let messages = Resource::new_blocking(|| (), |_| outbox_messages());
    view! {
        <Title text="Emails"/>
        <Loaded data=messages children=|list| view! {
            <h1>"Emails"</h1>
            <p>"The newest emails the site has sent, newest first."</p>
            {list.is_empty().then(|| view! { <p>"No emails yet."</p> })}
            {list.into_iter().map(|m| view! {
                <article class="card email">
                    <h2>{m.subject}</h2>
                    <p class="meta">"To "{m.to_address}" · "{format_date(m.created_at)}{if m.sent { " · sent" } else { " · kept in the outbox" }}</p>
                    <pre class="email-body">{linkify(&m.body)}</pre>
                </article>
            }).collect_view()}
        }/>
    }
}

/// Shows the links in an email as links (the demo's way of "opening" an emailed link).
fn linkify(body: &str) -> impl IntoView {
    body.lines()
        .map(|line| {
            let trimmed = line.trim();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                let path = trimmed.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap_or_else(|| "/".into());
                view! { <a href=path>{trimmed.to_string()}</a>"\n" }.into_any()
            } else {
                view! { {line.to_string()}"\n" }.into_any()
            }
        })
        .collect_view()
}
