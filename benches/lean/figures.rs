//! The run: every phase in turn (Node, then ours, for each figure, so a
//! pair is measured minutes apart at most), turned into the figures of
//! the report.

use super::echo_client::RoundTrips;
use super::phases::{self, ClockLoad, Env, Left, Plan, Who, H2_STREAMS_PER_CONNECTION};
use super::procs;
use super::report::{Better, Figure, Section, Unit, Value};
use std::future::Future;
use std::time::{Duration, Instant};

/// The most one phase may take before it is given up (and noted).
const PHASE_LIMIT: Duration = Duration::from_secs(240);
/// Other processes may use this share of the machine during a phase (in
/// percent of both CPUs) before it is measured again…
const BUSY_PERCENT: f64 = 5.0;
/// …at most this many times in all…
const ROUNDS: usize = 3;
/// …each after waiting this long at most for a quiet machine.
const QUIET_LIMIT: Duration = Duration::from_secs(90);

pub fn thousands(n: usize) -> String {
    if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

pub fn bytes(n: usize) -> String {
    if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} B")
    }
}

fn kib(v: Option<f64>) -> Option<Value> {
    v.map(Value::new)
}

/// The figures and notes of a run, as its phases add them.
struct Book<'a> {
    env: &'a Env,
    plan: &'a Plan,
    figures: Vec<Figure>,
    notes: Vec<String>,
    /// Phases run, and how many of them ran beside other work all the same.
    phases: usize,
    busy_phases: usize,
}

pub async fn measure(env: &Env, plan: &Plan) -> Result<(Vec<Figure>, Vec<String>), String> {
    let mut book = Book {
        env,
        plan,
        figures: Vec::new(),
        notes: Vec::new(),
        phases: 0,
        busy_phases: 0,
    };
    let (node_load, ours_load) = book.memory_and_ticks().await;
    book.echo().await;
    book.after_crowd(node_load.map(|l| l.left), ours_load.map(|l| l.left))
        .await;
    book.lesson5().await;
    book.notes.push(match book.busy_phases {
        0 => format!(
            "Every phase ran on a quiet machine: other processes used at most {BUSY_PERCENT}% \
             of its CPU time meanwhile (a phase is measured again, up to {ROUNDS} times, when \
             they use more)."
        ),
        n => format!(
            "{n} of the {} phases ran while other processes used more than {BUSY_PERCENT}% of \
             the machine, even after {ROUNDS} tries (the notes above say which): rerun on a \
             quiet machine.",
            book.phases
        ),
    });
    Ok((book.figures, book.notes))
}

impl Book<'_> {
    /// Runs one phase on a quiet machine: waits for one, runs it, and runs
    /// it again when other processes took more than [`BUSY_PERCENT`] of the
    /// machine meanwhile. A failure or a timeout becomes a note, not the
    /// end of the run.
    async fn attempt<T, F>(&mut self, what: String, mut phase: impl FnMut() -> F) -> Option<T>
    where
        F: Future<Output = Result<T, String>>,
    {
        eprintln!("\x1b[1m==> {what}\x1b[0m");
        self.phases += 1;
        for round in 1..=ROUNDS {
            if !procs::wait_for_quiet(BUSY_PERCENT, QUIET_LIMIT).await {
                eprintln!("    the machine has been busy for {QUIET_LIMIT:?}: measuring anyway");
            }
            let (started, others) = (Instant::now(), procs::Others::now());
            let outcome = match tokio::time::timeout(PHASE_LIMIT, phase()).await {
                Ok(outcome) => outcome,
                Err(_) => Err(format!("gave up after {PHASE_LIMIT:?}")),
            };
            let busy = others.percent_since();
            let value = match outcome {
                Ok(value) => value,
                Err(why) => {
                    eprintln!("    FAILED: {why}");
                    self.notes.push(format!("{what}: failed ({why})."));
                    return None;
                }
            };
            if busy <= BUSY_PERCENT {
                eprintln!("    done in {:.1?}", started.elapsed());
                return Some(value);
            }
            if round == ROUNDS {
                eprintln!(
                    "    done in {:.1?}, beside other work ({busy:.0}%)",
                    started.elapsed()
                );
                self.busy_phases += 1;
                self.notes.push(format!(
                    "{what}: other processes used {busy:.0}% of the machine meanwhile."
                ));
                return Some(value);
            }
            eprintln!("    other processes used {busy:.0}% of the machine meanwhile: again");
        }
        unreachable!("the last round returns")
    }

    /// One phase for Node's server and then ours.
    async fn pair<T, F, G>(
        &mut self,
        (node_name, node): (&str, impl FnMut() -> F),
        what: &str,
        ours: impl FnMut() -> G,
    ) -> (Option<T>, Option<T>)
    where
        F: Future<Output = Result<T, String>>,
        G: Future<Output = Result<T, String>>,
    {
        let node = self
            .attempt(format!("Node {node_name}: {what}"), node)
            .await;
        let ours = self.attempt(format!("realtime-lab: {what}"), ours).await;
        (node, ours)
    }

    /// Memory per clock stream and per echo socket at each size, and the
    /// clock under load (whose size's memory comes with it).
    async fn memory_and_ticks(&mut self) -> (Option<ClockLoad>, Option<ClockLoad>) {
        let (env, plan) = (self.env, self.plan);
        let n = plan.load_streams;
        let mut clock = Vec::new();
        for &size in plan.sizes.iter().filter(|&&s| s != n) {
            let (node, ours) = self
                .pair(
                    ("clock.mjs", || {
                        phases::clock_memory(env, Who::NodeClock, size)
                    }),
                    &format!("{} clock streams", thousands(size)),
                    || phases::clock_memory(env, Who::Ours, size),
                )
                .await;
            clock.push((size, node, ours));
        }
        let what = format!(
            "{} clock streams, {} s of ticks, then all leave",
            thousands(n),
            plan.window.as_secs()
        );
        let (node_load, ours_load) = self
            .pair(
                ("clock.mjs", || {
                    phases::clock_load(env, Who::NodeClock, n, plan)
                }),
                &what,
                || phases::clock_load(env, Who::Ours, n, plan),
            )
            .await;
        let floor = self
            .attempt(format!("the floor (floor.rs): {what}"), || {
                phases::clock_load(env, Who::Floor, n, plan)
            })
            .await;
        let per_stream = |l: &Option<ClockLoad>| l.as_ref().map(|l| l.kib_per_stream);
        clock.push((n, per_stream(&node_load), per_stream(&ours_load)));
        clock.sort_by_key(|(size, _, _)| *size);
        let h2 = self
            .attempt(
                format!(
                    "realtime-lab: {} clock streams over HTTP/2",
                    thousands(plan.h2_streams)
                ),
                || phases::h2_memory(env, plan.h2_streams),
            )
            .await;
        let mut echo = Vec::new();
        for &size in &plan.sizes {
            let (node, ours) = self
                .pair(
                    ("echo.mjs", || phases::echo_memory(env, Who::NodeEcho, size)),
                    &format!("{} idle echo sockets", thousands(size)),
                    || phases::echo_memory(env, Who::Ours, size),
                )
                .await;
            echo.push((size, node, ours));
        }
        self.memory_figures(&clock, h2, &echo);
        tick_figures(
            &mut self.figures,
            &mut self.notes,
            plan,
            node_load.as_ref(),
            ours_load.as_ref(),
        );
        if let (Some(floor), Some(ours)) = (&floor, &ours_load) {
            self.notes.push(floor_note(floor, ours, n));
        }
        (node_load, ours_load)
    }

    fn memory_figures(&mut self, clock: &[Sizes], h2: Option<f64>, echo: &[Sizes]) {
        let streams = self.plan.h2_streams;
        for &(size, node, ours) in clock {
            self.figures.push(
                Figure::new(
                    &format!("mem.clock.{size}"),
                    Section::Memory,
                    &format!("clock stream over HTTP/1.1, {} open", thousands(size)),
                    Unit::KiB,
                    Better::Lower,
                )
                .node(kib(node))
                .ours(kib(ours))
                .target("≤ 10 KiB"),
            );
        }
        self.figures.push(
            Figure::new(
                &format!("mem.clock_h2.{streams}"),
                Section::Memory,
                &format!(
                    "clock stream over HTTP/2, {} open on {} connections",
                    thousands(streams),
                    streams.div_ceil(H2_STREAMS_PER_CONNECTION)
                ),
                Unit::KiB,
                Better::Lower,
            )
            .ours(kib(h2))
            .target("≤ 2 KiB"),
        );
        for &(size, node, ours) in echo {
            self.figures.push(
                Figure::new(
                    &format!("mem.echo.{size}"),
                    Section::Memory,
                    &format!("idle echo socket, {} open", thousands(size)),
                    Unit::KiB,
                    Better::Lower,
                )
                .node(kib(node))
                .ours(kib(ours))
                .target("≤ 3 KiB"),
            );
        }
    }

    /// Round trips at each number of clients and message size.
    async fn echo(&mut self) {
        let (env, plan) = (self.env, self.plan);
        let (node, ours) = self
            .pair(
                ("echo.mjs", || phases::echo_series(env, Who::NodeEcho, plan)),
                "echo round trips",
                || phases::echo_series(env, Who::Ours, plan),
            )
            .await;
        let (node, ours) = (node.unwrap_or_default(), ours.unwrap_or_default());
        for &size in &plan.echo_sizes {
            for &clients in &plan.echo_clients {
                let find = |series: &[((usize, usize), RoundTrips)]| {
                    series
                        .iter()
                        .find(|(k, _)| *k == (clients, size))
                        .map(|(_, r)| r.clone())
                };
                self.echo_figures(clients, size, find(&node), find(&ours));
            }
        }
    }

    fn echo_figures(
        &mut self,
        clients: usize,
        size: usize,
        node: Option<RoundTrips>,
        ours: Option<RoundTrips>,
    ) {
        for (who, r) in [("Node", &node), ("realtime-lab", &ours)] {
            if let Some(r) = r.as_ref().filter(|r| r.client_cpu_percent > 90.0) {
                self.notes.push(format!(
                    "Echo, {clients} clients, {}, {who}: the load generator used {:.0}% of its \
                     core, so it, not the server, may have set the pace.",
                    bytes(size),
                    r.client_cpu_percent
                ));
            }
        }
        let plural = if clients == 1 { "" } else { "s" };
        let what = format!("{clients} client{plural}, {}", bytes(size));
        let key = format!("echo.{clients}.{size}");
        let rate = |r: &Option<RoundTrips>| r.as_ref().map(|r| Value::new(r.per_sec));
        self.figures.push(
            Figure::new(
                &format!("{key}.rate"),
                Section::Echo,
                &format!("{what}: round trips per second"),
                Unit::PerSec,
                Better::Higher,
            )
            .node(rate(&node))
            .ours(rate(&ours))
            .target("no loss"),
        );
        let micros = |d: Duration| Value::new(d.as_secs_f64() * 1e6);
        for p in ["p50", "p99"] {
            let pick = |r: &Option<RoundTrips>| {
                r.as_ref()
                    .map(|r| micros(if p == "p50" { r.p50 } else { r.p99 }))
            };
            self.figures.push(
                Figure::new(
                    &format!("{key}.{p}"),
                    Section::Echo,
                    &format!("{what}: round trip, {p}"),
                    Unit::Micros,
                    Better::Lower,
                )
                .node(pick(&node))
                .ours(pick(&ours)),
            );
        }
    }

    /// After the load's crowd left, and after connect/disconnect cycles.
    async fn after_crowd(&mut self, node_left: Option<Left>, ours_left: Option<Left>) {
        let (env, plan) = (self.env, self.plan);
        let cycles = format!(
            "{} connect/disconnect cycles ({} waves of {})",
            thousands(plan.cycles),
            plan.cycles / plan.wave,
            thousands(plan.wave)
        );
        let clock = self
            .pair(
                ("clock.mjs", || {
                    phases::clock_cycles(env, Who::NodeClock, plan)
                }),
                &format!("clock, {cycles}"),
                || phases::clock_cycles(env, Who::Ours, plan),
            )
            .await;
        let echo = self
            .pair(
                ("echo.mjs", || phases::echo_cycles(env, Who::NodeEcho, plan)),
                &format!("echo, {cycles}"),
                || phases::echo_cycles(env, Who::Ours, plan),
            )
            .await;
        let rows = [
            (
                "clock_left",
                format!(
                    "{} clock clients left together",
                    thousands(plan.load_streams)
                ),
                (node_left, ours_left),
            ),
            ("clock_cycles", format!("clock, {cycles}"), clock),
            ("echo_cycles", format!("echo, {cycles}"), echo),
        ];
        for (key, what, (node, ours)) in rows {
            let section = Section::AfterCrowd;
            left_figures(
                &mut self.figures,
                section,
                key,
                &what,
                plan,
                [None, node, ours],
            );
        }
    }

    /// Lesson 5: the naive Node server, the fixed one, and ours, after
    /// their clients left.
    async fn lesson5(&mut self) {
        let (env, plan) = (self.env, self.plan);
        let clients = thousands(plan.lesson5_clients);
        let mut left = Vec::new();
        for (name, who) in [
            ("Node clock-leaky.mjs", Who::NodeLeaky),
            ("Node clock.mjs", Who::NodeClock),
            ("realtime-lab", Who::Ours),
        ] {
            let what = format!("Lesson 5, {name}: {clients} clients leave");
            left.push(self.attempt(what, || phases::lesson5(env, who, plan)).await);
        }
        let what = format!("{clients} clock clients left");
        let section = Section::Lesson5;
        let left = [left[0], left[1], left[2]];
        left_figures(&mut self.figures, section, "lesson5", &what, plan, left);
    }
}

/// (connections open, Node's KiB each, ours).
type Sizes = (usize, Option<f64>, Option<f64>);

fn tick_figures(
    figures: &mut Vec<Figure>,
    notes: &mut Vec<String>,
    plan: &Plan,
    node: Option<&phases::ClockLoad>,
    ours: Option<&phases::ClockLoad>,
) {
    let (n, w) = (plan.load_streams, plan.window.as_secs());
    let streams = thousands(n);
    let millis = |d: Duration| Value::new(d.as_secs_f64() * 1e3);
    let every = n.div_ceil(phases::WATCHED_STREAMS);
    let watched = if every > 1 {
        format!(
            " (of the {} watched: every {every}th)",
            thousands(n / every)
        )
    } else {
        String::new()
    };
    figures.push(
        Figure::new(
            "ticks.delivered",
            Section::Ticks,
            &format!("ticks delivered to {streams} streams in {w} s"),
            Unit::Count,
            Better::Higher,
        )
        .node(node.map(|l| Value::new(l.window.ticks as f64)))
        .ours(ours.map(|l| Value::new(l.window.ticks as f64)))
        .target(&format!(
            "{} (one a second each)",
            super::report::format_value(Unit::Count, (n as u64 * w) as f64)
        )),
    );
    figures.push(
        Figure::new(
            "ticks.max_gap",
            Section::Ticks,
            &format!("longest gap between two ticks of one stream{watched}"),
            Unit::Millis,
            Better::Lower,
        )
        .node(node.map(|l| millis(l.window.max_gap)))
        .ours(ours.map(|l| millis(l.window.max_gap))),
    );
    let mut fan_out = ours.map(|l| l.window.fan_out.clone()).unwrap_or_default();
    fan_out.sort();
    if let Some(l) = ours {
        if fan_out.len() < l.window.ids_seen {
            notes.push(format!(
                "Fan-out: {} of the {} tick ids of the window reached every stream; the \
                 figures are theirs.",
                fan_out.len(),
                l.window.ids_seen
            ));
        }
    }
    if let Some(l) = ours {
        notes.push(format!(
            "Fan-out's floor: the load generator spent {:.1} µs of its core per tick it read \
             ({streams} streams), so reading one tick on the {} watched streams takes it about \
             {:.1} ms; the fan-out figures include that time.",
            l.client_cpu_per_tick_us,
            thousands(l.window.watched),
            l.client_cpu_per_tick_us * l.window.watched as f64 / 1000.0
        ));
    }
    let at = |p: usize| {
        fan_out
            .get((fan_out.len().saturating_sub(1) * p) / 100)
            .map(|&d| millis(d))
    };
    for (p, target) in [("p50", None), ("p99", Some("≤ 50 ms")), ("max", None)] {
        let mut f = Figure::new(
            &format!("ticks.fan_out.{p}"),
            Section::Ticks,
            &format!("fan-out of one tick, first stream to last{watched}, {p}"),
            Unit::Millis,
            Better::Lower,
        )
        .ours(at(if p == "p50" {
            50
        } else if p == "p99" {
            99
        } else {
            100
        }));
        if let Some(target) = target {
            f = f.target(target);
        }
        figures.push(f);
    }
    figures.push(
        Figure::new(
            "ticks.cpu",
            Section::Ticks,
            &format!("server CPU per delivered tick ({streams} streams)"),
            Unit::Micros,
            Better::Lower,
        )
        .node(node.map(|l| Value::new(l.cpu_per_tick_us)))
        .ours(ours.map(|l| Value::new(l.cpu_per_tick_us)))
        .target("≤ 5 µs"),
    );
}

/// What the floor server (`floor.rs`) costs, beside ours, in one sentence.
fn floor_note(floor: &phases::ClockLoad, ours: &phases::ClockLoad, n: usize) -> String {
    let p99 = |l: &phases::ClockLoad| {
        let mut fan_out = l.window.fan_out.clone();
        fan_out.sort();
        fan_out
            .get(fan_out.len().saturating_sub(1) * 99 / 100)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
    };
    format!(
        "The floor (`benches/lean/floor.rs`: one thread that writes each tick, encoded once, \
         to every socket with one `write`; no HTTP library, no runtime), measured the same way \
         at {} streams: {:.1} µs of server CPU per delivered tick (realtime-lab {:.1} µs, \
         {:.1}× the floor), fan-out p99 {:.0} ms (realtime-lab {:.0} ms), {:.1} KiB per stream \
         (kernel socket buffers only). On this loopback the server's core also does the \
         receiving side's TCP work.",
        thousands(n),
        floor.cpu_per_tick_us,
        ours.cpu_per_tick_us,
        ours.cpu_per_tick_us / floor.cpu_per_tick_us.max(f64::MIN_POSITIVE),
        p99(floor),
        p99(ours),
        floor.kib_per_stream,
    )
}

/// RSS, file descriptors and CPU some seconds after a crowd left;
/// `[leaky, node, ours]` (only lesson 5 has the first).
fn left_figures(
    figures: &mut Vec<Figure>,
    section: Section,
    key: &str,
    what: &str,
    plan: &Plan,
    [leaky, node, ours]: [Option<Left>; 3],
) {
    let rss = |l: Option<Left>| {
        l.map(|l| {
            Value::from(
                l.after.rss_kib as f64 / 1024.0,
                l.base.rss_kib as f64 / 1024.0,
            )
        })
    };
    let fds = |l: Option<Left>| l.map(|l| Value::from(l.after.fds as f64, l.base.fds as f64));
    let cpu = |l: Option<Left>| l.map(|l| Value::new(l.cpu_percent));
    let after = plan.after.as_secs();
    let cpu_to = after + plan.cpu_window.as_secs();
    figures.push(
        Figure::new(
            &format!("{key}.rss"),
            section,
            &format!("{what}: RSS {after} s later"),
            Unit::MiB,
            Better::Lower,
        )
        .leaky(rss(leaky))
        .node(rss(node))
        .ours(rss(ours))
        .target("within 20% of before"),
    );
    figures.push(
        Figure::new(
            &format!("{key}.fds"),
            section,
            &format!("{what}: open file descriptors {after} s later"),
            Unit::Count,
            Better::Lower,
        )
        .leaky(fds(leaky))
        .node(fds(node))
        .ours(fds(ours))
        .target("as before"),
    );
    figures.push(
        Figure::new(
            &format!("{key}.cpu"),
            section,
            &format!("{what}: CPU {after}–{cpu_to} s later"),
            Unit::Percent,
            Better::Lower,
        )
        .leaky(cpu(leaky))
        .node(cpu(node))
        .ours(cpu(ours)),
    );
}
