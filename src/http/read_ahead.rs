//! Reading a connection in few calls without holding a buffer while idle.
//!
//! A WebSocket reads its socket through a buffer of its own, for as long as
//! the socket is open: tungstenite's, zero-filled to its full size. A large
//! one costs every idle echo socket its size in memory; a small one costs a
//! busy socket many system calls (a 4 KiB message read 1 KiB at a time is
//! four reads, and the echo's throughput fell by a quarter). So the echo
//! keeps its own buffer small, and this adapter, under hyper and everything
//! above it, serves small reads from a read-ahead that exists only while it
//! holds bytes: a small read that comes back full reads on into a larger
//! buffer at once, later small reads take from it, and it is freed as soon
//! as it is empty. Reads of at least [`SMALL_READ`] bytes (hyper's) go
//! straight to the connection, with no copy.

use bytes::BytesMut;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Reads for fewer bytes than this may be read ahead.
pub const SMALL_READ: usize = 4 * 1024;

/// How much one read ahead asks for.
const READ_AHEAD: usize = 16 * 1024;

#[derive(Debug)]
pub struct ReadAhead<T> {
    inner: T,
    /// Bytes read ahead and not yet asked for; no allocation when empty.
    ahead: BytesMut,
    /// An error met while reading ahead, for the next read.
    error: Option<io::Error>,
}

impl<T> ReadAhead<T> {
    pub fn new(inner: T) -> Self {
        ReadAhead {
            inner,
            ahead: BytesMut::new(),
            error: None,
        }
    }

    /// The bytes held for later reads (0 when idle).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.ahead.capacity()
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ReadAhead<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.ahead.is_empty() {
            let n = buf.remaining().min(this.ahead.len());
            buf.put_slice(&this.ahead.split_to(n));
            if this.ahead.is_empty() {
                this.ahead = BytesMut::new(); // give the memory back
            }
            return Poll::Ready(Ok(()));
        }
        if let Some(error) = this.error.take() {
            return Poll::Ready(Err(error));
        }
        let wanted = buf.remaining();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        let got = buf.filled().len() - before;
        // A small read that came back full: more is probably waiting, so
        // take it in one call now rather than in many small ones.
        if got > 0 && got == wanted && wanted < SMALL_READ {
            let mut ahead = BytesMut::with_capacity(READ_AHEAD);
            match tokio_util::io::poll_read_buf(Pin::new(&mut this.inner), cx, &mut ahead) {
                Poll::Ready(Ok(_)) => this.ahead = ahead,
                Poll::Ready(Err(error)) => this.error = Some(error),
                // Nothing more yet; the buffer goes, and the caller is
                // woken when there is.
                Poll::Pending => {}
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ReadAhead<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
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

    /// Counts the reads that reach the connection.
    struct Counted<T> {
        inner: T,
        reads: usize,
    }

    impl<T: AsyncRead + Unpin> AsyncRead for Counted<T> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            self.reads += 1;
            Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    #[tokio::test]
    async fn small_reads_take_a_message_in_two_calls_and_hold_nothing_after() {
        let (mut peer, ours) = tokio::io::duplex(64 * 1024);
        let message: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        peer.write_all(&message).await.unwrap();
        let mut conn = ReadAhead::new(Counted {
            inner: ours,
            reads: 0,
        });
        let mut read = Vec::new();
        let mut chunk = [0u8; 1024];
        while read.len() < message.len() {
            let n = conn.read(&mut chunk).await.unwrap();
            read.extend_from_slice(&chunk[..n]);
        }
        assert_eq!(read, message);
        assert_eq!(conn.inner.reads, 2, "one small read, then one read ahead");
        assert_eq!(conn.held(), 0, "the read-ahead is freed once empty");
    }

    #[tokio::test]
    async fn large_reads_go_straight_to_the_connection() {
        let (mut peer, ours) = tokio::io::duplex(64 * 1024);
        peer.write_all(&[7u8; 3000]).await.unwrap();
        let mut conn = ReadAhead::new(ours);
        let mut buf = vec![0u8; 8192];
        assert_eq!(conn.read(&mut buf).await.unwrap(), 3000);
        assert_eq!(conn.held(), 0);
    }

    #[tokio::test]
    async fn the_end_of_the_stream_is_still_seen() {
        let (mut peer, ours) = tokio::io::duplex(1024);
        peer.write_all(b"hello").await.unwrap();
        drop(peer);
        let mut conn = ReadAhead::new(ours);
        let mut all = Vec::new();
        conn.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"hello");
    }
}
