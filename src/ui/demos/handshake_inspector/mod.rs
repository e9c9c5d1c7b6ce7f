//! The handshake inspector: the learner's browser opens an event stream and
//! a WebSocket; the server reports the request head it received and the
//! response head it sent; the page shows both as raw HTTP, marks the headers
//! the lesson explains, and recomputes `Sec-WebSocket-Accept` step by step.

use leptos::prelude::*;

use super::markup::{clicked_data, Markup};
use super::seam::frame_html;
use super::widgets::hydrated_marker;
use crate::model::wire::{websocket_accept, HandshakeReport, MessageHead};
use cases::Case;
use state::{CaseRun, InspectorState, Outcome};

#[cfg(feature = "hydrate")]
mod browser;
mod cases;
#[cfg(feature = "ssr")]
pub mod frame;
mod state;

#[island(lazy)]
pub fn HandshakeInspector() -> impl IntoView {
    let state = InspectorState {
        sse: RwSignal::new(None),
        ws: RwSignal::new(None),
        error: RwSignal::new(None),
        sse_requests: RwSignal::new(0),
        ws_requests: RwSignal::new(0),
        case_requests: RwSignal::new(None),
        case: RwSignal::new(None),
    };
    #[cfg(feature = "hydrate")]
    browser::attach(state);
    // The case buttons are the server's markup: one listener for them all.
    let pick_case = move |ev: leptos::ev::MouseEvent| {
        let case = clicked_data(&ev, "data-case").and_then(|id| Case::from_id(&id));
        if case.is_some() {
            state.case_requests.set(case);
        }
    };
    view! {
        <div class="inspector-demo" data-hydrated=hydrated_marker()>
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
            <fieldset class="inspector-cases" on:click=pick_case>
                <legend>"Other origins, credentials, subprotocols"</legend>
                <div inner_html=frame_html()></div>
                <div aria-live="polite">
                    {move || state.case.get().map(|run| view! { <CaseResult run /> })}
                </div>
            </fieldset>
            <details class="worked-example">
                <summary>"The worked example from RFC 6455 §4.2.2"</summary>
                <AcceptSteps key="dGhlIHNhbXBsZSBub25jZQ==".to_string()
                    answered=Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".to_string()) title="The RFC's example key" />
            </details>
        </div>
    }
}

/// A case's run: what the page ran, what its browser did, why, and what
/// the server received and answered.
#[component]
fn CaseResult(run: CaseRun) -> impl IntoView {
    let CaseRun {
        case,
        words,
        outcome,
        seen,
        report,
    } = run;
    let (verdict, class) = match outcome {
        Outcome::Running => ("…", "verdict"),
        Outcome::Opened => ("✓ The page got the answer: ", "verdict ok"),
        Outcome::Refused => ("✗ The browser refused the answer: ", "verdict mismatch"),
        Outcome::Unreachable => ("✗ Out of reach: ", "verdict mismatch"),
    };
    let done = matches!(outcome, Outcome::Opened | Outcome::Refused);
    let unexpected = done && (outcome == Outcome::Opened) != case.opens();
    view! {
        <section class="case-result" data-case=case.id() data-outcome=outcome.as_str()>
            <h4>{words.title}</h4>
            <pre class="case-code" tabindex="0"><code>{words.code}</code></pre>
            <p class=class>{verdict} <span class="case-seen">{seen}</span></p>
            {unexpected.then(|| view! { <p class="hint">{words.unexpected}</p> })}
            {done.then(|| view! { <p class="case-why">{words.why}</p> })}
            {report.map(|report| view! {
                <h5>"What the server received and answered"</h5>
                <Exchange report />
            })}
        </section>
    }
}

/// A request and its response as raw HTTP, side by side.
#[component]
fn Exchange(report: HandshakeReport) -> impl IntoView {
    let added = report.added_when_written.join(", ");
    let explained = report.explained;
    view! {
        <div class="demo-columns">
            <div>
                <h5>"What your browser sent"</h5>
                <RawHead head=report.request explained=explained.clone() class="raw-request" />
            </div>
            <div>
                <h5>"What the server answered"</h5>
                <RawHead head=report.response explained class="raw-response" />
                <p class="hint">"Then hyper, the HTTP layer under axum, adds: " <code>{added}</code></p>
            </div>
        </div>
    }
}

/// One head as raw HTTP, the headers the lesson explains marked, as text
/// (see `markup`: a `view!` per kind of line costs more WebAssembly).
#[component]
fn RawHead(
    head: MessageHead,
    explained: Vec<(String, String)>,
    class: &'static str,
) -> impl IntoView {
    let mut html = Markup::default();
    html.raw("<strong>")
        .text(&head.start_line)
        .raw("</strong>\n");
    for (name, value) in &head.headers {
        let explained = explained
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, why)| why.as_str());
        match explained {
            Some(why) => html
                .raw("<mark title=\"")
                .text(why)
                .raw("\" data-header=\""),
            None => html.raw("<span data-header=\""),
        };
        html.text(name).raw("\">").text(name).raw(": ").text(value);
        html.raw(if explained.is_some() {
            "</mark>\n"
        } else {
            "</span>\n"
        });
    }
    view! {
        <pre class=format!("raw-http {class}") tabindex="0" inner_html=html.finish()></pre>
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
