//! What an exercise's journal holds: what the server saw or did on the
//! learner's connections, and when. The journal writes these
//! (`super::journal`), the rules read them (`super::grade`).

use std::time::Duration;

/// Something the server saw or did on the exercise's endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// A request for the event stream.
    Opened {
        post: bool,
        bearer: bool,
        last_event_id: Option<String>,
    },
    /// An event with this id went out.
    Sent {
        id: u64,
    },
    /// `event: done` went out.
    Done,
    /// The server ended the stream (after its events).
    EndedByServer,
    /// The client closed the stream (it was still open on the server).
    ClosedByClient,
    /// The stream was still open three seconds after `done`.
    OpenAfterDone,
    /// A WebSocket handshake: whether it was let through, the subprotocols
    /// offered, and the one the server picked.
    Attempt {
        accepted: bool,
        offered: Vec<String>,
        picked: Option<String>,
    },
    /// The server closed the socket (the backoff exercise's first one).
    ClosedByServer,
    Heartbeat,
    /// No reconnect came within two heartbeat intervals of the last.
    NoReconnect,
    /// A text message from the client.
    Message(String),
    /// The client's close frame: its code (none if it sent none) and reason.
    CloseFrame {
        code: Option<u16>,
        reason: String,
    },
    /// The connection ended without a close frame.
    Dropped,
}

/// An entry: what, and when (since the token was issued).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at: Duration,
    pub seen: Seen,
}
