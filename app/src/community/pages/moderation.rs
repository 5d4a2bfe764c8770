//! Reports: one report and what a builder does about it; the member's "report" form and
//! its thank-you page.

use super::super::domain::{Moderation, ReportStatus, ReportSubject};
use super::super::{report_detail, Moderate, Report, ReportView};
use crate::components::forms::{last_error, problem_of, ErrorSummary, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::{param, query};
use crate::error::AppError;
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// One report, and what to do about it.
#[component]
pub fn ReportDetailPage() -> impl IntoView {
    let id = param("id");
    let action = ServerAction::<Moderate>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(move || id.clone(), report_detail);
    view! {
        <Title text="A report"/>
        <Loaded data=data children=move |r| report_detail_view(r, action, error.clone())/>
    }
}

fn report_detail_view(r: ReportView, action: ServerAction<Moderate>, error: Option<AppError>) -> impl IntoView {
    let p = problem_of(&error);
    let link = match r.subject {
        ReportSubject::Listing => format!("/listings/{}", r.subject_id),
        ReportSubject::Profile => format!("/members/{}", r.subject_id),
        ReportSubject::Message => String::new(),
    };
    let choices: Vec<(String, String)> =
        Moderation::choices(r.subject, r.status, r.listing_hidden).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
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
