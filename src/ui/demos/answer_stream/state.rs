//! The answer demo's signals, shared by its view and its browser code.

use leptos::prelude::*;

/// One side of the demo: the answer as it grows, and what happened.
#[derive(Clone, Copy)]
pub struct Side {
    pub answer: RwSignal<String>,
    pub tokens: RwSignal<u32>,
    /// Requests made for this answer (more than one after a resume).
    pub requests: RwSignal<u32>,
    pub note: RwSignal<String>,
    /// An answer is on its way.
    pub busy: RwSignal<bool>,
}

impl Side {
    fn new() -> Self {
        Side {
            answer: RwSignal::new(String::new()),
            tokens: RwSignal::new(0),
            requests: RwSignal::new(0),
            note: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
        }
    }
}

#[derive(Clone, Copy)]
pub struct AnswerState {
    pub question: RwSignal<String>,
    /// The `fetch` side cuts its connection after `CUT_AFTER` tokens (`browser.rs`) and
    /// resumes with `Last-Event-ID`.
    pub cut: RwSignal<bool>,
    /// The `EventSource` side puts the token in the URL.
    pub token_in_url: RwSignal<bool>,
    pub fetch: Side,
    /// The bytes the `fetch` side read, every request's one after another.
    pub raw: RwSignal<String>,
    pub event_source: Side,
    /// Bumped by the two Ask buttons.
    pub fetch_requests: RwSignal<u32>,
    pub event_source_requests: RwSignal<u32>,
}

/// The question the demo starts with.
pub const FIRST_QUESTION: &str = "How does a client resume a stream it lost?";

impl AnswerState {
    pub fn new() -> Self {
        AnswerState {
            question: RwSignal::new(FIRST_QUESTION.into()),
            cut: RwSignal::new(true),
            token_in_url: RwSignal::new(false),
            fetch: Side::new(),
            raw: RwSignal::new(String::new()),
            event_source: Side::new(),
            fetch_requests: RwSignal::new(0),
            event_source_requests: RwSignal::new(0),
        }
    }
}
