//! A lesson's knowledge checks, answered in place. The checks themselves
//! (question, options, every answer with its explanation) are
//! server-rendered HTML (`render/knowledge_check.rs`) that reads and works as a form
//! without JavaScript; this island, placed once on a lesson that has
//! checks, listens for their forms' submit: it shows the explanation of the
//! chosen answer, says whether it was right, and records a right answer in
//! the learner's progress (in this browser's `localStorage`; nothing is
//! sent to the server).
//!
//! It renders one hidden marker and holds no children or signals: one
//! listener on the document answers every check, so a lesson's checks cost
//! a few KiB of WebAssembly however many there are.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod browser;

#[island]
pub fn KnowledgeChecks() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::listen();
    // Set to `data-hydrated="true"` once the listener is on (for tests).
    view! { <span hidden data-checks-ready></span> }
}
