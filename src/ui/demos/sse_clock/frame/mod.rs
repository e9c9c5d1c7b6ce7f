//! The clock's frame, server only: the "break it" options for the island,
//! and the sentence it shows when the browser gives up.

use leptos::context::Provider;
use leptos::prelude::*;

use super::SseClock;
use crate::ui::demos::seam::FrameHtml;

mod faults;

#[component]
pub fn SseClockFrame() -> impl IntoView {
    view! {
        <Provider value=FrameHtml(faults::options_html())><SseClock /></Provider>
        <p hidden data-demo-text="clock-gave-up">
            "The browser gave up: EventSource stays CLOSED after a non-200 answer, such as 429 \
             (your address already holds its share of clock streams) or 503 (the server is full)."
        </p>
    }
}
