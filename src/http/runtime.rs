//! The server's tokio runtime: a worker per core, and fair to a crowd.
//!
//! Each worker runs the tasks it woke from a local queue of 256; when more
//! are ready at once (a room's sockets all answering), the rest wait in
//! the shared queue, which a busy worker looks at only every so many tasks
//! (tokio aims at 200 µs of work between looks: with an echo's polls of a
//! few µs, every 50th to 127th task). Tasks parked there wait while the
//! local queue keeps refilling, so a few clients wait far longer than the
//! rest (tokio-rs/tokio#2702). Looking every 4th task keeps the wait even.
//! Measured with `benches/lean.sh` (the server on one core, 500 echo
//! clients, three rounds each): the p99 round trip fell from 57–66 ms to
//! 7–11 ms (Node's 7–13 in the same session), at the same round trips a
//! second within the rounds' spread; 50 clients saw no change
//! (docs/lean-where-the-bytes-go.md).

use tokio::runtime::{Builder, Runtime};

/// How many tasks a worker runs from its own queue between two looks at
/// the shared one.
const SHARED_QUEUE_EVERY: u32 = 4;

/// The runtime `main` serves from.
pub fn build() -> std::io::Result<Runtime> {
    Builder::new_multi_thread()
        .enable_all()
        .global_queue_interval(SHARED_QUEUE_EVERY)
        .build()
}
