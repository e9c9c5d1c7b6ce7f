//! The figures of a run, and the Markdown that shows them: one table per
//! section (figure, Node, realtime-lab, ratio to Node, target), with an
//! earlier run's figures as a column of their own when there is one (the
//! "before" of issue 11). The figures themselves are kept as JSON in a
//! comment at the end of the file, so a later run can read them back.

#![allow(dead_code)] // tests/it/lean_smoke.rs runs only this file's tests

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;

/// Where the figures of a run are kept inside its Markdown file.
const FIGURES_MARK: &str = "<!-- lean-under-load figures: ";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Section {
    Memory,
    Ticks,
    Echo,
    AfterCrowd,
    Lesson5,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Memory,
        Section::Ticks,
        Section::Echo,
        Section::AfterCrowd,
        Section::Lesson5,
    ];

    fn title(self) -> &'static str {
        match self {
            Section::Memory => "Memory per connection",
            Section::Ticks => "The clock under load",
            Section::Echo => "Echo round trips",
            Section::AfterCrowd => "After the crowd left",
            Section::Lesson5 => "Lesson 5: a timer per client, or one shared ticker",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    KiB,
    MiB,
    Micros,
    Millis,
    Count,
    PerSec,
    Percent,
}

/// Which way is better, for the word after a ratio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Better {
    Lower,
    Higher,
}

/// One measured value; `base` is the server's reading before the crowd
/// (RSS, file descriptors), where the figure is compared with it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Value {
    pub v: f64,
    pub base: Option<f64>,
}

impl Value {
    pub fn new(v: f64) -> Value {
        Value { v, base: None }
    }

    pub fn from(v: f64, base: f64) -> Value {
        Value {
            v,
            base: Some(base),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Figure {
    /// Stable across runs: what an earlier run's figure is matched by.
    pub key: String,
    pub section: Section,
    pub label: String,
    pub unit: Unit,
    pub better: Better,
    pub node: Option<Value>,
    pub ours: Option<Value>,
    /// Lesson 5 only: the naive Node server, its timers never stopped.
    pub leaky: Option<Value>,
    pub target: Option<String>,
}

impl Figure {
    pub fn new(key: &str, section: Section, label: &str, unit: Unit, better: Better) -> Figure {
        Figure {
            key: key.to_string(),
            section,
            label: label.to_string(),
            unit,
            better,
            node: None,
            ours: None,
            leaky: None,
            target: None,
        }
    }

    pub fn node(mut self, v: Option<Value>) -> Figure {
        self.node = v;
        self
    }

    pub fn ours(mut self, v: Option<Value>) -> Figure {
        self.ours = v;
        self
    }

    pub fn leaky(mut self, v: Option<Value>) -> Figure {
        self.leaky = v;
        self
    }

    pub fn target(mut self, target: &str) -> Figure {
        self.target = Some(target.to_string());
        self
    }
}

/// The machine and the code a run measured.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub kernel: String,
    pub node: String,
    pub date: String,
    pub commit: String,
    /// The server binary measured, and when it was built.
    pub binary: String,
    pub pinning: String,
}

impl Machine {
    /// This machine, now, the commit checked out and the `binary`
    /// measured; `pinning` says how the servers and the load were placed.
    pub fn read(binary: &Path, pinning: String) -> Machine {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).trim().to_string())
            .unwrap_or_else(|| "unknown CPU".into());
        let mem_kib: f64 = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0);
        let output = |program: &str, args: &[&str]| {
            std::process::Command::new(program)
                .args(args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .output()
                .ok()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .unwrap_or_default()
        };
        let mut commit = output("git", &["rev-parse", "--short", "HEAD"]);
        let server_changes = output(
            "git",
            &[
                "status",
                "--porcelain",
                "--",
                "src",
                "Cargo.toml",
                "Cargo.lock",
            ],
        );
        if !server_changes.is_empty() {
            commit.push_str(" with uncommitted changes");
        }
        Machine {
            cpu,
            cores: super::procs::online_cpus(),
            memory: format!("{:.0} GiB", mem_kib / (1024.0 * 1024.0)),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            node: output("node", &["--version"]),
            date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            commit,
            binary: format!("{} (built {})", binary.display(), built(binary)),
            pinning,
        }
    }
}

/// When `binary` was last written, to the second (UTC).
fn built(binary: &Path) -> String {
    std::fs::metadata(binary)
        .and_then(|m| m.modified())
        .map(|t| humantime::format_rfc3339_seconds(t).to_string())
        .unwrap_or_else(|_| "at an unknown time".into())
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Run {
    pub label: String,
    pub quick: bool,
    pub machine: Machine,
    pub took_secs: f64,
    pub figures: Vec<Figure>,
    /// What the reader should know: failed phases, a saturated client.
    pub notes: Vec<String>,
}

impl Run {
    /// The run kept in `path`'s figure comment, if the file has one.
    pub fn read(path: &Path) -> Option<Run> {
        let text = std::fs::read_to_string(path).ok()?;
        let start = text.find(FIGURES_MARK)? + FIGURES_MARK.len();
        let end = start + text[start..].find(" -->")?;
        serde_json::from_str(&text[start..end]).ok()
    }

    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key == key)
    }
}

/// The Markdown of `run`, with `earlier`'s realtime-lab figures as a
/// column before this run's when given.
pub fn markdown(run: &Run, earlier: Option<&Run>, chart: Option<&str>) -> String {
    let m = &run.machine;
    let mut out = String::new();
    let _ = writeln!(out, "# Lean under load: realtime-lab beside Node\n");
    let _ = writeln!(
        out,
        "What one connection costs this server, against the minimal Node servers lesson 5 \
         quotes (`benches/lean/node/`), measured in one run on one machine: the server under \
         test alone on one core, the load generator on the other, each server a fresh process \
         per measurement, read from `/proc`. Absolute figures vary by machine; the ratios to \
         Node are the point. Issue 11 sets the targets.\n"
    );
    let kind = if run.quick {
        "quick run (1k connections at most)"
    } else {
        "full run"
    };
    let _ = writeln!(
        out,
        "**{}**: {kind}, {}, commit `{}`, {:.0} s; server `{}`. {}, {} cores, {} memory, Linux \
         {}, Node {}; {}.\n",
        run.label,
        m.date,
        m.commit,
        run.took_secs,
        m.binary,
        m.cpu,
        m.cores,
        m.memory,
        m.kernel,
        m.node,
        m.pinning
    );
    if let Some(earlier) = earlier {
        let e = &earlier.machine;
        let _ = writeln!(
            out,
            "The **{}** column is an earlier run ({}, commit `{}`, {}); Node's figures and the \
             ratios are this run's.\n",
            earlier.label, e.date, e.commit, e.cpu
        );
    }
    let _ = writeln!(
        out,
        "Rerun: `benches/lean.sh` (the full run, a few minutes) or `benches/lean.sh --quick`. \
         It needs `target/release/realtime-lab` from `cargo leptos build --release --precompress \
         --split`, and installs the Node references' one package (`ws`) when missing.\n"
    );
    if let Some(chart) = chart {
        let _ = writeln!(out, "![The figures as bars]({chart})\n");
    }
    for section in Section::ALL {
        let rows: Vec<&Figure> = run
            .figures
            .iter()
            .filter(|f| f.section == section)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {}\n", section.title());
        let _ = writeln!(out, "{}", table(section, &rows, &run.label, earlier));
    }
    let _ = writeln!(out, "## How each figure is measured\n\n{}", HOW_MEASURED);
    if !run.notes.is_empty() {
        let _ = writeln!(out, "## Notes on this run\n");
        for note in &run.notes {
            let _ = writeln!(out, "- {note}");
        }
        let _ = writeln!(out);
    }
    let json = serde_json::to_string(run).expect("figures serialise");
    let _ = writeln!(out, "{FIGURES_MARK}{json} -->");
    out
}

fn table(section: Section, rows: &[&Figure], label: &str, earlier: Option<&Run>) -> String {
    let mut head = vec!["figure".to_string()];
    if section == Section::Lesson5 {
        head.push("Node, timers never stopped".into());
        head.push("Node, `res.on(\"close\")`".into());
    } else {
        head.push("Node".into());
    }
    if let Some(earlier) = earlier {
        head.push(format!("realtime-lab, {}", earlier.label));
    }
    head.push(format!("realtime-lab, {label}"));
    head.push("realtime-lab ÷ Node".into());
    head.push("target".into());
    let mut out = format!("| {} |\n", head.join(" | "));
    let _ = writeln!(
        out,
        "|---|{}",
        (1..head.len()).map(|_| "---:|").collect::<String>()
    );
    for f in rows {
        let mut cells = vec![f.label.clone()];
        if section == Section::Lesson5 {
            cells.push(cell(f.unit, f.leaky));
        }
        cells.push(cell(f.unit, f.node));
        if let Some(earlier) = earlier {
            cells.push(cell(f.unit, earlier.figure(&f.key).and_then(|e| e.ours)));
        }
        cells.push(cell(f.unit, f.ours));
        cells.push(ratio(f));
        cells.push(f.target.clone().unwrap_or_else(|| "—".into()));
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// This server's figure ÷ Node's; for a reading against a baseline (RSS,
/// file descriptors after a crowd), what each grew by, since the two
/// servers start from different baselines.
fn ratio(f: &Figure) -> String {
    let (Some(node), Some(ours)) = (f.node, f.ours) else {
        return "—".into();
    };
    let growth = |v: Value| v.v - v.base.unwrap_or(0.0);
    let (node_v, ours_v, of) = match (node.base, ours.base) {
        (Some(_), Some(_)) => (growth(node), growth(ours), " of the growth"),
        _ => (node.v, ours.v, ""),
    };
    if node_v <= 0.0 {
        return "—".into();
    }
    let r = ours_v.max(0.0) / node_v;
    let word = match (r, f.better) {
        (r, _) if (0.95..=1.05).contains(&r) => "about the same",
        (r, Better::Lower) if r < 1.0 => "less",
        (_, Better::Lower) => "**more**",
        (r, Better::Higher) if r > 1.0 => "more",
        (_, Better::Higher) => "**less**",
    };
    format!("{r:.2}× ({word}{of})")
}

pub fn cell(unit: Unit, value: Option<Value>) -> String {
    let Some(value) = value else {
        return "—".into();
    };
    let v = format_value(unit, value.v);
    match value.base {
        Some(base) if unit == Unit::MiB && base > 0.0 => {
            let growth = 100.0 * (value.v - base) / base;
            format!("{v} (from {base:.1}: {growth:+.0}%)")
        }
        Some(base) => format!("{v} (from {})", format_value(unit, base)),
        None => v,
    }
}

pub fn format_value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::KiB => format!("{v:.1} KiB"),
        Unit::MiB => format!("{v:.1} MiB"),
        Unit::Micros if v >= 1000.0 => format!("{:.2} ms", v / 1000.0),
        Unit::Micros if v >= 100.0 => format!("{v:.0} µs"),
        Unit::Micros => format!("{v:.1} µs"),
        Unit::Millis if v >= 1000.0 => format!("{:.2} s", v / 1000.0),
        Unit::Millis if v >= 10.0 => format!("{v:.0} ms"),
        Unit::Millis => format!("{v:.1} ms"),
        Unit::Count => thousands(v.round() as u64),
        Unit::PerSec if v >= 10_000.0 => format!("{:.0}k/s", v / 1000.0),
        Unit::PerSec => format!("{v:.0}/s"),
        Unit::Percent => format!("{v:.1}%"),
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

const HOW_MEASURED: &str = "\
- **Memory per connection**: (resident memory with N open − resident memory before) ÷ N, read \
  from `/proc/PID/status` (VmRSS) once it stops moving, after every connection is open and, \
  for the clock, a tick has reached every stream since the last one opened. An echo socket \
  has echoed one 32-byte message and is then idle. HTTP/2: 200 streams on each TLS connection \
  to the lab's lane (its `SETTINGS_MAX_CONCURRENT_STREAMS`), so 10k streams on 50 connections; \
  Node has no such server here.\n\
- **The clock under load**: with every stream open, for the window: ticks delivered (`event: \
  tick` events read by the clients, on every stream), the longest time a stream went without a \
  tick, the fan-out of each tick id (first stream to last, as the clients read it), and the \
  server's CPU (utime + stime from `/proc/PID/stat`) over the window ÷ ticks delivered. One \
  core cannot read 10k sockets in under about 60 ms, which would hide a faster fan-out, so at \
  10k the load generator watches every 10th stream (read at once: the gaps and the fan-out are \
  theirs) and reads the others once a second, half a second after the ticks (counted, not \
  timed); the server writes into every socket alike. Node's tutorial server has a timer per \
  client, each at its own phase of the second, so there is no shared tick to fan out.\n\
- **Echo round trips**: each client sends a text message, waits for its echo and sends again \
  (one message in flight per client), for a few seconds; round trips per second in total, \
  and the latency of each. The load generator has one core too: at the highest rates it may \
  be the limit (see the notes).\n\
- **After the crowd left**: clients connect (a clock stream gets a tick; an echo socket echoes \
  one message and closes with 1000) and leave, in waves; then the server's resident memory, \
  open file descriptors (`/proc/PID/fd`) and CPU some seconds later, beside its reading \
  before the crowd.\n\
- **Lesson 5**: 1k clients open the clock, get a tick, and leave; then CPU and memory of the \
  naive Node server (a timer per client, never stopped), the fixed one (`res.on(\"close\", () \
  => clearInterval(timer))`) and this server's one shared ticker.\n";

// These tests run in tests/it/lean_smoke.rs; the bench (harness = false)
// compiles the module without them, hence the allow.
#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn keeps_its_figures_for_a_later_run() {
        let run = Run {
            label: "before".into(),
            quick: true,
            machine: Machine::default(),
            took_secs: 1.0,
            figures: vec![Figure::new(
                "mem.clock.1k",
                Section::Memory,
                "clock stream",
                Unit::KiB,
                Better::Lower,
            )
            .node(Some(Value::new(12.0)))
            .ours(Some(Value::new(24.0)))],
            notes: vec![],
        };
        let dir = std::env::temp_dir().join(format!("lean-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("before.md");
        std::fs::write(&path, markdown(&run, None, None)).unwrap();
        let again = Run::read(&path).expect("the figures read back");
        assert_eq!(
            again.figure("mem.clock.1k").unwrap().ours,
            Some(Value::new(24.0))
        );
        let after = markdown(&run, Some(&again), None);
        assert!(
            after.contains(
                "| clock stream | 12.0 KiB | 24.0 KiB | 24.0 KiB | 2.00× (**more**) | — |"
            ),
            "{after}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
