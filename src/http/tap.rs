//! A tap on one connection: its plaintext, both ways, copied for the wire
//! view (`crate::realtime::wire`) when the connection asked for it.
//!
//! A connection asks with a tap id in a request's target (`?tap=…`). On
//! HTTP/1.1 a request line starts a read, so [`Tapped`] looks at the
//! first line of each read that starts with a method's capital letter (and
//! keeps a line a read cut short until its end); a WebSocket frame or a
//! body starts otherwise and costs one branch. The copy ends when the
//! client starts another request on the connection: a tap is one
//! exchange (or one upgraded socket), never the requests that follow on a
//! kept-alive connection, which behind a proxy may be someone else's. On
//! HTTP/2 the target is compressed (HPACK), so a lane connection keeps its
//! first bytes (the preface, `SETTINGS`, the first header block; at most
//! [`first_request::FIRST_BYTES`]) until its first request is read: if that request
//! names a tap, the capture starts with them, and the decoder has the
//! header table from its start; if not, they are dropped. A later request
//! that names a tap on such a connection cannot be decoded from there: the
//! connection is asked to close (`GOAWAY`) so the browser opens a new one.
//!
//! This file knows no endpoint: a [`TapFinder`] (the wire view's taps)
//! says which ids were asked for, and holds each [`Capture`].
mod capture;
mod first_request;
mod request_line;

use bytes::Bytes;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub use capture::{Capture, Piece, Snapshot};
pub use first_request::FirstRequest;
use request_line::{begins_a_line_without_its_end, is_request_line};
pub use request_line::{tap_id_in_request_line, tap_id_in_target};

/// Who asked for taps.
pub trait TapFinder: Send + Sync + 'static {
    /// The capture waiting for `id`, now taken by this connection; `None`
    /// if nobody asked for it or another connection took it.
    fn claim(&self, id: &str) -> Option<Arc<Capture>>;

    /// `id` arrived on an HTTP/2 connection past its first request, which
    /// is now asked to close.
    fn reused(&self, id: &str);
}

/// How a connection is tapped.
enum Mode {
    /// Not looked at (a finder-less server).
    Off,
    /// HTTP/1.1: each request line is looked at for a tap id.
    Scan(Arc<dyn TapFinder>),
    /// HTTP/1.1: a read began a request line and did not end it (a TLS
    /// record or a TCP segment may cut it anywhere); kept, at most
    /// `request_line::LONGEST_LINE` bytes, until the line ends.
    Line(Box<PartialLine>),
    /// Copying into a capture, until the client starts another request.
    On(Box<Copying>),
    /// HTTP/2 on a lane: kept until the first request is read.
    First(Arc<FirstRequest>),
}

/// A capture being filled, and who to tell of the next request's tap.
struct Copying {
    capture: Arc<Capture>,
    finder: Arc<dyn TapFinder>,
}

/// The start of a request line, and who to tell when it ends (boxed: a
/// connection's [`Mode`] stays as small as an `Arc`).
struct PartialLine {
    finder: Arc<dyn TapFinder>,
    bytes: Vec<u8>,
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
            Mode::Scan(finder) if from_client => {
                let finder = finder.clone();
                self.scan(finder, bytes);
            }
            Mode::Line(..) if from_client => {
                let Mode::Line(mut line) = std::mem::replace(&mut self.mode, Mode::Off) else {
                    return;
                };
                line.bytes.extend_from_slice(bytes);
                self.scan(line.finder, &line.bytes);
            }
            Mode::Scan(_) | Mode::Line(..) => {}
            // The tapped exchange is over when the client starts another
            // request on this connection (the browser's, or, behind a proxy
            // that keeps its connections, someone else's): not for this tap.
            Mode::On(copying) if from_client && is_request_line(bytes) => {
                copying.capture.close();
                let finder = copying.finder.clone();
                self.scan(finder, bytes);
            }
            // A full capture only counts: a flood costs it no copy.
            Mode::On(copying) => copying.capture.record_bytes(from_client, bytes),
            Mode::First(first) => first.record(piece()),
        }
    }

    /// Looks at `bytes`, read from the client, for a request line that
    /// names a tap: copies from there if one does, waits for the rest of a
    /// line begun and not ended.
    fn scan(&mut self, finder: Arc<dyn TapFinder>, bytes: &[u8]) {
        if let Some(capture) = tap_id_in_request_line(bytes).and_then(|id| finder.claim(id)) {
            capture.record_bytes(true, bytes);
            self.mode = Mode::On(Box::new(Copying { capture, finder }));
        } else if begins_a_line_without_its_end(bytes) {
            self.mode = Mode::Line(Box::new(PartialLine {
                finder,
                bytes: bytes.to_vec(),
            }));
        } else {
            self.mode = Mode::Scan(finder);
        }
    }
}

impl<T> Drop for Tapped<T> {
    fn drop(&mut self) {
        match &self.mode {
            Mode::On(copying) => copying.capture.close(),
            Mode::First(first) => first.close(),
            Mode::Off | Mode::Scan(_) | Mode::Line(..) => {}
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
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    pub(super) struct One(pub Arc<Capture>, pub Mutex<Vec<String>>);

    impl TapFinder for One {
        fn claim(&self, id: &str) -> Option<Arc<Capture>> {
            (id == "abc").then(|| self.0.clone())
        }
        fn reused(&self, id: &str) {
            self.1.lock().unwrap().push(id.to_owned());
        }
    }

    #[test]
    fn an_untapped_connection_carries_three_words_more() {
        // What every connection pays for the wire view: the mode, beside
        // the stream (a 16-byte Arc<dyn TapFinder> and a tag; a partial line
        // is boxed, so that it adds nothing here).
        assert!(
            std::mem::size_of::<Mode>() <= 24,
            "{}",
            std::mem::size_of::<Mode>()
        );
        let plus = std::mem::size_of::<Tapped<tokio::net::TcpStream>>()
            - std::mem::size_of::<tokio::net::TcpStream>();
        assert!(plus <= 24, "{plus}");
    }

    #[tokio::test]
    async fn a_request_line_cut_between_two_reads_is_still_found() {
        let capture = Capture::new(1024);
        let finder = Arc::new(One(capture.clone(), Mutex::default()));
        let (mut peer, ours) = tokio::io::duplex(4096);
        let mut conn = Tapped::http1(ours, Some(finder as Arc<dyn TapFinder>));
        let mut buf = [0u8; 256];
        // As Chromium's request reached a lane once: 24 bytes, then the rest.
        for part in [
            "GET /api/lab/stream?labe",
            "l=wire&tap=abc HTTP/1.1\r\n\r\n",
        ] {
            peer.write_all(part.as_bytes()).await.unwrap();
            let n = conn.read(&mut buf).await.unwrap();
            assert_eq!(n, part.len());
        }
        let pieces = capture.since(0).pieces;
        assert_eq!(pieces.len(), 1);
        assert_eq!(
            &pieces[0].bytes[..],
            b"GET /api/lab/stream?label=wire&tap=abc HTTP/1.1\r\n\r\n",
            "the capture starts at the request line"
        );
    }

    #[tokio::test]
    async fn the_next_request_on_a_tapped_connection_ends_the_capture() {
        let capture = Capture::new(1024);
        let finder = Arc::new(One(capture.clone(), Mutex::default()));
        let (mut peer, ours) = tokio::io::duplex(4096);
        let mut conn = Tapped::http1(ours, Some(finder as Arc<dyn TapFinder>));
        let mut buf = [0u8; 256];
        for request in [
            "GET /x?tap=abc HTTP/1.1\r\n\r\n",
            "GET /someone-else HTTP/1.1\r\n\r\n",
        ] {
            peer.write_all(request.as_bytes()).await.unwrap();
            let n = conn.read(&mut buf).await.unwrap();
            assert_eq!(n, request.len());
            conn.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
        }
        let snapshot = capture.since(0);
        assert!(snapshot.closed, "the capture ended with its exchange");
        assert_eq!(
            snapshot.pieces.len(),
            2,
            "the tapped request and its answer, nothing after"
        );
        assert!(is_request_line(b"POST /a HTTP/1.1\r\nHost: x\r\n"));
        assert!(!is_request_line(b"Hello, this is a body\r\n"));
        assert!(!is_request_line(&[0x81, 0x82, b'G', b'E']));
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
}
