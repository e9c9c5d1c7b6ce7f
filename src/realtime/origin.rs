//! Which pages may open a WebSocket here. Browsers send `Origin` with every
//! upgrade and apply no CORS check to WebSockets, so without this any site a
//! learner visits could open sockets to this server in their name.

use axum::http::uri::Authority;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// Allowed: no `Origin` (not a browser: curl, websocat, tests), the server's
/// own origin (same host and port as the request), or one listed with
/// `--allowed-origin`.
pub fn check(headers: &HeaderMap, uri: &Uri, allowed: &[String]) -> Result<(), ForeignOrigin> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let same_origin = host.is_some_and(|host| authority_of(origin).eq_ignore_ascii_case(host));
    if same_origin || allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
        return Ok(());
    }
    Err(ForeignOrigin(origin.to_string()))
}

/// Whether `Origin` names a page of this site, whichever of its listeners
/// the request came to: the request's own origin, the site's address under
/// the host name the request used (`{scheme}://{host}:{site_port}`, as the
/// lab's lanes see the lesson pages), or one listed with `--allowed-origin`.
/// A request without `Origin` is not from a page: `false`.
pub fn is_site_page(headers: &HeaderMap, uri: &Uri, site_port: u16, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    if check(headers, uri, allowed).is_ok() {
        return true;
    }
    let Ok(origin) = origin.parse::<Uri>() else {
        return false;
    };
    let request_host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<Authority>().ok())
        .or_else(|| uri.authority().cloned());
    let default_port = if origin.scheme_str() == Some("https") {
        443
    } else {
        80
    };
    request_host.is_some_and(|host| {
        origin
            .host()
            .is_some_and(|h| h.eq_ignore_ascii_case(host.host()))
            && origin.port_u16().unwrap_or(default_port) == site_port
    })
}

/// Whether `origin` (an `Origin` header's value) names a page of the host
/// `authority` names, on any of its ports, or one listed with
/// `--allowed-origin`: the QUIC lane's sessions come from the site's pages,
/// on the site's port or a lab lane's, never the lane's own.
pub fn from_this_host(origin: &str, authority: &str, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let (Ok(origin), Ok(authority)) = (origin.parse::<Uri>(), authority.parse::<Authority>())
    else {
        return false;
    };
    origin
        .host()
        .is_some_and(|host| host.eq_ignore_ascii_case(authority.host()))
}

/// An upgrade from another site's page: answered with 403.
#[derive(Debug)]
pub struct ForeignOrigin(String);

impl IntoResponse for ForeignOrigin {
    fn into_response(self) -> Response {
        let message = format!(
            "WebSocket upgrades are accepted from this site's own pages only, not from {}. \
             A host who embeds the demos elsewhere can allow that origin with --allowed-origin.\n",
            self.0
        );
        (StatusCode::FORBIDDEN, message).into_response()
    }
}

/// `https://example.com:8443` → `example.com:8443`.
fn authority_of(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        headers
    }

    #[test]
    fn accepts_the_sites_own_origin_and_non_browsers() {
        let uri = Uri::from_static("/api/echo");
        assert!(check(
            &headers(Some("http://localhost:3000"), "localhost:3000"),
            &uri,
            &[]
        )
        .is_ok());
        assert!(check(&headers(None, "localhost:3000"), &uri, &[]).is_ok());
    }

    #[test]
    fn a_site_page_is_the_sites_port_under_the_name_the_request_used() {
        let uri = Uri::from_static("/api/inspect/sse");
        let on_lane = |origin| headers(Some(origin), "192.168.1.5:3444");
        assert!(is_site_page(
            &on_lane("http://192.168.1.5:3000"),
            &uri,
            3000,
            &[]
        ));
        assert!(is_site_page(
            &on_lane("https://192.168.1.5:3444"),
            &uri,
            3000,
            &[]
        ));
        assert!(!is_site_page(
            &on_lane("http://192.168.1.5:8080"),
            &uri,
            3000,
            &[]
        ));
        assert!(!is_site_page(
            &on_lane("http://evil.example:3000"),
            &uri,
            3000,
            &[]
        ));
        assert!(!is_site_page(
            &headers(None, "192.168.1.5:3444"),
            &uri,
            3000,
            &[]
        ));
        let listed = ["https://workshop.example".to_string()];
        assert!(is_site_page(
            &on_lane("https://workshop.example"),
            &uri,
            3000,
            &listed
        ));
    }

    #[test]
    fn rejects_a_foreign_origin_unless_allowed() {
        let uri = Uri::from_static("/api/echo");
        let foreign = headers(Some("https://evil.example"), "localhost:3000");
        let refused = check(&foreign, &uri, &[]).unwrap_err().into_response();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(check(&foreign, &uri, &["https://evil.example".into()]).is_ok());
        let other_port = headers(Some("http://localhost:3001"), "localhost:3000");
        assert!(check(&other_port, &uri, &[]).is_err());
    }

    #[test]
    fn a_page_of_this_host_on_any_port_or_an_allowed_one() {
        assert!(from_this_host(
            "http://192.168.1.20:3000",
            "192.168.1.20:3445",
            &[]
        ));
        assert!(from_this_host("https://[::1]:3443", "[::1]:3445", &[]));
        assert!(from_this_host(
            "https://LEARN.example.org",
            "learn.example.org:3445",
            &[]
        ));
        assert!(!from_this_host(
            "https://elsewhere.example",
            "learn.example.org:3445",
            &[]
        ));
        let allowed = ["https://elsewhere.example".to_string()];
        assert!(from_this_host(
            "https://elsewhere.example",
            "learn.example.org:3445",
            &allowed
        ));
        assert!(!from_this_host(
            "not an origin",
            "learn.example.org:3445",
            &[]
        ));
    }
}
