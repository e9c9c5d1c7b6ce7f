//! What the demo islands share in the browser build: URLs, clocks, `fetch`,
//! and handles that own a browser connection together with its handlers.
//! Dropping a handle closes the connection and detaches every handler
//! before its closure is freed, so a late event never calls freed code.

use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A sentence the server put beside the islands (a demo's frame, hidden,
/// `data-demo-text="key"`), so it is not in the WebAssembly.
pub fn demo_text(key: &str) -> String {
    let selector = format!("[data-demo-text=\"{key}\"]");
    leptos::prelude::document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|text| text.text_content())
        .unwrap_or_default()
}

/// [`demo_text`] with each `{name}` in it replaced by its value.
pub fn demo_text_with(key: &str, values: &[(&str, &str)]) -> String {
    let mut text = demo_text(key);
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The option picked in a `<select>` of faults, as its `value` and its
/// `data-why`; `None` for "as it is" (an empty value).
pub fn chosen_option(event: &web_sys::Event) -> Option<(String, String)> {
    let select = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let option = select.query_selector("option:checked").ok()??;
    let query = option.get_attribute("value").filter(|v| !v.is_empty())?;
    let why = option.get_attribute("data-why").unwrap_or_default();
    Some((query, why))
}

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

/// `POST` `json` to a path of this site; the status and the body as text
/// (the server's words when it refuses), or an error message.
pub async fn post_json(path: &str, json: &str) -> Result<(u16, String), String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(json));
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("content-type", "application/json")
        .map_err(describe)?;
    init.set_headers(&headers);
    fetched(leptos::prelude::window().fetch_with_str_and_init(path, &init)).await
}

/// A wire message as JSON, through the browser's `JSON.stringify` (no
/// serde_json in the bundle).
pub fn to_json<T: serde::Serialize>(message: &T) -> String {
    serde_wasm_bindgen::to_value(message)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .map(String::from)
        .unwrap_or_default()
}

/// `GET` a URL; the body as text, whatever the status, or an error message.
pub async fn get_text(url: &str) -> Result<String, String> {
    let (_, text) = fetched(leptos::prelude::window().fetch_with_str(url)).await?;
    Ok(text)
}

/// A `fetch`'s status and its body as text.
async fn fetched(promise: js_sys::Promise) -> Result<(u16, String), String> {
    use wasm_bindgen_futures::JsFuture;
    let response = JsFuture::from(promise)
        .await
        .map_err(describe)?
        .unchecked_into::<web_sys::Response>();
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

/// Reads `response`'s body chunk by chunk as it arrives, handing `on_text`
/// whole UTF-8 characters only (a character split between two chunks waits
/// for the next). Resolves when the body ends; an aborted fetch is an error
/// whose text holds "abort".
pub async fn read_body_text(
    response: &web_sys::Response,
    mut on_text: impl FnMut(&str),
) -> Result<(), String> {
    use wasm_bindgen_futures::JsFuture;
    let body = response.body().ok_or("the response has no body")?;
    let reader = body
        .get_reader()
        .unchecked_into::<web_sys::ReadableStreamDefaultReader>();
    let mut pending = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(describe)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).map_err(describe)?;
        if done.as_bool() == Some(true) {
            return Ok(());
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(describe)?;
        pending.extend(js_sys::Uint8Array::new(&value).to_vec());
        let valid = match std::str::from_utf8(&pending) {
            Ok(text) => text.len(),
            Err(error) => error.valid_up_to(),
        };
        on_text(&String::from_utf8_lossy(&pending[..valid]));
        pending.drain(..valid);
    }
}

/// Resolves after `ms` milliseconds, on the page's own `setTimeout`.
pub async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let _ = leptos::prelude::window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

/// A JavaScript error as text.
pub fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        // Not `{:?}`: the browser bundle is built without Debug formatting
        // (`-Zfmt-debug=none`, scripts/env.sh), which would print nothing.
        .or_else(|| js_sys::JSON::stringify(&error).ok().map(String::from))
        .unwrap_or_else(|| "unknown error".into())
}

/// Event handlers kept alive as long as the object they listen to.
pub type Handler<E> = Closure<dyn FnMut(E)>;

pub fn handler<E: FromWasmAbi + 'static>(f: impl FnMut(E) + 'static) -> Handler<E> {
    Closure::new(f)
}

/// An `EventSource` with the handlers listening to it.
pub struct EventSourceHandle {
    pub source: web_sys::EventSource,
    listeners: Vec<(&'static str, Handler<web_sys::MessageEvent>)>,
    state_handlers: Vec<Handler<web_sys::Event>>,
}

impl EventSourceHandle {
    pub fn open(url: &str) -> Result<Self, String> {
        Self::open_with(url, false)
    }

    /// `new EventSource(url, { withCredentials })`.
    pub fn open_with(url: &str, with_credentials: bool) -> Result<Self, String> {
        let init = web_sys::EventSourceInit::new();
        init.set_with_credentials(with_credentials);
        let source =
            web_sys::EventSource::new_with_event_source_init_dict(url, &init).map_err(describe)?;
        Ok(EventSourceHandle {
            source,
            listeners: Vec::new(),
            state_handlers: Vec::new(),
        })
    }

    /// Calls `f` for every event named `event` (`event:` in the stream).
    pub fn on(
        &mut self,
        event: &'static str,
        f: impl FnMut(web_sys::MessageEvent) + 'static,
    ) -> Result<(), String> {
        let listener = handler(f);
        self.source
            .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref())
            .map_err(describe)?;
        self.listeners.push((event, listener));
        Ok(())
    }

    pub fn on_open(&mut self, f: impl FnMut(web_sys::Event) + 'static) {
        let on_open = handler(f);
        self.source
            .set_onopen(Some(on_open.as_ref().unchecked_ref()));
        self.state_handlers.push(on_open);
    }

    pub fn on_error(&mut self, f: impl FnMut(web_sys::Event) + 'static) {
        let on_error = handler(f);
        self.source
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.state_handlers.push(on_error);
    }
}

impl Drop for EventSourceHandle {
    fn drop(&mut self) {
        self.source.close();
        self.source.set_onopen(None);
        self.source.set_onerror(None);
        for (event, listener) in &self.listeners {
            let _ = self
                .source
                .remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
    }
}

/// A `WebSocket` with its handlers. Dropping it detaches them and, if the
/// socket is still open, closes it with 1000 and `reason`.
pub struct WebSocketHandle {
    pub socket: web_sys::WebSocket,
    reason: &'static str,
    _message: Option<Handler<web_sys::MessageEvent>>,
    _close: Option<Handler<web_sys::CloseEvent>>,
    _open: Option<Handler<web_sys::Event>>,
}

impl WebSocketHandle {
    /// Opens a socket to a path of this site (`ws:` or `wss:` as the page).
    pub fn open(path: &str, reason: &'static str) -> Result<Self, String> {
        Self::open_url(&websocket_url(path), reason)
    }

    /// Opens a socket to a full `ws:` or `wss:` URL (another origin).
    pub fn open_url(url: &str, reason: &'static str) -> Result<Self, String> {
        Self::open_offering(url, None, reason)
    }

    /// `new WebSocket(url, protocol)` when a subprotocol is offered.
    pub fn open_offering(
        url: &str,
        protocol: Option<&str>,
        reason: &'static str,
    ) -> Result<Self, String> {
        let socket = match protocol {
            Some(protocol) => web_sys::WebSocket::new_with_str(url, protocol),
            None => web_sys::WebSocket::new(url),
        }
        .map_err(describe)?;
        socket.set_binary_type(web_sys::BinaryType::Arraybuffer);
        Ok(WebSocketHandle {
            socket,
            reason,
            _message: None,
            _close: None,
            _open: None,
        })
    }

    pub fn on_message(&mut self, f: impl FnMut(web_sys::MessageEvent) + 'static) {
        let h = handler(f);
        self.socket.set_onmessage(Some(h.as_ref().unchecked_ref()));
        self._message = Some(h);
    }

    pub fn on_close(&mut self, f: impl FnMut(web_sys::CloseEvent) + 'static) {
        let h = handler(f);
        self.socket.set_onclose(Some(h.as_ref().unchecked_ref()));
        self._close = Some(h);
    }

    pub fn on_open(&mut self, f: impl FnMut(web_sys::Event) + 'static) {
        let h = handler(f);
        self.socket.set_onopen(Some(h.as_ref().unchecked_ref()));
        self._open = Some(h);
    }
}

impl Drop for WebSocketHandle {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        if self.socket.ready_state() < web_sys::WebSocket::CLOSING {
            let _ = self.socket.close_with_code_and_reason(1000, self.reason);
        }
    }
}

/// A wire message (JSON text) as its typed struct, parsed by the browser's
/// own `JSON.parse`: serde_json's parser would add about 15 KB (brotli) to
/// every demo that reads one.
pub fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    let value = js_sys::JSON::parse(json).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// Puts `entry` first in a newest-first log and keeps the newest `keep`.
pub fn push_newest<T: Send + Sync + 'static>(
    log: leptos::prelude::RwSignal<Vec<T>>,
    entry: T,
    keep: usize,
) {
    use leptos::prelude::Update;
    log.update(|log| {
        log.insert(0, entry);
        log.truncate(keep);
    });
}

/// Runs `act` each time the island asks through `requests` (a count its
/// button bumps), never when the island starts. What `act` reads is not
/// tracked, so nothing else makes it run again.
pub fn on_request(requests: leptos::prelude::RwSignal<u32>, act: impl Fn() + 'static) {
    use leptos::prelude::{Effect, Get};
    Effect::new(move |_| {
        if requests.get() > 0 {
            leptos::prelude::untrack(&act);
        }
    });
}
