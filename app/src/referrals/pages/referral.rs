//! One referral: what each person may see (the facts, the person's details, the history)
//! and do (move it along, sign the person up, starter hours, the first exchange, wellbeing
//! answers, exports, erasure, withdrawn consent).

use super::onward::{ClosingSection, OnwardSection};
use super::wellbeing::OutcomesSection;
use crate::components::forms::{
    last_error, problem_of, Checkbox, DurationField, ErrorSummary, Field, MemberField, Notice, Select, TextArea,
};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::error::AppError;
use crate::referrals::domain::{Move, Source, Status};
use crate::referrals::{
    referral_detail, EraseReferral, GrantStarterHours, HistoryLine, InviteReferral, MoveReferral, PersonDetails, RecordFirstExchange,
    RecordOutcome, ReferralJoin, ReferralView, WithdrawConsent,
};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

fn done_message(done: Option<String>) -> Option<&'static str> {
    Some(match done?.as_str() {
        "sent" => "Thank you. The referral has gone to the community builders of the person's area. You can follow it here.",
        "accept" => "Accepted. Now make contact with the person.",
        "decline" => "Declined. The referrer has been told.",
        "contacted" => "Contact recorded. Next: sign them up below, or email them an invitation to join.",
        "could_not_contact" => "Recorded that you could not make contact.",
        "hold" => "Put on hold.",
        "resume" => "Taken off hold.",
        "close" => "Closed. If the person agreed, the referrer now has your summary.",
        "onward" => "Referred on. The organisation has been told and has until the date below to answer.",
        "withdraw" => "The referral is withdrawn.",
        "joined" => "They are now a member. You can give starter hours and record their first exchange.",
        "starter" => "Starter hours given.",
        "first" => "First exchange recorded: the referral is now active.",
        "outcome" => "Wellbeing answers saved.",
        "consent" => "Consent withdrawal recorded. Builders no longer see the person's details.",
        "erased" => "Their details are erased.",
        "invited" => "We emailed them an invitation to join. When they join, this referral moves on by itself.",
        _ => return None,
    })
}

fn when(at: Option<i64>) -> String {
    at.map(format_date).unwrap_or_else(|| "not yet".into())
}

fn heading(r: &ReferralView) -> String {
    match (&r.person, r.erased_at) {
        (_, Some(_)) => "Referral (details erased)".to_string(),
        (Some(p), _) => format!("Referral: {}", p.name),
        (None, _) => "Referral (consent withdrawn)".to_string(),
    }
}

/// One referral.
#[component]
pub fn ReferralPage() -> impl IntoView {
    let id = param("id");
    let mv = ServerAction::<MoveReferral>::new();
    let join = ServerAction::<ReferralJoin>::new();
    let starter = ServerAction::<GrantStarterHours>::new();
    let first = ServerAction::<RecordFirstExchange>::new();
    let outcome = ServerAction::<RecordOutcome>::new();
    let consent = ServerAction::<WithdrawConsent>::new();
    let erase = ServerAction::<EraseReferral>::new();
    let invite = ServerAction::<InviteReferral>::new();
    let erase_error = last_error(erase);
    let errors = (last_error(mv), last_error(join), last_error(starter), last_error(first), last_error(outcome), last_error(consent));
    let done = query("done");
    let data = Resource::new_blocking(move || id.clone(), referral_detail);
    view! {
        <Title text="Referral"/>
        <Loaded data=data children=move |r| {
            let (mv_e, join_e, starter_e, first_e, outcome_e, consent_e) = errors.clone();
            let erase_e = erase_error.clone();
            let builder = r.relation.acts_as_builder();
            let open = r.consent_withdrawn_at.is_none() && r.erased_at.is_none();
            view! {
                <h1>{heading(&r)}</h1>
                {done_message(done.clone()).map(|m| view! { <Notice>{m}</Notice> })}
                <Facts r=r.clone()/>
                {r.onward.closing.clone().map(|c| view! { <ClosingSection c=c builder=builder/> })}
                {r.person.clone().map(|p| view! { <AboutPerson p=p/> })}
                {builder.then(|| r.member_id.clone().map(|m| view! {
                    <p>"Member account: "<a href=format!("/community/members/{m}")>{r.member_name.clone().unwrap_or_default()}</a></p>
                }))}
                <MovesForm id=r.id.clone() moves=r.moves.clone() error=mv_e/>
                <OnwardSection id=r.id.clone() part=r.onward.clone() person=r.person.clone()/>
                {(builder && matches!(r.status, Status::Accepted | Status::Contacted) && r.consent_withdrawn_at.is_none()).then(|| view! {
                    <SignUpSection id=r.id.clone() person=r.person.clone() join=join invite=invite error=join_e/>
                })}
                {(builder && r.member_id.is_some() && matches!(r.status, Status::Joined | Status::Active)).then(|| view! {
                    <StarterSection id=r.id.clone() given=r.starter_given action=starter error=starter_e/>
                })}
                {r.area_search.clone().filter(|_| builder && r.status == Status::Joined).map(|area| view! {
                    <FirstExchangeSection id=r.id.clone() area=area action=first error=first_e/>
                })}
                {(builder && r.member_id.is_some()).then(|| view! {
                    <OutcomesSection id=r.id.clone() outcomes=r.outcomes.clone() follow_up_due=r.follow_up_due
                        open=open action=outcome error=outcome_e/>
                })}
                {(!r.history.is_empty()).then(|| view! { <HistorySection history=r.history.clone()/> })}
                {(open && builder).then(|| view! {
                    <p class="actions">
                        <a class="button" href=format!("/referrals/{}/export.json", r.id)>"Everything held about them (JSON)"</a>
                        <a class="button" href=format!("/referrals/{}/fhir.json", r.id)>"Copy for GP systems"</a>
                    </p>
                })}
                {(builder && r.erased_at.is_none()).then(|| view! { <EraseSection id=r.id.clone() action=erase error=erase_e/> })}
                {open.then(|| view! { <ConsentSection id=r.id.clone() action=consent error=consent_e/> })}
            }
        }/>
    }
}

/// Where the referral stands, and its dates.
#[component]
fn Facts(r: ReferralView) -> impl IntoView {
    view! {
        <p class="status-line"><strong>{r.status.label()}</strong>
            {r.overdue.then(|| view! { <strong class="overdue-flag">" · past the first-contact target"</strong> })}</p>
        <dl class="facts">
            <dt>"Area"</dt><dd>{r.locality.clone()}</dd>
            <dt>"Referred by"</dt><dd>{if r.source == Source::SelfReferral.as_str() { "Themselves".to_string() } else { format!("{} · {}", r.referrer, r.organisation) }}</dd>
            <dt>"Arrived"</dt><dd>{format_date(r.created_at)}
                {r.status.awaits_contact().then(|| format!(" ({} of {} working days to first contact)", r.age_days, r.target_days))}</dd>
            <dt>"First contact"</dt><dd>{when(r.first_contact_at)}</dd>
            <dt>"Joined"</dt><dd>{when(r.joined_at)}</dd>
            <dt>"First exchange"</dt><dd>{when(r.first_exchange_at)}
                {(!r.first_exchange_supported_by.is_empty()).then(|| format!(" · supported by {}", r.first_exchange_supported_by))}</dd>
            <dt>"Closed"</dt><dd>{when(r.closed_at)}</dd>
            <dt>"Consent"</dt><dd>{format!("Recorded by {} on {} ({})", r.consent_recorded_by, format_date(r.consent_at), r.consent_method)}
                {r.consent_withdrawn_at.map(|w| format!(" · consent to share withdrawn on {}", format_date(w)))}</dd>
        </dl>
    }
}

/// The person's details (for those who may see them).
#[component]
fn AboutPerson(p: PersonDetails) -> impl IntoView {
    view! {
        <section aria-labelledby="person-heading">
            <h2 id="person-heading">"About the person"</h2>
            <dl class="facts stacked">
                <dt>"Name"</dt><dd>{p.name}</dd>
                <dt>"Date of birth"</dt><dd>{p.date_of_birth}</dd>
                <dt>"Contact by"</dt><dd>{p.contact_by}</dd>
                <dt>"Phone"</dt><dd>{if p.phone.is_empty() { "None given".into() } else { p.phone }}</dd>
                <dt>"Email"</dt><dd>{if p.email.is_empty() { "None given".into() } else { p.email }}</dd>
                <dt>"What matters to them"</dt><dd>{p.what_matters}</dd>
                <dt>"Interests"</dt><dd>{if p.interests.is_empty() { "None chosen".into() } else { p.interests.join(", ") }}</dd>
                <dt>"Access needs"</dt><dd>{if p.access_needs.is_empty() { "None given".into() } else { p.access_needs }}</dd>
                <dt>"Notes for visits"</dt><dd>{if p.risk_notes.is_empty() { "None".into() } else { p.risk_notes }}</dd>
            </dl>
        </section>
    }
}

#[component]
fn MovesForm(id: String, moves: Vec<Move>, error: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<MoveReferral>::new();
    let p = problem_of(&error);
    let chosen = p.value_for("action");
    (!moves.is_empty()).then(|| {
        let single = moves.len() == 1;
        let closes = moves.contains(&Move::Close);
        view! {
            <section class="card" aria-labelledby="move-heading">
                <h2 id="move-heading">"What happens next"</h2>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <fieldset class="field choices">
                        <legend>"Choose one"</legend>
                        {moves.iter().enumerate().map(|(i, m)| {
                            // The first carries the field's own id: the error summary links to it.
                            let input_id = if i == 0 { "action".to_string() } else { format!("action-{}", m.as_str()) };
                            let checked = chosen.as_deref() == Some(m.as_str()) || (single && i == 0);
                            view! {
                                <div class="radio">
                                    <input type="radio" id=input_id.clone() name="action" value=m.as_str() checked=checked/>
                                    <label for=input_id>{m.label()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <TextArea label="Note" name="note" problem=p.clone() rows=3 maxlength=1000
                        hint="Needed to decline, hold, close (the closing summary), withdraw or say contact failed."/>
                    {closes.then(|| view! {
                        <Checkbox name="share_summary" problem=p.clone()
                            label=view! { "When closing: the person agreed that the summary goes back to the referrer" }.into_any()/>
                    })}
                    <button type="submit" class="button primary">"Save"</button>
                </ActionForm>
            </section>
        }
    })
}

/// Signing the person up: here (assisted joining), or by an emailed invitation.
#[component]
fn SignUpSection(
    id: String,
    person: Option<PersonDetails>,
    join: ServerAction<ReferralJoin>,
    invite: ServerAction<InviteReferral>,
    error: Option<AppError>,
) -> impl IntoView {
    let p = problem_of(&error);
    let name = person.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let has_email = person.as_ref().is_some_and(|p| !p.email.is_empty());
    let id_invite = id.clone();
    view! {
        <section class="card" aria-labelledby="join-heading">
            <h2 id="join-heading">"Sign them up"</h2>
            <p>"When the person wants to join, make their member account here (assisted joining: no email or password needed). You then record their exchanges with them."</p>
            <ErrorSummary error=error.clone()/>
            <ActionForm action=join attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <Field label="Their name (as other members will see it)" name="display_name" problem=p.clone() value=name autocomplete="off"/>
                <Checkbox name="agreed" problem=p.clone()
                    label=view! { "They agreed to join and to the code of conduct." }.into_any()/>
                <button type="submit" class="button primary">"Make their member account"</button>
            </ActionForm>
            {has_email.then(|| view! {
                <p>"Or let them join themselves, with their own password:"</p>
                <ActionForm action=invite attr:class="inline-form">
                    <input type="hidden" name="id" value=id_invite.clone()/>
                    <button type="submit" class="button">"Email them an invitation to join"</button>
                </ActionForm>
            })}
        </section>
    }
}

/// Starter hours from the community pool: the form until they are given, then what was given.
#[component]
fn StarterSection(
    id: String,
    given: Option<(i64, i64)>,
    action: ServerAction<GrantStarterHours>,
    error: Option<AppError>,
) -> impl IntoView {
    let p = problem_of(&error);
    let choices: Vec<(String, String)> = (1..=5).map(|h| (h.to_string(), format!("{h} hour{}", if h == 1 { "" } else { "s" }))).collect();
    let body = match given {
        Some((minutes, at)) => view! {
            <p>
                <strong>{crate::ledger::domain::Minutes(minutes).display()}</strong>" given from the community pool on "
                {format_date(at)}". Starter hours are given once per referral."
            </p>
        }
        .into_any(),
        None => view! {
            <p>"Give them hours from the community pool so they can ask for help before they have given any."</p>
            <ErrorSummary error=error.clone()/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <Select label="How many starter hours?" name="starter" problem=p value="2".to_string()
                    groups=vec![("Hours from the pool".into(), choices)]/>
                <button type="submit" class="button">"Give starter hours"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section class="card" aria-labelledby="starter-heading">
            <h2 id="starter-heading">"Starter hours"</h2>
            {body}
        </section>
    }
}

/// Recording the supported first exchange with another member of the area.
#[component]
fn FirstExchangeSection(
    id: String,
    /// The area's members are looked for in ("network=…&locality=…").
    area: String,
    action: ServerAction<RecordFirstExchange>,
    error: Option<AppError>,
) -> impl IntoView {
    let p = problem_of(&error);
    view! {
        <section class="card" aria-labelledby="first-heading">
            <h2 id="first-heading">"Record their first exchange"</h2>
            <ErrorSummary error=error.clone()/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <MemberField label="With which member of the area?" name="other_member" problem=p.clone() find_with=area/>
                <Select label="Who helped whom?" name="direction" problem=p.clone()
                    groups=vec![("Direction".into(), vec![
                        ("received".into(), "The referred person was helped".into()),
                        ("gave".into(), "The referred person helped the other member".into()),
                    ])]/>
                <DurationField problem=p.clone()/>
                <Field label="What was it?" name="memo" problem=p.clone() hint="For example \"Walk in the park\"."/>
                <Field label="Who went along to support them?" name="supported_by" problem=p.clone() hint="A builder or a trusted member."/>
                <button type="submit" class="button primary">"Record the first exchange"</button>
            </ActionForm>
        </section>
    }
}

/// Each step the referral took (who and why only for those who may see it).
#[component]
fn HistorySection(history: Vec<HistoryLine>) -> impl IntoView {
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <ol class="history">
                {history.iter().map(|h| {
                    let to = Status::parse(&h.to).map(|s| s.label()).unwrap_or("");
                    view! {
                        <li>{format!("{}: {}", format_date(h.at), to)}
                            {(!h.by.is_empty()).then(|| format!(" · by {}", h.by))}
                            {(!h.note.is_empty()).then(|| view! { <br/><span class="meta">{h.note.clone()}</span> })}</li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Erasing the person's details at their request.
#[component]
fn EraseSection(id: String, action: ServerAction<EraseReferral>, error: Option<AppError>) -> impl IntoView {
    let p = problem_of(&error);
    view! {
        <details class="card">
            <summary>"The person asked us to erase their details"</summary>
            <p>"Their name, contact details and notes are erased now; the dates and anonymous numbers stay for reports. This cannot be undone."</p>
            <ErrorSummary error=error.clone()/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <TextArea label="When and how did they ask?" name="erase_reason" problem=p rows=2 maxlength=500/>
                <button type="submit" class="button">"Erase their details"</button>
            </ActionForm>
        </details>
    }
}

/// Recording that the person withdrew their consent to share.
#[component]
fn ConsentSection(id: String, action: ServerAction<WithdrawConsent>, error: Option<AppError>) -> impl IntoView {
    let p = problem_of(&error);
    view! {
        <details class="card">
            <summary>"The person withdrew their consent"</summary>
            <ErrorSummary error=error.clone()/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <TextArea label="When and how did they say so?" name="consent_note" problem=p rows=2 maxlength=1000/>
                <button type="submit" class="button">"Record that consent is withdrawn"</button>
            </ActionForm>
        </details>
    }
}
