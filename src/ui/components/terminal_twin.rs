//! The terminal twin under a demo: the same requests as commands, ready to
//! copy, against this server. A terminal's connection is as real as the
//! page's: the lab's server view counts it, and "Show my terminal's bytes"
//! taps it for the wire view (`editor/src/wire-view.js`), which then shows
//! what the server read from curl or websocat, decoded.
//!
//! The page is cached by path, so the server cannot write the address the
//! learner reached it by: the commands say `this-server`, and the demos'
//! small module (`editor/src/wire.js`, a file, so it costs a lesson no
//! inline bytes) puts the page's own origin there. The copy buttons are
//! the code blocks' (`copy_code.rs`).

use leptos::prelude::*;

use crate::http::assets::SiteAssets;
use crate::model::course::DemoName;
use crate::ui::demos::frames::lab_ports;
use crate::ui::demos::seam::LabPorts;

/// A command's parts: text, or where this server's address goes.
enum Part {
    Text(&'static str),
    /// `origin` (`http://host:port`), `host`, `hostname` or `ws` (`ws://host:port`).
    At(&'static str, &'static str),
    Port(u16),
}

use Part::{At, Port, Text};

/// One step of a twin: what it shows, and the command.
struct Step {
    says: &'static str,
    command: Vec<Part>,
}

/// The twin of `name`, and which wire view taps a terminal (`None`: none does).
fn steps(name: DemoName) -> Option<(Vec<Step>, Option<&'static str>)> {
    match name {
        DemoName::SseClock => Some((clock(), Some("clock"))),
        DemoName::WsEcho => Some((echo(), Some("echo"))),
        DemoName::AnswerStream => Some((answer(), Some("answer"))),
        DemoName::ConnectionLab => Some((lab(lab_ports()?), None)),
        _ => None,
    }
}

fn origin() -> Part {
    At("origin", "http://this-server")
}

fn clock() -> Vec<Step> {
    vec![
        Step {
            says: "The clock's stream, as it arrives (-N: print each event as it comes, not at \
                   the end):",
            command: vec![Text("curl -N "), origin(), Text("/api/clock")],
        },
        Step {
            says: "Read it for 3 seconds, miss 3 seconds of ticks, then ask again with the last \
                   id read, as EventSource does after a drop: the server sends the ticks you \
                   missed first, then goes on.",
            command: vec![
                Text("id=$(curl -sN --max-time 3 "),
                origin(),
                Text(
                    "/api/clock | sed -n 's/^id: //p' | tail -n 1); sleep 3; \
                     curl -N -H \"Last-Event-ID: $id\" ",
                ),
                origin(),
                Text("/api/clock"),
            ],
        },
    ]
}

fn echo() -> Vec<Step> {
    vec![Step {
        says: "The echo from a terminal: each line you type is one text frame, and comes back \
               (websocat from crates.io, or wscat from npm: npx wscat -c …).",
        command: vec![
            Text("websocat "),
            At("ws", "ws://this-server"),
            Text("/api/echo"),
        ],
    }]
}

fn answer() -> Vec<Step> {
    vec![Step {
        says: "The answer over a POST with a bearer token, which EventSource cannot send; add \
               -H 'Last-Event-ID: 5' to resume after the fifth word.",
        command: vec![
            Text(
                "curl -N -H 'Authorization: Bearer demo-token' -H 'Content-Type: \
                 application/json' -d '{\"question\":\"Why stream an answer?\"}' ",
            ),
            origin(),
            Text("/api/answer"),
        ],
    }]
}

fn lab(ports: LabPorts) -> Vec<Step> {
    let lane = |flag: &'static str, port: u16| {
        vec![
            Text(flag),
            At("hostname", "this-server"),
            Text(":"),
            Port(port),
            Text("/api/lab/stream?label=terminal"),
        ]
    };
    vec![
        Step {
            says: "A lab stream on the HTTP/2 lane (-k: the lane's certificate is the server's \
                   own). Run it while the lab is open on this machine: its connection shows in \
                   the server's view below, beside your browser's.",
            command: lane("curl -N -k --http2 https://", ports.http2),
        },
        Step {
            says: "The same on the HTTP/1.1 lane. Start seven of these in seven terminals: curl \
                   has no six-connection limit, so none waits.",
            command: lane("curl -N -k --http1.1 https://", ports.http1),
        },
    ]
}

/// Whether `name` has a terminal twin (its page then has the copy buttons).
pub fn has_twin(name: DemoName) -> bool {
    matches!(
        name,
        DemoName::SseClock | DemoName::WsEcho | DemoName::AnswerStream | DemoName::ConnectionLab
    )
}

#[component]
pub fn TerminalTwin(name: DemoName) -> impl IntoView {
    let (steps, tap) = steps(name)?;
    let realtime = expect_context::<crate::realtime::RealtimeState>();
    let tap = tap.filter(|_| realtime.taps.settings().enabled);
    // The same module as the wire view's: the browser runs it once.
    let script = use_context::<SiteAssets>()
        .and_then(|assets| assets.versioned_href("wire/wire.js"))
        .map(|href| view! { <script type="module" src=href></script> });
    let steps = steps
        .into_iter()
        .map(|step| {
            let command = step
                .command
                .into_iter()
                .map(|part| match part {
                    Text(text) => text.into_any(),
                    At(what, shown) => view! { <span data-twin-at=what>{shown}</span> }.into_any(),
                    Port(port) => port.to_string().into_any(),
                })
                .collect_view();
            view! {
                <p>{step.says}</p>
                <pre class="code" tabindex="0"><code>{command}</code></pre>
            }
        })
        .collect_view();
    let tapped = tap.map(|kind| {
        view! {
            <p class="twin-tap">
                <button type="button" class="button" data-twin-tap=kind>"Show my terminal's bytes"</button>
                " The server gives you a tap; run the command it shows, and what your terminal sends \
                 and gets appears here, decoded, as in the wire view."
            </p>
            <div class="twin-tapped" data-twin-tapped hidden>
                <pre class="code" tabindex="0"><code></code></pre>
                <p class="wire-status" role="status"></p>
                <ol class="wire-records"></ol>
            </div>
        }
    });
    Some(view! {
        <details class="terminal-twin" data-twin=name.as_str()>
            <summary>"The same from a terminal"</summary>
            {steps}
            {tapped}
        </details>
        {script}
    })
}
