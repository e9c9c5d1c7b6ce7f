//! "Break it": the clock misbehaving for one stream, on request
//! (`GET /api/clock?fault=…`), so that what lesson 3 says `EventSource`
//! does about each fault can be seen in a learner's browser and checked by
//! a test. The echo's faults are in `echo.rs`, beside the socket they break.
//!
//! Every fault is bounded to its own response: it either ends within a
//! tick or two, or it is an ordinary stream with a different shape, holding
//! one of the clock's stream permits like any other.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::time::Duration;

use super::sse::{encode, Events};
use crate::model::wire::{ClockFault, LATE_HEAD_SECS};

/// How long a buffered stream holds its events before releasing them.
const BUFFER_FOR: Duration = Duration::from_secs(4);

/// Between the comment lines of a chatty stream.
const CHATTER_EVERY: Duration = Duration::from_millis(100);

/// The reconnection delay a slow-retry stream asks for.
const SLOW_RETRY: Duration = Duration::from_secs(10);

/// The answer for a fault that refuses the stream outright; `None` when the
/// fault is in the stream itself.
pub fn refusal(fault: ClockFault) -> Option<Response> {
    match fault {
        ClockFault::NoContent => Some(StatusCode::NO_CONTENT.into_response()),
        ClockFault::ServerError => Some(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "500, asked for with ?fault=server-error: EventSource gives up for good.\n",
            )
                .into_response(),
        ),
        _ => None,
    }
}

/// The clock's own events (`hello`, then ticks), reshaped by the fault.
pub fn reshape(fault: ClockFault, events: Events) -> Events {
    match fault {
        ClockFault::EndBody | ClockFault::CutOff => Box::pin(events.take(2)),
        ClockFault::EndBeforeId => Box::pin(events.take(1)),
        ClockFault::SlowRetry => {
            Box::pin(events.take(2).chain(futures_util::stream::once(async {
                Ok(encode(Event::default().retry(SLOW_RETRY)))
            })))
        }
        ClockFault::Chatty => chatty(events),
        ClockFault::Buffered => buffered(events),
        ClockFault::NoContent
        | ClockFault::ServerError
        | ClockFault::WrongType
        | ClockFault::LateHead => events,
    }
}

/// How long the fault holds the response head back, if it does: a server
/// that writes nothing, head included, until its first event is ready.
pub fn head_delay(fault: ClockFault) -> Option<Duration> {
    (fault == ClockFault::LateHead).then_some(Duration::from_secs(LATE_HEAD_SECS))
}

/// The response as sent, for the faults that change its head or its last bytes.
pub fn finish(fault: ClockFault, mut response: Response) -> Response {
    match fault {
        ClockFault::WrongType => {
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            // Without it, Chromium holds a text/plain response back to sniff
            // its first kilobyte (about fifteen ticks) before EventSource
            // even sees the Content-Type.
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        ClockFault::CutOff => {
            // No blank line after it: the event is never dispatched, and its
            // id (not a number this server would accept) is never adopted.
            let cut = Bytes::from_static(
                b"id: cut-off\nevent: tick\ndata: this tick is cut off by the end of the body\n",
            );
            let (parts, body) = response.into_parts();
            let body = body
                .into_data_stream()
                .chain(futures_util::stream::once(async { Ok(cut) }));
            Response::from_parts(parts, Body::from_stream(body))
        }
        _ => response,
    }
}

fn chatty(events: Events) -> Events {
    let chatter_line =
        encode(Event::default().comment("chatter: a comment never reaches the page"));
    interleave(events, CHATTER_EVERY, chatter_line)
}

/// `events`, with `line` sent every `period` besides them: the chatty
/// fault, and the clock's own `?heartbeat=`, `?ping=` and `?bare_ping=`. A timer of this stream's
/// own, unlike the shared heartbeat; it ends with the stream.
pub fn interleave(mut events: Events, period: Duration, line: Bytes) -> Events {
    Box::pin(async_stream::stream! {
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tokio::select! {
                event = events.next() => match event {
                    Some(event) => yield event,
                    None => break,
                },
                _ = every.tick() => yield Ok(line.clone()),
            }
        }
    })
}

/// Holds events back and releases them together, as a proxy that buffers
/// the response would (nginx does by default, unless told otherwise).
fn buffered(mut events: Events) -> Events {
    Box::pin(async_stream::stream! {
        let start = tokio::time::Instant::now() + BUFFER_FOR;
        let mut release = tokio::time::interval_at(start, BUFFER_FOR);
        let mut held = Vec::new();
        loop {
            tokio::select! {
                event = events.next() => match event {
                    Some(event) => held.push(event),
                    None => break,
                },
                _ = release.tick() => for event in held.drain(..) { yield event },
            }
        }
        for event in held {
            yield event;
        }
    })
}
