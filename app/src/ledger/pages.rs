//! "My hours", giving to the pool, organisation accounts, and the community builders'
//! ledger tools. Every form is an `ActionForm` carrying a fresh transfer id, so it works
//! with JavaScript off and a double press moves hours once.

use super::domain::{Minutes, TransferKind};
use super::{
    community_hours, fresh_transfer_id, member_hours, my_hours, organisation_hours, transfer_for_reversal, AccountSummary,
    AddOrganisationAccount, AdjustBalance, DonateToPool, GrantFromPool, OrganisationGives, RecordHours, ReverseTransfer, SetAccountLimits,
    StatementLine,
};
use crate::components::forms::{last_error, problem_of, DurationField, ErrorSummary, Field, MemberField, Notice, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

fn page_number() -> u32 {
    query("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1)
}

fn hours(m: i64) -> String {
    Minutes(m).display()
}

/// "You can go down to −10 h" in words.
fn limits_text(s: &AccountSummary) -> String {
    match (s.floor_minutes, s.ceiling_minutes) {
        (Some(f), Some(c)) if f < 0 => format!("Your balance can go down to {} below zero and up to {}.", hours(-f), hours(c)),
        (Some(_), Some(c)) => format!("Your balance cannot go below zero, and can go up to {}.", hours(c)),
        (Some(f), None) if f < 0 => format!("The balance can go down to {} below zero.", hours(-f)),
        (Some(_), None) => "The balance cannot go below zero.".into(),
        _ => "No limits apply.".into(),
    }
}

/// The balance at the top of a statement page.
#[component]
fn BalanceCard(summary: AccountSummary, #[prop(optional)] own: bool) -> impl IntoView {
    let limits = if own { limits_text(&summary) } else { limits_text(&summary).replace("Your balance", "The balance") };
    let limits_note = summary.limits_are_own.then_some(" (set for this account by a community builder)");
    let balance_class = if summary.balance_minutes < 0 { "balance negative" } else { "balance" };
    view! {
        <section class="card" aria-labelledby="balance-heading">
            <h2 id="balance-heading">"Balance"</h2>
            <p class=balance_class>{hours(summary.balance_minutes)}</p>
            <p>{limits}{limits_note}</p>
            <dl class="facts">
                <dt>"Help given"</dt><dd>{hours(summary.given_minutes)}</dd>
                <dt>"Help received"</dt><dd>{hours(summary.received_minutes)}</dd>
            </dl>
        </section>
    }
}

/// A statement: newest first, each line with its running balance; paged.
#[component]
fn Statement(
    lines: Vec<StatementLine>,
    page: u32,
    has_more: bool,
    /// The page's address without `?page=`.
    base: String,
    /// Show "Reverse" links (community builders).
    #[prop(optional)]
    reversible: bool,
    csv: String,
) -> impl IntoView {
    let empty = lines.is_empty();
    let sep = if base.contains('?') { '&' } else { '?' };
    let prev = (page > 1).then(|| format!("{base}{sep}page={}", page - 1));
    let next = has_more.then(|| format!("{base}{sep}page={}", page + 1));
    view! {
        <section aria-labelledby="statement-heading">
            <h2 id="statement-heading">"Statement"</h2>
            {if empty {
                view! { <p>"Nothing yet. When hours move, each one is listed here."</p> }.into_any()
            } else {
                view! {
                    <p><a href=csv download>"Download the whole statement (CSV, for a spreadsheet)"</a></p>
                    <ol class="statement">
                        {lines.into_iter().map(|l| {
                            let change_class = if l.amount_minutes < 0 { "change out" } else { "change in" };
                            let change = if l.amount_minutes > 0 { format!("+{}", hours(l.amount_minutes)) } else { hours(l.amount_minutes) };
                            let title = if l.kind == TransferKind::Exchange {
                                if l.amount_minutes > 0 { "Help given".to_string() } else { "Help received".to_string() }
                            } else {
                                l.kind.label().to_string()
                            };
                            // The kind's label already names the pool or the time bank.
                            let names_other = matches!(l.kind, TransferKind::Exchange | TransferKind::Organisation | TransferKind::Reversal);
                            let with = (names_other && !l.with.is_empty()).then(|| {
                                let word = match (l.kind, l.amount_minutes > 0) {
                                    (TransferKind::Exchange, true) => "to",
                                    (TransferKind::Exchange, false) => "from",
                                    (_, true) => "from",
                                    (_, false) => "to",
                                };
                                format!("{word} {}", l.with)
                            });
                            let can_reverse = reversible && !l.reversed && !l.is_reversal;
                            let reverse_label = format!("Reverse: {} of {}, {}", title, hours(l.amount_minutes.abs()), format_date(l.recorded_at));
                            let reverse_href = format!("/community/transfers/{}/reverse", l.transfer_id);
                            view! {
                                <li>
                                    <div class="line-head">
                                        <span class="what">{title}" "{with}</span>
                                        <span class=change_class>{change}</span>
                                    </div>
                                    {(!l.memo.is_empty()).then(|| view! { <p class="memo">{l.memo.clone()}</p> })}
                                    {l.reason.clone().map(|r| view! { <p class="memo">"Reason: "{r}</p> })}
                                    <p class="meta">
                                        {format_date(l.recorded_at)}
                                        {l.happened_on.as_deref().map(|d| format!(" · help on {}", crate::util::format_iso_date(d)))}
                                        {l.recorded_by.clone().map(|b| format!(" · recorded by {b}"))}
                                        " · balance after: "{hours(l.balance_after_minutes)}
                                        {l.reversed.then_some(" · reversed later")}
                                    </p>
                                    {can_reverse.then(|| view! { <p><a href=reverse_href aria-label=reverse_label>"Reverse this…"</a></p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {(prev.is_some() || next.is_some()).then(|| view! {
                        <nav class="pager" aria-label="Statement pages">
                            {prev.map(|h| view! { <a class="button" href=h rel="prev">"Newer"</a> })}
                            <span>"Page "{page}</span>
                            {next.map(|h| view! { <a class="button" href=h rel="next">"Older"</a> })}
                        </nav>
                    })}
                }.into_any()
            }}
        </section>
    }
}

fn done_message(done: Option<String>) -> Option<&'static str> {
    Some(match done?.as_str() {
        "donated" => "Thank you. Your hours are in the community pool.",
        "granted" => "The hours have been given from the community pool.",
        "adjusted" => "The balance has been corrected.",
        "reversed" => "The transfer has been reversed. Both appear in the statement.",
        "limits" => "The limits have been changed.",
        "recorded" => "The hours have been recorded.",
        "organisation" => "The organisation account is ready.",
        "given" => "Thank you. The hours have been given.",
        _ => return None,
    })
}

#[component]
fn Done() -> impl IntoView {
    done_message(query("done")).map(|m| view! { <Notice>{m}</Notice> })
}

// ---------------------------------------------------------------------------------------

#[component]
pub fn MyHoursPage() -> impl IntoView {
    let page = page_number();
    let data = Resource::new_blocking(move || page, |p| my_hours(Some(p)));
    view! {
        <Title text="My hours"/>
        <Loaded data=data children=move |d| {
            view! {
                <h1>"My hours"</h1>
                <Done/>
                <BalanceCard summary=d.summary.clone() own=true/>
                <p class="actions"><a class="button" href="/hours/give">"Give hours to the community pool"</a></p>
                {(!d.organisations.is_empty()).then(|| view! {
                    <section class="card">
                        <h2>"Organisations you act for"</h2>
                        <ul>
                            {d.organisations.iter().map(|o| view! {
                                <li><a href=format!("/hours/organisations/{}", o.id)>{o.name.clone()}</a>" · balance "{hours(o.balance_minutes)}</li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <Statement lines=d.summary.statement page=d.summary.page has_more=d.summary.has_more
                    base="/hours".into() csv="/hours/statement.csv".into()/>
            }
        }/>
    }
}

#[component]
pub fn GivePage() -> impl IntoView {
    let action = ServerAction::<DonateToPool>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let data = Resource::new_blocking(|| (), |_| my_hours(Some(1)));
    view! {
        <Title text="Give hours to the community pool"/>
        <Loaded data=data children=move |d| {
            let error = error.clone();
            let problem = problem.clone();
            view! {
                <h1>"Give hours to the community pool"</h1>
                <p class="lead">"The pool holds hours for people who need help but have none yet, such as someone new or going through a hard time. Community builders give them out."</p>
                <p>"You have "<strong class="nowrap">{hours(d.summary.balance_minutes)}</strong>". The pool has "<span class="nowrap">{hours(d.pool_minutes)}</span>"."</p>
                {(d.summary.balance_minutes <= 0).then(|| view! {
                    <p class="notice">"Your balance is not above zero, so giving hours takes you further below it. That is allowed, but you may prefer to give when you have earned some."</p>
                })}
                <ErrorSummary error=error/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="transfer_id" value=fresh_transfer_id()/>
                    <DurationField problem=problem.clone() legend="How many hours will you give?" hint="For example 1 hour and 30 minutes."/>
                    <TextArea label="A note (optional)" name="memo" problem=problem.clone() rows=2 maxlength=200/>
                    <button type="submit" class="button primary">"Give these hours"</button>
                </ActionForm>
                <p><a href="/hours">"Back to my hours"</a></p>
            }
        }/>
    }
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let id = param("id");
    let page = page_number();
    let action = ServerAction::<OrganisationGives>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let data = Resource::new_blocking(move || (id.clone(), page), |(id, p)| organisation_hours(id, Some(p)));
    view! {
        <Title text="Organisation hours"/>
        <Loaded data=data children=move |d| {
            let error = error.clone();
            let problem = problem.clone();
            let base = format!("/hours/organisations/{}", d.organisation.id);
            let csv = format!("/hours/statement.csv?organisation={}", d.organisation.id);
            view! {
                <h1>{d.organisation.name.clone()}</h1>
                <p class="lead">{d.organisation.kind.clone()}" · acting for it: "{d.organisation.named_members.join(", ")}</p>
                <Done/>
                <BalanceCard summary=d.summary.clone()/>
                <section class="card">
                    <h2>"Thank a member with hours"</h2>
                    <p>"When a member has helped the organisation, give them the hours from its account."</p>
                    <ErrorSummary error=error/>
                    <ActionForm action=action attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="transfer_id" value=fresh_transfer_id()/>
                        <input type="hidden" name="organisation_id" value=d.organisation.id.clone()/>
                        <MemberField label="Who helped?" name="user_id" problem=problem.clone() hint="Type part of their name."
                            find="/api/organisation_find_members" find_with=format!("organisation_id={}", d.organisation.id)/>
                        <DurationField problem=problem.clone()/>
                        <Field label="What was the help?" name="memo" problem=problem.clone() hint="For example: Tea and a chat with residents."/>
                        <button type="submit" class="button primary">"Give the hours"</button>
                    </ActionForm>
                </section>
                <Statement lines=d.summary.statement page=d.summary.page has_more=d.summary.has_more base=base csv=csv/>
            }.into_any()
        }/>
    }
}

// ---------------------------------------------------------------------------------------
// Community builders.

#[component]
pub fn CommunityHoursPage() -> impl IntoView {
    let record = ServerAction::<RecordHours>::new();
    let record_error = last_error(record);
    let add_org = ServerAction::<AddOrganisationAccount>::new();
    let org_error = last_error(add_org);
    let data = Resource::new_blocking(|| (), |_| community_hours());
    view! {
        <Title text="Hours in the community"/>
        <Loaded data=data children=move |d| {
            let record_error = record_error.clone();
            let org_error = org_error.clone();
            let p = problem_of(&record_error);
            let op = problem_of(&org_error);
            view! {
                <h1>"Hours in "{d.network_name.clone()}</h1>
                <Done/>
                <dl class="facts card">
                    <dt>"Community pool"</dt><dd>{hours(d.pool_minutes)}</dd>
                    <dt>"Time bank account"</dt><dd>{hours(d.network_minutes)}</dd>
                </dl>
                <p>"To give hours from the pool, correct a balance, reverse a transfer or change limits, open the member from the "<a href="/community/members">"members list"</a>"."</p>
                <section class="card" aria-labelledby="record-heading">
                    <h2 id="record-heading">"Record help for members"</h2>
                    <p>"For members without a phone or computer. It goes straight into their statements, marked as recorded by you."</p>
                    <ErrorSummary error=record_error/>
                    <ActionForm action=record attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="transfer_id" value=fresh_transfer_id()/>
                        <MemberField label="Who gave the help?" name="giver" problem=p.clone()/>
                        <MemberField label="Who received it?" name="receiver1" problem=p.clone()/>
                        <MemberField label="Anyone else who received help in the same session? (optional)" name="receiver2"
                            problem=p.clone() optional=true/>
                        <MemberField label="And another? (optional)" name="receiver3" problem=p.clone() optional=true/>
                        <MemberField label="And another? (optional)" name="receiver4" problem=p.clone() optional=true/>
                        <DurationField problem=p.clone() legend="How long, for each person?"
                            hint="In a group session each person receives this much, and the giver earns it once for each."/>
                        <Field label="What was the help?" name="memo" problem=p.clone() hint="For example: Shopping trip."/>
                        <Field label="When did it happen?" name="happened_on" kind="date" problem=p.clone()
                            hint="Leave it empty if it was today."/>
                        <button type="submit" class="button primary">"Record the hours"</button>
                    </ActionForm>
                </section>
                <section class="card" aria-labelledby="orgs-heading">
                    <h2 id="orgs-heading">"Organisation accounts"</h2>
                    {if d.organisations.is_empty() {
                        view! { <p>"No organisation accounts yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {d.organisations.iter().map(|o| view! {
                                    <li>
                                        <a href=format!("/hours/organisations/{}", o.id)>{o.name.clone()}</a>
                                        " ("{o.kind.clone()}") · "{hours(o.balance_minutes)}
                                        " · acting for it: "{o.named_members.join(", ")}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {d.whole_network.then(|| view! {
                        <h3>"Open an organisation account"</h3>
                        <p>"For a care home, a charity or a community group that gives hours to members who help it. The person you name acts for it."</p>
                        <ErrorSummary error=org_error.clone()/>
                        <ActionForm action=add_org attr:class="stack" attr:novalidate=true>
                            <Field label="Organisation name" name="org_name" problem=op.clone()/>
                            <Field label="What kind of organisation?" name="org_kind" problem=op.clone() hint="For example: Care home, Charity, Community group."/>
                            <MemberField label="Who acts for it?" name="named_member" problem=op.clone()/>
                            <button type="submit" class="button">"Open the account"</button>
                        </ActionForm>
                    })}
                </section>
            }.into_any()
        }/>
    }
}

#[component]
pub fn MemberHoursPage() -> impl IntoView {
    let user_id = param("id");
    let page = page_number();
    let data = Resource::new_blocking(move || (user_id.clone(), page), |(id, p)| member_hours(id, Some(p)));
    view! {
        <Title text="Member's hours"/>
        <Loaded data=data children=move |d| {
            let base = format!("/community/members/{}/hours", d.user_id);
            let csv = format!("/hours/statement.csv?member={}", d.user_id);
            view! {
                <h1>{d.summary.label.clone()}": hours"</h1>
                <Done/>
                <BalanceCard summary=d.summary.clone()/>
                <nav class="card" aria-labelledby="tools-heading">
                    <h2 id="tools-heading">"What would you like to do?"</h2>
                    <ul class="tool-links">
                        <li><a class="button" href=format!("{base}/grant")>"Give hours from the community pool"</a></li>
                        <li><a class="button" href=format!("{base}/adjust")>"Correct the balance"</a></li>
                        <li><a class="button" href=format!("{base}/limits")>"Change the limits"</a></li>
                    </ul>
                    <p>"To reverse a transfer, choose \"Reverse this\" under it in the statement."</p>
                </nav>
                {(!d.limit_changes.is_empty()).then(|| view! {
                    <section class="card">
                        <h2>"Changes to the limits"</h2>
                        <ul>
                            {d.limit_changes.iter().map(|c| view! {
                                <li>
                                    {format_date(c.changed_at)}" · "{c.changed_by.clone()}": "
                                    {c.floor_minutes.map(|f| format!("down to {} below zero", hours(-f))).unwrap_or_else(|| "usual lowest".into())}
                                    ", "
                                    {c.ceiling_minutes.map(|f| format!("up to {}", hours(f))).unwrap_or_else(|| "usual highest".into())}
                                    " · "{c.reason.clone()}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <Statement lines=d.summary.statement page=d.summary.page has_more=d.summary.has_more
                    base=base csv=csv reversible=true/>
            }.into_any()
        }/>
    }
}

/// One builder tool per page (phone first): grant, adjust or limits for one member.
#[component]
pub fn MemberToolPage() -> impl IntoView {
    let user_id = param("id");
    let tool = param("tool");
    let grant = ServerAction::<GrantFromPool>::new();
    let adjust = ServerAction::<AdjustBalance>::new();
    let limits = ServerAction::<SetAccountLimits>::new();
    let error = match tool.as_str() {
        "grant" => last_error(grant),
        "adjust" => last_error(adjust),
        _ => last_error(limits),
    };
    let data = Resource::new_blocking(move || user_id.clone(), |id| member_hours(id, Some(1)));
    view! {
        <Loaded data=data children=move |d| {
            let (error, tool) = (error.clone(), tool.clone());
            let p = problem_of(&error);
            let name = d.summary.label.clone();
            let back = format!("/community/members/{}/hours", d.user_id);
            let uid = d.user_id.clone();
            let balance = view! { <p>{name.clone()}" has "<strong>{hours(d.summary.balance_minutes)}</strong>". "{limits_text(&d.summary).replace("Your balance", "Their balance")}</p> };
            let form = match tool.as_str() {
                "grant" => view! {
                    <Title text="Give hours from the pool"/>
                    <h1>"Give pool hours to "{name.clone()}</h1>
                    {balance}
                    <p>"The pool has "{hours(d.pool_minutes)}"."</p>
                    <ErrorSummary error=error.clone()/>
                    <ActionForm action=grant attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="transfer_id" value=fresh_transfer_id()/>
                        <input type="hidden" name="user_id" value=uid.clone()/>
                        <DurationField problem=p.clone()/>
                        <TextArea label="Reason" name="reason" problem=p.clone() rows=2 maxlength=500
                            hint="For example: starter hours after a referral. The member sees it in their statement."/>
                        <button type="submit" class="button primary">"Give from the pool"</button>
                    </ActionForm>
                }.into_any(),
                "adjust" => view! {
                    <Title text="Correct the balance"/>
                    <h1>"Correct "{name.clone()}"'s balance"</h1>
                    {balance}
                    <p>"A correction moves hours between this member and the time bank's own account. The reason shows in their statement."</p>
                    <ErrorSummary error=error.clone()/>
                    <ActionForm action=adjust attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="transfer_id" value=fresh_transfer_id()/>
                        <input type="hidden" name="user_id" value=uid.clone()/>
                        <Select label="Add or take away?" name="direction" problem=p.clone()
                            groups=vec![("Correction".into(), vec![("add".into(), "Add hours".into()), ("remove".into(), "Take hours away".into())])]/>
                        <DurationField problem=p.clone()/>
                        <TextArea label="Reason" name="reason" problem=p.clone() rows=2 maxlength=500/>
                        <button type="submit" class="button primary">"Make the correction"</button>
                    </ActionForm>
                }.into_any(),
                "limits" => view! {
                    <Title text="Change the limits"/>
                    <h1>"Change "{name.clone()}"'s limits"</h1>
                    {balance}
                    <p>"Leave a box empty to use the time bank's usual limit."</p>
                    <ErrorSummary error=error.clone()/>
                    <ActionForm action=limits attr:class="stack" attr:novalidate=true>
                        <input type="hidden" name="user_id" value=uid.clone()/>
                        <Field label="How far below zero may the balance go? (hours)" name="below_zero" problem=p.clone()
                            inputmode="decimal" hint="For example 10. Write 0 for not below zero."/>
                        <Field label="Highest balance (hours)" name="ceiling" problem=p.clone() inputmode="decimal" hint="For example 100."/>
                        <TextArea label="Reason" name="reason" problem=p.clone() rows=2 maxlength=500/>
                        <button type="submit" class="button primary">"Change the limits"</button>
                    </ActionForm>
                }.into_any(),
                _ => return view! { <crate::components::layout::NotFound/> }.into_any(),
            };
            view! {
                {form}
                <p><a href=back>"Back to "{name}"'s hours"</a></p>
            }.into_any()
        }/>
    }
}

#[component]
pub fn ReversePage() -> impl IntoView {
    let id = param("id");
    let action = ServerAction::<ReverseTransfer>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let data = Resource::new_blocking(move || id.clone(), transfer_for_reversal);
    view! {
        <Title text="Reverse a transfer"/>
        <Loaded data=data children=move |t| {
            let error = error.clone();
            let problem = problem.clone();
            let blocked = if t.is_reversal {
                Some("This transfer is itself a reversal. To correct it, make a correction with a reason instead.")
            } else if t.reversed {
                Some("This transfer has already been reversed.")
            } else {
                None
            };
            view! {
                <h1>"Reverse a transfer"</h1>
                <p class="lead">"Reversing moves exactly the same hours back. The original stays in everyone's statement, with the reversal and your reason beside it."</p>
                <section class="card">
                    <h2>{t.kind.label()}</h2>
                    {(!t.memo.is_empty()).then(|| view! { <p>{t.memo.clone()}</p> })}
                    <p class="meta">{format_date(t.recorded_at)}</p>
                    <ul>
                        {t.legs.iter().map(|(name, m)| view! {
                            <li>{name.clone()}": "{if *m > 0 { format!("+{}", hours(*m)) } else { hours(*m) }}</li>
                        }).collect_view()}
                    </ul>
                </section>
                {match blocked {
                    Some(msg) => view! { <p role="status">{msg}</p> }.into_any(),
                    None => view! {
                        <ErrorSummary error=error/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <input type="hidden" name="transfer_id" value=fresh_transfer_id()/>
                            <input type="hidden" name="original_id" value=t.id.clone()/>
                            <TextArea label="Why reverse it?" name="reason" problem=problem.clone() rows=3 maxlength=500
                                hint="Members see this reason in their statement."/>
                            <button type="submit" class="button primary">"Reverse it"</button>
                        </ActionForm>
                    }.into_any(),
                }}
                <p><a href=t.back.clone() class="back-link">"Back without reversing"</a></p>
            }.into_any()
        }/>
    }
}
