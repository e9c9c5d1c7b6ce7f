//! Lesson 3's streamed answer: the question, and the events of the answer.

use serde::{Deserialize, Serialize};

/// What lesson 3's streamed answer is asked (`POST /api/answer`, JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerQuestion {
    pub question: String,
}

/// One `event: token` of a streamed answer: a word, with the space before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerToken {
    pub text: String,
}

/// The last event of a streamed answer (`event: done`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerDone {
    /// How many tokens the whole answer has.
    pub tokens: usize,
}
