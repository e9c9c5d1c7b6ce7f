//! The connection lab's endpoints. They answer on the lab's HTTPS lanes
//! (see `crate::lanes`), where every request carries the [`ConnectionTag`]
//! of the TCP connection it arrived on.
//!
//! - `GET /api/lab/stream?label=L`: an event stream whose first event says
//!   which connection carries it and with which protocol; it stays open.
//! - `GET /api/lab/ping`: an ordinary request, to see whether it waits.
//! - `GET /api/lab/view`: the server's view of this client's connections and
//!   the streams on each, sent again whenever it changes.

use axum::extract::{Query, State};
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

use super::fair_share::{ClientAddr, OverShare, Share, Shares};
use super::{RealtimeState, Stopping};
use crate::model::wire::{LabConnection, LabHello, LabPing, LabView, Lane};

/// Which lane and TCP connection a request arrived on; added by the lanes.
#[derive(Clone, Debug)]
pub struct ConnectionTag {
    pub id: u64,
    pub lane: Lane,
    pub remote: SocketAddr,
}

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
    streams: Vec<(u64, String)>,
}

impl Lab {
    pub fn new(max_streams_per_client: usize) -> Arc<Lab> {
        Arc::new(Lab {
            next_id: AtomicU64::new(1),
            connections: Mutex::default(),
            shares: Shares::new("lab streams", "--lab-max-streams", max_streams_per_client),
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

    fn open_stream(
        self: &Arc<Self>,
        tag: &ConnectionTag,
        label: String,
    ) -> Result<StreamGuard, OverShare> {
        let share = self.shares.take(tag.remote.ip())?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Some(record) = self.lock().get_mut(&tag.id) {
            record.streams.push((id, label));
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
                streams: r.streams.iter().map(|(_, label)| label.clone()).collect(),
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
            record.streams.retain(|(id, _)| *id != self.stream);
        }
        self.lab.bump();
    }
}

pub fn router() -> Router<RealtimeState> {
    Router::new()
        .route("/api/lab/stream", get(lab_stream))
        .route("/api/lab/ping", get(lab_ping))
        .route("/api/lab/view", get(lab_view))
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
    let guard = match lab.open_stream(&tag, label.clone()) {
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
