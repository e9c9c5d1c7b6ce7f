//! What a tap keeps of a connection: pieces of its plaintext, up to a limit.

use bytes::Bytes;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tokio::sync::watch;

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

    pub(super) fn record(&self, piece: Piece) {
        self.with(|recorded| {
            if recorded.kept + piece.bytes.len() > self.limit {
                recorded.left_out += piece.bytes.len() as u64;
            } else {
                recorded.kept += piece.bytes.len();
                recorded.pieces.push(piece);
            }
        });
    }

    /// Copies `bytes` in, unless the capture is full (then only counts them).
    pub(super) fn record_bytes(&self, from_client: bool, bytes: &[u8]) {
        let full = {
            let recorded = self.recorded.lock().unwrap_or_else(PoisonError::into_inner);
            recorded.kept + bytes.len() > self.limit
        };
        if full {
            self.with(|recorded| recorded.left_out += bytes.len() as u64);
        } else {
            self.record(Piece {
                from_client,
                at: Instant::now(),
                bytes: Bytes::copy_from_slice(bytes),
            });
        }
    }

    pub(super) fn close(&self) {
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

    /// Whether its connection has ended.
    pub fn closed(&self) -> bool {
        self.recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed
    }

    /// The most it keeps.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
