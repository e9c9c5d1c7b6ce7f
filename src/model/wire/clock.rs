//! The SSE clock's wire: its first event, and the faults a learner can
//! ask of one stream (`GET /api/clock?fault=…`).

use serde::{Deserialize, Serialize};

/// The first event of every clock stream (`event: hello`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockHello {
    /// Names this stream for `POST /api/clock/streams/{stream}/drop`.
    pub stream: u64,
    /// The `Last-Event-ID` the browser sent, if it was reconnecting.
    pub resumed_after: Option<u64>,
    /// How many missed ticks follow at once.
    pub replayed: usize,
    /// Ticks missed beyond the server's replay window.
    pub lost: u64,
}

/// `GET /api/clock?fault=…`: the clock misbehaves for this one stream, so a
/// learner (and a test) sees what `EventSource` does about it. Each fault is
/// bounded: it ends the response, or it behaves like an ordinary stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockFault {
    /// `204 No Content`: the browser stops for good.
    NoContent,
    /// `500 Internal Server Error`: the browser stops for good.
    ServerError,
    /// `200` with `Content-Type: text/plain`: the browser stops for good.
    WrongType,
    /// The hello and the newest tick, then a cleanly ended body: the
    /// browser reconnects and sends the tick's id as `Last-Event-ID`.
    EndBody,
    /// Only the hello (no `id:`), then the end: the reconnect carries no
    /// `Last-Event-ID`.
    EndBeforeId,
    /// A tick, then a second one cut off by the end of the body (no blank
    /// line): the browser discards it and resumes after the first.
    CutOff,
    /// `retry: 10000`, a tick, then the end: the browser waits ten seconds.
    SlowRetry,
    /// An ordinary stream with a comment line every 100 ms besides the ticks.
    Chatty,
    /// An ordinary stream held back and released every few seconds, as a
    /// buffering proxy would.
    Buffered,
    /// An ordinary stream whose response head waits [`LATE_HEAD_SECS`], as
    /// from a server that sends nothing until it has an event: the page's
    /// `EventSource` stays CONNECTING, and `open` fires only then.
    LateHead,
}

/// How long `?fault=late-head` holds the clock's response head.
pub const LATE_HEAD_SECS: u64 = 5;

impl ClockFault {
    /// Every fault, in the order the clock's "break it" control lists them.
    pub const ALL: [ClockFault; 10] = [
        ClockFault::NoContent,
        ClockFault::ServerError,
        ClockFault::WrongType,
        ClockFault::EndBody,
        ClockFault::EndBeforeId,
        ClockFault::CutOff,
        ClockFault::SlowRetry,
        ClockFault::Chatty,
        ClockFault::Buffered,
        ClockFault::LateHead,
    ];

    /// The value of `?fault=` (serde's name for it).
    pub fn query(self) -> &'static str {
        match self {
            ClockFault::NoContent => "no-content",
            ClockFault::ServerError => "server-error",
            ClockFault::WrongType => "wrong-type",
            ClockFault::EndBody => "end-body",
            ClockFault::EndBeforeId => "end-before-id",
            ClockFault::CutOff => "cut-off",
            ClockFault::SlowRetry => "slow-retry",
            ClockFault::Chatty => "chatty",
            ClockFault::Buffered => "buffered",
            ClockFault::LateHead => "late-head",
        }
    }
}
