//! A crowd of clock clients, cheap enough for 10,000 on one core: each is
//! a raw TCP connection that writes a GET and reads bytes (HTTP/1.1, with
//! the chunked framing undone), or a stream on a shared HTTP/2 connection
//! (h2 over rustls); either way the client only finds `event: tick` and its
//! `id:` in what arrives, and notes when each tick came.
//!
//! What the [`TickBook`] keeps is what the benchmark reports: when every
//! stream has had a tick, the ticks delivered in a window, the longest gap
//! any stream saw, and for each tick id how long it took from the first
//! stream to the last (the fan-out).
//!
//! One core cannot read 10k sockets in much less than 60 ms, which would
//! hide a faster fan-out. So a crowd may *watch* only every k-th stream
//! (read at once: gaps and fan-out come from these) and sweep the others
//! once a second, half a second after the clock's ticks (their ticks are
//! counted, not timed). What the server does is the same either way: it
//! writes into a socket whose reader is another process.

#![allow(dead_code)] // the bench and the smoke test use different parts

use super::connect::{connect, OPENING_AT_ONCE};
use bytes::Bytes;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

const REQUEST: &[u8] =
    b"GET /api/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";

/// The first and last arrival of one tick id, and at how many streams.
#[derive(Clone, Copy, Debug)]
struct Spread {
    first: Instant,
    last: Instant,
    count: usize,
}

#[derive(Debug, Default)]
struct Book {
    /// Every `watch_every`-th stream is watched (read at once, timed).
    watch_every: usize,
    opened: usize,
    failed: usize,
    ended: usize,
    first_failure: Option<String>,
    last_tick: Vec<Option<Instant>>,
    window_start: Option<Instant>,
    ticks_in_window: u64,
    max_gap: Duration,
    spread: HashMap<u64, Spread>,
}

/// What every stream of a crowd reports, behind one lock (the load
/// generator runs on one thread, so the lock is never contended).
#[derive(Debug, Default)]
pub struct TickBook(Mutex<Book>);

/// The ticks of a window, as the benchmark reports them.
#[derive(Clone, Debug, Default)]
pub struct WindowReport {
    pub ticks: u64,
    pub max_gap: Duration,
    /// First to last stream, for each tick id that reached every stream.
    pub fan_out: Vec<Duration>,
    /// Tick ids first seen in the window, and how many reached every stream.
    pub ids_seen: usize,
    /// The streams watched (gaps and fan-out are theirs).
    pub watched: usize,
}

impl TickBook {
    fn new(streams: usize, watch_every: usize) -> Arc<TickBook> {
        let book = TickBook::default();
        book.lock().last_tick = vec![None; streams];
        book.lock().watch_every = watch_every.max(1);
        Arc::new(book)
    }

    fn watched(&self, stream: usize) -> bool {
        stream.is_multiple_of(self.lock().watch_every)
    }

    fn lock(&self) -> MutexGuard<'_, Book> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn opened(&self) {
        self.lock().opened += 1;
    }

    fn failed(&self, why: String) {
        let mut book = self.lock();
        book.failed += 1;
        book.first_failure.get_or_insert(why);
    }

    fn ended(&self) {
        self.lock().ended += 1;
    }

    fn ticks(&self, stream: usize, ids: &[u64], at: Instant) {
        let mut book = self.lock();
        let book = &mut *book;
        let watched = stream.is_multiple_of(book.watch_every);
        if let Some(start) = book.window_start {
            if let Some(last) = book.last_tick[stream].filter(|_| watched) {
                if last >= start {
                    book.max_gap = book.max_gap.max(at - last);
                }
            }
            book.ticks_in_window += ids.len() as u64;
        }
        book.last_tick[stream] = Some(at);
        if !watched {
            return;
        }
        for &id in ids {
            book.spread
                .entry(id)
                .and_modify(|s| {
                    s.last = at;
                    s.count += 1;
                })
                .or_insert(Spread {
                    first: at,
                    last: at,
                    count: 1,
                });
        }
    }

    /// (opened, failed, ended, the first failure).
    pub fn counts(&self) -> (usize, usize, usize, Option<String>) {
        let book = self.lock();
        (
            book.opened,
            book.failed,
            book.ended,
            book.first_failure.clone(),
        )
    }

    /// Streams whose latest tick arrived after `since`.
    pub fn ticked_since(&self, since: Instant) -> usize {
        self.lock()
            .last_tick
            .iter()
            .filter(|t| t.is_some_and(|t| t > since))
            .count()
    }

    pub fn start_window(&self) -> Instant {
        let now = Instant::now();
        let mut book = self.lock();
        book.window_start = Some(now);
        book.ticks_in_window = 0;
        book.max_gap = Duration::ZERO;
        now
    }

    /// The window from its start to `end`. A stream that got nothing since
    /// its last tick counts that silence as a gap too.
    pub fn window_report(&self, end: Instant) -> WindowReport {
        let book = self.lock();
        let start = book.window_start.expect("a window was started");
        let every = book.watch_every;
        let watched = || book.last_tick.iter().step_by(every);
        let silence = watched()
            .map(|t| end - t.map_or(start, |t| t.max(start)))
            .max()
            .unwrap_or_default();
        let streams = watched().count();
        let in_window: Vec<&Spread> = book
            .spread
            .values()
            .filter(|s| s.first >= start && s.first <= end)
            .collect();
        WindowReport {
            ticks: book.ticks_in_window,
            max_gap: book.max_gap.max(silence),
            fan_out: in_window
                .iter()
                .filter(|s| s.count == streams)
                .map(|s| s.last - s.first)
                .collect(),
            ids_seen: in_window.len(),
            watched: streams,
        }
    }
}

/// Open clock streams; closing (or dropping) the crowd ends them all.
pub struct ClockCrowd {
    pub book: Arc<TickBook>,
    pub streams: usize,
    tasks: JoinSet<()>,
}

impl ClockCrowd {
    /// `streams` HTTP/1.1 clock streams to `addr`, each on its own
    /// connection, every one watched; returns once every response head has
    /// arrived.
    pub async fn open_h1(
        addr: SocketAddr,
        streams: usize,
        limit: Duration,
    ) -> Result<ClockCrowd, String> {
        ClockCrowd::open_h1_watching(addr, streams, 1, limit).await
    }

    /// As [`open_h1`](Self::open_h1), watching every `watch_every`-th
    /// stream and sweeping the others once a second.
    pub async fn open_h1_watching(
        addr: SocketAddr,
        streams: usize,
        watch_every: usize,
        limit: Duration,
    ) -> Result<ClockCrowd, String> {
        let book = TickBook::new(streams, watch_every);
        let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE));
        let (swept, to_sweep) = mpsc::unbounded_channel();
        let mut tasks = JoinSet::new();
        for i in 0..streams {
            let swept = (!book.watched(i)).then(|| swept.clone());
            tasks.spawn(h1_stream(addr, i, book.clone(), gate.clone(), swept));
        }
        drop(swept);
        if watch_every > 1 {
            tasks.spawn(sweep(to_sweep, book.clone()));
        }
        let crowd = ClockCrowd {
            book,
            streams,
            tasks,
        };
        crowd.wait_open(limit).await?;
        Ok(crowd)
    }

    /// `streams` HTTP/2 clock streams over TLS to `addr`, `per_connection`
    /// on each connection (the server's SETTINGS_MAX_CONCURRENT_STREAMS).
    pub async fn open_h2(
        addr: SocketAddr,
        streams: usize,
        per_connection: usize,
        tls: Arc<ClientConfig>,
        limit: Duration,
    ) -> Result<ClockCrowd, String> {
        let book = TickBook::new(streams, 1);
        let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE.min(16)));
        let mut tasks = JoinSet::new();
        for first in (0..streams).step_by(per_connection) {
            let count = per_connection.min(streams - first);
            let (book, gate, tls) = (book.clone(), gate.clone(), tls.clone());
            tasks.spawn(h2_connection(addr, first, count, book, gate, tls));
        }
        let crowd = ClockCrowd {
            book,
            streams,
            tasks,
        };
        crowd.wait_open(limit).await?;
        Ok(crowd)
    }

    async fn wait_open(&self, limit: Duration) -> Result<(), String> {
        let until = Instant::now() + limit;
        loop {
            let (opened, failed, _, why) = self.book.counts();
            if failed > 0 {
                return Err(format!(
                    "{failed} of {} clock streams failed to open (the first: {})",
                    self.streams,
                    why.unwrap_or_default()
                ));
            }
            if opened == self.streams {
                return Ok(());
            }
            if Instant::now() >= until {
                return Err(format!(
                    "only {opened} of {} clock streams opened within {limit:?}",
                    self.streams
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until every stream has had a tick that arrived after `since`.
    pub async fn wait_tick_for_all(&self, since: Instant, limit: Duration) -> Result<(), String> {
        let until = Instant::now() + limit;
        loop {
            let ticked = self.book.ticked_since(since);
            if ticked == self.streams {
                return Ok(());
            }
            if Instant::now() >= until {
                let (_, _, ended, _) = self.book.counts();
                return Err(format!(
                    "after {limit:?} only {ticked} of {} clock streams had a new tick \
                     ({ended} had ended)",
                    self.streams
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Ends every stream (the client leaves: its connections close) and
    /// waits until each task is gone.
    pub async fn close(mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// A stream that the sweeper reads: its socket, out of tokio's hands.
type Swept = (usize, std::net::TcpStream, TickReader);

async fn h1_stream(
    addr: SocketAddr,
    i: usize,
    book: Arc<TickBook>,
    gate: Arc<Semaphore>,
    swept: Option<mpsc::UnboundedSender<Swept>>,
) {
    let permit = gate.acquire_owned().await.expect("the gate stays open");
    let opened = async {
        let mut tcp = connect(addr).await.map_err(|e| format!("connect: {e}"))?;
        tcp.write_all(REQUEST)
            .await
            .map_err(|e| format!("write: {e}"))?;
        let (rest, chunked) = read_head(&mut tcp).await?;
        Ok::<_, String>((tcp, rest, chunked))
    }
    .await;
    drop(permit);
    let (mut tcp, rest, chunked) = match opened {
        Ok(opened) => opened,
        Err(why) => return book.failed(why),
    };
    let mut reader = TickReader::new(chunked);
    let mut ids = Vec::new();
    reader.feed(&rest, &mut ids);
    if !ids.is_empty() {
        book.ticks(i, &ids, Instant::now());
    }
    if let Some(swept) = swept {
        // Still non-blocking: the sweeper reads what is there, when it comes by.
        match tcp.into_std() {
            Ok(tcp) => {
                book.opened();
                let _ = swept.send((i, tcp, reader));
            }
            Err(e) => book.failed(format!("into_std: {e}")),
        }
        return;
    }
    book.opened();
    let mut buf = vec![0u8; 2048];
    loop {
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return book.ended(),
            Ok(n) => {
                let at = Instant::now();
                ids.clear();
                reader.feed(&buf[..n], &mut ids);
                if !ids.is_empty() {
                    book.ticks(i, &ids, at);
                }
            }
        }
    }
}

/// Reads every swept stream once a second, half a second after the
/// clock's ticks (which leave at whole seconds of the wall clock), so the
/// sweep never delays reading the watched streams.
async fn sweep(mut incoming: mpsc::UnboundedReceiver<Swept>, book: Arc<TickBook>) {
    use std::io::Read;
    let mut streams: Vec<Swept> = Vec::new();
    let mut buf = vec![0u8; 4096];
    let mut ids = Vec::new();
    loop {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_millis() as u64;
        let wait = (1500 - millis) % 1000;
        tokio::time::sleep(Duration::from_millis(wait.max(1))).await;
        while let Ok(stream) = incoming.try_recv() {
            streams.push(stream);
        }
        let at = Instant::now();
        streams.retain_mut(|(i, tcp, reader)| loop {
            match tcp.read(&mut buf) {
                Ok(0) => {
                    book.ended();
                    return false;
                }
                Ok(n) => {
                    ids.clear();
                    reader.feed(&buf[..n], &mut ids);
                    if !ids.is_empty() {
                        book.ticks(*i, &ids, at);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return true,
                Err(_) => {
                    book.ended();
                    return false;
                }
            }
        });
    }
}

/// Reads the response head; `Err` unless it is a 200. Returns the bytes
/// after the head and whether the body is chunked.
async fn read_head(tcp: &mut TcpStream) -> Result<(Vec<u8>, bool), String> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    let end = loop {
        let n = tcp.read(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("the connection closed before a response head".into());
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if head.len() > 16 * 1024 {
            return Err("a response head over 16 KiB".into());
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let status = text.lines().next().unwrap_or_default().to_string();
    if !status.starts_with("http/1.1 200") {
        return Err(format!("answered {status:?}"));
    }
    let chunked = text.contains("\r\ntransfer-encoding: chunked");
    Ok((head[end..].to_vec(), chunked))
}

async fn h2_connection(
    addr: SocketAddr,
    first: usize,
    count: usize,
    book: Arc<TickBook>,
    gate: Arc<Semaphore>,
    tls: Arc<ClientConfig>,
) {
    let permit = gate.acquire_owned().await.expect("the gate stays open");
    let handshake = async {
        let tcp = connect(addr).await.map_err(|e| format!("connect: {e}"))?;
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let tls = TlsConnector::from(tls)
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        if tls.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err("the lane did not choose h2".to_string());
        }
        h2::client::Builder::new()
            .initial_connection_window_size(8 << 20)
            .handshake::<_, Bytes>(tls)
            .await
            .map_err(|e| format!("h2 handshake: {e}"))
    }
    .await;
    drop(permit);
    let (send, connection) = match handshake {
        Ok(pair) => pair,
        Err(why) => {
            for _ in 0..count {
                book.failed(why.clone());
            }
            return;
        }
    };
    let streams: FuturesUnordered<_> = (first..first + count)
        .map(|i| h2_stream(send.clone(), addr, i, book.clone()))
        .collect();
    let streams = streams.collect::<Vec<()>>();
    tokio::select! {
        _ = connection => {}
        _ = streams => {}
    }
}

async fn h2_stream(
    send: h2::client::SendRequest<Bytes>,
    addr: SocketAddr,
    i: usize,
    book: Arc<TickBook>,
) {
    let request = http::Request::get(format!("https://{addr}/api/clock"))
        .body(())
        .unwrap();
    let response = async {
        let mut send = send.ready().await.map_err(|e| format!("h2: {e}"))?;
        let (response, _) = send
            .send_request(request, true)
            .map_err(|e| format!("h2 request: {e}"))?;
        let response = response.await.map_err(|e| format!("h2 response: {e}"))?;
        if response.status() != 200 {
            return Err(format!("answered {}", response.status()));
        }
        Ok(response.into_body())
    }
    .await;
    let mut body = match response {
        Ok(body) => body,
        Err(why) => return book.failed(why),
    };
    book.opened();
    let mut reader = TickReader::new(false);
    let mut ids = Vec::new();
    while let Some(Ok(data)) = body.data().await {
        let at = Instant::now();
        let _ = body.flow_control().release_capacity(data.len());
        ids.clear();
        reader.feed(&data, &mut ids);
        if !ids.is_empty() {
            book.ticks(i, &ids, at);
        }
    }
    book.ended();
}

/// A TLS client for the lab's lane that trusts exactly `cert` and asks
/// for h2.
pub fn h2_tls(cert: CertificateDer<'static>) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(cert).unwrap();
    let mut tls = ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(tls)
}

/// The tick ids in an event stream's bytes, fed as they arrive.
struct TickReader {
    chunks: Option<Chunked>,
    lines: SseLines,
}

impl TickReader {
    fn new(chunked: bool) -> TickReader {
        TickReader {
            chunks: chunked.then(Chunked::default),
            lines: SseLines::default(),
        }
    }

    fn feed(&mut self, bytes: &[u8], ids: &mut Vec<u64>) {
        match &mut self.chunks {
            Some(chunks) => {
                let lines = &mut self.lines;
                chunks.feed(bytes, |data| lines.feed(data, ids));
            }
            None => self.lines.feed(bytes, ids),
        }
    }
}

/// HTTP/1.1 chunked framing undone (RFC 9112 §7.1): size line, data, CRLF.
#[derive(Default)]
struct Chunked {
    size_line: Vec<u8>,
    /// Data bytes left in the current chunk.
    data_left: usize,
    /// CRLF bytes left after the current chunk's data.
    crlf_left: usize,
}

impl Chunked {
    fn feed(&mut self, mut input: &[u8], mut out: impl FnMut(&[u8])) {
        while !input.is_empty() {
            if self.data_left > 0 {
                let n = self.data_left.min(input.len());
                out(&input[..n]);
                self.data_left -= n;
                if self.data_left == 0 {
                    self.crlf_left = 2;
                }
                input = &input[n..];
            } else if self.crlf_left > 0 {
                let n = self.crlf_left.min(input.len());
                self.crlf_left -= n;
                input = &input[n..];
            } else {
                match input.iter().position(|&b| b == b'\n') {
                    None => {
                        self.size_line.extend_from_slice(input);
                        return;
                    }
                    Some(end) => {
                        self.size_line.extend_from_slice(&input[..end]);
                        let line = String::from_utf8_lossy(&self.size_line);
                        let size = line.trim().split(';').next().unwrap_or("");
                        self.data_left = usize::from_str_radix(size, 16).unwrap_or(0);
                        self.size_line.clear();
                        input = &input[end + 1..];
                    }
                }
            }
        }
    }
}

/// The lines of an event stream: a tick is an event with `event: tick`
/// and an `id:`, counted at its `data:` line.
#[derive(Default)]
struct SseLines {
    partial: Vec<u8>,
    tick: bool,
    id: Option<u64>,
}

impl SseLines {
    fn feed(&mut self, bytes: &[u8], ids: &mut Vec<u64>) {
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            if self.partial.is_empty() {
                self.line(&rest[..end], ids);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&rest[..end]);
                self.line(&line, ids);
            }
            rest = &rest[end + 1..];
        }
        self.partial.extend_from_slice(rest);
    }

    fn line(&mut self, line: &[u8], ids: &mut Vec<u64>) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            self.tick = false;
            self.id = None;
        } else if line == b"event: tick" {
            self.tick = true;
        } else if let Some(id) = line.strip_prefix(b"id: ") {
            self.id = std::str::from_utf8(id).ok().and_then(|s| s.parse().ok());
        } else if line.starts_with(b"data:") && self.tick {
            if let Some(id) = self.id {
                ids.push(id);
            }
            self.tick = false;
        }
    }
}

// These tests run in tests/it/lean_smoke.rs; the bench (harness = false)
// compiles the module without them, hence the allow.
#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn finds_tick_ids_across_chunks_split_anywhere() {
        let events = [
            "event: hello\nretry: 1000\ndata: {}\n\n",
            "event: tick\nid: 17\ndata: 2025-01-01T00:00:17.000Z\n\n",
        ];
        let body: String = events
            .iter()
            .map(|e| format!("{:x}\r\n{e}\r\n", e.len()))
            .collect();
        let body = body.as_bytes();
        for split in 0..body.len() {
            let mut reader = TickReader::new(true);
            let mut ids = Vec::new();
            reader.feed(&body[..split], &mut ids);
            reader.feed(&body[split..], &mut ids);
            assert_eq!(ids, [17], "split at {split}");
        }
    }
}
