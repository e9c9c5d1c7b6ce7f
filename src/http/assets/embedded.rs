//! The built site compiled into the binary, served from memory: what
//! `cargo leptos build --release --precompress` wrote to `target/site`
//! when the server was built (`build.rs` says how it gets there).
//!
//! - Each file is sent as its brotli twin, else its gzip twin, else as it
//!   is, whichever the client takes first (`Vary: Accept-Encoding`).
//! - Each form has a strong `ETag` from the SHA-256 rust-embed computed at
//!   build time; `If-None-Match` with it gets `304 Not Modified`.
//!
//! Why rust-embed: it is widely used and kept up, embeds a folder through a
//! derive (`allow_missing` for a site not built yet), and hands over each
//! file's bytes with the SHA-256 and MIME type it found at build time, and
//! nothing more. The `.br` and `.gz` twins are cargo-leptos's, already made;
//! memory-serve would compress every file again while the server compiles
//! and bring a router with its own cache rules, where this site needs
//! `immutable` for the hashed bundle only. The same crate embeds the lessons
//! as plain data (`crate::content::embedded`). Choosing among the twins is
//! `crate::http::encoding`, shared with the page cache.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rust_embed::{EmbeddedFile, RustEmbed};
use std::borrow::Cow;
use std::convert::Infallible;
use tower::{Service, ServiceExt};

use super::bundle::PKG_DIR;
use crate::http::encoding::{client_has, etag_of, Accepted, Encoding};

/// `target/site` (`site-root` in Cargo.toml) as it was at build time.
#[derive(RustEmbed)]
#[folder = "target/site/"]
#[allow_missing = true]
struct Site;

/// cargo-leptos's `hash.txt` for the embedded site, or empty (`build.rs`).
pub const HASH_FILE: &str = include_str!(concat!(env!("OUT_DIR"), "/hash.txt"));

/// Whether a browser bundle was embedded (the server was built after the
/// site, as `cargo leptos build` does).
pub fn has_bundle() -> bool {
    Site::iter().any(|name| name.starts_with(&format!("{PKG_DIR}/")))
}

/// The SHA-256 of an embedded file (`exercise/exercise.js`), if there is one.
pub fn sha256(path: &str) -> Option<[u8; 32]> {
    Site::get(path).map(|file| file.metadata.sha256_hash())
}

/// How many files are embedded, their twins included.
pub fn file_count() -> usize {
    Site::iter().count()
}

/// Serves the embedded files: `/pkg/…` cached as `bundle_cache` says, the
/// others as `public_cache`; anything else goes to `not_found`.
pub fn router<S>(bundle_cache: &'static str, public_cache: &'static str, not_found: S) -> Router
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
{
    let files = tower::service_fn(move |request: Request| {
        let not_found = not_found.clone();
        async move {
            let path = request.uri().path().trim_start_matches('/');
            let policy = if path.starts_with(&format!("{PKG_DIR}/")) {
                bundle_cache
            } else {
                public_cache
            };
            match respond(&request, policy) {
                Some(response) => Ok(response),
                None => not_found.oneshot(request).await,
            }
        }
    });
    Router::new().fallback_service(files)
}

/// The response for an embedded file, or `None` when there is no such file.
fn respond(request: &Request, policy: &'static str) -> Option<Response> {
    let path = request.uri().path().trim_start_matches('/');
    let file = Site::get(path)?;
    let head = request.method() == Method::HEAD;
    if !head && request.method() != Method::GET {
        let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
        let allow = HeaderValue::from_static("GET, HEAD");
        response.headers_mut().insert(header::ALLOW, allow);
        return Some(response);
    }
    let accepted = Accepted::from(request.headers());
    let (encoding, form) = Encoding::PREFERRED
        .into_iter()
        .filter(|e| accepted.takes(*e))
        .find_map(|e| match e {
            Encoding::Identity => Some((e, file.clone())),
            _ => Some((e, Site::get(&format!("{path}{}", e.file_suffix()))?)),
        })?;
    let etag = etag_of(&form.metadata.sha256_hash());
    let mut response = if client_has(request.headers(), &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let length = form.data.len();
        let mut response = Response::new(if head { Body::empty() } else { body(form) });
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LENGTH, length.into());
        if let Ok(content_type) = HeaderValue::from_str(file.metadata.mimetype()) {
            headers.insert(header::CONTENT_TYPE, content_type);
        }
        if let Some(coding) = encoding.header() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    // A 304 carries these too: they update what the client has cached.
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    Some(response)
}

/// The file's bytes, borrowed from the binary without a copy.
fn body(file: EmbeddedFile) -> Body {
    match file.data {
        Cow::Borrowed(bytes) => Body::from(Bytes::from_static(bytes)),
        Cow::Owned(bytes) => Body::from(bytes),
    }
}
