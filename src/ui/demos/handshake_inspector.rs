//! The handshake inspector: the learner's browser opens an event stream and
//! a WebSocket; the server reports the request head it received and the
//! response head it sent; the page shows both as raw HTTP, marks the headers
//! the lesson explains, and recomputes `Sec-WebSocket-Accept` step by step.

use leptos::prelude::*;

use crate::model::wire::{websocket_accept, HandshakeReport, MessageHead};

/// Headers the lessons explain, with a one-line reminder for the tooltip.
const EXPLAINED: &[(&str, &str)] = &[
    ("accept", "EventSource asks for text/event-stream"),
    ("cache-control", "no caching of a live stream"),
    (
        "last-event-id",
        "sent on reconnect: the last id the browser saw",
    ),
    (
        "content-type",
        "text/event-stream makes this an event stream",
    ),
    ("x-accel-buffering", "tells nginx not to buffer the stream"),
    ("upgrade", "asks to switch protocols to websocket"),
    (
        "connection",
        "Upgrade: this connection switches protocols (not allowed in HTTP/2)",
    ),
    (
        "sec-websocket-key",
        "16 random bytes, base64, new for every socket",
    ),
    ("sec-websocket-version", "13, the only version in use"),
    ("sec-websocket-accept", "base64(SHA-1(key + GUID))"),
    ("origin", "the page that opened it; the server checks it"),
    ("user-agent", "your browser"),
];

#[derive(Clone, Copy)]
struct InspectorState {
    sse: RwSignal<Option<HandshakeReport>>,
    ws: RwSignal<Option<HandshakeReport>>,
    error: RwSignal<Option<String>>,
    sse_requests: RwSignal<u32>,
    ws_requests: RwSignal<u32>,
}

#[component]
pub fn HandshakeInspector() -> impl IntoView {
    let state = InspectorState {
        sse: RwSignal::new(None),
        ws: RwSignal::new(None),
        error: RwSignal::new(None),
        sse_requests: RwSignal::new(0),
        ws_requests: RwSignal::new(0),
    };
    #[cfg(feature = "hydrate")]
    browser::attach(state);
    view! {
        <div class="inspector-demo">
            <div class="demo-controls">
                <button class="button" on:click=move |_| state.sse_requests.update(|n| *n += 1)>
                    "Inspect an EventSource request"
                </button>
                <button class="button" on:click=move |_| state.ws_requests.update(|n| *n += 1)>
                    "Inspect a WebSocket upgrade"
                </button>
            </div>
            <p class="demo-note error" role="alert">{move || state.error.get()}</p>
            {move || state.sse.get().map(|report| view! {
                <section class="handshake handshake-sse">
                    <h4>"Event stream: " <code>"new EventSource(\"/api/inspect/sse\")"</code></h4>
                    <Exchange report />
                </section>
            })}
            {move || state.ws.get().map(|report| {
                let accept = report.response.header("sec-websocket-accept").unwrap_or_default().to_string();
                let key = report.request.header("sec-websocket-key").unwrap_or_default().to_string();
                view! {
                    <section class="handshake handshake-ws">
                        <h4>"WebSocket: " <code>"new WebSocket(\"…/api/inspect/ws\")"</code></h4>
                        <Exchange report />
                        <AcceptSteps key answered=Some(accept) title="Your browser's key" />
                    </section>
                }
            })}
            <details class="worked-example">
                <summary>"The worked example from RFC 6455 §4.2.2"</summary>
                <AcceptSteps key="dGhlIHNhbXBsZSBub25jZQ==".to_string()
                    answered=Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".to_string()) title="The RFC's example key" />
            </details>
        </div>
    }
}

/// A request and its response as raw HTTP, side by side.
#[component]
fn Exchange(report: HandshakeReport) -> impl IntoView {
    let added = report.added_when_written.join(", ");
    view! {
        <div class="demo-columns">
            <div>
                <h5>"What your browser sent"</h5>
                <RawHead head=report.request class="raw-request" />
            </div>
            <div>
                <h5>"What the server answered"</h5>
                <RawHead head=report.response class="raw-response" />
                <p class="hint">"Then hyper, the HTTP layer under axum, adds: " <code>{added}</code></p>
            </div>
        </div>
    }
}

#[component]
fn RawHead(head: MessageHead, class: &'static str) -> impl IntoView {
    let lines = head
        .headers
        .into_iter()
        .map(|(name, value)| {
            let explained = EXPLAINED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, why)| *why);
            let line = format!("{name}: {value}");
            match explained {
                Some(why) => {
                    view! { <mark title=why data-header=name>{line}</mark> "\n" }.into_any()
                }
                None => view! { <span data-header=name>{line}</span> "\n" }.into_any(),
            }
        })
        .collect_view();
    view! {
        <pre class=format!("raw-http {class}") tabindex="0">
            <strong>{head.start_line}</strong> "\n" {lines}
        </pre>
    }
}

/// `Sec-WebSocket-Accept` from a key, one step per line.
#[component]
fn AcceptSteps(key: String, answered: Option<String>, title: &'static str) -> impl IntoView {
    let steps = websocket_accept(&key);
    let verdict = answered.map(|answered| {
        let matches = answered == steps.accept;
        view! {
            <p class=if matches { "verdict ok" } else { "verdict mismatch" } data-matches=matches.to_string()>
                {if matches { "✓ matches " } else { "✗ differs from " }}
                "the server's " <code>"Sec-WebSocket-Accept: " {answered}</code>
            </p>
        }
    });
    view! {
        <div class="accept-steps">
            <h5>"Computing Sec-WebSocket-Accept"</h5>
            <ol>
                <li>{title} ": " <code class="accept-key">{key}</code></li>
                <li>"Append the GUID: " <code class="wrap">{steps.joined}</code></li>
                <li>"SHA-1 of that text (20 bytes): " <code class="wrap">{steps.sha1_hex}</code></li>
                <li>"Base64 of those bytes: " <code class="accept-computed">{steps.accept}</code></li>
            </ol>
            {verdict}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{MessageEvent, WebSocket};

    use super::InspectorState;
    use crate::model::wire::HandshakeReport;
    use crate::ui::demos::browser::{describe, handler, websocket_url, EventSourceHandle, Handler};

    /// What is open while a handshake is being inspected.
    /// Kept only to stay open, and closed when the next probe replaces it.
    enum Probe {
        Sse {
            _stream: EventSourceHandle,
        },
        Ws {
            socket: WebSocket,
            _on_report: Handler<MessageEvent>,
        },
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            // The event stream's handle detaches itself; the socket's handler
            // is detached here, before its closure is freed.
            if let Probe::Ws { socket, .. } = self {
                socket.set_onmessage(None);
                let _ = socket.close_with_code_and_reason(1000, "inspected");
            }
        }
    }

    pub fn attach(state: InspectorState) {
        let probe = StoredValue::new_local(None::<Probe>);
        probe_on_request(state, probe, state.sse_requests, inspect_sse);
        probe_on_request(state, probe, state.ws_requests, inspect_ws);
        on_cleanup(move || probe.set_value(None));
    }

    /// Each press of a button (a new count in `requests`) replaces the open
    /// probe with a new one from `open`.
    fn probe_on_request(
        state: InspectorState,
        probe: StoredValue<Option<Probe>, LocalStorage>,
        requests: RwSignal<u32>,
        open: fn(InspectorState) -> Result<Probe, String>,
    ) {
        Effect::new(move |_| {
            if requests.get() > 0 {
                probe.set_value(None);
                match open(state) {
                    Ok(p) => probe.set_value(Some(p)),
                    Err(e) => state.error.set(Some(e)),
                }
            }
        });
    }

    fn report(event: &MessageEvent) -> Option<HandshakeReport> {
        serde_json::from_str(&event.data().as_string()?).ok()
    }

    // One report is all a probe needs: its handler closes the connection, and
    // the probe (with the handler) is dropped when the next one starts.
    fn inspect_sse(state: InspectorState) -> Result<Probe, String> {
        let mut probe = EventSourceHandle::open("/api/inspect/sse")?;
        let source = probe.source.clone();
        probe.on("handshake", move |event: MessageEvent| {
            source.close();
            state.sse.set(report(&event));
            state.error.set(None);
        })?;
        Ok(Probe::Sse { _stream: probe })
    }

    fn inspect_ws(state: InspectorState) -> Result<Probe, String> {
        let socket = WebSocket::new(&websocket_url("/api/inspect/ws")).map_err(describe)?;
        let on_report = {
            let socket = socket.clone();
            handler(move |event: MessageEvent| {
                let _ = socket.close_with_code_and_reason(1000, "inspected");
                state.ws.set(report(&event));
                state.error.set(None);
            })
        };
        socket.set_onmessage(Some(on_report.as_ref().unchecked_ref()));
        Ok(Probe::Ws {
            socket,
            _on_report: on_report,
        })
    }
}
