//! The connection lab's endpoints. They answer on the lab's HTTPS lanes
//! (see `crate::http::lanes`), where every request carries the [`ConnectionTag`]
//! of the TCP connection it arrived on.
//!
//! - `GET /api/lab/stream?label=L`: an event stream whose first event says
//!   which connection carries it and with which protocol; it stays open.
//! - `GET /api/lab/socket`: a WebSocket whose first message is the same
//!   hello; it stays open. Browsers keep WebSockets out of the pool of six,
//!   so one opens while six streams hold every connection to the lane. Over
//!   HTTP/2 it answers an extended CONNECT (RFC 8441), as the echo does.
//! - `GET /api/lab/ping`: an ordinary request, to see whether it waits.
//! - `GET /api/lab/view`: the server's view of this client's connections and
//!   the streams on each, sent again whenever it changes.

use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{FromRef, Query, State};
use axum::http::{header, Extensions, HeaderValue, StatusCode, Version};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

use super::client::{ClientAddr, ClientRule};
use super::fair_share::{OverShare, Share, Shares};
use super::socket;
use super::stopping::Stopping;
use crate::model::wire::{LabConnection, LabHello, LabPing, LabView, Lane};

pub use super::client::ConnectionTag;

/// Every open lab connection, and the lab streams on each.
#[derive(Debug)]
pub struct Lab {
    next_id: AtomicU64,
    connections: Mutex<BTreeMap<u64, Record>>,
    /// Each client address's share of the lab streams.
    shares: Arc<Shares>,
    /// Bumped on every change, so view feeds know when to send again.
    changed: watch::Sender<u64>,
}

#[derive(Debug)]
struct Record {
    lane: Lane,
    alpn: Option<String>,
    remote: SocketAddr,
    /// Each open lab stream or socket: its id, label and kind.
    streams: Vec<(u64, String, Kind)>,
}

/// What a lab request holds open on its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Stream,
    Socket,
}

impl Lab {
    pub fn new(max_streams_per_client: usize) -> Arc<Lab> {
        Arc::new(Lab {
            next_id: AtomicU64::new(1),
            connections: Mutex::default(),
            shares: Shares::new("lab streams", "--lab-per-client", max_streams_per_client),
            changed: watch::Sender::new(0),
        })
    }

    /// Registers a TCP connection; it is forgotten when the guard drops.
    pub fn open_connection(
        self: &Arc<Self>,
        lane: Lane,
        alpn: Option<String>,
        remote: SocketAddr,
    ) -> ConnectionGuard {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(
            id,
            Record {
                lane,
                alpn,
                remote,
                streams: Vec::new(),
            },
        );
        self.bump();
        ConnectionGuard {
            lab: self.clone(),
            tag: ConnectionTag { id, lane, remote },
        }
    }

    /// A stream or a socket, counted in the client's share of the lab.
    fn open_stream(
        self: &Arc<Self>,
        tag: &ConnectionTag,
        label: String,
        kind: Kind,
    ) -> Result<StreamGuard, OverShare> {
        let share = self.shares.take(tag.remote.ip())?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Some(record) = self.lock().get_mut(&tag.id) {
            record.streams.push((id, label, kind));
        }
        self.bump();
        Ok(StreamGuard {
            lab: self.clone(),
            connection: tag.id,
            stream: id,
            _share: share,
        })
    }

    /// The connections from one client address, oldest first.
    pub fn view(&self, client: IpAddr) -> LabView {
        let connections = self
            .lock()
            .iter()
            .filter(|(_, r)| r.remote.ip() == client)
            .map(|(id, r)| LabConnection {
                id: *id,
                lane: r.lane,
                alpn: r.alpn.clone(),
                streams: r
                    .streams
                    .iter()
                    .filter(|(_, _, kind)| *kind == Kind::Stream)
                    .map(|(_, label, _)| label.clone())
                    .collect(),
                sockets: r.streams.iter().filter(|s| s.2 == Kind::Socket).count(),
            })
            .collect();
        LabView { connections }
    }

    // A lock is poisoned only if a thread panicked while holding it; each
    // change under this lock is one insert or removal, so the map is
    // whole and the lab carries on rather than failing every later request.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Record>> {
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// The lanes tell the lab of each connection (`http/lanes.rs`); every
/// request on one carries its tag, and the guard that keeps it in view.
impl crate::http::lanes::LaneConnections for Lab {
    type Open = ConnectionGuard;

    fn opened(
        self: &Arc<Self>,
        lane: Lane,
        alpn: Option<String>,
        remote: SocketAddr,
    ) -> ConnectionGuard {
        self.open_connection(lane, alpn, remote)
    }

    fn mark(open: &Arc<ConnectionGuard>, extensions: &mut Extensions) {
        extensions.insert(open.tag.clone());
        extensions.insert(open.clone());
    }
}

pub struct ConnectionGuard {
    lab: Arc<Lab>,
    pub tag: ConnectionTag,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.lab.lock().remove(&self.tag.id);
        self.lab.bump();
    }
}

struct StreamGuard {
    lab: Arc<Lab>,
    connection: u64,
    stream: u64,
    _share: Share,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        if let Some(record) = self.lab.lock().get_mut(&self.connection) {
            record.streams.retain(|(id, _, _)| *id != self.stream);
        }
        self.lab.bump();
    }
}

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

async fn lab_ping(version: Version, extensions: Extensions) -> Response {
    let Some(tag) = extensions.get::<ConnectionTag>() else {
        return not_on_a_lane();
    };
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
/// lanes' origins; these answers carry no credentials, so any origin may read them.
fn with_cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

fn not_on_a_lane() -> Response {
    let message =
        "The lab endpoints answer on the lab's HTTPS ports (see the server's start-up lines), \
                   where each request is tagged with its TCP connection.\n";
    with_cors((StatusCode::MISDIRECTED_REQUEST, message).into_response())
}
