//! Presenter mode's messages: what the room's event streams send, what the
//! presenter and the learners post, and the bounds on both. The same in the
//! server and the browser build.

use serde::{Deserialize, Serialize};

/// Where the presenter has brought the room: a lesson, and a section of it
/// (a heading's `id`; empty for the lesson's top).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomPosition {
    /// Counts every move; the `id:` of the `position` event, so a browser
    /// that reconnects says which move it last saw (`Last-Event-ID`).
    pub seq: u64,
    pub slug: String,
    pub section: String,
    /// `false` when the stream resumes and the browser has seen this move
    /// already: a learner who scrolled on is not pulled back by a reconnect.
    pub fresh: bool,
    /// When the room came to this lesson, and when the workshop started
    /// (its first move, or the presenter's last restart of the clock): ms
    /// since the Unix epoch, for the presenter's timer.
    #[serde(default)]
    pub lesson_since: u64,
    #[serde(default)]
    pub started: u64,
}

impl RoomPosition {
    /// The page and fragment this position is at.
    pub fn href(&self) -> String {
        match self.section.as_str() {
            "" => format!("/lessons/{}", self.slug),
            section => format!("/lessons/{}#{section}", self.slug),
        }
    }
}

/// What the presenter's page posts to move the room (`POST /api/room/position`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveAsked {
    pub slug: String,
    #[serde(default)]
    pub section: String,
    /// Starts the workshop's clock (and the lesson's) again from now.
    #[serde(default)]
    pub restart_clock: bool,
}

/// The poll the room is answering, as a stream sends it (`event: poll`).
/// Learners get the counts only once the presenter reveals them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomPoll {
    pub id: u64,
    pub question: String,
    pub options: Vec<String>,
    /// Answers are taken while the poll is open.
    pub open: bool,
    pub revealed: bool,
    /// One count per option, or `None` on a learner's stream before the reveal.
    pub counts: Option<Vec<u32>>,
}

/// What the presenter posts to ask a question (`POST /api/room/poll`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollAsked {
    pub question: String,
    pub options: Vec<String>,
}

/// A learner's answer (`POST /api/room/answer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerAsked {
    pub poll: u64,
    pub choice: usize,
}

/// How a learner is doing on the section the room is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Done,
    Stuck,
    /// Takes the learner's mark back.
    Clear,
}

impl Mark {
    /// Its name on the wire (serde's), as Redis's scripts store it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Done => "done",
            Mark::Stuck => "stuck",
            Mark::Clear => "clear",
        }
    }
}

/// A learner's mark on the room's section (`POST /api/room/pulse`): `seq`
/// is the move it answers, so a mark sent as the presenter moves on counts
/// for nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulseAsked {
    pub seq: u64,
    pub mark: Mark,
}

/// How the room is doing on move `seq`, on the presenter's stream
/// (`event: pulse`): counts only, no names. A move starts from zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomPulse {
    pub seq: u64,
    pub done: u32,
    pub stuck: u32,
}

/// A learner's question to the room (`POST /api/room/questions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAsked {
    pub text: String,
}

/// A learner's vote for a question (`POST /api/room/questions/vote`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionVote {
    pub id: u64,
}

/// What the presenter does with a question (`POST /api/room/questions/mark`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionMark {
    pub id: u64,
    pub mark: QuestionState,
}

/// A question's state, as the presenter sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionState {
    Open,
    Answered,
    /// Out of the learners' list (the presenter's list keeps it).
    Hidden,
}

impl QuestionState {
    pub const ALL: [QuestionState; 3] = [
        QuestionState::Open,
        QuestionState::Answered,
        QuestionState::Hidden,
    ];

    /// Its name on the wire (serde's), as Redis keeps it in a question's
    /// JSON and the page in a question's `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionState::Open => "open",
            QuestionState::Answered => "answered",
            QuestionState::Hidden => "hidden",
        }
    }

    pub fn from_name(name: &str) -> Option<QuestionState> {
        QuestionState::ALL
            .into_iter()
            .find(|state| state.as_str() == name)
    }
}

/// One question from the room, with its votes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomQuestion {
    pub id: u64,
    pub text: String,
    pub votes: u32,
    pub state: QuestionState,
}

/// The room's questions (`event: questions`): learners get those not
/// hidden, the presenter all, in the order asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomQuestions {
    pub questions: Vec<RoomQuestion>,
}

impl RoomQuestions {
    /// What a learner's stream shows: the questions not hidden.
    pub fn for_learners(&self) -> RoomQuestions {
        RoomQuestions {
            questions: self
                .questions
                .iter()
                .filter(|q| q.state != QuestionState::Hidden)
                .cloned()
                .collect(),
        }
    }
}

/// How many learners follow, on the presenter's stream (`event: audience`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomAudience {
    pub learners: u32,
}

/// Whether a presenter is connected (`event: presenter`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomPresence {
    pub present: bool,
}

/// `1:05:09` or `5:09`: seconds as the presenter's timer shows them.
pub fn clock_text(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The event names of the room's streams.
pub mod event {
    pub const POSITION: &str = "position";
    pub const POLL: &str = "poll";
    pub const AUDIENCE: &str = "audience";
    pub const PRESENTER: &str = "presenter";
    pub const PULSE: &str = "pulse";
    pub const QUESTIONS: &str = "questions";
}

/// The most of a poll, and of a move's names: what one presenter can make
/// every learner's page hold.
pub mod bounds {
    pub const QUESTION_CHARS: usize = 300;
    pub const OPTION_CHARS: usize = 120;
    pub const MIN_OPTIONS: usize = 2;
    pub const MAX_OPTIONS: usize = 6;
    /// A lesson slug or a heading id.
    pub const NAME_CHARS: usize = 120;
    /// A learner's question.
    pub const QUESTION_TEXT_CHARS: usize = 280;
    /// Questions one room holds.
    pub const MOST_QUESTIONS: usize = 200;
    /// Seconds between two questions from one browser.
    pub const QUESTION_EVERY_SECS: u64 = 10;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_shows_hours_only_when_there_are_some() {
        assert_eq!(clock_text(0), "0:00");
        assert_eq!(clock_text(309), "5:09");
        assert_eq!(clock_text(3909), "1:05:09");
    }

    #[test]
    fn the_names_redis_and_the_page_use_are_serdes() {
        let serde_name = |value: serde_json::Value| value.as_str().unwrap().to_owned();
        for mark in [Mark::Done, Mark::Stuck, Mark::Clear] {
            assert_eq!(
                mark.as_str(),
                serde_name(serde_json::to_value(mark).unwrap())
            );
        }
        for state in QuestionState::ALL {
            assert_eq!(
                state.as_str(),
                serde_name(serde_json::to_value(state).unwrap())
            );
            assert_eq!(QuestionState::from_name(state.as_str()), Some(state));
        }
        assert_eq!(QuestionState::from_name("closed"), None);
    }

    #[test]
    fn a_position_links_to_its_section() {
        let at = |section: &str| RoomPosition {
            seq: 1,
            slug: "event-stream".into(),
            section: section.into(),
            fresh: true,
            lesson_since: 0,
            started: 0,
        };
        assert_eq!(at("").href(), "/lessons/event-stream");
        assert_eq!(at("retry").href(), "/lessons/event-stream#retry");
    }
}
