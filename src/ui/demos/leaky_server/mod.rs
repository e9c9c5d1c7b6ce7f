//! Lesson 5's leaky server, live: three event streams served with a timer
//! each (the naive server, `/api/leaky/naive`) or by the one shared ticker
//! (`/api/clock`), and the server's count of this browser's timers
//! (`/api/leaky/stats`). Close the naive streams and their timers go on
//! firing with no one to send to, until the demo's safety net stops them;
//! close the shared ones and nothing is left behind.
//!
//! The buttons, labels and sentences are server-rendered around the island
//! (`frame.rs`); the island has no view of its own. It listens on its frame
//! and writes numbers into it, so its WebAssembly holds no text.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;

/// How many streams each button opens: with the stats stream, four of
/// HTTP/1.1's six connections.
pub const STREAMS: usize = 3;

#[island(lazy)]
pub fn LeakyServer() -> impl IntoView {
    // As the knowledge checks' island: no signal, no node reference, so the
    // island brings no code of its own into the bundle's shared chunks.
    #[cfg(feature = "hydrate")]
    browser::attach();
    // Set to `data-hydrated="true"` once the frame answers (for tests).
    view! { <span hidden data-leaky-ready></span> }
}
