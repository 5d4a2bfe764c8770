//! The site header with a menu that shows each role what it may use, and the 404 page.

use crate::auth::SignOut;
use crate::networks::{current_viewer, domain::Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Header with the network's name and the menu for whoever is signed in.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    view! {
        <header class="site-header">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let viewer = viewer.await.ok().flatten();
                    let network = viewer
                        .as_ref()
                        .and_then(|v| v.membership.as_ref().map(|m| m.network_name.clone()));
                    let unread = viewer.as_ref().map(|v| v.unread_notifications).unwrap_or(0);
                    let links: Vec<(&'static str, &'static str)> = match &viewer {
                        None => vec![("/join", "Join"), ("/sign-in", "Sign in")],
                        Some(v) => {
                            let mut l = vec![("/home", "Home")];
                            if v.has(Role::Resident) {
                                l.push(("/listings", "Offers & requests"));
                                l.push(("/exchanges", "Exchanges"));
                                l.push(("/hours", "My hours"));
                            }
                            if v.has(Role::Builder) || v.has(Role::SiteAdmin) {
                                l.push(("/community", "Community desk"));
                                l.push(("/community/members", "Members"));
                                l.push(("/community/hours", "Community hours"));
                            }
                            if v.has(Role::Builder) || v.has(Role::SiteAdmin) || v.has(Role::Professional) {
                                l.push(("/referrals", "Referrals"));
                            }
                            let org_lead = v.professional.as_ref().is_some_and(|p| p.verified && p.is_org_lead);
                            if v.has(Role::Builder) || v.has(Role::SiteAdmin) || org_lead {
                                l.push(("/insight", "How it is going"));
                            }
                            if v.needs_second_factor {
                                l.push(("/account/two-step", "Set up two-step sign-in"));
                            }
                            if v.has(Role::SiteAdmin) {
                                l.push(("/admin/professionals", "Professionals"));
                                l.push(("/admin/referral-log", "Referral log"));
                                l.push(("/admin/networks", "Networks"));
                                l.push(("/outbox", "Emails"));
                                l.push(("/admin/security", "Security"));
                            }
                            if !v.is_waiting() {
                                l.push(("/notifications", "Notifications"));
                                l.push(("/account", "Account"));
                            }
                            l
                        }
                    };
                    let signed_in = viewer.is_some();
                    view! {
                        <div class="brand-row">
                            <a class="brand" href="/">"Timeweave"</a>
                            {network.map(|n| view! { <span class="network-name">{n}</span> })}
                        </div>
                        <nav aria-label="Main">
                            <ul class="menu">
                                {links
                                    .into_iter()
                                    .map(|(href, label)| {
                                        let count = (href == "/notifications" && unread > 0).then(|| view! {
                                            <span class="count" aria-label=format!("{unread} new")>{unread}</span>
                                        });
                                        view! { <li><A href=href>{label}{count}</A></li> }
                                    })
                                    .collect_view()}
                                {signed_in.then(|| view! { <li><SignOutButton/></li> })}
                            </ul>
                        </nav>
                    }
                })}
            </Suspense>
        </header>
    }
}

/// Signing out is a POST (a link could be triggered by another site).
#[component]
fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=action attr:class="inline-form">
            <button type="submit" class="link-button">"Sign out"</button>
        </ActionForm>
    }
}

/// The page for addresses that lead nowhere, with a real 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::platform::request::set_page_status(404);
    view! {
        <Title text="Page not found"/>
        <h1>"We can't find that page"</h1>
        <p>"The address may be mistyped, or the page may have moved."</p>
        <p><a href="/" class="button">"Go to the start page"</a></p>
    }
}

/// A page that needs someone signed in, shown to a visitor.
#[component]
pub fn SignInPrompt() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::platform::request::set_page_status(401);
    view! {
        <Title text="Please sign in"/>
        <h1>"Please sign in"</h1>
        <p>"You need to sign in to see this page."</p>
        <p><a href="/sign-in" class="button">"Sign in"</a></p>
    }
}

/// Shows an error that stopped a page loading, with the right status.
#[component]
pub fn PageError(error: crate::error::AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::platform::request::set_page_status(error.status());
    if error == crate::error::AppError::Unauthenticated {
        return view! { <SignInPrompt/> }.into_any();
    }
    let title = match error.status() {
        403 => "Not available to you",
        404 => "Not found",
        _ => "Something went wrong",
    };
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <p role="alert">{error.to_string()}</p>
        <p><a href="/home" class="button">"Go to your home page"</a></p>
    }
    .into_any()
}

/// The shell most pages share: wait for the page's data (rendered on the server before the
/// page is sent), show [`PageError`] with its status if it failed, else the page itself.
///
/// ```ignore
/// let data = Resource::new_blocking(move || id.clone(), get_exchange);
/// view! { <Title text="Exchange"/> <Loaded data=data let:exchange> … </Loaded> }
/// ```
#[component]
pub fn Loaded<T, V, F>(data: Resource<Result<T, crate::error::AppError>>, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = std::sync::Arc::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => view! { <PageError error=error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
