//! Responding to a listing, one exchange (messages and next steps), and "my exchanges".

use super::domain::ExchangeStatus;
use super::{get_exchange, my_exchanges, ExchangeStep, SendMessage, ShareContact, StartExchange, Thank};
use crate::components::forms::{last_error, problem_of, DurationField, ErrorSummary, Notice, Select, TextArea};
use crate::components::layout::PageError;
use crate::components::url::{param, query};
use crate::ledger::domain::Minutes;
use crate::listings::domain::ListingKind;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// On a listing someone else posted: "I can help" / "I'd like this", with a first message.
#[component]
pub fn StartExchangeForm(listing_id: String, kind: ListingKind, owner_name: String) -> impl IntoView {
    let action = ServerAction::<StartExchange>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let (heading, button) = match kind {
        ListingKind::Offer => ("I'd like this", "Send to ".to_string() + &owner_name),
        ListingKind::Request => ("I can help", "Send to ".to_string() + &owner_name),
    };
    view! {
        <section class="card" aria-labelledby="respond-heading">
            <h2 id="respond-heading">{heading}</h2>
            <p>"Write to "{owner_name.clone()}". Your email and phone number are not shared: you talk here until you choose to share them."</p>
            <ErrorSummary error=error/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="listing_id" value=listing_id/>
                <TextArea label="Your message" name="body" problem=problem rows=4 maxlength=2000
                    hint="Say hello, and when you could do it."/>
                <button type="submit" class="button primary">{button}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ExchangePage() -> impl IntoView {
    let id = param("id");
    let done = query("done");
    let message = ServerAction::<SendMessage>::new();
    let step = ServerAction::<ExchangeStep>::new();
    let thank = ServerAction::<Thank>::new();
    let share = ServerAction::<ShareContact>::new();
    let resolve = ServerAction::<super::ResolveDispute>::new();
    let resolve_error = last_error(resolve);
    let (message_error, step_error, thank_error) = (last_error(message), last_error(step), last_error(thank));
    let data = Resource::new_blocking(move || id.clone(), get_exchange);
    view! {
        <Title text="Exchange"/>
        <Suspense fallback=|| ()>
            {move || {
                let (message_error, step_error, done, thank_error) = (message_error.clone(), step_error.clone(), done.clone(), thank_error.clone());
                let resolve_error = resolve_error.clone();
                Suspend::new(async move {
                    let e = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(e) => e,
                    };
                    let mp = problem_of(&message_error);
                    let steps = e.steps.clone();
                    let exchange_id = e.id.clone();
                    let sp = problem_of(&step_error);
                    let notice = done.and_then(|d| ExchangeStatus::parse(&d)).map(|s| match s {
                        ExchangeStatus::Confirmed => "Thank you. The hours have moved: both statements show them.".to_string(),
                        other => format!("Done. Now: {}.", other.label().to_lowercase()),
                    });
                    view! {
                        <h1>{e.listing_title.clone()}</h1>
                        {notice.map(|n| view! { <Notice>{n}</Notice> })}
                        <dl class="facts card">
                            <dt>"Status"</dt><dd>{e.status.label()}</dd>
                            <dt>"Helping"</dt><dd>{e.provider_name.clone()}</dd>
                            <dt>"Helped"</dt><dd>{e.receiver_name.clone()}</dd>
                            {e.recorded_minutes.map(|m| view! { <dt>"Hours recorded"</dt><dd>{Minutes(m).display()}</dd> })}
                            {e.reason.clone().map(|r| view! { <dt>"Reason given"</dt><dd>{r}</dd> })}
                        </dl>
                        <p><a href=format!("/listings/{}", e.listing_id)>"See the listing"</a></p>
                        {e.can_resolve.then({
                            let resolve_id = e.id.clone();
                            move || {
                            let rp = problem_of(&resolve_error);
                            view! {
                                <section class="card" aria-labelledby="settle-heading">
                                    <h2 id="settle-heading">"Settle this dispute"</h2>
                                    <p>"Set the hours that really happened (they move once, between the two members) or cancel the exchange. Both members see your reason."</p>
                                    <ErrorSummary error=resolve_error.clone()/>
                                    <ActionForm action=resolve attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="exchange_id" value=resolve_id/>
                                        <Select label="What should happen?" name="outcome" problem=rp.clone()
                                            groups=vec![("Outcome".into(), vec![("hours".into(), "Set the hours".into()), ("cancel".into(), "Cancel the exchange: no hours move".into())])]/>
                                        <DurationField problem=rp.clone() legend="Hours to record (when setting the hours)"/>
                                        <TextArea label="Reason" name="reason" problem=rp.clone() rows=3 maxlength=1000/>
                                        <button type="submit" class="button primary">"Settle it"</button>
                                    </ActionForm>
                                </section>
                            }
                        }})}
                        <ErrorSummary error=step_error.clone()/>
                        {(!steps.is_empty()).then(move || view! {
                            <section class="card" aria-labelledby="next-heading">
                                <h2 id="next-heading">"What next?"</h2>
                                {steps.into_iter().map(|(name, label)| {
                                    let id = exchange_id.clone();
                                    let needs_reason = matches!(name.as_str(), "cancel" | "dispute" | "decline");
                                    let record = name == "record";
                                    let sp = sp.clone();
                                    view! {
                                        <ActionForm action=step attr:class="stack step-form" attr:novalidate=true>
                                            <input type="hidden" name="exchange_id" value=id/>
                                            <input type="hidden" name="step" value=name.clone()/>
                                            {record.then(|| view! {
                                                <DurationField problem=sp.clone() legend="How long did it take?"
                                                    hint="The other person confirms it, then the hours move."/>
                                            })}
                                            {needs_reason.then(|| view! {
                                                <TextArea label=if name == "decline" { "A short note (optional)" } else { "Why?" } name="reason"
                                                    problem=sp.clone() rows=2 maxlength=500/>
                                            })}
                                            <button type="submit" class=if needs_reason { "button" } else { "button primary" }>{label}</button>
                                        </ActionForm>
                                    }
                                }).collect_view()}
                            </section>
                        })}
                        {(!e.thanks.is_empty()).then(|| view! {
                            <section aria-labelledby="thanks-heading">
                                <h2 id="thanks-heading">"Thanks"</h2>
                                <ul class="thanks">
                                    {e.thanks.iter().map(|(from, body)| view! { <li><strong>{from.clone()}": "</strong>{body.clone()}</li> }).collect_view()}
                                </ul>
                            </section>
                        })}
                        {e.can_thank.then(|| {
                            let tp = problem_of(&thank_error);
                            let (thank_id, other) = (e.id.clone(), e.other_name.clone());
                            view! {
                                <section class="card" aria-labelledby="thank-heading">
                                    <h2 id="thank-heading">"Say thank you to "{other.clone()}</h2>
                                    <p>"A few words. They show on "{other}"'s profile."</p>
                                    <ErrorSummary error=thank_error.clone()/>
                                    <ActionForm action=thank attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="exchange_id" value=thank_id/>
                                        <TextArea label="Your thank-you" name="thanks" problem=tp rows=2 maxlength=300/>
                                        <button type="submit" class="button primary">"Send thanks"</button>
                                    </ActionForm>
                                </section>
                            }
                        })}
                        <section id="messages" aria-labelledby="messages-heading">
                            <h2 id="messages-heading">"Messages"</h2>
                            <ol class="messages">
                                {e.messages.iter().map(|m| view! {
                                    <li class=if m.mine { "message mine" } else { "message" }>
                                        <p class="meta">{if m.mine { "You".to_string() } else { m.author_name.clone() }}" · "{format_date(m.created_at)}</p>
                                        <p class="body">{m.body.clone()}</p>
                                        {(!m.mine && !m.contact && e.i_am_participant).then(|| view! {
                                            <p class="report-link"><a href=format!("/report?kind=message&id={}", m.id)>"Report this message"</a></p>
                                        })}
                                    </li>
                                }).collect_view()}
                            </ol>
                            {e.i_am_participant.then(|| {
                                let (id1, id2, other) = (e.id.clone(), e.id.clone(), e.other_name.clone());
                                view! {
                                <ErrorSummary error=message_error.clone()/>
                                <ActionForm action=message attr:class="stack" attr:novalidate=true>
                                    <input type="hidden" name="exchange_id" value=id1/>
                                    <TextArea label="Write a message" name="body" problem=mp.clone() rows=3 maxlength=2000/>
                                    <button type="submit" class="button primary">"Send"</button>
                                </ActionForm>
                                <ActionForm action=share attr:class="stack share-form">
                                    <input type="hidden" name="exchange_id" value=id2/>
                                    <p class="hint">"Your email address stays private unless you choose to share it here."</p>
                                    <button type="submit" class="button">"Share my email address with "{other}</button>
                                </ActionForm>
                            }})}
                        </section>
                        <p><a href="/exchanges">"All my exchanges"</a></p>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn MyExchangesPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| my_exchanges());
    view! {
        <Title text="My exchanges"/>
        <h1>"My exchanges"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <PageError error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! {
                        <p>"No exchanges yet. Find something in "<a href="/listings">"offers and requests"</a>" and get in touch."</p>
                    }.into_any(),
                    Ok(rows) => view! {
                        <ul class="listing-cards">
                            {rows.into_iter().map(|r| view! {
                                <li class="listing-card">
                                    <h2 class="h3"><a href=format!("/exchanges/{}", r.id)>{r.listing_title}</a></h2>
                                    <p class="meta">"With "{r.other_name}" · "{r.status.label()}" · "{format_date(r.updated_at)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
