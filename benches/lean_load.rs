//! Lean under load (issue 11): what a connection costs this server, beside
//! the minimal Node servers lesson 5 quotes, in one run.
//!
//! 1. Each measurement starts a fresh server process, pinned to CPU 0 with
//!    `taskset -c 0`: our release binary (`target/release/realtime-lab`,
//!    caps raised) or a Node reference from `benches/lean/node/`.
//! 2. The load generator is this process (`benches/lean.sh` pins it to
//!    CPU 1): raw TCP clients on one thread, cheap per connection.
//! 3. The server is read from `/proc/PID/{status,stat,fd}`: resident
//!    memory, CPU time, open files.
//! 4. The figures go to a Markdown table and an SVG chart, with an earlier
//!    run's figures beside them when `…-before.md` exists.
//!
//! ```text
//! benches/lean.sh [--quick] [--label NAME] [--out DIR]
//! cargo bench --features ssr --bench lean_load -- [same flags]
//! ```
//!
//! Everything stays on 127.0.0.x; counts are capped at 10k connections of
//! a kind, every phase has a time limit, and servers are killed on exit.

#[path = "lean/chart.rs"]
mod chart;
#[path = "lean/clock_client.rs"]
mod clock_client;
#[path = "lean/connect.rs"]
mod connect;
#[path = "lean/echo_client.rs"]
mod echo_client;
#[path = "lean/figures.rs"]
mod figures;
#[path = "lean/floor.rs"]
mod floor;
#[path = "lean/phases.rs"]
mod phases;
#[path = "lean/procs.rs"]
mod procs;
#[path = "lean/report.rs"]
mod report;

use phases::{Env, Plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const USAGE: &str = "\
usage: benches/lean.sh [--quick] [--label NAME] [--out DIR]

  --quick       1k connections of a kind only, shorter windows (about 2 minutes);
                writes to target/lean-under-load/ unless --out says otherwise
  --label NAME  what this run is called in the table (default: now). `before`
                also writes docs/lean-under-load-before.md; any other label shows
                that file's figures beside this run's, when it exists
  --out DIR     where lean-under-load.md and .svg go (default: docs/ for a full run)
  --redraw      measure nothing: write the table and chart again from the figures
                kept in DIR/lean-under-load.md (after a change to how they are shown)";

struct Args {
    quick: bool,
    redraw: bool,
    label: String,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut quick = false;
    let mut redraw = false;
    let mut label = "now".to_string();
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--redraw" => redraw = true,
            "--label" => label = args.next().ok_or("--label needs a name")?,
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a folder")?)),
            "--bench" => {} // cargo bench adds it
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = out.unwrap_or_else(|| {
        Path::new(ROOT).join(if quick {
            "target/lean-under-load"
        } else {
            "docs"
        })
    });
    Ok(Args {
        quick,
        redraw,
        label,
        out,
    })
}

fn main() -> ExitCode {
    // This binary is also the floor server the clock is measured against.
    if std::env::args().any(|arg| arg == "--floor-server") {
        floor::serve();
    }
    let args = match parse_args() {
        Ok(args) => args,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("error: {why}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.redraw {
        let path = args.out.join("lean-under-load.md");
        let run = report::Run::read(&path)
            .ok_or_else(|| format!("{} holds no figures to redraw", path.display()))?;
        return write_outputs(&run, &args.out);
    }
    let env = environment()?;
    let (plan, limit) = if args.quick {
        (Plan::quick(), Duration::from_secs(1200))
    } else {
        (Plan::full(), Duration::from_secs(3600))
    };
    // The machine and the code as they are when the run starts.
    let machine = report::Machine::read(&env.binary, pinning(&env));
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Every server is killed when its phase ends (dropped), so none is
    // left running here, whatever happened.
    let (figures, notes) = runtime.block_on(async {
        tokio::select! {
            done = tokio::time::timeout(limit, figures::measure(&env, &plan)) => {
                done.map_err(|_| format!("the run took over {limit:?}; stopped")).and_then(|r| r)
            }
            why = stop_signal() => Err(why),
        }
    })?;
    let run = report::Run {
        label: args.label.clone(),
        quick: args.quick,
        machine,
        took_secs: started.elapsed().as_secs_f64(),
        figures,
        notes,
    };
    write_outputs(&run, &args.out)
}

async fn stop_signal() -> String {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted".to_string(),
        _ = term.recv() => "terminated".to_string(),
    }
}

fn environment() -> Result<Env, String> {
    let root = Path::new(ROOT);
    let binary = std::env::var_os("REALTIME_LAB_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/realtime-lab"));
    if !binary.is_file() {
        return Err(format!(
            "{} is missing: build it first with `cargo leptos build --release --precompress --split`",
            binary.display()
        ));
    }
    let node_dir = root.join("benches/lean/node");
    for script in phases::node_scripts(&node_dir) {
        if !script.is_file() {
            return Err(format!("{} is missing", script.display()));
        }
    }
    if !node_dir.join("node_modules/ws").is_dir() {
        return Err(format!(
            "the Node references' package `ws` is not installed: benches/lean.sh installs it \
             (or run `npm ci` in {})",
            node_dir.display()
        ));
    }
    let two_cores = std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2
        || procs::online_cpus() >= 2;
    let has_taskset = std::process::Command::new("taskset")
        .arg("--version")
        .output()
        .is_ok();
    let pin = if two_cores && has_taskset {
        ["taskset", "-c", "0"].map(String::from).to_vec()
    } else {
        eprintln!("warning: no taskset or fewer than 2 CPUs: the servers are not pinned");
        Vec::new()
    };
    let logs = root.join("target/lean-under-load/logs");
    Ok(Env::new(binary, node_dir, logs, pin))
}

fn pinning(env: &Env) -> String {
    if env.pin.is_empty() {
        "not pinned".to_string()
    } else {
        format!(
            "servers pinned to CPU 0 (`taskset -c 0`), the load generator on CPU {}",
            procs::own_cpus()
        )
    }
}

fn write_outputs(run: &report::Run, out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let main = out.join("lean-under-load.md");
    let before = out.join("lean-under-load-before.md");
    let svg = out.join("lean-under-load.svg");
    let earlier = if run.label == "before" {
        None
    } else {
        report::Run::read(&before).filter(|e| e.quick == run.quick)
    };
    chart::write_svg(&svg, &chart::panels(run, earlier.as_ref()))?;
    let text = report::markdown(run, earlier.as_ref(), Some("lean-under-load.svg"));
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(&main, &text)?;
    if run.label == "before" {
        write(&before, &text)?;
    }
    // The tables, for the terminal (without the figures' JSON comment).
    let tables: String = text
        .lines()
        .filter(|l| !l.starts_with("<!--"))
        .map(|l| format!("{l}\n"))
        .collect();
    println!("{tables}");
    eprintln!("wrote {} and {}", main.display(), svg.display());
    if run.label == "before" {
        eprintln!("wrote {}", before.display());
    }
    Ok(())
}
