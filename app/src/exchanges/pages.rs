//! Responding to a listing, one exchange (messages and next steps), "my exchanges", and a
//! listing's page, which joins the listing (from `listings`) with the way to respond.

use super::domain::{whose_move, ExchangeStatus, Sides, Turn};
use super::{get_exchange, my_exchanges, ExchangeStep, MessageView, SendMessage, ShareContact, StartExchange, Thank};
use crate::components::forms::{last_error, problem_of, DurationField, ErrorSummary, Field, Notice, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::error::{AppError, FormProblem};
use crate::ledger::domain::Minutes;
use crate::listings::domain::{ListingKind, Looker};
use crate::listings::pages::{done_message, ListingView};
use crate::listings::{get_listing, listing_matches};
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
    // For a community builder of either member: settle a disputed exchange. (A closure rather
    // than a component so that the dispute action's type is named in one place only, above.)
    let settle_form = move |exchange_id: String, error: Option<AppError>| {
        let rp = problem_of(&error);
        view! {
            <section class="card" aria-labelledby="settle-heading">
                <h2 id="settle-heading">"Settle this dispute"</h2>
                <p>"Set the hours that really happened (they move once, between the two members) or cancel the exchange. Both members see your reason."</p>
                <ErrorSummary error=error/>
                <ActionForm action=resolve attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="exchange_id" value=exchange_id/>
                    <Select label="What should happen?" name="outcome" problem=rp.clone()
                        groups=vec![("Outcome".into(), vec![("hours".into(), "Set the hours".into()), ("cancel".into(), "Cancel the exchange: no hours move".into())])]/>
                    <DurationField problem=rp.clone() legend="Hours to record (when setting the hours)"/>
                    <TextArea label="Reason" name="reason" problem=rp.clone() rows=3 maxlength=1000/>
                    <button type="submit" class="button primary">"Settle it"</button>
                </ActionForm>
            </section>
        }
    };
    view! {
        <Title text="Exchange"/>
        <Loaded data=data children=move |e| {
            let words = status_words(&e);
            let (main_steps, other_steps) = split_steps(e.steps.clone());
            let confirmed_now = done.as_deref() == Some(ExchangeStatus::Confirmed.as_str());
            view! {
                <h1>{e.listing_title.clone()}</h1>
                // The state in words, first: after a step it is also the confirmation.
                {if confirmed_now {
                    view! { <Notice>"Thank you. The hours have moved: both statements show them."</Notice> }.into_any()
                } else {
                    view! { <p class="status-line" role="status">{words}</p> }.into_any()
                }}
                {e.can_resolve.then(|| settle_form(e.id.clone(), resolve_error.clone()))}
                <ErrorSummary error=step_error.clone()/>
                <NextSteps exchange_id=e.id.clone() steps=main_steps action=step problem=problem_of(&step_error)/>
                {e.can_thank.then(|| view! {
                    <ThankForm exchange_id=e.id.clone() other_name=e.other_name.clone() action=thank error=thank_error.clone()/>
                })}
                <Conversation messages=e.messages.clone() participant=e.i_am_participant exchange_id=e.id.clone()
                    other_name=e.other_name.clone() send=message share=share error=message_error.clone()/>
                <OtherSteps exchange_id=e.id.clone() steps=other_steps action=step problem=problem_of(&step_error)/>
                <ThanksList thanks=e.thanks.clone()/>
                <ExchangeFacts status=e.status provider_name=e.provider_name.clone() receiver_name=e.receiver_name.clone()
                    recorded_minutes=e.recorded_minutes happened_on=e.happened_on.clone() reason=e.reason.clone()
                    listing_id=e.listing_id.clone()/>
                <p><a href="/exchanges">"All my exchanges"</a></p>
            }
        }/>
    }
}

/// Where the exchange stands, in words, from this person's side: whose move it is.
fn status_words(e: &super::ExchangeView) -> String {
    let other = &e.other_name;
    let hours = e.recorded_minutes.map(|m| Minutes(m).display()).unwrap_or_default();
    if !e.i_am_participant {
        return e.status.label().to_string();
    }
    let sides = Sides { is_owner: e.i_am_owner, recorded_by_me: e.recorded_by_me };
    match (e.status, whose_move(e.status, sides)) {
        (ExchangeStatus::Requested, Turn::Mine) => format!("{other} is waiting for your answer."),
        (ExchangeStatus::Requested, _) => format!("Waiting for {other} to reply."),
        (ExchangeStatus::Accepted, _) => {
            "Agreed. Sort out the details in the messages; once the help has happened, record the hours.".into()
        }
        (ExchangeStatus::Recorded, Turn::Theirs) => format!("Waiting for {other} to confirm {hours}."),
        (ExchangeStatus::Recorded, _) => format!("{other} recorded {hours}. Please confirm it, or say if something is wrong."),
        (ExchangeStatus::Confirmed, _) => format!("Done: {hours} moved from {} to {}.", e.receiver_name, e.provider_name),
        (ExchangeStatus::Declined, _) if e.i_am_owner => "You said no to this one.".into(),
        (ExchangeStatus::Declined, _) => format!("{other} said no this time."),
        (ExchangeStatus::Cancelled, _) => "This exchange was cancelled.".into(),
        (ExchangeStatus::Disputed, _) => "A community builder is looking at the hours with you both.".into(),
    }
}

/// A step offered: (its name, its button's words).
type StepChoice = (String, String);

/// The one step to take now (accept, record, confirm) apart from the others (decline,
/// cancel, something is wrong), which sit behind their own control.
fn split_steps(steps: Vec<StepChoice>) -> (Vec<StepChoice>, Vec<StepChoice>) {
    steps.into_iter().partition(|(name, _)| matches!(name.as_str(), "accept" | "record" | "confirm"))
}

/// What the exchange is: its state, who helps whom, the hours recorded and any reason given.
#[component]
fn ExchangeFacts(
    status: ExchangeStatus,
    provider_name: String,
    receiver_name: String,
    recorded_minutes: Option<i64>,
    happened_on: Option<String>,
    reason: Option<String>,
    listing_id: String,
) -> impl IntoView {
    view! {
        <dl class="facts card">
            <dt>"Status"</dt><dd>{status.label()}</dd>
            <dt>"Helping"</dt><dd>{provider_name}</dd>
            <dt>"Helped"</dt><dd>{receiver_name}</dd>
            {recorded_minutes.map(|m| view! { <dt>"Hours recorded"</dt><dd>{Minutes(m).display()}</dd> })}
            {happened_on.map(|d| view! { <dt>"Help happened on"</dt><dd>{crate::util::format_iso_date(&d)}</dd> })}
            {reason.map(|r| view! { <dt>"Reason given"</dt><dd>{r}</dd> })}
        </dl>
        <p><a href=format!("/listings/{listing_id}")>"See the listing"</a></p>
    }
}

/// The step to take now, as the main button (recording asks how long it took).
#[component]
fn NextSteps(exchange_id: String, steps: Vec<(String, String)>, action: ServerAction<ExchangeStep>, problem: FormProblem) -> impl IntoView {
    (!steps.is_empty()).then(move || {
        view! {
            <section class="card next-step" aria-label="What next">
                {steps.into_iter().map(|(name, label)| {
                    let record = name == "record";
                    let (sp, id) = (problem.clone(), exchange_id.clone());
                    view! {
                        <ActionForm action=action attr:class="stack step-form" attr:novalidate=true>
                            <input type="hidden" name="exchange_id" value=id/>
                            <input type="hidden" name="step" value=name/>
                            {record.then(|| view! {
                                <DurationField problem=sp.clone() legend="How long did it take?"
                                    hint="The other person confirms it, then the hours move."/>
                                <Field label="When did it happen?" name="happened_on" kind="date" problem=sp.clone()
                                    hint="Leave it empty if it was today."/>
                            })}
                            <button type="submit" class="button primary">{label}</button>
                        </ActionForm>
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// Declining, cancelling or saying something is wrong: each behind its own summary, so the
/// reason is asked for only when chosen (a `<details>`: no JavaScript needed).
#[component]
fn OtherSteps(
    exchange_id: String,
    steps: Vec<(String, String)>,
    action: ServerAction<ExchangeStep>,
    problem: FormProblem,
) -> impl IntoView {
    (!steps.is_empty()).then(move || {
        view! {
            <section class="other-steps" aria-labelledby="other-steps-heading">
                <h2 id="other-steps-heading">"Other choices"</h2>
                {steps.into_iter().map(|(name, label)| {
                    let id = exchange_id.clone();
                    // Open again when its reason was refused, so the message is seen; the
                    // message and what was typed belong to that step's form only, and only
                    // it keeps the plain id the error summary links to.
                    let refused_here = problem.value_for("step").as_deref() == Some(name.as_str());
                    let open = refused_here && problem.message_for("reason").is_some();
                    let sp = if refused_here { problem.clone() } else { FormProblem::new() };
                    let field_id = (!refused_here).then(|| format!("reason-{name}"));
                    let optional = name == "decline";
                    view! {
                        <details class="step-choice" open=open>
                            <summary class="button">{label.clone()}</summary>
                            <ActionForm action=action attr:class="stack step-form" attr:novalidate=true>
                                <input type="hidden" name="exchange_id" value=id/>
                                <input type="hidden" name="step" value=name/>
                                <TextArea label=if optional { "A short note (optional)" } else { "Why? The other person will see it." } name="reason"
                                    problem=sp rows=2 maxlength=500 id=field_id.unwrap_or_else(|| "reason".into())/>
                                <button type="submit" class="button">{label}</button>
                            </ActionForm>
                        </details>
                    }
                }).collect_view()}
            </section>
        }
    })
}

/// The thank-yous left so far: (from, text).
#[component]
fn ThanksList(thanks: Vec<(String, String)>) -> impl IntoView {
    (!thanks.is_empty()).then(|| {
        view! {
            <section aria-labelledby="thanks-heading">
                <h2 id="thanks-heading">"Thanks"</h2>
                <ul class="thanks">
                    {thanks.into_iter().map(|(from, body)| view! { <li><strong>{from}": "</strong>{body}</li> }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// After a finished exchange: a few words of thanks to the other person.
#[component]
fn ThankForm(exchange_id: String, other_name: String, action: ServerAction<Thank>, error: Option<AppError>) -> impl IntoView {
    let tp = problem_of(&error);
    view! {
        <section class="card" aria-labelledby="thank-heading">
            <h2 id="thank-heading">"Say thank you to "{other_name.clone()}</h2>
            <p>"A few words. They show on "{other_name}"'s profile."</p>
            <ErrorSummary error=error/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="exchange_id" value=exchange_id/>
                <TextArea label="Your thank-you" name="thanks" problem=tp rows=2 maxlength=300/>
                <button type="submit" class="button primary">"Send thanks"</button>
            </ActionForm>
        </section>
    }
}

/// The messages; for the two participants, the message form and "share my email address".
#[component]
fn Conversation(
    messages: Vec<MessageView>,
    participant: bool,
    exchange_id: String,
    other_name: String,
    send: ServerAction<SendMessage>,
    share: ServerAction<ShareContact>,
    error: Option<AppError>,
) -> impl IntoView {
    let mp = problem_of(&error);
    view! {
        <section id="messages" aria-labelledby="messages-heading">
            <h2 id="messages-heading">"Messages"</h2>
            <ol class="messages">
                {messages.into_iter().map(|m| view! {
                    <li class=if m.mine { "message mine" } else { "message" }>
                        <p class="meta">{if m.mine { "You".to_string() } else { m.author_name.clone() }}" · "{format_date(m.created_at)}</p>
                        <p class="body">{m.body.clone()}</p>
                        {(!m.mine && !m.contact && participant).then(|| view! {
                            <p class="report-link"><a href=format!("/report?kind=message&id={}", m.id)>"Report this message"</a></p>
                        })}
                    </li>
                }).collect_view()}
            </ol>
            {participant.then(move || {
                let (id1, id2) = (exchange_id.clone(), exchange_id);
                view! {
                    <ErrorSummary error=error/>
                    <ActionForm action=send attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="exchange_id" value=id1/>
                        <TextArea label="Write a message" name="body" problem=mp rows=3 maxlength=2000/>
                        <button type="submit" class="button primary">"Send"</button>
                    </ActionForm>
                    <ActionForm action=share attr:class="stack share-form">
                        <input type="hidden" name="exchange_id" value=id2/>
                        <p class="hint">"Your email address stays private unless you choose to share it here."</p>
                        <button type="submit" class="button">"Share my email address with "{other_name}</button>
                    </ActionForm>
                }
            })}
        </section>
    }
}

#[component]
pub fn MyExchangesPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| my_exchanges());
    view! {
        <Title text="My exchanges"/>
        <h1>"My exchanges"</h1>
        <Loaded titled=true data=data children=|rows| {
            if rows.is_empty() {
                return view! {
                    <p>"No exchanges yet. Find something in "<a href="/listings">"offers and requests"</a>" and get in touch."</p>
                }.into_any();
            }
            view! {
                <ul class="listing-cards">
                    {rows.into_iter().map(|r| view! {
                        <li class="listing-card">
                            <h2 class="h3"><a href=format!("/exchanges/{}", r.id)>{r.listing_title}</a></h2>
                            <p class="meta">"With "{r.other_name}" · "{r.status.label()}" · "{format_date(r.updated_at)}</p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }/>
    }
}

/// Where a member would answer a listing: for a visitor, the way to join (and back here
/// afterwards); for a member waiting for approval, what they are waiting for.
#[component]
fn JoinToRespond(kind: ListingKind, owner_name: String, waiting: bool) -> impl IntoView {
    let question = match kind {
        ListingKind::Offer => format!("Would you like {owner_name}'s help?"),
        ListingKind::Request => format!("Could you help {owner_name}?"),
    };
    if waiting {
        return view! {
            <section class="card respond" aria-labelledby="respond-heading">
                <h2 id="respond-heading">{question}</h2>
                <p>"You can answer once a community builder has welcomed you in. We will email you when you can."</p>
            </section>
        }
        .into_any();
    }
    use crate::components::url::then_back_here;
    view! {
        <section class="card respond" aria-labelledby="respond-heading">
            <h2 id="respond-heading">{question}</h2>
            <p>"Join the time bank to answer. It is free: every hour you give earns an hour you can use. We bring you back here afterwards."</p>
            <p class="actions">
                <a class="button primary" href=then_back_here("/join")>"Join to answer"</a>
                <a class="button" href=then_back_here("/sign-in")>"I am a member: sign in"</a>
            </p>
        </section>
    }
    .into_any()
}

/// A listing's page (`/listings/:id`): the listing and its matches (one resource for both),
/// with the "I can help" / "I'd like this" form for other members while it is open. It
/// lives here because it joins listings with exchanges, and listings sits below exchanges.
#[component]
pub fn ListingPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new_blocking(
        move || id.clone(),
        |id| async move {
            let d = get_listing(id.clone()).await?;
            let matches = listing_matches(id).await.unwrap_or_default();
            Ok::<_, AppError>((d, matches))
        },
    );
    let done = done_message();
    view! {
        <Loaded data=data children=move |(d, matches)| {
            let c = d.card.clone();
            let looker = d.looker;
            view! {
                <ListingView detail=d matches=matches done=done>
                    {match looker {
                        Looker::Member => view! {
                            <StartExchangeForm listing_id=c.id.clone() kind=c.kind owner_name=c.owner_name.clone()/>
                        }.into_any(),
                        Looker::Visitor { waiting } => view! {
                            <JoinToRespond kind=c.kind owner_name=c.owner_name.clone() waiting=waiting/>
                        }.into_any(),
                    }}
                </ListingView>
            }
        }/>
    }
}
