//! Lesson 5's leaky server: what it reports to one client.

use serde::{Deserialize, Serialize};

/// Lesson 5's leaky server, for one client (`/api/leaky/stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakyStats {
    /// Its naive timers still firing, whether or not their client is there.
    pub naive_timers: usize,
    /// Of those, the ones whose client has left: the leak.
    pub orphaned: usize,
    /// Seconds until the demo's safety net stops the oldest leaked timer.
    pub next_cleanup_s: Option<u64>,
    /// Its clock streams, every one served by the server's one shared ticker.
    pub shared_streams: usize,
}
