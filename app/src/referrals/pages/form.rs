//! The referral forms: the professional's, and the public self-referral with its thank-you
//! page. Both share the person's fields.

use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Select, TextArea};
use crate::components::layout::Loaded;
use crate::error::FormProblem;
use crate::referrals::domain::{Urgency, CONSENT_METHODS, CONTACT_BY};
use crate::referrals::{referral_form, self_referral_form, ReferralFormView, SelfRefer, SubmitReferral};
use leptos::prelude::*;
use leptos_meta::Title;

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
                            <label for=id>{name}{wellbeing.then_some(" (wellbeing)")}</label>
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
        <Loaded data=data children=move |d| {
            let p = problem_of(&error);
            view! {
                <p class="lead">{format!("Referring as {}. Ask the person first: they must agree to the referral and to sharing these details.", d.organisation)}</p>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <PersonFields d=d p=p self_referral=false/>
                    <button type="submit" class="button primary">"Send the referral"</button>
                </ActionForm>
            }
        }/>
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
        <Loaded data=data children=move |d| {
            let p = problem_of(&error);
            view! {
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <PersonFields d=d p=p self_referral=true/>
                    <button type="submit" class="button primary">"Send"</button>
                </ActionForm>
            }
        }/>
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
