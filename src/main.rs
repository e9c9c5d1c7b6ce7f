//! flags → tracing → content → listeners → state → `server::run`.

use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

use realtime_lab::config::Config;
use realtime_lab::content::ContentStore;
use realtime_lab::realtime::RealtimeState;
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

    let content = match ContentStore::open(&config.content_dir) {
        Ok(content) => content,
        Err(errors) => {
            eprintln!("{errors}Fix the lessons above and start again.");
            return ExitCode::FAILURE;
        }
    };
    let lessons = content.course().lessons().len();
    if config.check {
        println!(
            "{lessons} lessons in {} are fine.",
            config.content_dir.display()
        );
        return ExitCode::SUCCESS;
    }
    let _watcher = if config.no_watch {
        None
    } else {
        content
            .watch()
            .inspect_err(|e| tracing::warn!("live reload of lessons is off: {e}"))
            .ok()
    };

    let listeners = match Listeners::bind(&config) {
        Ok(listeners) => listeners,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let lab = listeners.lanes.as_ref().map(|lanes| lanes.info().clone());
    let realtime = RealtimeState::start(config.realtime(), lab.clone());
    let state = AppState::new(&config.site_root, content, realtime);
    warn_if_site_not_built(&config.site_root);
    tracing::info!("{lessons} lessons from {}", config.content_dir.display());
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

/// A line for the host on standard output. A closed stdout (the reader
/// went away) must not take the server down, as `println!` would.
fn announce(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}

fn warn_if_site_not_built(site_root: &std::path::Path) {
    if !site_root.join("pkg").is_dir() {
        tracing::warn!(
            "{} is missing: pages will render but their live demos will not come alive. \
             Build the site with `scripts/serve.sh` (or `cargo leptos build --release -P`), \
             or point --site-root at a built site.",
            site_root.join("pkg").display()
        );
    }
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
