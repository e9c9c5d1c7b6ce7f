//! `GET /api/clock`: the ticking SSE clock.
//!
//! One ticker for the whole server feeds a broadcast channel; a connection
//! only subscribes, so a thousand listeners cost one timer. The ticker
//! encodes each tick once and every stream sends the same bytes; it also
//! sends the heartbeat, so a stream needs no timer of its own. The last few
//! minutes of ticks are kept, so a client that reconnects with
//! `Last-Event-ID` gets what it missed, or is told how much was lost.
//!
//! `POST /api/clock/streams/{stream}/drop` ends one stream cleanly, so a
//! learner can watch `EventSource` reconnect and resume; `?fault=…` makes
//! one stream misbehave (`super::faults`).

use axum::body::Bytes;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};

use super::client::{ClientAddr, ClientRule};
use super::fair_share::{Share, Shares};
use super::limits::{semaphore_permits, Refused};
use super::replay::{Backlog, ReplayWindow, Tick};
use super::stopping::Stopping;
use super::{faults, sse};

mod follow;
mod query;
mod settings;
mod stream;

pub use follow::TickFollower;
use query::{ClockQuery, BARE_PING, PING};
pub use settings::ClockSettings;

/// What the ticker sends every stream at once.
#[derive(Clone, Debug)]
enum Broadcast {
    Tick(Tick),
    /// A `: heartbeat` comment, so that quiet connections are not taken
    /// for dead by a proxy (the clock is never quiet, but the lesson's
    /// streams are the pattern).
    Heartbeat,
    /// The learner asked the server to end this stream.
    Drop(u64),
    /// The server is stopping: every stream ends, so browsers reconnect to
    /// the next process.
    Stop,
}

/// The shared clock: ticker, replay window, and the open streams.
#[derive(Debug)]
pub struct Clock {
    settings: ClockSettings,
    broadcast: broadcast::Sender<Broadcast>,
    recent: Mutex<ReplayWindow>,
    /// The ids of the open streams.
    streams: Mutex<HashSet<u64>>,
    stream_counter: AtomicU64,
    /// Stream ids are hashed with a per-process key, so one learner cannot
    /// guess another's id and drop their stream.
    stream_key: std::collections::hash_map::RandomState,
    permits: Arc<Semaphore>,
    /// Each client address's share of the streams.
    shares: Arc<Shares>,
    heartbeat: Bytes,
    stopping: Stopping,
}

impl Clock {
    /// Starts the ticker task; it runs until the runtime stops. The first
    /// tick is taken before this returns, so the first client gets a tick at
    /// once rather than after a whole period.
    pub fn start(mut settings: ClockSettings, stopping: Stopping) -> Arc<Clock> {
        // tokio's intervals panic on a zero period.
        settings.tick = settings.tick.max(Duration::from_millis(1));
        settings.heartbeat = settings.heartbeat.max(Duration::from_millis(1));
        let (broadcast, _) = broadcast::channel(settings.window.clamp(16, 4096));
        let clock = Arc::new(Clock {
            permits: Arc::new(Semaphore::new(semaphore_permits(settings.max_open_streams))),
            shares: Shares::new(
                "clock streams",
                "--clock-per-client",
                settings.max_streams_per_client,
            ),
            recent: Mutex::new(ReplayWindow::new(settings.window)),
            settings,
            broadcast,
            streams: Mutex::default(),
            stream_counter: AtomicU64::new(0),
            stream_key: Default::default(),
            heartbeat: sse::encode(Event::default().comment("heartbeat")),
            stopping,
        });
        // A tick is a function of its id (tick N is at N periods after the
        // Unix epoch), so a new process knows the ticks of the minutes before
        // it started: a browser that reconnects after a restart is replayed
        // what it missed, with consecutive ids, as if nothing had restarted.
        let first_id = clock.current_id();
        let window = clock.settings.window.max(1) as u64;
        for id in first_id.saturating_sub(window - 1).max(1)..=first_id {
            clock.record(clock.tick(id));
        }
        tokio::spawn(run_ticker(Arc::downgrade(&clock), first_id));
        tokio::spawn(stop_streams_when_stopping(Arc::downgrade(&clock)));
        clock
    }

    fn period_ms(&self) -> u64 {
        self.settings.tick.as_millis().clamp(1, u64::MAX as u128) as u64
    }

    /// The id of the tick now: periods since the Unix epoch.
    fn current_id(&self) -> u64 {
        unix_millis() / self.period_ms()
    }

    /// Tick `id`, encoded once for every stream that will send it.
    fn tick(&self, id: u64) -> Tick {
        let at = UNIX_EPOCH + Duration::from_millis(id.saturating_mul(self.period_ms()));
        let time = humantime::format_rfc3339_millis(at).to_string();
        let event = Event::default().event("tick").id(id.to_string()).data(time);
        Tick {
            id,
            event: sse::encode(event),
        }
    }

    fn record(&self, tick: Tick) {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tick.clone());
        self.send(Broadcast::Tick(tick));
    }

    fn send(&self, message: Broadcast) {
        // An error only means nobody listens right now.
        let _ = self.broadcast.send(message);
    }

    /// The ticks a client needs on (re)connecting: the newest one for a new
    /// client, the missed ones for a returning one, and how many are gone.
    fn backlog(&self, last_seen: Option<u64>) -> Backlog {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .backlog(last_seen)
    }

    /// The open streams. A lock is poisoned only if a thread panicked while
    /// holding it; the set is whole after any single insert or removal, so
    /// the clock carries on instead of failing every later request.
    fn streams(&self) -> MutexGuard<'_, HashSet<u64>> {
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open_stream(self: &Arc<Self>, held: (OwnedSemaphorePermit, Share)) -> OpenStream {
        let n = self.stream_counter.fetch_add(1, Ordering::Relaxed);
        let id = self.stream_key.hash_one(n) >> 12; // fits a JavaScript number exactly
        self.streams().insert(id);
        OpenStream {
            clock: self.clone(),
            id,
            _held: held,
        }
    }

    /// Each tick from now on, for a transport other than an event stream
    /// (the QUIC lane's datagrams).
    pub fn follow(&self) -> TickFollower {
        TickFollower::new(self.broadcast.subscribe(), self.period_ms())
    }

    /// Ends one stream cleanly; false if no such stream is open.
    pub fn drop_stream(&self, id: u64) -> bool {
        // Removed first: a stream that missed the message (it lagged far
        // behind) still finds that it was dropped.
        if !self.streams().remove(&id) {
            return false;
        }
        self.send(Broadcast::Drop(id));
        true
    }

    fn is_open(&self, id: u64) -> bool {
        self.streams().contains(&id)
    }

    pub fn open_streams(&self) -> usize {
        self.streams().len()
    }

    /// The clock streams `client` holds (lesson 5's naive streams included).
    pub fn streams_of(&self, client: IpAddr) -> usize {
        self.shares.held_by(client)
    }

    /// A place for one more stream from `client`: its share and one of the
    /// server's, or the refusal that says which is full.
    pub(super) fn admit(&self, client: IpAddr) -> Result<(OwnedSemaphorePermit, Share), Refused> {
        let share = self.shares.take(client).map_err(Refused::OverShare)?;
        let permit = self
            .permits
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refused::Full {
                what: "clock streams",
                limit: self.settings.max_open_streams,
            })?;
        Ok((permit, share))
    }
}

/// Registered while a stream is open; dropping it (the client left, or the
/// stream ended) unregisters the stream and frees its permit and share.
#[derive(Debug)]
struct OpenStream {
    clock: Arc<Clock>,
    id: u64,
    _held: (OwnedSemaphorePermit, Share),
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.clock.streams().remove(&self.id);
    }
}

/// Ticks on the period's boundaries, and sends the heartbeat between them.
async fn run_ticker(clock: std::sync::Weak<Clock>, mut id: u64) {
    let Some((period, heartbeat, next_at)) = clock.upgrade().map(|c| {
        let next_at = (id + 1).saturating_mul(c.period_ms());
        let (period, heartbeat) = (c.settings.tick, c.settings.heartbeat);
        (period, heartbeat, next_at.saturating_sub(unix_millis()))
    }) else {
        return;
    };
    // On the boundary where the next tick is due: a tick leaves the server
    // at the time it names.
    let start = tokio::time::Instant::now() + Duration::from_millis(next_at);
    let mut ticks = tokio::time::interval_at(start, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut heartbeats =
        tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    heartbeats.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                let Some(clock) = clock.upgrade() else { return };
                // Every id up to the wall clock's, none twice, even if the
                // runtime was too busy to wake this task on time.
                let now = clock.current_id().max(id + 1);
                for next in id + 1..=now {
                    clock.record(clock.tick(next));
                }
                id = now;
            }
            _ = heartbeats.tick() => {
                let Some(clock) = clock.upgrade() else { return };
                clock.send(Broadcast::Heartbeat);
            }
        }
    }
}

/// When the server stops, every stream ends its body cleanly: browsers
/// reconnect to the next process, which replays what they missed.
async fn stop_streams_when_stopping(clock: std::sync::Weak<Clock>) {
    let Some(stopping) = clock.upgrade().map(|c| c.stopping.clone()) else {
        return;
    };
    stopping.wait().await;
    if let Some(clock) = clock.upgrade() {
        clock.send(Broadcast::Stop);
    }
}

/// What the clock's handlers read.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub clock: Arc<Clock>,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/clock", get(clock_handler))
        .route("/api/clock/streams/{stream}/drop", post(drop_handler))
        .with_state(routes)
}

async fn clock_handler(
    State(clock): State<Arc<Clock>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(asked): Query<ClockQuery>,
) -> Response {
    if let Some(problem) = asked.problem() {
        return problem;
    }
    if let Some(refused) = asked.fault.and_then(faults::refusal) {
        return refused;
    }
    let place = match clock.admit(client) {
        Ok(place) => place,
        Err(refused) => return refused.into_response(),
    };
    let last_seen = sse::last_event_id(&headers).or(asked.last_event_id);
    // Subscribe before reading the window: a tick that lands in between is
    // then in both, and is skipped by id, instead of in neither.
    let live = clock.broadcast.subscribe();
    let backlog = clock.backlog(last_seen);
    let open = clock.open_stream(place);
    let shape = match asked.every {
        Some(every) => stream::Shape::Quiet { every },
        None => stream::Shape::Full,
    };
    let mut events = stream::events(open, live, backlog, shape);
    if let Some(fault) = asked.fault {
        events = faults::reshape(fault, events);
    }
    if let Some(seconds) = asked.heartbeat {
        let heartbeat = clock.heartbeat.clone();
        events = faults::interleave(events, Duration::from_secs(seconds), heartbeat);
    }
    for (seconds, line) in [(asked.ping, PING), (asked.bare_ping, BARE_PING)] {
        if let Some(seconds) = seconds {
            let line = Bytes::from_static(line);
            events = faults::interleave(events, Duration::from_secs(seconds), line);
        }
    }
    if let Some(delay) = asked.fault.and_then(faults::head_delay) {
        tokio::time::sleep(delay).await;
    }
    let response = sse::response(events);
    match asked.fault {
        Some(fault) => faults::finish(fault, response),
        None => response,
    }
}

async fn drop_handler(State(clock): State<Arc<Clock>>, Path(stream): Path<u64>) -> StatusCode {
    if clock.drop_stream(stream) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}
