//! The page shell: the site header (menu and tab bar by role), the 404 and error pages, and
//! [`Loaded`], the wait-then-show shell of every data page.

use crate::auth::SignOut;
use crate::components::navigation::{navigation, Navigation, Place};
use crate::networks::current_viewer;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The header: the network's name, notifications and the menu; and for members, the tab bar
/// with the places they use most (see [`navigation`] for who gets what).
///
/// The menu is a `<details>`, so it opens without JavaScript; the tab bar sits at the
/// bottom of a phone's screen, under the thumb.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |_| current_viewer());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let viewer = viewer.await.ok().flatten();
                match viewer {
                    None => view! { <VisitorHeader/> }.into_any(),
                    Some(v) => {
                        let network = v.membership.as_ref().map(|m| m.network_name.clone());
                        let unread = v.unread_notifications;
                        let nav = navigation(&v);
                        view! { <MemberHeader nav=nav network=network unread=unread/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn VisitorHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/"><span class="brand-name">"Timeweave"</span></a>
            <div class="header-actions">
                <A href="/sign-in" attr:class="header-link">"Sign in"</A>
                <A href="/join" attr:class="header-link join-link">"Join"</A>
            </div>
        </header>
    }
}

#[component]
fn MemberHeader(nav: Navigation, network: Option<String>, unread: i64) -> impl IntoView {
    let tabs = nav.tabs.clone();
    view! {
        <header class="site-header">
            <a class="brand" href="/home">
                <span class="brand-name">"Timeweave"</span>
                {network.map(|n| view! { <span class="network-name">{n}</span> })}
            </a>
            <div class="header-actions">
                {nav.notifications.then(|| {
                    let label = if unread > 0 { format!("Notifications, {unread} new") } else { "Notifications".to_string() };
                    view! {
                        <A href=Place::Notifications.href() attr:class="icon-button" attr:aria-label=label>
                            <Icon name="bell"/>
                            {(unread > 0).then(|| view! { <span class="count" aria-hidden="true">{unread.min(99)}</span> })}
                        </A>
                    }
                })}
                <details class="site-menu">
                    <summary class="icon-button"><Icon name="menu"/><span class="menu-word">"Menu"</span></summary>
                    <div class="menu-panel">
                        <nav aria-label="Menu">
                            {nav.groups.into_iter().map(|(group, places)| view! {
                                <p class="menu-heading" id=group.id()>{group.label()}</p>
                                <ul class="menu-list" aria-labelledby=group.id()>
                                    {places.into_iter().map(|p| view! { <li><A href=p.href()>{p.label()}</A></li> }).collect_view()}
                                </ul>
                            }).collect_view()}
                        </nav>
                        <SignOutButton/>
                    </div>
                </details>
            </div>
        </header>
        {(!tabs.is_empty()).then(|| view! {
            <nav class="tab-bar" aria-label="Main">
                <ul>
                    {tabs.into_iter().map(|p| view! {
                        <li><A href=p.href()><Icon name=icon_of(p)/><span>{p.short_label()}</span></A></li>
                    }).collect_view()}
                </ul>
            </nav>
        })}
    }
}

fn icon_of(place: Place) -> &'static str {
    match place {
        Place::Home => "home",
        Place::Browse => "search",
        Place::Exchanges => "swap",
        Place::Hours => "clock",
        Place::Desk => "desk",
        Place::Members => "people",
        Place::Referrals => "refer",
        Place::NewReferral => "plus",
        _ => "dot",
    }
}

/// A small line drawing beside a word (never alone: the word is the label).
#[component]
fn Icon(name: &'static str) -> impl IntoView {
    let shapes = match name {
        "home" => r#"<path d="M3 11l9-8 9 8"/><path d="M5 10v10h5v-6h4v6h5V10"/>"#,
        "search" => r#"<circle cx="11" cy="11" r="7"/><path d="M16.5 16.5L21 21"/>"#,
        "swap" => r#"<path d="M4 8h14M14 4l4 4-4 4"/><path d="M20 16H6M10 12l-4 4 4 4"/>"#,
        "clock" => r#"<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 3"/>"#,
        "desk" => r#"<path d="M9 3h6v3H9z"/><path d="M7 4.5H5V21h14V4.5h-2"/><path d="M8.5 11h7M8.5 15h5"/>"#,
        "people" => {
            r#"<circle cx="9" cy="8" r="3.5"/><path d="M3 20c0-3.5 2.7-6 6-6s6 2.5 6 6"/><circle cx="17" cy="9" r="2.5"/><path d="M16.5 14c2.8 0 4.5 2 4.5 5"/>"#
        }
        "refer" => r#"<path d="M10 17l5-5-5-5M15 12H3"/><path d="M14 4h6v16h-6"/>"#,
        "plus" => r#"<path d="M12 5v14M5 12h14"/>"#,
        "bell" => r#"<path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 20a2 2 0 0 0 4 0"/>"#,
        "menu" => r#"<path d="M4 6h16M4 12h16M4 18h16"/>"#,
        _ => r#"<circle cx="12" cy="12" r="2"/>"#,
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
            inner_html=shapes></svg>
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
pub fn SignInPrompt(
    /// The page shows its own `<h1>`: this is a second-level heading under it.
    #[prop(optional)]
    titled: bool,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::platform::request::set_page_status(401);
    // Both ways bring them back here afterwards.
    use crate::components::url::then_back_here;
    let heading = if titled { view! { <h2>"Please sign in"</h2> }.into_any() } else { view! { <h1>"Please sign in"</h1> }.into_any() };
    view! {
        <Title text="Please sign in"/>
        {heading}
        <p>"You need to sign in to see this page."</p>
        <p class="actions">
            <a href=then_back_here("/sign-in") class="button primary">"Sign in"</a>
            <a href=then_back_here("/join") class="button">"New here? Join"</a>
        </p>
    }
}

/// Shows an error that stopped a page loading, with the right status.
#[component]
pub fn PageError(
    error: crate::error::AppError,
    /// The page already shows its own `<h1>`: the error is a second-level heading under it.
    #[prop(optional)]
    titled: bool,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::platform::request::set_page_status(error.status());
    if error == crate::error::AppError::Unauthenticated {
        return view! { <SignInPrompt titled=titled/> }.into_any();
    }
    let title = match error.status() {
        403 => "Not available to you",
        404 => "Not found",
        _ => "Something went wrong",
    };
    let heading = if titled { view! { <h2>{title}</h2> }.into_any() } else { view! { <h1>{title}</h1> }.into_any() };
    view! {
        <Title text=title/>
        {heading}
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
pub fn Loaded<T, V, F>(
    data: Resource<Result<T, crate::error::AppError>>,
    children: F,
    /// The page shows its own `<h1>` above this (an error is then an `<h2>` under it).
    #[prop(optional)]
    titled: bool,
) -> impl IntoView
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
                        Err(error) => view! { <PageError error=error titled=titled/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
