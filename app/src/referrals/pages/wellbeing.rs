//! Wellbeing answers: the builders' section on a referral (the change since joining, and
//! recording answers), and the member's own questions.

use crate::components::forms::{last_error, problem_of, ErrorSummary, Select};
use crate::components::layout::Loaded;
use crate::referrals::domain::{ONS4_QUESTIONS, UCLA_QUESTIONS};
use crate::referrals::{my_wellbeing, AnswerWellbeing, OutcomeLine, RecordOutcome};
use crate::util::format_date;
use leptos::prelude::*;
use leptos_meta::Title;

/// The answers to an ONS4 question: 0 to 10.
fn ons_choices() -> Vec<(String, String)> {
    (0..=10).map(|n| (n.to_string(), n.to_string())).collect()
}

/// The answers to a UCLA loneliness question: 1 to 3.
fn ucla_choices() -> Vec<(String, String)> {
    vec![("1".into(), "Hardly ever".into()), ("2".into(), "Some of the time".into()), ("3".into(), "Often".into())]
}

/// The builders' wellbeing section of a referral: the change since joining, and a form to
/// record answers (while consent stands).
#[component]
pub(super) fn OutcomesSection(
    id: String,
    outcomes: Vec<OutcomeLine>,
    follow_up_due: Option<i64>,
    open: bool,
    action: ServerAction<RecordOutcome>,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let p = problem_of(&error);
    let baseline = outcomes.iter().find(|o| o.stage == "baseline").map(|o| o.scores);
    let follow = outcomes.iter().rev().find(|o| o.stage == "follow_up").map(|o| o.scores);
    let stage_default = if baseline.is_some() { "follow_up" } else { "baseline" };
    let (ons_choices, ucla_choices) = (ons_choices(), ucla_choices());
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

/// The member's own wellbeing questions (when they joined from a referral).
#[component]
pub fn WellbeingPage() -> impl IntoView {
    let action = ServerAction::<AnswerWellbeing>::new();
    let error = last_error(action);
    let data = Resource::new_blocking(|| (), |_| my_wellbeing());
    view! {
        <Title text="How are you doing?"/>
        <h1>"How are you doing?"</h1>
        <Loaded titled=true data=data children=move |due| {
                    if due.is_none() {
                        return view! { <p>"There are no questions for you at the moment. Thank you."</p> }.into_any();
                    }
                    let p = problem_of(&error);
                    let (ons_choices, ucla_choices) = (ons_choices(), ucla_choices());
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
        }/>
    }
}
