//! The lab's latency waterfall, server only: 30 ordinary requests at once
//! to one lane, each answered after the latency the learner picks (the
//! lanes' `?delay=`), drawn as a waterfall from the browser's own resource
//! timing (`editor/src/waterfall.js`, fetched when the learner opens it).
//! Go's HTTP/2 tile demo makes the same point with 180 tiles.

use leptos::prelude::*;

use crate::http::assets::SiteAssets;
use crate::ui::demos::seam::LabPorts;

/// The latencies offered, in ms (what Go's tile demo offers).
const LATENCIES: [u32; 4] = [0, 30, 200, 1000];
/// The one chosen at first.
const FIRST: u32 = 200;

#[component]
pub fn LatencyWaterfall(ports: LabPorts) -> impl IntoView {
    let latencies = LATENCIES
        .iter()
        .map(|ms| {
            view! {
                <label>
                    <input type="radio" name="waterfall-latency" value=ms.to_string() checked=*ms == FIRST />
                    {format!(" {ms} ms")}
                </label>
            }
        })
        .collect_view();
    let script = use_context::<SiteAssets>()
        .and_then(|assets| assets.versioned_href("wire/wire.js"))
        .map(|href| view! { <script type="module" src=href></script> });
    view! {
        <details class="lab-waterfall" data-h1=ports.http1.to_string() data-h2=ports.http2.to_string()>
            <summary>"Latency: a waterfall of 30 requests"</summary>
            <p>
                "Thirty ordinary requests at once to one lane, each answered after the latency you \
                 pick, as a far server would answer. Over HTTP/1.1 the browser sends at most six \
                 at a time, one per connection, so the others queue and the last answer comes \
                 about five round trips later; over HTTP/2 all thirty go out at once on one \
                 connection, and the last answer comes one round trip later. Each bar starts when \
                 the page asked: grey while the request waits for a connection, coloured from \
                 when it was sent to its answer's first byte."
            </p>
            <fieldset class="waterfall-choice">
                <legend>"Added latency per response"</legend>
                {latencies}
            </fieldset>
            <fieldset class="waterfall-choice">
                <legend>"Lane"</legend>
                <label><input type="radio" name="waterfall-lane" value="h1" checked />" HTTP/1.1"</label>
                <label><input type="radio" name="waterfall-lane" value="h2" />" HTTP/2"</label>
            </fieldset>
            <p class="wire-nojs">"Needs JavaScript."</p>
            <p><button type="button" class="button" data-waterfall-run hidden>"Send 30 requests"</button></p>
            <p class="waterfall-summary" role="status"></p>
            <div class="waterfall-chart"></div>
        </details>
        {script}
    }
}
