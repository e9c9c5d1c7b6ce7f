//! The inspector's signals.

use leptos::prelude::*;

use super::cases::Case;
use crate::model::wire::HandshakeReport;

#[derive(Clone, Copy)]
pub struct InspectorState {
    pub sse: RwSignal<Option<HandshakeReport>>,
    pub ws: RwSignal<Option<HandshakeReport>>,
    pub error: RwSignal<Option<String>>,
    pub sse_requests: RwSignal<u32>,
    pub ws_requests: RwSignal<u32>,
    /// The case the learner asked to run (set again to run it again).
    pub case_requests: RwSignal<Option<Case>>,
    pub case: RwSignal<Option<CaseRun>>,
}

/// A case, running or done.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRun {
    pub case: Case,
    pub words: CaseWords,
    pub outcome: Outcome,
    /// What the page saw, in words.
    pub seen: String,
    /// What the server received and answered, as it reported it.
    pub report: Option<HandshakeReport>,
}

/// A case's words, as the server wrote them into the page (`cases::html`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseWords {
    pub title: String,
    pub code: String,
    pub why: String,
    /// Shown when the browser did not do what the standards say.
    pub unexpected: String,
}

// Only the browser build runs cases: the server renders none, so it never
// builds a case's outcome.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Running,
    /// The page got the answer.
    Opened,
    /// The browser failed the connection.
    Refused,
    /// The other origin could not be reached at all.
    Unreachable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Running => "running",
            Outcome::Opened => "opened",
            Outcome::Refused => "refused",
            Outcome::Unreachable => "unreachable",
        }
    }
}
