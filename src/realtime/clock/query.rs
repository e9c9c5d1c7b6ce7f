//! What `GET /api/clock` may be asked, and the answer to a bad number.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::model::wire::ClockFault;

/// How one stream is shaped: `?fault=…` asks it to misbehave (see
/// `super::faults`); `?every=N` sends only every Nth tick and none of the
/// shared heartbeats (a quiet stream, as lesson 8's idle timeouts need: a
/// shared heartbeat landing between two ticks would put the proxy's cut off
/// by up to a period); `?heartbeat=S` adds a `: heartbeat` comment every S
/// seconds; `?ping=S` an `event: ping` with `data: {}` every S seconds, the
/// real event lesson 8's watchdog listens for, and `?bare_ping=S` the same
/// event with no `data:` line, which a browser never dispatches;
/// `?lastEventId=N` stands for a `Last-Event-ID` header.
#[derive(serde::Deserialize)]
pub struct ClockQuery {
    pub fault: Option<ClockFault>,
    pub every: Option<u64>,
    pub heartbeat: Option<u64>,
    pub ping: Option<u64>,
    pub bare_ping: Option<u64>,
    /// The last id seen, for a new `EventSource` (which cannot send the
    /// header): lessons 6 and 8 pass it on so. The header wins.
    #[serde(rename = "lastEventId")]
    pub last_event_id: Option<u64>,
}

/// The largest `every`, `heartbeat`, `ping` and `bare_ping` accepted, in
/// ticks and seconds.
const MOST_SECONDS: u64 = 60;

/// `?ping=`'s event, and `?bare_ping=`'s: the same without its `data:` line.
pub const PING: &[u8] = b"event: ping\ndata: {}\n\n";
pub const BARE_PING: &[u8] = b"event: ping\n\n";

impl ClockQuery {
    /// A bad number, in words that say what is accepted.
    pub fn problem(&self) -> Option<Response> {
        let out_of_range = |n: &Option<u64>| n.is_some_and(|n| !(1..=MOST_SECONDS).contains(&n));
        let name = [
            ("every", &self.every),
            ("heartbeat", &self.heartbeat),
            ("ping", &self.ping),
            ("bare_ping", &self.bare_ping),
        ]
        .into_iter()
        .find_map(|(name, n)| out_of_range(n).then_some(name))?;
        let message = format!("?{name}= takes a whole number from 1 to {MOST_SECONDS}.\n");
        Some((StatusCode::BAD_REQUEST, message).into_response())
    }
}
