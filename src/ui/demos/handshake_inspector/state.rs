//! The inspector's signals, and the headers the lessons explain.

use leptos::prelude::*;

use crate::model::wire::HandshakeReport;

/// Headers the lessons explain, with a one-line reminder for the tooltip.
pub const EXPLAINED: &[(&str, &str)] = &[
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
pub struct InspectorState {
    pub sse: RwSignal<Option<HandshakeReport>>,
    pub ws: RwSignal<Option<HandshakeReport>>,
    pub error: RwSignal<Option<String>>,
    pub sse_requests: RwSignal<u32>,
    pub ws_requests: RwSignal<u32>,
}
