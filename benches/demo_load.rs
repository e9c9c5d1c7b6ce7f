//! How many demo connections one server holds, and how fast they start.
//!
//! Starts the release binary on 127.0.0.1 (build it first: `cargo leptos
//! build --release`), opens N clock streams and N echo sockets at once,
//! and prints the time to the first tick, the echo round trip, and the
//! server's memory. Traffic stays on loopback; counts and time are bounded.
//!
//!     cargo bench --features ssr --bench demo_load -- [STREAMS] [SOCKETS]

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const MAX_CONNECTIONS: usize = 5000;
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let streams: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000)
        .min(MAX_CONNECTIONS);
    let sockets: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000)
        .min(MAX_CONNECTIONS);
    let (mut server, base) = start_server(streams, sockets);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let result = runtime.block_on(async {
        tokio::time::timeout(TIME_LIMIT, measure(&base, server.id(), streams, sockets)).await
    });
    let _ = server.kill();
    if result.is_err() {
        eprintln!("stopped after {TIME_LIMIT:?}");
        std::process::exit(1);
    }
}

async fn measure(base: &str, pid: u32, streams: usize, sockets: usize) {
    println!("server pid {pid}, idle: {} KiB resident", rss_kib(pid));

    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let opened =
        futures_util::future::join_all((0..streams).map(|_| open_clock(&client, base))).await;
    let mut first_tick: Vec<Duration> = opened
        .iter()
        .filter_map(|o| o.as_ref().ok().map(|(t, _)| *t))
        .collect();
    let held: Vec<_> = opened
        .into_iter()
        .filter_map(Result::ok)
        .map(|(_, body)| body)
        .collect();
    println!(
        "clock: {}/{streams} streams open in {:.2?}; time to first tick p50 {:.1?}, p95 {:.1?}, max {:.1?}",
        held.len(),
        started.elapsed(),
        percentile(&mut first_tick, 50),
        percentile(&mut first_tick, 95),
        percentile(&mut first_tick, 100)
    );
    println!(
        "server with {} streams: {} KiB resident",
        held.len(),
        rss_kib(pid)
    );

    let ws_url = format!("{}/api/echo", base.replace("http://", "ws://"));
    let started = Instant::now();
    let connected = futures_util::future::join_all(
        (0..sockets).map(|_| tokio_tungstenite::connect_async(&ws_url)),
    )
    .await;
    let mut open: Vec<_> = connected
        .into_iter()
        .filter_map(Result::ok)
        .map(|(s, _)| s)
        .collect();
    println!(
        "echo: {}/{sockets} sockets open in {:.2?}",
        open.len(),
        started.elapsed()
    );
    // Round trips one at a time, while every socket and stream stays open.
    let mut round_trips = Vec::new();
    for socket in open.iter_mut().take(200) {
        if let Some(rtt) = round_trip(socket).await {
            round_trips.push(rtt);
        }
    }
    println!(
        "echo: {} round trips one after another, all sockets open; p50 {:.1?}, p95 {:.1?}, max {:.1?}",
        round_trips.len(),
        percentile(&mut round_trips, 50),
        percentile(&mut round_trips, 95),
        percentile(&mut round_trips, 100)
    );
    // Then every socket at once: the time until the last echo is back.
    let burst = Instant::now();
    let answered = futures_util::future::join_all(open.iter_mut().map(round_trip))
        .await
        .into_iter()
        .flatten()
        .count();
    println!(
        "echo: a burst of {answered} messages, one per socket, all echoed in {:.1?}",
        burst.elapsed()
    );
    println!(
        "server with {} streams and {} sockets: {} KiB resident",
        held.len(),
        open.len(),
        rss_kib(pid)
    );
    drop(held);
}

async fn round_trip<S>(socket: &mut tokio_tungstenite::WebSocketStream<S>) -> Option<Duration>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let sent = Instant::now();
    socket.send(Message::text("ping")).await.ok()?;
    loop {
        match socket.next().await? {
            Ok(Message::Text(_)) => return Some(sent.elapsed()),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

async fn open_clock(
    client: &reqwest::Client,
    base: &str,
) -> Result<(Duration, impl futures_util::Stream), String> {
    let started = Instant::now();
    let response = client
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 200 {
        return Err(format!("status {}", response.status()));
    }
    let mut body = response.bytes_stream();
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("event: tick") {
        let chunk = body
            .next()
            .await
            .ok_or("ended")?
            .map_err(|e| e.to_string())?;
        seen.extend_from_slice(&chunk);
    }
    Ok((started.elapsed(), body))
}

fn start_server(streams: usize, sockets: usize) -> (Child, String) {
    let binary = concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/realtime-lab");
    let mut child = Command::new(binary)
        .args(["--addr", "127.0.0.1:0", "--no-watch"])
        .args([
            "--max-streams",
            &(streams + 10).to_string(),
            "--max-sockets",
            &(sockets + 10).to_string(),
            // Every connection comes from 127.0.0.1: one client's share is all.
            "--clock-per-client",
            &(streams + 10).to_string(),
            "--echo-per-client",
            &(sockets + 10).to_string(),
            // Sockets wait unread between the phases; unread, a socket
            // answers no liveness ping and would be dropped as dead.
            "--ws-ping-secs",
            "600",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {binary} ({e}): run `cargo leptos build --release` first")
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    (child, url)
}

fn percentile(values: &mut [Duration], p: usize) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    values.sort();
    values[((values.len() - 1) * p) / 100]
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_string)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}
