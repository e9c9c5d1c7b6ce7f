//! flags → tracing → content → `server::start` (the one composition root,
//! which the tests call too) → the host's messages. The site and the
//! lessons are the ones embedded in the binary unless a flag names a
//! folder.

use clap::Parser;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

use realtime_lab::config::{CheckFormat, Command, Config};
use realtime_lab::content::error::CheckReport;
use realtime_lab::content::skeleton::write_new_lesson;
use realtime_lab::content::store::Watcher;
use realtime_lab::content::ContentStore;
use realtime_lab::http::assets::SiteAssets;
use realtime_lab::server::{self, Running, Settings};

fn main() -> ExitCode {
    match realtime_lab::http::runtime::build() {
        Ok(runtime) => runtime.block_on(run(Config::parse())),
        Err(e) => {
            eprintln!("error: the server's runtime did not start: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    if let Some(format) = config.check_format() {
        return check(config.content_dir.as_deref(), format);
    }
    if let Some(Command::New { title }) = &config.command {
        return new_lesson(config.content_dir.as_deref(), title);
    }
    let content = match ContentStore::for_server(config.content_dir.clone()) {
        Ok(content) => content,
        Err(errors) => {
            eprintln!("{errors}Fix the lessons above and start again.");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "{} lessons from {}",
        content.course().lessons().len(),
        content.origin()
    );
    let _watcher = watch_lessons(&content, config.no_watch);
    let assets = match &config.site_root {
        Some(folder) => SiteAssets::from_folder(folder),
        None => SiteAssets::embedded(),
    };
    let settings = Settings::from_config(&config);
    let token = settings.presenter_token().map(str::to_string);
    match server::start(settings, content, assets, shutdown_signal()).await {
        Ok(running) => {
            announce_addresses(&config, &running, token.as_deref());
            running.stopped().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `realtime-lab new "Title"`: a new lesson's file, from the skeleton.
fn new_lesson(dir: Option<&Path>, title: &str) -> ExitCode {
    match write_new_lesson(dir.unwrap_or(Path::new("content")), title) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Where the site, the lab's lanes and presenter mode are, for the host.
fn announce_addresses(config: &Config, running: &Running, token: Option<&str>) {
    let site = running.site;
    announce(&format!("Realtime Lab is running: open http://{site}/"));
    if let Some(lab) = &running.lab {
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
        if let Some(port) = lab.http3_port {
            announce(&format!(
                "QUIC lane (HTTP/3, WebTransport): UDP port {port}; a workshop opens it to the room (--no-quic turns it off)"
            ));
        }
    }
    if let Some(token) = token {
        announce_room(site, token, config.join_url.as_deref());
        if let Some(url) = &config.redis_url {
            announce(&format!(
                "  one room with every server given this token and the Redis at {}",
                url.0.addr()
            ));
        }
    }
}

/// `realtime-lab check`: every problem of the lessons, as text or JSON.
fn check(dir: Option<&Path>, format: CheckFormat) -> ExitCode {
    let content = match dir {
        Some(dir) => ContentStore::open(dir),
        None => ContentStore::embedded(),
    };
    let (report, ok) = match (&content, format) {
        (Ok(content), CheckFormat::Text) => (
            format!(
                "{} lessons in {} are fine.",
                content.course().lessons().len(),
                content.origin()
            ),
            true,
        ),
        (Err(errors), CheckFormat::Text) => {
            eprint!("{errors}");
            return ExitCode::FAILURE;
        }
        (Ok(content), CheckFormat::Json) => (
            CheckReport::fine(content.course().lessons().len()).to_json(),
            true,
        ),
        (Err(errors), CheckFormat::Json) => (CheckReport::problems(errors).to_json(), false),
    };
    println!("{report}");
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
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

/// Presenter mode's two links, on standard output only: the presenter's
/// holds the token, and no log line does.
fn announce_room(site: SocketAddr, token: &str, join_url: Option<&str>) {
    let here = if site.ip().is_unspecified() {
        format!("localhost:{}", site.port())
    } else {
        site.to_string()
    };
    announce(&format!(
        "Presenter mode: open http://{here}/room/present?token={token} on the projector \
         (keep this link to yourself)"
    ));
    let join = match join_url {
        Some(url) => url.to_string(),
        None if site.ip().is_unspecified() => format!(
            "http://<this machine's address>:{}/room (the projector shows it; --join-url sets it)",
            site.port()
        ),
        None => format!("http://{site}/room"),
    };
    announce(&format!("  learners join at {join}"));
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
