//! The join page: the form, with the area to choose (or, from an invitation, none to choose).

use super::Join;
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Notice, Select, TextArea};
use crate::components::layout::Loaded;
use crate::components::url::query;
use crate::networks::join_choices;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn JoinPage() -> impl IntoView {
    let action = ServerAction::<Join>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let choices = Resource::new_blocking(|| (), |_| join_choices());
    let invite = query("invite").or_else(|| problem.value_for("invite")).filter(|i| !i.is_empty());
    // Where they were looking (a listing, the offers): they come back there after joining.
    let next = query("next").or_else(|| problem.value_for("next")).filter(|n| n.starts_with('/'));
    view! {
        <Title text="Join"/>
        <h1>"Join your local time bank"</h1>
        <p class="lead">"Give an hour, get an hour. Everyone's time is worth the same."</p>
        {invite.is_some().then(|| view! {
            <Notice>"Your community builder invited you: once you join you can start straight away, no need to wait for approval."</Notice>
        })}
        <Loaded titled=true data=choices children=move |networks| {
            let (error, problem, invite, next) = (error.clone(), problem.clone(), invite.clone(), next.clone());
            let groups = networks
                .into_iter()
                .map(|n| (n.name, n.localities.into_iter().map(|l| (l.id, l.name)).collect()))
                .collect::<Vec<_>>();
            let sign_in = match &next {
                Some(n) => format!("/sign-in?next={}", crate::components::url::urlencode(n)),
                None => "/sign-in".to_string(),
            };
            view! {
                <ErrorSummary error=error/>
                <ActionForm action=action attr:class="stack" attr:novalidate=true>
                    {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                    <Field label="Your name" name="display_name" problem=problem.clone() autocomplete="name"
                        hint="The name other members will see. Your first name is fine." required=true/>
                    <Field label="Email address" name="email" kind="email" problem=problem.clone()
                        autocomplete="email" inputmode="email" hint="We'll send you a link to confirm it. Other members never see it." required=true/>
                    <Field label="Choose a password" name="password" kind="password" problem=problem.clone()
                        autocomplete="new-password" hint="At least 8 characters. Three or four random words work well." required=true/>
                    {match invite {
                        Some(token) => view! {
                            <input type="hidden" name="invite" value=token/>
                            <input type="hidden" name="locality" value=""/>
                        }.into_any(),
                        None => view! {
                            <Select label="Where do you live?" name="locality" problem=problem.clone() groups=groups.clone()
                                hint="Pick your area so we can connect you with people nearby."/>
                        }.into_any(),
                    }}
                    <TextArea label="A few words about you (optional)" name="about" problem=problem.clone() rows=3 maxlength=1000
                        hint="What you might offer, what you would like help with. A community builder reads this when they welcome you."/>
                    <Checkbox name="code_of_conduct" problem=problem.clone()
                        label=view! { "I have read and agree to the "<a href="/code-of-conduct" target="_blank">"code of conduct"</a> }.into_any()/>
                    <button type="submit" class="button primary">"Join"</button>
                </ActionForm>
                <p>"Already a member? "<a href=sign_in>"Sign in"</a></p>
            }
        }/>
    }
}
