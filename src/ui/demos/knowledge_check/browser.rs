//! Answering a check in the browser, and recording it in the learner's
//! progress.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement};

use crate::ui::web::handler;

/// The `localStorage` key of a passed check: `realtime-lab.passed:` then
/// `slug/N`, value `1`. The pages' inline progress script
/// (`ui/components/progress.rs`) counts these keys; keep the two in step.
const PASSED_PREFIX: &str = "realtime-lab.passed:";

/// Answers every check of the page: one `submit` listener on the document,
/// kept for the page's life.
pub fn listen() {
    let on_submit = handler(|event: web_sys::Event| {
        let Some(form) = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            .filter(|form| form.class_name() == "check-form")
        else {
            return;
        };
        event.prevent_default();
        answer(&form);
    });
    let document = leptos::prelude::document();
    let _ = document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    on_submit.forget();
    if let Ok(Some(marker)) = document.query_selector("[data-checks-ready]") {
        let _ = marker.set_attribute("data-hydrated", "true");
    }
}

fn answer(form: &HtmlFormElement) {
    let (Some(check), Some(result)) = (closest(form, ".check"), find(form, ".check-result")) else {
        return;
    };
    let Some(chosen) = find(form, "input:checked").and_then(|input| closest(&input, "li")) else {
        result.set_text_content(Some("Choose an answer first."));
        return;
    };
    // Only the chosen answer's explanation shows.
    if let Some(shown) = find(form, ".check-why:not([hidden])") {
        let _ = shown.set_attribute("hidden", "");
    }
    let why = find(&chosen, ".check-why");
    if let Some(why) = &why {
        let _ = why.remove_attribute("hidden");
    }
    let right = chosen.has_attribute("data-right");
    let _ = check.set_attribute("data-answered", if right { "right" } else { "wrong" });
    let mut said = String::from(if right {
        "Right. "
    } else {
        "Not this one. Try another. "
    });
    said.push_str(&why.and_then(|w| w.text_content()).unwrap_or_default());
    result.set_text_content(Some(&said));
    if right {
        if let Some(number) = check.get_attribute("data-check") {
            record_passed(&number);
        }
    }
}

fn find(within: &Element, selector: &str) -> Option<Element> {
    within.query_selector(selector).ok().flatten()
}

fn closest(from: &Element, selector: &str) -> Option<Element> {
    from.closest(selector).ok().flatten()
}

/// Marks check `number` of this lesson passed.
fn record_passed(number: &str) {
    let window = leptos::prelude::window();
    let Ok(Some(storage)) = window.local_storage() else {
        return; // storage off (private mode, a policy): nothing is kept
    };
    let path = window.location().pathname().unwrap_or_default();
    let Some(slug) = path.strip_prefix("/lessons/") else {
        return;
    };
    let mut key = String::from(PASSED_PREFIX);
    key.push_str(slug);
    key.push('/');
    key.push_str(number);
    // Storage full or refused: the answer still shows, only not kept.
    let _ = storage.set_item(&key, "1");
}
