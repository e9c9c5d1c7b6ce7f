//! `GET /api/clock`: the ticking SSE clock.
//!
//! One ticker for the whole server feeds a broadcast channel; a connection
//! only subscribes, so a thousand listeners cost one timer. The last few
//! minutes of ticks are kept, so a client that reconnects with
//! `Last-Event-ID` gets what it missed, or is told how much was lost.
//!
//! `POST /api/clock/streams/{stream}/drop` ends one stream cleanly, so a
//! learner can watch `EventSource` reconnect and resume; `?fault=…` makes
//! one stream misbehave (`super::faults`).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use std::convert::Infallible;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, Notify, OwnedSemaphorePermit, Semaphore};

use super::fair_share::{ClientAddr, Share, Shares};
use super::faults;
use super::limits::{semaphore_permits, too_busy};
use super::replay::{Backlog, ReplayWindow, Tick};
use super::ClockSettings;
use super::Stopping;
use crate::model::wire::{ClockFault, ClockHello};

/// The shared clock: ticker, replay window, and the open streams.
#[derive(Debug)]
pub struct Clock {
    settings: ClockSettings,
    ticks: broadcast::Sender<Tick>,
    recent: Mutex<ReplayWindow>,
    streams: Mutex<HashMap<u64, Arc<Notify>>>,
    stream_counter: AtomicU64,
    /// Stream ids are hashed with a per-process key, so one learner cannot
    /// guess another's id and drop their stream.
    stream_key: std::collections::hash_map::RandomState,
    permits: Arc<Semaphore>,
    /// Each client address's share of the streams.
    shares: Arc<Shares>,
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
        let (ticks, _) = broadcast::channel(settings.window.clamp(16, 4096));
        let clock = Arc::new(Clock {
            permits: Arc::new(Semaphore::new(semaphore_permits(settings.max_open_streams))),
            shares: Shares::new(
                "clock streams",
                "--clock-per-client",
                settings.max_streams_per_client,
            ),
            recent: Mutex::new(ReplayWindow::new(settings.window)),
            settings,
            ticks,
            streams: Mutex::default(),
            stream_counter: AtomicU64::new(0),
            stream_key: Default::default(),
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
        clock
    }

    fn period_ms(&self) -> u64 {
        self.settings.tick.as_millis().clamp(1, u64::MAX as u128) as u64
    }

    /// The id of the tick now: periods since the Unix epoch.
    fn current_id(&self) -> u64 {
        unix_millis() / self.period_ms()
    }

    fn tick(&self, id: u64) -> Tick {
        let at = UNIX_EPOCH + Duration::from_millis(id.saturating_mul(self.period_ms()));
        Tick {
            id,
            time: humantime::format_rfc3339_millis(at).to_string(),
        }
    }

    fn record(&self, tick: Tick) {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tick.clone());
        // An error only means nobody listens right now.
        let _ = self.ticks.send(tick);
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
    /// holding it; the map is whole after any single insert or removal, so
    /// the clock carries on instead of failing every later request.
    fn streams(&self) -> MutexGuard<'_, HashMap<u64, Arc<Notify>>> {
        self.streams.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open_stream(self: &Arc<Self>, held: (OwnedSemaphorePermit, Share)) -> OpenStream {
        let n = self.stream_counter.fetch_add(1, Ordering::Relaxed);
        let id = self.stream_key.hash_one(n) >> 12; // fits a JavaScript number exactly
        let dropped = Arc::new(Notify::new());
        self.streams().insert(id, dropped.clone());
        OpenStream {
            clock: self.clone(),
            id,
            dropped,
            _held: held,
        }
    }

    /// Ends one stream cleanly; false if no such stream is open.
    pub fn drop_stream(&self, id: u64) -> bool {
        match self.streams().get(&id) {
            Some(dropped) => {
                dropped.notify_one();
                true
            }
            None => false,
        }
    }

    pub fn open_streams(&self) -> usize {
        self.streams().len()
    }
}

/// Registered while a stream is open; dropping it (the client left, or the
/// stream ended) unregisters the stream and frees its permit.
struct OpenStream {
    clock: Arc<Clock>,
    id: u64,
    dropped: Arc<Notify>,
    _held: (OwnedSemaphorePermit, Share),
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.clock.streams().remove(&self.id);
    }
}

async fn run_ticker(clock: std::sync::Weak<Clock>, mut id: u64) {
    let Some((period, next_at)) = clock.upgrade().map(|c| {
        let next_at = (id + 1).saturating_mul(c.period_ms());
        (c.settings.tick, next_at.saturating_sub(unix_millis()))
    }) else {
        return;
    };
    // On the boundary where the next tick is due: a tick leaves the server
    // at the time it names.
    let start = tokio::time::Instant::now() + Duration::from_millis(next_at);
    let mut interval = tokio::time::interval_at(start, period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        let Some(clock) = clock.upgrade() else { return };
        // Every id up to the wall clock's, none twice, even if the runtime
        // was too busy to wake this task on time.
        let now = clock.current_id().max(id + 1);
        for next in id + 1..=now {
            clock.record(clock.tick(next));
        }
        id = now;
    }
}

pub fn router() -> Router<super::RealtimeState> {
    Router::new()
        .route("/api/clock", get(clock_handler))
        .route("/api/clock/streams/{stream}/drop", post(drop_handler))
}

/// `?fault=…` asks this one stream to misbehave (see `super::faults`).
#[derive(serde::Deserialize)]
struct FaultQuery {
    fault: Option<ClockFault>,
}

async fn clock_handler(
    State(clock): State<Arc<Clock>>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(asked): Query<FaultQuery>,
) -> Response {
    if let Some(refused) = asked.fault.and_then(faults::refusal) {
        return refused;
    }
    let share = match clock.shares.take(client) {
        Ok(share) => share,
        Err(refused) => return refused.into_response(),
    };
    let Ok(permit) = clock.permits.clone().try_acquire_owned() else {
        return too_busy("clock streams", clock.settings.max_open_streams);
    };
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    // Subscribe before reading the window: a tick that lands in between is
    // then in both, and is skipped by id, instead of in neither.
    let live = clock.ticks.subscribe();
    let backlog = clock.backlog(last_seen);
    let stream = clock.open_stream((permit, share));
    let mut events: faults::Events = Box::pin(tick_stream(stream, live, backlog));
    if let Some(fault) = asked.fault {
        events = faults::reshape(fault, events);
    }
    let mut response = Sse::new(events).into_response();
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    match asked.fault {
        Some(fault) => faults::finish(fault, response),
        None => response,
    }
}

fn tick_stream(
    stream: OpenStream,
    mut live: broadcast::Receiver<Tick>,
    backlog: Backlog,
) -> impl futures_util::Stream<Item = Result<Event, Infallible>> {
    async_stream::stream! {
        let settings = stream.clock.settings.clone();
        let hello = ClockHello {
            stream: stream.id,
            resumed_after: backlog.resumed_after,
            replayed: if backlog.resumed_after.is_some() { backlog.ticks.len() } else { 0 },
            lost: backlog.lost,
        };
        let hello = serde_json::to_string(&hello).expect("a hello serialises");
        yield Ok(Event::default().event("hello").retry(settings.retry).data(hello));
        if backlog.lost > 0 {
            yield Ok(Event::default().event("gap").data(format!(
                "{} ticks were lost: the server keeps only the last {}", backlog.lost, settings.window
            )));
        }
        let mut last_sent = 0;
        for tick in backlog.ticks {
            last_sent = tick.id;
            yield Ok(tick_event(&tick));
        }
        let start = tokio::time::Instant::now() + settings.heartbeat;
        let mut heartbeat = tokio::time::interval_at(start, settings.heartbeat);
        // The server stopping ends the body cleanly: browsers reconnect.
        let stopping = stream.clock.stopping.wait();
        tokio::pin!(stopping);
        loop {
            tokio::select! {
                _ = stream.dropped.notified() => break,
                _ = &mut stopping => break,
                _ = heartbeat.tick() => yield Ok(Event::default().comment("heartbeat")),
                received = live.recv() => match received {
                    Ok(tick) if tick.id > last_sent => {
                        last_sent = tick.id;
                        yield Ok(tick_event(&tick));
                    }
                    Ok(_) => {}
                    // Too slow to keep up: catch up from the window.
                    Err(RecvError::Lagged(_)) => {
                        for tick in stream.clock.backlog(Some(last_sent)).ticks {
                            last_sent = tick.id;
                            yield Ok(tick_event(&tick));
                        }
                    }
                    Err(RecvError::Closed) => break,
                },
            }
        }
    }
}

fn tick_event(tick: &Tick) -> Event {
    Event::default()
        .event("tick")
        .id(tick.id.to_string())
        .data(&tick.time)
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
