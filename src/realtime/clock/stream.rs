//! One clock stream: its hello, what it missed, then the live ticks.
//!
//! A stream holds little: its place among the open streams, its
//! subscription, and the id of the last tick it sent. It has no timer, and
//! its events are the bytes the ticker encoded for every stream.

use axum::body::Bytes;
use axum::response::sse::Event;
use std::convert::Infallible;
use tokio::sync::broadcast::{self, error::RecvError};

use super::super::replay::Backlog;
use super::super::sse::{self, Events};
use super::{Broadcast, OpenStream};
use crate::model::wire::ClockHello;

struct Stream {
    open: OpenStream,
    live: broadcast::Receiver<Broadcast>,
    /// The hello, a note on lost ticks and the replayed ticks, in order;
    /// `None` once they are sent (and their memory given back).
    first: Option<std::vec::IntoIter<Bytes>>,
    last_sent: u64,
    /// Only ticks whose id is a multiple of this are sent (`?every=`).
    every: u64,
    /// Whether the shared heartbeat is sent: not on a quiet stream.
    shared_heartbeat: bool,
}

/// Which of the clock's broadcasts a stream is sent.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape {
    /// Every tick, and the shared heartbeat.
    Full,
    /// Only every Nth tick, and no shared heartbeat: lesson 8's quiet
    /// stream, whose only heartbeat is the one it asks for.
    Quiet { every: u64 },
}

/// The events of one stream, until the client leaves, the learner drops
/// it, or the server stops (each ends the body cleanly: the browser
/// reconnects and sends `Last-Event-ID`).
pub(super) fn events(
    open: OpenStream,
    live: broadcast::Receiver<Broadcast>,
    mut backlog: Backlog,
    shape: Shape,
) -> Events {
    let (every, shared_heartbeat) = match shape {
        Shape::Full => (1, true),
        Shape::Quiet { every } => (every.max(1), false),
    };
    backlog.ticks.retain(|tick| tick.id % every == 0);
    let stream = Stream {
        first: Some(first_events(&open, &backlog).into_iter()),
        last_sent: backlog.ticks.last().map_or(0, |tick| tick.id),
        open,
        live,
        every,
        shared_heartbeat,
    };
    Box::pin(futures_util::stream::unfold(stream, next))
}

/// What a stream sends before the live ticks.
fn first_events(open: &OpenStream, backlog: &Backlog) -> Vec<Bytes> {
    let settings = &open.clock.settings;
    let hello = ClockHello {
        stream: open.id,
        resumed_after: backlog.resumed_after,
        replayed: match backlog.resumed_after {
            Some(_) => backlog.ticks.len(),
            None => 0,
        },
        lost: backlog.lost,
    };
    let hello = serde_json::to_string(&hello).unwrap_or_default();
    let mut first = vec![sse::encode(
        Event::default()
            .event("hello")
            .retry(settings.retry)
            .data(hello),
    )];
    if backlog.lost > 0 {
        let note = format!(
            "{} ticks were lost: the server keeps only the last {}",
            backlog.lost, settings.window
        );
        first.push(sse::encode(Event::default().event("gap").data(note)));
    }
    first.extend(backlog.ticks.iter().map(|tick| tick.event.clone()));
    first
}

async fn next(mut stream: Stream) -> Option<(Result<Bytes, Infallible>, Stream)> {
    loop {
        if let Some(first) = &mut stream.first {
            match first.next() {
                Some(event) => return Some((Ok(event), stream)),
                None => stream.first = None,
            }
        }
        match stream.live.recv().await {
            Ok(Broadcast::Tick(tick))
                if tick.id > stream.last_sent && tick.id % stream.every == 0 =>
            {
                stream.last_sent = tick.id;
                return Some((Ok(tick.event), stream));
            }
            Ok(Broadcast::Heartbeat) if stream.shared_heartbeat => {
                let heartbeat = stream.open.clock.heartbeat.clone();
                return Some((Ok(heartbeat), stream));
            }
            Ok(Broadcast::Drop(id)) if id == stream.open.id => return None,
            Ok(Broadcast::Stop) | Err(RecvError::Closed) => return None,
            Ok(Broadcast::Tick(_) | Broadcast::Drop(_) | Broadcast::Heartbeat) => {}
            // Too slow to keep up: catch up from the window, unless the
            // stream was dropped or the server stopped meanwhile.
            Err(RecvError::Lagged(_)) => {
                let clock = &stream.open.clock;
                if !clock.is_open(stream.open.id) || clock.stopping.is_stopping() {
                    return None;
                }
                let mut missed = clock.backlog(Some(stream.last_sent)).ticks;
                missed.retain(|tick| tick.id % stream.every == 0);
                if let Some(last) = missed.last() {
                    stream.last_sent = last.id;
                }
                let missed: Vec<Bytes> = missed.into_iter().map(|tick| tick.event).collect();
                stream.first = Some(missed.into_iter());
            }
        }
    }
}
