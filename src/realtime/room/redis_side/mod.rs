//! Several servers as one room, through Redis (`--redis-url`).
//!
//! Redis holds the room's state: the position with its move counter, and
//! the poll with its counts and the browsers that answered it. Each change
//! is one Lua script that changes the state and `PUBLISH`es the result on
//! the room's channel: Redis runs a script whole, so every server hears the
//! changes in the order they were made. Each server's subscriber feeds what
//! it hears into its own streams (`Room::heard`, through [`Follower`]), its
//! own changes included, so a move made on one server reaches every learner
//! the same way.
//!
//! Each server also publishes its own learner and presenter counts every
//! second; one that stops publishing (stopped, cut off) drops out of the
//! room's count after [`REPORT_LIFE`]. The room is named by its token: the
//! servers given the same `--presenter-token` and Redis are one room, and
//! another workshop on the same Redis is another room.
//!
//! A lost subscription is opened again, then the state is read afresh: what
//! was said meanwhile is not replayed, but the state is the latest of each
//! kind, which is all a stream needs.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use super::state::RoomError;
use super::state::{self, PollChange, MOST_VOTERS};
use crate::model::room::{AnswerAsked, RoomPoll, RoomPosition, RoomPulse, RoomQuestions};
use crate::realtime::stopping::Stopping;
pub use scripts::SharedError;
use scripts::{from_script, Keys, Scripts};

mod pulse;
mod questions;
mod scripts;

/// How long a server's count stays in the room's after its last report.
pub const REPORT_LIFE: Duration = Duration::from_secs(3);
/// How often a server reports its counts when they have not changed.
pub const REPORT_EVERY: Duration = Duration::from_secs(1);
/// How long a Redis command may take before the request is answered 503.
const ANSWER_WITHIN: Duration = Duration::from_secs(1);
/// The longest wait before the subscriber tries Redis again.
const RETRY_AT_MOST: Duration = Duration::from_secs(5);

/// What a server hears on the room's channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Heard {
    Position(RoomPosition),
    /// The poll with all its counts (each server hides them from learners
    /// until the reveal).
    Poll(RoomPoll),
    /// How the room is doing on its section (`super::pulse`).
    Pulse(RoomPulse),
    /// Every question, hidden ones too (`super::questions`).
    Questions(RoomQuestions),
    Audience(Report),
}

/// One server's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub learners: usize,
    pub presenters: usize,
}

/// One server's counts, as it publishes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub server: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// This server's link to the room's Redis.
pub struct Shared {
    client: redis::Client,
    commands: ConnectionManager,
    keys: Keys,
    scripts: Scripts,
    pulse: pulse::PulseScripts,
    questions: questions::QuestionScripts,
    /// This server's name in its reports.
    server: String,
    /// The other servers' last reports.
    others: Mutex<HashMap<String, (Counts, Instant)>>,
}

impl Shared {
    /// The link to the Redis at `redis` (it connects on first use:
    /// [`Shared::reach`] checks it). `room` names the room's keys. Call
    /// inside the tokio runtime.
    pub fn new(redis: redis::ConnectionInfo, room: &str) -> Self {
        // Each change is a small message: sent at once, not held back for
        // the delayed ACK (Nagle's algorithm).
        let tcp = redis.tcp_settings().clone().set_nodelay(true);
        let redis = redis.set_tcp_settings(tcp);
        let client = redis::Client::open(redis).expect("a parsed Redis address opens");
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(ANSWER_WITHIN))
            .set_response_timeout(Some(ANSWER_WITHIN))
            .set_number_of_retries(1);
        let commands = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .expect("a connection manager without push settings starts");
        Shared {
            client,
            commands,
            keys: Keys::new(room),
            scripts: Scripts::new(),
            pulse: pulse::PulseScripts::new(),
            questions: questions::QuestionScripts::new(),
            server: crate::realtime::ids::random_id(),
            others: Mutex::default(),
        }
    }

    /// Whether Redis answers now.
    /// The learners' marks on the room's section, in Redis.
    pub fn pulse(&self) -> pulse::Pulse<'_> {
        pulse::Pulse {
            scripts: &self.pulse,
            keys: &self.keys,
            commands: &self.commands,
        }
    }

    /// The questions from the room, in Redis.
    pub fn questions(&self) -> questions::Questions<'_> {
        questions::Questions {
            scripts: &self.questions,
            keys: &self.keys,
            commands: &self.commands,
        }
    }

    pub async fn reach(&self) -> redis::RedisResult<()> {
        redis::cmd("PING")
            .query_async::<String>(&mut self.commands.clone())
            .await
            .map(drop)
    }

    /// Moves the room; `after` is the last move this server heard of;
    /// `clock` is now (ms since the epoch) and whether to restart the
    /// presenter's timer from it.
    pub async fn move_to(
        &self,
        slug: &str,
        section: &str,
        after: u64,
        clock: (u64, bool),
    ) -> Result<RoomPosition, SharedError> {
        let k = &self.keys;
        let json: String = self
            .scripts
            .move_to
            .key(&k.position)
            .key(&k.seq)
            .arg(&k.channel)
            .arg(slug)
            .arg(section)
            .arg(after)
            .arg(clock.0)
            .arg(if clock.1 { "restart" } else { "" })
            .invoke_async(&mut self.commands.clone())
            .await?;
        Ok(from_script(&json)?)
    }

    /// Asks, reveals or closes the poll; `after` is the last poll this
    /// server heard of.
    pub async fn change_poll(
        &self,
        change: PollChange,
        after: u64,
    ) -> Result<RoomPoll, SharedError> {
        let k = &self.keys;
        let json: Option<String> = match change {
            PollChange::Ask(asked) => {
                let (question, options) = state::checked_poll(asked)?;
                let options = serde_json::to_string(&options).unwrap_or_default();
                self.scripts
                    .ask
                    .key(&k.poll)
                    .key(&k.counts)
                    .key(&k.voters)
                    .key(&k.polls)
                    .arg(&k.channel)
                    .arg(question)
                    .arg(options)
                    .arg(after)
                    .invoke_async(&mut self.commands.clone())
                    .await?
            }
            PollChange::Reveal => self.poll_script("reveal").await?,
            PollChange::Close => self.poll_script("close").await?,
        };
        Ok(from_script(&json.ok_or(RoomError::NoPoll)?)?)
    }

    /// Publishes the poll with its counts as they now are.
    pub async fn tally(&self) -> redis::RedisResult<()> {
        self.poll_script("tally").await.map(drop)
    }

    async fn poll_script(&self, what: &str) -> redis::RedisResult<Option<String>> {
        self.scripts
            .change
            .key(&self.keys.poll)
            .key(&self.keys.counts)
            .arg(&self.keys.channel)
            .arg(what)
            .invoke_async(&mut self.commands.clone())
            .await
    }

    /// Counts one browser's answer, once across every server.
    pub async fn answer(&self, voter: &str, asked: AnswerAsked) -> Result<(), SharedError> {
        let k = &self.keys;
        let verdict: String = self
            .scripts
            .answer
            .key(&k.poll)
            .key(&k.counts)
            .key(&k.voters)
            .arg(&k.channel)
            .arg(asked.poll)
            .arg(asked.choice)
            .arg(voter)
            .arg(MOST_VOTERS)
            .invoke_async(&mut self.commands.clone())
            .await?;
        let error = match verdict.split_once(' ') {
            _ if verdict == "ok" => return Ok(()),
            Some(("other_poll", current)) => RoomError::OtherPoll {
                asked: asked.poll,
                current: current.parse().unwrap_or_default(),
            },
            _ => match verdict.as_str() {
                "closed" => RoomError::Closed,
                "bad_choice" => RoomError::BadChoice(asked.choice),
                "answered" => RoomError::Answered,
                "full" => RoomError::Full,
                _ => RoomError::NoPoll,
            },
        };
        Err(error.into())
    }

    /// The room as Redis has it: the position and the poll.
    async fn now(&self) -> redis::RedisResult<Vec<Heard>> {
        let k = &self.keys;
        let (position, poll): (Option<String>, Option<String>) = self
            .scripts
            .now
            .key(&k.poll)
            .key(&k.counts)
            .key(&k.position)
            .invoke_async(&mut self.commands.clone())
            .await?;
        let position = position
            .and_then(|p| from_script(&p).ok())
            .map(Heard::Position);
        let poll = poll.and_then(|p| from_script(&p).ok()).map(Heard::Poll);
        Ok(position.into_iter().chain(poll).collect())
    }

    /// Publishes this server's counts.
    pub async fn report(&self, counts: Counts) -> redis::RedisResult<()> {
        let report = Heard::Audience(Report {
            server: self.server.clone(),
            counts,
        });
        let message = serde_json::to_string(&report).unwrap_or_default();
        self.commands
            .clone()
            .publish::<_, _, ()>(&self.keys.channel, message)
            .await
    }

    /// The other servers' counts, summed, of those heard from lately.
    pub fn others(&self) -> Counts {
        let mut others = self.others.lock().unwrap_or_else(PoisonError::into_inner);
        others.retain(|_, (_, at)| at.elapsed() < REPORT_LIFE);
        others
            .values()
            .fold(Counts::default(), |sum, (counts, _)| Counts {
                learners: sum.learners + counts.learners,
                presenters: sum.presenters + counts.presenters,
            })
    }

    /// Keeps another server's report (this server's own is not another's).
    pub(super) fn heard_report(&self, report: Report) {
        if report.server != self.server {
            let mut others = self.others.lock().unwrap_or_else(PoisonError::into_inner);
            others.insert(report.server, (report.counts, Instant::now()));
        }
    }
}

/// The room as its subscriber sees it (`room.rs` implements it for `Room`):
/// where its Redis is, when it stops, and where what was heard goes.
pub(super) trait Follower: Send + Sync + 'static {
    fn shared(&self) -> Option<&Shared>;
    fn stopping(&self) -> &Stopping;
    fn heard(&self, heard: Heard);
}

/// The subscriber: feeds what the room's channel says into `room`'s
/// streams, for as long as the room lives. Opens the subscription again
/// when it is lost, and reads the state afresh each time.
pub(super) async fn follow<R: Follower>(room: Weak<R>) {
    let mut wait = Duration::from_millis(100);
    let mut lost = false;
    loop {
        let Some((client, channel, stopping)) = room.upgrade().and_then(|room| {
            let shared = room.shared()?;
            let channel = shared.keys.channel.clone();
            Some((shared.client.clone(), channel, room.stopping().clone()))
        }) else {
            return;
        };
        if stopping.is_stopping() {
            return;
        }
        let listened = tokio::select! {
            listened = listen(&room, &client, &channel, &mut lost) => listened,
            () = stopping.wait() => return,
        };
        match listened {
            Ok(()) => wait = Duration::from_millis(100),
            Err(error) if !lost => {
                tracing::warn!("the room's Redis subscription is lost ({error}); trying again");
                lost = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RETRY_AT_MOST);
    }
}

/// One subscription, until it ends.
async fn listen<R: Follower>(
    room: &Weak<R>,
    client: &redis::Client,
    channel: &str,
    lost: &mut bool,
) -> redis::RedisResult<()> {
    use futures_util::StreamExt;
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    // Subscribed first, then read: nothing said after the read is missed.
    let Some(now) = room.upgrade() else {
        return Ok(());
    };
    let Some(shared) = now.shared() else {
        return Ok(());
    };
    for heard in shared.now().await? {
        now.heard(heard);
    }
    drop(now);
    if std::mem::take(lost) {
        tracing::info!("the room's Redis subscription is back");
    }
    let mut messages = pubsub.into_on_message();
    while let Some(message) = messages.next().await {
        let Some(room) = room.upgrade() else {
            return Ok(());
        };
        match serde_json::from_slice::<Heard>(message.get_payload_bytes()) {
            Ok(heard) => room.heard(heard),
            Err(error) => {
                tracing::warn!("the room's channel said what this server cannot read: {error}")
            }
        }
    }
    Err(redis::RedisError::from((
        redis::ErrorKind::Io,
        "the subscription ended",
    )))
}

#[cfg(test)]
mod tests;
