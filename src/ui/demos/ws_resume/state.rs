//! The resumable echo's bookkeeping, plain data so it can be tested
//! without a browser: what the page sent, what came back, and what to send
//! again after a reconnect.

use leptos::prelude::*;
use std::collections::VecDeque;

/// The ledger's moves, made by the browser as the socket goes (and by
/// the tests, natively).
#[cfg(any(feature = "hydrate", test))]
mod ledger;

/// One of the page's messages, as the learner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its number in its session.
    pub num: u64,
    pub text: String,
    /// Times the page sent it (more than once after a resend).
    pub sends: u32,
    /// The connection it was first sent on (1, 2, …).
    pub sent_on: u32,
    /// Its echo: the server's number for it, and the connection it came on.
    pub echo: Option<(u64, u32)>,
    /// The session ended without its echo: lost for good.
    pub lost: bool,
}

/// What the page knows of its session with the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    pub session: Option<String>,
    /// The last of the server's numbers the page has, every one before it too.
    pub seen: u64,
    /// Connections opened so far; the current one's number.
    pub connection: u32,
    /// The server's welcome came on the current connection: sending is safe.
    pub welcomed: bool,
    /// Every message, oldest first (the newest `KEPT_ROWS`, `ledger.rs`).
    pub rows: VecDeque<Row>,
    /// The server's numbers that never came (a gap), and those that came twice.
    pub missing: u64,
    pub twice: u64,
    next_num: u64,
}

impl Ledger {
    /// Sent, echoed and lost, for the summary.
    pub fn counts(&self) -> (usize, usize, usize) {
        let echoed = self.rows.iter().filter(|r| r.echo.is_some()).count();
        let lost = self.rows.iter().filter(|r| r.lost).count();
        (self.rows.len(), echoed, lost)
    }
}

#[derive(Clone, Copy)]
pub struct ResumeState {
    pub ledger: RwSignal<Ledger>,
    pub text: RwSignal<String>,
    /// Resume after a reconnect (session, `seen`, resending); off, the page
    /// reconnects as a naive client does, to a new session.
    pub resume: RwSignal<bool>,
    /// The socket's `readyState`.
    pub ready_state: RwSignal<u16>,
    pub note: RwSignal<String>,
    /// Bumped by the form's Send and by "Lose the link after 3".
    pub write_requests: RwSignal<u32>,
    pub burst_requests: RwSignal<u32>,
}

impl ResumeState {
    pub fn new() -> Self {
        ResumeState {
            ledger: RwSignal::new(Ledger::default()),
            text: RwSignal::new("Hello again".into()),
            resume: RwSignal::new(true),
            ready_state: RwSignal::new(0),
            note: RwSignal::new(String::new()),
            write_requests: RwSignal::new(0),
            burst_requests: RwSignal::new(0),
        }
    }
}
