//! The clock's "break it" control: what each fault is called, and the one
//! sentence on why the browser does what it does. The server's side is
//! `realtime/faults.rs`; what the browser did shows in the demo's own log.
//! Server only: the options carry their text into the page, and the
//! browser reads the one picked (`widgets::BreakIt`).

use crate::model::wire::ClockFault;

/// The control's label for `fault`.
pub fn label(fault: ClockFault) -> &'static str {
    match fault {
        ClockFault::NoContent => "Answer 204 No Content",
        ClockFault::ServerError => "Answer 500 Internal Server Error",
        ClockFault::WrongType => "Answer 200 with Content-Type: text/plain",
        ClockFault::EndBody => "End the body cleanly after a tick",
        ClockFault::EndBeforeId => "End the body before any id:",
        ClockFault::CutOff => "Cut the second tick off mid-event",
        ClockFault::SlowRetry => "Send retry: 10000, then end the body",
        ClockFault::Chatty => "Add a comment line every 100 ms",
        ClockFault::Buffered => "Hold the ticks back, as a buffering proxy does",
        ClockFault::LateHead => "Send nothing, head included, for 5 s",
    }
}

/// Why the browser does what the demo shows.
pub fn why(fault: ClockFault) -> &'static str {
    match fault {
        ClockFault::NoContent => {
            "A 204 is how a server tells EventSource to stop: the browser fails the connection, \
             readyState becomes 2 (CLOSED), and it never reconnects."
        }
        ClockFault::ServerError => {
            "Any status but 200 fails the connection for good: EventSource does not retry a \
             500, so readyState stays 2 (CLOSED) until the page opens a new one."
        }
        ClockFault::WrongType => {
            "A 200 that is not text/event-stream fails the connection too: EventSource reads \
             only event streams, and does not reconnect."
        }
        ClockFault::EndBody => {
            "To EventSource a body that ends is a lost connection: it waits the reconnection \
             delay (3 s in Chromium) and reconnects, sending the last id it saw as \
             Last-Event-ID, so the server can replay what was missed."
        }
        ClockFault::EndBeforeId => {
            "No id: line arrived before the end, so the reconnect carries no Last-Event-ID: \
             the server cannot know what was missed, and starts a fresh stream."
        }
        ClockFault::CutOff => {
            "An event is dispatched only at the blank line that ends it: the cut-off tick is \
             thrown away, and the reconnect's Last-Event-ID names the tick before it."
        }
        ClockFault::SlowRetry => {
            "retry: sets this EventSource's reconnection delay: after the end it stays \
             CONNECTING for 10 s before it tries again."
        }
        ClockFault::Chatty => {
            "Lines that start with a colon are comments: EventSource dispatches nothing for \
             them (the raw bytes show them), which is why a server sends them to keep a \
             quiet stream alive."
        }
        ClockFault::Buffered => {
            "The server still writes a tick every second, but something on the path holds the \
             bytes back: the ticks arrive in bursts, several at once, every few seconds."
        }
        ClockFault::LateHead => {
            "EventSource fires open when the response head arrives, not when the request \
             leaves: a server that writes nothing until its first event keeps the page \
             CONNECTING (readyState 0) that long. Send the head at once, with a comment or the \
             first event, and open fires at once."
        }
    }
}

/// The `<option>`s of the control, the plain clock first.
pub fn options_html() -> String {
    let options = ClockFault::ALL.map(|fault| (fault.query(), label(fault), why(fault)));
    crate::ui::demos::server_side::markup::fault_options("The clock as it is", &options)
}
