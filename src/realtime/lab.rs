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
//! - `?delay=MS` on a stream or a ping (0 to [`endpoints::MOST_DELAY_MS`]): the server
//!   waits that long before it answers, as a far server would, so the
//!   latency waterfall shows HTTP/1.1's queue grow with the round trip and
//!   HTTP/2's not (Go's HTTP/2 tile demo does the same).
//! - `GET /api/lab/view`: the server's view of this client's connections and
//!   the streams on each, sent again whenever it changes.

use axum::http::Extensions;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::watch;

use super::fair_share::{OverShare, Share, Shares};
use crate::model::wire::{LabConnection, LabView, Lane};

pub use super::client::ConnectionTag;

pub mod endpoints;

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
