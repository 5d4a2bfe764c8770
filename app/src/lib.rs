//! Timeweave: a community time bank.
//!
//! This crate holds the whole web application: pages (Leptos components), server functions
//! and, behind the `ssr` feature, the server-only code (storage, sessions, email). It is
//! sliced by feature; `docs/ARCHITECTURE.md` is the map.
//!
//! Built with Leptos islands: every component renders on the server only, and the browser
//! gets WebAssembly just for islands (today there are none; `frontend` adds a small form
//! enhancer). Forms are `ActionForm`s, so every page works with JavaScript off.

#![recursion_limit = "256"]
// A server function takes one argument per form field (HTML forms post by name), so the
// browser-side stubs Leptos generates for long forms have many arguments.
#![allow(clippy::too_many_arguments)]

pub mod audit;
pub mod auth;
pub mod community;
pub mod components;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod directory;
pub mod email;
pub mod error;
pub mod exchanges;
#[cfg(test)]
mod floor_plan;
pub mod home;
pub mod insight;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod joining;
pub mod ledger;
pub mod listings;
pub mod networks;
pub mod notifications;
#[cfg(feature = "ssr")]
pub mod platform;
pub mod professionals;
pub mod profiles;
pub mod push;
pub mod referrals;
pub mod security;
pub mod util;

use components::layout::{NotFound, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around every page. Runs on the server for each request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link id="timeweave" rel="stylesheet" href=stylesheet_href(&options)/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <meta name="theme-color" content="#0b5c4f"/>
                <ServiceWorker/>
                <HydrationScripts options=options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Registers the service worker (`public/sw.js`): on the home screen, the shell and an
/// offline page come from the phone. A few bytes inline, with this response's nonce; with
/// JavaScript off nothing changes.
#[component]
fn ServiceWorker() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! {
        <script nonce=nonce>
            "if('serviceWorker' in navigator){navigator.serviceWorker.register('/sw.js').catch(function(){})}"
        </script>
    }
}

/// The address of the stylesheet, with the content hash cargo-leptos put in its name when
/// the build wrote `hash.txt` beside the binary. Worked out once: leptos_meta's
/// `HashedStylesheet` reads that file on every request.
fn stylesheet_href(options: &LeptosOptions) -> String {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let hash = options
            .hash_files
            .then(|| std::env::current_exe().ok()?.parent().map(|d| d.join(options.hash_file.as_ref())))
            .flatten()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| text.lines().find_map(|l| l.trim().strip_prefix("css:").map(|h| format!(".{}", h.trim()))))
            .unwrap_or_default();
        format!("/{}/{}{hash}.css", options.site_pkg_dir, options.output_name)
    })
    .clone()
}

/// Gives Leptos the nonce the security-headers middleware put in this response's CSP.
#[cfg(feature = "ssr")]
fn provide_csp_nonce() {
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(nonce) = parts.extensions.get::<platform::security::CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
        }
    }
}

/// Every page's `<title>`: the page's own words, escaped, then the site's name.
///
/// leptos_meta writes a title's text into the HTML without escaping it, and titles are made
/// of what people typed (a listing's title, a member's name): escaped here, once, for
/// every page, so `</title>` in a name is shown as text and never ends the element.
pub fn page_title(t: String) -> String {
    if t.is_empty() {
        "Timeweave".to_string()
    } else {
        format!("{} · Timeweave", html_escape::encode_text(&t))
    }
}

/// A band on every page of a demo database: its emails are not sent but shown to anyone.
#[component]
fn DemoBanner() -> impl IntoView {
    // Read without `state()`: the route list is drawn once at start-up with no state.
    #[cfg(feature = "ssr")]
    let demo = use_context::<platform::state::AppState>().is_some_and(|s| s.config.demo);
    #[cfg(not(feature = "ssr"))]
    let demo = false;
    demo.then(|| {
        view! {
            <aside class="demo-banner" aria-label="About this demo">
                <p>
                    "This is a demo: nothing here is real and no email is sent. Everyone can read the emails at "
                    <a href="/outbox">"Emails"</a>"."
                </p>
            </aside>
        }
    })
}

/// The application: header, routes, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=page_title/>
        <Router>
            <a class="skip-link" href="#main">"Skip to main content"</a>
            <DemoBanner/>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("") view=home::pages::Landing ssr=SsrMode::Async/>
                    <Route path=path!("/join") view=joining::pages::JoinPage ssr=SsrMode::Async/>
                    <Route path=path!("/join/check-email") view=auth::pages::CheckEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/confirm-email") view=auth::pages::ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=auth::pages::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view=auth::pages::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password/sent") view=auth::pages::ResetSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=auth::pages::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=profiles::pages::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/code") view=auth::pages::SignInCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/unlock") view=auth::pages::UnlockPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/security") view=security::pages::SecurityEventsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-step") view=auth::pages::TwoStepPage ssr=SsrMode::Async/>
                    <Route path=path!("/home") view=home::pages::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/code-of-conduct") view=home::pages::CodeOfConduct ssr=SsrMode::Async/>
                    <Route path=path!("/offline") view=home::pages::OfflinePage ssr=SsrMode::Async/>
                    <Route path=path!("/community") view=community::pages::BuilderDeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/members") view=networks::pages::MembersPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/members/:id") view=community::pages::MemberRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/join") view=community::pages::AssistedJoinPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/reports/:id") view=community::pages::ReportDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/settings") view=community::pages::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/audit") view=audit::pages::AuditTrailPage ssr=SsrMode::Async/>
                    <Route path=path!("/report") view=community::pages::ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/report/sent") view=community::pages::ReportSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/actions") view=audit::pages::MyAccountActionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/networks") view=community::pages::AdminNetworksPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/members/:id/hours") view=ledger::pages::MemberHoursPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/members/:id/hours/:tool") view=ledger::pages::MemberToolPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/hours") view=ledger::pages::CommunityHoursPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/transfers/:id/reverse") view=ledger::pages::ReversePage ssr=SsrMode::Async/>
                    <Route path=path!("/hours") view=ledger::pages::MyHoursPage ssr=SsrMode::Async/>
                    <Route path=path!("/listings") view=listings::pages::ListingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on") view=directory::pages::WhatsOnPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on/new") view=directory::pages::EntryFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on/print") view=directory::pages::PrintSheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on/:id") view=directory::pages::EntryPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on/:id/edit") view=directory::pages::EntryFormPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on/:id/going") view=directory::pages::GoingPage ssr=SsrMode::Async/>
                    <Route path=path!("/whats-on/organisations/:id") view=directory::pages::OrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/community/whats-on") view=directory::pages::KeeperPage ssr=SsrMode::Async/>
                    <Route path=path!("/listings/new") view=listings::pages::NewListingPage ssr=SsrMode::Async/>
                    <Route path=path!("/listings/:id") view=exchanges::pages::ListingPage ssr=SsrMode::Async/>
                    <Route path=path!("/listings/:id/edit") view=listings::pages::EditListingPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-listings") view=listings::pages::MyListingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/exchanges") view=exchanges::pages::MyExchangesPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=notifications::pages::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/members/:id") view=profiles::pages::ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/exchanges/:id") view=exchanges::pages::ExchangePage ssr=SsrMode::Async/>
                    <Route path=path!("/hours/give") view=ledger::pages::GivePage ssr=SsrMode::Async/>
                    <Route path=path!("/hours/organisations/:id") view=ledger::pages::OrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/outbox") view=email::pages::OutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals") view=referrals::pages::ReferralsPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals/new") view=referrals::pages::NewReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals/new/:step") view=referrals::pages::NewReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals/onward") view=referrals::pages::OnwardInboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals/onward/:id") view=referrals::pages::OnwardPage ssr=SsrMode::Async/>
                    <Route path=path!("/referrals/:id") view=referrals::pages::ReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/wellbeing") view=referrals::pages::WellbeingPage ssr=SsrMode::Async/>
                    <Route path=path!("/refer-yourself") view=referrals::pages::SelfReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/refer-yourself/sent") view=referrals::pages::SelfReferralSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/refer-yourself/:step") view=referrals::pages::SelfReferralPage ssr=SsrMode::Async/>
                    <Route path=path!("/professionals/join") view=professionals::pages::ProfessionalJoinPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/professionals") view=professionals::pages::AdminProfessionalsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/referral-log") view=referrals::pages::ReferralLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/insight") view=insight::pages::InsightPage ssr=SsrMode::Async/>
                    <Route path=path!("/insight/report") view=insight::pages::InsightReportPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"Timeweave · every hour is worth the same · "<a href="/code-of-conduct">"Code of conduct"</a></p>
            </footer>
        </Router>
    }
}
