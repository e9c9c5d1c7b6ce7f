//! `GET /api/live-preview`: while the server watches a content folder, an
//! event stream that tells open pages about each save, the course's own
//! subject put to work for its authors. After a good save: `reload`, and
//! the page reloads itself. After a refused one: `problems`, with each
//! problem's file, line and message (`CheckReport`), and the page shows
//! them over the last good version until the next good save. On connecting:
//! `ready`, or `problems` if the last save was refused.
//!
//! Without a watched folder (the course built into the binary, or
//! `--no-watch`) the endpoint answers 404 and no page carries the script.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;

use crate::content::error::CheckReport;
use crate::content::ContentStore;
use crate::realtime::RealtimeState;

pub async fn live_preview(
    State(content): State<ContentStore>,
    State(realtime): State<RealtimeState>,
) -> Response {
    let stopping = realtime.stopping;
    if !content.is_watched() {
        let message = "Live preview runs only while the server watches a folder of lessons: \
                       start it with --content-dir (and without --no-watch).\n";
        return (StatusCode::NOT_FOUND, message).into_response();
    }
    let mut reloads = content.reloads();
    let stream = async_stream::stream! {
        let mut first = true;
        loop {
            let event = match content.problems() {
                Some(errors) => Event::default()
                    .event("problems")
                    .data(serde_json::to_string(&CheckReport::problems(&errors)).expect("a report serialises")),
                None if first => Event::default().event("ready").data("fine"),
                None => Event::default().event("reload").data("fine"),
            };
            first = false;
            yield Ok::<_, Infallible>(event);
            tokio::select! {
                changed = reloads.changed() => if changed.is_err() { break },
                _ = stopping.wait() => break,
            }
        }
    };
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
