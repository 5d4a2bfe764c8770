//! Progressive enhancement for every POST form on the site.
//!
//! On submit we send the same urlencoded body a plain browser would, with the same
//! `Accept: text/html`, so the server answers exactly as it does without JavaScript: a
//! redirect to the next page, or back to the form with the error and the typed values.
//! We follow that redirect in the background, swap the new page's body in, update the
//! title and the address bar, and move focus to the error summary or the main content so
//! screen readers announce the change. Anything unexpected falls back to a normal submit.

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    DomParser, FormData, Headers, HtmlElement, HtmlFormElement, Request, RequestCredentials, RequestInit, RequestRedirect, Response,
    SubmitEvent, SupportedType, Url, UrlSearchParams,
};

pub fn install() {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let on_submit = Closure::<dyn FnMut(SubmitEvent)>::new(handle_submit);
    let _ = document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    on_submit.forget();
    // Pages we pushed into history hold no state of their own: going back reloads them.
    let on_pop = Closure::<dyn FnMut(web_sys::Event)>::new(|_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let _ = window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
}

fn handle_submit(ev: SubmitEvent) {
    if ev.default_prevented() {
        return;
    }
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
    if !form.method().eq_ignore_ascii_case("post") || form.has_attribute("data-no-enhance") {
        return;
    }
    ev.prevent_default();
    if form.has_attribute("data-busy") {
        return; // a second press while the first is on its way
    }
    let Ok(data) = FormData::new_with_form(&form) else {
        form.submit().ok();
        return;
    };
    if let Some(submitter) = ev.submitter() {
        let name = submitter.get_attribute("name").unwrap_or_default();
        if !name.is_empty() {
            let _ = data.append_with_str(&name, &submitter.get_attribute("value").unwrap_or_default());
        }
    }
    let _ = form.set_attribute("data-busy", "");
    let _ = form.set_attribute("aria-busy", "true");
    spawn_local(async move {
        if send(&form, data).await.is_err() {
            let _ = form.remove_attribute("data-busy");
            // The network or the page failed us: let the browser do a normal submit.
            let _ = form.submit();
        }
    });
}

async fn send(form: &HtmlFormElement, data: FormData) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let body = UrlSearchParams::new_with_str_sequence_sequence(&data)?;
    let headers = Headers::new()?;
    headers.set("Accept", "text/html")?;
    headers.set("Content-Type", "application/x-www-form-urlencoded")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body);
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_redirect(RequestRedirect::Follow);
    // The attribute, not `form.action`: a field named "action" would shadow the property.
    let action = form.get_attribute("action").unwrap_or_default();
    let target = Url::new_with_base(&action, &window.location().href()?)?.href();
    let request = Request::new_with_str_and_init(&target, &init)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await?.dyn_into()?;
    let is_html = response.headers().get("content-type")?.is_some_and(|c| c.starts_with("text/html"));
    if !is_html {
        return Err(JsValue::NULL);
    }
    let html = JsFuture::from(response.text()?).await?.as_string().ok_or(JsValue::NULL)?;
    swap_page(&html, &response.url())
}

fn swap_page(html: &str, url: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let document = window.document().ok_or(JsValue::NULL)?;
    let incoming = DomParser::new()?.parse_from_string(html, SupportedType::TextHtml)?;
    // The address to show: without the error-carrying query Leptos adds.
    let shown = Url::new(url)?;
    shown.search_params().delete("__err");
    shown.search_params().delete("__path");
    shown.search_params().delete("__sig");
    let shown = shown.href();
    // A page with interactive islands needs a real load to hydrate them.
    if incoming.query_selector("leptos-island")?.is_some() {
        return window.location().assign(&shown);
    }
    let new_body = incoming.body().ok_or(JsValue::NULL)?;
    let body = document.body().ok_or(JsValue::NULL)?;
    document.set_title(&incoming.title());
    body.set_inner_html(&new_body.inner_html());
    let history = window.history()?;
    let current = window.location().href()?;
    let same_page = Url::new(&current)?.pathname() == Url::new(&shown)?.pathname();
    if same_page {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&shown))?;
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(&shown))?;
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    let target = document
        .get_element_by_id("error-summary")
        .or_else(|| document.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(t) = target {
        let _ = t.focus();
    }
    Ok(())
}
