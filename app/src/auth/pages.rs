//! Pages for confirming an email, signing in (with two-step sign-in), and passwords. The
//! join page is `crate::joining::pages`.

use super::{two_step, ConfirmEmail, DisableTwoStep, EnableTwoStep, RequestPasswordReset, ResetPassword, SignIn, SignInCode, UnlockSignIn};
use crate::components::forms::{last_error, problem_of, ErrorSummary, Field, Notice};
use crate::components::layout::Loaded;
use crate::components::url::query;
use leptos::prelude::*;
use leptos_meta::Title;

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
    demo.then(|| {
        view! {
            <p class="notice">"This is the demo: no email is really sent. "<a href="/outbox">"Open the demo outbox"</a>" to read it."</p>
        }
    })
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let error = last_error(action);
    let token = query("token").unwrap_or_default();
    let next = query("next");
    view! {
        <Title text="Confirm your email"/>
        <h1>"Confirm your email"</h1>
        <ErrorSummary error=error/>
        <p>"Press the button to confirm this is your email address."</p>
        <ActionForm action=action attr:class="stack">
            <input type="hidden" name="token" value=token/>
            {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
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
    let unlocked = query("unlocked").is_some();
    view! {
        <Title text="Sign in"/>
        <h1>"Sign in"</h1>
        {unlocked.then(|| view! { <Notice>"This device can sign in to your account now. Please sign in."</Notice> })}
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

/// The emailed unlock link: a button (a link alone must not change anything).
#[component]
pub fn UnlockPage() -> impl IntoView {
    let action = ServerAction::<UnlockSignIn>::new();
    let error = last_error(action);
    let token = query("token").unwrap_or_default();
    view! {
        <Title text="Sign in from this device"/>
        <h1>"Sign in from this device"</h1>
        <ErrorSummary error=error/>
        <p>"Someone tried the wrong password on your account several times, so signing in from new devices is paused for a while."</p>
        <p>"Press the button to let this phone or computer sign in to your account straight away."</p>
        <ActionForm action=action attr:class="stack">
            <input type="hidden" name="token" value=token/>
            <button type="submit" class="button primary">"Let this device sign in"</button>
        </ActionForm>
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

/// The second step of signing in.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let action = ServerAction::<SignInCode>::new();
    let error = last_error(action);
    let problem = problem_of(&error);
    view! {
        <Title text="Enter your code"/>
        <h1>"Enter your code"</h1>
        <p class="lead">"Open the authenticator app on your phone and type the 6-digit code it shows for Timeweave."</p>
        <ErrorSummary error=error/>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <Field label="Code" name="code" problem=problem autocomplete="one-time-code" inputmode="numeric" required=true
                hint="No phone with you? Type one of your recovery codes instead."/>
            <button type="submit" class="button primary">"Continue"</button>
        </ActionForm>
        <p><a href="/sign-in">"Start again"</a></p>
    }
}

/// Setting up, or seeing, two-step sign-in.
#[component]
pub fn TwoStepPage() -> impl IntoView {
    let enable = ServerAction::<EnableTwoStep>::new();
    let disable = ServerAction::<DisableTwoStep>::new();
    let (enable_error, disable_error) = (last_error(enable), last_error(disable));
    let done = query("done");
    let asked = query("required").is_some();
    let data = Resource::new_blocking(|| (), |_| two_step());
    view! {
        <Title text="Two-step sign-in"/>
        <h1>"Two-step sign-in"</h1>
        <Loaded titled=true data=data children=move |d| {
            let notice = match done.as_deref() {
                Some("on") => Some("Two-step sign-in is on. From now on you will be asked for a code when you sign in."),
                Some("off") => Some("Two-step sign-in is off."),
                _ => None,
            };
            if d.enabled {
                view! { {notice.map(|n| view! { <Notice>{n}</Notice> })} <TwoStepOn status=d disable=disable error=disable_error.clone()/> }.into_any()
            } else {
                view! { <TwoStepSetUp status=d asked=asked enable=enable error=enable_error.clone()/> }.into_any()
            }
        }/>
    }
}

/// Two-step sign-in is on: how many recovery codes are left, and turning it off (residents).
#[component]
fn TwoStepOn(status: super::TwoStepView, disable: ServerAction<DisableTwoStep>, error: Option<crate::error::AppError>) -> impl IntoView {
    let p = problem_of(&error);
    view! {
        <p class="lead">"Two-step sign-in is on: after your password we ask for a code from the authenticator app on your phone."</p>
        <p>{format!("Recovery codes left: {}.", status.recovery_left)}</p>
        {if status.required {
            view! { <p>"Your role (community builder, health or care professional, or administrator) needs it, so it stays on."</p> }.into_any()
        } else {
            view! {
                <h2>"Turn it off"</h2>
                <ErrorSummary error=error.clone()/>
                <ActionForm action=disable attr:class="stack" attr:novalidate=true>
                    <Field label="A code from your app, or a recovery code" name="code" problem=p.clone() autocomplete="one-time-code"/>
                    <button type="submit" class="button">"Turn two-step sign-in off"</button>
                </ActionForm>
            }.into_any()
        }}
    }
}

/// Setting two-step sign-in up: the app, the key, the recovery codes, the first code.
#[component]
fn TwoStepSetUp(
    status: super::TwoStepView,
    asked: bool,
    enable: ServerAction<EnableTwoStep>,
    error: Option<crate::error::AppError>,
) -> impl IntoView {
    let d = status;
    let p = problem_of(&error);
    let secret = d.secret.clone().unwrap_or_default();
    let grouped: Vec<String> = secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).to_string()).collect();
    view! {
        {(asked || d.required).then(|| view! {
            <div class="notice" role="status">
                "Community builders, health and care professionals and administrators sign in with a password "
                <strong>"and"</strong>" a code from their phone, because they can see other people's details. "
                "Your tools will appear as soon as this is set up."
            </div>
        })}
        <p class="lead">"Two-step sign-in asks for a 6-digit code from an app on your phone after your password, so nobody can sign in with your password alone."</p>
        <ol class="steps">
            <li>
                "Install an authenticator app (for example Google Authenticator, Microsoft Authenticator or FreeOTP) on your phone."
            </li>
            <li>
                "Add an account in the app. On this phone you can "
                <a href=d.uri.clone().unwrap_or_default()>"open it in your authenticator app"</a>
                "; otherwise type this key: "
                <code class="secret" aria-label=format!("Key: {}", secret.chars().map(|c| c.to_string()).collect::<Vec<_>>().join(" "))>{grouped.join(" ")}</code>
            </li>
            <li>
                "Write down these recovery codes and keep them somewhere safe. Each works once if you lose your phone. We will not show them again."
                <ul class="recovery-codes">
                    {d.pending_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                </ul>
            </li>
            <li>"Type the code the app shows now."</li>
        </ol>
        <ErrorSummary error=error.clone()/>
        <ActionForm action=enable attr:class="stack" attr:novalidate=true>
            <Field label="Code from the app" name="code" problem=p.clone() autocomplete="one-time-code" inputmode="numeric" required=true/>
            <button type="submit" class="button primary">"Turn on two-step sign-in"</button>
        </ActionForm>
    }
}
