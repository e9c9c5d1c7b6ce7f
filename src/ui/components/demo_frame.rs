use leptos::context::Provider;
use leptos::prelude::*;

use crate::model::course::{DemoName, DemoOptions};
use crate::model::wire::{Lane, ProxyBehaviour};
use crate::realtime::RealtimeState;
use crate::ui::demos::{
    AnswerStream, ConnectionLab, Counter, HandshakeInspector, LeakyServerFrame, MisbehavingProxy,
    ReconnectCrowdFrame, RollingDeployFrame, SseClock, WhichFitsFrame, WsEcho, WsResume,
};

/// Shows the lab's proxy note when this page came over HTTPS on a port that
/// is not one of the lanes: this server serves its pages over plain HTTP,
/// so something in front of it (nginx, Caddy) answered. A few inline bytes,
/// allowed by the page's CSP hash; the page is cached, so the server cannot
/// tell per request.
const LAB_PROXY_SCRIPT: &str = r#"(()=>{let f=document.querySelector("[data-lab-ports]"),n=document.getElementById("lab-proxy-note");if(f&&n&&location.protocol=="https:"&&!f.dataset.labPorts.split(" ").includes(location.port))n.hidden=!1})()"#;

/// `data-lab-start`: `1 8` for HTTP/1.1 and 8 streams, `2 12` for HTTP/2 and 12.
fn lab_start(options: &DemoOptions) -> String {
    let (lane, streams) = options.lab_start();
    let digit = if lane == Lane::Http2 { 2 } else { 1 };
    format!("{digit} {streams}")
}

/// The misbehaving proxy's first behaviour: `buffered-clock` is the proxy
/// demo started on "buffers".
fn proxy_start(name: DemoName) -> ProxyBehaviour {
    match name {
        DemoName::BufferedClock => ProxyBehaviour::Buffers,
        _ => ProxyBehaviour::Behaves,
    }
}

/// A live demo in its frame, labelled for screen readers. The frame is
/// server-only HTML; the demo inside is an island. What an island must know
/// of this server is an attribute of the frame, not a prop, to keep a JSON
/// parser out of the page: the echo's largest message (`data-max-message`)
/// and the lab's lane ports (`data-lab-ports`, for the lab and the
/// inspector's other origin) and where the lab starts
/// (`data-lab-start`: the lane's digit and the stream count, from the
/// lesson's `{lane=… streams=…}`). Text an island shows only now and then
/// (the echo's close codes in words) is here too, hidden.
#[component]
pub fn DemoFrame(name: DemoName, #[prop(optional)] options: DemoOptions) -> impl IntoView {
    let realtime = expect_context::<RealtimeState>();
    let max_message = realtime.echo.settings.max_message;
    let lab_ports = realtime
        .lab_lanes
        .as_ref()
        .map(|lanes| format!("{} {}", lanes.http2_port, lanes.http1_port));
    let proxy_note = (name == DemoName::ConnectionLab && lab_ports.is_some()).then(|| {
        view! {
            <p class="lab-notice" id="lab-proxy-note" hidden>
                "This page reached you through a proxy: this server sends its own pages over plain \
                 HTTP, and this one came over HTTPS. The lab's lanes are HTTPS ports of the server \
                 itself, which your browser must reach directly, not through the proxy. If the lab \
                 below cannot reach them, tick “Simulate instead”."
            </p>
            <script inner_html=LAB_PROXY_SCRIPT></script>
        }
    });
    // Known here, so not in the island: the server runs without the lanes.
    let lab_off_note = (name == DemoName::ConnectionLab && lab_ports.is_none()).then(|| {
        view! {
            <p class="lab-notice">
                "This server runs without the lab's HTTPS lanes (--no-lab). The simulation below \
                 shows the same idea."
            </p>
        }
    });
    let clock_texts = (name == DemoName::SseClock).then(|| {
        view! {
            <p hidden data-demo-text="clock-gave-up">
                "The browser gave up: EventSource stays CLOSED after a non-200 answer, such as 429 \
                 (your address already holds its share of clock streams) or 503 (the server is full)."
            </p>
        }
    });
    let proxy_texts =
        matches!(name, DemoName::BufferedClock | DemoName::MisbehavingProxy).then(|| {
            let texts = [
            ("proxy-connecting", "Connecting…"),
            ("proxy-hello", "Open: the server's hello came through."),
            ("proxy-lost", "The connection was lost; EventSource reconnects."),
            ("proxy-gave-up", "EventSource gave up: see the proxy's log."),
            ("proxy-upgraded", "Open: the upgrade came through."),
            (
                "proxy-upgrade-failed",
                "The upgrade failed: no 101 came back, so the browser reports close code 1006; \
                 the page tries again in 3 s. The proxy's log says why.",
            ),
        ]
        .map(|(key, text)| view! { <p data-demo-text=key>{text}</p> });
            view! { <div hidden>{texts.to_vec()}</div> }
        });
    // What the answer demo says as it goes, with `{…}` filled in by the island.
    let answer_texts =
        (name == DemoName::AnswerStream).then(|| {
            let texts = [
            ("answer-asking", "Asking with fetch…"),
            ("answer-refused", "The server answered {status}: {text}"),
            (
                "answer-cut",
                "The page cut the connection after 10 tokens. fetch does not reconnect by itself: \
                 the page asks again, sending Last-Event-ID: {id}.",
            ),
            ("answer-broken", "The stream broke ({why}): asking again in {ms} ms."),
            ("answer-given-up", "The stream broke {n} times ({why}); the page gave up."),
            ("answer-done", "Done: {tokens} tokens in one request."),
            (
                "answer-done-resumed",
                "Done: {tokens} tokens in {requests} requests, none lost and none twice.",
            ),
            ("answer-es-opening", "new EventSource(\"{url}\")…"),
            ("answer-es-broken", "The connection broke: EventSource reconnects by itself."),
            (
                "answer-es-given-up",
                "EventSource gave up (readyState 2) and cannot tell the page why. The same GET \
                 with fetch shows what the server said: {said}",
            ),
            (
                "answer-es-done",
                "Done: {tokens} tokens. The page called close(), or EventSource would have asked \
                 again.",
            ),
        ]
        .map(|(key, text)| view! { <p data-demo-text=key>{text}</p> });
            view! { <div hidden>{texts.to_vec()}</div> }
        });
    // What the resumable echo says as it goes.
    let resume_texts = (name == DemoName::WsResume).then(|| {
        let texts = [
            (
                "resume-new",
                "Connected to a new session: the page numbers its messages from 1 again.",
            ),
            (
                "resume-resumed",
                "Resumed: the server had the page's messages up to number {received}, so the page \
                 sent {n} again; the server sent every echo after the last one the page had \
                 ({lost} no longer kept).",
            ),
            (
                "resume-lost",
                "The connection was lost (close code {code}). Reconnecting in {ms} ms (backoff \
                 with jitter).",
            ),
            (
                "resume-queued",
                "Kept for later: the socket is not open yet, and send() on a CONNECTING socket \
                 throws. The page sends it after the server's welcome.",
            ),
        ]
        .map(|(key, text)| view! { <p data-demo-text=key>{text}</p> });
        view! { <div hidden>{texts.to_vec()}</div> }
    });
    // The echo's close codes in words, read by its island when a socket closes.
    let close_meanings = (name == DemoName::WsEcho).then(|| {
        use crate::ui::demos::echo_close_codes::{close_meaning, CLOSE_CODES};
        let meanings = CLOSE_CODES
            .map(|code| view! { <dt>{code}</dt><dd data-demo-text=format!("close-{code}")>{close_meaning(code)}</dd> });
        view! { <dl class="close-meanings" hidden>{meanings.to_vec()}</dl> }
    });
    let body = match name {
        DemoName::SseClock => view! { <SseClock /> }.into_any(),
        DemoName::WsEcho => view! { <WsEcho /> }.into_any(),
        DemoName::WsResume => view! { <WsResume /> }.into_any(),
        DemoName::AnswerStream => view! { <AnswerStream /> }.into_any(),
        DemoName::HandshakeInspector => view! { <HandshakeInspector /> }.into_any(),
        // The island reads the options as context on the server, and from
        // `data-lab-start` in the browser.
        DemoName::ConnectionLab => {
            view! { <Provider value=options><ConnectionLab /></Provider> }.into_any()
        }
        // One island, started on the behaviour each name stands for: context
        // on the server, `data-proxy-start` in the browser.
        DemoName::BufferedClock | DemoName::MisbehavingProxy => {
            let start = proxy_start(name);
            view! { <Provider value=start><MisbehavingProxy /></Provider> }.into_any()
        }
        DemoName::LeakyServer => view! { <LeakyServerFrame /> }.into_any(),
        DemoName::ReconnectCrowd => view! { <ReconnectCrowdFrame /> }.into_any(),
        DemoName::RollingDeploy => view! { <RollingDeployFrame /> }.into_any(),
        DemoName::WhichFits => view! { <WhichFitsFrame /> }.into_any(),
        DemoName::Counter => view! { <Counter /> }.into_any(),
    };
    view! {
        <section class="demo" data-demo=name.as_str() aria-label=format!("Live demo: {}", name.title())
            data-max-message=(name == DemoName::WsEcho).then_some(max_message)
            data-lab-ports=lab_ports.filter(|_| matches!(name, DemoName::ConnectionLab | DemoName::HandshakeInspector))
            data-lab-start=(name == DemoName::ConnectionLab).then(|| lab_start(&options))
            data-proxy-start=matches!(name, DemoName::BufferedClock | DemoName::MisbehavingProxy)
                .then(|| proxy_start(name).as_str())>
            <header class="demo-header">
                <p class="demo-badge">"Live demo"</p>
                <h3 class="demo-title">{name.title()}</h3>
                <a class="demo-open" href=format!("/demos/{}", name.as_str())>"Open on its own page"</a>
            </header>
            {proxy_note}
            {lab_off_note}
            {body}
            {close_meanings}
            {clock_texts}
            {proxy_texts}
            {answer_texts}
            {resume_texts}
        </section>
    }
}
