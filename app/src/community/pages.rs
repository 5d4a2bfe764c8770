//! The community builder's screens: the desk (who is waiting, what was reported, which
//! exchanges are disputed), a member's page, assisted joining, a report, the network's
//! rules and noticeboard, the audit trail; the member's "report" form and "what was done
//! on my account"; the site admin's networks page. Every form is an `ActionForm`: it works
//! with JavaScript off.

use super::domain::{Disclosure, Moderation, ReportStatus, ReportSubject};
use super::{
    admin_networks, builder_desk, member_record, network_settings, AddMemberNote, AppointBuilder, AssistedJoin, ChangeCategory,
    ChangeMemberStatus, CreateLocality, CreateNetwork, DecideMembership, EndAnnouncement, Moderate, PostAnnouncement, Report, SetVetting,
    UpdateNetworkSettings,
};
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Notice, Select, TextArea};
use crate::components::layout::PageError;
use crate::components::url::{param, query};
use crate::networks::domain::MembershipStatus;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

fn done_message(done: Option<String>) -> Option<&'static str> {
    Some(match done?.as_str() {
        "approved" => "Approved. We emailed them, and they can now post and exchange.",
        "declined" => "Declined. We emailed them your message.",
        "moderated" => "Done. The person who reported it has been told, in general terms.",
        "vetting" => "Vetting checklist saved.",
        "suspend" => "Suspended. They have been signed out and their listings are hidden.",
        "reinstate" => "Reinstated. Their listings are back in search.",
        "note" => "Note added.",
        "joined" => "Signed up. You can now record their exchanges for them.",
        "settings" => "The network's rules are saved.",
        "category" => "Category saved.",
        "announcement" => "Announcement posted.",
        "ended" => "Announcement taken down.",
        "network" => "Network created.",
        "locality" => "Locality created.",
        "builder" => "Community builder appointed.",
        _ => return None,
    })
}

#[component]
fn Done() -> impl IntoView {
    done_message(query("done")).map(|m| view! { <Notice>{m}</Notice> })
}

fn hours(m: i64) -> String {
    crate::ledger::domain::Minutes(m).display()
}

/// The builder's desk: the work waiting, oldest first.
#[component]
pub fn BuilderDeskPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| builder_desk());
    view! {
        <Title text="Community desk"/>
        <Suspense fallback=|| ()>
            {move || {
                Suspend::new(async move {
                    let d = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(d) => d,
                    };
                    view! {
                        <h1>"Community desk"</h1>
                        <Done/>
                        <nav class="card" aria-labelledby="desk-tools">
                            <h2 id="desk-tools">"Tools"</h2>
                            <ul class="tool-links">
                                <li><a class="button" href="/community/members">"All members"</a></li>
                                <li><a class="button" href="/community/join">"Sign someone up on paper"</a></li>
                                <li><a class="button" href="/community/hours">"Record hours for members"</a></li>
                                <li><a class="button" href="/community/settings">"Rules, categories and announcements"</a></li>
                                <li><a class="button" href="/community/audit">"Audit trail"</a></li>
                            </ul>
                        </nav>
                        <section aria-labelledby="waiting-heading">
                            <h2 id="waiting-heading">{format!("Waiting to join ({})", d.pending.len())}</h2>
                            {d.pending.is_empty().then(|| view! { <p>"Nobody is waiting."</p> })}
                            <ul class="cards">
                                {d.pending.into_iter().map(|m| {
                                    let heading = format!("pending-{}", m.user_id);
                                    let heading_ref = heading.clone();
                                    view! {
                                        <li class="card" aria-labelledby=heading_ref>
                                            <h3 id=heading>{m.name.clone()}</h3>
                                            <p class="meta">{m.locality.clone()}" · asked "{format_date(m.joined_at)}
                                                {m.email.clone().map(|e| format!(" · {e}"))}</p>
                                            {(!m.about.is_empty()).then(|| view! { <p>"They wrote: "<q>{m.about.clone()}</q></p> })}
                                            <p><a class="button primary" href=format!("/community/members/{}", m.user_id)>"Welcome or decline "{m.name.clone()}</a></p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                        <section aria-labelledby="reports-heading">
                            <h2 id="reports-heading">{format!("Reports to look at ({})", d.reports.len())}</h2>
                            {d.reports.is_empty().then(|| view! { <p>"No open reports."</p> })}
                            <ReportList reports=d.reports/>
                        </section>
                        <section aria-labelledby="disputes-heading">
                            <h2 id="disputes-heading">{format!("Disputed exchanges ({})", d.disputes.len())}</h2>
                            {d.disputes.is_empty().then(|| view! { <p>"No disputes."</p> })}
                            <ul class="cards">
                                {d.disputes.into_iter().map(|x| view! {
                                    <li class="card">
                                        <h3><a href=format!("/exchanges/{}", x.exchange_id)>{x.title}</a></h3>
                                        <p>{x.provider_name}" helped "{x.receiver_name}
                                            {x.recorded_minutes.map(|m| format!(" · {} recorded", hours(m)))}
                                            " · since "{format_date(x.updated_at)}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                        {(!d.resolved.is_empty()).then(|| view! {
                            <section aria-labelledby="resolved-heading">
                                <h2 id="resolved-heading">"Recently resolved reports"</h2>
                                <ReportList reports=d.resolved/>
                            </section>
                        })}
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
fn ReportList(reports: Vec<super::ReportView>) -> impl IntoView {
    view! {
        <ul class="cards">
            {reports.into_iter().map(|r| view! {
                <li class="card">
                    <h3><a href=format!("/community/reports/{}", r.id)>{format!("{} by {}", r.subject.label(), r.subject_name)}</a></h3>
                    <p class="meta">{r.status.label()}" · "{r.locality_name}" · reported "{format_date(r.created_at)}" by "{r.reporter_name}</p>
                    <p>{r.reason}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// One report, and what to do about it.
#[component]
pub fn ReportDetailPage() -> impl IntoView {
    let id = param("id");
    let action = ServerAction::<Moderate>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(move || id.clone(), super::report_detail);
    view! {
        <Title text="A report"/>
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    let r = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(r) => r,
                    };
                    let p = problem_of(&error);
                    let link = match r.subject {
                        ReportSubject::Listing => format!("/listings/{}", r.subject_id),
                        ReportSubject::Profile => format!("/members/{}", r.subject_id),
                        ReportSubject::Message => String::new(),
                    };
                    let choices: Vec<(String, String)> = Moderation::choices(r.subject, r.status)
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    view! {
                        <h1>{format!("{} by {}", r.subject.label(), r.subject_name)}</h1>
                        <dl class="facts">
                            <dt>"Status"</dt><dd>{r.status.label()}</dd>
                            <dt>"Reported by"</dt><dd>{r.reporter_name.clone()}" on "{format_date(r.created_at)}</dd>
                            <dt>"What they said"</dt><dd>{r.reason.clone()}</dd>
                            <dt>"What was reported"</dt>
                            <dd>
                                <q>{r.excerpt.clone()}</q>
                                {(!link.is_empty()).then(|| view! { " "<a href=link.clone()>"Open it"</a> })}
                                {r.listing_hidden.then(|| view! { <strong>" (hidden now)"</strong> })}
                            </dd>
                            <dt>"Member"</dt><dd><a href=format!("/community/members/{}", r.subject_user_id)>{r.subject_name.clone()}</a>" · "{r.locality_name.clone()}</dd>
                        </dl>
                        {match r.status {
                            ReportStatus::Resolved => view! { <p role="status">"Resolved: "{r.outcome.clone()}</p> }.into_any(),
                            _ => view! {
                                <ErrorSummary error=error.clone()/>
                                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                                    <input type="hidden" name="report_id" value=r.id.clone()/>
                                    <Select label="What will you do?" name="action" problem=p.clone() groups=vec![("Actions".into(), choices)]/>
                                    <TextArea label="Reason" name="reason" problem=p.clone() rows=3 maxlength=1000
                                        hint="Kept in the audit trail. A member who is warned, suspended or whose listing is hidden is told this reason; the person who reported it is told only that it was looked into."/>
                                    <button type="submit" class="button primary">"Do it"</button>
                                </ActionForm>
                            }.into_any(),
                        }}
                        <p><a href="/community">"Back to the desk"</a></p>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// A builder's page on one member.
#[component]
pub fn MemberRecordPage() -> impl IntoView {
    let user_id = param("id");
    let status = ServerAction::<ChangeMemberStatus>::new();
    let vetting = ServerAction::<SetVetting>::new();
    let note = ServerAction::<AddMemberNote>::new();
    let decide = ServerAction::<DecideMembership>::new();
    let decide_error = last_error(decide);
    let (status_error, vetting_error, note_error) = (last_error(status), last_error(vetting), last_error(note));
    let data = Resource::new_blocking(move || user_id.clone(), member_record);
    view! {
        <Title text="Member"/>
        <Suspense fallback=|| ()>
            {move || {
                let (status_error, vetting_error, note_error) = (status_error.clone(), vetting_error.clone(), note_error.clone());
                let decide_error = decide_error.clone();
                Suspend::new(async move {
                    let m = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(m) => m,
                    };
                    let (sp, vp, np) = (problem_of(&status_error), problem_of(&vetting_error), problem_of(&note_error));
                    let v = m.vetting.clone();
                    let badges = v.badges();
                    let (change, change_label) = match m.status {
                        MembershipStatus::Suspended => ("reinstate", "Reinstate"),
                        _ => ("suspend", "Suspend"),
                    };
                    let disclosure_groups = vec![(
                        "Disclosure check".to_string(),
                        vec![
                            ("pvg".to_string(), Disclosure::Pvg.label().to_string() + " (Scotland)"),
                            ("dbs".to_string(), Disclosure::Dbs.label().to_string() + " (England and Wales)"),
                        ],
                    )];
                    let (uid_status, uid_vetting, uid_note) = (m.user_id.clone(), m.user_id.clone(), m.user_id.clone());
                    let uid_decide = m.user_id.clone();
                    let dp = problem_of(&decide_error);
                    let decide_name = m.name.clone();
                    view! {
                        <h1>{m.name.clone()}</h1>
                        <Done/>
                        <dl class="facts">
                            <dt>"Status"</dt><dd>{m.status.label()}{(!m.status_reason.is_empty()).then(|| format!(": {}", m.status_reason))}</dd>
                            <dt>"Area"</dt><dd>{m.locality.clone()}</dd>
                            <dt>"Member since"</dt><dd>{format_date(m.joined_at)}</dd>
                            <dt>"Email"</dt><dd>{m.email.clone().unwrap_or_else(|| "None: joined on paper".into())}</dd>
                            {m.joined_by.clone().map(|b| view! {
                                <dt>"Signed up by"</dt>
                                <dd>{b}{m.paper_consent_at.map(|t| format!(", paper consent noted on {}", format_date(t)))}</dd>
                            })}
                            {(!m.about.is_empty()).then(|| view! { <dt>"About"</dt><dd>{m.about.clone()}</dd> })}
                            <dt>"Badges"</dt><dd>{if badges.is_empty() { "None yet".to_string() } else { badges.join(", ") }}</dd>
                        </dl>
                        {(m.status == MembershipStatus::Pending).then(move || view! {
                            <section class="card" aria-labelledby="decide-heading">
                                <h2 id="decide-heading">"Waiting to join"</h2>
                                <p>"Welcome them, or decline with a kind word about why. Either way we email them your message."</p>
                                <ErrorSummary error=decide_error.clone()/>
                                <ActionForm action=decide attr:class="stack" attr:novalidate=true>
                                    <input type="hidden" name="user_id" value=uid_decide/>
                                    <TextArea label="Message to them (emailed)" name="message" problem=dp.clone() rows=3 maxlength=1000
                                        hint="Needed when you decline. Optional when you approve."/>
                                    <div class="button-row">
                                        <button type="submit" class="button primary" name="decision" value="approve">"Approve "{decide_name}</button>
                                        <button type="submit" class="button" name="decision" value="decline">"Decline"</button>
                                    </div>
                                </ActionForm>
                            </section>
                        })}
                        <nav class="card" aria-labelledby="member-tools">
                            <h2 id="member-tools">"Hours"</h2>
                            <ul class="tool-links">
                                <li><a class="button" href=format!("/community/members/{}/hours", m.user_id)>"Statement and balance"</a></li>
                                <li><a class="button" href=format!("/community/members/{}/hours/grant", m.user_id)>"Give hours from the pool"</a></li>
                                <li><a class="button" href=format!("/community/members/{}/hours/adjust", m.user_id)>"Correct the balance"</a></li>
                                <li><a class="button" href=format!("/community/members/{}/hours/limits", m.user_id)>"Change the limits"</a></li>
                            </ul>
                        </nav>
                        {(m.status != MembershipStatus::Pending).then(|| view! {
                            <section class="card" aria-labelledby="status-heading">
                                <h2 id="status-heading">{change_label}" membership"</h2>
                                <p>{if change == "suspend" {
                                    "A suspended member is signed out, cannot act, and their listings leave search until reinstated."
                                } else {
                                    "Reinstating lets them sign in and act again, and brings their listings back."
                                }}</p>
                                <ErrorSummary error=status_error.clone()/>
                                <ActionForm action=status attr:class="stack" attr:novalidate=true>
                                    <input type="hidden" name="user_id" value=uid_status/>
                                    <input type="hidden" name="change" value=change/>
                                    <TextArea label="Reason (the member is told)" name="reason" problem=sp.clone() rows=2 maxlength=1000/>
                                    <button type="submit" class="button">{change_label}</button>
                                </ActionForm>
                            </section>
                        })}
                        <section class="card" aria-labelledby="vetting-heading">
                            <h2 id="vetting-heading">"Vetting checklist"</h2>
                            <p>"What you tick shows on their profile as badges. A disclosure check is only for roles that need one (for example someone who visits people at home for the time bank); ordinary members do not need one."</p>
                            <ErrorSummary error=vetting_error.clone()/>
                            <ActionForm action=vetting attr:class="stack" attr:novalidate=true>
                                <input type="hidden" name="user_id" value=uid_vetting/>
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
                        <section class="card" aria-labelledby="notes-heading">
                            <h2 id="notes-heading">"Private notes"</h2>
                            <p>"Only the community builders who look after this member see these notes."</p>
                            <ul class="notes">
                                {m.notes.iter().map(|n| view! {
                                    <li><p>{n.body.clone()}</p><p class="meta">{n.written_by.clone()}", "{format_date(n.at)}</p></li>
                                }).collect_view()}
                            </ul>
                            <ErrorSummary error=note_error.clone()/>
                            <ActionForm action=note attr:class="stack" attr:novalidate=true>
                                <input type="hidden" name="user_id" value=uid_note/>
                                <TextArea label="New note" name="body" problem=np.clone() rows=3 maxlength=2000/>
                                <button type="submit" class="button">"Add the note"</button>
                            </ActionForm>
                        </section>
                        <section aria-labelledby="actions-heading">
                            <h2 id="actions-heading">"What was done on this account"</h2>
                            <crate::audit::pages::AuditTable lines=m.actions.clone() show_subject=false/>
                        </section>
                        <p><a href="/community/members">"All members"</a></p>
                    }.into_any()
                })
            }}
        </Suspense>
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
                            <Field label="Their name (as other members will see it)" name="display_name" problem=p.clone() autocomplete="off"/>
                            <Select label="Where they live" name="locality" problem=p.clone() groups=vec![("Areas".into(), d.localities.clone())]/>
                            <TextArea label="A few words about them (optional)" name="about" problem=p.clone() rows=3 maxlength=1000
                                hint="What they would like to offer or get help with. Shown on their profile."/>
                            <Checkbox name="paper_consent" problem=p.clone()
                                label=view! { "They signed the paper membership and consent form, and I have it." }.into_any()/>
                            <button type="submit" class="button primary">"Sign them up"</button>
                        </ActionForm>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// The network's rules, its categories and the noticeboard.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<UpdateNetworkSettings>::new();
    let category = ServerAction::<ChangeCategory>::new();
    let post = ServerAction::<PostAnnouncement>::new();
    let end = ServerAction::<EndAnnouncement>::new();
    let (save_error, category_error, post_error) = (last_error(save), last_error(category), last_error(post));
    let network = query("network");
    let data = Resource::new_blocking(move || network.clone(), network_settings);
    view! {
        <Title text="Rules and announcements"/>
        <Suspense fallback=|| ()>
            {move || {
                let (save_error, category_error, post_error) = (save_error.clone(), category_error.clone(), post_error.clone());
                Suspend::new(async move {
                    let d = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(d) => d,
                    };
                    let (sp, cp, pp) = (problem_of(&save_error), problem_of(&category_error), problem_of(&post_error));
                    let s = d.settings.clone();
                    let mut audiences: Vec<(String, String)> = vec![];
                    if d.whole_network {
                        audiences.push(("network".into(), format!("Everyone in {}", d.network_name)));
                    }
                    audiences.extend(d.localities.iter().map(|(id, name)| (id.clone(), format!("Members in {name}"))));
                    let nid = d.network_id.clone();
                    let (nid_rules, nid_cats, nid_add, nid_rename) = (nid.clone(), nid.clone(), nid.clone(), nid.clone());
                    let own: Vec<(String, String)> = d.categories.iter().filter(|c| !c.shared).map(|c| (c.id.clone(), c.name.clone())).collect();
                    let cp_rename = cp.clone();
                    let rename_form = (!own.is_empty()).then(move || view! {
                                    <h3>"Rename one of the network's own categories"</h3>
                                    <ActionForm action=category attr:class="stack" attr:novalidate=true>
                                        <input type="hidden" name="network_id" value=nid_rename/>
                                        <input type="hidden" name="op" value="rename"/>
                                        <Select label="Category" name="category_id" problem=cp_rename.clone() groups=vec![("Categories".into(), own.clone())]/>
                                        <Field label="New name" name="new_name" problem=cp_rename.clone()/>
                                        <button type="submit" class="button">"Rename"</button>
                                    </ActionForm>
                                });
                    let (announcements, categories) = (d.announcements.clone(), d.categories.clone());
                    view! {
                        <h1>{d.network_name.clone()}": rules and announcements"</h1>
                        <Done/>
                        <section class="card" aria-labelledby="notices-heading">
                            <h2 id="notices-heading">"Announcements"</h2>
                            <p>"Shown on members' home pages; you can also email them."</p>
                            <ul class="cards">
                                {announcements.into_iter().map(|a| view! {
                                    <li class="card">
                                        <h3>{a.title.clone()}</h3>
                                        <p class="meta">{a.audience.clone()}" · "{format_date(a.at)}" · "{a.posted_by.clone()}</p>
                                        <p class="pre-line">{a.body.clone()}</p>
                                        <ActionForm action=end attr:class="inline-form">
                                            <input type="hidden" name="announcement_id" value=a.id.clone()/>
                                            <button type="submit" class="link-button">"Take down “"{a.title.clone()}"”"</button>
                                        </ActionForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <ErrorSummary error=post_error.clone()/>
                            <ActionForm action=post attr:class="stack" attr:novalidate=true>
                                <input type="hidden" name="network_id" value=nid.clone()/>
                                <Select label="Who is it for?" name="audience" problem=pp.clone() groups=vec![("Audience".into(), audiences)]/>
                                <Field label="Title" name="title" problem=pp.clone()/>
                                <TextArea label="Announcement" name="body" problem=pp.clone() rows=4 maxlength=4000/>
                                <Checkbox name="email" problem=pp.clone() label=view! { "Also email it to them (except those who chose no emails)" }.into_any()/>
                                <button type="submit" class="button primary">"Post the announcement"</button>
                            </ActionForm>
                        </section>
                        {d.whole_network.then(|| view! {
                            <section class="card" aria-labelledby="rules-heading">
                                <h2 id="rules-heading">"The network's rules"</h2>
                                <ErrorSummary error=save_error.clone()/>
                                <ActionForm action=save attr:class="stack" attr:novalidate=true>
                                    <input type="hidden" name="network_id" value=nid_rules/>
                                    <Checkbox name="requires_approval" problem=sp.clone() checked=s.requires_approval
                                        label=view! { "New members wait for a community builder's approval" }.into_any()/>
                                    <Field label="Welcome hours for each new member" name="starting_credit" problem=sp.clone() inputmode="decimal"
                                        value=format!("{}", s.starting_credit_minutes as f64 / 60.0) hint="In hours, for example 2. Write 0 for none."/>
                                    <Select label="Welcome hours come from" name="starting_credit_source" problem=sp.clone()
                                        value=s.starting_credit_source.clone()
                                        groups=vec![("Source".into(), vec![("network".into(), "The time bank's own account".into()), ("pool".into(), "The community pool".into())])]/>
                                    <Field label="How far below zero may a balance go? (hours)" name="below_zero" problem=sp.clone() inputmode="decimal"
                                        value=format!("{}", -s.default_floor_minutes as f64 / 60.0)/>
                                    <Field label="Highest balance (hours)" name="ceiling" problem=sp.clone() inputmode="decimal"
                                        value=format!("{}", s.default_ceiling_minutes as f64 / 60.0)/>
                                    <Field label="Confirm recorded hours automatically after (days)" name="auto_confirm_days" problem=sp.clone()
                                        inputmode="numeric" value=s.auto_confirm_days.to_string()/>
                                    <Field label="Listings last (days)" name="listing_expiry_days" problem=sp.clone()
                                        inputmode="numeric" value=s.listing_expiry_days.to_string()/>
                                    <Field label="Referrals: first contact within (working days)" name="first_contact_days" problem=sp.clone()
                                        inputmode="numeric" value=s.first_contact_days.to_string()
                                        hint="Referrals older than this without contact are marked overdue in the queue."/>
                                    <Field label="Referrals: wellbeing follow-up after (weeks)" name="follow_up_weeks" problem=sp.clone()
                                        inputmode="numeric" value=s.follow_up_weeks.to_string()/>
                                    <Field label="Referrals: keep personal details after closing (months)" name="referral_retention_months" problem=sp.clone()
                                        inputmode="numeric" value=s.referral_retention_months.to_string()
                                        hint="Then names, contact details and notes are erased; the anonymous numbers stay."/>
                                    <Checkbox name="see_other_localities" problem=sp.clone() checked=s.see_other_localities
                                        label=view! { "Members see listings from every locality of the network" }.into_any()/>
                                    <button type="submit" class="button primary">"Save the rules"</button>
                                </ActionForm>
                            </section>
                            <section class="card" aria-labelledby="categories-heading">
                                <h2 id="categories-heading">"Categories"</h2>
                                <p>"Retired categories stay on old listings but are not offered for new ones. The shared categories belong to every network."</p>
                                <ErrorSummary error=category_error.clone()/>
                                <ul class="category-list">
                                    {categories.into_iter().map(|c| { let nid_c = nid_cats.clone(); view! {
                                        <li>
                                            {c.name.clone()}
                                            {c.retired.then(|| " (retired)")}
                                            {c.shared.then(|| " · shared")}
                                            {(!c.shared).then(|| view! {
                                                <ActionForm action=category attr:class="inline-form">
                                                    <input type="hidden" name="network_id" value=nid_c/>
                                                    <input type="hidden" name="category_id" value=c.id.clone()/>
                                                    <input type="hidden" name="op" value=if c.retired { "restore" } else { "retire" }/>
                                                    <button type="submit" class="link-button">{if c.retired { "Bring back " } else { "Retire " }}{c.name.clone()}</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }}).collect_view()}
                                </ul>
                                <ActionForm action=category attr:class="stack" attr:novalidate=true>
                                    <input type="hidden" name="network_id" value=nid_add/>
                                    <input type="hidden" name="op" value="add"/>
                                    <Field label="New category" name="name" problem=cp.clone()/>
                                    <button type="submit" class="button">"Add the category"</button>
                                </ActionForm>
                                {rename_form}
                            </section>
                        })}
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// A member reports a listing, a profile or a message.
#[component]
pub fn ReportPage() -> impl IntoView {
    let action = ServerAction::<Report>::new();
    let error = last_error(action);
    let p = problem_of(&error);
    let kind = query("kind").unwrap_or_default();
    let id = query("id").unwrap_or_default();
    let what = ReportSubject::parse(&kind).map(|s| s.label().to_lowercase()).unwrap_or_else(|| "something".into());
    view! {
        <Title text="Report a problem"/>
        <h1>"Report "{what}</h1>
        <p class="lead">"Tell a community builder what is wrong. They will look at it; the person you report is not told who reported them."</p>
        <ErrorSummary error=error.clone()/>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <input type="hidden" name="subject_kind" value=kind/>
            <input type="hidden" name="subject_id" value=id/>
            <TextArea label="What is wrong?" name="reason" problem=p rows=4 maxlength=1000
                hint="For example: it asks for money, it is rude, or it is not what a time bank is for."/>
            <button type="submit" class="button primary">"Send the report"</button>
        </ActionForm>
    }
}

#[component]
pub fn ReportSentPage() -> impl IntoView {
    view! {
        <Title text="Report sent"/>
        <h1>"Thank you"</h1>
        <p>"A community builder will look at your report. We will let you know in your notifications when they have."</p>
        <p><a href="/home">"Back to your home page"</a></p>
    }
}

/// Site admins: networks, localities and their community builders.
#[component]
pub fn AdminNetworksPage() -> impl IntoView {
    let network = ServerAction::<CreateNetwork>::new();
    let locality = ServerAction::<CreateLocality>::new();
    let builder = ServerAction::<AppointBuilder>::new();
    let (ne, le, be) = (last_error(network), last_error(locality), last_error(builder));
    let data = Resource::new_blocking(|| (), |_| admin_networks());
    view! {
        <Title text="Networks"/>
        <h1>"Networks"</h1>
        <Done/>
        <Suspense fallback=|| ()>
            {move || {
                let (ne, le, be) = (ne.clone(), le.clone(), be.clone());
                Suspend::new(async move {
                    let nets = match data.await {
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                        Ok(n) => n,
                    };
                    let (np, lp, bp) = (problem_of(&ne), problem_of(&le), problem_of(&be));
                    let network_choices = vec![("Networks".to_string(), nets.iter().map(|n| (n.id.clone(), n.name.clone())).collect::<Vec<_>>())];
                    let scopes: Vec<(String, Vec<(String, String)>)> = nets
                        .iter()
                        .map(|n| {
                            let mut v = vec![(format!("net:{}", n.id), format!("All of {}", n.name))];
                            v.extend(n.localities.iter().map(|(id, name, _)| (id.clone(), name.clone())));
                            (n.name.clone(), v)
                        })
                        .collect();
                    view! {
                        {nets.into_iter().map(|n| {
                            let heading = format!("net-{}", n.id);
                            let heading_ref = heading.clone();
                            view! {
                                <section class="card" aria-labelledby=heading_ref>
                                    <h2 id=heading>{n.name.clone()}</h2>
                                    <p class="meta">{n.council_area.clone()}</p>
                                    <h3>"Localities"</h3>
                                    <ul>
                                        {n.localities.iter().map(|(_, name, pop)| view! {
                                            <li>{name.clone()}{pop.map(|p| format!(" · {p} residents"))}</li>
                                        }).collect_view()}
                                    </ul>
                                    <h3>"Community builders"</h3>
                                    <ul>{n.builders.iter().map(|(who, scope)| view! { <li>{who.clone()}" · "{scope.clone()}</li> }).collect_view()}</ul>
                                </section>
                            }
                        }).collect_view()}
                        <section class="card" aria-labelledby="appoint-heading">
                            <h2 id="appoint-heading">"Appoint a community builder"</h2>
                            <ErrorSummary error=be.clone()/>
                            <ActionForm action=builder attr:class="stack" attr:novalidate=true>
                                <Field label="Their account's email" name="email" kind="email" problem=bp.clone()/>
                                <Select label="For" name="scope" problem=bp.clone() groups=scopes/>
                                <button type="submit" class="button">"Appoint"</button>
                            </ActionForm>
                        </section>
                        <section class="card" aria-labelledby="locality-heading">
                            <h2 id="locality-heading">"Add a locality"</h2>
                            <ErrorSummary error=le.clone()/>
                            <ActionForm action=locality attr:class="stack" attr:novalidate=true>
                                <Select label="Network" name="network_id" problem=lp.clone() groups=network_choices/>
                                <Field label="Locality name" name="locality_name" problem=lp.clone()/>
                                <Field label="Residents (for rates per 1,000)" name="population" problem=lp.clone() inputmode="numeric"/>
                                <button type="submit" class="button">"Add the locality"</button>
                            </ActionForm>
                        </section>
                        <section class="card" aria-labelledby="new-network">
                            <h2 id="new-network">"New network"</h2>
                            <ErrorSummary error=ne.clone()/>
                            <ActionForm action=network attr:class="stack" attr:novalidate=true>
                                <Field label="Name" name="name" problem=np.clone()/>
                                <Field label="Council area" name="council_area" problem=np.clone()/>
                                <Field label="First locality" name="first_locality" problem=np.clone()/>
                                <button type="submit" class="button primary">"Create the network"</button>
                            </ActionForm>
                        </section>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}
