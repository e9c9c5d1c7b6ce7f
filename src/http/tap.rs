//! A tap on one connection: its plaintext, both ways, copied for the wire
//! view (`crate::realtime::wire`) when the connection asked for it.
//!
//! A connection asks with a tap id in a request's target (`?tap=…`). On
//! HTTP/1.1 the request line starts a read, so [`Tapped`] looks at the
//! first line of each read that starts with a method's capital letter; a
//! WebSocket frame or a body starts otherwise and costs one branch. On
//! HTTP/2 the target is compressed (HPACK), so a lane connection keeps its
//! first bytes (the preface, `SETTINGS`, the first header block; at most
//! [`FIRST_BYTES`]) until its first request is read: if that request
//! names a tap, the capture starts with them, and the decoder has the
//! header table from its start; if not, they are dropped. A later request
//! that names a tap on such a connection cannot be decoded from there: the
//! connection is asked to close (`GOAWAY`) so the browser opens a new one.
//!
//! This file knows no endpoint: a [`TapFinder`] (the wire view's taps)
//! says which ids were asked for, and holds each [`Capture`].

use bytes::Bytes;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{watch, Notify};

/// How much of a request line is looked at for a tap id.
const LONGEST_LINE: usize = 2048;

/// The longest tap id looked for.
const LONGEST_ID: usize = 32;

/// What a lane's HTTP/2 connection keeps until its first request is read.
pub const FIRST_BYTES: usize = 16 * 1024;

/// Who asked for taps.
pub trait TapFinder: Send + Sync + 'static {
    /// The capture waiting for `id`, now taken by this connection; `None`
    /// if nobody asked for it or another connection took it.
    fn claim(&self, id: &str) -> Option<Arc<Capture>>;

    /// `id` arrived on an HTTP/2 connection past its first request, which
    /// is now asked to close.
    fn reused(&self, id: &str);
}

/// One piece of a connection's plaintext, as one read or write saw it.
#[derive(Clone, Debug)]
pub struct Piece {
    pub from_client: bool,
    pub at: Instant,
    pub bytes: Bytes,
}

/// What a tap has copied so far, up to its limit.
#[derive(Debug)]
pub struct Capture {
    limit: usize,
    recorded: Mutex<Recorded>,
    changes: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Recorded {
    pieces: Vec<Piece>,
    kept: usize,
    /// Bytes not kept once the limit was reached.
    left_out: u64,
    closed: bool,
}

/// A copy of a capture from one piece on.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub pieces: Vec<Piece>,
    pub left_out: u64,
    pub closed: bool,
}

impl Capture {
    /// An empty capture that keeps at most `limit` bytes (both ways).
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Capture {
            limit,
            recorded: Mutex::default(),
            changes: watch::Sender::new(0),
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut Recorded) -> R) -> R {
        let mut recorded = self.recorded.lock().unwrap_or_else(PoisonError::into_inner);
        let result = f(&mut recorded);
        drop(recorded);
        self.changes.send_modify(|n| *n += 1);
        result
    }

    fn record(&self, piece: Piece) {
        self.with(|recorded| {
            if recorded.kept + piece.bytes.len() > self.limit {
                recorded.left_out += piece.bytes.len() as u64;
            } else {
                recorded.kept += piece.bytes.len();
                recorded.pieces.push(piece);
            }
        });
    }

    fn close(&self) {
        self.with(|recorded| recorded.closed = true);
    }

    /// The pieces from the `from`th on, and whether the connection ended.
    pub fn since(&self, from: usize) -> Snapshot {
        let recorded = self.recorded.lock().unwrap_or_else(PoisonError::into_inner);
        Snapshot {
            pieces: recorded.pieces.get(from..).unwrap_or_default().to_vec(),
            left_out: recorded.left_out,
            closed: recorded.closed,
        }
    }

    /// Changes whenever a piece is recorded or the connection ends.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The most it keeps.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

/// A tap id in the target of the request line that starts `bytes`, as in
/// `GET /api/clock?tap=abc HTTP/1.1`.
pub fn tap_id_in_request_line(bytes: &[u8]) -> Option<&str> {
    if !bytes.first()?.is_ascii_uppercase() {
        return None;
    }
    let head = &bytes[..bytes.len().min(LONGEST_LINE)];
    let line = &head[..memchr::memchr(b'\n', head)?];
    tap_id_in_target(line)
}

/// The value of `tap=` in a request target's query, if any.
pub fn tap_id_in_target(target: &[u8]) -> Option<&str> {
    memchr::memmem::find_iter(target, b"tap=")
        .filter(|&at| at > 0 && matches!(target[at - 1], b'?' | b'&'))
        .find_map(|at| {
            let rest = &target[at + 4..];
            let end = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')))
                .unwrap_or(rest.len());
            (end > 0 && end <= LONGEST_ID).then(|| std::str::from_utf8(&rest[..end]).ok())?
        })
}

/// A lane's HTTP/2 connection, from its first byte to its first request.
#[derive(Debug)]
pub struct FirstRequest {
    state: Mutex<Lane>,
    /// Told when the connection should close (`GOAWAY`).
    pub drain: Notify,
}

#[derive(Debug)]
enum Lane {
    Waiting { pieces: Vec<Piece>, kept: usize },
    Tapped(Arc<Capture>),
    Untapped,
}

impl FirstRequest {
    pub fn new() -> Arc<Self> {
        Arc::new(FirstRequest {
            state: Mutex::new(Lane::Waiting {
                pieces: Vec::new(),
                kept: 0,
            }),
            drain: Notify::new(),
        })
    }

    /// Called with each request's target, in the order they arrive.
    pub fn request(&self, target: &[u8], finder: &dyn TapFinder) {
        let id = tap_id_in_target(target);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match (&mut *state, id) {
            (Lane::Waiting { pieces, .. }, Some(id)) => match finder.claim(id) {
                Some(capture) => {
                    for piece in pieces.drain(..) {
                        capture.record(piece);
                    }
                    *state = Lane::Tapped(capture);
                }
                None => *state = Lane::Untapped,
            },
            (Lane::Waiting { .. }, None) => *state = Lane::Untapped,
            (Lane::Untapped, Some(id)) => {
                finder.reused(id);
                self.drain.notify_one();
            }
            (Lane::Tapped(_) | Lane::Untapped, _) => {}
        }
    }

    fn record(&self, piece: Piece) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *state {
            Lane::Waiting { pieces, kept } => {
                *kept += piece.bytes.len();
                if *kept > FIRST_BYTES {
                    *state = Lane::Untapped;
                } else {
                    pieces.push(piece);
                }
            }
            Lane::Tapped(capture) => capture.record(piece),
            Lane::Untapped => {}
        }
    }

    fn close(&self) {
        if let Lane::Tapped(capture) = &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            capture.close();
        }
    }
}

/// How a connection is tapped.
enum Mode {
    /// Not looked at (a finder-less server).
    Off,
    /// HTTP/1.1: each request line is looked at for a tap id.
    Scan(Arc<dyn TapFinder>),
    /// Copying into a capture.
    On(Arc<Capture>),
    /// HTTP/2 on a lane: kept until the first request is read.
    First(Arc<FirstRequest>),
}

/// A connection whose plaintext may be copied (see the module's text).
pub struct Tapped<T> {
    inner: T,
    mode: Mode,
}

impl<T> Tapped<T> {
    /// HTTP/1.1: any request line may start a tap.
    pub fn http1(inner: T, finder: Option<Arc<dyn TapFinder>>) -> Self {
        let mode = finder.map_or(Mode::Off, Mode::Scan);
        Tapped { inner, mode }
    }

    /// HTTP/2: only the first request may (`first` is told of each).
    pub fn http2(inner: T, first: Arc<FirstRequest>) -> Self {
        Tapped {
            inner,
            mode: Mode::First(first),
        }
    }

    fn copy(&mut self, from_client: bool, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let piece = || Piece {
            from_client,
            at: Instant::now(),
            bytes: Bytes::copy_from_slice(bytes),
        };
        match &self.mode {
            Mode::Off => {}
            Mode::Scan(finder) => {
                if from_client {
                    if let Some(capture) =
                        tap_id_in_request_line(bytes).and_then(|id| finder.claim(id))
                    {
                        capture.record(piece());
                        self.mode = Mode::On(capture);
                    }
                }
            }
            Mode::On(capture) => capture.record(piece()),
            Mode::First(first) => first.record(piece()),
        }
    }
}

impl<T> Drop for Tapped<T> {
    fn drop(&mut self) {
        match &self.mode {
            Mode::On(capture) => capture.close(),
            Mode::First(first) => first.close(),
            Mode::Off | Mode::Scan(_) => {}
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tapped<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        if !matches!(this.mode, Mode::Off) {
            this.copy(true, &buf.filled()[before..]);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tapped<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let n = ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        if matches!(this.mode, Mode::On(_) | Mode::First(_)) {
            this.copy(false, &buf[..n]);
        }
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let n = ready!(Pin::new(&mut this.inner).poll_write_vectored(cx, bufs))?;
        if matches!(this.mode, Mode::On(_) | Mode::First(_)) {
            let mut written = Vec::with_capacity(n);
            for buf in bufs {
                let take = (n - written.len()).min(buf.len());
                written.extend_from_slice(&buf[..take]);
            }
            this.copy(false, &written);
        }
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    struct One(Arc<Capture>, Mutex<Vec<String>>);

    impl TapFinder for One {
        fn claim(&self, id: &str) -> Option<Arc<Capture>> {
            (id == "abc").then(|| self.0.clone())
        }
        fn reused(&self, id: &str) {
            self.1.lock().unwrap().push(id.to_owned());
        }
    }

    #[test]
    fn a_tap_id_is_found_in_the_query_only() {
        let line = |s: &str| tap_id_in_request_line(s.as_bytes()).map(str::to_owned);
        assert_eq!(
            line("GET /api/clock?tap=abc HTTP/1.1\r\n").as_deref(),
            Some("abc")
        );
        assert_eq!(
            line("GET /a?x=1&tap=k-9_z HTTP/1.1\r\n").as_deref(),
            Some("k-9_z")
        );
        assert_eq!(line("GET /a?mytap=abc HTTP/1.1\r\n"), None);
        assert_eq!(line("GET /tap=abc HTTP/1.1\r\n"), None);
        assert_eq!(line("GET /a?tap= HTTP/1.1\r\n"), None);
        assert_eq!(
            line("\u{81}\u{85}?tap=abc\n"),
            None,
            "a frame is not a request line"
        );
        assert_eq!(
            line("GET /a HTTP/1.1\r\nX: ?tap=abc\r\n"),
            None,
            "headers are not looked at"
        );
    }

    #[tokio::test]
    async fn http1_copies_from_the_request_that_named_the_tap() {
        let capture = Capture::new(1024);
        let finder = Arc::new(One(capture.clone(), Mutex::default()));
        let (mut peer, ours) = tokio::io::duplex(4096);
        let mut conn = Tapped::http1(ours, Some(finder as Arc<dyn TapFinder>));
        let mut buf = [0u8; 256];
        for request in ["GET / HTTP/1.1\r\n\r\n", "GET /x?tap=abc HTTP/1.1\r\n\r\n"] {
            peer.write_all(request.as_bytes()).await.unwrap();
            let n = conn.read(&mut buf).await.unwrap();
            assert_eq!(n, request.len());
            conn.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
        }
        drop(conn);
        let snapshot = capture.since(0);
        let pieces: Vec<_> = snapshot
            .pieces
            .iter()
            .map(|p| {
                (
                    p.from_client,
                    String::from_utf8_lossy(&p.bytes).into_owned(),
                )
            })
            .collect();
        assert_eq!(
            pieces,
            [
                (true, "GET /x?tap=abc HTTP/1.1\r\n\r\n".to_owned()),
                (false, "HTTP/1.1 200 OK\r\n\r\n".to_owned())
            ]
        );
        assert!(snapshot.closed);
    }

    #[test]
    fn a_capture_keeps_up_to_its_limit_and_counts_the_rest() {
        let capture = Capture::new(10);
        for _ in 0..3 {
            capture.record(Piece {
                from_client: true,
                at: Instant::now(),
                bytes: Bytes::from_static(b"1234"),
            });
        }
        let snapshot = capture.since(0);
        assert_eq!(snapshot.pieces.len(), 2);
        assert_eq!(snapshot.left_out, 4);
    }

    #[test]
    fn http2_keeps_its_first_bytes_for_a_first_request_with_a_tap() {
        let capture = Capture::new(1024);
        let finder = One(capture.clone(), Mutex::default());
        let first = FirstRequest::new();
        first.record(Piece {
            from_client: true,
            at: Instant::now(),
            bytes: Bytes::from_static(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        });
        first.request(b"/api/lab/ping?tap=abc", &finder);
        assert_eq!(capture.since(0).pieces.len(), 1, "the preface is kept");

        let late = FirstRequest::new();
        late.request(b"/", &finder);
        late.request(b"/api/lab/ping?tap=abc", &finder);
        assert_eq!(
            *finder.1.lock().unwrap(),
            ["abc"],
            "too late: the connection is drained"
        );
    }
}
