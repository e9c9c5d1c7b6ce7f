//! The lab's QUIC lane: HTTP/3 with WebTransport on a UDP port, beside the
//! two TCP lanes (`super::lanes`).
//!
//! wtransport speaks WebTransport over HTTP/3; the quinn endpoint under it
//! is built here, on a [`lossy::LossySocket`], so that the head-of-line
//! demo can lose a share of one connection's packets. Each session request
//! goes to a [`QuicSessions`] (realtime's WebTransport endpoint): this file
//! knows no endpoint.
//!
//! Browsers take a self-signed certificate for WebTransport when the page
//! names its SHA-256 (`serverCertificateHashes`), if it is valid for at
//! most 14 days and of a key type they accept (ECDSA P-256 they all must;
//! RSA none may): without `--tls-cert`, the lane
//! makes such a certificate at start-up ([`Identity::short_lived`]), makes
//! a new one every [`RENEW_AFTER`], and tells the endpoint each one's hash.
//! With `--tls-cert`, the lane presents that certificate and browsers check
//! it as they check any other.

pub mod lossy;

use std::future::Future;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use quinn::{EndpointConfig, Runtime, TokioRuntime};
use wtransport::endpoint::{IncomingSessionFuture, SessionRequest};

use super::tls::{Identity, TlsError};
use lossy::{Loss, LossySocket};

/// The ALPN protocol of HTTP/3, which WebTransport rides on.
const ALPN_H3: &[u8] = b"h3";

/// A generated certificate is valid for this long (browsers take 14 days
/// at most for a certificate named by its hash)...
pub const VALIDITY: Duration = Duration::from_secs(13 * 24 * 3600);
/// ...and replaced after this long, so that none in use is close to its end.
pub const RENEW_AFTER: Duration = Duration::from_secs(6 * 24 * 3600);

/// QUIC connections open at once on the lane; more are refused.
pub const MAX_CONNECTIONS: usize = 2000;

/// A connection must ask for its session within this long (its handshake,
/// HTTP/3's settings and the `CONNECT`), or it is closed: the keep-alive
/// would otherwise hold a connection that never asks open for good.
pub const SESSION_OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a QUIC connection may stay silent before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The server pings a quiet connection this often, so that NATs keep it.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Who answers the lane's WebTransport sessions.
pub trait QuicSessions: Send + Sync + 'static {
    /// The lane presents a new certificate: its SHA-256 when pages must
    /// name it (self-signed), `None` when browsers check it themselves.
    fn certificate(&self, sha256: Option<[u8; 32]>);

    /// Held while a connection from `client` opens, until it asks for its
    /// session: `None` refuses it (the address has too many opening).
    type Opening: Send + 'static;
    fn opening(&self, client: IpAddr) -> Option<Self::Opening>;

    /// A WebTransport session asked for; `loss` can make its packets drop.
    fn session(
        self: Arc<Self>,
        request: SessionRequest,
        loss: Arc<Loss>,
    ) -> impl Future<Output = ()> + Send;
}

/// The lane, bound; nothing is served yet.
pub struct QuicListener {
    endpoint: quinn::Endpoint,
    loss: Arc<Loss>,
    identity: Identity,
    hosts: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum QuicError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("cannot listen on UDP {addr} for the lab's QUIC lane ({source}). Pick another address with --lab-h3-addr, or turn the lane off with --no-quic")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Binds the lane's UDP socket with `identity`, or with a certificate of
/// its own for `hosts` when `identity` is `None`.
pub fn bind(
    addr: SocketAddr,
    identity: Option<Identity>,
    hosts: &[String],
) -> Result<QuicListener, QuicError> {
    let identity = match identity {
        Some(identity) => identity,
        None => Identity::short_lived(hosts, VALIDITY)?,
    };
    let bind_error = |source| QuicError::Bind { addr, source };
    let socket = UdpSocket::bind(addr).map_err(bind_error)?;
    let udp = TokioRuntime.wrap_udp_socket(socket).map_err(bind_error)?;
    let loss = Arc::new(Loss::default());
    let socket = Arc::new(LossySocket::new(udp, loss.clone()));
    let endpoint = quinn::Endpoint::new_with_abstract_socket(
        EndpointConfig::default(),
        Some(server_config(&identity)?),
        socket,
        Arc::new(TokioRuntime),
    )
    .map_err(bind_error)?;
    Ok(QuicListener {
        endpoint,
        loss,
        identity,
        hosts: hosts.to_vec(),
    })
}

/// quinn's configuration for WebTransport with `identity`, as wtransport
/// builds it (HTTP/3's ALPN, TLS 1.3), with this lane's timeouts.
fn server_config(identity: &Identity) -> Result<quinn::ServerConfig, TlsError> {
    let tls = Arc::unwrap_or_clone(identity.server_config(&[ALPN_H3])?);
    let config = wtransport::ServerConfig::builder()
        .with_bind_default(0)
        .with_custom_tls(tls)
        .keep_alive_interval(Some(KEEP_ALIVE))
        .max_idle_timeout(Some(IDLE_TIMEOUT))
        .expect("a 30 s idle timeout is valid")
        .build();
    Ok(config.quic_config().clone())
}

impl QuicListener {
    pub fn port(&self) -> u16 {
        self.endpoint
            .local_addr()
            .expect("a bound endpoint has an address")
            .port()
    }

    /// Accepts sessions until the task is aborted, handing each to
    /// `sessions`, and renews a generated certificate in time.
    pub fn serve<S: QuicSessions>(self, sessions: Arc<S>) -> tokio::task::JoinHandle<()> {
        let QuicListener {
            endpoint,
            loss,
            identity,
            hosts,
        } = self;
        let self_signed = identity.self_signed;
        sessions.certificate(self_signed.then(|| identity.sha256()));
        tokio::spawn(async move {
            let renewing = async {
                if self_signed {
                    renew(&endpoint, &hosts, sessions.as_ref()).await;
                }
                std::future::pending::<()>().await;
            };
            tokio::select! {
                () = accept(&endpoint, &loss, &sessions) => {}
                () = renewing => {}
            }
        })
    }
}

async fn accept<S: QuicSessions>(endpoint: &quinn::Endpoint, loss: &Arc<Loss>, sessions: &Arc<S>) {
    while let Some(incoming) = endpoint.accept().await {
        let remote = incoming.remote_address();
        if endpoint.open_connections() >= MAX_CONNECTIONS {
            incoming.refuse();
            continue;
        }
        let Some(held) = sessions.opening(remote.ip().to_canonical()) else {
            incoming.refuse();
            continue;
        };
        let (sessions, loss) = (sessions.clone(), loss.clone());
        tokio::spawn(async move {
            let asked = IncomingSessionFuture::with_quic_incoming(incoming);
            let request = tokio::time::timeout(SESSION_OPEN_TIMEOUT, asked).await;
            drop(held);
            match request {
                Ok(Ok(request)) => sessions.session(request, loss).await,
                Ok(Err(error)) => {
                    tracing::debug!("QUIC lane: {remote} did not open a session: {error}")
                }
                // The future dropped, the connection closes.
                Err(_) => tracing::debug!("QUIC lane: {remote} asked for no session in time"),
            }
        });
    }
}

/// Every [`RENEW_AFTER`], a new certificate: new connections get it, open
/// ones keep theirs.
async fn renew<S: QuicSessions>(endpoint: &quinn::Endpoint, hosts: &[String], sessions: &S) {
    loop {
        tokio::time::sleep(RENEW_AFTER).await;
        let renewed = Identity::short_lived(hosts, VALIDITY)
            .and_then(|identity| Ok((server_config(&identity)?, identity.sha256())));
        match renewed {
            Ok((config, sha256)) => {
                endpoint.set_server_config(Some(config));
                sessions.certificate(Some(sha256));
                tracing::info!("QUIC lane: a new certificate, valid for 13 days");
            }
            Err(error) => tracing::warn!("QUIC lane: cannot renew its certificate: {error}"),
        }
    }
}
