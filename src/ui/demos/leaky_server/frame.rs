//! The leaky-server demo's markup, server-rendered: the island inside only
//! enables the buttons and fills in the numbers.

use leptos::prelude::*;

use super::{LeakyServer, STREAMS};
use crate::realtime::leaky::ORPHAN_LIFETIME;

#[component]
pub fn LeakyServerFrame() -> impl IntoView {
    let lifetime = ORPHAN_LIFETIME.as_secs();
    view! {
        <div class="leaky-demo" data-leaky>
            <div class="demo-columns">
                <section class="leaky-column">
                    <h4>"A timer per connection"</h4>
                    <p class="hint">"Each stream starts its own one-second timer on the server, \
                        as the Node example above does, and the timer never checks whether \
                        anyone still listens."</p>
                    <button class="button" disabled data-leaky-open="naive">
                        {format!("Open {STREAMS} streams, a timer each")}
                    </button>
                    <dl class="demo-stats">
                        <div><dt>"Your timers firing on the server"</dt><dd data-stat="naive_timers">"0"</dd></div>
                        <div><dt>"…of which have no client any more"</dt><dd data-stat="orphaned">"0"</dd></div>
                        <div><dt>"Next one stopped by this demo's safety net in"</dt><dd data-stat="next_cleanup">"–"</dd></div>
                    </dl>
                </section>
                <section class="leaky-column">
                    <h4>"One shared ticker"</h4>
                    <p class="hint">"Each stream subscribes to the clock's one ticker, which \
                        runs whether or not anyone listens, once for the whole server."</p>
                    <button class="button" disabled data-leaky-open="shared">
                        {format!("Open {STREAMS} streams on the shared ticker")}
                    </button>
                    <dl class="demo-stats">
                        <div><dt>"Timers firing on the server"</dt><dd>"1, for every client"</dd></div>
                        <div><dt>"Your streams it serves"</dt><dd data-stat="shared_streams">"0"</dd></div>
                    </dl>
                </section>
            </div>
            <div class="demo-controls">
                <button class="button secondary" disabled data-leaky-close>"Close my streams"</button>
                <span class="demo-note">"Ticks received: "<output data-stat="ticks">"0"</output></span>
            </div>
            <p class="demo-note" role="status" data-leaky-status></p>
            <div hidden>
                <p data-demo-text="leaky-open-naive">{format!(
                    "{STREAMS} streams open, and the server started {STREAMS} timers for them. \
                     Now close them: the timers go on."
                )}</p>
                <p data-demo-text="leaky-closed-naive">{format!(
                    "The streams are closed, and their timers still fire once a second, writing \
                     into responses nobody reads. A naive server would run them forever; this \
                     one stops each {lifetime} s after its client left."
                )}</p>
                <p data-demo-text="leaky-open-shared">{format!(
                    "{STREAMS} streams open on the shared ticker: no new timer on the server, \
                     only {STREAMS} more subscribers."
                )}</p>
                <p data-demo-text="leaky-closed-shared">"The streams are closed and nothing of \
                    them is left on the server: leaving dropped their subscriptions."</p>
                <p data-demo-text="leaky-refused">"The server refused a stream (429 or 503): \
                    your address holds its share of clock streams, and leaked timers count in \
                    it until they are stopped. Wait a little and try again."</p>
            </div>
            <LeakyServer />
        </div>
    }
}
