//! Answering a scenario: the chosen option's reasoning, copied into the
//! scenario's live region so that a screen reader reads it out.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::ui::web::handler;

/// Listens on the demo's frame (one per page), found beside the marker.
pub fn attach() {
    let document = leptos::prelude::document();
    let (Ok(Some(frame)), Ok(Some(marker))) = (
        document.query_selector("[data-fits]"),
        document.query_selector("[data-fits-ready]"),
    ) else {
        return;
    };
    let on_change = handler(|event: web_sys::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let (Ok(Some(option)), Ok(Some(scenario))) =
            (input.closest("li"), input.closest("fieldset"))
        else {
            return;
        };
        let (Ok(Some(why)), Ok(Some(result))) = (
            option.query_selector("[data-why]"),
            scenario.query_selector("[data-fits-result]"),
        ) else {
            return;
        };
        result.set_inner_html(&why.inner_html());
        if let Some(verdict) = why.get_attribute("data-verdict") {
            let _ = result.set_attribute("data-verdict", &verdict);
        }
    });
    let _ = frame.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_change.forget();
    let _ = marker.set_attribute("data-hydrated", "true");
}
