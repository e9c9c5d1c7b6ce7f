//! The measurements of `benches/lean_load.rs`, one function each. Every
//! one starts its own server process (pinned to CPU 0), reads its
//! baseline, loads it, reads it again, and kills it: no measurement
//! inherits another's memory.

use super::clock_client::{h2_tls, ClockCrowd, WindowReport};
use super::echo_client::{self, RoundTrips};
use super::procs::{self, our_flags, start_node, start_ours, Sample, Server};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_rustls::rustls::pki_types::CertificateDer;

/// Every cap of our server, raised for the run (≤ 10k connections of a
/// kind, plus the ones still closing from the wave before).
const CAPS: usize = 12_000;
/// How long opening a crowd may take, and its first tick.
const OPEN_LIMIT: Duration = Duration::from_secs(60);
const TICK_LIMIT: Duration = Duration::from_secs(10);
/// How long resident memory may take to settle.
const SETTLE_LIMIT: Duration = Duration::from_secs(3);
/// The HTTP/2 lane's SETTINGS_MAX_CONCURRENT_STREAMS.
pub const H2_STREAMS_PER_CONNECTION: usize = 200;

/// Which server a measurement starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Ours,
    NodeClock,
    NodeLeaky,
    NodeEcho,
    /// `floor.rs`: one write per stream per tick and nothing else.
    Floor,
}

/// What a run measures, and for how long.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Open clock streams (and echo sockets) to measure memory at.
    pub sizes: Vec<usize>,
    /// Streams held for the ticking window.
    pub load_streams: usize,
    pub window: Duration,
    pub h2_streams: usize,
    pub echo_clients: Vec<usize>,
    pub echo_sizes: Vec<usize>,
    pub echo_duration: Duration,
    pub cycles: usize,
    pub wave: usize,
    pub lesson5_clients: usize,
    /// How long after the crowd left the server is read again…
    pub after: Duration,
    /// …and over how long its CPU is measured then.
    pub cpu_window: Duration,
}

impl Plan {
    pub fn full() -> Plan {
        Plan {
            sizes: vec![1_000, 10_000],
            load_streams: 10_000,
            window: Duration::from_secs(10),
            h2_streams: 10_000,
            echo_clients: vec![1, 50, 500],
            echo_sizes: vec![32, 4096],
            echo_duration: Duration::from_secs(3),
            cycles: 10_000,
            wave: 1_000,
            lesson5_clients: 1_000,
            after: Duration::from_secs(10),
            cpu_window: Duration::from_secs(5),
        }
    }

    pub fn quick() -> Plan {
        Plan {
            sizes: vec![1_000],
            load_streams: 1_000,
            window: Duration::from_secs(5),
            h2_streams: 1_000,
            echo_duration: Duration::from_secs(1),
            cycles: 1_000,
            wave: 100,
            after: Duration::from_secs(5),
            cpu_window: Duration::from_secs(3),
            ..Plan::full()
        }
    }
}

/// Where things are, and how servers are pinned.
pub struct Env {
    pub binary: PathBuf,
    pub node_dir: PathBuf,
    pub logs: PathBuf,
    pub pin: Vec<String>,
    tls: (PathBuf, PathBuf, CertificateDer<'static>),
}

impl Env {
    pub fn new(binary: PathBuf, node_dir: PathBuf, logs: PathBuf, pin: Vec<String>) -> Env {
        // The lane's certificate, made here so the client can trust it.
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()])
            .expect("a self-signed certificate");
        std::fs::create_dir_all(&logs).unwrap();
        let (cert, key) = (logs.join("lane-cert.pem"), logs.join("lane-key.pem"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        Env {
            binary,
            node_dir,
            logs,
            pin,
            tls: (cert, key, made.cert.der().clone()),
        }
    }

    fn start(&self, who: Who, lab: bool) -> Server {
        let log = |name: &str| self.logs.join(format!("{name}.log"));
        let script = |file: &str| self.node_dir.join(file);
        match who {
            Who::Ours => {
                let mut args = our_flags(CAPS);
                if lab {
                    let (cert, key, _) = &self.tls;
                    for (flag, value) in [
                        ("--lab-h2-addr", "127.0.0.1:0"),
                        ("--lab-h1-addr", "127.0.0.1:0"),
                        ("--tls-cert", cert.to_str().unwrap()),
                        ("--tls-key", key.to_str().unwrap()),
                    ] {
                        args.push(flag.into());
                        args.push(value.into());
                    }
                } else {
                    args.push("--no-lab".into());
                }
                start_ours(
                    "realtime-lab",
                    &self.binary,
                    &self.pin,
                    &args,
                    &log("realtime-lab"),
                )
            }
            Who::NodeClock => start_node(
                "clock.mjs",
                &script("clock.mjs"),
                &self.pin,
                &log("node-clock"),
            ),
            Who::NodeLeaky => start_node(
                "clock-leaky.mjs",
                &script("clock-leaky.mjs"),
                &self.pin,
                &log("node-clock-leaky"),
            ),
            Who::NodeEcho => start_node(
                "echo.mjs",
                &script("echo.mjs"),
                &self.pin,
                &log("node-echo"),
            ),
            Who::Floor => {
                let this = std::env::current_exe().expect("the bench binary's path");
                let args = ["--floor-server".to_string()];
                procs::spawn("floor", &self.pin, &this, &args, &log("floor"), 1, |seen| {
                    let port: u16 = seen[0].trim().parse().expect("the floor prints its port");
                    (std::net::SocketAddr::from(([127, 0, 0, 1], port)), None)
                })
            }
        }
    }

    /// A fresh server, and its memory once it has settled.
    async fn fresh(&self, who: Who, lab: bool) -> (Server, Sample) {
        let mut server = self.start(who, lab);
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.settled_rss_kib(SETTLE_LIMIT).await;
        let base = server.sample();
        (server, base)
    }
}

pub fn kib_per(before: &Sample, with: u64, n: usize) -> f64 {
    with.saturating_sub(before.rss_kib) as f64 / n as f64
}

/// Memory per open HTTP/1.1 clock stream with `n` open.
pub async fn clock_memory(env: &Env, who: Who, n: usize) -> Result<f64, String> {
    let (mut server, base) = env.fresh(who, false).await;
    let crowd = ClockCrowd::open_h1(server.addr, n, OPEN_LIMIT).await?;
    crowd.wait_tick_for_all(Instant::now(), TICK_LIMIT).await?;
    let with = server.settled_rss_kib(SETTLE_LIMIT).await;
    crowd.close().await;
    Ok(kib_per(&base, with, n))
}

/// The server read again some time after the clients left.
#[derive(Clone, Copy, Debug)]
pub struct Left {
    pub base: Sample,
    pub after: Sample,
    pub cpu_percent: f64,
}

async fn after_leaving(server: &mut Server, base: Sample, plan: &Plan) -> Left {
    tokio::time::sleep(plan.after).await;
    let after = server.sample();
    tokio::time::sleep(plan.cpu_window).await;
    let end = server.sample();
    Left {
        base,
        after,
        cpu_percent: end.cpu_percent_since(&after),
    }
}

/// `n` clock streams held for the window, then all leaving at once.
#[derive(Clone, Debug)]
pub struct ClockLoad {
    pub kib_per_stream: f64,
    pub window: WindowReport,
    pub cpu_per_tick_us: f64,
    /// The load generator's own CPU per tick it read: × streams, the least
    /// time it needs to read one tick on every stream (the fan-out's floor).
    pub client_cpu_per_tick_us: f64,
    pub left: Left,
}

/// Streams whose ticks are timed as they arrive, at most: one core reads
/// 1k sockets in a few milliseconds, 10k in over 60 (see `clock_client`).
pub const WATCHED_STREAMS: usize = 1000;

pub async fn clock_load(env: &Env, who: Who, n: usize, plan: &Plan) -> Result<ClockLoad, String> {
    let (mut server, base) = env.fresh(who, false).await;
    let watch_every = n.div_ceil(WATCHED_STREAMS);
    let crowd = ClockCrowd::open_h1_watching(server.addr, n, watch_every, OPEN_LIMIT).await?;
    crowd.wait_tick_for_all(Instant::now(), TICK_LIMIT).await?;
    let with = server.settled_rss_kib(SETTLE_LIMIT).await;
    crowd.book.start_window();
    let (start, client_start) = (server.sample(), Sample::of(std::process::id()));
    tokio::time::sleep(plan.window).await;
    let (end, client_end) = (server.sample(), Sample::of(std::process::id()));
    let window = crowd.book.window_report(Instant::now());
    crowd.close().await;
    let left = after_leaving(&mut server, base, plan).await;
    Ok(ClockLoad {
        kib_per_stream: kib_per(&base, with, n),
        cpu_per_tick_us: 1e6 * end.cpu_secs_since(&start) / window.ticks.max(1) as f64,
        client_cpu_per_tick_us: 1e6 * client_end.cpu_secs_since(&client_start)
            / window.ticks.max(1) as f64,
        window,
        left,
    })
}

/// Memory per clock stream over HTTP/2: `n` streams, 200 on each TLS
/// connection to the lab's lane.
pub async fn h2_memory(env: &Env, n: usize) -> Result<f64, String> {
    let (mut server, base) = env.fresh(Who::Ours, true).await;
    let lane = server.h2_addr.ok_or("the server printed no HTTP/2 lane")?;
    let tls: Arc<_> = h2_tls(env.tls.2.clone());
    let crowd = ClockCrowd::open_h2(lane, n, H2_STREAMS_PER_CONNECTION, tls, OPEN_LIMIT).await?;
    crowd.wait_tick_for_all(Instant::now(), TICK_LIMIT).await?;
    let with = server.settled_rss_kib(SETTLE_LIMIT).await;
    crowd.close().await;
    Ok(kib_per(&base, with, n))
}

/// Memory per idle echo socket with `n` open.
pub async fn echo_memory(env: &Env, who: Who, n: usize) -> Result<f64, String> {
    let (mut server, base) = env.fresh(who, false).await;
    let sockets = echo_client::open_idle(server.addr, n, OPEN_LIMIT).await?;
    let with = server.settled_rss_kib(SETTLE_LIMIT).await;
    drop(sockets);
    Ok(kib_per(&base, with, n))
}

/// Round trips for every (clients, size) of the plan, on one server.
pub async fn echo_series(
    env: &Env,
    who: Who,
    plan: &Plan,
) -> Result<Vec<((usize, usize), RoundTrips)>, String> {
    let (server, _) = env.fresh(who, false).await;
    let mut results = Vec::new();
    for &size in &plan.echo_sizes {
        for &clients in &plan.echo_clients {
            let r =
                echo_client::round_trips(server.addr, clients, size, plan.echo_duration).await?;
            results.push(((clients, size), r));
        }
    }
    Ok(results)
}

/// `plan.cycles` clock clients in waves of `plan.wave`: each gets a tick
/// and leaves.
pub async fn clock_cycles(env: &Env, who: Who, plan: &Plan) -> Result<Left, String> {
    let (mut server, base) = env.fresh(who, false).await;
    for _ in 0..plan.cycles / plan.wave {
        let since = Instant::now();
        let crowd = ClockCrowd::open_h1(server.addr, plan.wave, OPEN_LIMIT).await?;
        crowd.wait_tick_for_all(since, TICK_LIMIT).await?;
        crowd.close().await;
    }
    Ok(after_leaving(&mut server, base, plan).await)
}

/// `plan.cycles` echo clients in waves of `plan.wave`: each echoes one
/// message and closes with 1000.
pub async fn echo_cycles(env: &Env, who: Who, plan: &Plan) -> Result<Left, String> {
    let (mut server, base) = env.fresh(who, false).await;
    for _ in 0..plan.cycles / plan.wave {
        let sockets = echo_client::open_idle(server.addr, plan.wave, OPEN_LIMIT).await?;
        echo_client::close_all(sockets).await;
    }
    Ok(after_leaving(&mut server, base, plan).await)
}

/// Lesson 5: `plan.lesson5_clients` clock clients get a tick and leave.
pub async fn lesson5(env: &Env, who: Who, plan: &Plan) -> Result<Left, String> {
    let (mut server, base) = env.fresh(who, false).await;
    let since = Instant::now();
    let crowd = ClockCrowd::open_h1(server.addr, plan.lesson5_clients, OPEN_LIMIT).await?;
    crowd.wait_tick_for_all(since, TICK_LIMIT).await?;
    crowd.close().await;
    Ok(after_leaving(&mut server, base, plan).await)
}

/// The Node reference scripts, for the message when one is missing.
pub fn node_scripts(dir: &Path) -> [PathBuf; 3] {
    ["clock.mjs", "clock-leaky.mjs", "echo.mjs"].map(|f| dir.join(f))
}
