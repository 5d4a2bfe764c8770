//! Moving to another area: the member's part on Account, and the requests on the desk.

use super::super::domain::MoveStatus;
use super::super::{AreaMoveView, AskToMoveArea, DecideAreaMove, MyAreaView, WithdrawAreaMove};
use crate::components::forms::{last_error, problem_of, ErrorSummary, Select, TextArea};
use crate::util::format_date;
use leptos::prelude::*;

/// Account's "Your area": where the member is, their request if one waits (with withdraw),
/// the answer to the last one, and the form to ask.
#[component]
pub fn AreaSection(area: MyAreaView) -> impl IntoView {
    let ask = ServerAction::<AskToMoveArea>::new();
    let withdraw = ServerAction::<WithdrawAreaMove>::new();
    let error = last_error(ask);
    let withdraw_error = last_error(withdraw);
    let problem = problem_of(&error);
    let waiting = area.latest.clone().filter(|a| a.status == MoveStatus::Waiting);
    let last_answer = area.latest.clone().filter(|a| a.status == MoveStatus::Declined).map(|a| {
        view! {
            <p>{format!("You asked on {} to move to {}. A community builder could not do it: ", format_date(a.asked_at), a.to_area)}
                <q>{a.answer}</q></p>
        }
    });
    view! {
        <section aria-labelledby="area-heading">
            <h2 id="area-heading">"Your area"</h2>
            <p>"You are a member in "<strong>{area.area.clone()}</strong>". You see help nearby first, and its community builders look after you."</p>
            <ErrorSummary error=withdraw_error/>
            {if let Some(a) = waiting {
                view! {
                    <p class="notice">{format!("You asked on {} to move to {}. A community builder will confirm it; we will tell you.", format_date(a.asked_at), a.to_area)}</p>
                    <ActionForm action=withdraw>
                        <button type="submit" class="button">"Withdraw my request"</button>
                    </ActionForm>
                }.into_any()
            } else if area.others.is_empty() {
                view! { <p>"Your time bank has one area only."</p> }.into_any()
            } else {
                let areas = vec![("".to_string(), area.others.clone())];
                view! {
                    {last_answer}
                    <details class="more-fields" open=error.is_some()>
                        <summary>"Moving house? Ask to change your area"</summary>
                        <ErrorSummary error=error.clone()/>
                        <ActionForm action=ask attr:class="stack" attr:novalidate=true>
                            <Select label="The area you are moving to" name="locality" problem=problem.clone() groups=areas/>
                            <TextArea label="Anything the community builder should know (optional)" name="reason" problem=problem.clone()
                                rows=2 maxlength=500 hint="For example, when you move."/>
                            <p class="hint">"A community builder confirms the move. Your open offers and requests move with you; your hours stay as they are."</p>
                            <button type="submit" class="button primary">"Ask to move"</button>
                        </ActionForm>
                    </details>
                }.into_any()
            }}
        </section>
    }
}

/// The desk's requests to move area, each with its decision form.
#[component]
pub fn MoveRequests(moves: Vec<AreaMoveView>) -> impl IntoView {
    let action = ServerAction::<DecideAreaMove>::new();
    let error = last_error(action);
    // The request a refused decision was about (the summary's link goes to its message box).
    let erring = error.as_ref().and_then(|e| e.problem()).and_then(|p| p.value_for("move_id"));
    view! {
        <section aria-labelledby="moves-heading">
            <h2 id="moves-heading">{format!("Moving area ({})", moves.len())}</h2>
            {moves.is_empty().then(|| view! { <p>"Nobody is asking to move."</p> })}
            <ErrorSummary error=error.clone()/>
            <ul class="cards">
                {moves.into_iter().enumerate().map(|(i, a)| {
                    let heading = format!("move-{}", a.id);
                    let labelled_by = heading.clone();
                    // One form carries the plain field id (the one refused, or else the first),
                    // so ids stay unique on the page.
                    let plain = match &erring { Some(id) => *id == a.id, None => i == 0 };
                    let problem = if erring.as_deref() == Some(a.id.as_str()) { problem_of(&error) } else { crate::error::FormProblem::new() };
                    let answer_id = if plain { "answer".to_string() } else { format!("answer-{}", a.id) };
                    view! {
                        <li class="card" aria-labelledby=labelled_by>
                            <h3 id=heading><a href=format!("/community/members/{}", a.user_id)>{a.name.clone()}</a></h3>
                            <p class="meta">{format!("{} → {} · asked {}", a.from_area, a.to_area, format_date(a.asked_at))}</p>
                            {(!a.reason.is_empty()).then(|| view! { <p>"They wrote: "<q>{a.reason.clone()}</q></p> })}
                            <ActionForm action=action attr:class="stack" attr:novalidate=true>
                                <input type="hidden" name="move_id" value=a.id.clone()/>
                                <TextArea label="Message to them (needed to decline)" name="answer" problem=problem rows=2 maxlength=1000 id=answer_id/>
                                <div class="button-row">
                                    <button type="submit" name="decision" value="move" class="button primary">{format!("Move to {}", a.to_area)}</button>
                                    <button type="submit" name="decision" value="decline" class="button">"Decline"</button>
                                </div>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
