//! Head-of-line blocking on the QUIC lane, measured: lesson 9's demo run
//! from a WebTransport client (wtransport) at several loss rates, each a
//! few times with a different seed, and the delays of each way printed.
//!
//! Starts the release binary on 127.0.0.1 (build it first: `cargo leptos
//! build --release`). Traffic stays on loopback; each run is 50 messages
//! and at most 30 s, and there are 4 rates times RUNS runs.
//!
//!     cargo bench --features ssr --bench head_of_line -- [RUNS] [DELAY_MS]

#[path = "webtransport/client.rs"]
mod client;

use realtime_lab::model::wire::LossWay;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const MOST_RUNS: usize = 20;
const MESSAGES: usize = 50;
const EVERY_MS: u64 = 20;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let runs: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(5)
        .clamp(1, MOST_RUNS);
    let delay: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100)
        .min(300);
    let binary =
        std::env::var("REALTIME_LAB_BIN").unwrap_or_else(|_| "target/release/realtime-lab".into());
    let mut server = Command::new(&binary)
        .args(["--addr", "127.0.0.1:0", "--no-watch"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{binary}: {e} (build it with `cargo leptos build --release`)"));
    let (mut base, mut quic) = (None, None);
    for line in BufReader::new(server.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(url) = line.split("open ").nth(1) {
            base = Some(url.trim_end_matches('/').to_string());
        }
        if let Some(port) = line.split("UDP port ").nth(1) {
            quic = Some(format!(
                "https://127.0.0.1:{}",
                port.split(';').next().unwrap()
            ));
        }
        if base.is_some() && quic.is_some() {
            break;
        }
    }
    let (base, quic) = (
        base.expect("the site's address"),
        quic.expect("the QUIC lane's port"),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!("{MESSAGES} messages, one every {EVERY_MS} ms, packets to the client {delay} ms late; {runs} runs per rate");
    println!("| dropped | packets dropped | one stream: mean / worst | a stream each: mean / worst | datagrams lost | one stream ÷ a stream each |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for drop in [0.0, 0.1, 0.2, 0.3] {
        let mut figures = Figures::default();
        for seed in 1..=runs {
            let query =
                format!("drop={drop}&count={MESSAGES}&every={EVERY_MS}&delay={delay}&seed={seed}");
            let arrivals = runtime.block_on(client::run_loss_demo((&base, &quic), &query));
            figures.add(&arrivals);
        }
        figures.print(drop);
    }
    let _ = server.kill();
    let _ = server.wait();
}

#[derive(Default)]
struct Figures {
    one: Vec<f64>,
    own: Vec<f64>,
    lost: usize,
    packets: u64,
    dropped: u64,
}

impl Figures {
    fn add(&mut self, arrivals: &client::Arrivals) {
        self.one.extend(arrivals.delays(LossWay::OneStream));
        self.own.extend(arrivals.delays(LossWay::OwnStream));
        self.lost += MESSAGES - arrivals.count(LossWay::Datagram);
        let summary = arrivals.summary.as_ref().expect("the run's summary");
        self.packets += summary.packets;
        self.dropped += summary.dropped;
    }

    fn print(&self, drop: f64) {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let (one, own) = (mean(&self.one), mean(&self.own));
        let ratio = if own > 0.5 {
            format!("{:.1}", one / own)
        } else {
            "–".into()
        };
        let runs = self.one.len() / MESSAGES;
        println!(
            "| {:.0}% | {} of {} | {one:.0} / {:.0} ms | {own:.0} / {:.0} ms | {} of {} | {ratio} |",
            drop * 100.0,
            self.dropped,
            self.packets,
            worst(&self.one),
            worst(&self.own),
            self.lost,
            MESSAGES * runs,
        );
    }
}
