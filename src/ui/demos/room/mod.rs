//! Presenter mode's island, on every lesson page while the host runs a
//! room: a learner's page follows the presenter, and the presenter's page
//! drives the room. Not a demo, but built as the demos are, and as lean as
//! the knowledge checks: the strip around it (`ui/components/room_frame.rs`)
//! is server-rendered HTML with every word in it, and this island renders
//! one hidden marker. Its browser code finds the strip's parts by their
//! `data-room-*` attributes, opens the room's event stream, and fills them.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod browser;

#[island(lazy)]
pub fn RoomFollower() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| browser::attach());
    // Set to `data-hydrated="true"` once the stream is open (for tests).
    view! { <span hidden data-room-ready></span> }
}
