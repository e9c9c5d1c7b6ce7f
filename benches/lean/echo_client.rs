//! WebSocket echo clients, cheap enough for 10,000 on one core: a raw TCP
//! connection, the HTTP/1.1 Upgrade written by hand, and frames built once
//! per client (RFC 6455 §5.2: a client masks its frames; the same masked
//! bytes are resent for each round trip, which no server can tell apart
//! from a fresh mask, and it keeps the load generator's cost per message
//! low). The server's frames are read from a buffer and checked for their
//! kind and length only.

#![allow(dead_code)] // the bench and the smoke test use different parts

use super::connect::{connect, OPENING_AT_ONCE};
use super::procs::Sample;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;
const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];
/// How long a closing socket waits for the server's close and EOF.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// One open echo socket.
pub struct EchoSocket {
    tcp: TcpStream,
    read: Vec<u8>,
    frame: Vec<u8>,
    size: usize,
}

impl EchoSocket {
    /// Connects to `addr` and upgrades `GET /api/echo` to a WebSocket.
    pub async fn open(addr: SocketAddr) -> Result<EchoSocket, String> {
        let mut tcp = connect(addr).await.map_err(|e| format!("connect: {e}"))?;
        let request = format!(
            "GET /api/echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        tcp.write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut read = Vec::with_capacity(512);
        let end = loop {
            let n = tcp
                .read_buf(&mut read)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("the connection closed before the upgrade".into());
            }
            if let Some(end) = read.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            if read.len() > 16 * 1024 {
                return Err("a response head over 16 KiB".into());
            }
        };
        let status = String::from_utf8_lossy(&read[..end])
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        if !status.starts_with("HTTP/1.1 101") {
            return Err(format!("answered {status:?}"));
        }
        read.drain(..end);
        let mut socket = EchoSocket {
            tcp,
            read,
            frame: Vec::new(),
            size: 0,
        };
        socket.message(32);
        Ok(socket)
    }

    /// The text message of `size` bytes that [`round_trip`](Self::round_trip) sends.
    pub fn message(&mut self, size: usize) {
        let payload: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        self.frame = masked_frame(TEXT, &payload);
        self.size = size;
    }

    /// Sends the message and waits for its echo.
    pub async fn round_trip(&mut self) -> Result<(), String> {
        self.tcp
            .write_all(&self.frame)
            .await
            .map_err(|e| format!("write: {e}"))?;
        loop {
            let (opcode, len) = self.next_frame().await?;
            match opcode {
                TEXT | BINARY if len == self.size => return Ok(()),
                TEXT | BINARY => return Err(format!("echoed {len} bytes of {}", self.size)),
                PING | PONG => continue,
                CLOSE => return Err("the server closed the socket".into()),
                other => return Err(format!("unexpected opcode {other}")),
            }
        }
    }

    /// Closes cleanly: a close frame with 1000, then the server's close and
    /// EOF (at most [`CLOSE_WAIT`]).
    pub async fn close(mut self) {
        let frame = masked_frame(CLOSE, &1000u16.to_be_bytes());
        if self.tcp.write_all(&frame).await.is_err() {
            return;
        }
        let mut buf = [0u8; 256];
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            while let Ok(n) = self.tcp.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    }

    /// The next frame of the server: its opcode and payload length.
    async fn next_frame(&mut self) -> Result<(u8, usize), String> {
        loop {
            if let Some((opcode, header, len)) = frame_header(&self.read) {
                if self.read.len() >= header + len {
                    self.read.drain(..header + len);
                    return Ok((opcode, len));
                }
            }
            self.read.reserve(self.size + 64);
            let n = self
                .tcp
                .read_buf(&mut self.read)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
        }
    }
}

/// (opcode, header length, payload length) once the header is complete.
fn frame_header(buf: &[u8]) -> Option<(u8, usize, usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let masked = if b1 & 0x80 != 0 { 4 } else { 0 };
    let (header, len) = match b1 & 0x7f {
        126 => (
            4,
            u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize,
        ),
        127 => (
            10,
            u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
        ),
        n => (2, n as usize),
    };
    Some((b0 & 0x0f, header + masked, len))
}

fn masked_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n < 65536 => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&MASK);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    frame
}

/// `count` echo sockets, each used for one 32-byte round trip and then
/// left idle; `Err` if any fails or all are not open within `limit`.
pub async fn open_idle(
    addr: SocketAddr,
    count: usize,
    limit: Duration,
) -> Result<Vec<EchoSocket>, String> {
    let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let mut tasks = JoinSet::new();
    for _ in 0..count {
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("the gate stays open");
            let mut socket = EchoSocket::open(addr).await?;
            socket.round_trip().await?;
            Ok::<_, String>(socket)
        });
    }
    let collect = async {
        let mut open = Vec::with_capacity(count);
        let mut failed = 0;
        let mut first_failure = None;
        while let Some(done) = tasks.join_next().await {
            match done.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(socket) => open.push(socket),
                Err(why) => {
                    failed += 1;
                    first_failure.get_or_insert(why);
                }
            }
        }
        if failed > 0 {
            return Err(format!(
                "{failed} of {count} echo sockets failed (the first: {})",
                first_failure.unwrap_or_default()
            ));
        }
        Ok(open)
    };
    tokio::time::timeout(limit, collect)
        .await
        .map_err(|_| format!("{count} echo sockets did not all open within {limit:?}"))?
}

/// Closes every socket cleanly, all at once.
pub async fn close_all(sockets: Vec<EchoSocket>) {
    let mut tasks = JoinSet::new();
    for socket in sockets {
        tasks.spawn(socket.close());
    }
    while tasks.join_next().await.is_some() {}
}

/// Round trips of one load: per second, and their latency.
#[derive(Clone, Debug, Default)]
pub struct RoundTrips {
    pub per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// The load generator's own CPU meanwhile: near 100% it, not the
    /// server, may be the limit.
    pub client_cpu_percent: f64,
}

/// `clients` sockets, each sending a `size`-byte message, waiting for its
/// echo and sending again, for `duration`.
pub async fn round_trips(
    addr: SocketAddr,
    clients: usize,
    size: usize,
    duration: Duration,
) -> Result<RoundTrips, String> {
    let mut sockets = open_idle(addr, clients, Duration::from_secs(30)).await?;
    for socket in &mut sockets {
        socket.message(size);
        socket.round_trip().await?;
    }
    let me = std::process::id();
    let before = Sample::of(me);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for mut socket in sockets {
        tasks.spawn(async move {
            // Nanoseconds as u32 (up to 4.2 s): 4 bytes a round trip.
            let mut latencies: Vec<u32> = Vec::new();
            loop {
                let sent = Instant::now();
                if sent >= deadline {
                    return Ok::<_, String>((latencies, socket));
                }
                socket.round_trip().await?;
                latencies.push(sent.elapsed().as_nanos().min(u32::MAX as u128) as u32);
            }
        });
    }
    let mut all = Vec::new();
    let mut sockets = Vec::with_capacity(clients);
    while let Some(done) = tasks.join_next().await {
        let (latencies, socket) = done.map_err(|e| e.to_string())??;
        all.extend(latencies);
        sockets.push(socket);
    }
    let elapsed = started.elapsed();
    let after = Sample::of(me);
    drop(sockets);
    all.sort_unstable();
    let at = |p: usize| {
        all.get((all.len().saturating_sub(1) * p) / 100)
            .map(|&ns| Duration::from_nanos(ns.into()))
    };
    Ok(RoundTrips {
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        p50: at(50).unwrap_or_default(),
        p99: at(99).unwrap_or_default(),
        client_cpu_percent: after.cpu_percent_since(&before),
    })
}

// These tests run in tests/it/lean_smoke.rs; the bench (harness = false)
// compiles the module without them, hence the allow.
#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn reads_the_length_of_short_and_long_frames() {
        assert_eq!(frame_header(&[0x81, 5]), Some((TEXT, 2, 5)));
        assert_eq!(
            frame_header(&[0x81, 126, 0x10, 0x00]),
            Some((TEXT, 4, 4096))
        );
        assert_eq!(frame_header(&[0x81, 126, 0x10]), None);
        let frame = masked_frame(TEXT, &[b'x'; 4096]);
        assert_eq!(frame_header(&frame), Some((TEXT, 8, 4096)));
        assert_eq!(frame.len(), 8 + 4096);
    }
}
