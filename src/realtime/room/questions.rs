//! Questions from the room: a learner asks (`POST /api/room/questions`,
//! one every few seconds per browser), others vote once each
//! (`…/questions/vote`), and the presenter marks one answered or hides it
//! (`…/questions/mark`). Every stream gets the list (`event: questions`,
//! at most four times a second): a learner's without the hidden ones.
//!
//! One server keeps the questions here ([`Asked`]); with `--redis-url` the
//! room's Redis keeps them (`redis_side::questions`) and this server keeps
//! the list it last heard, for a stream that opens.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::per_client::PerClient;
use super::state::{RoomError, MOST_VOTERS};
use super::{streams, Refused, Room, Said, ANSWERS_PER_CLIENT};
use crate::model::room::{
    bounds, QuestionAsked, QuestionMark, QuestionState, QuestionVote, RoomQuestion, RoomQuestions,
};

/// The room's questions on this server, and what bounds the asking.
#[derive(Debug, Default)]
pub struct Asked {
    list: RoomQuestions,
    voters: HashSet<(u64, String)>,
    /// When each browser last asked (with Redis, the room's Redis keeps
    /// the pace for every server: `redis_side::questions`).
    last: HashMap<String, Instant>,
    /// Questions each client address asked on this server, and votes.
    by_client: PerClient,
    votes_by_client: PerClient,
}

/// A question's text, trimmed and checked.
pub fn checked_text(asked: QuestionAsked) -> Result<String, RoomError> {
    let text = asked.text.trim().to_string();
    let chars = text.chars().count();
    if chars == 0
        || chars > bounds::QUESTION_TEXT_CHARS
        || text.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(RoomError::BadQuestionText);
    }
    Ok(text)
}

impl Asked {
    /// Whether `voter` at `client` may ask now (counted if so).
    pub fn may_ask(&mut self, voter: &str, client: IpAddr, now: Instant) -> Result<(), Refused> {
        let every = Duration::from_secs(bounds::QUESTION_EVERY_SECS);
        if self
            .last
            .get(voter)
            .is_some_and(|at| now.duration_since(*at) < every)
        {
            return Err(RoomError::AskedTooSoon.into());
        }
        self.may_ask_from(client)?;
        // Bounded as the voters are: one entry per browser that asked.
        if self.last.len() >= MOST_VOTERS {
            self.last.retain(|_, at| now.duration_since(*at) < every);
        }
        self.last.insert(voter.to_string(), now);
        Ok(())
    }

    /// Whether `client` may ask once more (counted if so).
    pub fn may_ask_from(&mut self, client: IpAddr) -> Result<(), Refused> {
        if !self.by_client.take(client, 0, ANSWERS_PER_CLIENT) {
            return Err(Refused::TooManyQuestions(client));
        }
        Ok(())
    }

    /// Whether `client` may vote once more (a room behind one NAT votes
    /// for many questions; a script with many cookies is bounded here).
    pub fn may_vote(&mut self, client: IpAddr) -> Result<(), Refused> {
        if !self
            .votes_by_client
            .take(client, 0, ANSWERS_PER_CLIENT * 10)
        {
            return Err(Refused::TooManyVotes(client));
        }
        Ok(())
    }

    /// Adds a question; its id.
    pub fn ask(&mut self, text: String) -> Result<u64, RoomError> {
        if self.list.questions.len() >= bounds::MOST_QUESTIONS {
            return Err(RoomError::TooManyQuestions);
        }
        let id = self.list.questions.last().map_or(1, |q| q.id + 1);
        self.list.questions.push(RoomQuestion {
            id,
            text,
            votes: 0,
            state: QuestionState::Open,
        });
        Ok(id)
    }

    /// Counts `voter`'s vote, once.
    pub fn vote(&mut self, voter: &str, vote: QuestionVote) -> Result<(), RoomError> {
        let question = self
            .list
            .questions
            .iter_mut()
            .find(|q| q.id == vote.id && q.state != QuestionState::Hidden)
            .ok_or(RoomError::NoQuestion(vote.id))?;
        if self.voters.len() >= MOST_VOTERS {
            return Err(RoomError::Full);
        }
        if !self.voters.insert((vote.id, voter.to_string())) {
            return Err(RoomError::Voted);
        }
        question.votes += 1;
        Ok(())
    }

    /// The presenter's mark on a question.
    pub fn mark(&mut self, mark: QuestionMark) -> Result<(), RoomError> {
        let question = self
            .list
            .questions
            .iter_mut()
            .find(|q| q.id == mark.id)
            .ok_or(RoomError::NoQuestion(mark.id))?;
        question.state = mark.mark;
        Ok(())
    }

    /// Every question, as the presenter sees them.
    pub fn list(&self) -> &RoomQuestions {
        &self.list
    }
}

impl Room {
    /// A learner's question.
    pub(super) async fn ask_question(
        &self,
        voter: &str,
        client: IpAddr,
        asked: QuestionAsked,
    ) -> Result<(), Refused> {
        let text = checked_text(asked)?;
        match &self.shared {
            Some(shared) => {
                self.asked().may_ask_from(client)?;
                shared.questions().ask(voter, &text).await?;
            }
            None => {
                let mut asked = self.asked();
                asked.may_ask(voter, client, Instant::now())?;
                asked.ask(text)?;
            }
        }
        self.questioned.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// A learner's vote.
    pub(super) async fn vote(&self, voter: &str, vote: QuestionVote) -> Result<(), Refused> {
        match &self.shared {
            Some(shared) => shared.questions().vote(voter, vote).await?,
            None => self.asked().vote(voter, vote)?,
        }
        self.questioned.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The presenter's mark.
    pub(super) async fn mark_question(&self, mark: QuestionMark) -> Result<(), Refused> {
        match &self.shared {
            Some(shared) => shared.questions().mark(mark).await?,
            None => self.asked().mark(mark)?,
        }
        self.questioned.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The list to every stream, after a change.
    pub(super) async fn tell_questions(&self) {
        if let Some(shared) = &self.shared {
            if let Err(error) = shared.questions().tell().await {
                tracing::warn!("the room's questions did not reach its Redis: {error}");
            }
            return;
        }
        let list = self.asked().list().clone();
        self.heard_questions(list);
    }

    /// The list, to this server's streams (learners without the hidden).
    pub(super) fn heard_questions(&self, list: RoomQuestions) {
        let said = Said {
            learners: Some(streams::questions_event(&list.for_learners())),
            presenter: Some(streams::questions_event(&list)),
        };
        if self.shared.is_some() {
            self.asked().list = list;
        }
        self.send(said);
    }

    pub(super) fn asked(&self) -> std::sync::MutexGuard<'_, Asked> {
        self.questions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn a_question_is_asked_voted_once_per_browser_and_marked() {
        let mut asked = Asked::default();
        let text = |t: &str| checked_text(QuestionAsked { text: t.into() });
        let id = asked
            .ask(text("  Why not long polling?  ").unwrap())
            .unwrap();
        assert_eq!(asked.list().questions[0].text, "Why not long polling?");
        asked.vote("a", QuestionVote { id }).unwrap();
        asked.vote("b", QuestionVote { id }).unwrap();
        assert_eq!(asked.vote("a", QuestionVote { id }), Err(RoomError::Voted));
        assert_eq!(asked.list().questions[0].votes, 2);
        asked
            .mark(QuestionMark {
                id,
                mark: QuestionState::Hidden,
            })
            .unwrap();
        assert!(asked.list().for_learners().questions.is_empty());
        assert_eq!(
            asked.vote("c", QuestionVote { id }),
            Err(RoomError::NoQuestion(id)),
            "a hidden question takes no votes"
        );
        assert_eq!(text(""), Err(RoomError::BadQuestionText));
        assert_eq!(text(&"x".repeat(281)), Err(RoomError::BadQuestionText));
        assert_eq!(text("bell\u{7}"), Err(RoomError::BadQuestionText));
    }

    #[test]
    fn a_browser_asks_at_most_once_every_few_seconds() {
        let mut asked = Asked::default();
        let now = Instant::now();
        assert!(asked.may_ask("a", HERE, now).is_ok());
        assert!(matches!(
            asked.may_ask("a", HERE, now + Duration::from_secs(1)),
            Err(Refused::Room(RoomError::AskedTooSoon))
        ));
        assert!(asked.may_ask("b", HERE, now).is_ok(), "another browser");
        let later = now + Duration::from_secs(bounds::QUESTION_EVERY_SECS);
        assert!(asked.may_ask("a", HERE, later).is_ok());
    }

    #[test]
    fn the_room_holds_a_bounded_number_of_questions() {
        let mut asked = Asked::default();
        for n in 0..bounds::MOST_QUESTIONS {
            asked.ask(format!("q{n}")).unwrap();
        }
        assert_eq!(
            asked.ask("one more".into()),
            Err(RoomError::TooManyQuestions)
        );
    }
}
