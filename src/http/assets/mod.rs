//! The built site's files: the browser bundle under `/pkg` and the public
//! files beside it, as `cargo leptos build --release -P` writes them, from
//! one of two places:
//!
//! - [`embedded`]: compiled into the binary (the default), so the binary
//!   alone serves the whole site;
//! - [`dir`]: a folder named by `--site-root`, read on each request, for
//!   authors who rebuild the site under a running server.
//!
//! Either way:
//!
//! - Names under `/pkg` carry a content hash (cargo-leptos's `hash-files`;
//!   the names are in its `hash.txt`, see [`bundle`]), so they are cached
//!   for a year (`immutable`) and a new build gets new names. Public files
//!   are cached for an hour.
//! - Each file has `.br` and `.gz` twins compressed at build time; they are
//!   served by content negotiation and nothing is compressed per request.

pub mod bundle;
mod dir;
mod embedded;

use axum::extract::Request;
use axum::response::Response;
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::Service;

use bundle::{Bundle, PKG_DIR};

const OUTPUT_NAME: &str = env!("CARGO_PKG_NAME");
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const PUBLIC_FILES: &str = "public, max-age=3600";

/// Where the built site is, and its bundle's names.
#[derive(Clone, Debug)]
pub struct SiteAssets {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The folder of `--site-root`, or `None` for the embedded site.
    folder: Option<PathBuf>,
    bundle: Bundle,
}

impl SiteAssets {
    /// The site compiled into the binary. Logs what it holds, and says
    /// what to do when the binary was built without a site.
    pub fn embedded() -> Self {
        let bundle = if !embedded::has_bundle() {
            tracing::warn!(
                "no site is embedded in this binary (it was compiled before the site was \
                 built): pages will render but their live demos will not come alive. Build \
                 with `scripts/serve.sh` (or `cargo leptos build --release --precompress \
                 --split`), or pass --site-root with a built site."
            );
            Bundle::unhashed()
        } else if let Some(bundle) = Bundle::from_hash_file(embedded::HASH_FILE) {
            tracing::info!(
                "site: embedded in the binary ({} files)",
                embedded::file_count()
            );
            bundle
        } else {
            warn_unhashed("the embedded site came without cargo-leptos's hash.txt");
            Bundle::unhashed()
        };
        SiteAssets::new(None, bundle)
    }

    /// A built site in a folder, with cargo-leptos's `hash.txt` beside the
    /// running binary (or one folder up, where test binaries run from).
    pub fn from_folder(site_root: &Path) -> Self {
        if !site_root.join(PKG_DIR).is_dir() {
            tracing::warn!(
                "{} is missing: pages will render but their live demos will not come alive. \
                 Build the site with `scripts/serve.sh` (or `cargo leptos build --release -P`), \
                 or point --site-root at a built site.",
                site_root.join(PKG_DIR).display()
            );
        }
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let bundle = [exe_dir.join("hash.txt"), exe_dir.join("../hash.txt")]
            .into_iter()
            .find_map(|file| Bundle::from_hash_file(&std::fs::read_to_string(file).ok()?));
        let bundle = bundle.unwrap_or_else(|| {
            warn_unhashed("no hash.txt beside the binary");
            Bundle::unhashed()
        });
        tracing::info!("site: {}", site_root.display());
        SiteAssets::new(Some(site_root.to_path_buf()), bundle)
    }

    fn new(folder: Option<PathBuf>, bundle: Bundle) -> Self {
        SiteAssets {
            inner: Arc::new(Inner { folder, bundle }),
        }
    }

    /// The bundle's file names, as pages link them.
    pub fn bundle(&self) -> &Bundle {
        &self.inner.bundle
    }

    /// The options Leptos needs. The bundle's names are not among them:
    /// Leptos would read them from a `hash.txt` on disk on every page, so
    /// the pages take them from [`SiteAssets::bundle`] instead.
    pub fn leptos_options(&self) -> LeptosOptions {
        let builder = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_pkg_dir(PKG_DIR)
            .hash_files(false);
        match &self.inner.folder {
            Some(folder) => builder.site_root(folder.to_string_lossy().as_ref()).build(),
            None => builder.build(),
        }
    }

    pub fn stylesheet_href(&self) -> String {
        self.inner.bundle.css_href()
    }

    /// `/{path}?v=…` for a public file of the site (outside `/pkg`), the
    /// version a short hash of its content, so that a page names a new file
    /// when it changes although public files are cached for an hour; `None`
    /// if the site has no such file.
    pub fn versioned_href(&self, path: &str) -> Option<String> {
        let digest = match &self.inner.folder {
            Some(folder) => {
                let bytes = std::fs::read(folder.join(path)).ok()?;
                let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
                digest.as_ref().to_vec()
            }
            None => embedded::sha256(path)?.to_vec(),
        };
        let version: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        Some(format!("/{path}?v={version}"))
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
        let bundle_cache = if self.inner.bundle.is_hashed() {
            IMMUTABLE
        } else {
            PUBLIC_FILES
        };
        match &self.inner.folder {
            Some(root) => dir::router(root, bundle_cache, PUBLIC_FILES, not_found),
            None => embedded::router(bundle_cache, PUBLIC_FILES, not_found),
        }
    }
}

fn warn_unhashed(why: &str) {
    tracing::warn!(
        "{why}: serving /pkg under unhashed names, cached for an hour only. \
         Build with `cargo leptos build --release -P`."
    );
}
