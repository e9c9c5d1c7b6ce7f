//! The heads the inspector reports, as the page shows them: each header a
//! line, and a reminder for each header the lessons explain.

use axum::http::{HeaderMap, Version};
use axum::response::Response;

use crate::model::wire::MessageHead;

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
    (
        "sec-websocket-protocol",
        "the subprotocols the page offers; the server must answer with one of them",
    ),
    (
        "access-control-allow-origin",
        "which page may read this answer: * for any, but never one that sent credentials",
    ),
    (
        "access-control-allow-credentials",
        "true: a page that sent cookies may read this answer",
    ),
    (
        "vary",
        "the answer depends on these request headers: caches keep one per value",
    ),
    ("cookie", "sent wherever each cookie's rules allow"),
    ("user-agent", "your browser"),
];

/// The reminders for the explained headers that `request` or `response` has.
pub fn explained(request: &MessageHead, response: &MessageHead) -> Vec<(String, String)> {
    EXPLAINED
        .iter()
        .filter(|(name, _)| request.header(name).or(response.header(name)).is_some())
        .map(|(name, why)| (name.to_string(), why.to_string()))
        .collect()
}

pub fn response_head(response: &Response, version: Version) -> MessageHead {
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

pub fn header_lines(headers: &HeaderMap) -> Vec<(String, String)> {
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
