//! The servers under test, each its own process, and what `/proc` says
//! about it: resident memory, open file descriptors, CPU time.
//!
//! Shared by `benches/lean_load.rs` and `tests/it/lean_smoke.rs` (`#[path]`).
//! A [`Server`] is killed when it is dropped, so a panic or an early return
//! never leaves one running.

#![allow(dead_code)] // the bench and the smoke test use different parts

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a server may take to print where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A server process, killed on drop.
pub struct Server {
    pub name: String,
    child: Child,
    /// Where the site (ours) or the only listener (Node) is.
    pub addr: SocketAddr,
    /// Ours with the lab on: the HTTP/2 lane (TLS, ALPN h2).
    pub h2_addr: Option<SocketAddr>,
    log: PathBuf,
    // Kept open, so a late line on stdout never meets a closed pipe.
    _stdout: Option<mpsc::Receiver<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What /proc says now; panics with the server's log if it has died.
    pub fn sample(&mut self) -> Sample {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited ({status}); its log {}:\n{}",
                self.name,
                self.log.display(),
                tail(&self.log)
            );
        }
        Sample::of(self.pid())
    }

    /// Resident memory after it stops moving (two readings 200 ms apart
    /// within 1%), or after `limit`.
    pub async fn settled_rss_kib(&mut self, limit: Duration) -> u64 {
        let until = Instant::now() + limit;
        let mut last = self.sample().rss_kib;
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let now = self.sample().rss_kib;
            if now.abs_diff(last) * 100 <= last || Instant::now() >= until {
                return now;
            }
            last = now;
        }
    }
}

/// The flags of our server for a load run: every cap raised to `caps`
/// (all connections come from a few loopback addresses, so a client's
/// share must be all of it), lessons not watched.
pub fn our_flags(caps: usize) -> Vec<String> {
    let caps = caps.to_string();
    let mut flags: Vec<String> = ["--addr", "127.0.0.1:0", "--no-watch"]
        .map(String::from)
        .to_vec();
    for flag in [
        "--max-streams",
        "--max-sockets",
        "--clock-per-client",
        "--echo-per-client",
        "--max-connections",
    ] {
        flags.push(flag.to_string());
        flags.push(caps.clone());
    }
    // The idle echo crowd reads nothing, so it would answer no liveness ping
    // and be dropped 40 s in: no ping within a run, as Node's servers send
    // none, so both are measured holding the same idle sockets.
    flags.extend(["--ws-ping-secs", "600"].map(String::from));
    flags
}

/// Starts `program args…` (behind `pin`, such as `taskset -c 0`, if given)
/// with stderr into `log`, and reads the lines that say where it listens:
/// `lines` of them, handed to `parse`.
pub fn spawn(
    name: &str,
    pin: &[String],
    program: &Path,
    args: &[String],
    log: &Path,
    lines: usize,
    parse: impl FnOnce(&[String]) -> (SocketAddr, Option<SocketAddr>),
) -> Server {
    let mut command = match pin.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    };
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let stderr = std::fs::File::create(log).unwrap();
    let mut child = command
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {} ({e})", program.display()));
    let stdout = read_lines(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let until = Instant::now() + START_TIMEOUT;
    while seen.len() < lines {
        let left = until.saturating_duration_since(Instant::now());
        match stdout.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{name} printed {} of the {lines} lines that say where it listens \
                     within {START_TIMEOUT:?} ({seen:?}); its log:\n{}",
                    seen.len(),
                    tail(log)
                );
            }
        }
    }
    let (addr, h2_addr) = parse(&seen);
    Server {
        name: name.to_string(),
        child,
        addr,
        h2_addr,
        log: log.to_path_buf(),
        _stdout: Some(stdout),
    }
}

/// Our server: `Realtime Lab is running: open http://127.0.0.1:PORT/`,
/// then, with the lab on, `Connection lab lanes: HTTP/2 https://localhost:PORT/ …`.
pub fn start_ours(
    name: &str,
    binary: &Path,
    pin: &[String],
    args: &[String],
    log: &Path,
) -> Server {
    let with_lab = !args.iter().any(|a| a == "--no-lab");
    let lines = if with_lab { 2 } else { 1 };
    spawn(name, pin, binary, args, log, lines, |seen| {
        let site = seen[0]
            .rsplit("http://")
            .next()
            .and_then(|rest| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {:?}", seen[0]));
        let h2 = seen.get(1).map(|lanes| {
            let port = lanes
                .split("https://localhost:")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|port| port.parse::<u16>().ok())
                .unwrap_or_else(|| panic!("unexpected lanes line {lanes:?}"));
            SocketAddr::from(([127, 0, 0, 1], port))
        });
        (site, h2)
    })
}

/// A Node reference: `node SCRIPT 0` prints the port it took.
pub fn start_node(name: &str, script: &Path, pin: &[String], log: &Path) -> Server {
    let node = PathBuf::from(std::env::var("NODE").unwrap_or_else(|_| "node".into()));
    let args = [script.display().to_string(), "0".to_string()];
    spawn(name, pin, &node, &args, log, 1, |seen| {
        let port: u16 = seen[0]
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}: expected a port, got {:?}", seen[0]));
        (SocketAddr::from(([127, 0, 0, 1], port)), None)
    })
}

fn read_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if send.send(line).is_err() {
                return;
            }
        }
    });
    receive
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// One reading of a process from /proc.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub rss_kib: u64,
    pub fds: usize,
    /// utime + stime, in clock ticks.
    pub cpu_ticks: u64,
    pub at: Instant,
}

impl Sample {
    pub fn of(pid: u32) -> Sample {
        Sample {
            rss_kib: rss_kib(pid),
            fds: std::fs::read_dir(format!("/proc/{pid}/fd"))
                .map(|d| d.count())
                .unwrap_or(0),
            cpu_ticks: cpu_ticks(pid),
            at: Instant::now(),
        }
    }

    /// CPU seconds used between `earlier` and this reading.
    pub fn cpu_secs_since(&self, earlier: &Sample) -> f64 {
        self.cpu_ticks.saturating_sub(earlier.cpu_ticks) as f64 / clock_ticks_per_sec()
    }

    /// Share of one core used between `earlier` and this reading, in percent.
    pub fn cpu_percent_since(&self, earlier: &Sample) -> f64 {
        let wall = self.at.duration_since(earlier.at).as_secs_f64().max(1e-9);
        100.0 * self.cpu_secs_since(earlier) / wall
    }
}

pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:").map(str::to_string))
        })
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// utime + stime from /proc/PID/stat (fields 14 and 15, counted after the
/// command name, which may itself hold spaces and parentheses).
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    field(14).unwrap_or(0) + field(15).unwrap_or(0)
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`; 100 on Linux).
pub fn clock_ticks_per_sec() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// CPUs the kernel has online (`/sys/devices/system/cpu/online`, such as
/// `0-1`), whatever this process is pinned to.
pub fn online_cpus() -> usize {
    let list = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_default();
    list.trim()
        .split(',')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (a.parse().unwrap_or(0usize), b.parse().unwrap_or(0usize));
                b.saturating_sub(a) + 1
            }
            None => 1,
        })
        .sum()
}

/// The CPUs this process may run on (`Cpus_allowed_list`, such as `1`).
pub fn own_cpus() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("Cpus_allowed_list:")
                    .map(|v| v.trim().to_string())
            })
        })
        .unwrap_or_else(|| "?".into())
}

/// CPU time the whole machine has been busy (all CPUs, clock ticks), from
/// the first line of /proc/stat: user, nice, system, irq, softirq, steal.
pub fn machine_busy_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| fields.get(i))
        .sum()
}

/// This process's CPU time and its waited-for children's (the servers it
/// started and killed), in clock ticks: fields 14 to 17 of /proc/self/stat.
pub fn own_and_children_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    (14..=17)
        .filter_map(|n| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok()))
        .sum()
}

/// A reading of how busy the machine is, to tell later how much of it
/// other processes used meanwhile.
pub struct Others {
    busy: u64,
    own: u64,
    at: Instant,
}

impl Others {
    pub fn now() -> Others {
        Others {
            busy: machine_busy_ticks(),
            own: own_and_children_ticks(),
            at: Instant::now(),
        }
    }

    /// The share of the whole machine (every CPU; 0 to 100) that processes
    /// other than this one and its reaped children used since the reading.
    pub fn percent_since(&self) -> f64 {
        let busy = machine_busy_ticks().saturating_sub(self.busy);
        let own = own_and_children_ticks().saturating_sub(self.own);
        let available =
            self.at.elapsed().as_secs_f64() * clock_ticks_per_sec() * online_cpus().max(1) as f64;
        100.0 * busy.saturating_sub(own) as f64 / available.max(1.0)
    }
}

/// Waits until other processes have used at most `percent` of the machine
/// for three seconds in a row; false if that did not happen within `limit`.
pub async fn wait_for_quiet(percent: f64, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    let mut quiet_seconds = 0;
    while Instant::now() < until {
        let reading = Others::now();
        tokio::time::sleep(Duration::from_secs(1)).await;
        if reading.percent_since() <= percent {
            quiet_seconds += 1;
            if quiet_seconds >= 3 {
                return true;
            }
        } else {
            quiet_seconds = 0;
        }
    }
    false
}
