//! Small page helpers for the room: the tab's `sessionStorage`, and
//! elements of the strip found, filled in, shown or hidden.

use wasm_bindgen::JsValue;
use web_sys::Element;

pub(super) fn session_get(key: &str) -> Option<String> {
    let storage = leptos::prelude::window().session_storage().ok().flatten()?;
    storage.get_item(key).ok().flatten()
}

pub(super) fn session_set(key: &str, value: &str) {
    if let Ok(Some(storage)) = leptos::prelude::window().session_storage() {
        let _ = storage.set_item(key, value);
    }
}

pub(super) fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

pub(super) fn say(root: &Element, selector: &str, text: &str) {
    if let Some(element) = find(root, selector) {
        element.set_text_content(Some(text));
    }
}

pub(super) fn set_hidden(root: &Element, selector: &str, hidden: bool) {
    if let Some(element) = find(root, selector) {
        let _ = if hidden {
            element.set_attribute("hidden", "")
        } else {
            element.remove_attribute("hidden")
        };
    }
}

pub(super) fn set_checked(root: &Element, selector: &str, checked: bool) {
    if let Some(input) = find(root, selector) {
        let _ = js_sys::Reflect::set(
            &input,
            &JsValue::from_str("checked"),
            &JsValue::from_bool(checked),
        );
    }
}

pub(super) fn scroll_to(section: &str) {
    let document = leptos::prelude::document();
    match document
        .get_element_by_id(section)
        .filter(|_| !section.is_empty())
    {
        Some(heading) => heading.scroll_into_view(),
        None => leptos::prelude::window().scroll_to_with_x_and_y(0.0, 0.0),
    }
}
