//! Presenter mode under a room: N learners' streams follow one presenter.
//!
//! Starts the release binary on 127.0.0.1 in presenter mode (build it
//! first: `cargo leptos build --release`), opens N learner streams from
//! five loopback addresses (one address holds at most 500), moves the room
//! five times, and prints, for each move, the time from the presenter's
//! `POST` to each stream's `position` event: p50, p99 and the last. Traffic
//! stays on loopback; counts and time are bounded.
//!
//!     cargo bench --features ssr --bench room_load -- [LEARNERS]

use futures_util::StreamExt;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::watch;

const MOST_LEARNERS: usize = 5000;
const TIME_LIMIT: Duration = Duration::from_secs(120);
const TOKEN: &str = "room-load-presenter-token";
const MOVES: u64 = 5;

fn main() {
    let learners: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000)
        .min(MOST_LEARNERS);
    let binary = concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/realtime-lab");
    let mut server = Command::new(binary)
        .args(["--addr", "127.0.0.1:0", "--no-watch", "--no-lab"])
        .args(["--presenter-token", TOKEN])
        .args(["--room-max-audience", &(learners + 10).to_string()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {binary} ({e}): run `cargo leptos build --release` first")
        });
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    // Stopped however the measurement ends, a panic included.
    let server = Stop(server);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let result = runtime
        .block_on(async { tokio::time::timeout(TIME_LIMIT, measure(&base, learners)).await });
    drop(server);
    if result.is_err() {
        eprintln!("stopped after {TIME_LIMIT:?}");
        std::process::exit(1);
    }
}

struct Stop(std::process::Child);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn measure(base: &str, learners: usize) {
    let presenter = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = presenter
        .get(format!("{base}/room/present?token={TOKEN}"))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    // Five addresses, so that no one holds more than its share.
    let clients: Vec<reqwest::Client> = (2..=6)
        .map(|n| {
            reqwest::Client::builder()
                .no_proxy()
                .pool_max_idle_per_host(0)
                .local_address(format!("127.0.0.{n}").parse::<std::net::IpAddr>().unwrap())
                .build()
                .unwrap()
        })
        .collect();
    let (moved_at, moves) = watch::channel((0u64, Instant::now()));
    let opened = Instant::now();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(learners);
    let (times_tx, mut times_rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Duration)>();
    for i in 0..learners {
        let client = clients[i % clients.len()].clone();
        let (url, ready, times, moves) = (
            format!("{base}/api/room/events"),
            ready_tx.clone(),
            times_tx.clone(),
            moves.clone(),
        );
        tokio::spawn(follow(client, url, ready, times, moves));
    }
    drop(ready_tx);
    let mut ready = 0;
    while ready < learners && ready_rx.recv().await.is_some() {
        ready += 1;
    }
    println!(
        "{ready} of {learners} learner streams open after {:?}",
        opened.elapsed()
    );

    for seq in 1..=MOVES {
        moved_at.send_replace((seq, Instant::now()));
        let section = format!("section-{seq}");
        let response = presenter
            .post(format!("{base}/api/room/position"))
            .header("cookie", &cookie)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"slug":"event-stream","section":"{section}"}}"#
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut times = Vec::with_capacity(ready);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while times.len() < ready {
            match tokio::time::timeout_at(deadline, times_rx.recv()).await {
                Ok(Some((move_seq, took))) if move_seq == seq => times.push(took),
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        let got = times.len();
        times.sort();
        let at = |p: usize| {
            times
                .get(((got.max(1) - 1) * p) / 100)
                .copied()
                .unwrap_or_default()
        };
        println!(
            "move {seq}: {got} of {ready} pages told; from the POST to the event: p50 {:.1} ms, p99 {:.1} ms, last {:.1} ms",
            ms(at(50)),
            ms(at(99)),
            ms(times.last().copied().unwrap_or_default())
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// One learner's stream: says when it is open, then reports when each move's
/// `position` event arrives.
async fn follow(
    client: reqwest::Client,
    url: String,
    ready: tokio::sync::mpsc::Sender<()>,
    times: tokio::sync::mpsc::UnboundedSender<(u64, Duration)>,
    moves: watch::Receiver<(u64, Instant)>,
) {
    let Ok(response) = client.get(url).send().await else {
        return;
    };
    if response.status() != 200 {
        eprintln!("a learner's stream was refused: {}", response.status());
        return;
    }
    let mut body = response.bytes_stream();
    let mut told_ready = false;
    let mut text = String::new();
    while let Some(Ok(chunk)) = body.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk));
        if !told_ready && text.contains("event: presenter") {
            told_ready = true;
            let _ = ready.send(()).await;
        }
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if event.contains("event: position") {
                let (seq, at) = *moves.borrow();
                let _ = times.send((seq, at.elapsed()));
            }
        }
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
