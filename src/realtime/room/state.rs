//! The room's state, one per server: where the presenter has brought the
//! room, and the poll with its answers. Plain data and the rules for
//! changing it; the room locks it, changes it, and broadcasts what changed.
//! With `--redis-url` the room's Redis holds the state and this is each
//! server's copy of it, kept from what the servers hear
//! ([`RoomState::heard_position`], [`RoomState::heard_poll`]).

use std::collections::HashSet;

use crate::model::room::{bounds, AnswerAsked, MoveAsked, PollAsked, RoomPoll, RoomPosition};

/// Browsers one poll remembers having answered; past this, answers are
/// refused (a room is far smaller; a script is not).
pub const MOST_VOTERS: usize = 20_000;

/// What a request asked that the room cannot do, said so the asker can fix it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RoomError {
    #[error("`{0}` is not a lesson or heading name: use letters, digits, `-` and `_`, at most {max} characters", max = bounds::NAME_CHARS)]
    BadName(String),
    #[error("a poll needs a question of 1 to {max} characters", max = bounds::QUESTION_CHARS)]
    BadQuestion,
    #[error("a poll needs {min} to {max} options of 1 to {chars} characters each", min = bounds::MIN_OPTIONS, max = bounds::MAX_OPTIONS, chars = bounds::OPTION_CHARS)]
    BadOptions,
    #[error("no poll is open: the presenter asks one first")]
    NoPoll,
    #[error("poll {asked} is over: the room is answering poll {current}")]
    OtherPoll { asked: u64, current: u64 },
    #[error("this poll is closed")]
    Closed,
    #[error("choice {0} is not one of the poll's options")]
    BadChoice(usize),
    #[error("this browser has answered this poll already")]
    Answered,
    #[error("this poll has taken {MOST_VOTERS} answers, the most it takes")]
    Full,
    #[error("the presenter has moved on: mark the section the room is at now")]
    MovedOn,
    #[error("a question has 1 to {max} characters", max = bounds::QUESTION_TEXT_CHARS)]
    BadQuestionText,
    #[error(
        "one question every {} seconds from a browser: wait a moment",
        bounds::QUESTION_EVERY_SECS
    )]
    AskedTooSoon,
    #[error(
        "the room holds {} questions, the most it takes: the presenter hides some",
        bounds::MOST_QUESTIONS
    )]
    TooManyQuestions,
    #[error("there is no question {0} in the room")]
    NoQuestion(u64),
    #[error("this browser has voted for this question already")]
    Voted,
}

#[derive(Debug, Default)]
pub struct RoomState {
    position: Option<RoomPosition>,
    poll: Option<Poll>,
    polls_asked: u64,
}

#[derive(Debug)]
struct Poll {
    id: u64,
    question: String,
    options: Vec<String>,
    open: bool,
    revealed: bool,
    counts: Vec<u32>,
    voters: HashSet<String>,
}

impl RoomState {
    pub fn position(&self) -> Option<&RoomPosition> {
        self.position.as_ref()
    }

    /// Moves the room at `now` (ms since the Unix epoch); the new position,
    /// with the next `seq`.
    pub fn move_to(&mut self, asked: MoveAsked, now: u64) -> Result<RoomPosition, RoomError> {
        let restart = asked.restart_clock;
        let (slug, section) = checked_move(asked)?;
        let previous = self.position.as_ref();
        let seq = previous.map_or(1, |p| p.seq + 1);
        let (lesson_since, started) = clock(previous, &slug, restart, now);
        let position = RoomPosition {
            seq,
            slug,
            section,
            fresh: true,
            lesson_since,
            started,
        };
        self.position = Some(position.clone());
        Ok(position)
    }

    /// The number of the last poll asked (0 before the first).
    pub fn polls_asked(&self) -> u64 {
        self.polls_asked
    }

    /// Where another server moved the room; `false` for a move this one
    /// has already heard.
    pub fn heard_position(&mut self, position: RoomPosition) -> bool {
        let newer = self.position.as_ref().is_none_or(|p| position.seq > p.seq);
        if newer {
            self.position = Some(position);
        }
        newer
    }

    /// The presenter's change to the poll.
    pub fn change_poll(&mut self, change: PollChange) -> Result<RoomPoll, RoomError> {
        match change {
            PollChange::Ask(asked) => self.ask(asked),
            PollChange::Reveal => self.reveal(),
            PollChange::Close => self.close(),
        }
    }

    /// The poll as the room's Redis has it, with its counts (who answered
    /// stays in Redis).
    pub fn heard_poll(&mut self, poll: RoomPoll) {
        self.polls_asked = self.polls_asked.max(poll.id);
        self.poll = Some(Poll {
            id: poll.id,
            counts: poll.counts.unwrap_or_else(|| vec![0; poll.options.len()]),
            question: poll.question,
            options: poll.options,
            open: poll.open,
            revealed: poll.revealed,
            voters: HashSet::new(),
        });
    }

    /// Asks a new question; the one before it ends.
    pub fn ask(&mut self, asked: PollAsked) -> Result<RoomPoll, RoomError> {
        let (question, options) = checked_poll(asked)?;
        self.polls_asked += 1;
        self.poll = Some(Poll {
            id: self.polls_asked,
            question,
            counts: vec![0; options.len()],
            options,
            open: true,
            revealed: false,
            voters: HashSet::new(),
        });
        Ok(self.poll(true).expect("just asked"))
    }

    /// Shows the counts to everyone; answers are still taken.
    pub fn reveal(&mut self) -> Result<RoomPoll, RoomError> {
        self.poll.as_mut().ok_or(RoomError::NoPoll)?.revealed = true;
        Ok(self.poll(true).expect("a poll"))
    }

    /// Takes no more answers.
    pub fn close(&mut self) -> Result<RoomPoll, RoomError> {
        self.poll.as_mut().ok_or(RoomError::NoPoll)?.open = false;
        Ok(self.poll(true).expect("a poll"))
    }

    /// Counts one browser's answer, once.
    pub fn answer(&mut self, voter: &str, asked: AnswerAsked) -> Result<(), RoomError> {
        let poll = self.poll.as_mut().ok_or(RoomError::NoPoll)?;
        if poll.id != asked.poll {
            return Err(RoomError::OtherPoll {
                asked: asked.poll,
                current: poll.id,
            });
        }
        if !poll.open {
            return Err(RoomError::Closed);
        }
        let count = poll
            .counts
            .get_mut(asked.choice)
            .ok_or(RoomError::BadChoice(asked.choice))?;
        if poll.voters.contains(voter) {
            return Err(RoomError::Answered);
        }
        if poll.voters.len() >= MOST_VOTERS {
            return Err(RoomError::Full);
        }
        poll.voters.insert(voter.to_string());
        *count += 1;
        Ok(())
    }

    /// The poll as a stream sends it: with the counts for the presenter,
    /// and for learners once they are revealed.
    pub fn poll(&self, for_presenter: bool) -> Option<RoomPoll> {
        self.poll.as_ref().map(|poll| RoomPoll {
            id: poll.id,
            question: poll.question.clone(),
            options: poll.options.clone(),
            open: poll.open,
            revealed: poll.revealed,
            counts: (for_presenter || poll.revealed).then(|| poll.counts.clone()),
        })
    }
}

/// What the presenter does to the poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollChange {
    Ask(PollAsked),
    Reveal,
    Close,
}

/// A move's lesson and section, checked.
/// The presenter's timer after a move to `slug` at `now`: when the room
/// came to this lesson (kept while it stays in the lesson) and when the
/// workshop started (its first move); restarting the clock sets both to
/// `now`. The room's Redis follows the same rule (`redis_side::scripts`).
pub fn clock(previous: Option<&RoomPosition>, slug: &str, restart: bool, now: u64) -> (u64, u64) {
    match previous {
        Some(p) if !restart => {
            let since = if p.slug == slug && p.lesson_since > 0 {
                p.lesson_since
            } else {
                now
            };
            (since, if p.started > 0 { p.started } else { now })
        }
        _ => (now, now),
    }
}

/// Now, in ms since the Unix epoch, as the timer counts.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub fn checked_move(asked: MoveAsked) -> Result<(String, String), RoomError> {
    Ok((
        checked_name(asked.slug, false)?,
        checked_name(asked.section, true)?,
    ))
}

/// A poll's question and options, trimmed and checked.
pub fn checked_poll(asked: PollAsked) -> Result<(String, Vec<String>), RoomError> {
    let question = asked.question.trim().to_string();
    if question.is_empty() || question.chars().count() > bounds::QUESTION_CHARS {
        return Err(RoomError::BadQuestion);
    }
    let options: Vec<String> = asked.options.iter().map(|o| o.trim().to_string()).collect();
    let fits = |o: &String| !o.is_empty() && o.chars().count() <= bounds::OPTION_CHARS;
    if !(bounds::MIN_OPTIONS..=bounds::MAX_OPTIONS).contains(&options.len())
        || !options.iter().all(fits)
    {
        return Err(RoomError::BadOptions);
    }
    Ok((question, options))
}

/// A slug or heading id as the pages write them, or the error naming it.
fn checked_name(name: String, may_be_empty: bool) -> Result<String, RoomError> {
    let fine = name.chars().count() <= bounds::NAME_CHARS
        && (may_be_empty || !name.is_empty())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if fine {
        Ok(name)
    } else {
        let shown: String = name.chars().take(bounds::NAME_CHARS).collect();
        Err(RoomError::BadName(shown))
    }
}

#[cfg(test)]
mod tests;
