//! Serve the real app on 127.0.0.1:0 for a test.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

use realtime_lab::content::ContentStore;
use realtime_lab::realtime::{RealtimeSettings, RealtimeState};
use realtime_lab::server::{app, AppState};

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The site cargo-leptos built (wasm, js, css). The asset tests need it;
/// `scripts/test.sh` builds it before running `cargo test`.
pub fn built_site_root() -> PathBuf {
    let root = manifest_dir().join("target/site");
    let wasm = root.join("pkg/realtime-lab.wasm");
    assert!(
        wasm.is_file(),
        "{} is missing: build the site first with `cargo leptos build --release` \
         (scripts/test.sh does this)",
        wasm.display()
    );
    root
}

/// Starts the app with the lessons of `content_dir` and returns its base URL.
pub async fn serve(content_dir: &Path, site_root: &Path) -> String {
    serve_with(content_dir, site_root, RealtimeSettings::default()).await
}

/// Starts the app with chosen realtime settings (short ticks, small limits).
pub async fn serve_with(
    content_dir: &Path,
    site_root: &Path,
    settings: RealtimeSettings,
) -> String {
    let content = ContentStore::open(content_dir).expect("fixture content loads");
    let state = AppState::new(site_root, content, RealtimeState::start(settings));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    format!("http://{addr}")
}

/// The real course, served with the built site.
pub async fn serve_course() -> String {
    serve(&manifest_dir().join("content"), &built_site_root()).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The body of a GET, as text.
pub async fn get_text(url: &str) -> String {
    client()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The real course with chosen realtime settings, no built site needed.
pub async fn serve_realtime(settings: realtime_lab::realtime::RealtimeSettings) -> String {
    serve_with(
        &manifest_dir().join("content"),
        &manifest_dir().join("target/site"),
        settings,
    )
    .await
}

/// A server with the connection lab's lanes, all on 127.0.0.1 and free ports.
pub struct LabServer {
    pub base: String,
    pub http1_lane: String,
    pub http2_lane: String,
}

pub async fn serve_lab(settings: realtime_lab::realtime::RealtimeSettings) -> LabServer {
    use clap::Parser;
    let config =
        realtime_lab::config::Config::try_parse_from(["realtime-lab", "--addr", "127.0.0.1:0"])
            .unwrap();
    let content = ContentStore::open(manifest_dir().join("content")).unwrap();
    let realtime = RealtimeState::start(settings);
    let router = app(AppState::new(
        &manifest_dir().join("target/site"),
        content,
        realtime.clone(),
    ));
    let lanes = realtime_lab::lanes::start(&config, router.clone(), &realtime)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    LabServer {
        base: format!("http://{addr}"),
        http1_lane: format!("https://127.0.0.1:{}", lanes.http1_port),
        http2_lane: format!("https://127.0.0.1:{}", lanes.http2_port),
    }
}
