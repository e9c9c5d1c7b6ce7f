//! The SSE clock: the browser's own `EventSource` on `/api/clock`, the raw
//! bytes of the same stream read with `fetch`, a control that makes the
//! server drop the connection so the learner watches the reconnect and the
//! resume with `Last-Event-ID`, and "break it": the same stream asked to
//! misbehave (`frame/faults.rs`), with one sentence on why the browser reacts as
//! it does.

use leptos::prelude::*;

use super::markup::Markup;
use super::seam::frame_html;
use super::widgets::{hydrated_marker, BreakIt, Toggle};
use state::{ready_state_label, ClockState};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;
mod state;

#[island(lazy)]
pub fn SseClock() -> impl IntoView {
    let state = ClockState::new();
    let raw_view = NodeRef::<leptos::html::Pre>::new();
    #[cfg(feature = "hydrate")]
    browser::attach(state, raw_view);

    let drop_connection = move |_| state.drop_requests.update(|n| *n += 1);
    // Redrawn whole on every event, as text (see `markup`).
    let events = move || {
        let mut html = Markup::default();
        for e in state.events.get() {
            html.raw("<li class=\"event event-")
                .text(&e.kind)
                .raw("\" data-kind=\"")
                .text(&e.kind);
            html.raw("\" data-id=\"")
                .text(&e.id)
                .raw("\"><span class=\"event-at\">")
                .text(&e.at);
            html.raw("</span><code class=\"event-kind\">")
                .text(&e.kind)
                .raw("</code><span class=\"event-id\">");
            if !e.id.is_empty() {
                html.raw("id ").text(&e.id);
            }
            html.raw("</span><span class=\"event-data\">")
                .text(&e.data)
                .raw("</span></li>");
        }
        html.finish()
    };
    view! {
        <div class="clock-demo" data-hydrated=hydrated_marker()>
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
            <BreakIt label="Break it:" options=frame_html() fault=state.fault />
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
                    <ol class="event-log" reversed tabindex="0" aria-label="Events, newest first" inner_html=events></ol>
                </section>
            </div>
        </div>
    }
}
