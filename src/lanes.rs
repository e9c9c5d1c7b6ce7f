//! The connection lab's two HTTPS lanes: the same app on two more ports.
//!
//! - The HTTP/2 lane offers ALPN `h2` first and `http/1.1` as a fallback.
//! - The HTTP/1.1 lane offers only `http/1.1`, so a browser must open one
//!   TCP connection per concurrent request there, as it did before HTTP/2.
//!
//! Each accepted connection is registered with the [`Lab`] for as long as
//! it is open, and every request on it carries its [`ConnectionTag`], so a
//! lab stream can tell the page which connection carries it.

use axum::Router;
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::model::wire::{LabLanes, Lane};
use crate::realtime::lab::{ConnectionTag, Lab};
use crate::server::accept::{self, ConnectionLimits, Gate};

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
/// the same limits as the site's listener (`crate::server::accept`).
pub async fn serve(
    listener: TcpListener,
    lane: Lane,
    tls: Arc<ServerConfig>,
    (app, lab): (Router, Arc<Lab>),
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
        let (acceptor, app, lab) = (acceptor.clone(), app.clone(), lab.clone());
        let builder = builder.clone();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                // A browser that does not trust the certificate yet ends here.
                Ok(Err(error)) => {
                    return tracing::debug!(
                        "{} lane: TLS handshake with {remote} failed: {error}",
                        lane.label()
                    )
                }
                Err(_) => {
                    return tracing::debug!(
                        "{} lane: TLS handshake with {remote} timed out",
                        lane.label()
                    )
                }
            };
            let negotiated = tls
                .get_ref()
                .1
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned());
            // Shared with the requests: an upgraded socket outlives hyper's
            // connection future and keeps the connection in the lab's view.
            let connection = Arc::new(lab.open_connection(lane, negotiated, remote));
            let tag: ConnectionTag = connection.tag.clone();
            let held = connection.clone();
            let service = accept::hyper_service(app, move |request| {
                request.extensions_mut().insert(tag.clone());
                request.extensions_mut().insert(held.clone());
            });
            let served = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
            if let Err(error) = served.await {
                tracing::debug!("{} lane: connection {remote} ended: {error}", lane.label());
            }
            drop(connection);
            drop(permit);
        });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    #[error("cannot listen on {addr} for the lab's {lane} lane ({source}). Pick another address with {flag}, or turn the lab off with --no-lab")]
    Bind {
        lane: &'static str,
        addr: std::net::SocketAddr,
        flag: &'static str,
        source: std::io::Error,
    },
}

/// Both lanes, bound, with their TLS settings; nothing is served yet.
pub struct LaneListeners {
    lanes: Vec<(Lane, TcpListener, Arc<ServerConfig>)>,
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

    /// Serves `app` on both lanes, tagging each connection for `lab`.
    pub fn serve(self, app: Router, lab: Arc<Lab>, limits: ConnectionLimits) -> LanesTask {
        LanesTask(
            self.lanes
                .into_iter()
                .map(|(lane, listener, tls)| {
                    let shared = (app.clone(), lab.clone());
                    tokio::spawn(serve(listener, lane, tls, shared, limits))
                })
                .collect(),
        )
    }
}

/// Loads or generates the certificate and binds both lanes.
pub fn bind(config: &crate::config::Config) -> Result<LaneListeners, LabError> {
    let identity = crate::tls::Identity::load_or_generate(
        config.tls_cert.as_deref(),
        config.tls_key.as_deref(),
        &config.tls_hosts,
    )?;
    let mut lanes = Vec::new();
    let mut ports = [0u16; 2];
    for (slot, lane, flag) in [
        (0, Lane::Http2, "--lab-h2-addr"),
        (1, Lane::Http1, "--lab-h1-addr"),
    ] {
        let addr = config.lane_addr(lane);
        let bind_error = |source| LabError::Bind {
            lane: lane.label(),
            addr,
            flag,
            source,
        };
        let listener = crate::server::accept::bind(addr).map_err(bind_error)?;
        ports[slot] = listener.local_addr().map_err(bind_error)?.port();
        lanes.push((lane, listener, identity.server_config(alpn(lane))?));
    }
    let info = LabLanes {
        http2_port: ports[0],
        http1_port: ports[1],
        fingerprint: identity.fingerprint.clone(),
        self_signed: identity.self_signed,
    };
    Ok(LaneListeners { lanes, info })
}
