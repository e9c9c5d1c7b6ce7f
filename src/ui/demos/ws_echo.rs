//! The WebSocket echo: the browser's own `WebSocket` on `/api/echo`, a log
//! of every message with its direction, size, time and round trip, and the
//! close code and reason when the socket ends. It never reconnects by
//! itself: that is the lesson. The learner reconnects by hand.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::api::get_echo_limits;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct LogEntry {
    at: String,
    direction: &'static str,
    kind: &'static str,
    size: usize,
    preview: String,
    rtt_ms: Option<f64>,
}

#[derive(Clone, Copy)]
pub(super) struct EchoState {
    ready_state: RwSignal<u16>,
    text: RwSignal<String>,
    binary_size: RwSignal<u32>,
    log: RwSignal<Vec<LogEntry>>,
    closed: RwSignal<Option<String>>,
    connect_requests: RwSignal<u32>,
    disconnect_requests: RwSignal<u32>,
    send_requests: RwSignal<Option<Outgoing>>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Outgoing {
    Text(String),
    Binary(u32),
}

const KEPT_ENTRIES: usize = 50;

impl EchoState {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn record(&self, entry: LogEntry) {
        super::push_newest(self.log, entry, KEPT_ENTRIES);
    }
}

fn ready_state_label(state: u16) -> &'static str {
    match state {
        0 => "CONNECTING",
        1 => "OPEN",
        2 => "CLOSING",
        _ => "CLOSED",
    }
}

#[component]
pub fn WsEcho() -> impl IntoView {
    let state = EchoState {
        ready_state: RwSignal::new(3),
        text: RwSignal::new("Hello, WebSocket!".into()),
        binary_size: RwSignal::new(1024),
        log: RwSignal::new(Vec::new()),
        closed: RwSignal::new(None),
        connect_requests: RwSignal::new(1),
        disconnect_requests: RwSignal::new(0),
        send_requests: RwSignal::new(None),
    };
    // The server's limit, asked once from the browser (the default until then).
    let max_message = RwSignal::new(64 * 1024u32);
    #[cfg(feature = "hydrate")]
    {
        leptos::task::spawn_local(async move {
            if let Ok(limits) = get_echo_limits().await {
                max_message.set(limits.max_message as u32);
            }
        });
        browser::attach(state);
    }

    let open = move || state.ready_state.get() == 1;
    let too_big = move || max_message.get_untracked() + 1;
    let entries = move || {
        state
            .log
            .get()
            .into_iter()
            .map(|e| {
                let rtt = e.rtt_ms.map(|ms| format!("{ms:.1} ms"));
                view! {
                    <tr class=format!("ws-{}", e.direction) data-direction=e.direction>
                        <td>{e.at}</td>
                        <td>{match e.direction { "sent" => "↑ sent", "received" => "↓ received", _ => "• event" }}</td>
                        <td>{e.kind}</td>
                        <td class="num">{e.size} " B"</td>
                        <td class="rtt num">{rtt}</td>
                        <td class="preview"><code>{e.preview}</code></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="echo-demo">
            <div class="demo-controls">
                <span class=move || format!("ready-state ready-state-{}", state.ready_state.get())>
                    "readyState " {move || state.ready_state.get()} " " {move || ready_state_label(state.ready_state.get())}
                </span>
                <button class="button" disabled=move || state.ready_state.get() < 2
                    on:click=move |_| state.connect_requests.update(|n| *n += 1)>
                    {move || if state.connect_requests.get() > 1 || state.closed.get().is_some() { "Reconnect" } else { "Connect" }}
                </button>
                <button class="button secondary" disabled=move || !open()
                    on:click=move |_| state.disconnect_requests.update(|n| *n += 1)>
                    "Disconnect (1000)"
                </button>
            </div>
            <form class="echo-send" on:submit=move |ev| {
                ev.prevent_default();
                state.send_requests.set(Some(Outgoing::Text(state.text.get_untracked())));
            }>
                <label for="echo-text">"Text message"</label>
                <input id="echo-text" type="text" prop:value=move || state.text.get()
                    on:input=move |ev| state.text.set(event_target_value(&ev)) />
                <button class="button" type="submit" disabled=move || !open()>"Send text"</button>
            </form>
            <div class="echo-send">
                <label for="echo-binary">"Binary message, bytes"</label>
                <input id="echo-binary" type="number" min="1" max="1048576"
                    prop:value=move || state.binary_size.get().to_string()
                    on:input=move |ev| state.binary_size.set(event_target_value(&ev).parse().unwrap_or(1)) />
                <button class="button" disabled=move || !open()
                    on:click=move |_| state.send_requests.set(Some(Outgoing::Binary(state.binary_size.get_untracked())))>
                    "Send random bytes"
                </button>
                <button class="button secondary" disabled=move || !open()
                    on:click=move |_| state.send_requests.set(Some(Outgoing::Binary(too_big())))>
                    "Send one byte over the server's limit"
                </button>
            </div>
            <p class="demo-note close-info" role="status">{move || state.closed.get()}</p>
            <div class="table-scroll">
                <table class="echo-log">
                    <caption>"Every message, newest first"</caption>
                    <thead><tr><th>"Time"</th><th>"Direction"</th><th>"Type"</th><th>"Size"</th><th>"Round trip"</th><th>"Content"</th></tr></thead>
                    <tbody>{entries}</tbody>
                </table>
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use std::collections::VecDeque;
    use wasm_bindgen::JsCast;
    use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

    use super::{EchoState, LogEntry, Outgoing};
    use crate::ui::demos::browser::{describe, handler, now_ms, wall_time, websocket_url, Handler};

    /// An open socket and its handlers; closed (1001, going away) when dropped.
    struct Socket {
        socket: WebSocket,
        _on_message: Handler<MessageEvent>,
        _on_close: Handler<CloseEvent>,
        _on_open: Handler<web_sys::Event>,
    }

    impl Drop for Socket {
        // Detach the handlers before the closures are freed: the close
        // event of this socket arrives later, when nobody listens any more.
        fn drop(&mut self) {
            self.socket.set_onopen(None);
            self.socket.set_onmessage(None);
            self.socket.set_onclose(None);
            if self.socket.ready_state() < 2 {
                let _ = self.socket.close_with_code_and_reason(1000, "page left");
            }
        }
    }

    pub fn attach(state: EchoState) {
        let socket = StoredValue::new_local(None::<Socket>);
        // Send times of messages not yet echoed: the echo keeps their order.
        let in_flight = StoredValue::new_local(VecDeque::<f64>::new());
        Effect::new(move |_| {
            state.connect_requests.track();
            socket.set_value(None);
            in_flight.update_value(|q| q.clear());
            match open(state, in_flight) {
                Ok(opened) => socket.set_value(Some(opened)),
                Err(error) => state
                    .closed
                    .set(Some(format!("Could not open the socket: {error}"))),
            }
        });
        Effect::new(move |previous: Option<u32>| {
            let requests = state.disconnect_requests.get();
            if previous.is_some_and(|p| p != requests) {
                socket.with_value(|s| {
                    if let Some(s) = s {
                        let _ = s
                            .socket
                            .close_with_code_and_reason(1000, "bye from the page");
                        state.ready_state.set(s.socket.ready_state());
                    }
                });
            }
            requests
        });
        Effect::new(move |_| {
            let Some(outgoing) = state.send_requests.get() else {
                return;
            };
            socket.with_value(|s| {
                if let Some(s) = s {
                    send(&s.socket, outgoing, state, in_flight);
                }
            });
        });
        on_cleanup(move || socket.set_value(None));
    }

    fn open(
        state: EchoState,
        in_flight: StoredValue<VecDeque<f64>, LocalStorage>,
    ) -> Result<Socket, String> {
        let socket = WebSocket::new(&websocket_url("/api/echo")).map_err(describe)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        state.ready_state.set(socket.ready_state());
        state.closed.set(None);
        let on_open = {
            let socket = socket.clone();
            handler(move |_: web_sys::Event| {
                state.ready_state.set(socket.ready_state());
                state.record(event_entry(
                    "open",
                    "the server answered 101; the socket is open",
                ));
            })
        };
        let on_message = handler(move |event: MessageEvent| {
            let sent_at = in_flight.try_update_value(|q| q.pop_front()).flatten();
            let rtt_ms = sent_at.map(|t| now_ms() - t);
            let data = event.data();
            let (kind, size, preview) = match data.as_string() {
                Some(text) => ("text", text.len(), text),
                None => {
                    let bytes = js_sys::Uint8Array::new(&data).to_vec();
                    ("binary", bytes.len(), hex_preview(&bytes))
                }
            };
            state.record(LogEntry {
                at: wall_time(),
                direction: "received",
                kind,
                size,
                preview,
                rtt_ms,
            });
        });
        let on_close = handler(move |event: CloseEvent| {
            state.ready_state.set(3);
            let (code, reason) = (event.code(), event.reason());
            let summary = format!(
                "Closed with code {code}{}{}. {}",
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(", reason “{reason}”")
                },
                if event.was_clean() {
                    " (clean close handshake)"
                } else {
                    " (no close handshake)"
                },
                close_meaning(code)
            );
            state.record(event_entry("close", &summary));
            state.closed.set(Some(summary));
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Socket {
            socket,
            _on_message: on_message,
            _on_close: on_close,
            _on_open: on_open,
        })
    }

    fn send(
        socket: &WebSocket,
        outgoing: Outgoing,
        state: EchoState,
        in_flight: StoredValue<VecDeque<f64>, LocalStorage>,
    ) {
        let (kind, size, preview, result) = match outgoing {
            Outgoing::Text(text) => (
                "text",
                text.len(),
                text.clone(),
                socket.send_with_str(&text),
            ),
            Outgoing::Binary(size) => {
                let bytes: Vec<u8> = (0..size)
                    .map(|_| (js_sys::Math::random() * 256.0) as u8)
                    .collect();
                let result = socket.send_with_u8_array(&bytes);
                ("binary", bytes.len(), hex_preview(&bytes), result)
            }
        };
        match result {
            Ok(()) => {
                in_flight.update_value(|q| q.push_back(now_ms()));
                state.record(LogEntry {
                    at: wall_time(),
                    direction: "sent",
                    kind,
                    size,
                    preview,
                    rtt_ms: None,
                });
            }
            Err(error) => state.record(event_entry("error", &describe(error))),
        }
    }

    fn event_entry(kind: &'static str, text: &str) -> LogEntry {
        LogEntry {
            at: wall_time(),
            direction: "event",
            kind,
            size: 0,
            preview: text.into(),
            rtt_ms: None,
        }
    }

    fn hex_preview(bytes: &[u8]) -> String {
        let shown: Vec<String> = bytes.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!(
            "{}{}",
            shown.join(" "),
            if bytes.len() > 12 { " …" } else { "" }
        )
    }

    fn close_meaning(code: u16) -> &'static str {
        match code {
            1000 => "1000 is a normal closure.",
            1001 => "1001 means going away: here, the server closed an idle socket.",
            1006 => "1006 is never sent: the connection dropped without a close frame. Reconnect by hand.",
            1007 => "1007 means the payload was invalid, such as text that is not UTF-8.",
            1008 => "1008 is a policy violation.",
            1009 => "1009 means the message was too big for the server.",
            1011 => "1011 means the server hit an unexpected error.",
            _ => "",
        }
    }
}
