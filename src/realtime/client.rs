//! Who a request is from: a fact of its connection, recorded where the
//! connection is accepted (the site's accept loop gives axum the peer; a
//! lab lane adds a [`ConnectionTag`]), read by every endpoint that counts
//! a client's share or logs who asked.
//!
//! Behind a proxy every request comes from the proxy's address; with
//! `--trusted-proxy` the client is the address that proxy names in
//! `X-Forwarded-For`. Lesson 8's proxy is a hop of this server's own: the
//! learner it forwards for is the one its header names ([`ProxyHops`]).

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::model::wire::Lane;

/// Which lane and TCP connection a request arrived on; added by the lanes.
#[derive(Clone, Debug)]
pub struct ConnectionTag {
    pub id: u64,
    pub lane: Lane,
    pub remote: SocketAddr,
}

/// The local address of every hop lesson 8's proxy has open now: a
/// request from one of these is the proxy's own.
#[derive(Debug, Default)]
pub struct ProxyHops(Mutex<HashSet<SocketAddr>>);

impl ProxyHops {
    pub fn contains(&self, peer: SocketAddr) -> bool {
        self.lock().contains(&peer)
    }

    pub fn insert(&self, local: SocketAddr) {
        self.lock().insert(local);
    }

    pub fn remove(&self, local: SocketAddr) {
        self.lock().remove(&local);
    }

    fn lock(&self) -> MutexGuard<'_, HashSet<SocketAddr>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What names a request's client: the proxies trusted to name it
/// (`--trusted-proxy`), and the proxy's own hops. Every endpoint's state
/// carries one, so that [`ClientAddr`] can be extracted there.
#[derive(Clone, Debug, Default)]
pub struct ClientRule {
    pub trusted: Arc<Vec<IpAddr>>,
    pub hops: Arc<ProxyHops>,
}

/// The address of the client a request is from: the TCP peer (on a lab
/// lane, the peer its connection tag recorded), or, when that peer is a
/// trusted proxy, the last address in `X-Forwarded-For` that is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    ClientRule: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectionTag>()
            .map(|tag| tag.remote)
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|info| info.0)
            })
            .ok_or_else(|| {
                let message = "the client address is unknown\n";
                (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
            })?;
        // Lesson 8's proxy, a hop of this server's own: the learner it
        // forwards for is the one its `X-Forwarded-For` names.
        let rule = ClientRule::from_ref(state);
        let trusted: &[IpAddr] = if rule.hops.contains(peer) {
            &[peer.ip()]
        } else {
            &rule.trusted
        };
        Ok(ClientAddr(forwarded_client(
            peer.ip(),
            &parts.headers,
            trusted,
        )))
    }
}

/// `peer` itself unless it is a trusted proxy; then the address it names,
/// read from the right of `X-Forwarded-For` past any other trusted proxy.
fn forwarded_client(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.5".parse().unwrap());
        let proxy = ip("127.0.0.1");
        assert_eq!(forwarded_client(proxy, &headers, &[]), proxy);
        assert_eq!(forwarded_client(proxy, &headers, &[proxy]), ip("10.0.0.5"));
        let two_proxies = [proxy, ip("10.0.0.5")];
        assert_eq!(
            forwarded_client(proxy, &headers, &two_proxies),
            ip("203.0.113.9")
        );
        let spoofed = ip("198.51.100.7");
        assert_eq!(
            forwarded_client(spoofed, &headers, &[proxy]),
            spoofed,
            "not a proxy: its header is ignored"
        );
    }
}
