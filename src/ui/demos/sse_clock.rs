//! The SSE clock: the browser's own `EventSource` on `/api/clock`, the raw
//! bytes of the same stream read with `fetch`, and a control that makes the
//! server drop the connection so the learner watches the reconnect and the
//! resume with `Last-Event-ID`.

use leptos::prelude::*;

use crate::ui::components::Toggle;

/// One event as `EventSource` delivered it.
#[derive(Clone, Debug, PartialEq)]
struct Parsed {
    at: String,
    kind: String,
    id: String,
    data: String,
}

#[derive(Clone, Copy)]
struct ClockState {
    running: RwSignal<bool>,
    show_raw: RwSignal<bool>,
    ready_state: RwSignal<u16>,
    time: RwSignal<String>,
    last_id: RwSignal<String>,
    ticks: RwSignal<u32>,
    connections: RwSignal<u32>,
    stream: RwSignal<Option<u64>>,
    events: RwSignal<Vec<Parsed>>,
    raw: RwSignal<String>,
    note: RwSignal<String>,
}

const KEPT_EVENTS: usize = 60;

impl ClockState {
    fn new() -> Self {
        ClockState {
            running: RwSignal::new(true),
            show_raw: RwSignal::new(true),
            ready_state: RwSignal::new(0),
            time: RwSignal::new("--:--:--".into()),
            last_id: RwSignal::new(String::new()),
            ticks: RwSignal::new(0),
            connections: RwSignal::new(0),
            stream: RwSignal::new(None),
            events: RwSignal::new(Vec::new()),
            raw: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn record(&self, at: String, kind: &str, id: String, data: String) {
        let entry = Parsed {
            at,
            kind: kind.into(),
            id,
            data,
        };
        super::push_newest(self.events, entry, KEPT_EVENTS);
    }
}

fn ready_state_label(state: u16) -> &'static str {
    match state {
        0 => "CONNECTING",
        1 => "OPEN",
        _ => "CLOSED",
    }
}

#[component]
pub fn SseClock() -> impl IntoView {
    let state = ClockState::new();
    let raw_view = NodeRef::<leptos::html::Pre>::new();
    #[cfg(feature = "hydrate")]
    browser::attach(state, raw_view);

    let drop_connection = move |_| {
        #[cfg(feature = "hydrate")]
        browser::drop_stream(state);
    };
    let events = move || {
        state
            .events
            .get()
            .into_iter()
            .map(|e| {
                let (class, kind, id) = (format!("event event-{}", e.kind), e.kind.clone(), e.id.clone());
                view! {
                    <li class=class data-kind=kind data-id=id>
                        <span class="event-at">{e.at}</span>
                        <code class="event-kind">{e.kind}</code>
                        <span class="event-id">{(!e.id.is_empty()).then(|| format!("id {}", e.id))}</span>
                        <span class="event-data">{e.data}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="clock-demo">
            <div class="clock-face">
                <time class="clock-time" aria-live="off">{move || state.time.get()}</time>
                <span class=move || format!("ready-state ready-state-{}", state.ready_state.get())>
                    "readyState " {move || state.ready_state.get()} " "
                    {move || ready_state_label(state.ready_state.get())}
                </span>
            </div>
            <dl class="demo-stats">
                <div><dt>"Ticks received"</dt><dd class="tick-count">{move || state.ticks.get()}</dd></div>
                <div><dt>"Last event ID"</dt><dd class="last-id">{move || state.last_id.get()}</dd></div>
                <div><dt>"Connections"</dt><dd class="connection-count">{move || state.connections.get()}</dd></div>
            </dl>
            <div class="demo-controls">
                <button class="button" on:click=move |_| state.running.update(|r| *r = !*r)>
                    {move || if state.running.get() { "Stop" } else { "Start" }}
                </button>
                <button
                    class="button secondary"
                    disabled=move || state.stream.get().is_none() || state.ready_state.get() != 1
                    on:click=drop_connection
                >
                    "Make the server drop this connection"
                </button>
                <Toggle checked=state.show_raw label="Show the raw stream" />
            </div>
            <p class="demo-note" role="status">{move || state.note.get()}</p>
            <div class="demo-columns">
                <section class="raw-stream" class:hidden=move || !state.show_raw.get()>
                    <h4>"Raw bytes, read with " <code>"fetch()"</code></h4>
                    <p class="hint">"A second connection to the same URL, read chunk by chunk."</p>
                    <pre class="raw-bytes" tabindex="0" node_ref=raw_view>{move || state.raw.get()}</pre>
                </section>
                <section class="parsed-events">
                    <h4>"Events, as " <code>"EventSource"</code> " parsed them"</h4>
                    <p class="hint">"Newest first. " <code>"hello"</code> " opens each connection."</p>
                    <ol class="event-log" reversed>{events}</ol>
                </section>
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use wasm_bindgen::JsCast;
    use web_sys::{AbortController, MessageEvent};

    use super::ClockState;

    /// The raw view keeps the newest bytes only.
    const KEPT_RAW_BYTES: usize = 4000;
    use crate::model::wire::ClockHello;
    use crate::ui::demos::browser::{describe, post, wall_time, EventSourceHandle};

    pub fn attach(state: ClockState, raw_view: NodeRef<leptos::html::Pre>) {
        // Keep the newest bytes in view as they arrive.
        Effect::new(move |_| {
            state.raw.track();
            if let Some(pre) = raw_view.get() {
                pre.set_scroll_top(pre.scroll_height());
            }
        });
        let connection = StoredValue::new_local(None::<EventSourceHandle>);
        let raw_reader = StoredValue::new_local(None::<AbortController>);
        Effect::new(move |_| {
            let running = state.running.get();
            connection.set_value(None);
            if running {
                match open(state) {
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
            if let Some(controller) = raw_reader.get_value() {
                controller.abort();
            }
            raw_reader.set_value(wanted.then(|| read_raw(state)).flatten());
        });
        on_cleanup(move || {
            connection.set_value(None);
            if let Some(controller) = raw_reader.get_value() {
                controller.abort();
            }
        });
    }

    fn open(state: ClockState) -> Result<EventSourceHandle, String> {
        let mut clock = EventSourceHandle::open("/api/clock")?;
        state.ready_state.set(clock.source.ready_state());
        clock.on("hello", move |event: MessageEvent| {
            let data = event.data().as_string().unwrap_or_default();
            if let Ok(hello) = serde_json::from_str::<ClockHello>(&data) {
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
                format!(
                    "The connection ended. EventSource reconnects by itself and will send Last-Event-ID: {}.",
                    state.last_id.get_untracked()
                )
            } else {
                "The browser gave up: EventSource stays CLOSED after a non-200 answer.".into()
            });
        });
        Ok(clock)
    }

    pub fn drop_stream(state: ClockState) {
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

    /// Reads `/api/clock` with `fetch` and shows its bytes as they arrive.
    fn read_raw(state: ClockState) -> Option<AbortController> {
        let controller = AbortController::new().ok()?;
        let signal = controller.signal();
        state.raw.set(String::new());
        spawn_local(async move {
            if let Err(error) = pump_raw(state, signal).await {
                if !error.contains("abort") {
                    state.raw.update(|raw| {
                        raw.push_str(&format!("\n[the raw stream stopped: {error}]\n"))
                    });
                }
            }
        });
        Some(controller)
    }

    async fn pump_raw(state: ClockState, signal: web_sys::AbortSignal) -> Result<(), String> {
        use wasm_bindgen_futures::JsFuture;
        let init = web_sys::RequestInit::new();
        init.set_signal(Some(&signal));
        let headers = web_sys::Headers::new().map_err(describe)?;
        headers
            .set("accept", "text/event-stream")
            .map_err(describe)?;
        init.set_headers(&headers);
        let response = JsFuture::from(window().fetch_with_str_and_init("/api/clock", &init))
            .await
            .map_err(describe)?
            .unchecked_into::<web_sys::Response>();
        let body = response.body().ok_or("the response has no body")?;
        let reader = body
            .get_reader()
            .unchecked_into::<web_sys::ReadableStreamDefaultReader>();
        let mut pending = Vec::new();
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(describe)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into()).map_err(describe)?;
            if done.as_bool() == Some(true) {
                state.raw.update(|raw| raw.push_str("\n[end of body]\n"));
                return Ok(());
            }
            let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(describe)?;
            pending.extend(js_sys::Uint8Array::new(&value).to_vec());
            // Show only whole UTF-8 characters; keep a split one for the next chunk.
            let valid = match std::str::from_utf8(&pending) {
                Ok(text) => text.len(),
                Err(error) => error.valid_up_to(),
            };
            let text: String = String::from_utf8_lossy(&pending[..valid]).into_owned();
            pending.drain(..valid);
            state.raw.update(|raw| {
                raw.push_str(&text);
                if raw.len() > KEPT_RAW_BYTES {
                    let cut = raw.len() - KEPT_RAW_BYTES;
                    let cut = (cut..raw.len())
                        .find(|&i| raw.is_char_boundary(i))
                        .unwrap_or(raw.len());
                    raw.drain(..cut);
                }
            });
        }
    }
}
