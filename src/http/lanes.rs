//! The connection lab's two HTTPS lanes: the same app on two more ports.
//!
//! - The HTTP/2 lane offers ALPN `h2` first and `http/1.1` as a fallback.
//! - The HTTP/1.1 lane offers only `http/1.1`, so a browser must open one
//!   TCP connection per concurrent request there, as it did before HTTP/2.
//!
//! Each accepted connection is told to a [`LaneConnections`] (the lab, in
//! `realtime/lab.rs`) for as long as it is open, and every request on it
//! carries what that returned, so a lab stream can tell the page which
//! connection carries it. This file knows no endpoint: the trait is the
//! seam, so the plumbing stays below the rooms that use it.

use axum::Router;
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::accept::{self, ConnectionLimits, Gate};
use super::quic::{QuicListener, QuicSessions};
use super::tap::{FirstRequest, TapFinder, Tapped};
use crate::model::wire::{LabLanes, Lane};

/// Who keeps count of the lanes' connections.
pub trait LaneConnections: Send + Sync + 'static {
    /// Held while a connection is open; dropped when it ends (or when the
    /// last request that carries it, such as an upgraded socket, does).
    type Open: Send + Sync + 'static;

    /// A connection was accepted on `lane` and its TLS handshake done.
    fn opened(self: &Arc<Self>, lane: Lane, alpn: Option<String>, remote: SocketAddr)
        -> Self::Open;

    /// Marks a request with the connection it arrived on.
    fn mark(open: &Arc<Self::Open>, extensions: &mut axum::http::Extensions);
}

/// Where the lanes listen and which certificate they present
/// (`--lab-h2-addr`, `--lab-h1-addr`, `--lab-h3-addr`, `--tls-cert`, `--tls-key`, `--tls-host`).
#[derive(Clone, Debug)]
pub struct LaneSettings {
    pub http2: SocketAddr,
    pub http1: SocketAddr,
    /// The QUIC lane's UDP address; `None` with `--no-quic`.
    pub http3: Option<SocketAddr>,
    /// A certificate and key to load; `None`: one generated at start-up.
    pub tls_cert: Option<std::path::PathBuf>,
    pub tls_key: Option<std::path::PathBuf>,
    /// The names a generated certificate is valid for.
    pub tls_hosts: Vec<String>,
}

/// A TLS handshake that takes longer than this is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The ALPN protocols a lane offers, in order of preference.
pub fn alpn(lane: Lane) -> &'static [&'static [u8]] {
    match lane {
        Lane::Http2 => &[b"h2", b"http/1.1"],
        Lane::Http1 => &[b"http/1.1"],
    }
}

/// Accepts connections on `listener` until the task is dropped, within
/// the same limits as the site's listener (`super::accept`).
pub async fn serve<C: LaneConnections>(
    listener: TcpListener,
    lane: Lane,
    tls: Arc<ServerConfig>,
    (app, connections, taps): (Router, Arc<C>, Option<Arc<dyn TapFinder>>),
    limits: ConnectionLimits,
) {
    let acceptor = TlsAcceptor::from(tls);
    let gate = Gate::new(&limits);
    let mut builder = accept::builder(&limits);
    if lane == Lane::Http1 {
        builder = builder.http1_only();
    }
    loop {
        let (tcp, remote, permit) = gate.accept(&listener).await;
        let (acceptor, app, connections) = (acceptor.clone(), app.clone(), connections.clone());
        let taps = taps.clone();
        let builder = builder.clone();
        tokio::spawn(async move {
            let Some(tls) = handshake(&acceptor, tcp, lane, remote).await else {
                return;
            };
            let negotiated = tls
                .get_ref()
                .1
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned());
            // HTTP/2 keeps its first bytes until its first request says
            // whether the wire view tapped it (`super::tap`).
            let first =
                (negotiated.as_deref() == Some("h2") && taps.is_some()).then(FirstRequest::new);
            // Shared with the requests: an upgraded socket outlives hyper's
            // connection future and keeps the connection in the lab's view.
            let connection = Arc::new(connections.opened(lane, negotiated, remote));
            let held = connection.clone();
            let (told, finder) = (first.clone(), taps.clone());
            let service = accept::hyper_service(app, move |request| {
                C::mark(&held, request.extensions_mut());
                if let (Some(first), Some(finder)) = (&told, &finder) {
                    let target = request.uri().path_and_query().map_or("", |p| p.as_str());
                    first.request(target.as_bytes(), finder.as_ref());
                }
            });
            let io = match &first {
                Some(first) => Tapped::http2(tls, first.clone()),
                None => Tapped::http1(tls, taps),
            };
            let served = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
            tokio::pin!(served);
            let drained = async {
                match &first {
                    Some(first) => first.drain.notified().await,
                    None => std::future::pending().await,
                }
            };
            let ended = tokio::select! {
                ended = served.as_mut() => ended,
                () = drained => {
                    // A tap asked for on a connection past its first
                    // request: GOAWAY, and the browser opens a new one.
                    served.as_mut().graceful_shutdown();
                    served.await
                }
            };
            if let Err(error) = ended {
                tracing::debug!("{} lane: connection {remote} ended: {error}", lane.label());
            }
            drop(connection);
            drop(permit);
        });
    }
}

/// The TLS handshake, within [`HANDSHAKE_TIMEOUT`]; `None` (logged) if it
/// failed, as it does for a browser that does not trust the certificate yet.
async fn handshake(
    acceptor: &TlsAcceptor,
    tcp: tokio::net::TcpStream,
    lane: Lane,
    remote: SocketAddr,
) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => Some(tls),
        Ok(Err(error)) => {
            let lane = lane.label();
            tracing::debug!("{lane} lane: TLS handshake with {remote} failed: {error}");
            None
        }
        Err(_) => {
            let lane = lane.label();
            tracing::debug!("{lane} lane: TLS handshake with {remote} timed out");
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(transparent)]
    Tls(#[from] super::tls::TlsError),
    #[error(transparent)]
    Quic(#[from] super::quic::QuicError),
    #[error("cannot listen on {addr} for the lab's {lane} lane ({source}). Pick another address with {flag}, or turn the lab off with --no-lab")]
    Bind {
        lane: &'static str,
        addr: std::net::SocketAddr,
        flag: &'static str,
        source: std::io::Error,
    },
}

/// Both lanes, bound, with their TLS settings, and the QUIC lane unless
/// it is off; nothing is served yet.
pub struct LaneListeners {
    lanes: Vec<(Lane, TcpListener, Arc<ServerConfig>)>,
    quic: Option<QuicListener>,
    info: LabLanes,
}

/// The lanes' accept loops; aborted when the server stops.
pub struct LanesTask(Vec<tokio::task::JoinHandle<()>>);

impl LanesTask {
    pub fn abort(self) {
        for task in self.0 {
            task.abort();
        }
    }
}

impl LaneListeners {
    /// Where the lanes listen and the certificate they present, for the page.
    pub fn info(&self) -> &LabLanes {
        &self.info
    }

    /// Serves `app` on both lanes, telling `connections` of each one, and
    /// `taps` of each request that names a tap; the QUIC lane's sessions
    /// go to `sessions`.
    pub fn serve<C: LaneConnections, S: QuicSessions>(
        self,
        (app, connections, sessions): (Router, Arc<C>, Arc<S>),
        taps: Option<Arc<dyn TapFinder>>,
        limits: ConnectionLimits,
    ) -> LanesTask {
        let mut tasks: Vec<_> = self
            .lanes
            .into_iter()
            .map(|(lane, listener, tls)| {
                let shared = (app.clone(), connections.clone(), taps.clone());
                tokio::spawn(serve(listener, lane, tls, shared, limits))
            })
            .collect();
        tasks.extend(self.quic.map(|quic| quic.serve(sessions)));
        LanesTask(tasks)
    }
}

/// Loads or generates the certificate and binds both lanes, and the QUIC
/// lane unless it is off.
pub fn bind(settings: &LaneSettings) -> Result<LaneListeners, LabError> {
    let load = || {
        super::tls::Identity::load_or_generate(
            settings.tls_cert.as_deref(),
            settings.tls_key.as_deref(),
            &settings.tls_hosts,
        )
    };
    let identity = load()?;
    let mut lanes = Vec::new();
    let mut ports = [0u16; 2];
    for (slot, lane, addr, flag) in [
        (0, Lane::Http2, settings.http2, "--lab-h2-addr"),
        (1, Lane::Http1, settings.http1, "--lab-h1-addr"),
    ] {
        let bind_error = |source| LabError::Bind {
            lane: lane.label(),
            addr,
            flag,
            source,
        };
        let listener = accept::bind(addr).map_err(bind_error)?;
        ports[slot] = listener.local_addr().map_err(bind_error)?.port();
        lanes.push((lane, listener, identity.server_config(alpn(lane))?));
    }
    let quic = match settings.http3 {
        // A host's certificate serves every lane; a generated one is made
        // for QUIC apart, valid for days, not years (`super::quic`).
        Some(addr) => {
            let given = if identity.self_signed {
                None
            } else {
                Some(load()?)
            };
            Some(super::quic::bind(addr, given, &settings.tls_hosts)?)
        }
        None => None,
    };
    let info = LabLanes {
        http2_port: ports[0],
        http1_port: ports[1],
        http3_port: quic.as_ref().map(QuicListener::port),
        fingerprint: identity.fingerprint.clone(),
        self_signed: identity.self_signed,
    };
    Ok(LaneListeners { lanes, quic, info })
}
