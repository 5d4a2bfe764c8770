//! Applying for a referrer account, and the site admin's list of applications.

use super::{professional_applications, ApplyAsProfessional, DecideProfessional};
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Notice, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::query;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// A health or care professional applies.
#[component]
pub fn ProfessionalJoinPage() -> impl IntoView {
    let action = ServerAction::<ApplyAsProfessional>::new();
    let error = last_error(action);
    let p = problem_of(&error);
    let kinds: Vec<(String, String)> =
        ["health board", "GP practice", "council team", "charity", "other"].iter().map(|k| (k.to_string(), k.to_string())).collect();
    view! {
        <Title text="Apply for a referrer account"/>
        <h1>"Apply for a referrer account"</h1>
        <p class="lead">"For GP link workers, community connectors, social workers and other health and care staff who refer people to the time bank. A site administrator checks every application before you can refer."</p>
        <ErrorSummary error=error.clone()/>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <Field label="Your name" name="display_name" problem=p.clone() autocomplete="name" required=true/>
            <Field label="Work email address" name="email" kind="email" problem=p.clone() autocomplete="email" inputmode="email" required=true
                hint="Your work address: we check it belongs to your organisation."/>
            <Field label="Password" name="password" kind="password" problem=p.clone() autocomplete="new-password" required=true
                hint="At least 8 characters. You will also set up two-step sign-in."/>
            <input type="hidden" name="organisation" value="new"/>
            <Field label="Your organisation" name="new_organisation" problem=p.clone() autocomplete="organization" required=true
                hint="Its full name, for example \"Airdrie Health Centre\"."/>
            <Select label="Kind of organisation" name="organisation_kind" problem=p.clone() empty_choice="Choose if it is new to us"
                hint="Only needed if your organisation has not used Timeweave before."
                groups=vec![("Kinds".into(), kinds)]/>
            <Field label="Your role" name="job_title" problem=p.clone() autocomplete="organization-title" hint="For example \"GP link worker\"."/>
            <button type="submit" class="button primary">"Apply"</button>
        </ActionForm>
    }
}

/// Applications for the site admin to check.
#[component]
pub fn AdminProfessionalsPage() -> impl IntoView {
    let action = ServerAction::<DecideProfessional>::new();
    let error = last_error(action);
    let done = query("done").is_some();
    let data = Resource::new_blocking(|| (), |_| professional_applications());
    view! {
        <Title text="Professionals"/>
        <h1>"Professionals"</h1>
        {done.then(|| view! { <Notice>"Saved. We emailed them."</Notice> })}
        <Loaded titled=true data=data children=move |list| {
            let p = problem_of(&error);
            let waiting: Vec<_> = list.iter().filter(|a| a.verified_at.is_none() && a.rejected_reason.is_empty()).cloned().collect();
            let others: Vec<_> = list.iter().filter(|a| a.verified_at.is_some() || !a.rejected_reason.is_empty()).cloned().collect();
            view! {
                <ErrorSummary error=error.clone()/>
                <h2>{format!("Waiting to be checked ({})", waiting.len())}</h2>
                {waiting.is_empty().then(|| view! { <p>"Nobody is waiting."</p> })}
                <ul class="cards">
                    {waiting.into_iter().enumerate().map(|(i, a)| {
                        // Only the first waiting application carries field ids, so ids stay unique.
                        let p = if i == 0 { p.clone() } else { Default::default() };
                        view! {
                            <li class="card">
                                <h3>{a.name.clone()}</h3>
                                <p>{format!("{} · {} · {} · applied {}", a.job_title, a.organisation, a.work_email, format_date(a.applied_at))}</p>
                                {(i == 0).then(|| view! {
                                    <ActionForm action=action attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="user_id" value=a.user_id.clone()/>
                                        <Select label="Decision" name="decision" problem=p.clone()
                                            groups=vec![("Decision".into(), vec![("verify".into(), "Verify: they may refer".into()), ("reject".into(), "Turn down".into())])]/>
                                        <Checkbox name="org_lead" problem=p.clone() label=view! { "Make them their organisation's lead (sees all its referrals)" }.into_any()/>
                                        <TextArea label="Reason (needed to turn down; emailed to them)" name="reason" problem=p.clone() rows=2 maxlength=500/>
                                        <button type="submit" class="button primary">{format!("Save decision for {}", a.name)}</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h2>"Checked"</h2>
                <ul class="cards">
                    {others.into_iter().map(|a| view! {
                        <li class="card">
                            <h3>{a.name.clone()}</h3>
                            <p>{format!("{} · {}", a.job_title, a.organisation)}</p>
                            <p class="meta">{match a.verified_at {
                                Some(v) => format!("Verified {}{}", format_date(v), if a.is_org_lead { " · organisation lead" } else { "" }),
                                None => format!("Turned down: {}", a.rejected_reason),
                            }}</p>
                        </li>
                    }).collect_view()}
                </ul>
            }
        }/>
    }
}
