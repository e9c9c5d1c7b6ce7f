//! Lesson 8's misbehaving proxy: an event stream and a WebSocket through
//! `/api/proxy/{behaviour}/…`, a real proxy in this server in front of its
//! own clock and echo. The learner picks what the proxy does wrong and
//! whether heartbeats flow, and sees what reaches the page (each tick with
//! the wait before it, the socket's closes), beside the proxy's own log.
//!
//! `buffered-clock` is this island too, started on "buffers". One island
//! for both: every lazy island costs each page with a demo about 1.7 KiB
//! of brotli (its exported hydrate function in the main module, and
//! wasm-split's table), whether or not the page shows it.

use leptos::prelude::*;

use super::markup::Markup;
use super::seam::{frame_html, frame_input, FrameInput};
use super::widgets::{format_ms, hydrated_marker, Toggle};
use crate::model::wire::ProxyBehaviour;
use arrivals::Arrivals;
use state::ProxyState;

mod arrivals;
#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;
mod state;

#[island(lazy)]
pub fn MisbehavingProxy() -> impl IntoView {
    let start = frame_input().unwrap_or(ProxyBehaviour::Behaves);
    let state = ProxyState::new(start);
    #[cfg(feature = "hydrate")]
    browser::attach(state);
    // One handler for the radios (see `frame::choices`); nothing in them
    // changes but what the learner clicks.
    let pick = move |ev: leptos::ev::Event| {
        if let Some(behaviour) = ProxyBehaviour::from_name(&event_target_value(&ev)) {
            state.behaviour.set(behaviour);
        }
    };
    // Redrawn whole when the log changes, as text (see `markup`).
    let log = move || {
        let mut html = Markup::default();
        for line in state.log.get() {
            html.raw("<li>").text(&line).raw("</li>");
        }
        html.finish()
    };
    view! {
        <div class="proxy-demo" data-hydrated=hydrated_marker()
            data-behaviour=move || state.behaviour.get().as_str()>
            <fieldset class="proxy-behaviours" on:change=pick>
                <legend>"What the proxy does"</legend>
                <div class="proxy-choices" inner_html=frame_html()></div>
            </fieldset>
            <div class="demo-controls">
                <Toggle checked=state.heartbeat label="Heartbeat every 2 s" />
            </div>
            <div class="demo-columns">
                <StreamColumn url=state.stream_url arrivals=state.stream />
                <section class="proxy-socket">
                    <h4>"WebSocket"</h4>
                    <p class="hint"><code>{move || state.socket_url.get()}</code></p>
                    <dl class="demo-stats">
                        <div><dt>"Echoed"</dt><dd class="echo-count">{move || state.echoed.get()}</dd></div>
                        <div><dt>"Closes"</dt><dd class="socket-closes">{move || state.socket_closes.get()}</dd></div>
                        <div><dt>"Last close code"</dt><dd class="close-code">{move || state.close_code.get()}</dd></div>
                    </dl>
                    <p class="demo-note socket-status" role="status">{move || state.socket_status.get()}</p>
                </section>
            </div>
            <section class="proxy-log">
                <h4>"The proxy’s log"</h4>
                <ol class="event-log" tabindex="0" aria-label="What the proxy did, oldest first" inner_html=log></ol>
            </section>
        </div>
    }
}

/// The behaviour the demo starts with: the frame's `data-proxy-start`.
impl FrameInput for ProxyBehaviour {
    const ATTRIBUTE: &'static str = "data-proxy-start";
    const SELECTOR: &'static str = "[data-proxy-start]";
    fn to_attribute(&self) -> String {
        self.as_str().into()
    }
    fn from_attribute(text: &str) -> Option<Self> {
        ProxyBehaviour::from_name(text)
    }
}

/// The event stream through the proxy: counts, and the ticks as they came,
/// each with the wait before it.
#[component]
fn StreamColumn(url: RwSignal<String>, arrivals: Arrivals) -> impl IntoView {
    // Redrawn whole on every tick, as text (see `markup`).
    let rows = move || {
        let mut html = Markup::default();
        for a in arrivals.log.get() {
            html.raw("<li data-id=\"")
                .text(&a.id)
                .raw("\"><span class=\"event-id\">tick ");
            html.text(&a.id)
                .raw("</span> <span class=\"event-at\">")
                .text(&a.sent);
            html.raw("</span> <span class=\"event-data\">");
            match a.after_ms {
                Some(ms) => html.raw("+").text(&format_ms(ms, 0)),
                None => html.raw("first"),
            };
            html.raw("</span></li>");
        }
        html.finish()
    };
    view! {
        <section class="proxy-stream">
            <h4>"Event stream"</h4>
            <p class="hint"><code>{move || url.get()}</code></p>
            <dl class="demo-stats">
                <div><dt>"Ticks"</dt><dd class="tick-count">{move || arrivals.ticks.get()}</dd></div>
                <div><dt>"Longest wait"</dt><dd class="longest-wait">{move || format_ms(arrivals.longest_ms.get(), 0)}</dd></div>
                <div><dt>"Arrived in a burst"</dt><dd class="bunched">{move || arrivals.bunched.get()}</dd></div>
                <div><dt>"Connections lost"</dt><dd class="stream-drops">{move || arrivals.drops.get()}</dd></div>
            </dl>
            <p class="demo-note stream-status" role="status">{move || arrivals.status.get()}</p>
            <ol class="event-log" reversed tabindex="0" aria-label="Ticks through the proxy, newest first" inner_html=rows></ol>
        </section>
    }
}
