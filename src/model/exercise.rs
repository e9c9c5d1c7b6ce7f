//! Exercises graded on the wire: the rules this server can check from what
//! it saw of a learner's own connections, and the verdicts it sends back.
//!
//! A lesson's exercise names its rules (the Markdown loader rejects any
//! other name); the server grades them on the exercise's endpoints, whose
//! behaviour each rule's [`Scenario`] sets; the page and a terminal show
//! the verdicts. Every rule is decided from the server's own observations
//! (a request's head, the time between connections, a close frame): a
//! client that only says it passed does not.

use serde::{Deserialize, Serialize};

/// What the exercise's endpoints do, so that a rule has something to see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// `GET` or `POST /x/{token}/events`: an event stream, `retry: 1500`,
    /// of numbered events that the server ends after the third of five; a
    /// reconnect gets the events after its `Last-Event-ID`, then
    /// `event: done`, and the stream stays open until the client closes it.
    Stream,
    /// `GET /x/{token}/socket`: a socket the server closes (1012) after a
    /// second, then refuses the next five attempts (`503`), then keeps.
    Backoff,
    /// `GET /x/{token}/socket`: three heartbeats a second apart, then
    /// silence, without closing.
    Heartbeat,
    /// `GET /x/{token}/socket`: a socket that waits for the client to close it.
    Close,
    /// `GET /x/{token}/socket`: picks one of the subprotocols the client
    /// offers (`v1.exercise`, `v2.exercise`), which the client must then speak.
    Subprotocol,
}

/// A rule the server grades. Names are public interface: lessons use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A reconnect carries `Last-Event-ID` equal to the last id sent.
    ResumesFromLastId,
    /// A reconnect comes no sooner than `retry:` says, and not much later.
    WaitsForRetry,
    /// The stream is asked for with `POST` and `Authorization: Bearer …`.
    PostsWithBearer,
    /// After `event: done` the client closes the stream and stays away.
    ClosesWhenDone,
    /// The gaps between refused attempts grow.
    BacksOff,
    /// The gaps are not a fixed sequence: their ratios differ.
    AddsJitter,
    /// After the heartbeats stop, the client reconnects within one to two intervals.
    DetectsSilence,
    /// A close frame with code 4000 and a reason, in a completed closing handshake.
    ClosesWithCodeAndReason,
    /// The handshake offers two subprotocols or more.
    OffersSubprotocols,
    /// Messages follow the subprotocol the server picked.
    SpeaksThePickedOne,
}

/// Every rule, in the order checklists show them.
pub const RULES: [Rule; 10] = [
    Rule::PostsWithBearer,
    Rule::ResumesFromLastId,
    Rule::WaitsForRetry,
    Rule::ClosesWhenDone,
    Rule::BacksOff,
    Rule::AddsJitter,
    Rule::DetectsSilence,
    Rule::ClosesWithCodeAndReason,
    Rule::OffersSubprotocols,
    Rule::SpeaksThePickedOne,
];

/// `retry:` on an exercise's event stream, in milliseconds.
pub const STREAM_RETRY_MS: u64 = 1500;
/// Events the exercise's stream sends in all, before `done`.
pub const STREAM_EVENTS: u64 = 5;
/// The first connection ends after this many of them.
pub const STREAM_CUT_AFTER: u64 = 3;
/// Heartbeat interval of the heartbeat exercise, in milliseconds.
pub const HEARTBEAT_MS: u64 = 1000;
/// Attempts the backoff exercise refuses in a row.
pub const REFUSALS: usize = 5;
/// The close code the close exercise asks for.
pub const CLOSE_CODE: u16 = 4000;
/// The subprotocols the subprotocol exercise knows.
pub const SUBPROTOCOLS: [&str; 2] = ["v1.exercise", "v2.exercise"];

impl Rule {
    /// The name lessons write: `resumes-from-last-id`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::ResumesFromLastId => "resumes-from-last-id",
            Rule::WaitsForRetry => "waits-for-retry",
            Rule::PostsWithBearer => "posts-with-bearer",
            Rule::ClosesWhenDone => "closes-when-done",
            Rule::BacksOff => "backs-off",
            Rule::AddsJitter => "adds-jitter",
            Rule::DetectsSilence => "detects-silence",
            Rule::ClosesWithCodeAndReason => "closes-with-code-and-reason",
            Rule::OffersSubprotocols => "offers-subprotocols",
            Rule::SpeaksThePickedOne => "speaks-the-picked-one",
        }
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        RULES.into_iter().find(|rule| rule.name() == name)
    }

    /// Every name, for an error message.
    pub fn list() -> String {
        RULES
            .iter()
            .map(|rule| format!("`{}`", rule.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The rule as the checklist states it.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::ResumesFromLastId => {
                "Comes back with Last-Event-ID set to the last id the server sent"
            }
            Rule::WaitsForRetry => {
                "Reconnects no sooner than retry: says (1.5 s), and at most a second later"
            }
            Rule::PostsWithBearer => "Asks with POST and an Authorization: Bearer header",
            Rule::ClosesWhenDone => {
                "Closes the stream within 3 s of event: done, and does not open it again"
            }
            Rule::BacksOff => {
                "Waits longer as the refusals go on: the last two gaps at least twice the first two"
            }
            Rule::AddsJitter => "Adds jitter: the gaps do not grow by one fixed factor",
            Rule::DetectsSilence => {
                "Notices the heartbeats stopped and reconnects 1 to 2 intervals after the last"
            }
            Rule::ClosesWithCodeAndReason => {
                "Closes with code 4000 and a reason, in a completed closing handshake"
            }
            Rule::OffersSubprotocols => "Offers both subprotocols, v1.exercise and v2.exercise",
            Rule::SpeaksThePickedOne => {
                "Says hello in the subprotocol the server picked (v1: hello, v2: {\"type\":\"hello\"})"
            }
        }
    }

    /// What the server does so that this rule can be seen.
    pub fn scenario(self) -> Scenario {
        match self {
            Rule::ResumesFromLastId
            | Rule::WaitsForRetry
            | Rule::PostsWithBearer
            | Rule::ClosesWhenDone => Scenario::Stream,
            Rule::BacksOff | Rule::AddsJitter => Scenario::Backoff,
            Rule::DetectsSilence => Scenario::Heartbeat,
            Rule::ClosesWithCodeAndReason => Scenario::Close,
            Rule::OffersSubprotocols | Rule::SpeaksThePickedOne => Scenario::Subprotocol,
        }
    }
}

impl Scenario {
    /// The path under `/x/{token}/` the client talks to.
    pub fn path(self) -> &'static str {
        match self {
            Scenario::Stream => "events",
            _ => "socket",
        }
    }
}

/// Where a rule stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Nothing seen yet that decides it.
    Waiting,
    Passed,
    Failed,
}

/// One rule's verdict with what the server saw: "reconnected after 1.53 s
/// (`retry:` was 1500 ms)".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub rule: Rule,
    pub standing: Standing,
    pub evidence: String,
}

/// What `POST /api/exercises/{id}/token` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub token: String,
    /// The address the learner's code talks to: `/x/{token}/events`.
    pub url: String,
    /// Where the verdicts are: an event stream, or text for a terminal.
    pub verdicts: String,
    /// A token unused for this long is forgotten.
    pub quiet_secs: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_found_by_its_name() {
        for rule in RULES {
            assert_eq!(Rule::from_name(rule.name()), Some(rule));
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.name()));
        }
        assert_eq!(Rule::from_name("reconnects-fast"), None);
    }
}
