//! The clock in the browser: the `EventSource`, the raw `fetch` reader,
//! and the request that makes the server drop this stream.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, MessageEvent};

use super::state::{ClockState, Parsed};
use crate::ui::demos::widgets::ChosenFault;

use crate::model::wire::ClockHello;
use crate::ui::web::{
    demo_text, describe, on_request, parse, post, read_body_text, wall_time, EventSourceHandle,
};

/// The raw view keeps the newest bytes only.
const KEPT_RAW_BYTES: usize = 4000;

pub fn attach(state: ClockState, raw_view: NodeRef<leptos::html::Pre>) {
    on_request(state.drop_requests, move || drop_stream(state));
    // Keep the newest bytes in view as they arrive.
    // Reading `scrollHeight` lays the page out there and then, so only
    // when there are bytes to show: not while hydrating, when the view is
    // empty and a layout of the whole page would land in the island's task.
    Effect::new(move |_| {
        let shown = state.raw.with(|raw| !raw.is_empty());
        if let Some(pre) = raw_view.get().filter(|_| shown) {
            pre.set_scroll_top(pre.scroll_height());
        }
    });
    let connection = StoredValue::new_local(None::<EventSourceHandle>);
    let raw_reader = StoredValue::new_local(None::<AbortController>);
    Effect::new(move |_| {
        let running = state.running.get();
        let url = state.fault.with(|fault| clock_url(fault.as_ref()));
        connection.set_value(None);
        if running {
            match open(state, &url) {
                Ok(open) => connection.set_value(Some(open)),
                Err(error) => state
                    .note
                    .set(format!("Could not open the stream: {error}")),
            }
        } else {
            state.ready_state.set(2);
            state.stream.set(None);
            state.note.set(
                "Stopped: source.close() was called, so the browser will not reconnect.".into(),
            );
        }
    });
    Effect::new(move |_| {
        let wanted = state.running.get() && state.show_raw.get();
        let url = state.fault.with(|fault| clock_url(fault.as_ref()));
        if let Some(controller) = raw_reader.get_value() {
            controller.abort();
        }
        raw_reader.set_value(wanted.then(|| read_raw(state, url)).flatten());
    });
    // Picking a fault (or the clock as it is) starts a stopped clock.
    Effect::new(move |previous: Option<()>| {
        state.fault.track();
        if previous.is_some() {
            state.running.set(true);
        }
    });
    on_cleanup(move || {
        connection.set_value(None);
        if let Some(controller) = raw_reader.get_value() {
            controller.abort();
        }
    });
}

fn open(state: ClockState, url: &str) -> Result<EventSourceHandle, String> {
    let mut clock = EventSourceHandle::open(url)?;
    state.ready_state.set(clock.source.ready_state());
    // A new EventSource starts with no last event ID.
    state.last_id.set(String::new());
    clock.on("hello", move |event: MessageEvent| {
        let data = event.data().as_string().unwrap_or_default();
        if let Some(hello) = parse::<ClockHello>(&data) {
            state.stream.set(Some(hello.stream));
            state.connections.update(|n| *n += 1);
            state.note.set(match hello.resumed_after {
                Some(id) => format!(
                    "Reconnected. The browser sent Last-Event-ID: {id}; the server replayed {} missed tick{}{}.",
                    hello.replayed,
                    if hello.replayed == 1 { "" } else { "s" },
                    if hello.lost > 0 { format!(" and {} were lost", hello.lost) } else { String::new() },
                ),
                None => "Connected: a new stream, so the server sent the current tick at once.".into(),
            });
        }
        state.record(wall_time(), "hello", String::new(), data);
    })?;
    clock.on("tick", move |event: MessageEvent| {
        let time = event.data().as_string().unwrap_or_default();
        let id = event.last_event_id();
        state
            .time
            .set(time.get(11..19).unwrap_or(&time).to_string());
        state.last_id.set(id.clone());
        state.ticks.update(|n| *n += 1);
        state.record(wall_time(), "tick", id, time);
    })?;
    clock.on("gap", move |event: MessageEvent| {
        let data = event.data().as_string().unwrap_or_default();
        state.record(wall_time(), "gap", String::new(), data);
    })?;
    let source = clock.source.clone();
    clock.on_open(move |_| state.ready_state.set(source.ready_state()));
    let source = clock.source.clone();
    clock.on_error(move |_| {
        let ready_state = source.ready_state();
        state.ready_state.set(ready_state);
        state.record(wall_time(), "error", String::new(), format!("readyState is now {ready_state}"));
        state.note.set(if ready_state == 0 {
            let last_id = state.last_id.get_untracked();
            if last_id.is_empty() {
                "The connection ended. EventSource reconnects by itself, with no Last-Event-ID: \
                 no id: has arrived on this EventSource."
                    .into()
            } else {
                format!(
                    "The connection ended. EventSource reconnects by itself and will send Last-Event-ID: {last_id}."
                )
            }
        } else if state.fault.with_untracked(Option::is_some) {
            "The browser gave up: readyState is 2 (CLOSED), and EventSource will not reconnect."
                .into()
        } else {
            // Said by the page beside the island (`DemoFrame`), not the WebAssembly.
            demo_text("clock-gave-up")
        });
    });
    Ok(clock)
}

fn drop_stream(state: ClockState) {
    let Some(stream) = state.stream.get_untracked() else {
        return;
    };
    spawn_local(async move {
        let path = format!("/api/clock/streams/{stream}/drop");
        match post(&path).await {
            Ok(204) => state
                .note
                .set("The server ended the response. Watch readyState…".into()),
            Ok(status) => state.note.set(format!(
                "The server answered {status}: that stream is already gone."
            )),
            Err(error) => state
                .note
                .set(format!("Could not reach the server: {error}")),
        }
    });
}

/// Reads the stream at `url` with `fetch` and shows its bytes as they arrive.
fn read_raw(state: ClockState, url: String) -> Option<AbortController> {
    let controller = AbortController::new().ok()?;
    let signal = controller.signal();
    state.raw.set(String::new());
    spawn_local(async move {
        if let Err(error) = pump_raw(state, &url, signal).await {
            if !error.contains("abort") {
                state
                    .raw
                    .update(|raw| raw.push_str(&format!("\n[the raw stream stopped: {error}]\n")));
            }
        }
    });
    Some(controller)
}

async fn pump_raw(
    state: ClockState,
    url: &str,
    signal: web_sys::AbortSignal,
) -> Result<(), String> {
    use wasm_bindgen_futures::JsFuture;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&signal));
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("accept", "text/event-stream")
        .map_err(describe)?;
    init.set_headers(&headers);
    // Low priority, as the second view of a stream the page already has: a
    // `fetch` that never ends at the default (high) priority looks, to
    // tools that wait for the network to settle (Lighthouse), like a page
    // still loading. web-sys's `RequestInit` has no setter for it yet.
    let _ = js_sys::Reflect::set(&init, &"priority".into(), &"low".into());
    let response = JsFuture::from(window().fetch_with_str_and_init(url, &init))
        .await
        .map_err(describe)?
        .unchecked_into::<web_sys::Response>();
    read_body_text(&response, |text| {
        state.raw.update(|raw| {
            raw.push_str(text);
            if raw.len() > KEPT_RAW_BYTES {
                let cut = raw.len() - KEPT_RAW_BYTES;
                let cut = (cut..raw.len())
                    .find(|&i| raw.is_char_boundary(i))
                    .unwrap_or(raw.len());
                raw.drain(..cut);
            }
        });
    })
    .await?;
    state.raw.update(|raw| raw.push_str("\n[end of body]\n"));
    Ok(())
}

/// What only the browser does with the clock's state.
impl ClockState {
    pub fn record(&self, at: String, kind: &str, id: String, data: String) {
        let entry = Parsed {
            at,
            kind: kind.into(),
            id,
            data,
        };
        crate::ui::web::push_newest(self.events, entry, KEPT_EVENTS);
    }
}

/// The stream's URL: `/api/clock`, with `?fault=…` when one is asked for.
fn clock_url(fault: Option<&ChosenFault>) -> String {
    match fault {
        Some(fault) => format!("/api/clock?fault={}", fault.query),
        None => "/api/clock".into(),
    }
}

const KEPT_EVENTS: usize = 60;
