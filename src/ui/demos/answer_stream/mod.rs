//! Lesson 3's answer streamed over `fetch`: a POST with a JSON body and an
//! `Authorization` header, answered token by token as an event stream that
//! the page parses from the raw bytes (`parser.rs`) and resumes with
//! `Last-Event-ID` after a cut, beside the same answer through
//! `EventSource`, which can send neither.

use leptos::prelude::*;

use super::widgets::{hydrated_marker, Toggle};
use state::{AnswerState, Side};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;
#[cfg(any(feature = "hydrate", test))]
mod parser;
mod state;

#[island(lazy)]
pub fn AnswerStream() -> impl IntoView {
    let state = AnswerState::new();
    #[cfg(feature = "hydrate")]
    browser::attach(state);
    let ask_fetch = move |_| state.fetch_requests.update(|n| *n += 1);
    let ask_event_source = move |_| state.event_source_requests.update(|n| *n += 1);
    view! {
        <div class="answer-demo" data-hydrated=hydrated_marker()>
            <label class="answer-question">
                "Question "
                <input type="text" maxlength="300" prop:value=move || state.question.get()
                    on:input=move |ev| state.question.set(event_target_value(&ev)) />
            </label>
            <div class="demo-columns">
                <section class="answer-side" data-side="fetch" aria-labelledby="answer-fetch-heading">
                    <h4 id="answer-fetch-heading"><code>"fetch()"</code>": a POST with a body and a header"</h4>
                    <div class="demo-controls">
                        <button class="button" disabled=move || state.fetch.busy.get() on:click=ask_fetch>
                            "Ask with fetch"
                        </button>
                        <Toggle checked=state.cut label="Cut the connection after 10 tokens, then resume" />
                    </div>
                    <SideView side=state.fetch />
                    <h5>"Raw bytes, parsed by the page"</h5>
                    <pre class="raw-bytes" tabindex="0">{move || state.raw.get()}</pre>
                </section>
                <section class="answer-side" data-side="event-source" aria-labelledby="answer-es-heading">
                    <h4 id="answer-es-heading"><code>"EventSource"</code>": a GET, and no header"</h4>
                    <div class="demo-controls">
                        <button class="button" disabled=move || state.event_source.busy.get() on:click=ask_event_source>
                            "Ask with EventSource"
                        </button>
                        <Toggle checked=state.token_in_url label="Put the token in the URL" />
                    </div>
                    <SideView side=state.event_source />
                </section>
            </div>
        </div>
    }
}

/// One side's answer, counts and note.
#[component]
fn SideView(side: Side) -> impl IntoView {
    view! {
        <dl class="demo-stats">
            <div><dt>"Tokens"</dt><dd class="answer-tokens">{move || side.tokens.get()}</dd></div>
            <div><dt>"Requests"</dt><dd class="answer-requests">{move || side.requests.get()}</dd></div>
        </dl>
        <p class="answer-text" aria-live="off">{move || side.answer.get()}</p>
        <p class="demo-note" role="status">{move || side.note.get()}</p>
    }
}
