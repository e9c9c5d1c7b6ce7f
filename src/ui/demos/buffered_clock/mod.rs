//! Lesson 8's buffering proxy, made visible: the same clock twice, one
//! stream straight from the server (`/api/clock`) and one held back and
//! released every few seconds (`/api/clock?fault=buffered`), as a proxy
//! that buffers responses would. Each column shows when ticks reached
//! this page, measured here.

use leptos::prelude::*;

use super::markup::Markup;
use super::widgets::{format_ms, hydrated_marker};
use state::Arrivals;

#[cfg(feature = "hydrate")]
mod browser;
mod state;

const DIRECT: &str = "/api/clock";
const BUFFERED: &str = "/api/clock?fault=buffered";

#[island(lazy)]
pub fn BufferedClock() -> impl IntoView {
    let running = RwSignal::new(true);
    let (direct, buffered) = (Arrivals::new(), Arrivals::new());
    #[cfg(feature = "hydrate")]
    browser::attach(running, [(direct, DIRECT), (buffered, BUFFERED)]);
    view! {
        <div class="buffered-demo" data-hydrated=hydrated_marker()>
            <div class="demo-controls">
                <button class="button" on:click=move |_| running.update(|r| *r = !*r)>
                    {move || if running.get() { "Stop both" } else { "Start both" }}
                </button>
            </div>
            <div class="demo-columns">
                <Column heading="Straight from the server" url=DIRECT arrivals=direct />
                <Column heading="Through a buffering path" url=BUFFERED arrivals=buffered />
            </div>
        </div>
    }
}

#[component]
fn Column(heading: &'static str, url: &'static str, arrivals: Arrivals) -> impl IntoView {
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
        <section class="buffered-column" data-url=url>
            <h4>{heading}</h4>
            <p class="hint"><code>{url}</code></p>
            <dl class="demo-stats">
                <div><dt>"Ticks"</dt><dd class="tick-count">{move || arrivals.ticks.get()}</dd></div>
                <div><dt>"Longest wait"</dt><dd class="longest-wait">{move || format_ms(arrivals.longest_ms.get(), 0)}</dd></div>
                <div><dt>"Arrived in a burst"</dt><dd class="bunched">{move || arrivals.bunched.get()}</dd></div>
            </dl>
            <p class="demo-note" role="status">{move || arrivals.status.get()}</p>
            <ol class="event-log" reversed tabindex="0" aria-label=format!("{heading}: ticks, newest first") inner_html=rows></ol>
        </section>
    }
}
