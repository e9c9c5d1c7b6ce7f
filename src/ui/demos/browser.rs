//! Small helpers the demos share in the browser build.

use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `ws://` or `wss://` URL of a path on this site, following the page's scheme.
pub fn websocket_url(path: &str) -> String {
    let location = leptos::prelude::window().location();
    let secure = location.protocol().unwrap_or_default() == "https:";
    let host = location.host().unwrap_or_default();
    format!("{}://{host}{path}", if secure { "wss" } else { "ws" })
}

/// Milliseconds since the page loaded, with sub-millisecond precision.
pub fn now_ms() -> f64 {
    leptos::prelude::window()
        .performance()
        .map(|p| p.now())
        .unwrap_or_default()
}

/// The wall-clock time as `HH:MM:SS.mmm`, for logs.
pub fn wall_time() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        date.get_milliseconds()
    )
}

/// `POST` to a path of this site; the status, or an error message.
pub async fn post(path: &str) -> Result<u16, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let promise = leptos::prelude::window().fetch_with_str_and_init(path, &init);
    let response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(describe)?;
    Ok(response.unchecked_into::<web_sys::Response>().status())
}

/// A JavaScript error as text.
pub fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Event handlers kept alive as long as the object they listen to.
pub type Handler<E> = Closure<dyn FnMut(E)>;

pub fn handler<E: FromWasmAbi + 'static>(f: impl FnMut(E) + 'static) -> Handler<E> {
    Closure::new(f)
}
