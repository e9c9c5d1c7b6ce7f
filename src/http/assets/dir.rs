//! The built site served from a folder (`--site-root`), as cargo-leptos
//! leaves it: tower-http's `ServeDir` picks each file's `.br` or `.gz` twin
//! by content negotiation, and answers `If-Modified-Since` and ranges.
//! Files change under a running server here (`cargo leptos watch`), which
//! is why authors keep this mode.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use std::convert::Infallible;
use std::path::Path;
use tower::Service;
use tower_http::services::ServeDir;

use super::bundle::PKG_DIR;

/// Serves `{root}/pkg` under `/pkg` cached as `bundle_cache` says, and the
/// other files of `root` cached as `public_cache`; anything else goes to
/// `not_found`.
pub fn router<S>(
    root: &Path,
    bundle_cache: &'static str,
    public_cache: &'static str,
    not_found: S,
) -> Router
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
{
    let bundle = ServeDir::new(root.join(PKG_DIR))
        .precompressed_br()
        .precompressed_gzip();
    let public = ServeDir::new(root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    Router::new()
        .nest_service(&format!("/{PKG_DIR}"), bundle)
        .layer(axum::middleware::map_response(move |r| {
            with_cache_headers(r, bundle_cache)
        }))
        .fallback_service(public)
        .layer(axum::middleware::map_response(move |r| {
            with_cache_headers(r, public_cache)
        }))
}

/// A found file is cached as `policy` says and varies by encoding; an
/// error is not cached.
async fn with_cache_headers(mut response: Response, policy: &'static str) -> Response {
    let status = response.status();
    if status == StatusCode::OK || status == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        }
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
