//! `GET /api/proxy/{behaviour}/{clock|echo}`: lesson 8's misbehaving
//! proxy. A real reverse proxy in front of this server's own clock and
//! echo: each request is forwarded over a new TCP connection to the site's
//! own address with hyper's HTTP/1.1 client, the answer is passed back, and
//! a `101` becomes a tunnel of bytes both ways. What it does wrong is
//! chosen in the path ([`ProxyBehaviour`]): hold the response back in a
//! buffer, close a connection the server has been quiet on, or drop the
//! hop-by-hop `Upgrade` and `Connection` headers, so that the WebSocket
//! upgrade reaches the server as a plain `GET`.
//!
//! 1. [`proxy_handler`] checks the path, takes one of the proxy's places,
//!    and builds the upstream request ([`upstream_request`]).
//! 2. [`Proxy::connect`] opens the hop, remembered while it is open, so
//!    that the server counts what the hop opens against the learner named
//!    in its `X-Forwarded-For` (see `client::ClientAddr`), not against
//!    the proxy.
//! 3. `relay` passes a response's body on, as the behaviour says; `tunnel`
//!    carries an upgraded connection.
//!
//! `?log={id}` on a request writes what the proxy did with it into a log
//! the page reads back (`GET /api/proxy/log/{id}`, plain text, see `log`),
//! as a host reads nginx's error log.

mod forward;
mod log;
mod relay;
mod tunnel;

use axum::body::Body;
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::TokioIo;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

use super::client::{ClientAddr, ClientRule, ProxyHops};
use super::limits::too_busy;
use crate::model::wire::{ProxyBehaviour, PROXY_IDLE_SECS, PROXY_LIFE_SECS};
use forward::{upstream_request, Target, HOP_BY_HOP};
pub use log::Logs;

/// Connections the proxy carries at once, server-wide. Each also holds a
/// clock stream or an echo socket upstream, counted in the learner's share.
const MOST_CONNECTIONS: usize = 1024;

/// How long the hop may take to connect and to answer with a head.
const UPSTREAM_DEADLINE: Duration = Duration::from_secs(10);

/// The proxy: where the server it fronts listens, and the hops open now.
#[derive(Debug)]
pub struct Proxy {
    upstream: SocketAddr,
    /// The local address of every hop open now: a request from one of
    /// these is the proxy's own (read by `client::ClientAddr`).
    hops: Arc<ProxyHops>,
    places: Arc<Semaphore>,
    logs: Logs,
}

impl Proxy {
    /// A proxy in front of the site listening on `site` (a wildcard
    /// address is reached on loopback).
    pub fn new(site: SocketAddr) -> Arc<Proxy> {
        let ip = match site.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        Arc::new(Proxy {
            upstream: SocketAddr::new(ip, site.port()),
            hops: Arc::default(),
            places: Arc::new(Semaphore::new(MOST_CONNECTIONS)),
            logs: Logs::default(),
        })
    }

    /// The hops open now, for telling the proxy's requests apart.
    pub fn hops(&self) -> Arc<ProxyHops> {
        self.hops.clone()
    }

    /// Opens a hop to the server and sends `request` on it; the hop is
    /// remembered from before the request leaves until it closes.
    async fn send(
        self: &Arc<Self>,
        request: axum::http::Request<Body>,
    ) -> Result<Response<hyper::body::Incoming>, String> {
        let stream = tokio::net::TcpStream::connect(self.upstream)
            .await
            .map_err(|e| format!("cannot reach the server at {}: {e}", self.upstream))?;
        // As the site's own connections: no Nagle delay on the hop.
        let _ = stream.set_nodelay(true);
        let local = stream.local_addr().map_err(|e| e.to_string())?;
        self.hops.insert(local);
        let forget = HopGuard {
            proxy: self.clone(),
            local,
        };
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("the hop's handshake failed: {e}"))?;
        tokio::spawn(async move {
            let _forget = forget;
            let _ = connection.with_upgrades().await;
        });
        sender
            .send_request(request)
            .await
            .map_err(|e| format!("the server did not answer: {e}"))
    }
}

/// Forgets a hop when its connection ends.
struct HopGuard {
    proxy: Arc<Proxy>,
    local: SocketAddr,
}

impl Drop for HopGuard {
    fn drop(&mut self) {
        self.proxy.hops.remove(self.local);
    }
}

/// What the proxy's handlers read.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub proxy: Arc<Proxy>,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/proxy/log/{id}", get(log_handler))
        .route("/api/proxy/{behaviour}/{target}", get(proxy_handler))
        .with_state(routes)
}

/// A path this proxy does not serve: what it does serve, in words.
fn unknown(what: &str, name: &str, accepted: &str) -> Response {
    let message = format!(
        "The proxy has no {what} `{name}`. Use /api/proxy/{{behaviour}}/{{target}}, with a behaviour \
         of {accepted}, and a target of `clock` or `echo`.\n"
    );
    (StatusCode::NOT_FOUND, message).into_response()
}

async fn proxy_handler(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    Path((behaviour, target)): Path<(String, String)>,
    mut request: Request,
) -> Response {
    let accepted = ProxyBehaviour::ALL
        .map(|b| format!("`{}`", b.as_str()))
        .join(", ");
    let Some(behaviour) = ProxyBehaviour::from_name(&behaviour) else {
        return unknown("behaviour", &behaviour, &accepted);
    };
    let Some(target) = Target::from_name(&target) else {
        return unknown("target", &target, &accepted);
    };
    let proxy = routes.proxy.clone();
    let Ok(place) = proxy.places.clone().try_acquire_owned() else {
        return too_busy("proxied connections", MOST_CONNECTIONS);
    };
    let log = proxy.logs.writer(request.uri().query());
    let downstream_upgrade = hyper::upgrade::on(&mut request);
    let (upstream, note) = upstream_request(&request, behaviour, target, client);
    log.line(note);
    let answer = tokio::time::timeout(UPSTREAM_DEADLINE, proxy.send(upstream)).await;
    let mut answer = match answer {
        Ok(Ok(answer)) => answer,
        Ok(Err(problem)) => return bad_gateway(&log, problem),
        Err(_) => return bad_gateway(&log, "the server did not answer within 10 s".into()),
    };
    let status = answer.status();
    if status == StatusCode::SWITCHING_PROTOCOLS {
        let upstream_upgrade = hyper::upgrade::on(&mut answer);
        let limits = tunnel::Limits {
            idle: (behaviour == ProxyBehaviour::IdleClose).then_some(idle_limit()),
            life: (behaviour == ProxyBehaviour::CapsLife).then_some(life_limit()),
        };
        log.line("the server switched protocols (101): carrying the bytes both ways".into());
        tokio::spawn(tunnel::carry(
            downstream_upgrade,
            upstream_upgrade,
            limits,
            log.clone(),
            place,
        ));
        let (mut parts, _) = answer.into_parts();
        parts.headers.remove(header::TRANSFER_ENCODING);
        return Response::from_parts(parts, Body::empty());
    }
    relay::response(answer, behaviour, log, place).await
}

/// How long [`ProxyBehaviour::IdleClose`] waits for the server.
fn idle_limit() -> Duration {
    Duration::from_secs(PROXY_IDLE_SECS)
}

/// How long [`ProxyBehaviour::CapsLife`] lets a response or tunnel live.
fn life_limit() -> Duration {
    Duration::from_secs(PROXY_LIFE_SECS)
}

fn bad_gateway(log: &log::Writer, problem: String) -> Response {
    log.line(format!("502 Bad Gateway: {problem}"));
    let message = format!("502 from the lesson's proxy: {problem}.\n");
    (StatusCode::BAD_GATEWAY, message).into_response()
}

/// The log as plain text, a line each, oldest first (empty for an
/// unknown id): what the page shows, and what a host would `tail`.
async fn log_handler(State(routes): State<Routes>, Path(id): Path<String>) -> Response {
    let mut text = routes.proxy.logs.read(&id).unwrap_or_default().join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_site_address_is_reached_on_loopback() {
        let proxy = Proxy::new("0.0.0.0:3000".parse().unwrap());
        assert_eq!(proxy.upstream, "127.0.0.1:3000".parse().unwrap());
        let proxy = Proxy::new("[::]:3000".parse().unwrap());
        assert_eq!(proxy.upstream, "[::1]:3000".parse().unwrap());
    }
}
