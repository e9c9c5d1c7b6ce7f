//! The presenter's timer: each second, the time since the room came to
//! this page's lesson and since the workshop started (both from the last
//! `position` event), and what the plan in the strip leaves of each.

use web_sys::Element;

use super::live::Shared;
use super::page::{find, say};
use crate::model::room::clock_text;
use crate::ui::web::demo_text;

/// Starts the presenter's clocks; they tick for the page's life.
pub(super) fn start(live: &Shared) {
    let live = live.clone();
    tick(&live);
    leptos::prelude::set_interval(move || tick(&live), std::time::Duration::from_secs(1));
}

/// Shows both clocks as of now.
pub(super) fn tick(live: &Shared) {
    let live = live.borrow();
    let now = js_sys::Date::now() as u64;
    let since = |start: u64| (start > 0).then(|| now.saturating_sub(start) / 1_000);
    let (lesson, workshop) = match &live.latest {
        Some(at) if at.slug == live.slug => (since(at.lesson_since), since(at.started)),
        Some(at) => (None, since(at.started)),
        None => (None, None),
    };
    show(&live.root, "lesson", lesson);
    show(&live.root, "workshop", workshop);
}

fn show(root: &Element, which: &str, elapsed: Option<u64>) {
    let Some(clock) = find(root, &format!("[data-room-clock={which}]")) else {
        return;
    };
    let Some(elapsed) = elapsed else {
        say(&clock, "[data-elapsed]", &demo_text("room-clock-waiting"));
        return;
    };
    say(&clock, "[data-elapsed]", &clock_text(elapsed));
    let Some(planned) = clock
        .get_attribute("data-planned")
        .and_then(|p| p.parse::<u64>().ok())
    else {
        return;
    };
    let over = elapsed > planned;
    say(
        &clock,
        "[data-left]",
        &clock_text(planned.abs_diff(elapsed)),
    );
    super::page::set_hidden(&clock, "[data-left-word]", over);
    super::page::set_hidden(&clock, "[data-over-word]", !over);
    let _ = clock.set_attribute("data-over", if over { "true" } else { "false" });
}
