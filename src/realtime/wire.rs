//! The wire view: a learner's own connection, byte by byte, decoded from
//! this server's side (after TLS on the lab's lanes).
//!
//! 1. `POST /api/wire/taps` gives a tap id (a few per client, [`taps`]).
//! 2. The page opens the demo's connection with `?tap=<id>` in its first
//!    request (`crate::http::tap` finds it and copies that connection).
//! 3. `GET /api/wire/taps/{id}/view` streams the decoded records
//!    ([`decode`], as JSON in `event: record`), then `event: closed`.
//! 4. `GET /api/wire/taps/{id}/capture.pcapng` gives the capture as a file
//!    Wireshark and tshark read without keys ([`pcapng`]).
//!
//! `GET /api/wire/taps/{id}` says whether a connection took the tap, and
//! `DELETE` gives it back.

mod decode;
mod pcapng;
mod record;
mod taps;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

use super::client::{ClientAddr, ClientRule};
use super::fair_share::Shares;
use super::stopping::Stopping;
pub use taps::{Taps, WireSettings, WIRE_PER_CLIENT};

#[derive(Clone)]
pub struct Routes {
    pub taps: Arc<Taps>,
    pub views: Arc<Shares>,
    pub stopping: Stopping,
    pub client: ClientRule,
}

impl axum::extract::FromRef<Routes> for ClientRule {
    fn from_ref(routes: &Routes) -> ClientRule {
        routes.client.clone()
    }
}

impl Routes {
    pub fn new(taps: Arc<Taps>, stopping: Stopping, client: ClientRule) -> Self {
        // Two view streams for each tap a client may hold (a page reloaded
        // opens a new one before the old one's connection is gone).
        let views = 2 * taps.settings().per_client;
        Routes {
            views: Shares::new("wire view streams", "--wire-per-client", views),
            taps,
            stopping,
            client,
        }
    }
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/wire/taps", post(open_handler))
        .route(
            "/api/wire/taps/{id}",
            get(status_handler).delete(close_handler),
        )
        .route("/api/wire/taps/{id}/view", get(view_handler))
        .route("/api/wire/taps/{id}/capture.pcapng", get(pcapng_handler))
        .with_state(routes)
}

#[derive(serde::Serialize)]
struct Opened {
    id: String,
    view: String,
    capture: String,
    capture_bytes: usize,
    /// How long the tap waits for a connection to name it.
    unclaimed_ms: u128,
}

async fn open_handler(State(routes): State<Routes>, ClientAddr(client): ClientAddr) -> Response {
    match routes.taps.open(client) {
        Ok(id) => (
            StatusCode::CREATED,
            axum::Json(Opened {
                view: format!("/api/wire/taps/{id}/view"),
                capture: format!("/api/wire/taps/{id}/capture.pcapng"),
                capture_bytes: routes.taps.settings().capture_bytes,
                unclaimed_ms: routes.taps.settings().unclaimed.as_millis(),
                id,
            }),
        )
            .into_response(),
        Err(refused) => refused.into_response(),
    }
}

fn unknown(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("No wire view `{id}` here: it was closed, or unused for a minute. Open the view again.\n"),
    )
        .into_response()
}

async fn status_handler(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    match routes.taps.status(&id) {
        Some(status) => axum::Json(status).into_response(),
        None => unknown(&id),
    }
}

async fn close_handler(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    if routes.taps.close(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        unknown(&id)
    }
}

async fn pcapng_handler(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    let Some(capture) = routes.taps.status(&id).map(|s| s.capture) else {
        return unknown(&id);
    };
    let file = pcapng::write(&capture.since(0));
    (
        [
            (header::CONTENT_TYPE, "application/x-pcapng".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"realtime-lab-{id}.pcapng\""),
            ),
        ],
        file,
    )
        .into_response()
}

fn event(name: &str, json: impl serde::Serialize) -> axum::body::Bytes {
    let data = serde_json::to_string(&json).unwrap_or_default();
    super::sse::encode(Event::default().event(name).data(data))
}

/// `event: waiting` until a connection takes the tap (`event: reused` if
/// the browser sent it on an HTTP/2 connection already in use), then one
/// `event: record` per unit of framing, and `event: closed` at the end.
async fn view_handler(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
) -> Response {
    let Some(status) = routes.taps.status(&id) else {
        return unknown(&id);
    };
    let share = match routes.views.take(client) {
        Ok(share) => share,
        Err(over) => return over.into_response(),
    };
    let capture = status.capture.clone();
    let (taps, stopping) = (routes.taps.clone(), routes.stopping.clone());
    let events = async_stream::stream! {
        let _share = share;
        let mut changes = capture.subscribe();
        let mut decoder = decode::Decoder::new();
        let (mut next, mut told_reused) = (0, false);
        yield Ok(event("waiting", &status));
        loop {
            let snapshot = capture.since(next);
            next += snapshot.pieces.len();
            for piece in &snapshot.pieces {
                for record in decoder.feed(piece) {
                    yield Ok(event("record", &record));
                }
            }
            if snapshot.closed {
                let [client, server] = decoder.unfinished();
                yield Ok(event("closed", serde_json::json!({
                    "left_out": snapshot.left_out,
                    "unfinished": { "client": client, "server": server },
                })));
                break;
            }
            match taps.status(&id) {
                Some(status) if status.reused && !told_reused => {
                    told_reused = true;
                    yield Ok(event("reused", &status));
                }
                Some(_) => {}
                None => break,
            }
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { break },
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = stopping.wait() => break,
            }
        }
    };
    super::sse::response(Box::pin(events))
}
