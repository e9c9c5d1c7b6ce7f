//! A lane's HTTP/2 connection, kept from its first byte until its first
//! request says whether the wire view tapped it.

use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

use super::{tap_id_in_target, Capture, Piece, TapFinder};

/// What a lane's HTTP/2 connection keeps until its first request is read.
pub const FIRST_BYTES: usize = 16 * 1024;

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

    pub(super) fn record(&self, piece: Piece) {
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

    pub(super) fn close(&self) {
        if let Lane::Tapped(capture) = &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            capture.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::tap::tests::One;
    use bytes::Bytes;
    use std::time::Instant;

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
