//! The wire view under a demo: a `<details>` that, opened, shows the
//! learner's own connection to the demo's endpoint decoded by this server
//! (`crate::realtime::wire`). The script (`wire/wire.js`, bundled from
//! `editor/src/wire.js` at build time) is a few hundred bytes; the view
//! itself is fetched when a learner first opens one. Without JavaScript
//! the same text says how to see the framing in a terminal.

use leptos::prelude::*;

use crate::http::assets::SiteAssets;
use crate::model::course::DemoName;
use crate::ui::demos::frames::lab_ports;

/// Where the script is, in the site.
const ENTRY: &str = "wire/wire.js";

/// One wire view: what the script opens (`data-wire`), its title, what it
/// shows, and the terminal's way to see the same.
struct Wire {
    kind: &'static str,
    title: &'static str,
    shows: &'static str,
    terminal: &'static str,
}

/// The wire views under `name`.
fn views(name: DemoName) -> &'static [Wire] {
    match name {
        DemoName::SseClock => &[Wire {
            kind: "clock",
            title: "Wire view: your own bytes",
            shows: "Opens its own event stream to /api/clock and shows the response's head, then \
                    each event as one chunk of the chunked body: its size line in hex, its bytes, \
                    a CRLF.",
            terminal: "curl -N --raw http://this-server/api/clock",
        }],
        DemoName::WsEcho => &[Wire {
            kind: "echo",
            title: "Wire view: your own bytes",
            shows:
                "Opens its own socket to /api/echo and shows the upgrade, then every frame both \
                    ways: FIN, opcode, MASK, the length and how it was written, your browser's \
                    masking key, the masked bytes and the text they unmask to; pings, pongs and \
                    the close code.",
            terminal: "websocat -v ws://this-server/api/echo",
        }],
        DemoName::AnswerStream => &[Wire {
            kind: "answer",
            title: "Wire view: your own bytes",
            shows: "Sends its own POST to /api/answer over fetch and shows the request's head \
                    (the bearer token left out) and its JSON body, then the answer's head and \
                    each token's event as one chunk. Devtools show no events for a stream read \
                    by fetch; this does.",
            terminal:
                "curl -N --raw -H 'Authorization: Bearer demo-token' -H 'Content-Type: \
                       application/json' -d '{\"question\":\"why?\"}' http://this-server/api/answer",
        }],
        DemoName::ConnectionLab => &[
            Wire {
                kind: "lab-h2",
                title: "Wire view: the HTTP/2 lane, after TLS",
                shows: "Opens a new connection to the HTTP/2 lane and shows it after TLS: the \
                        client's preface, SETTINGS both ways, each HEADERS block decoded (and what \
                        HPACK saved), DATA frames of several streams, and a WebSocket inside an \
                        extended CONNECT.",
                terminal: "curl -v --http2 -k https://this-server:3443/api/lab/ping",
            },
            Wire {
                kind: "lab-h1",
                title: "Wire view: the HTTP/1.1 lane, after TLS",
                shows: "Opens a lab stream on the HTTP/1.1 lane and shows its connection after \
                        TLS: the request and response heads, then each event as a chunk, as on \
                        the site's own port.",
                terminal: "curl -N --raw --http1.1 -k https://this-server:3444/api/lab/stream",
            },
        ],
        DemoName::MisbehavingProxy => &[Wire {
            kind: "proxy",
            title: "Wire view: through the proxy that buffers",
            shows: "Opens its own event stream to the clock through the proxy that buffers \
                    (/api/proxy/buffers/clock) and shows what reached your browser: the proxy \
                    holds the events back until 512 bytes have come, so each chunk carries \
                    several events at once, where the clock's own stream sends one per chunk.",
            terminal: "curl -N --raw http://this-server/api/proxy/buffers/clock",
        }],
        _ => &[],
    }
}

#[component]
pub fn WireView(name: DemoName) -> impl IntoView {
    let realtime = expect_context::<crate::realtime::RealtimeState>();
    let views = views(name);
    if !realtime.taps.settings().enabled || views.is_empty() {
        return None;
    }
    let ports = lab_ports();
    if name == DemoName::ConnectionLab && ports.is_none() {
        return None;
    }
    let script = use_context::<SiteAssets>()
        .and_then(|assets| assets.versioned_href(ENTRY))
        .map(|href| view! { <script type="module" src=href></script> });
    let views = views
        .iter()
        .map(|wire| {
            let port = ports.as_ref().and_then(|ports| match wire.kind {
                "lab-h2" => Some(ports.http2.to_string()),
                "lab-h1" => Some(ports.http1.to_string()),
                _ => None,
            });
            view! {
                <details class="wire-view" data-wire=wire.kind data-port=port>
                    <summary>{wire.title}</summary>
                    <p>{wire.shows}</p>
                    <p class="wire-nojs">
                        "Needs JavaScript. In a terminal, the same framing: "
                        <code>{wire.terminal}</code>
                    </p>
                    <p class="wire-actions"></p>
                    <p class="wire-status" role="status"></p>
                    <p class="wire-cost"></p>
                    <p>
                        <a class="wire-download" download hidden>
                            "Download as .pcapng (opens in Wireshark, no keys needed)"
                        </a>
                    </p>
                    <ol class="wire-records"></ol>
                </details>
            }
        })
        .collect_view();
    Some(view! { {views} {script} })
}
