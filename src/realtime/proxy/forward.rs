//! The request as the proxy forwards it: less the hop-by-hop headers and
//! those `Connection` names, with `Upgrade` passed on or stripped as the
//! behaviour says, and `X-Forwarded-For` added.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use std::net::IpAddr;

use crate::model::wire::ProxyBehaviour;

/// What the proxy stands in front of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Clock,
    Echo,
}

impl Target {
    pub fn from_name(name: &str) -> Option<Target> {
        match name {
            "clock" => Some(Target::Clock),
            "echo" => Some(Target::Echo),
            _ => None,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Target::Clock => "/api/clock",
            Target::Echo => "/api/echo",
        }
    }
}

/// Headers that belong to one hop of a connection (RFC 9110, section 7.6.1),
/// never forwarded as they are.
pub const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
];

/// The query as forwarded: less the two parameters that name this hop
/// rather than the server's request, the proxy's own `log` and the wire
/// view's `tap` (the browser's connection to the proxy is the one tapped).
fn forwarded_query(query: Option<&str>) -> Option<String> {
    let ours = |pair: &str| {
        ["log", "tap"]
            .iter()
            .any(|name| pair.split('=').next() == Some(name))
    };
    let rest: Vec<&str> = query?
        .split('&')
        .filter(|pair| !pair.is_empty() && !ours(pair))
        .collect();
    (!rest.is_empty()).then(|| rest.join("&"))
}

/// The request as the proxy forwards it, and a log line saying how.
pub fn upstream_request(
    request: &Request,
    behaviour: ProxyBehaviour,
    target: Target,
    client: IpAddr,
) -> (axum::http::Request<Body>, String) {
    let query = forwarded_query(request.uri().query());
    let path = match &query {
        Some(query) => format!("{}?{query}", target.path()),
        None => target.path().to_string(),
    };
    let mut headers = end_to_end(request.headers());
    let asks_upgrade = wants_upgrade(request.headers());
    let mut note = format!("GET {path}");
    match (asks_upgrade, behaviour) {
        (Some(protocol), ProxyBehaviour::StripsUpgrade) => {
            headers.remove(header::UPGRADE);
            note.push_str(&format!(
                ": forwarded without `Upgrade: {}` and `Connection: upgrade` (hop-by-hop \
                 headers, and this proxy was not told to pass them)",
                protocol.to_str().unwrap_or("?")
            ));
        }
        (Some(protocol), _) => {
            headers.insert(header::UPGRADE, protocol);
            headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
            note.push_str(": forwarded with `Upgrade` and `Connection: upgrade`");
        }
        (None, _) => note.push_str(": forwarded"),
    }
    if let Ok(client) = HeaderValue::from_str(&client.to_string()) {
        headers.insert(HeaderName::from_static("x-forwarded-for"), client);
    }
    let mut upstream = axum::http::Request::new(Body::empty());
    *upstream.uri_mut() = path
        .parse()
        .unwrap_or_else(|_| target.path().parse().unwrap());
    *upstream.headers_mut() = headers;
    (upstream, note)
}

/// The request's headers less the hop-by-hop ones, and less any that its
/// `Connection` header names. `Upgrade` stays: whether it goes on is the
/// behaviour's choice.
fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|token| token.trim().to_ascii_lowercase())
        .filter(|token| token != "upgrade")
        .collect();
    let mut kept = headers.clone();
    for name in HOP_BY_HOP
        .iter()
        .copied()
        .chain(named.iter().map(String::as_str))
    {
        kept.remove(name);
    }
    kept
}

/// The protocol asked for, when the request asks to upgrade.
fn wants_upgrade(headers: &HeaderMap) -> Option<HeaderValue> {
    let connection_upgrade = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"));
    connection_upgrade
        .then(|| headers.get(header::UPGRADE).cloned())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_id_and_the_tap_are_not_forwarded() {
        assert_eq!(
            forwarded_query(Some("every=10&log=a&heartbeat=2&tap=b")).as_deref(),
            Some("every=10&heartbeat=2")
        );
        assert_eq!(forwarded_query(Some("log=a")), None);
        assert_eq!(forwarded_query(Some("tap")), None);
        assert_eq!(forwarded_query(Some("taps=1")).as_deref(), Some("taps=1"));
        assert_eq!(forwarded_query(None), None);
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        headers
    }

    #[test]
    fn hop_by_hop_headers_and_those_connection_names_are_not_forwarded() {
        let kept = end_to_end(&headers(&[
            ("connection", "keep-alive, x-secret, Upgrade"),
            ("keep-alive", "timeout=5"),
            ("x-secret", "1"),
            ("upgrade", "websocket"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("host", "localhost:3000"),
        ]));
        assert!(kept.get("connection").is_none());
        assert!(kept.get("keep-alive").is_none());
        assert!(kept.get("x-secret").is_none(), "named in Connection");
        assert_eq!(kept["upgrade"], "websocket", "the behaviour decides");
        assert_eq!(
            kept["host"], "localhost:3000",
            "the echo checks Origin against it"
        );
        assert!(kept.get("sec-websocket-key").is_some());
    }

    #[test]
    fn an_upgrade_is_asked_for_by_connection_and_upgrade_together() {
        let asks = headers(&[
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "websocket"),
        ]);
        assert_eq!(wants_upgrade(&asks).unwrap(), "websocket");
        assert!(wants_upgrade(&headers(&[("upgrade", "websocket")])).is_none());
        assert!(wants_upgrade(&headers(&[("connection", "upgrade")])).is_none());
    }
}
