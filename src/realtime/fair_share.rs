//! A fair share for every learner: beside each demo's server-wide cap, a cap
//! per client address, so that one script in the room cannot take every
//! clock stream or echo socket while the others get refused.
//!
//! Behind a proxy every request comes from the proxy's address; with
//! `--trusted-proxy` the client is the address that proxy names in
//! `X-Forwarded-For` (see [`ClientAddr`]).

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use super::lab::ConnectionTag;
use super::RealtimeState;

/// How many of one kind of thing each client address holds, under a limit.
#[derive(Debug)]
pub struct Shares {
    /// What is shared, in the plural: "clock streams".
    what: &'static str,
    /// The flag that raises the limit, for the refusal's advice.
    flag: &'static str,
    limit: usize,
    held: Mutex<HashMap<IpAddr, usize>>,
}

/// One thing held by one client; given back when dropped.
#[derive(Debug)]
pub struct Share {
    shares: Arc<Shares>,
    client: IpAddr,
}

impl Shares {
    pub fn new(what: &'static str, flag: &'static str, limit: usize) -> Arc<Shares> {
        Arc::new(Shares {
            what,
            flag,
            limit,
            held: Mutex::default(),
        })
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// One more for `client`, or a refusal (`429`) if it already holds its share.
    pub fn take(self: &Arc<Self>, client: IpAddr) -> Result<Share, OverShare> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(client).or_default();
        if *count >= self.limit {
            return Err(OverShare {
                shares: self.clone(),
                client,
            });
        }
        *count += 1;
        Ok(Share {
            shares: self.clone(),
            client,
        })
    }

    /// What `client` holds now.
    pub fn held_by(&self, client: IpAddr) -> usize {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.get(&client).copied().unwrap_or_default()
    }
}

/// A client that already holds its share: answered with `429`.
#[derive(Debug)]
pub struct OverShare {
    shares: Arc<Shares>,
    client: IpAddr,
}

impl IntoResponse for OverShare {
    fn into_response(self) -> Response {
        let Shares {
            what, flag, limit, ..
        } = *self.shares;
        let message = format!(
            "Your address ({}) already holds {limit} {what}, its share of this server. \
             Close some (another tab or a script may hold them) and try again in a few seconds. \
             A host whose whole room shares one address can raise the share with {flag}.\n",
            self.client
        );
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "5")],
            message,
        )
            .into_response()
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        let mut held = self
            .shares
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.client);
            }
        }
    }
}

/// The address of the client a request is from: the TCP peer (on a lab
/// lane, the peer its connection tag recorded), or, when that peer is a
/// trusted proxy, the last address in `X-Forwarded-For` that is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<RealtimeState> for ClientAddr {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &RealtimeState,
    ) -> Result<Self, Self::Rejection> {
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
        let trusted: &[IpAddr] = if state.proxy.is_hop(peer) {
            &[peer.ip()]
        } else {
            &state.trusted_proxies
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
    fn a_client_gets_its_share_then_429_and_the_share_comes_back() {
        let shares = Shares::new("clock streams", "--clock-per-client", 2);
        let a = ip("10.0.0.1");
        let first = shares.take(a).unwrap();
        let _second = shares.take(a).unwrap();
        let refused = shares.take(a).unwrap_err().into_response();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "5");
        assert!(
            shares.take(ip("10.0.0.2")).is_ok(),
            "another client is not affected"
        );
        drop(first);
        assert!(shares.take(a).is_ok());
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
