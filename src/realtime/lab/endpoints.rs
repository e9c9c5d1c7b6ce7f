//! The lab's endpoints (see `super` for what each answers), and their router.

use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{FromRef, Query, State};
use axum::http::{header, Extensions, HeaderValue, StatusCode, Version};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use super::{ConnectionGuard, ConnectionTag, Kind, Lab};
use crate::model::wire::{LabHello, LabPing};
use crate::realtime::client::{ClientAddr, ClientRule};
use crate::realtime::socket;
use crate::realtime::stopping::Stopping;

/// What the lab's handlers read.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub lab: Arc<Lab>,
    pub stopping: Stopping,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/lab/stream", get(lab_stream))
        .route("/api/lab/socket", get(lab_socket).connect(lab_socket))
        .route("/api/lab/ping", get(lab_ping))
        .route("/api/lab/view", get(lab_view))
        .with_state(routes)
}

#[derive(serde::Deserialize)]
struct StreamQuery {
    #[serde(default)]
    label: String,
    #[serde(default)]
    delay: u64,
}

/// The longest `?delay=` the lab takes, in ms.
pub const MOST_DELAY_MS: u64 = 2_000;

#[derive(serde::Deserialize)]
struct Delay {
    #[serde(default)]
    delay: u64,
}

/// Waits `?delay=` ms, as a far server's round trip, or refuses one beyond
/// [`MOST_DELAY_MS`].
async fn delayed(ms: u64) -> Result<(), Response> {
    if ms > MOST_DELAY_MS {
        let message = format!("?delay= takes 0 to {MOST_DELAY_MS} ms, not {ms}\n");
        return Err(with_cors(
            (StatusCode::BAD_REQUEST, message).into_response(),
        ));
    }
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(())
}

async fn lab_stream(
    State(lab): State<Arc<Lab>>,
    State(stopping): State<Stopping>,
    version: Version,
    extensions: Extensions,
    Query(query): Query<StreamQuery>,
) -> Response {
    let Some(tag) = extensions.get::<ConnectionTag>().cloned() else {
        return not_on_a_lane();
    };
    if let Err(refused) = delayed(query.delay).await {
        return refused;
    }
    let label: String = query.label.chars().take(24).collect();
    let guard = match lab.open_stream(&tag, label.clone(), Kind::Stream) {
        Ok(guard) => guard,
        Err(refused) => return with_cors(refused.into_response()),
    };
    let hello = LabHello {
        connection: tag.id,
        lane: tag.lane,
        protocol: protocol(version).into(),
        label,
    };
    let stream = async_stream::stream! {
        let _guard = guard;
        let json = serde_json::to_string(&hello).expect("a hello serialises");
        yield Ok::<_, Infallible>(Event::default().event("hello").data(json));
        stopping.wait().await;
    };
    let sse = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10)));
    with_cors(sse.into_response())
}

/// The largest message a lab socket reads. It only says hello and waits:
/// the client has nothing to send, so a message beyond this ends the socket.
/// Its buffers are every socket's (`socket::SOCKET_BUFFER`): small, for a socket
/// that is idle nearly all its life.
const SOCKET_MESSAGE: usize = 1024;

/// A WebSocket on a lane, beside the lab's streams: its hello names its
/// connection, as a stream's does. No `Origin` check, unlike the echo: the
/// lab page runs on the site's origin, not the lane's, and like the lab's
/// streams (`Access-Control-Allow-Origin: *`) the socket tells nothing a
/// foreign page could use and counts in the client's share of the lab.
async fn lab_socket(
    State(lab): State<Arc<Lab>>,
    State(stopping): State<Stopping>,
    version: Version,
    extensions: Extensions,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(tag) = extensions.get::<ConnectionTag>().cloned() else {
        return not_on_a_lane();
    };
    // After the upgrade hyper is done with the connection; the socket keeps
    // it registered until the socket ends.
    let connection = extensions.get::<Arc<ConnectionGuard>>().cloned();
    let guard = match lab.open_stream(&tag, "WebSocket".into(), Kind::Socket) {
        Ok(guard) => guard,
        Err(refused) => return refused.into_response(),
    };
    let hello = LabHello {
        connection: tag.id,
        lane: tag.lane,
        protocol: protocol(version).into(),
        label: "WebSocket".into(),
    };
    let held = stopping.hold();
    upgrade
        .max_message_size(SOCKET_MESSAGE)
        .read_buffer_size(socket::SOCKET_BUFFER)
        .write_buffer_size(socket::SOCKET_BUFFER)
        .on_upgrade(move |mut socket| async move {
            let (_guard, _held, _connection) = (guard, held, connection);
            let json = serde_json::to_string(&hello).expect("a hello serialises");
            if socket.send(Message::Text(json.into())).await.is_err() {
                return;
            }
            let stopping = stopping.wait();
            tokio::pin!(stopping);
            loop {
                tokio::select! {
                    message = socket.recv() => match message {
                        // Pings are answered by the library; anything else
                        // the client sends is ignored until it closes.
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                        Some(Ok(_)) => {}
                    },
                    _ = &mut stopping => break,
                }
            }
            socket::close(
                &mut socket,
                socket::close_code::GOING_AWAY,
                "the server is restarting",
            )
            .await;
        })
}

async fn lab_ping(
    version: Version,
    extensions: Extensions,
    Query(delay): Query<Delay>,
) -> Response {
    let Some(tag) = extensions.get::<ConnectionTag>() else {
        return not_on_a_lane();
    };
    if let Err(refused) = delayed(delay.delay).await {
        return refused;
    }
    let body = LabPing {
        connection: tag.id,
        protocol: protocol(version).into(),
    };
    with_cors(Json(body).into_response())
}

/// The view for the client's own address (behind a trusted proxy, the one
/// it names), which is where its lab connections come from.
async fn lab_view(
    State(lab): State<Arc<Lab>>,
    State(stopping): State<Stopping>,
    ClientAddr(client): ClientAddr,
) -> Response {
    let mut changes = lab.changed.subscribe();
    let stream = async_stream::stream! {
        loop {
            let view = lab.view(client);
            yield Ok::<_, Infallible>(Event::default().event("view").data(serde_json::to_string(&view).expect("a view serialises")));
            // Let a burst of changes settle into one update.
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { break },
                _ = stopping.wait() => break,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            changes.borrow_and_update();
        }
    };
    let sse = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    with_cors(sse.into_response())
}

fn protocol(version: Version) -> &'static str {
    match version {
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_11 => "HTTP/1.1",
        _ => "other",
    }
}

/// The lab page is served from the main origin and opens streams on the
/// lanes' origins; these answers carry no credentials, so any origin may
/// read them, and their timing (the waterfall reads it from the browser's
/// resource timing, which hides a foreign origin's without
/// `Timing-Allow-Origin`).
fn with_cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert("timing-allow-origin", HeaderValue::from_static("*"));
    response
}

fn not_on_a_lane() -> Response {
    let message =
        "The lab endpoints answer on the lab's HTTPS ports (see the server's start-up lines), \
                   where each request is tagged with its TCP connection.\n";
    with_cors((StatusCode::MISDIRECTED_REQUEST, message).into_response())
}
