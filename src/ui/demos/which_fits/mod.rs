//! Lesson 7's "which one fits?": scenarios where the learner picks Server-
//! Sent Events, WebSockets, long polling or WebTransport, and reads the
//! verdict and the reasoning for that choice, every choice having its own.
//!
//! The scenarios and every reasoning are server-rendered (`frame.rs`); the
//! island has no view. It listens for the frame's radio buttons and shows
//! the chosen answer's reasoning in the scenario's live region.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;

#[island(lazy)]
pub fn WhichFits() -> impl IntoView {
    // As the knowledge checks' island: no signal, no node reference, so the
    // island brings no code of its own into the bundle's shared chunks.
    #[cfg(feature = "hydrate")]
    browser::attach();
    // Set to `data-hydrated="true"` once the frame answers (for tests).
    view! { <span hidden data-fits-ready></span> }
}
