//! Referring on: the referral page's "Referred on" section and its form, the closing
//! summary, and the organisation's screens (its referrals, and one to answer).

use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Notice, Radios, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::referrals::domain::Onward;
use crate::referrals::{
    onward_detail, onward_inbox, AnswerOnward, ClosingSummary, OnwardCard, OnwardPart, OnwardView, PersonDetails, ReferOnward,
};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

fn status_line(status: Onward, due_at: i64, overdue: bool, answered_at: Option<i64>) -> String {
    match (status, answered_at) {
        (Onward::Waiting, _) if overdue => format!("Waiting: the answer was due by {}", format_date(due_at)),
        (Onward::Waiting, _) => format!("Waiting for their answer, due by {}", format_date(due_at)),
        (s, Some(at)) => format!("{} on {}", s.label(), format_date(at)),
        (s, None) => s.label().to_string(),
    }
}

/// The referral page's "Referred on": what was sent where and the answers, and (for its
/// builders and the referrer, while it is open) the form to send it on.
#[component]
pub fn OnwardSection(id: String, part: OnwardPart, person: Option<PersonDetails>) -> impl IntoView {
    let action = ServerAction::<ReferOnward>::new();
    let error = last_error(action);
    let p = problem_of(&error);
    let first_name =
        person.as_ref().and_then(|p| p.name.split_whitespace().next().map(str::to_string)).unwrap_or_else(|| "The person".into());
    (!part.lines.is_empty() || !part.choices.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="onward-heading">
            <h2 id="onward-heading">"Referred on"</h2>
            {(!part.lines.is_empty()).then(|| view! {
                <ul class="history">
                    {part.lines.iter().map(|l| view! {
                        <li>
                            <a href=format!("/whats-on/{}", l.entry_id)>{l.entry_title.clone()}</a>" · "{l.organisation.clone()}<br/>
                            <span class:overdue-flag=l.overdue>{status_line(l.status, l.due_at, l.overdue, l.answered_at)}</span>
                            {(!l.reason.is_empty()).then(|| view! { <br/><span class="meta">{format!("Their answer: {}", l.reason)}</span> })}
                            <br/><span class="meta">{format!("Sent {} by {}", format_date(l.sent_at), l.sent_by)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!part.choices.is_empty()).then(|| view! {
                <details class="step-choice" open=error.is_some()>
                    <summary class="button">"Refer on to an activity or service"</summary>
                    <ErrorSummary error=error.clone()/>
                    <p class="meta">{format!("The organisation sees {first_name}'s name and how they like to be contacted, and what you tick below; never their date of birth, notes on risk or wellbeing answers.")}</p>
                    <ActionForm action=action attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="id" value=id.clone()/>
                        <Select label="Which activity or service?" name="onward_entry" problem=p.clone()
                            groups=vec![("What's on".into(), part.choices.clone())]/>
                        <TextArea label="A few words for the organisation" name="onward_note" problem=p.clone() rows=3 maxlength=1000
                            hint="Why this, and what would help them take part."/>
                        <Checkbox name="share_what_matters" problem=p.clone() label=view! { "Share what matters to them" }.into_any()/>
                        <Checkbox name="share_access_needs" problem=p.clone() label=view! { "Share their access needs" }.into_any()/>
                        <Checkbox name="onward_agreed" problem=p.clone()
                            label=view! { "They agreed to be referred on, and to what is shared" }.into_any()/>
                        <button type="submit" class="button primary">"Send the referral"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    })
}

/// The closing summary: the builder's words, what the person took part in, and how their
/// wellbeing changed; builders also see whether it went to the referrer.
#[component]
pub fn ClosingSection(c: ClosingSummary, builder: bool) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Closing summary"</h2>
            {builder.then(|| view! {
                <p class="meta">{if c.shared { "The person agreed: the referrer has this summary." } else { "Not shared: the person did not agree, so the referrer sees only that it closed." }}</p>
            })}
            <p class="pre-line">{c.text.clone()}</p>
            {(!c.took_part.is_empty()).then(|| view! {
                <h3>"What they took part in"</h3>
                <ul>{c.took_part.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
            })}
            {(!c.wellbeing.is_empty()).then(|| view! {
                <h3>"Wellbeing: when they joined, then at the follow-up"</h3>
                <ul>{c.wellbeing.iter().map(|w| view! { <li>{format!("{}: {} then {}", w.scale, w.before, w.after)}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

fn card_item(c: OnwardCard) -> impl IntoView {
    view! {
        <li class="listing-card">
            <h2 class="card-title"><a href=format!("/referrals/onward/{}", c.id)>{format!("Referral to {}", c.entry_title)}</a></h2>
            <p class="meta">{c.organisation.clone()}" · "{format!("sent {}", format_date(c.sent_at))}</p>
            <p class:overdue-flag=c.overdue>{status_line(c.status, c.due_at, c.overdue, None)}</p>
        </li>
    }
}

/// `/referrals/onward`: the referrals made to the organisations the member acts for.
#[component]
pub fn OnwardInboxPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| onward_inbox());
    view! {
        <Title text="Referrals to your organisation"/>
        <h1>"Referrals to your organisation"</h1>
        <Loaded titled=true data=data children=move |cards| {
            if cards.is_empty() {
                view! { <p>"Nothing has been referred to you yet. When a community builder or a link worker refers someone to what you run, it shows here and we tell you."</p> }.into_any()
            } else {
                view! {
                    <p class="lead">"Open one to see who it is and to answer: yes, or no with a reason."</p>
                    <ul class="listing-cards">{cards.into_iter().map(card_item).collect_view()}</ul>
                }.into_any()
            }
        }/>
    }
}

/// `/referrals/onward/:id`: one referral to the organisation, and its answer.
#[component]
pub fn OnwardPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new_blocking(move || id.clone(), onward_detail);
    let answer = ServerAction::<AnswerOnward>::new();
    let error = last_error(answer);
    let done = query("done");
    view! {
        <Title text="A referral to you"/>
        <p><a href="/referrals/onward">"← Referrals to your organisation"</a></p>
        <Loaded data=data children=move |d| onward_page(d, done.clone(), answer, error.clone())/>
    }
}

fn onward_page(
    d: OnwardView,
    done: Option<String>,
    answer: ServerAction<AnswerOnward>,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let p = problem_of(&error);
    let done = match done.as_deref() {
        Some("accepted") => Some("Thank you: accepted. The people who referred them have been told."),
        Some("declined") => Some("Declined. The people who referred them have been told, with your reason."),
        _ => None,
    };
    let waiting = d.card.status == Onward::Waiting && d.person.is_some();
    view! {
        {done.map(|m| view! { <Notice>{m}</Notice> })}
        <h1>{format!("Referral to {}", d.card.entry_title)}</h1>
        <p class="meta">{d.card.organisation.clone()}" · "{format!("sent {} by {}", format_date(d.card.sent_at), d.sent_by)}</p>
        <p class:overdue-flag=d.card.overdue><strong>{status_line(d.card.status, d.card.due_at, d.card.overdue, None)}</strong></p>
        {match d.person.clone() {
            Some(person) => view! {
                <section class="card" aria-labelledby="who-heading">
                    <h2 id="who-heading">"Who"</h2>
                    <dl class="facts">
                        <dt>"Name"</dt><dd>{person.name.clone()}</dd>
                        <dt>"How to contact them"</dt><dd>{person.contact.clone()}</dd>
                        {person.what_matters.clone().map(|w| view! { <dt>"What matters to them"</dt><dd class="pre-line">{w}</dd> })}
                        {person.access_needs.clone().map(|a| view! { <dt>"Access needs"</dt><dd class="pre-line">{a}</dd> })}
                    </dl>
                </section>
            }.into_any(),
            None => view! { <p class="notice">"The person's details are no longer shared with you."</p> }.into_any(),
        }}
        {(!d.note.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="note-heading">
                <h2 id="note-heading">"Why they were referred to you"</h2>
                <p class="pre-line">{d.note.clone()}</p>
            </section>
        })}
        {(!d.reason.is_empty()).then(|| view! {
            <p>{format!("Your answer{}: {}", d.answered_by.clone().map(|a| format!(" (by {a})")).unwrap_or_default(), d.reason)}</p>
        })}
        {waiting.then(|| view! {
            <section class="card" aria-labelledby="answer-heading">
                <h2 id="answer-heading">"Your answer"</h2>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=answer attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="id" value=d.card.id.clone()/>
                    <Radios legend="Can they join in?" name="answer" problem=p.clone()
                        options=vec![("accept".into(), "Yes, we will get in touch".into()), ("decline".into(), "No".into())]/>
                    <TextArea label="What happens next, or why not" name="reason" problem=p.clone() rows=3 maxlength=1000
                        hint="Needed for no: the referrer can then look for something else."/>
                    <button type="submit" class="button primary">"Send the answer"</button>
                </ActionForm>
            </section>
        })}
    }
}
