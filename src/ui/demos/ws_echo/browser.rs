//! The echo in the browser: one `WebSocket`, the log of what went each
//! way, and round trips timed from the send to the echo.

use leptos::prelude::*;
use std::collections::VecDeque;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::state::{EchoState, LogEntry, Outgoing};
use crate::model::wire::{ECHO_HELLO_PREFIX, PING_STORM_PREFIX};
use crate::ui::demos::widgets::ChosenFault;
use crate::ui::web::{demo_text, describe, now_ms, wall_time, WebSocketHandle};

pub fn attach(state: EchoState) {
    let socket = StoredValue::new_local(None::<WebSocketHandle>);
    // Send times of messages not yet echoed: the echo keeps their order.
    let in_flight = StoredValue::new_local(VecDeque::<f64>::new());
    Effect::new(move |_| {
        state.connect_requests.track();
        state.fault.track(); // a fault picked: a new socket, broken as asked
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
) -> Result<WebSocketHandle, String> {
    let url = state.fault.with_untracked(|fault| echo_url(fault.as_ref()));
    let mut echo = WebSocketHandle::open(&url, "page left")?;
    let greeted = StoredValue::new_local(false);
    state.ready_state.set(echo.socket.ready_state());
    state.closed.set(None);
    let socket = echo.socket.clone();
    echo.on_open(move |_| {
        state.ready_state.set(socket.ready_state());
        state.record(event_entry(
            "open",
            "the handshake succeeded; the socket is open",
        ));
    });
    echo.on_message(move |event: MessageEvent| {
        if !greeted.get_value() {
            greeted.set_value(true);
            let text = event.data().as_string().unwrap_or_default();
            if let Some(how) = text.strip_prefix(ECHO_HELLO_PREFIX) {
                return state.record(event_entry("server", how));
            }
        }
        if let Some(report) = event
            .data()
            .as_string()
            .and_then(|t| t.strip_prefix(PING_STORM_PREFIX).map(String::from))
        {
            return state.record(event_entry("ping storm", &report));
        }
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
    echo.on_close(move |event: CloseEvent| {
        state.ready_state.set(WebSocket::CLOSED);
        let summary = close_summary(&event);
        state.record(event_entry("close", &summary));
        state.closed.set(Some(summary));
    });
    Ok(echo)
}

fn close_summary(event: &CloseEvent) -> String {
    let (code, reason) = (event.code(), event.reason());
    format!(
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
        // In words, from the list the server puts beside the island (`ws_echo::close_codes`).
        demo_text(&format!("close-{code}"))
    )
}

fn send(
    socket: &WebSocket,
    outgoing: Outgoing,
    state: EchoState,
    in_flight: StoredValue<VecDeque<f64>, LocalStorage>,
) {
    let random_bytes = |size: u32| {
        let bytes: Vec<u8> = (0..size)
            .map(|_| (js_sys::Math::random() * 256.0) as u8)
            .collect();
        let result = socket.send_with_u8_array(&bytes);
        ("binary", bytes.len(), hex_preview(&bytes), result)
    };
    let (kind, size, preview, result) = match outgoing {
        Outgoing::Text(text) => (
            "text",
            text.len(),
            text.clone(),
            socket.send_with_str(&text),
        ),
        Outgoing::Binary(size) => random_bytes(size),
        Outgoing::OverLimit => random_bytes(server_limit().saturating_add(1)),
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

/// The server's largest message, as the frame gave it (64 KiB, the
/// server's default, if it is missing).
fn server_limit() -> u32 {
    crate::ui::demos::seam::frame_input::<super::MaxMessage>().map_or(64 * 1024, |limit| limit.0)
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

/// What only the browser does with the echo's state.
impl EchoState {
    pub fn record(&self, entry: LogEntry) {
        crate::ui::web::push_newest(self.log, entry, KEPT_ENTRIES);
    }
}

/// The socket's URL: `?hello` (the server first says how the socket reached
/// it), and `&fault=…` when one is asked for.
fn echo_url(fault: Option<&ChosenFault>) -> String {
    match fault {
        Some(fault) => format!("/api/echo?hello&fault={}", fault.query),
        None => "/api/echo?hello".into(),
    }
}

const KEPT_ENTRIES: usize = 50;
