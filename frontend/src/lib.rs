//! The browser side of Timeweave: hydrates Leptos islands and enhances forms.
//!
//! Every page is complete HTML from the server and works without this. When the
//! WebAssembly has loaded, [`enhance`] turns form posts into background requests and swaps
//! in the page the server answers with, so the browser does not reload the page, the CSS or
//! this module. Because it is one small generic piece rather than code per form, the wasm
//! stays the same size however many forms the site grows.

// Link the app so its islands are exported (there are none yet; see app/src/lib.rs).
use app as _;
use wasm_bindgen::prelude::wasm_bindgen;

mod enhance;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    enhance::install();
    // Lets browser tests know the page is live.
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__timeweave_enhanced".into(), &true.into());
    }
}
