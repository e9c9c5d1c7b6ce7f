//! A fair share for every learner: beside each demo's server-wide cap, a cap
//! per client address, so that one script in the room cannot take every
//! clock stream or echo socket while the others get refused.
//!
//! Behind a proxy every request comes from the proxy's address; with
//! `--trusted-proxy` the client is the address that proxy names in
//! `X-Forwarded-For` (see [`ClientAddr`]).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Clock streams, echo sockets and lab streams one client address may hold
/// by default: a room of a hundred learners behind one NAT, a few tabs
/// each, fits, while one greedy script gets at most a quarter of the
/// server's 2000.
pub const PER_CLIENT: usize = 500;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
