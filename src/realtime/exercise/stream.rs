//! `GET` or `POST /x/{token}/events`: the stream exercises' event stream.
//!
//! The first request gets `retry: 1500` and events 1 to 3, 300 ms apart,
//! then the server ends the stream, as a restarting server would. Any
//! later request gets the events after its `Last-Event-ID` (all five if it
//! sends none), then `event: done`, and stays open until the client closes
//! it: the journal notes whether it did within three seconds, and whether
//! it came back.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method};
use axum::response::sse::Event;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;

use super::{Journal, Routes, Seen};
use crate::model::exercise::{STREAM_CUT_AFTER, STREAM_EVENTS, STREAM_RETRY_MS};
use crate::realtime::sse;

/// Time between events.
const BETWEEN: Duration = Duration::from_millis(300);
/// How long the stream waits after `done` before noting it is still open.
const DONE_GRACE: Duration = Duration::from_secs(3);
/// How long it stays open after that, at most.
const HELD_AFTER_DONE: Duration = Duration::from_secs(60);
/// The longest `Last-Event-ID` written in the journal.
const MOST_ID: usize = 64;

pub async fn handler(
    State(routes): State<Routes>,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let (journal, _slot) = match super::connect(&routes.exercises, &token, "events") {
        Ok(connected) => connected,
        Err(refused) => return *refused,
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|credentials| !credentials.trim().is_empty());
    let last_event_id = headers.get("last-event-id").map(|value| {
        String::from_utf8_lossy(value.as_bytes())
            .chars()
            .take(MOST_ID)
            .collect::<String>()
    });
    journal.record(Seen::Opened {
        post: method == Method::POST,
        bearer,
        last_event_id: last_event_id.clone(),
    });
    let first = journal.next_attempt() == 1;
    let after = last_event_id
        .and_then(|id| id.trim().parse::<u64>().ok())
        .unwrap_or(0)
        .min(STREAM_EVENTS);
    let stopping = routes.stopping.clone();
    let events = async_stream::stream! {
        let _slot = _slot;
        let mut watch = ClientWatch { journal: journal.clone(), ended: false };
        yield Ok(sse::encode(Event::default().retry(Duration::from_millis(STREAM_RETRY_MS)).comment("an exercise stream")));
        let last = if first { STREAM_CUT_AFTER } else { STREAM_EVENTS };
        for id in (after + 1)..=last {
            tokio::time::sleep(BETWEEN).await;
            journal.record(Seen::Sent { id });
            yield Ok(sse::encode(Event::default().id(id.to_string()).data(format!("event {id} of {STREAM_EVENTS}"))));
        }
        if first {
            journal.record(Seen::EndedByServer);
            watch.ended = true;
            return;
        }
        journal.record(Seen::Done);
        yield Ok(sse::encode(Event::default().event("done").data("that was the last event: close the stream")));
        tokio::select! {
            () = tokio::time::sleep(DONE_GRACE) => journal.record(Seen::OpenAfterDone),
            () = stopping.wait() => { watch.ended = true; return; }
        }
        tokio::select! {
            () = tokio::time::sleep(HELD_AFTER_DONE) => {}
            () = stopping.wait() => {}
        }
        watch.ended = true;
    };
    sse::response(Box::pin(events))
}

/// Notes in the journal that the client closed the stream, when the
/// stream is dropped before the server ended it.
struct ClientWatch {
    journal: Arc<Journal>,
    ended: bool,
}

impl Drop for ClientWatch {
    fn drop(&mut self) {
        if !self.ended {
            self.journal.record(Seen::ClosedByClient);
        }
    }
}
