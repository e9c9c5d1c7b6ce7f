//! The room's event streams, and the ticker that says what changed often.
//!
//! A stream starts with where the room is (its `position`, with the move's
//! number as `id:`), the poll, and whether a presenter is here; then it
//! passes on what the broadcast says. A learner's browser that reconnects
//! sends `Last-Event-ID` (or, on a new page, `?seen=`): a move it has seen
//! comes with `fresh: false`, so its page stays where the learner scrolled.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Instant;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::OwnedSemaphorePermit;

use super::{room_of, Refused, Room, Routes, Said, HEARTBEAT, PRESENTER_GRACE, REPORT_EVERY, TICK};
use crate::model::room::{
    event, RoomAudience, RoomPoll, RoomPosition, RoomPresence, RoomPulse, RoomQuestions,
};
use crate::realtime::client::ClientAddr;
use crate::realtime::fair_share::Share;
use crate::realtime::limits::too_busy;
use crate::realtime::sse::{self, Events};

pub fn position_event(position: &RoomPosition) -> Bytes {
    let data = serde_json::to_string(position).unwrap_or_default();
    sse::encode(
        Event::default()
            .event(event::POSITION)
            .id(position.seq.to_string())
            .data(data),
    )
}

pub fn poll_event(poll: &RoomPoll) -> Bytes {
    json_event(event::POLL, poll)
}

pub fn pulse_event(pulse: &RoomPulse) -> Bytes {
    json_event(event::PULSE, pulse)
}

pub fn questions_event(questions: &RoomQuestions) -> Bytes {
    json_event(event::QUESTIONS, questions)
}

fn json_event(name: &str, data: &impl serde::Serialize) -> Bytes {
    let data = serde_json::to_string(data).unwrap_or_default();
    sse::encode(Event::default().event(name).data(data))
}

fn presence_event(present: bool) -> Bytes {
    json_event(event::PRESENTER, &RoomPresence { present })
}

fn audience_event(learners: usize) -> Bytes {
    let learners = u32::try_from(learners).unwrap_or(u32::MAX);
    json_event(event::AUDIENCE, &RoomAudience { learners })
}

/// Counts one open stream for as long as it lives.
struct Counted(Arc<Room>, fn(&Room) -> &AtomicUsize);

impl Counted {
    fn new(room: Arc<Room>, counter: fn(&Room) -> &AtomicUsize) -> Self {
        counter(&room).fetch_add(1, Ordering::Relaxed);
        Counted(room, counter)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        (self.1)(&self.0).fetch_sub(1, Ordering::Relaxed);
    }
}

/// What a stream holds while open: its place, its count, its client's share.
struct Held {
    _counted: Counted,
    _place: Option<(OwnedSemaphorePermit, Share)>,
}

#[derive(serde::Deserialize)]
pub(super) struct Seen {
    seen: Option<u64>,
}

/// `GET /api/room/events`: a learner's page follows the room.
pub(super) async fn learner_stream(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(seen): Query<Seen>,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    let Ok(place) = room.places.clone().try_acquire_owned() else {
        return Ok(too_busy("learners in the room", room.max_audience));
    };
    let share = match room.shares.take(client) {
        Ok(share) => share,
        Err(over) => return Ok(over.into_response()),
    };
    let seen = sse::last_event_id(&headers).or(seen.seen).unwrap_or(0);
    let first = {
        let state = room.state();
        let position = state.position().cloned().map(|mut p| {
            p.fresh = p.seq > seen;
            position_event(&p)
        });
        let poll = state.poll(false).map(|p| poll_event(&p));
        let present = room.present.load(Ordering::Relaxed);
        let questions = questions_event(&room.asked().list().for_learners());
        [
            Some(presence_event(present)),
            position,
            poll,
            Some(questions),
        ]
    };
    let held = Held {
        _counted: Counted::new(room.clone(), |r| &r.learners),
        _place: Some((place, share)),
    };
    Ok(stream(
        room,
        first.into_iter().flatten().collect(),
        held,
        |said| said.learners.clone(),
    ))
}

/// `GET /api/room/presenter/events`: the presenter's page, with the count
/// and the answers as they come.
pub(super) async fn presenter_stream(
    State(routes): State<Routes>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    if !room.presenter().admits(&headers) {
        return Err(Refused::NotPresenter);
    }
    let first = {
        let state = room.state();
        [
            Some(audience_event(room.counts().learners)),
            state.position().map(position_event),
            state.poll(true).map(|p| poll_event(&p)),
            Some(pulse_event(&room.marks().told())),
            Some(questions_event(room.asked().list())),
        ]
    };
    let held = Held {
        _counted: Counted::new(room.clone(), |r| &r.presenters),
        _place: None,
    };
    Ok(stream(
        room,
        first.into_iter().flatten().collect(),
        held,
        |said| said.presenter.clone(),
    ))
}

/// The first events, then what `pick` takes of each broadcast, until the
/// client leaves or the server stops.
fn stream(
    room: Arc<Room>,
    first: Vec<Bytes>,
    held: Held,
    pick: fn(&Said) -> Option<Bytes>,
) -> Response {
    let live = room.hub.subscribe();
    let stopping = room.stopping.clone();
    drop(room);
    let live = futures_util::stream::unfold((live, held), move |(mut live, held)| async move {
        loop {
            match live.recv().await {
                Ok(said) => {
                    if let Some(bytes) = pick(&said) {
                        return Some((bytes, (live, held)));
                    }
                }
                // A slow stream skips to the next event: the room's state is
                // the latest of each kind, and the next says it again.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let events = futures_util::stream::iter(first)
        .chain(live)
        .take_until(stopping.wait())
        .map(Ok::<_, Infallible>);
    let events: Events = Box::pin(events);
    sse::response(events)
}

/// Every [`TICK`]: the learner count to the presenter when it changed, the
/// poll when answers came, the presenter's coming and going, a heartbeat;
/// with Redis, this server's counts to the others when they changed, and
/// every [`REPORT_EVERY`] (so the room knows the server is still here).
pub(super) async fn tick(room: Weak<Room>) {
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let (mut told_count, mut told_present) = (usize::MAX, false);
    let (mut presenter_seen, mut beat) = (None::<Instant>, Instant::now());
    let (mut reported, mut reported_at) = (None, Instant::now());
    loop {
        ticks.tick().await;
        let Some(room) = room.upgrade() else { return };
        if room.stopping.is_stopping() {
            return;
        }
        if let Some(shared) = &room.shared {
            let here = room.counts_here();
            if reported != Some(here) || reported_at.elapsed() >= REPORT_EVERY {
                match shared.report(here).await {
                    Ok(()) => (reported, reported_at) = (Some(here), Instant::now()),
                    Err(error) => {
                        tracing::debug!("counts not reported to the room's Redis: {error}")
                    }
                }
            }
        }
        let counts = room.counts();
        if counts.learners != told_count {
            told_count = counts.learners;
            room.send(Said {
                learners: None,
                presenter: Some(audience_event(counts.learners)),
            });
        }
        if room.answered.swap(false, Ordering::Relaxed) {
            room.tally().await;
        }
        if room.pulsed.swap(false, Ordering::Relaxed) {
            room.tell_pulse().await;
        }
        if room.questioned.swap(false, Ordering::Relaxed) {
            room.tell_questions().await;
        }
        if counts.presenters > 0 {
            presenter_seen = Some(Instant::now());
        }
        let present = presenter_seen.is_some_and(|at| at.elapsed() < PRESENTER_GRACE);
        if present != told_present {
            told_present = present;
            room.present.store(present, Ordering::Relaxed);
            room.send(Said {
                learners: Some(presence_event(present)),
                presenter: None,
            });
        }
        if beat.elapsed() >= HEARTBEAT {
            beat = Instant::now();
            let heartbeat = sse::encode(Event::default().comment("heartbeat"));
            room.send(Said {
                learners: Some(heartbeat.clone()),
                presenter: Some(heartbeat),
            });
        }
    }
}
