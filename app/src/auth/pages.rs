//! Pages for joining, confirming, signing in, and passwords.

use super::{ChangePassword, ConfirmEmail, Join, RequestPasswordReset, ResetPassword, SignIn};
use crate::components::forms::{last_error, problem_of, Checkbox, ErrorSummary, Field, Notice, Select, TextArea};
use crate::components::layout::PageError;
use crate::networks::{current_viewer, join_choices};
use leptos::prelude::*;
use leptos_meta::Title;
use crate::components::url::query;


#[component]
pub fn JoinPage() -> impl IntoView {
    let action = ServerAction::<Join>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let choices = Resource::new_blocking(|| (), |_| join_choices());
    view! {
        <Title text="Join"/>
        <h1>"Join your local time bank"</h1>
        <p class="lead">"Give an hour, get an hour. Everyone's time is worth the same."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let error = error.clone();
                let problem = problem.clone();
                Suspend::new(async move {
                    let groups = match choices.await {
                        Ok(networks) => networks
                            .into_iter()
                            .map(|n| (n.name, n.localities.into_iter().map(|l| (l.id, l.name)).collect()))
                            .collect::<Vec<_>>(),
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                    };
                    view! {
                        <ErrorSummary error=error/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <Field label="Your name" name="display_name" problem=problem.clone() autocomplete="name"
                                hint="The name other members will see. Your first name is fine." required=true/>
                            <Field label="Email address" name="email" kind="email" problem=problem.clone()
                                autocomplete="email" inputmode="email" hint="We'll send you a link to confirm it. Other members never see it." required=true/>
                            <Field label="Choose a password" name="password" kind="password" problem=problem.clone()
                                autocomplete="new-password" hint="At least 8 characters. Three or four random words work well." required=true/>
                            <Select label="Where do you live?" name="locality" problem=problem.clone() groups=groups
                                hint="Pick your area so we can connect you with people nearby."/>
                            <TextArea label="A few words about you (optional)" name="about" problem=problem.clone() rows=3 maxlength=1000
                                hint="What you might offer, what you would like help with. A community builder reads this when they welcome you."/>
                            <Checkbox name="code_of_conduct" problem=problem.clone()
                                label=view! { "I have read and agree to the "<a href="/code-of-conduct" target="_blank">"code of conduct"</a> }.into_any()/>
                            <button type="submit" class="button primary">"Join"</button>
                        </ActionForm>
                        <p>"Already a member? "<a href="/sign-in">"Sign in"</a></p>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <Title text="Check your email"/>
        <h1>"Check your email"</h1>
        <p class="lead">"We have sent you an email with a link to confirm your address. Open it to finish joining."</p>
        <p>"It can take a few minutes to arrive. If you can't see it, look in your junk or spam folder."</p>
        <DemoOutboxHint/>
    }
}

/// In the demo, emails are kept on the site so visitors can follow the links.
#[component]
fn DemoOutboxHint() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let demo = crate::platform::state::state().map(|s| s.config.demo).unwrap_or(false);
    #[cfg(not(feature = "ssr"))]
    let demo = false;
    demo.then(|| view! {
        <p class="notice">"This is the demo: no email is really sent. "<a href="/outbox">"Open the demo outbox"</a>" to read it."</p>
    })
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let error = last_error(action);
    let token = query("token").unwrap_or_default();
    view! {
        <Title text="Confirm your email"/>
        <h1>"Confirm your email"</h1>
        <ErrorSummary error=error/>
        <p>"Press the button to confirm this is your email address."</p>
        <ActionForm action=action attr:class="stack">
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="button primary">"Confirm my email"</button>
        </ActionForm>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let next = query("next");
    let confirmed = query("confirmed").is_some();
    let reset = query("reset").is_some();
    view! {
        <Title text="Sign in"/>
        <h1>"Sign in"</h1>
        {confirmed.then(|| view! { <Notice>"Thank you, your email address is confirmed. You can sign in now."</Notice> })}
        {reset.then(|| view! { <Notice>"Your new password is set. Please sign in with it."</Notice> })}
        <ErrorSummary error=error/>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <Field label="Email address" name="email" kind="email" problem=problem.clone() autocomplete="username" inputmode="email" required=true/>
            <Field label="Password" name="password" kind="password" problem=problem.clone() autocomplete="current-password" required=true/>
            {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
            <button type="submit" class="button primary">"Sign in"</button>
        </ActionForm>
        <p><a href="/forgot-password">"Forgotten your password?"</a></p>
        <p>"New here? "<a href="/join">"Join your local time bank"</a></p>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    view! {
        <Title text="Forgotten password"/>
        <h1>"Forgotten your password?"</h1>
        <p>"Tell us your email address and we'll send you a link to choose a new password."</p>
        <ErrorSummary error=error/>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <Field label="Email address" name="email" kind="email" problem=problem autocomplete="email" inputmode="email" required=true/>
            <button type="submit" class="button primary">"Send me a link"</button>
        </ActionForm>
    }
}

#[component]
pub fn ResetSentPage() -> impl IntoView {
    view! {
        <Title text="Check your email"/>
        <h1>"Check your email"</h1>
        <p class="lead">"If that address belongs to an account, we have sent it a link to choose a new password. The link works for one hour."</p>
        <DemoOutboxHint/>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let token = query("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password"/>
        <h1>"Choose a new password"</h1>
        <ErrorSummary error=error/>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <Field label="New password" name="new_password" kind="password" problem=problem autocomplete="new-password"
                hint="At least 8 characters. Three or four random words work well." required=true/>
            <button type="submit" class="button primary">"Save my new password"</button>
        </ActionForm>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    let changed = query("changed").is_some();
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    view! {
        <Title text="Your account"/>
        <Suspense fallback=|| ()>
            {move || {
                let error = error.clone();
                let problem = problem.clone();
                Suspend::new(async move {
                    let viewer = match viewer.await {
                        Ok(Some(v)) => v,
                        Ok(None) => return view! { <PageError error=crate::error::AppError::Unauthenticated/> }.into_any(),
                        Err(e) => return view! { <PageError error=e/> }.into_any(),
                    };
                    if viewer.is_waiting() {
                        return view! { <PageError error=crate::error::AppError::Forbidden("Your membership is waiting for approval.".into())/> }.into_any();
                    }
                    view! {
                        <h1>"Your account"</h1>
                        {changed.then(|| view! { <Notice>"Your password has been changed. You have been signed out everywhere else."</Notice> })}
                        <dl class="facts">
                            <dt>"Name"</dt><dd>{viewer.display_name.clone()}</dd>
                            <dt>"Email"</dt><dd>{viewer.email.clone().unwrap_or_else(|| "None".into())}</dd>
                        </dl>
                        <p><a href="/account/actions">"Actions community builders took on your account"</a></p>
                        <h2>"Change your password"</h2>
                        <ErrorSummary error=error/>
                        <ActionForm action=action attr:class="stack" attr:novalidate=true>
                            <Field label="Current password" name="current_password" kind="password" problem=problem.clone() autocomplete="current-password" required=true/>
                            <Field label="New password" name="new_password" kind="password" problem=problem.clone() autocomplete="new-password"
                                hint="At least 8 characters. Three or four random words work well." required=true/>
                            <button type="submit" class="button primary">"Change password"</button>
                        </ActionForm>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}
