//! Lesson 5's "leaky server", live and bounded.
//!
//! - `GET /api/leaky/naive`: an event stream served the way the lesson's
//!   Node example serves it. Each connection starts a timer of its own that
//!   sends a tick every second and never asks whether anyone still listens,
//!   so it keeps firing after the client has left.
//! - `GET /api/leaky/stats`: once a second, how many of this client's
//!   naive timers still fire, how many of them have no client any more,
//!   and how many of its clock streams the one shared ticker serves.
//!
//! The leak is real but cannot hurt the server: a timer whose client left
//! is stopped by this demo's safety net after [`ORPHAN_LIFETIME`], and
//! every naive timer, leaked or not, holds one of the clock's places (its
//! client's share and the server-wide limit) until it stops.

use axum::extract::{FromRef, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::client::{ClientAddr, ClientRule};
use super::clock::Clock;
use super::stopping::Stopping;
use crate::model::wire::LeakyStats;

/// How long a naive timer goes on firing after its client left, before the
/// demo's safety net stops it. The naive server itself never would.
pub const ORPHAN_LIFETIME: Duration = Duration::from_secs(30);

/// The naive timers' period, as in the lesson's Node example.
const PERIOD: Duration = Duration::from_secs(1);

/// Every naive timer still firing, and the pulse the stats streams follow.
#[derive(Debug)]
pub struct Leaky {
    next_id: AtomicU64,
    timers: Mutex<BTreeMap<u64, Timer>>,
    /// Bumped once a second by one shared task: the stats streams have no
    /// timers of their own, as lesson 5 recommends.
    pulse: watch::Sender<u64>,
}

#[derive(Debug)]
struct Timer {
    client: IpAddr,
    /// When the timer first found its client gone.
    orphaned_at: Option<Instant>,
}

impl Leaky {
    pub fn start(stopping: Stopping) -> Arc<Leaky> {
        let leaky = Arc::new(Leaky {
            next_id: AtomicU64::new(1),
            timers: Mutex::default(),
            pulse: watch::Sender::new(0),
        });
        tokio::spawn(pulse(Arc::downgrade(&leaky), stopping));
        leaky
    }

    /// What `client` has running, for its stats.
    fn stats(&self, client: IpAddr, clock: &Clock) -> LeakyStats {
        let timers = self.lock();
        let mine = || timers.values().filter(|t| t.client == client);
        let naive_timers = mine().count();
        let orphans: Vec<Instant> = mine().filter_map(|t| t.orphaned_at).collect();
        let next_cleanup_s = orphans.iter().min().map(|at| {
            ORPHAN_LIFETIME
                .saturating_sub(at.elapsed())
                .as_secs_f64()
                .ceil() as u64
        });
        LeakyStats {
            naive_timers,
            orphaned: orphans.len(),
            next_cleanup_s,
            // Naive timers hold clock places too; the rest are /api/clock's.
            shared_streams: clock.streams_of(client).saturating_sub(naive_timers),
        }
    }

    // A lock is poisoned only if a thread panicked while holding it; each
    // change under it is one insert, update or removal, so the map is whole.
    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Timer>> {
        self.timers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The one task that paces every stats stream.
async fn pulse(leaky: std::sync::Weak<Leaky>, stopping: Stopping) {
    let mut every_second = tokio::time::interval(PERIOD);
    let stop = stopping.wait();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = every_second.tick() => {}
            _ = &mut stop => return,
        }
        let Some(leaky) = leaky.upgrade() else { return };
        leaky.pulse.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// What the leaky server's handlers read: its own timers, and the shared
/// clock it is compared with.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub leaky: Arc<Leaky>,
    pub clock: Arc<Clock>,
    pub stopping: Stopping,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/leaky/naive", get(naive_stream))
        .route("/api/leaky/stats", get(stats_stream))
        .with_state(routes)
}

async fn naive_stream(
    State(leaky): State<Arc<Leaky>>,
    State(clock): State<Arc<Clock>>,
    State(stopping): State<Stopping>,
    ClientAddr(client): ClientAddr,
) -> Response {
    let place = match clock.admit(client) {
        Ok(place) => place,
        Err(refused) => return refused.into_response(),
    };
    let id = leaky.next_id.fetch_add(1, Ordering::Relaxed);
    leaky.lock().insert(
        id,
        Timer {
            client,
            orphaned_at: None,
        },
    );
    let (events, mut received) = mpsc::channel::<Event>(4);
    tokio::spawn(async move {
        let _place = place;
        naive_timer(&leaky, id, events, stopping).await;
        leaky.lock().remove(&id);
    });
    let stream = async_stream::stream! {
        while let Some(event) = received.recv().await {
            yield Ok::<_, Infallible>(event);
        }
    };
    Sse::new(stream).into_response()
}

/// The naive server's timer: a tick a second into the response, whether or
/// not anyone still reads it. Only the marked lines are not naive: they
/// note that the client left, and stop the timer when the safety net says.
async fn naive_timer(leaky: &Leaky, id: u64, events: mpsc::Sender<Event>, stopping: Stopping) {
    let mut timer = tokio::time::interval(PERIOD);
    let mut count = 0u64;
    let stop = stopping.wait();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = timer.tick() => {}
            _ = &mut stop => return,
        }
        count += 1;
        let tick = Event::default()
            .event("tick")
            .data(format!("tick {count} from this connection's own timer"));
        // The naive part: send, and never mind whether it arrived.
        let _ = events.try_send(tick);
        // The safety net, not part of the naive server.
        if events.is_closed() {
            let mut timers = leaky.lock();
            let Some(timer) = timers.get_mut(&id) else {
                return;
            };
            let orphaned_at = *timer.orphaned_at.get_or_insert_with(Instant::now);
            if orphaned_at.elapsed() >= ORPHAN_LIFETIME {
                return;
            }
        }
    }
}

async fn stats_stream(
    State(leaky): State<Arc<Leaky>>,
    State(clock): State<Arc<Clock>>,
    State(stopping): State<Stopping>,
    ClientAddr(client): ClientAddr,
) -> Response {
    let mut pulse = leaky.pulse.subscribe();
    let stream = async_stream::stream! {
        loop {
            let stats = leaky.stats(client, &clock);
            let json = serde_json::to_string(&stats).expect("stats serialise");
            yield Ok::<_, Infallible>(Event::default().event("stats").data(json));
            tokio::select! {
                changed = pulse.changed() => if changed.is_err() { break },
                _ = stopping.wait() => break,
            }
        }
    };
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
