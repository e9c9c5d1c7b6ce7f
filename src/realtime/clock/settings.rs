//! The clock's settings, each with its flag. Defaults suit a workshop room.

use std::time::Duration;

use crate::realtime::fair_share::PER_CLIENT;

/// The SSE clock's settings. Defaults suit a workshop room.
#[derive(Clone, Debug)]
pub struct ClockSettings {
    /// Time between ticks.
    pub tick: Duration,
    /// Time between `: heartbeat` comments (sent on every stream at once).
    pub heartbeat: Duration,
    /// The `retry:` hint: how long browsers wait before reconnecting.
    pub retry: Duration,
    /// How many recent ticks are kept for replay after `Last-Event-ID`.
    pub window: usize,
    /// Open clock streams, server-wide, accepted before answering 503
    /// (`--max-streams`).
    pub max_open_streams: usize,
    /// Open clock streams per client address, before answering 429
    /// (`--clock-per-client`).
    pub max_streams_per_client: usize,
}

impl Default for ClockSettings {
    fn default() -> Self {
        ClockSettings {
            tick: Duration::from_secs(1),
            heartbeat: Duration::from_secs(15),
            retry: Duration::from_secs(2),
            window: 300,
            max_open_streams: 2000,
            max_streams_per_client: PER_CLIENT,
        }
    }
}
