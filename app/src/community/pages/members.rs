//! A builder's page on one member (what we know, approval, suspension, vetting, notes,
//! what was done on the account) and assisted joining on paper.

use super::super::domain::{Disclosure, Vetting};
use super::super::{
    builder_desk, member_record, AddMemberNote, AssistedJoin, ChangeMemberStatus, DecideMembership, MemberRecordView, SetVetting,
};
use super::Done;
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::param;
use crate::error::AppError;
use crate::networks::domain::MembershipStatus;
use crate::profiles::pages::Avatar;
use crate::profiles::RemoveMemberPhoto;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// The member page's forms and what each last refused.
#[derive(Clone)]
struct MemberForms {
    status: ServerAction<ChangeMemberStatus>,
    vetting: ServerAction<SetVetting>,
    note: ServerAction<AddMemberNote>,
    decide: ServerAction<DecideMembership>,
    photo: ServerAction<RemoveMemberPhoto>,
    status_error: Option<AppError>,
    vetting_error: Option<AppError>,
    note_error: Option<AppError>,
    decide_error: Option<AppError>,
    photo_error: Option<AppError>,
}

/// A builder's page on one member.
#[component]
pub fn MemberRecordPage() -> impl IntoView {
    let user_id = param("id");
    let (status, vetting) = (ServerAction::<ChangeMemberStatus>::new(), ServerAction::<SetVetting>::new());
    let (note, decide) = (ServerAction::<AddMemberNote>::new(), ServerAction::<DecideMembership>::new());
    let photo = ServerAction::<RemoveMemberPhoto>::new();
    let forms = MemberForms {
        status,
        vetting,
        note,
        decide,
        photo,
        photo_error: last_error(photo),
        status_error: last_error(status),
        vetting_error: last_error(vetting),
        note_error: last_error(note),
        decide_error: last_error(decide),
    };
    let data = Resource::new_blocking(move || user_id.clone(), member_record);
    view! {
        <Title text="Member"/>
        <Loaded data=data children=move |m| member_page(m, forms.clone())/>
    }
}

fn member_page(m: MemberRecordView, f: MemberForms) -> impl IntoView {
    view! {
        <div class="profile-head">
            <Avatar photo=m.photo.clone() name=m.name.clone()/>
            <h1>{m.name.clone()}</h1>
        </div>
        <Done/>
        {member_facts(&m)}
        {m.photo.is_some().then(|| photo_section(&m, &f))}
        {(m.status == MembershipStatus::Pending).then(|| decide_section(&m, &f))}
        <nav class="card" aria-labelledby="member-tools">
            <h2 id="member-tools">"Hours"</h2>
            <ul class="tool-links">
                <li><a class="button" href=format!("/community/members/{}/hours", m.user_id)>"Statement and balance"</a></li>
                <li><a class="button" href=format!("/community/members/{}/hours/grant", m.user_id)>"Give hours from the pool"</a></li>
                <li><a class="button" href=format!("/community/members/{}/hours/adjust", m.user_id)>"Correct the balance"</a></li>
                <li><a class="button" href=format!("/community/members/{}/hours/limits", m.user_id)>"Change the limits"</a></li>
            </ul>
        </nav>
        {(m.status != MembershipStatus::Pending).then(|| status_section(&m, &f))}
        {vetting_section(m.user_id.clone(), m.vetting.clone(), &f)}
        {notes_section(&m, &f)}
        <section aria-labelledby="actions-heading">
            <h2 id="actions-heading">"What was done on this account"</h2>
            <crate::audit::pages::AuditTable lines=m.actions.clone() show_subject=false/>
        </section>
        <p><a href="/community/members">"All members"</a></p>
    }
}

fn member_facts(m: &MemberRecordView) -> impl IntoView {
    let badges = m.vetting.badges();
    view! {
        <dl class="facts">
            <dt>"Status"</dt><dd>{m.status.label()}{(!m.status_reason.is_empty()).then(|| format!(": {}", m.status_reason))}</dd>
            <dt>"Area"</dt><dd>{m.locality.clone()}</dd>
            // Not a member until approved: until then, when they asked.
            <dt>{if m.status == MembershipStatus::Pending { "Asked to join" } else { "Member since" }}</dt>
            <dd>{format_date(m.joined_at)}</dd>
            <dt>"Email"</dt><dd>{m.email.clone().unwrap_or_else(|| "None: joined on paper".into())}</dd>
            {(!m.phone.is_empty()).then(|| view! { <dt>"Phone"</dt><dd>{m.phone.clone()}</dd> })}
            {m.joined_by.clone().map(|b| view! {
                <dt>"Signed up by"</dt>
                <dd>{b}{m.paper_consent_at.map(|t| format!(", paper consent noted on {}", format_date(t)))}</dd>
            })}
            {(!m.about.is_empty()).then(|| view! { <dt>"About"</dt><dd>{m.about.clone()}</dd> })}
            <dt>"Badges"</dt><dd>{if badges.is_empty() { "None yet".to_string() } else { badges.join(", ") }}</dd>
        </dl>
    }
}

/// Taking down a member's photo, with the reason they are told.
fn photo_section(m: &MemberRecordView, f: &MemberForms) -> impl IntoView {
    let problem = problem_of(&f.photo_error);
    let (user_id, error, action) = (m.user_id.clone(), f.photo_error.clone(), f.photo);
    view! {
        <details class="card more-fields" open=error.is_some()>
            <summary>"Take down their photo"</summary>
            <ErrorSummary error=error.clone()/>
            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="user_id" value=user_id/>
                <TextArea label="Why (they are told)" name="photo_reason" problem=problem rows=2 maxlength=500/>
                <button type="submit" class="button">"Take the photo down"</button>
            </ActionForm>
        </details>
    }
}

fn decide_section(m: &MemberRecordView, f: &MemberForms) -> impl IntoView {
    let dp = problem_of(&f.decide_error);
    let (user_id, name) = (m.user_id.clone(), m.name.clone());
    view! {
        <section class="card" aria-labelledby="decide-heading">
            <h2 id="decide-heading">"Waiting to join"</h2>
            <p>"Welcome them, or decline with a kind word about why. Either way we email them your message."</p>
            <ErrorSummary error=f.decide_error.clone()/>
            <ActionForm action=f.decide attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="user_id" value=user_id/>
                <TextArea label="Message to them (emailed)" name="message" problem=dp.clone() rows=3 maxlength=1000
                    hint="Needed when you decline. Optional when you approve."/>
                <div class="button-row">
                    <button type="submit" class="button primary" name="decision" value="approve">"Approve "{name}</button>
                    <button type="submit" class="button" name="decision" value="decline">"Decline"</button>
                </div>
            </ActionForm>
        </section>
    }
}

fn status_section(m: &MemberRecordView, f: &MemberForms) -> impl IntoView {
    let sp = problem_of(&f.status_error);
    let (change, change_label) = match m.status {
        MembershipStatus::Suspended => ("reinstate", "Reinstate"),
        _ => ("suspend", "Suspend"),
    };
    let user_id = m.user_id.clone();
    view! {
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">{change_label}" membership"</h2>
            <p>{if change == "suspend" {
                "A suspended member is signed out, cannot act, and their listings leave search until reinstated."
            } else {
                "Reinstating lets them sign in and act again, and brings their listings back."
            }}</p>
            <ErrorSummary error=f.status_error.clone()/>
            <ActionForm action=f.status attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="user_id" value=user_id/>
                <input type="hidden" name="change" value=change/>
                <TextArea label="Reason (the member is told)" name="reason" problem=sp.clone() rows=2 maxlength=1000/>
                <button type="submit" class="button">{change_label}</button>
            </ActionForm>
        </section>
    }
}

fn vetting_section(user_id: String, v: Vetting, f: &MemberForms) -> impl IntoView {
    let vp = problem_of(&f.vetting_error);
    let disclosure_groups = vec![(
        "Disclosure check".to_string(),
        vec![
            ("pvg".to_string(), Disclosure::Pvg.label().to_string() + " (Scotland)"),
            ("dbs".to_string(), Disclosure::Dbs.label().to_string() + " (England and Wales)"),
        ],
    )];
    view! {
        <section class="card" aria-labelledby="vetting-heading">
            <h2 id="vetting-heading">"Vetting checklist"</h2>
            <p>"What you tick shows on their profile as badges. A disclosure check is only for roles that need one (for example someone who visits people at home for the time bank); ordinary members do not need one."</p>
            <ErrorSummary error=f.vetting_error.clone()/>
            <ActionForm action=f.vetting attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="user_id" value=user_id/>
                <Checkbox name="met_coordinator" problem=vp.clone() checked=v.met_coordinator label=view! { "Met a coordinator (induction done)" }.into_any()/>
                <Field label="References taken" name="references" problem=vp.clone() inputmode="numeric"
                    value=v.references_checked.to_string() hint="How many, from 0 to 10."/>
                <Checkbox name="code_signed" problem=vp.clone() checked=v.code_signed label=view! { "Code of conduct signed" }.into_any()/>
                <Checkbox name="id_seen" problem=vp.clone() checked=v.id_seen label=view! { "ID seen" }.into_any()/>
                <Select label="Disclosure check (only where the role needs one)" name="disclosure" problem=vp.clone()
                    groups=disclosure_groups empty_choice="None" value=v.disclosure.map(|d| d.as_str().to_string()).unwrap_or_default()/>
                <Field label="Date of the disclosure check" name="disclosure_date" problem=vp.clone()
                    value=v.disclosure_date.clone() hint="Year-month-day, for example 2026-03-14."/>
                <button type="submit" class="button primary">"Save the checklist"</button>
            </ActionForm>
        </section>
    }
}

fn notes_section(m: &MemberRecordView, f: &MemberForms) -> impl IntoView {
    let np = problem_of(&f.note_error);
    let user_id = m.user_id.clone();
    view! {
        <section class="card" aria-labelledby="notes-heading">
            <h2 id="notes-heading">"Private notes"</h2>
            <p>"Only the community builders who look after this member see these notes."</p>
            <ul class="notes">
                {m.notes.iter().map(|n| view! {
                    <li><p>{n.body.clone()}</p><p class="meta">{n.written_by.clone()}", "{format_date(n.at)}</p></li>
                }).collect_view()}
            </ul>
            <ErrorSummary error=f.note_error.clone()/>
            <ActionForm action=f.note attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="user_id" value=user_id/>
                <TextArea label="New note" name="body" problem=np.clone() rows=3 maxlength=2000/>
                <button type="submit" class="button">"Add the note"</button>
            </ActionForm>
        </section>
    }
}

/// Assisted joining: a builder signs up someone who has no email or phone.
#[component]
pub fn AssistedJoinPage() -> impl IntoView {
    let action = ServerAction::<AssistedJoin>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(|| (), |_| builder_desk());
    view! {
        <Title text="Sign someone up"/>
        <h1>"Sign someone up on paper"</h1>
        <p class="lead">"For someone without email or a smartphone. They fill in and sign the paper membership form (with the code of conduct and consent to keep their details); you keep it. You then record their exchanges for them."</p>
        <Loaded titled=true data=data children=move |d| {
            let p = problem_of(&error);
            view! {
                <ErrorSummary error=error.clone()/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <Field label="Their name (as other members will see it)" name="display_name" problem=p.clone() autocomplete="off"/>
                    <Select label="Where they live" name="locality" problem=p.clone() groups=vec![("Areas".into(), d.localities.clone())]/>
                    <TextArea label="A few words about them (optional)" name="about" problem=p.clone() rows=3 maxlength=1000
                        hint="What they would like to offer or get help with. Shown on their profile."/>
                    <Field label="Their phone number (optional)" name="phone" kind="tel" problem=p.clone() autocomplete="off"
                        hint="A landline is fine. Only community builders see it, to find them by it."/>
                    <Checkbox name="paper_consent" problem=p.clone()
                        label=view! { "They signed the paper membership and consent form, and I have it." }.into_any()/>
                    <button type="submit" class="button primary">"Sign them up"</button>
                </ActionForm>
            }
        }/>
    }
}
