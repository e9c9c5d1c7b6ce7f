//! flags → tracing → content → listeners → state → `server::run`. The site
//! and the lessons are the ones embedded in the binary unless a flag names
//! a folder.

use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

use realtime_lab::config::Config;
use realtime_lab::content::store::Watcher;
use realtime_lab::content::ContentStore;
use realtime_lab::realtime::RealtimeState;
use realtime_lab::server::assets::SiteAssets;
use realtime_lab::server::{self, AppState, Listeners};

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let content = match &config.content_dir {
        Some(dir) => ContentStore::open(dir),
        None => ContentStore::embedded(),
    };
    let content = match content {
        Ok(content) => content,
        Err(errors) => {
            eprintln!("{errors}Fix the lessons above and start again.");
            return ExitCode::FAILURE;
        }
    };
    let lessons = content.course().lessons().len();
    if config.check {
        println!("{lessons} lessons in {} are fine.", content.origin());
        return ExitCode::SUCCESS;
    }
    let _watcher = watch_lessons(&content, config.no_watch);

    let listeners = match Listeners::bind(&config) {
        Ok(listeners) => listeners,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let lab = listeners.lanes.as_ref().map(|lanes| lanes.info().clone());
    let realtime = RealtimeState::start(config.realtime(), lab.clone());
    let assets = match &config.site_root {
        Some(folder) => SiteAssets::from_folder(folder),
        None => SiteAssets::embedded(),
    };
    tracing::info!("{lessons} lessons from {}", content.origin());
    let state = AppState::new(assets, content, realtime);
    announce(&format!(
        "Realtime Lab is running: open http://{}/",
        listeners.site_addr()
    ));
    if let Some(lab) = lab {
        announce(&format!(
            "Connection lab lanes: HTTP/2 https://localhost:{}/ and HTTP/1.1 only https://localhost:{}/",
            lab.http2_port, lab.http1_port
        ));
        if lab.self_signed {
            announce(&format!(
                "  self-signed certificate, SHA-256 fingerprint {}",
                lab.fingerprint
            ));
        }
    }

    server::run(listeners, state, shutdown_signal()).await;
    ExitCode::SUCCESS
}

/// Reloads the lessons when a file of their folder changes, unless told
/// not to; the course built into the binary never changes.
fn watch_lessons(content: &ContentStore, no_watch: bool) -> Option<Watcher> {
    if content.dir().is_none() {
        tracing::info!(
            "lessons: the course built into this binary, without live reload \
             (--content-dir serves a folder that reloads when a lesson changes)"
        );
        return None;
    }
    if no_watch {
        return None;
    }
    content
        .watch()
        .inspect_err(|e| tracing::warn!("live reload of lessons is off: {e}"))
        .ok()
}

/// A line for the host on standard output. A closed stdout (the reader
/// went away) must not take the server down, as `println!` would.
fn announce(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
