//! Referral screens: the professional's form and list, the public self-referral form, the
//! builders' queue, one referral (what each person may see and do), and the admins'
//! access log. Every form is an `ActionForm` and works with JavaScript off.

use super::domain::{Move, Status, Urgency, CONSENT_METHODS, CONTACT_BY, ONS4_QUESTIONS, UCLA_QUESTIONS};
use super::{
    my_wellbeing, referral_access_log, referral_detail, referral_form, referrals_overview, self_referral_form, AnswerWellbeing,
    EraseReferral, GrantStarterHours, InviteReferral, MoveReferral, QueueItem, RecordFirstExchange, RecordOutcome, ReferralFormView,
    ReferralJoin, RunReferralRetention, SelfRefer, SubmitReferral, WithdrawConsent,
};
use crate::components::forms::{last_error, problem_of, Checkbox, DurationField, ErrorSummary, Field, Notice, Select, TextArea};
use crate::components::layout::PageError;
use crate::components::url::{param, query};
use crate::error::FormProblem;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

fn done_message(done: Option<String>) -> Option<&'static str> {
    Some(match done?.as_str() {
        "sent" => "Thank you. The referral has gone to the community builders of the person's area. You can follow it here.",
        "accept" => "Accepted. Now make contact with the person.",
        "decline" => "Declined. The referrer has been told.",
        "contacted" => "Contact recorded.",
        "could_not_contact" => "Recorded that you could not make contact.",
        "hold" => "Put on hold.",
        "resume" => "Taken off hold.",
        "close" => "Closed. The referrer can now see your summary.",
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

/// The fields shared by the professional's form and the self-referral form.
#[component]
fn PersonFields(d: ReferralFormView, p: FormProblem, self_referral: bool) -> impl IntoView {
    let contact: Vec<(String, String)> = CONTACT_BY
        .iter()
        .filter(|(k, _)| !(self_referral && *k == "through_referrer"))
        .map(|(k, l)| (k.to_string(), l.to_string()))
        .collect();
    let (you, your) = if self_referral { ("Your", "your") } else { ("The person's", "their") };
    let interests_chosen = |id: &str| p.value_for(&format!("interests[{id}]")).is_some();
    let interest_boxes: Vec<_> = d
        .interests
        .iter()
        .map(|(id, name, wellbeing)| {
            let field = format!("interests[{id}]");
            let checked = interests_chosen(id);
            (field, name.clone(), *wellbeing, checked)
        })
        .collect();
    view! {
        <Field label=if self_referral { "Your name" } else { "The person's name" } name="person_name" problem=p.clone() autocomplete="off" required=true/>
        <Field label="Date of birth" name="date_of_birth" kind="date" problem=p.clone() hint="For example 1948-03-21." required=true/>
        <Select label=if self_referral { "Where you live" } else { "Where they live" } name="locality" problem=p.clone() groups=d.areas.clone()
            hint="The time bank area nearest their home. The community builders of that area will get in touch."/>
        <Select label=if self_referral { "How would you like us to contact you?" } else { "How would they like to be contacted?" } name="contact_by" problem=p.clone()
            groups=vec![("Ways to contact".into(), contact)]/>
        <Field label="Phone number" name="phone" kind="tel" problem=p.clone() autocomplete="off" inputmode="tel"
            hint="Needed for a call or a text."/>
        <Field label="Email address" name="email" kind="email" problem=p.clone() autocomplete="off" inputmode="email"
            hint="Needed if they chose email."/>
        <TextArea label=if self_referral { "What matters to you?" } else { "What matters to the person?" } name="what_matters" problem=p.clone() rows=4 maxlength=2000
            hint="In their own words if you can: what they would like to do, learn or share, and what gets in the way."/>
        <fieldset class="field choices">
            <legend>"Interests and things they would like help with (optional)"</legend>
            <ul class="checkbox-grid">
                {interest_boxes.into_iter().map(|(field, name, wellbeing, checked)| {
                    let id = field.clone();
                    view! {
                        <li class="checkbox">
                            <input type="checkbox" id=id.clone() name=field value="yes" checked=checked/>
                            <label for=id>{name}{wellbeing.then(|| " (wellbeing)")}</label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </fieldset>
        <TextArea label="Access needs (optional)" name="access_needs" problem=p.clone() rows=2 maxlength=1000
            hint="For example: Deaf, uses BSL; needs an interpreter (which language); uses a wheelchair; no stairs."/>
        {(!self_referral).then(|| view! {
            <TextArea label="Notes for whoever visits (optional)" name="risk_notes" problem=p.clone() rows=2 maxlength=1000
                hint="Lone-working risks, whether two people should go, any safeguarding concern. Only the area's community builders see this."/>
            <Select label="How soon should someone get in touch?" name="urgency" problem=p.clone() value="routine".to_string()
                groups=vec![("Urgency".into(), Urgency::choices())]/>
        })}
        <fieldset class="field consents">
            <legend>"Consent"</legend>
            <p class="hint">{format!("{you} consent is needed for each of these separately.")}</p>
            <Checkbox name="consent_referral" problem=p.clone()
                label=if self_referral {
                    view! { "I agree to be referred to the time bank." }.into_any()
                } else {
                    view! { "The person agreed to be referred to the time bank." }.into_any()
                }/>
            <Checkbox name="consent_sharing" problem=p.clone()
                label=if self_referral {
                    view! { "I agree that the time bank's community builders for my area may see these details." }.into_any()
                } else {
                    view! { "The person agreed to share these details with the time bank's community builders for their area." }.into_any()
                }/>
            {(!self_referral).then(|| view! {
                <Select label="How did they give consent?" name="consent_method" problem=p.clone()
                    groups=vec![("How".into(), CONSENT_METHODS.iter().filter(|(k, _)| *k != "online").map(|(k, l)| (k.to_string(), l.to_string())).collect())]/>
            })}
            <p class="hint">{format!("We record who recorded consent and when. {you} details are kept for 24 months after the referral closes, then erased; {your} consent can be withdrawn at any time.")}</p>
        </fieldset>
    }
}

/// A professional's referral form.
#[component]
pub fn NewReferralPage() -> impl IntoView {
    let action = ServerAction::<SubmitReferral>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(|| (), |_| referral_form());
    view! {
        <Title text="Refer someone"/>
        <h1>"Refer someone to the time bank"</h1>
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    let d = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(d) => d,
                    };
                    let p = problem_of(&error);
                    view! {
                        <p class="lead">{format!("Referring as {}. Ask the person first: they must agree to the referral and to sharing these details.", d.organisation)}</p>
                        <ErrorSummary error=error.clone()/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <PersonFields d=d p=p self_referral=false/>
                            <button type="submit" class="button primary">"Send the referral"</button>
                        </ActionForm>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// The public self-referral form.
#[component]
pub fn SelfReferralPage() -> impl IntoView {
    let action = ServerAction::<SelfRefer>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(|| (), |_| self_referral_form());
    view! {
        <Title text="Ask to be put in touch"/>
        <h1>"Ask to be put in touch"</h1>
        <p class="lead">"Would you like company, a hand with something, or to share what you are good at? Tell us a little and a community builder from your area will get in touch."</p>
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    let d = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(d) => d,
                    };
                    let p = problem_of(&error);
                    view! {
                        <ErrorSummary error=error.clone()/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <PersonFields d=d p=p self_referral=true/>
                            <button type="submit" class="button primary">"Send"</button>
                        </ActionForm>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn SelfReferralSentPage() -> impl IntoView {
    view! {
        <Title text="Thank you"/>
        <h1>"Thank you"</h1>
        <p class="lead">"We have passed your details to the community builders of your area. They aim to get in touch within five working days."</p>
        <p><a href="/">"Back to the start"</a></p>
    }
}

#[component]
fn QueueTable(items: Vec<QueueItem>, caption: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr><th scope="col">"Person"</th><th scope="col">"Area"</th><th scope="col">"Where it stands"</th><th scope="col">"Arrived"</th><th scope="col">"From"</th></tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|q| {
                        let age = if q.status.awaits_contact() {
                            format!("{} of {} working days", q.age_days, q.target_days)
                        } else {
                            String::new()
                        };
                        view! {
                            <tr class:overdue=q.overdue>
                                <td><a href=format!("/referrals/{}", q.id)>{q.person_name.clone()}</a>
                                    {(q.urgency != "routine").then(|| view! { <span class="badge">{Urgency::parse(&q.urgency).map(|u| u.label()).unwrap_or("")}</span> })}</td>
                                <td>{q.locality.clone()}</td>
                                <td>{q.status.label()}
                                    {q.overdue.then(|| view! { <strong class="overdue-flag">" · overdue"</strong> })}
                                    {(!age.is_empty()).then(|| view! { <span class="meta">{format!(" · {age}")}</span> })}</td>
                                <td>{format_date(q.created_at)}</td>
                                <td>{q.from.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The builder's queue and the professional's referrals.
#[component]
pub fn ReferralsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| referrals_overview());
    view! {
        <Title text="Referrals"/>
        <h1>"Referrals"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Err(e) => return view! { <PageError error=e/> }.into_any(),
                    Ok(d) => d,
                };
                let overdue = d.queue.iter().filter(|q| q.overdue).count();
                view! {
                    {d.is_professional.then(|| if d.verified {
                        view! { <p><a class="button primary" href="/referrals/new">"Refer someone"</a></p> }.into_any()
                    } else {
                        view! { <p class="notice">"Your professional account is waiting for a site administrator to check it. You can refer people once it is verified."</p> }.into_any()
                    })}
                    {d.is_builder.then(|| view! {
                        <section aria-labelledby="queue-heading">
                            <h2 id="queue-heading">{format!("Referrals to your area ({})", d.queue.iter().filter(|q| !q.status.is_final()).count())}</h2>
                            {(overdue > 0).then(|| view! { <p class="warning">{format!("{overdue} past the first-contact target.")}</p> })}
                            {if d.queue.is_empty() {
                                view! { <p>"No referrals at the moment."</p> }.into_any()
                            } else {
                                view! { <QueueTable items=d.queue.clone() caption="Open referrals first, overdue at the top"/> }.into_any()
                            }}
                        </section>
                    })}
                    {(d.is_professional && d.verified).then(|| view! {
                        <section aria-labelledby="sent-heading">
                            <h2 id="sent-heading">{if d.org_lead { "Your organisation's referrals" } else { "Your referrals" }}</h2>
                            {if d.sent.is_empty() {
                                view! { <p>"None yet."</p> }.into_any()
                            } else {
                                view! { <QueueTable items=d.sent.clone() caption="Newest first"/> }.into_any()
                            }}
                        </section>
                    })}
                }.into_any()
            })}
        </Suspense>
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
        <Suspense fallback=|| ()>
            {move || {
                let (mv_e, join_e, starter_e, first_e, outcome_e, consent_e) = errors.clone();
                let erase_e = erase_error.clone();
                let done = done.clone();
                Suspend::new(async move {
                    let r = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(r) => r,
                    };
                    let builder = r.relation.acts_as_builder();
                    let heading = match (&r.person, r.erased_at) {
                        (_, Some(_)) => "Referral (details erased)".to_string(),
                        (Some(p), _) => format!("Referral: {}", p.name),
                        (None, _) => "Referral (consent withdrawn)".to_string(),
                    };
                    let id = r.id.clone();
                    let [id_join, id_starter, id_first, id_outcome, id_erase, id_consent, id_invite] = std::array::from_fn(|_| id.clone());
                    let (tid_starter, tid_first) = (r.new_transfer_id.clone(), format!("{}-first", r.new_transfer_id));
                    view! {
                        <h1>{heading}</h1>
                        {done_message(done).map(|m| view! { <Notice>{m}</Notice> })}
                        <p class="status-line"><strong>{r.status.label()}</strong>
                            {r.overdue.then(|| view! { <strong class="overdue-flag">" · past the first-contact target"</strong> })}</p>
                        <dl class="facts">
                            <dt>"Area"</dt><dd>{r.locality.clone()}</dd>
                            <dt>"Referred by"</dt><dd>{if r.source == "self" { "Themselves".to_string() } else { format!("{} · {}", r.referrer, r.organisation) }}</dd>
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
                        {(!r.outcome_summary.is_empty()).then(|| view! {
                            <section class="card" aria-labelledby="summary-heading">
                                <h2 id="summary-heading">"Closing summary"</h2>
                                <p>{r.outcome_summary.clone()}</p>
                            </section>
                        })}
                        {r.person.clone().map(|p| view! {
                            <section aria-labelledby="person-heading">
                                <h2 id="person-heading">"About the person"</h2>
                                <dl class="facts">
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
                        })}
                        {builder.then(|| r.member_id.clone().map(|m| view! {
                            <p>"Member account: "<a href=format!("/community/members/{m}")>{r.member_name.clone().unwrap_or_default()}</a></p>
                        }))}
                        <MovesForm id=id moves=r.moves.clone() error=mv_e/>
                        {(builder && matches!(r.status, Status::Accepted | Status::Contacted) && r.consent_withdrawn_at.is_none()).then(|| {
                            let p = problem_of(&join_e);
                            let name = r.person.as_ref().map(|p| p.name.clone()).unwrap_or_default();
                            let has_email = r.person.as_ref().is_some_and(|p| !p.email.is_empty());
                            view! {
                                <section class="card" aria-labelledby="join-heading">
                                    <h2 id="join-heading">"Sign them up"</h2>
                                    <p>"When the person wants to join, make their member account here (assisted joining: no email or password needed). You then record their exchanges with them."</p>
                                    <ErrorSummary error=join_e.clone()/>
                                    <ActionForm action=join attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="id" value=id_join.clone()/>
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
                        })}
                        {(builder && r.member_id.is_some() && matches!(r.status, Status::Joined | Status::Active)).then(|| {
                            let p = problem_of(&starter_e);
                            let choices: Vec<(String, String)> = (1..=5).map(|h| (h.to_string(), format!("{h} hour{}", if h == 1 { "" } else { "s" }))).collect();
                            view! {
                                <section class="card" aria-labelledby="starter-heading">
                                    <h2 id="starter-heading">"Starter hours"</h2>
                                    <p>"Give them hours from the community pool so they can ask for help before they have given any."</p>
                                    <ErrorSummary error=starter_e.clone()/>
                                    <ActionForm action=starter attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="id" value=id_starter.clone()/>
                                        <input type="hidden" name="transfer_id" value=tid_starter.clone()/>
                                        <Select label="How many starter hours?" name="starter" problem=p value="2".to_string()
                                            groups=vec![("Hours from the pool".into(), choices)]/>
                                        <button type="submit" class="button">"Give starter hours"</button>
                                    </ActionForm>
                                </section>
                            }
                        })}
                        {(builder && r.status == Status::Joined).then(|| {
                            let p = problem_of(&first_e);
                            let members: Vec<(String, String)> = r.locality_members.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
                            view! {
                                <section class="card" aria-labelledby="first-heading">
                                    <h2 id="first-heading">"Record their first exchange"</h2>
                                    <ErrorSummary error=first_e.clone()/>
                                    <ActionForm action=first attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="id" value=id_first.clone()/>
                                        <input type="hidden" name="transfer_id" value=tid_first.clone()/>
                                        <Select label="With which member?" name="other_member" problem=p.clone() groups=vec![("Members of this area".into(), members)]/>
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
                        })}
                        {(builder && r.member_id.is_some()).then(|| view! {
                            <OutcomesSection id=id_outcome.clone() outcomes=r.outcomes.clone() follow_up_due=r.follow_up_due
                                open=r.consent_withdrawn_at.is_none() && r.erased_at.is_none() action=outcome error=outcome_e/>
                        })}
                        {(!r.history.is_empty()).then(|| view! {
                            <section aria-labelledby="history-heading">
                                <h2 id="history-heading">"History"</h2>
                                <ol class="history">
                                    {r.history.iter().map(|h| {
                                        let to = Status::parse(&h.to).map(|s| s.label()).unwrap_or("");
                                        view! {
                                            <li>{format!("{}: {}", format_date(h.at), to)}
                                                {(!h.by.is_empty()).then(|| format!(" · by {}", h.by))}
                                                {(!h.note.is_empty()).then(|| view! { <br/><span class="meta">{h.note.clone()}</span> })}</li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </section>
                        })}
                        {(r.consent_withdrawn_at.is_none() && r.erased_at.is_none()).then(|| view! {
                            <p class="actions">
                                {builder.then(|| view! { <a class="button" href=format!("/referrals/{}/export.json", r.id)>"Everything held about them (JSON)"</a> })}
                                <a class="button" href=format!("/referrals/{}/fhir.json", r.id)>"For GP and council systems (FHIR R4)"</a>
                            </p>
                        })}
                        {(builder && r.erased_at.is_none()).then(|| {
                            let p = problem_of(&erase_e);
                            view! {
                                <details class="card">
                                    <summary>"The person asked us to erase their details"</summary>
                                    <p>"Their name, contact details and notes are erased now; the dates and anonymous numbers stay for reports. This cannot be undone."</p>
                                    <ErrorSummary error=erase_e.clone()/>
                                    <ActionForm action=erase attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="id" value=id_erase.clone()/>
                                        <TextArea label="When and how did they ask?" name="erase_reason" problem=p rows=2 maxlength=500/>
                                        <button type="submit" class="button">"Erase their details"</button>
                                    </ActionForm>
                                </details>
                            }
                        })}
                        {(r.consent_withdrawn_at.is_none() && r.erased_at.is_none()).then(|| {
                            let p = problem_of(&consent_e);
                            view! {
                                <details class="card">
                                    <summary>"The person withdrew their consent"</summary>
                                    <ErrorSummary error=consent_e.clone()/>
                                    <ActionForm action=consent attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="id" value=id_consent.clone()/>
                                        <TextArea label="When and how did they say so?" name="consent_note" problem=p rows=2 maxlength=1000/>
                                        <button type="submit" class="button">"Record that consent is withdrawn"</button>
                                    </ActionForm>
                                </details>
                            }
                        })}
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
fn MovesForm(id: String, moves: Vec<Move>, error: Option<crate::error::AppError>) -> impl IntoView {
    let action = ServerAction::<MoveReferral>::new();
    let p = problem_of(&error);
    let chosen = p.value_for("action");
    (!moves.is_empty()).then(|| {
        let single = moves.len() == 1;
        view! {
            <section class="card" aria-labelledby="move-heading">
                <h2 id="move-heading">"What happens next"</h2>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <fieldset class="field choices">
                        <legend>"Choose one"</legend>
                        {moves.iter().enumerate().map(|(i, m)| {
                            let input_id = format!("action-{}", m.as_str());
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
                        hint="Needed to decline, hold, close (the outcome summary the referrer will read), withdraw or say contact failed."/>
                    <button type="submit" class="button primary">"Save"</button>
                </ActionForm>
            </section>
        }
    })
}

#[component]
fn OutcomesSection(
    id: String,
    outcomes: Vec<super::OutcomeLine>,
    follow_up_due: Option<i64>,
    open: bool,
    action: ServerAction<RecordOutcome>,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let p = problem_of(&error);
    let baseline = outcomes.iter().find(|o| o.stage == "baseline").map(|o| o.scores);
    let follow = outcomes.iter().rev().find(|o| o.stage == "follow_up").map(|o| o.scores);
    let stage_default = if baseline.is_some() { "follow_up" } else { "baseline" };
    let ons_choices: Vec<(String, String)> = (0..=10).map(|n| (n.to_string(), n.to_string())).collect();
    let ucla_choices: Vec<(String, String)> =
        vec![("1".into(), "Hardly ever".into()), ("2".into(), "Some of the time".into()), ("3".into(), "Often".into())];
    let change = |a: i64, b: i64| -> String {
        let d = b - a;
        format!("{a} → {b} ({}{d})", if d > 0 { "+" } else { "" })
    };
    view! {
        <section class="card" aria-labelledby="wellbeing-heading">
            <h2 id="wellbeing-heading">"Wellbeing"</h2>
            {follow_up_due.map(|d| view! { <p>{format!("Follow-up due on {}.", format_date(d))}</p> })}
            {match (baseline, follow) {
                (Some(b), Some(f)) => view! {
                    <div class="table-wrap">
                        <table>
                            <caption>"Change since joining"</caption>
                            <thead><tr><th scope="col">"Measure"</th><th scope="col">"At joining → at follow-up"</th></tr></thead>
                            <tbody>
                                <tr><th scope="row">"Life satisfaction (0–10)"</th><td>{change(b.life_satisfaction, f.life_satisfaction)}</td></tr>
                                <tr><th scope="row">"Things worthwhile (0–10)"</th><td>{change(b.worthwhile, f.worthwhile)}</td></tr>
                                <tr><th scope="row">"Happy yesterday (0–10)"</th><td>{change(b.happiness, f.happiness)}</td></tr>
                                <tr><th scope="row">"Anxious yesterday (0–10, lower is better)"</th><td>{change(b.anxiety, f.anxiety)}</td></tr>
                                <tr><th scope="row">"Loneliness (3–9, lower is better)"</th><td>{change(b.loneliness(), f.loneliness())}</td></tr>
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
                (Some(b), None) => view! {
                    <p>{format!("At joining: life satisfaction {}, worthwhile {}, happy {}, anxious {} (0–10); loneliness {} (3–9).",
                        b.life_satisfaction, b.worthwhile, b.happiness, b.anxiety, b.loneliness())}</p>
                }.into_any(),
                _ => view! { <p>"No answers yet. Ask the questions when they join, and again at the follow-up."</p> }.into_any(),
            }}
            {open.then(|| view! {
                <h3>"Record answers"</h3>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="id" value=id/>
                    <Select label="When" name="stage" problem=p.clone() value=stage_default.to_string()
                        groups=vec![("Stage".into(), vec![("baseline".into(), "At joining".into()), ("follow_up".into(), "Follow-up".into())])]/>
                    <Select label="Who filled them in" name="answered_by" problem=p.clone() value="person".to_string()
                        groups=vec![("Who".into(), vec![("person".into(), "The person, themselves".into()), ("builder".into(), "A builder, asking them".into())])]/>
                    <p class="hint">"Personal wellbeing (ONS4): 0 is not at all, 10 is completely."</p>
                    {ONS4_QUESTIONS.iter().map(|(k, q)| view! {
                        <Select label=q name=k problem=p.clone() groups=vec![("0 to 10".into(), ons_choices.clone())]/>
                    }).collect_view()}
                    <p class="hint">"Loneliness (three-item UCLA scale)."</p>
                    {UCLA_QUESTIONS.iter().map(|(k, q)| view! {
                        <Select label=q name=k problem=p.clone() groups=vec![("How often".into(), ucla_choices.clone())]/>
                    }).collect_view()}
                    <button type="submit" class="button">"Save the answers"</button>
                </ActionForm>
            })}
        </section>
    }
}

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
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let lines = match data.await {
                    Err(e) => return view! { <PageError error=e/> }.into_any(),
                    Ok(l) => l,
                };
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
                }.into_any()
            })}
        </Suspense>
    }
}

/// The member's own wellbeing questions (when they joined from a referral).
#[component]
pub fn WellbeingPage() -> impl IntoView {
    let action = ServerAction::<AnswerWellbeing>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(|| (), |_| my_wellbeing());
    let ons_choices: Vec<(String, String)> = (0..=10).map(|n| (n.to_string(), n.to_string())).collect();
    let ucla_choices: Vec<(String, String)> =
        vec![("1".into(), "Hardly ever".into()), ("2".into(), "Some of the time".into()), ("3".into(), "Often".into())];
    view! {
        <Title text="How are you doing?"/>
        <h1>"How are you doing?"</h1>
        <Suspense fallback=|| ()>
            {move || {
                let (error, ons_choices, ucla_choices) = (error.clone(), ons_choices.clone(), ucla_choices.clone());
                Suspend::new(async move {
                    let due = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(d) => d,
                    };
                    if due.is_none() {
                        return view! { <p>"There are no questions for you at the moment. Thank you."</p> }.into_any();
                    }
                    let p = problem_of(&error);
                    view! {
                        <p class="lead">"Seven short questions. Your community builders use the answers to see whether the time bank helps; nobody else sees them."</p>
                        <ErrorSummary error=error.clone()/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <p class="hint">"0 is not at all, 10 is completely."</p>
                            {ONS4_QUESTIONS.iter().map(|(k, q)| view! {
                                <Select label=q name=k problem=p.clone() groups=vec![("0 to 10".into(), ons_choices.clone())]/>
                            }).collect_view()}
                            {UCLA_QUESTIONS.iter().map(|(k, q)| view! {
                                <Select label=q name=k problem=p.clone() groups=vec![("How often".into(), ucla_choices.clone())]/>
                            }).collect_view()}
                            <button type="submit" class="button primary">"Send my answers"</button>
                        </ActionForm>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}
