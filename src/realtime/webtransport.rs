//! Lesson 9's WebTransport sessions, on the lab's QUIC lane
//! (`crate::http::quic`), and `GET /api/webtransport`, which tells a page
//! where that lane is and which certificate hash to trust.
//!
//! On the lane (`https://{host}:{port}` over HTTP/3):
//! - `/api/webtransport/echo`: the clock over datagrams (one a tick, with
//!   this server's view of the connection: its number, its streams), and an
//!   echo on every bidirectional stream the browser opens.
//! - `/api/webtransport/loss?drop=…&count=…&every=…&seed=…`: head-of-line
//!   blocking, live (`loss.rs`).
//!
//! Each client address holds at most `--quic-per-client` sessions at once;
//! one more is refused with `429`, as WebTransport's CONNECT answers.

pub mod loss;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use wtransport::endpoint::SessionRequest;
use wtransport::{Connection, RecvStream, SendStream, VarInt};

use super::clock::Clock;
use super::fair_share::{Share, Shares};
use super::origin;
use super::stopping::Stopping;
use crate::http::quic::lossy::Loss;
use crate::http::quic::QuicSessions;
use crate::model::wire::{WebTransportLane, WtTick};

/// Sessions one client address may hold at once by default: a room of a
/// hundred learners behind one NAT, each with a demo or two open, fits.
pub const QUIC_PER_CLIENT: usize = 250;

/// QUIC connections one address may have opening at once, not yet asking
/// for their session; more are refused (each session, once asked for,
/// counts in `--quic-per-client`).
pub const OPENING_PER_CLIENT: usize = 32;

/// The most one echo stream carries back; past it, the stream is reset.
pub const MAX_ECHO_BYTES: usize = 64 * 1024;

/// The application error codes this server closes and resets with.
const DONE: u32 = 0;
const TOO_LONG: u32 = 1;
const STOPPING: u32 = 2;

/// The WebTransport endpoint's state: the shares, the connections' numbers,
/// and the certificate hash pages must name.
#[derive(Debug)]
pub struct WebTransport {
    port: Option<u16>,
    shares: Arc<Shares>,
    /// Each address's connections still opening (`http::quic` holds one
    /// while a connection asks for its session).
    opening: Arc<Shares>,
    next_connection: AtomicU64,
    /// The hashes pages must name: the current certificate's, then the one
    /// before it (a page that asked just before a renewal still connects).
    certificates: Mutex<Vec<[u8; 32]>>,
    /// Origins besides this site's host that may open sessions (`--allowed-origin`).
    allowed_origins: Arc<Vec<String>>,
    clock: Arc<Clock>,
    stopping: Stopping,
}

impl WebTransport {
    pub fn new(
        port: Option<u16>,
        per_client: usize,
        allowed_origins: Arc<Vec<String>>,
        clock: Arc<Clock>,
        stopping: Stopping,
    ) -> Arc<Self> {
        Arc::new(WebTransport {
            port,
            shares: Shares::new("WebTransport sessions", "--quic-per-client", per_client),
            opening: Shares::new("QUIC connections opening", "", OPENING_PER_CLIENT),
            next_connection: AtomicU64::new(1),
            certificates: Mutex::default(),
            allowed_origins,
            clock,
            stopping,
        })
    }

    /// What `GET /api/webtransport` answers.
    pub fn lane(&self) -> WebTransportLane {
        let hashes = self
            .certificates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        WebTransportLane {
            port: self.port,
            certificate_hashes: hashes.iter().map(|hash| hex(hash)).collect(),
        }
    }

    /// A page of this site (its host, on any of its ports), one allowed by
    /// `--allowed-origin`, or no page at all (no `Origin`: not a browser).
    /// Sessions carry no cookies, but a page elsewhere should not spend a
    /// learner's share.
    fn origin_allowed(&self, request: &SessionRequest) -> bool {
        request.origin().is_none_or(|origin| {
            origin::from_this_host(origin, request.authority(), &self.allowed_origins)
        })
    }

    /// Sessions `client` holds now.
    pub fn sessions_of(&self, client: IpAddr) -> usize {
        self.shares.held_by(client.to_canonical())
    }
}

impl QuicSessions for WebTransport {
    type Opening = Share;

    fn opening(&self, client: IpAddr) -> Option<Share> {
        self.opening.take(client).ok()
    }

    fn certificate(&self, sha256: Option<[u8; 32]>) {
        let mut hashes = self
            .certificates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match sha256 {
            Some(sha256) => {
                hashes.insert(0, sha256);
                hashes.truncate(2);
            }
            None => hashes.clear(),
        }
    }

    async fn session(self: Arc<Self>, request: SessionRequest, loss: Arc<Loss>) {
        let remote = request.remote_address();
        let path = request.path().to_string();
        let (route, query) = path.split_once('?').unwrap_or((&path, ""));
        if !matches!(route, "/api/webtransport/echo" | "/api/webtransport/loss") {
            return request.not_found().await;
        }
        if !self.origin_allowed(&request) {
            tracing::debug!(
                "QUIC lane: {remote}: a page of {:?} is not allowed",
                request.origin()
            );
            return request.forbidden().await;
        }
        let Ok(_share) = self.shares.take(remote.ip().to_canonical()) else {
            tracing::debug!("QUIC lane: {remote} is past its share of sessions");
            return request.too_many_requests().await;
        };
        let connection = match request.accept().await {
            Ok(connection) => connection,
            Err(error) => return tracing::debug!("QUIC lane: {remote}: {error}"),
        };
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let stopping = self.stopping.wait();
        let served = async {
            if route == "/api/webtransport/echo" {
                echo(&self.clock, &connection, id).await;
            } else {
                loss::run(&connection, &loss, loss::LossAsked::parse(query)).await;
            }
        };
        tokio::select! {
            () = served => connection.close(VarInt::from_u32(DONE), b"done"),
            _ = connection.closed() => {}
            () = stopping => connection.close(VarInt::from_u32(STOPPING), b"the server is stopping"),
        }
    }
}

/// The echo session: datagrams of the clock, and every bidirectional
/// stream echoed, until the browser closes the session.
async fn echo(clock: &Clock, connection: &Connection, id: u64) {
    let streams = Arc::new(AtomicU64::new(0));
    let open = Arc::new(AtomicU64::new(0));
    let ticks = async {
        let mut ticks = clock.follow();
        while let Some((tick, time)) = ticks.next().await {
            let datagram = WtTick {
                tick,
                time,
                connection: id,
                streams: streams.load(Ordering::Relaxed),
                open: open.load(Ordering::Relaxed),
            };
            let json = serde_json::to_vec(&datagram).expect("a tick serialises");
            if connection.send_datagram(json).is_err() {
                return; // the browser takes no datagrams, or is gone
            }
        }
    };
    let echoes = async {
        // Dropped with the session: every stream's task ends with it.
        let mut running = tokio::task::JoinSet::new();
        while let Ok((send, recv)) = connection.accept_bi().await {
            streams.fetch_add(1, Ordering::Relaxed);
            open.fetch_add(1, Ordering::Relaxed);
            let open = open.clone();
            running.spawn(async move {
                echo_stream(send, recv).await;
                open.fetch_sub(1, Ordering::Relaxed);
            });
            while running.try_join_next().is_some() {}
        }
    };
    tokio::join!(ticks, echoes);
}

/// Sends back what comes on one stream, up to [`MAX_ECHO_BYTES`].
async fn echo_stream(mut send: SendStream, mut recv: RecvStream) {
    let mut buffer = vec![0u8; 4096];
    let mut echoed = 0;
    loop {
        match recv.read(&mut buffer).await {
            Ok(Some(n)) => {
                echoed += n;
                if echoed > MAX_ECHO_BYTES {
                    let _ = send.reset(VarInt::from_u32(TOO_LONG));
                    recv.stop(VarInt::from_u32(TOO_LONG));
                    return;
                }
                if send.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
            Ok(None) => {
                let _ = send.quic_stream_mut().finish();
                return;
            }
            Err(_) => return,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub struct Routes {
    pub webtransport: Arc<WebTransport>,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/webtransport", get(lane))
        .with_state(routes.webtransport)
}

async fn lane(State(webtransport): State<Arc<WebTransport>>) -> Json<WebTransportLane> {
    Json(webtransport.lane())
}
