//! The echo's limits, each with its flag, apart from the echo so that its
//! liveness rule reads them without importing the echo.

use std::time::Duration;

use crate::realtime::fair_share::PER_CLIENT;

/// The WebSocket echo's limits.
#[derive(Clone, Debug)]
pub struct EchoSettings {
    /// Largest message (and frame) accepted, in bytes; larger closes with 1009.
    pub max_message: usize,
    /// A socket silent this long is closed with 1008.
    pub idle: Duration,
    /// After this long without a frame from the client, the server sends a
    /// ping (`--ws-ping-secs`)...
    pub ping_after: Duration,
    /// ...and drops the connection if nothing, not even the pong, comes back
    /// within this (`--ws-pong-secs`): a peer that vanished without a TCP
    /// reset is found in seconds, not when TCP gives up retransmitting.
    pub pong_deadline: Duration,
    /// Open echo sockets, server-wide, accepted before answering 503
    /// (`--max-sockets`).
    pub max_open_sockets: usize,
    /// Open echo sockets per client address, before answering 429
    /// (`--echo-per-client`).
    pub max_sockets_per_client: usize,
}

impl Default for EchoSettings {
    fn default() -> Self {
        EchoSettings {
            max_message: 64 * 1024,
            idle: Duration::from_secs(120),
            ping_after: Duration::from_secs(30),
            pong_deadline: Duration::from_secs(10),
            max_open_sockets: 2000,
            max_sockets_per_client: PER_CLIENT,
        }
    }
}
