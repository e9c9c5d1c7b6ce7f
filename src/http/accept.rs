//! How every listener takes connections: at most `--max-connections` open
//! at once per listener (the next waits in the kernel's backlog, unread), a
//! deadline for each request's head (`--header-timeout-secs`), so slow or
//! silent clients cannot hold the server, and a graceful stop.
//!
//! The site's plain-HTTP listener is served here, HTTP/1.1 only; the lab's
//! TLS lanes speak HTTP/2 and HTTP/1.1 through hyper-util's auto
//! [`builder`], behind the same [`Gate`] (`crate::http::lanes`).

use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use super::read_ahead::ReadAhead;
use super::tap::{TapFinder, Tapped};

/// The HTTP/2 `SETTINGS_MAX_CONCURRENT_STREAMS` this server sends: hyper's
/// default, set here so that the number lesson 6 quotes is this file's to keep.
pub const HTTP2_MAX_CONCURRENT_STREAMS: u32 = 200;

/// What one listener allows its connections.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Open connections at once; more wait to be accepted.
    pub max_connections: usize,
    /// Time a client has to send a request's head (HTTP/1.1).
    pub header_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 8192,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

/// HTTP/1.1 with a deadline for the head; HTTP/2 with RFC 8441's extended
/// CONNECT (`SETTINGS_ENABLE_CONNECT_PROTOCOL = 1`), so a browser can carry
/// a WebSocket inside the HTTP/2 connection.
pub fn builder(limits: &ConnectionLimits) -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(HTTP2_MAX_CONCURRENT_STREAMS)
        .enable_connect_protocol();
    builder
}

/// One request's answer from the app, boxed.
pub type Call = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// `app` as hyper calls it: `prepare` first adds what the connection knows
/// to each request (its address, its lab tag), then the router answers.
///
/// Each call's future is boxed, and freed once the response's head is
/// out. Unboxed (hyper-util's `TowerToHyperService`), it is 328 bytes,
/// with the request in it, and hyper keeps room for it for as long as the
/// response lasts: in each HTTP/2 stream's task, whose size it doubled
/// (512 bytes instead of 256), and in each HTTP/1.1 connection, in a box of
/// 384 bytes made once per connection (`-Zprint-type-sizes`,
/// docs/lean-where-the-bytes-go.md). For a clock stream that never ends,
/// that room is never used again.
pub fn hyper_service(
    app: Router,
    prepare: impl Fn(&mut Request<Incoming>) + Clone + Send + Sync + 'static,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response,
    Error = Infallible,
    Future = Call,
> + Clone {
    hyper::service::service_fn(move |mut request: Request<Incoming>| {
        prepare(&mut request);
        Box::pin(app.clone().oneshot(request)) as Call
    })
}

/// The cap on a listener's open connections.
#[derive(Clone, Debug)]
pub struct Gate {
    permits: Arc<Semaphore>,
    capacity: u32,
}

impl Gate {
    pub fn new(limits: &ConnectionLimits) -> Self {
        let capacity = limits.max_connections.clamp(1, u32::MAX as usize) as u32;
        Gate {
            permits: Arc::new(Semaphore::new(capacity as usize)),
            capacity,
        }
    }

    /// Resolves once every connection this gate let in has closed.
    pub async fn all_closed(&self) {
        let _ = self.permits.acquire_many(self.capacity).await;
    }

    /// Waits for room for one more connection, then accepts it; the permit
    /// is held for as long as the connection is open.
    pub async fn accept(
        &self,
        listener: &TcpListener,
    ) -> (tokio::net::TcpStream, SocketAddr, OwnedSemaphorePermit) {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the gate's semaphore is never closed");
        loop {
            match listener.accept().await {
                Ok((tcp, remote)) => {
                    // Every event and message here is small and wanted now:
                    // without this, Nagle's algorithm holds a write back
                    // until the peer's delayed ACK of the one before (up to
                    // 200 ms on Linux; measured: a room's move reached some
                    // pages 230 ms after others).
                    if let Err(error) = tcp.set_nodelay(true) {
                        tracing::debug!("TCP_NODELAY not set for {remote}: {error}");
                    }
                    return (tcp, remote, permit);
                }
                Err(error) => {
                    // Out of file descriptors, most likely: wait rather than spin.
                    let at = listener
                        .local_addr()
                        .map(|a| a.to_string())
                        .unwrap_or_default();
                    tracing::warn!("{at}: cannot accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// The site's connections: HTTP/1.1 only, with a deadline for each
/// request's head. Browsers speak HTTP/2 only over TLS (the lab's lanes,
/// `crate::http::lanes`), and a proxy in front speaks HTTP/1.1 to this port, so
/// the site needs no HTTP/2; and a connection from hyper's HTTP/1.1 builder
/// costs about 6 KiB less than one from the auto [`builder`], which is
/// ready for either protocol (docs/lean-under-load.md).
fn site_builder(limits: &ConnectionLimits) -> hyper::server::conn::http1::Builder {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
}

/// Accepts on `listener` until `shutdown` resolves, then lets each open
/// connection finish its requests and waits for them (upgraded sockets end
/// on their own: see `realtime::Stopping`). A request line that names one
/// of `taps` starts copying its connection (`super::tap`).
pub async fn serve(
    listener: TcpListener,
    (app, taps): (Router, Option<Arc<dyn TapFinder>>),
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let builder = Arc::new(site_builder(&limits));
    let gate = Gate::new(&limits);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = gate.accept(&listener) => accepted,
            () = &mut shutdown => break,
        };
        let (tcp, remote, permit) = accepted;
        let (app, builder, mut stopping) = (app.clone(), builder.clone(), stopping.clone());
        // The tap wraps the stream here, so that the task holds the finder
        // once, inside it, not beside it as well (16 bytes a connection).
        let tcp = Tapped::http1(tcp, taps.clone());
        // The connection is made in its task. Made here and moved in, it
        // would be pinned there by a second move, and the task would keep
        // room for it twice for as long as it is open (rust-lang/rust#62958).
        tokio::spawn(async move {
            let service = hyper_service(app, move |request| {
                request.extensions_mut().insert(ConnectInfo(remote));
            });
            let connection = builder
                .serve_connection(TokioIo::new(ReadAhead::new(tcp)), service)
                .with_upgrades();
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = async { drop(stopping.wait_for(|stopping| *stopping).await) } => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = ended {
                tracing::debug!("connection from {remote} ended: {error}");
            }
            drop(permit);
        });
    }
    drop(listener);
    stop.send_replace(true);
    gate.all_closed().await;
}

/// Connections the kernel may queue before the server accepts them. A room
/// whose browsers all connect at once overflows tokio's default of 1024, and
/// each dropped connect is retried a whole second later.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds a listener with [`LISTEN_BACKLOG`] (the kernel caps it at somaxconn).
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}
