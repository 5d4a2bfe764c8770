//! The referral form in steps (about the person, what matters, practical needs, consent,
//! check and send): the professional's at `/referrals/new/…`, and the public self-referral
//! at `/refer-yourself/…`, which speaks to the person ("you"). Each step is a short page
//! that works without JavaScript; the answers wait on the server between steps.

use crate::components::forms::{last_error, problem_of, Checkbox, DateParts, ErrorSummary, Field, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::error::FormProblem;
use crate::referrals::domain::{contact_label, Urgency, CONSENT_METHODS, CONTACT_BY};
use crate::referrals::draft::{Draft, Step};
use crate::referrals::{referral_draft, steps_base, DraftView, SaveReferralStep, SendReferralDraft};
use leptos::prelude::*;
use leptos_meta::Title;

/// A professional's referral, one step per page.
#[component]
pub fn NewReferralPage() -> impl IntoView {
    view! { <StepsPage self_referral=false/> }
}

/// Someone asking to be put in touch themselves, one step per page.
#[component]
pub fn SelfReferralPage() -> impl IntoView {
    view! { <StepsPage self_referral=true/> }
}

#[component]
fn StepsPage(self_referral: bool) -> impl IntoView {
    let step = Step::parse(&param("step")).unwrap_or(Step::About);
    let save = ServerAction::<SaveReferralStep>::new();
    let send = ServerAction::<SendReferralDraft>::new();
    let save_error = last_error(save);
    let send_error = last_error(send);
    let data = Resource::new_blocking(move || self_referral, referral_draft);
    let heading = if self_referral { "Ask to be put in touch" } else { "Refer someone to the time bank" };
    view! {
        <Title text=format!("{} · {heading}", step.title(self_referral))/>
        <h1>{heading}</h1>
        <Loaded titled=true data=data children=move |v| {
            let p = problem_of(&save_error);
            view! {
                <Progress step=step self_referral=self_referral/>
                {(step == Step::About).then(|| lead(&v, self_referral))}
                {if step == Step::Check {
                    view! { <CheckAndSend v=v self_referral=self_referral send=send error=send_error.clone()/> }.into_any()
                } else {
                    view! {
                        <ErrorSummary error=save_error.clone()/>
                        <ActionForm action=save attr:class="stack" attr:novalidate=true>
                            <input type="hidden" name="self_referral" value=self_referral.to_string()/>
                            <input type="hidden" name="step" value=step.slug()/>
                            {query("then").filter(|t| t == "check").map(|t| view! { <input type="hidden" name="then" value=t/> })}
                            {step_fields(step, &v, p, self_referral)}
                            <div class="button-row">
                                <button type="submit" class="button primary">"Continue"</button>
                                {step.previous().map(|s| view! {
                                    <a class="button" href=format!("{}/{}", steps_base(self_referral), s.slug())>"Back"</a>
                                })}
                            </div>
                        </ActionForm>
                    }.into_any()
                }}
            }
        }/>
    }
}

/// Which step of how many, in words and as a bar.
#[component]
fn Progress(step: Step, self_referral: bool) -> impl IntoView {
    view! {
        <p class="step-count">{format!("Step {} of {}", step.number(), Step::ALL.len())}</p>
        <div class="step-bar" aria-hidden="true">
            {Step::ALL.iter().map(|s| view! { <span class:done=s.number() <= step.number()></span> }).collect_view()}
        </div>
        <h2>{step.title(self_referral)}</h2>
    }
}

fn lead(v: &DraftView, self_referral: bool) -> impl IntoView {
    let text = if self_referral {
        "Would you like company, a hand with something, or to share what you are good at? Tell us a little and a community builder from your area will get in touch. It takes five short steps.".to_string()
    } else {
        format!(
            "Referring as {}. Ask the person first: they must agree to the referral and to sharing these details. Five short steps; what you type is kept for a day if you stop.",
            v.form.organisation
        )
    };
    view! { <p class="lead">{text}</p> }
}

/// The fields of one step, filled with the answers so far.
fn step_fields(step: Step, v: &DraftView, p: FormProblem, self_referral: bool) -> AnyView {
    let d = &v.draft.input;
    let (they, their) = if self_referral { ("you", "your") } else { ("they", "their") };
    match step {
        Step::About => {
            let contact: Vec<(String, String)> = CONTACT_BY
                .iter()
                .filter(|(k, _)| !(self_referral && *k == "through_referrer"))
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect();
            view! {
                <Field label=if self_referral { "Your name" } else { "The person's name" } name="person_name" problem=p.clone()
                    autocomplete=if self_referral { "name" } else { "off" } value=d.person_name.clone() required=true/>
                <DateParts legend=if self_referral { "Your date of birth" } else { "Their date of birth" } field="date_of_birth" prefix="dob"
                    problem=p.clone() hint="For example, 21 3 1948." value=v.draft.dob.clone()/>
                <Select label=if self_referral { "Where you live" } else { "Where they live" } name="locality" problem=p.clone()
                    groups=v.form.areas.clone() value=d.locality.clone()
                    hint=if self_referral { "The area nearest your home. Its community builders will get in touch." }
                        else { "The area nearest their home. Its community builders will get in touch." }/>
                <Select label=if self_referral { "How would you like us to contact you?" } else { "How would they like to be contacted?" }
                    name="contact_by" problem=p.clone() groups=vec![("Ways to contact".into(), contact)] value=d.contact_by.clone()/>
                <Field label="Phone number" name="phone" kind="tel" problem=p.clone() autocomplete="off" inputmode="tel"
                    value=d.phone.clone() hint="Needed for a call or a text."/>
                <Field label="Email address" name="email" kind="email" problem=p.clone() autocomplete="off" inputmode="email"
                    value=d.email.clone() hint="Needed for an email."/>
            }
            .into_any()
        }
        Step::Matters => {
            let ticked = |id: &str| p.value_for(&format!("interests[{id}]")).is_some() || d.interests.iter().any(|i| i == id);
            let boxes: Vec<_> = v.form.interests.iter().map(|(id, name, wellbeing)| (id.clone(), name.clone(), *wellbeing, ticked(id))).collect();
            view! {
                <TextArea label=if self_referral { "What matters to you?" } else { "What matters to the person?" } name="what_matters"
                    problem=p.clone() rows=4 maxlength=2000 value=d.what_matters.clone()
                    hint=if self_referral { "What you would like to do, learn or share, and what gets in the way." }
                        else { "In their own words if you can: what they would like to do, learn or share, and what gets in the way." }/>
                <fieldset class="field choices">
                    <legend>{format!("What would {they} like to do or get help with? (optional)")}</legend>
                    <ul class="checkbox-grid">
                        {boxes.into_iter().map(|(id, name, wellbeing, checked)| {
                            let field = format!("interests[{id}]");
                            view! {
                                <li class="checkbox">
                                    <input type="checkbox" id=field.clone() name=field.clone() value="yes" checked=checked/>
                                    <label for=field>{name}{wellbeing.then_some(" (wellbeing)")}</label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </fieldset>
            }
            .into_any()
        }
        Step::Needs => view! {
            <TextArea label=if self_referral { "Anything we should know to make meeting easy? (optional)" } else { "Access needs (optional)" }
                name="access_needs" problem=p.clone() rows=2 maxlength=1000 value=d.access_needs.clone()
                hint="For example: Deaf, uses BSL; needs an interpreter (which language); uses a wheelchair; no stairs."/>
            {(!self_referral).then(|| view! {
                <TextArea label="Notes for whoever visits (optional)" name="risk_notes" problem=p.clone() rows=2 maxlength=1000
                    value=d.risk_notes.clone()
                    hint="Lone-working risks, whether two people should go, any safeguarding concern. Only the area's community builders see this."/>
                <Select label="How soon should someone get in touch?" name="urgency" problem=p.clone()
                    value=if d.urgency.is_empty() { "routine".to_string() } else { d.urgency.clone() }
                    groups=vec![("Urgency".into(), Urgency::choices())]/>
            })}
        }
        .into_any(),
        Step::Consent => view! {
            <p>{format!("We need {their} agreement to two things, each on its own.")}</p>
            <fieldset class="field consents">
                <legend>{if self_referral { "What you agree to" } else { "What the person agreed to" }}</legend>
                <Checkbox name="consent_referral" problem=p.clone() checked=d.consent_referral
                    label=if self_referral {
                        view! { "I agree to be referred to the time bank." }.into_any()
                    } else {
                        view! { "The person agreed to be referred to the time bank." }.into_any()
                    }/>
                <Checkbox name="consent_sharing" problem=p.clone() checked=d.consent_sharing
                    label=if self_referral {
                        view! { "I agree that the time bank's community builders for my area may see these details." }.into_any()
                    } else {
                        view! { "The person agreed to share these details with the time bank's community builders for their area." }.into_any()
                    }/>
                {(!self_referral).then(|| view! {
                    <Select label="How did they give consent?" name="consent_method" problem=p.clone() value=d.consent_method.clone()
                        groups=vec![("How".into(), CONSENT_METHODS.iter().filter(|(k, _)| *k != "online").map(|(k, l)| (k.to_string(), l.to_string())).collect())]/>
                })}
            </fieldset>
            <p class="hint">{if self_referral {
                "We keep your details for 24 months after we last help you, then erase them. You can change your mind at any time."
            } else {
                "We record who recorded consent and when. The details are kept for 24 months after the referral closes, then erased; the person can withdraw consent at any time."
            }}</p>
        }
        .into_any(),
        Step::Check => ().into_any(),
    }
}

/// The answers of each step with a link to change them, and the button that sends.
#[component]
fn CheckAndSend(
    v: DraftView,
    self_referral: bool,
    send: ServerAction<SendReferralDraft>,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let base = steps_base(self_referral);
    let unanswered = Step::ALL.into_iter().find(|s| *s != Step::Check && !v.draft.has_answered(*s));
    let ready = unanswered.is_none() && v.problems.is_empty();
    let sections: Vec<_> = Step::ALL
        .into_iter()
        .filter(|s| *s != Step::Check)
        .map(|s| {
            let problems = v.problems.iter().find(|(p, _)| *p == s).map(|(_, m)| m.clone()).unwrap_or_default();
            (s, answers(s, &v, self_referral), problems)
        })
        .collect();
    view! {
        <ErrorSummary error=error/>
        {unanswered.map(|s| view! {
            <p class="warning">"Some steps are not answered yet. "
                <a href=format!("{base}/{}", s.slug())>{format!("Go to {}", s.title(self_referral).to_lowercase())}</a></p>
        })}
        {sections.into_iter().map(|(s, rows, problems)| {
            let heading_id = format!("check-{}", s.slug());
            let change_label = format!("Change {}", s.title(self_referral).to_lowercase());
            let labelled_by = heading_id.clone();
            view! {
                <section class="check-section" aria-labelledby=labelled_by>
                    <div class="section-head">
                        <h2 id=heading_id>{s.title(self_referral)}</h2>
                        <a href=format!("{base}/{}?then=check", s.slug()) aria-label=change_label>"Change"</a>
                    </div>
                    {problems.into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
                    <dl class="facts stacked">
                        {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                </section>
            }
        }).collect_view()}
        {ready.then(|| view! {
            <ActionForm action=send attr:class="stack">
                <input type="hidden" name="self_referral" value=self_referral.to_string()/>
                <button type="submit" class="button primary">{if self_referral { "Send" } else { "Send the referral" }}</button>
            </ActionForm>
        })}
    }
}

/// One step's answers, in words, for "Check and send".
fn answers(step: Step, v: &DraftView, self_referral: bool) -> Vec<(&'static str, String)> {
    let d: &Draft = &v.draft;
    let r = &d.input;
    let or_none = |s: &str| if s.trim().is_empty() { "Not given".to_string() } else { s.trim().to_string() };
    match step {
        Step::About => {
            let area = v.form.areas.iter().flat_map(|(_, ls)| ls.iter()).find(|(id, _)| *id == r.locality).map(|(_, n)| n.clone());
            let dob = crate::util::format_iso_date(&d.date_of_birth());
            vec![
                ("Name", or_none(&r.person_name)),
                ("Date of birth", if d.date_of_birth().is_empty() { "Not given".into() } else { dob }),
                ("Area", area.unwrap_or_else(|| "Not chosen".into())),
                ("Contact by", contact_label(&r.contact_by).to_string()),
                ("Phone", or_none(&r.phone)),
                ("Email", or_none(&r.email)),
            ]
        }
        Step::Matters => {
            let names: Vec<String> =
                v.form.interests.iter().filter(|(id, _, _)| r.interests.contains(id)).map(|(_, n, _)| n.clone()).collect();
            vec![
                ("What matters", or_none(&r.what_matters)),
                ("Would like", if names.is_empty() { "None chosen".into() } else { names.join(", ") }),
            ]
        }
        Step::Needs => {
            let mut rows = vec![("Access needs", or_none(&r.access_needs))];
            if !self_referral {
                rows.push(("Notes for whoever visits", or_none(&r.risk_notes)));
                let urgency = Urgency::parse(&r.urgency).unwrap_or(Urgency::Routine);
                rows.push((
                    "How soon",
                    Urgency::choices().into_iter().find(|(k, _)| *k == urgency.as_str()).map(|(_, l)| l).unwrap_or_default(),
                ));
            }
            rows
        }
        Step::Consent => {
            let yes_no = |b: bool| if b { "Yes".to_string() } else { "No".to_string() };
            let mut rows =
                vec![("Agreed to the referral", yes_no(r.consent_referral)), ("Agreed to share these details", yes_no(r.consent_sharing))];
            if !self_referral {
                let how = CONSENT_METHODS.iter().find(|(k, _)| *k == r.consent_method).map(|(_, l)| l.to_string());
                rows.push(("How", how.unwrap_or_else(|| "Not said".into())));
            }
            rows
        }
        Step::Check => vec![],
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
