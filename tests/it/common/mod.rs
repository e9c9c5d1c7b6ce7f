//! Serve the real app on 127.0.0.1:0 for a test.

pub mod room;

use std::path::{Path, PathBuf};
use std::time::Duration;

use realtime_lab::config::Config;
use realtime_lab::content::ContentStore;
use realtime_lab::http::assets::SiteAssets;
use realtime_lab::realtime::{ClockSettings, RealtimeSettings};
use realtime_lab::server::{self, Settings};

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The site cargo-leptos built (wasm, js, css). The asset tests need it;
/// `scripts/test.sh` builds it before running `cargo test`.
pub fn built_site_root() -> PathBuf {
    let root = manifest_dir().join("target/site");
    assert!(
        root.join("pkg").is_dir(),
        "{} is missing: build the site first with `cargo leptos build --release -P` \
         (scripts/test.sh does this)",
        root.join("pkg").display()
    );
    root
}

/// A running server: its base URL and, with the lab on, its lanes.
pub struct Served {
    pub base: String,
    pub http1_lane: String,
    pub http2_lane: String,
    /// The QUIC lane's `https://127.0.0.1:{port}`, empty when it is off.
    pub quic_lane: String,
}

/// Starts the app through `server::start`, as `main` does: `flags` are
/// parsed as the command line is (after `--addr 127.0.0.1:0`), and each
/// reaches the server. `realtime` then adjusts what no flag can say (a
/// 40 ms tick); [`replace`] swaps in settings built whole.
pub async fn start(
    content_dir: &Path,
    site_root: &Path,
    flags: &[&str],
    realtime: impl FnOnce(&mut RealtimeSettings),
) -> Served {
    let content = ContentStore::open(content_dir).expect("fixture content loads");
    start_with(content, site_root, flags, realtime).await
}

/// As [`start`], serving an open content store (a test may watch it).
pub async fn start_with(
    content: ContentStore,
    site_root: &Path,
    flags: &[&str],
    realtime: impl FnOnce(&mut RealtimeSettings),
) -> Served {
    let mut args = vec!["realtime-lab", "--addr", "127.0.0.1:0"];
    args.extend_from_slice(flags);
    let config = <Config as clap::Parser>::try_parse_from(args).expect("valid test flags");
    let mut settings = Settings::from_config(&config);
    realtime(&mut settings.realtime);
    let assets = SiteAssets::from_folder(site_root);
    let running = server::start(settings, content, assets, std::future::pending())
        .await
        .expect("the server starts on free ports of 127.0.0.1");
    let base = format!("http://{}", running.site);
    let lane = |port: Option<u16>| {
        port.map(|p| format!("https://127.0.0.1:{p}"))
            .unwrap_or_default()
    };
    let served = Served {
        base,
        http1_lane: lane(running.lab.as_ref().map(|l| l.http1_port)),
        http2_lane: lane(running.lab.as_ref().map(|l| l.http2_port)),
        quic_lane: lane(running.lab.as_ref().and_then(|l| l.http3_port)),
    };
    tokio::spawn(running.stopped());
    served
}

/// For [`start`]: use `settings` as they are, in place of the flags' own
/// realtime settings (the callers that give settings pass no realtime flag).
pub fn replace(settings: RealtimeSettings) -> impl FnOnce(&mut RealtimeSettings) {
    move |realtime| *realtime = settings
}

/// For [`start`]: the realtime settings just as the flags make them.
pub fn as_flagged(_: &mut RealtimeSettings) {}

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
    start(content_dir, site_root, &["--no-lab"], replace(settings))
        .await
        .base
}

/// The real course, served with the built site.
pub async fn serve_course() -> String {
    serve(&manifest_dir().join("content"), &built_site_root()).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A client whose connections come from `ip` (any 127.0.0.0/8 address on
/// Linux): two "learners" on one machine.
pub fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
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

/// Default settings but for the clock's period.
pub fn clock_ticking_every(tick: Duration) -> RealtimeSettings {
    RealtimeSettings {
        clock: ClockSettings {
            tick,
            ..ClockSettings::default()
        },
        ..RealtimeSettings::default()
    }
}

/// The wall clock, as the server's clock counts it: tick N is at N periods
/// after the Unix epoch.
pub fn since_epoch() -> Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
}

/// The real course with chosen realtime settings, no built site needed.
pub async fn serve_realtime(settings: RealtimeSettings) -> String {
    serve_with(
        &manifest_dir().join("content"),
        &manifest_dir().join("target/site"),
        settings,
    )
    .await
}

/// A server with the connection lab's lanes, all on 127.0.0.1 and free ports.
pub async fn serve_lab(settings: RealtimeSettings) -> Served {
    start(
        &manifest_dir().join("content"),
        &manifest_dir().join("target/site"),
        &[],
        replace(settings),
    )
    .await
}

/// A lab server using a certificate made for this test, and a TLS client
/// configuration that trusts it (no ALPN set: the caller chooses).
pub struct TrustedLab {
    pub served: Served,
    pub tls: tokio_rustls::rustls::ClientConfig,
    _certificate: tempfile::TempDir,
}

pub async fn serve_trusted_lab(settings: RealtimeSettings) -> TrustedLab {
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let flags = [
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ];
    let content = manifest_dir().join("content");
    let site = manifest_dir().join("target/site");
    let served = start(&content, &site, &flags, replace(settings)).await;
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.add(generated.cert.der().clone()).unwrap();
    let tls = tokio_rustls::rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TrustedLab {
        served,
        tls,
        _certificate: dir,
    }
}

/// A TLS connection to a lane (`https://127.0.0.1:PORT`), checked against
/// the test's certificate.
pub async fn connect_tls(
    lane: &str,
    tls: tokio_rustls::rustls::ClientConfig,
) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    let addr = lane.trim_start_matches("https://");
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    tokio_rustls::TlsConnector::from(std::sync::Arc::new(tls))
        .connect(name, tcp)
        .await
        .unwrap()
}
