//! Event streams whose events are encoded once and shared.
//!
//! axum's [`Sse`] encodes every event for every stream: a tick that goes
//! to ten thousand browsers is formatted ten thousand times. Here an event
//! is encoded once, by axum's own encoder ([`encode`]), and the bytes are
//! shared (a [`Bytes`] clone is a reference count), so each stream only
//! hands the same bytes to its connection.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{FutureExt, Stream, StreamExt};
use std::convert::Infallible;
use std::pin::Pin;

/// Encoded events, one `Bytes` each.
pub type Events = Pin<Box<dyn Stream<Item = Result<Bytes, Infallible>> + Send>>;

/// One event as the bytes a stream sends: `event:`, `id:`, `data:` and
/// `retry:` lines and the blank line that ends it, written by axum.
pub fn encode(event: Event) -> Bytes {
    let one = futures_util::stream::iter([Ok::<_, Infallible>(event)]);
    let mut body = Sse::new(one).into_response().into_body().into_data_stream();
    // The stream is ready at once, so its first frame is too.
    let bytes = body.next().now_or_never().flatten().and_then(Result::ok);
    debug_assert!(
        bytes.is_some(),
        "axum's event stream yields a ready event at once"
    );
    bytes.unwrap_or_default()
}

/// The `Last-Event-ID` a reconnecting `EventSource` sent, as the numeric
/// id this server's streams give their events.
pub fn last_event_id(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

/// The response for a stream of encoded events, with the headers axum's
/// `Sse` sends, and `X-Accel-Buffering: no` so that nginx passes each event
/// on as it comes.
pub fn response(events: Events) -> Response {
    let mut response = Body::from_stream(events).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_an_event_as_axum_does() {
        let bytes = encode(Event::default().event("tick").id("7").data("now"));
        assert_eq!(&bytes[..], b"event: tick\nid: 7\ndata: now\n\n");
    }

    #[test]
    fn encodes_a_comment() {
        assert_eq!(
            &encode(Event::default().comment("heartbeat"))[..],
            b": heartbeat\n\n"
        );
    }
}
