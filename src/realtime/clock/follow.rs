//! The clock's ticks for a transport other than an event stream: the QUIC
//! lane's datagrams (`realtime/webtransport.rs`) follow the same ticker.

use std::time::{Duration, UNIX_EPOCH};
use tokio::sync::broadcast;

use super::Broadcast;

/// The clock's ticks as they are taken, from [`super::Clock::follow`].
#[derive(Debug)]
pub struct TickFollower {
    live: broadcast::Receiver<Broadcast>,
    period_ms: u64,
}

impl TickFollower {
    pub(super) fn new(live: broadcast::Receiver<Broadcast>, period_ms: u64) -> Self {
        TickFollower { live, period_ms }
    }

    /// The next tick's id and time (RFC 3339); `None` once the server stops.
    pub async fn next(&mut self) -> Option<(u64, String)> {
        loop {
            match self.live.recv().await {
                Ok(Broadcast::Tick(tick)) => {
                    let at =
                        UNIX_EPOCH + Duration::from_millis(tick.id.saturating_mul(self.period_ms));
                    return Some((tick.id, humantime::format_rfc3339_millis(at).to_string()));
                }
                Ok(Broadcast::Stop) | Err(broadcast::error::RecvError::Closed) => return None,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
            }
        }
    }
}
