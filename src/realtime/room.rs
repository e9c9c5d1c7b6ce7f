//! Presenter mode: the host drives the room's pages live, over Server-Sent
//! Events, the course's own subject.
//!
//! 1. The host starts the server with `--presenter` (or a token) and opens
//!    the presenter link once: [`presenter::login`] trades the token for a
//!    cookie and sends the browser on to `/present/…`, so the token leaves
//!    the address bar and appears in no page, log line or learner's URL.
//! 2. Learners join at `/room` ([`learners::join`]), which sends them to where the room
//!    is. Each lesson page's room island follows `GET /api/room/events`
//!    ([`streams`]): `position` (with the move's number as its `id:`, so a
//!    reconnect says what it saw), `poll`, and `presenter` (here or gone).
//! 3. The presenter's page moves the room and asks polls
//!    (`POST /api/room/{position,poll,poll/reveal,poll/close}`), and follows
//!    `GET /api/room/presenter/events` for the learner count and the answers.
//!
//! Every change is encoded once and sent to every stream through one
//! broadcast channel. A ticker task coalesces what may change often (the
//! count, a poll's answers) into at most four events a second, and says
//! the presenter left when no presenter stream has been open for
//! [`PRESENTER_GRACE`] (a presenter moving between lessons reopens theirs
//! at once).
//!
//! With `--redis-url`, several servers are one room ([`redis_side`]): each
//! change goes through Redis, and each server's streams hear it from there.
//!
//! Everything is bounded: learners per room and per client address, a
//! poll's size ([`crate::model::room::bounds`]), the presenter's actions per
//! second, the answers one poll takes.

mod learners;
mod per_client;
mod presenter;
mod pulse;
mod questions;
mod redis_side;
mod refused;
mod state;
mod streams;

use axum::body::Bytes;
use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, Semaphore};

use super::client::ClientRule;
use super::fair_share::Shares;
pub use super::ids::new_token;
use super::limits::semaphore_permits;
use super::stopping::Stopping;
use crate::model::room::{AnswerAsked, MoveAsked, RoomPoll, RoomPosition};
pub use presenter::{Presenter, PRESENTER_COOKIE};
use redis_side::{Counts, Heard, Shared};
pub use redis_side::{REPORT_EVERY, REPORT_LIFE};
pub(crate) use refused::Refused;
pub use state::RoomError;
use state::{PollChange, RoomState};

/// How long the room waits, after the last presenter stream closed, before
/// it tells the learners the presenter left.
pub const PRESENTER_GRACE: Duration = Duration::from_secs(5);
/// The presenter's moves and poll actions one second takes.
const ACTIONS_PER_SECOND: usize = 10;
/// Answers one client address gives one poll (a room behind one NAT fits).
const ANSWERS_PER_CLIENT: u32 = 500;
/// How often the ticker looks for a changed count or new answers.
const TICK: Duration = Duration::from_millis(250);
/// A `: heartbeat` on every room stream, for the proxies on the way.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// The learner's cookie that makes one answer per browser.
pub const VOTER_COOKIE: &str = "realtime_lab_voter";

/// Presenter mode's settings (`--presenter`, `--presenter-token`,
/// `--room-max-audience`).
#[derive(Clone, Debug)]
pub struct RoomSettings {
    /// The secret in the presenter's link.
    pub token: String,
    /// Learners' streams open at once.
    pub max_audience: usize,
    /// Of those, what one client address may hold.
    pub audience_per_client: usize,
    /// What the projector shows learners to type; `None`: the presenter
    /// page's own host, at `/room`.
    pub join_url: Option<String>,
    /// The Redis that makes several servers one room (`--redis-url`);
    /// `None`: this server is the room.
    pub redis: Option<redis::ConnectionInfo>,
}

/// One event, encoded once for each kind of stream that gets it.
#[derive(Debug, Default)]
struct Said {
    learners: Option<Bytes>,
    presenter: Option<Bytes>,
}

pub struct Room {
    presenter: Presenter,
    join_url: Option<String>,
    state: Mutex<RoomState>,
    hub: broadcast::Sender<Arc<Said>>,
    places: Arc<Semaphore>,
    max_audience: usize,
    shares: Arc<Shares>,
    /// Learners' and presenters' streams open now.
    learners: AtomicUsize,
    presenters: AtomicUsize,
    /// Whether a presenter is here, as the ticker last told the learners.
    present: AtomicBool,
    /// New answers since the ticker last sent the poll.
    answered: AtomicBool,
    /// Learners' marks ("done", "stuck"), and whether new ones came since
    /// the ticker last told the presenter.
    marks: Mutex<pulse::Marks>,
    pulsed: AtomicBool,
    /// Questions from the room, and whether they changed since the ticker
    /// last sent them.
    questions: Mutex<questions::Asked>,
    questioned: AtomicBool,
    answers_by_client: Mutex<per_client::PerClient>,
    actions: Mutex<VecDeque<Instant>>,
    /// The room's Redis, when several servers are one room.
    shared: Option<Shared>,
    stopping: Stopping,
}

impl std::fmt::Debug for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token, nor what it signs.
        f.debug_struct("Room")
            .field("learners", &self.learners)
            .finish_non_exhaustive()
    }
}

impl Room {
    /// The room, its ticker and, with Redis, its subscriber (both end with
    /// the server). Call inside the tokio runtime. Redis is connected to
    /// when first used: [`Room::reach_redis`] checks it.
    pub fn start(settings: RoomSettings, stopping: Stopping) -> Arc<Room> {
        let (hub, _) = broadcast::channel(256);
        let presenter = Presenter::new(&settings.token);
        let shared = settings
            .redis
            .map(|redis| Shared::new(redis, &presenter.room_name()));
        let room = Arc::new(Room {
            presenter,
            join_url: settings.join_url,
            state: Mutex::default(),
            hub,
            places: Arc::new(Semaphore::new(semaphore_permits(settings.max_audience))),
            max_audience: settings.max_audience,
            shares: Shares::new(
                "room streams",
                "--room-max-audience",
                settings.audience_per_client,
            ),
            learners: AtomicUsize::new(0),
            presenters: AtomicUsize::new(0),
            present: AtomicBool::new(false),
            answered: AtomicBool::new(false),
            marks: Mutex::default(),
            pulsed: AtomicBool::new(false),
            questions: Mutex::default(),
            questioned: AtomicBool::new(false),
            answers_by_client: Mutex::default(),
            actions: Mutex::default(),
            shared,
            stopping,
        });
        tokio::spawn(streams::tick(Arc::downgrade(&room)));
        if room.shared.is_some() {
            tokio::spawn(redis_side::follow(Arc::downgrade(&room)));
        }
        room
    }

    /// Whether the room's Redis answers (`Ok` without one): the server
    /// checks once as it starts, so a wrong `--redis-url` stops it there.
    pub async fn reach_redis(&self) -> redis::RedisResult<()> {
        match &self.shared {
            Some(shared) => shared.reach().await,
            None => Ok(()),
        }
    }

    pub fn presenter(&self) -> &Presenter {
        &self.presenter
    }

    /// The join address the projector shows, for a page served as `host`.
    pub fn join_url(&self, host: &str) -> String {
        self.join_url
            .clone()
            .unwrap_or_else(|| format!("http://{host}/room"))
    }

    /// Learners' streams open on this server.
    pub fn learners(&self) -> usize {
        self.learners.load(Ordering::Relaxed)
    }

    /// Learners' and presenters' streams open on this server.
    fn counts_here(&self) -> Counts {
        Counts {
            learners: self.learners(),
            presenters: self.presenters.load(Ordering::Relaxed),
        }
    }

    /// Learners' and presenters' streams open in the room: on this server,
    /// and on the others that reported lately.
    fn counts(&self) -> Counts {
        let here = self.counts_here();
        let others = self.shared.as_ref().map(Shared::others).unwrap_or_default();
        Counts {
            learners: here.learners + others.learners,
            presenters: here.presenters + others.presenters,
        }
    }

    /// Brings the room to a lesson's section.
    async fn move_to(&self, asked: MoveAsked) -> Result<RoomPosition, Refused> {
        let now = state::now_ms();
        let Some(shared) = &self.shared else {
            let position = self.state().move_to(asked, now)?;
            self.said_position(&position);
            return Ok(position);
        };
        let restart = asked.restart_clock;
        let (slug, section) = state::checked_move(asked)?;
        let after = self.state().position().map_or(0, |p| p.seq);
        Ok(shared
            .move_to(&slug, &section, after, (now, restart))
            .await?)
    }

    /// Asks, reveals or closes the poll.
    async fn change_poll(&self, change: PollChange) -> Result<RoomPoll, Refused> {
        let Some(shared) = &self.shared else {
            let (poll, learners) = {
                let mut state = self.state();
                let poll = state.change_poll(change)?;
                (poll, state.poll(false))
            };
            self.answered.store(false, Ordering::Relaxed);
            self.send(Said {
                learners: learners.as_ref().map(streams::poll_event),
                presenter: Some(streams::poll_event(&poll)),
            });
            return Ok(poll);
        };
        let after = self.state().polls_asked();
        Ok(shared.change_poll(change, after).await?)
    }

    /// Counts one browser's answer, once.
    async fn answer(&self, voter: &str, asked: AnswerAsked) -> Result<(), Refused> {
        match &self.shared {
            Some(shared) => shared.answer(voter, asked).await?,
            None => self.state().answer(voter, asked)?,
        }
        self.answered.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The poll's counts to the presenter (and to the learners once
    /// revealed), after new answers.
    async fn tally(&self) {
        if let Some(shared) = &self.shared {
            if let Err(error) = shared.tally().await {
                tracing::warn!("the poll's counts did not reach the room's Redis: {error}");
            }
            return;
        }
        let (learners, presenter) = {
            let state = self.state();
            (state.poll(false), state.poll(true))
        };
        self.send(Said {
            learners: learners
                .filter(|p| p.revealed)
                .map(|p| streams::poll_event(&p)),
            presenter: presenter.map(|p| streams::poll_event(&p)),
        });
    }

    /// What the room's Redis said, to this server's streams: a move not
    /// heard yet; the poll, to learners when what they see of it changed.
    fn heard(&self, heard: Heard) {
        match heard {
            Heard::Position(position) => {
                if self.state().heard_position(position.clone()) {
                    self.said_position(&position);
                }
            }
            Heard::Poll(poll) => {
                let (before, learners) = {
                    let mut state = self.state();
                    let before = state.poll(false);
                    state.heard_poll(poll.clone());
                    (before, state.poll(false))
                };
                self.send(Said {
                    learners: learners
                        .filter(|after| before.as_ref() != Some(after))
                        .map(|p| streams::poll_event(&p)),
                    presenter: Some(streams::poll_event(&poll)),
                });
            }
            Heard::Pulse(pulse) => self.heard_pulse(pulse),
            Heard::Questions(list) => self.heard_questions(list),
            Heard::Audience(report) => {
                if let Some(shared) = &self.shared {
                    shared.heard_report(report);
                }
            }
        }
    }

    fn said_position(&self, position: &RoomPosition) {
        let event = streams::position_event(position);
        self.send(Said {
            learners: Some(event.clone()),
            presenter: Some(event),
        });
    }

    fn state(&self) -> std::sync::MutexGuard<'_, RoomState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, said: Said) {
        // No receivers is fine: nobody follows yet.
        let _ = self.hub.send(Arc::new(said));
    }
}

impl redis_side::Follower for Room {
    fn shared(&self) -> Option<&Shared> {
        self.shared.as_ref()
    }

    fn stopping(&self) -> &Stopping {
        &self.stopping
    }

    fn heard(&self, heard: Heard) {
        Room::heard(self, heard);
    }
}

/// What the room's handlers read: the room, when the host started one.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub room: Option<Arc<Room>>,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/room", get(learners::join))
        .route("/room/present", get(presenter::login))
        .route("/api/room/events", get(streams::learner_stream))
        .route("/api/room/answer", post(learners::answer))
        .route("/api/room/pulse", post(learners::pulse))
        .route("/api/room/questions", post(learners::ask))
        .route("/api/room/questions/vote", post(learners::vote))
        .route("/api/room/questions/mark", post(presenter::mark_question))
        .route("/api/room/presenter/events", get(streams::presenter_stream))
        .route("/api/room/position", post(presenter::move_room))
        .route("/api/room/poll", post(presenter::ask))
        .route("/api/room/poll/reveal", post(presenter::reveal))
        .route("/api/room/poll/close", post(presenter::close))
        .with_state(routes)
}

/// The room, or the answer that presenter mode is off.
pub(crate) fn room_of(routes: &Routes) -> Result<Arc<Room>, Refused> {
    routes.room.clone().ok_or(Refused::Off)
}
