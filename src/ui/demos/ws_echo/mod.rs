//! The WebSocket echo: the browser's own `WebSocket` on `/api/echo`, a log
//! of every message with its direction, size, time and round trip, and the
//! close code and reason when the socket ends. It never reconnects by
//! itself: that is the lesson. The learner reconnects by hand, or asks the
//! server to break the next socket (`faults.rs`).

use leptos::prelude::*;

use super::markup::Markup;
use super::seam::{frame_html, FrameInput};
use super::widgets::{hydrated_marker, BreakIt};
use state::{ready_state_label, EchoState, Outgoing};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;
mod state;

/// The server's largest message, given by the frame
/// (`data-max-message`), read when the learner sends one byte over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxMessage(pub u32);

impl FrameInput for MaxMessage {
    const ATTRIBUTE: &'static str = "data-max-message";
    const SELECTOR: &'static str = "[data-max-message]";
    fn to_attribute(&self) -> String {
        self.0.to_string()
    }
    fn from_attribute(text: &str) -> Option<Self> {
        text.parse().ok().map(MaxMessage)
    }
}

#[island(lazy)]
pub fn WsEcho() -> impl IntoView {
    let state = EchoState {
        ready_state: RwSignal::new(3),
        text: RwSignal::new("Hello, WebSocket!".into()),
        binary_size: RwSignal::new(1024),
        log: RwSignal::new(Vec::new()),
        closed: RwSignal::new(None),
        connect_requests: RwSignal::new(1),
        fault: RwSignal::new(None),
        disconnect_requests: RwSignal::new(0),
        send_requests: RwSignal::new(None),
    };
    #[cfg(feature = "hydrate")]
    browser::attach(state);

    let open = move || state.ready_state.get() == 1;
    // A new socket, broken as asked.
    view! {
        <div class="echo-demo" data-hydrated=hydrated_marker()>
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
                    on:click=move |_| state.send_requests.set(Some(Outgoing::OverLimit))>
                    "Send one byte over the server's limit"
                </button>
            </div>
            <BreakIt label="Break it (a new socket):" options=frame_html() fault=state.fault />
            <p class="demo-note close-info" role="status">{move || state.closed.get()}</p>
            <MessageLog state />
        </div>
    }
}

/// Every message, newest first, with its round trip.
#[component]
fn MessageLog(state: EchoState) -> impl IntoView {
    // Redrawn whole on every message, as text (see `markup`).
    let entries = move || {
        let mut html = Markup::default();
        for e in state.log.get() {
            let direction = match e.direction {
                "sent" => "↑ sent",
                "received" => "↓ received",
                _ => "• event",
            };
            html.raw("<tr class=\"ws-")
                .text(e.direction)
                .raw("\" data-direction=\"")
                .text(e.direction);
            html.raw("\"><td>")
                .text(&e.at)
                .raw("</td><td>")
                .raw(direction)
                .raw("</td><td>")
                .text(e.kind);
            html.raw("</td><td class=\"num\">")
                .number(e.size as u64)
                .raw(" B</td><td class=\"rtt num\">");
            if let Some(ms) = e.rtt_ms {
                html.text(&super::widgets::format_ms(ms, 1));
            }
            html.raw("</td><td class=\"preview\"><code>")
                .text(&e.preview)
                .raw("</code></td></tr>");
        }
        html.finish()
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Message log">
            <table class="echo-log">
                <caption>"Every message, newest first"</caption>
                <thead><tr><th>"Time"</th><th>"Direction"</th><th>"Type"</th><th>"Size"</th><th>"Round trip"</th><th>"Content"</th></tr></thead>
                <tbody inner_html=entries></tbody>
            </table>
        </div>
    }
}
