//! The built site's files: the browser bundle under `/pkg` and the public
//! files beside it, as `cargo leptos build --release -P` writes them.
//!
//! - Names under `/pkg` carry a content hash (cargo-leptos's `hash-files`;
//!   the hashes are in `hash.txt` beside the binary), so they are cached
//!   for a year (`immutable`) and a new build gets new names.
//! - Each file has `.br` and `.gz` twins compressed at build time; they are
//!   served by content negotiation and nothing is compressed per request.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::Service;
use tower_http::services::ServeDir;

const OUTPUT_NAME: &str = env!("CARGO_PKG_NAME");
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const PUBLIC_FILES: &str = "public, max-age=3600";

/// Where the built site is, and the hashes of its bundle files.
#[derive(Clone, Debug)]
pub struct SiteAssets {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    site_root: PathBuf,
    /// `hash.txt` as cargo-leptos wrote it, with the CSS file's hash.
    hashes: Option<(PathBuf, String)>,
}

impl SiteAssets {
    /// Looks for cargo-leptos's `hash.txt` beside the running binary (or
    /// one folder up, where test binaries run from).
    pub fn discover(site_root: &Path) -> Self {
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let hashes = [exe_dir.join("hash.txt"), exe_dir.join("../hash.txt")]
            .into_iter()
            .find_map(|file| {
                let text = std::fs::read_to_string(&file).ok()?;
                let css = css_hash(&text)?;
                Some((file.canonicalize().unwrap_or(file), css))
            });
        if hashes.is_none() {
            tracing::warn!(
                "no hash.txt beside the binary: serving /pkg under unhashed names, \
                 cached for an hour only. Build with `cargo leptos build --release -P`."
            );
        }
        SiteAssets {
            inner: Arc::new(Inner {
                site_root: site_root.to_path_buf(),
                hashes,
            }),
        }
    }

    /// The options Leptos needs to name the bundle in a page.
    pub fn leptos_options(&self) -> LeptosOptions {
        let builder = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(self.inner.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg");
        match &self.inner.hashes {
            Some((file, _)) => builder
                .hash_files(true)
                .hash_file(Arc::from(file.to_string_lossy().as_ref()))
                .build(),
            None => builder.build(),
        }
    }

    pub fn stylesheet_href(&self) -> String {
        match &self.inner.hashes {
            Some((_, css)) => format!("/pkg/{OUTPUT_NAME}.{css}.css"),
            None => format!("/pkg/{OUTPUT_NAME}.css"),
        }
    }

    /// Serves `/pkg` and the public files; anything else goes to `not_found`.
    pub fn router<S>(&self, not_found: S) -> Router
    where
        S: Service<Request, Response = Response, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        let root = &self.inner.site_root;
        let bundle_cache = if self.inner.hashes.is_some() {
            IMMUTABLE
        } else {
            PUBLIC_FILES
        };
        let bundle = ServeDir::new(root.join("pkg"))
            .precompressed_br()
            .precompressed_gzip();
        let public = ServeDir::new(root)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(not_found);
        Router::new()
            .nest_service("/pkg", bundle)
            .layer(axum::middleware::map_response(move |r| {
                with_cache_headers(r, bundle_cache)
            }))
            .fallback_service(public)
            .layer(axum::middleware::map_response(|r| {
                with_cache_headers(r, PUBLIC_FILES)
            }))
    }
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

/// The CSS line of cargo-leptos's hash file (`css: <hash>`).
fn css_hash(hash_file: &str) -> Option<String> {
    hash_file.lines().find_map(|line| {
        let (kind, hash) = line.split_once(':')?;
        (kind.trim() == "css").then(|| hash.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_css_hash_from_cargo_leptos_hash_file() {
        let file = "js: abc\nwasm: def\ncss: Xy_z-1\n";
        assert_eq!(css_hash(file).as_deref(), Some("Xy_z-1"));
        assert_eq!(css_hash("js: abc\n"), None);
    }
}
