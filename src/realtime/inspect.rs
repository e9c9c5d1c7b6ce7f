//! The handshake inspector: `GET /api/inspect/sse` (an event stream) and
//! `GET /api/inspect/ws` (a WebSocket upgrade; over HTTP/2 an extended
//! `CONNECT`, RFC 8441) each report, as their first
//! event or message, the request head the server received and the response
//! head it sent, so the page can show the learner's own handshake.
//!
//! The response is built first, then described: what the report shows is
//! the handler's real response, not a copy written by hand.

use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Method, Uri, Version};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::oneshot;

use super::{origin, RealtimeState, Stopping};
use crate::model::wire::{HandshakeReport, MessageHead};

/// How long an inspector connection stays open after its report.
const LINGER: Duration = Duration::from_secs(30);

pub fn router() -> Router<RealtimeState> {
    Router::new()
        .route("/api/inspect/sse", get(inspect_sse))
        .route("/api/inspect/ws", get(inspect_ws).connect(inspect_ws))
}

async fn inspect_sse(
    State(stopping): State<Stopping>,
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
) -> Response {
    let request = request_head(&method, &uri, version, &headers);
    let (report_tx, report_rx) = oneshot::channel::<HandshakeReport>();
    let stream = async_stream::stream! {
        if let Ok(report) = report_rx.await {
            let json = serde_json::to_string(&report).expect("a report serialises");
            yield Ok::<_, Infallible>(Event::default().event("handshake").data(json));
        }
        tokio::select! {
            _ = tokio::time::sleep(LINGER) => {}
            _ = stopping.wait() => {}
        }
    };
    let mut response = Sse::new(stream).into_response();
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    let mut added = vec!["date".to_string()];
    if version == Version::HTTP_11 {
        added.push("transfer-encoding: chunked".into());
    }
    let response_head = response_head(&response, version);
    let _ = report_tx.send(HandshakeReport {
        explained: explained(&request, &response_head),
        request,
        response: response_head,
        added_when_written: added,
    });
    response
}

async fn inspect_ws(
    State(realtime): State<RealtimeState>,
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    extensions: Extensions,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Err(refused) = origin::check(&headers, &uri, &realtime.allowed_origins) {
        return refused.into_response();
    }
    let stopping = realtime.stopping;
    let mut request = request_head(&method, &uri, version, &headers);
    // RFC 8441: over HTTP/2 the upgrade is a CONNECT with `:protocol`.
    if let Some(protocol) = extensions.get::<hyper::ext::Protocol>() {
        let line = (":protocol".to_string(), protocol.as_str().to_string());
        request.headers.insert(0, line);
    }
    let (report_tx, report_rx) = oneshot::channel::<HandshakeReport>();
    let response = upgrade.on_upgrade(move |mut socket| async move {
        if let Ok(report) = report_rx.await {
            let json = serde_json::to_string(&report).expect("a report serialises");
            if socket.send(Message::Text(json.into())).await.is_err() {
                return;
            }
        }
        // Stay until the page closes the socket, but not for ever.
        let linger = tokio::time::timeout(LINGER, async {
            while let Some(Ok(_)) = socket.recv().await {}
        });
        tokio::select! {
            _ = linger => {}
            _ = stopping.wait() => {
                let frame = CloseFrame { code: 1001, reason: "the server is restarting".into() };
                let _ = socket.send(Message::Close(Some(frame))).await;
            }
        }
    });
    let response_head = response_head(&response, version);
    let _ = report_tx.send(HandshakeReport {
        explained: explained(&request, &response_head),
        request,
        response: response_head,
        added_when_written: vec!["date".into()],
    });
    response
}

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

/// The reminders for the explained headers that `request` or `response` has.
fn explained(request: &MessageHead, response: &MessageHead) -> Vec<(String, String)> {
    EXPLAINED
        .iter()
        .filter(|(name, _)| request.header(name).or(response.header(name)).is_some())
        .map(|(name, why)| (name.to_string(), why.to_string()))
        .collect()
}

fn request_head(method: &Method, uri: &Uri, version: Version, headers: &HeaderMap) -> MessageHead {
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut lines = Vec::new();
    if let (Some(authority), None) = (uri.authority(), headers.get(header::HOST)) {
        // HTTP/2 carries the host in the :authority pseudo-header.
        lines.push((":authority".to_string(), authority.to_string()));
    }
    lines.extend(header_lines(headers));
    MessageHead {
        start_line: format!("{method} {target} {version:?}"),
        headers: lines,
    }
}

fn response_head(response: &Response, version: Version) -> MessageHead {
    let status = response.status();
    MessageHead {
        start_line: format!(
            "{version:?} {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ),
        headers: header_lines(response.headers()),
    }
}

fn header_lines(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}
