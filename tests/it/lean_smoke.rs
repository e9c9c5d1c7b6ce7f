//! A short version of `benches/lean.sh` for the test command (issue 11):
//! the release binary as a process of its own, read from `/proc` like the
//! benchmark reads it, with the benchmark's own clients
//! (`benches/lean/`). Memory per connection must stay within a quarter of
//! issue 11's targets, and a server that a crowd has left must be back to
//! where it was. The full figures, beside Node's: `docs/lean-under-load.md`.

#[path = "../../benches/lean/clock_client.rs"]
mod clock_client;
#[path = "../../benches/lean/connect.rs"]
mod connect;
#[path = "../../benches/lean/echo_client.rs"]
mod echo_client;
#[path = "../../benches/lean/procs.rs"]
mod procs;
// Only for its unit tests (the report's figures read back by a later run).
#[path = "../../benches/lean/report.rs"]
mod report;

use clock_client::ClockCrowd;
use procs::{our_flags, start_ours, Server};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Issue 11's target for an open clock stream over HTTP/1.1 (below Node's
/// 12.3 KiB; `docs/lean-under-load.md` has the figures).
const CLOCK_STREAM_TARGET_KIB: f64 = 10.0;
/// Issue 11's target for an idle echo socket (half of Node's 6.1 KiB).
const ECHO_SOCKET_TARGET_KIB: f64 = 3.0;
/// Echo sockets for that measurement: at 1k, the allocator's fixed cost
/// per size class still shows (4.2 KiB a socket against 2.5 at 10k in
/// `docs/lean-under-load.md`; about 3.0 at 4k).
const ECHO_CROWD: usize = 4000;
/// How far above a target the smoke test still passes: 25% (issue 11).
const MARGIN: f64 = 1.25;
/// Connections per measurement: enough to see a few KiB each above noise.
const CROWD: usize = 1000;
/// Issue 11: RSS within 20% of the baseline once the crowd left.
const RSS_GROWTH_ALLOWED: f64 = 0.20;

/// The release binary, as `scripts/test.sh` builds it before the tests.
fn binary() -> PathBuf {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_realtime-lab"));
    assert!(
        binary.is_file(),
        "{} is missing: build it with `cargo leptos build --release --precompress --split` \
         (scripts/test.sh does this before `cargo test --release --features ssr`)",
        binary.display()
    );
    binary
}

/// Our server, caps raised for the crowd, and its settled memory.
async fn start(name: &str) -> (Server, procs::Sample) {
    let mut args = our_flags(CROWD * 6);
    args.push("--no-lab".into());
    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lean-smoke-{name}.log"));
    let mut server = start_ours(name, &binary(), &[], &args, &log);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.settled_rss_kib(Duration::from_secs(3)).await;
    let base = server.sample();
    (server, base)
}

fn kib_per_connection(base: &procs::Sample, with_kib: u64, n: usize) -> f64 {
    with_kib.saturating_sub(base.rss_kib) as f64 / n as f64
}

#[tokio::test]
async fn an_open_clock_stream_costs_at_most_a_quarter_more_than_its_target() {
    let (mut server, base) = start("clock-memory").await;
    let crowd = ClockCrowd::open_h1(server.addr, CROWD, Duration::from_secs(30))
        .await
        .unwrap();
    crowd
        .wait_tick_for_all(Instant::now(), Duration::from_secs(10))
        .await
        .unwrap();
    let with = server.settled_rss_kib(Duration::from_secs(3)).await;
    let per_stream = kib_per_connection(&base, with, CROWD);
    crowd.close().await;
    let allowed = CLOCK_STREAM_TARGET_KIB * MARGIN;
    assert!(
        per_stream <= allowed,
        "{per_stream:.1} KiB per open clock stream ({CROWD} open: {} → {with} KiB resident); \
         the target is {CLOCK_STREAM_TARGET_KIB} KiB, at most {allowed} KiB allowed here \
         (benches/lean.sh shows where it stands beside Node)",
        base.rss_kib
    );
}

#[tokio::test]
async fn an_idle_echo_socket_costs_at_most_a_quarter_more_than_its_target() {
    let (mut server, base) = start("echo-memory").await;
    let sockets = echo_client::open_idle(server.addr, ECHO_CROWD, Duration::from_secs(30))
        .await
        .unwrap();
    let with = server.settled_rss_kib(Duration::from_secs(3)).await;
    let per_socket = kib_per_connection(&base, with, ECHO_CROWD);
    drop(sockets);
    let allowed = ECHO_SOCKET_TARGET_KIB * MARGIN;
    assert!(
        per_socket <= allowed,
        "{per_socket:.1} KiB per idle echo socket ({ECHO_CROWD} open: {} → {with} KiB resident); \
         the target is {ECHO_SOCKET_TARGET_KIB} KiB, at most {allowed} KiB allowed here \
         (benches/lean.sh shows where it stands beside Node)",
        base.rss_kib
    );
}

#[tokio::test]
async fn after_two_thousand_clock_clients_leave_ten_times_files_and_memory_are_back_to_baseline() {
    const CLIENTS: usize = 2000;
    let (mut server, base) = start("clock-cycles").await;
    for _ in 0..10 {
        let since = Instant::now();
        let crowd = ClockCrowd::open_h1(server.addr, CLIENTS, Duration::from_secs(30))
            .await
            .unwrap();
        crowd
            .wait_tick_for_all(since, Duration::from_secs(10))
            .await
            .unwrap();
        crowd.close().await;
    }
    // The server sees each client leave on its next write (a tick a second).
    let until = Instant::now() + Duration::from_secs(10);
    let mut now = server.sample();
    while now.fds != base.fds && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(200)).await;
        now = server.sample();
    }
    // Issue 11's measure: within 20% of the baseline 30 s after the crowd
    // left. The allocator gives memory back on its decay timers, so a
    // reading taken as soon as the figure holds still for 200 ms can be early.
    let left = Instant::now();
    let growth_of = |rss: u64| rss as f64 / base.rss_kib as f64 - 1.0;
    let mut rss = server.settled_rss_kib(Duration::from_secs(3)).await;
    while growth_of(rss) > RSS_GROWTH_ALLOWED && left.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        rss = server.sample().rss_kib;
    }
    let growth = growth_of(rss);
    assert_eq!(
        now.fds, base.fds,
        "open file descriptors after the crowds left (before them: {})",
        base.fds
    );
    assert!(
        growth <= RSS_GROWTH_ALLOWED,
        "resident memory {:.0} s after the crowds left: {rss} KiB, {:+.0}% of {} KiB before \
         them (at most {:+.0}% allowed)",
        left.elapsed().as_secs_f64(),
        100.0 * growth,
        base.rss_kib,
        100.0 * RSS_GROWTH_ALLOWED
    );
}
