//! How the room is doing, in the browser: a learner marks the room's
//! section "done" or "stuck" (pressed again, the mark is taken back); the
//! presenter sees the two counts, which start from zero on each move.

use web_sys::Element;

use super::live::{Live, Shared, MARK_KEY};
use super::page::{find, say, session_get, session_set, set_hidden};
use super::polls::refusal;
use crate::model::room::{Mark, PulseAsked, RoomPulse};
use crate::ui::web::{post_json, to_json};

/// The strip's pulse as of the room's move: a learner's buttons, pressed
/// as this tab marked this move; the presenter's counts for this move.
pub(super) fn show_pulse(live: &Live) {
    let Some(at) = live.latest.as_ref().map(|p| p.seq) else {
        return;
    };
    if live.presenter {
        let pulse = Some(live.pulse).filter(|p| p.seq == at).unwrap_or_default();
        say(&live.root, "[data-room-done]", &pulse.done.to_string());
        say(&live.root, "[data-room-stuck]", &pulse.stuck.to_string());
        return;
    }
    set_hidden(&live.root, "[data-room-pulse]", false);
    let marked = session_get(MARK_KEY)
        .and_then(|kept| {
            let (seq, mark) = kept.split_once(':')?;
            (seq.parse::<u64>().ok()? == at).then(|| mark.to_string())
        })
        .unwrap_or_default();
    for mark in ["done", "stuck"] {
        if let Some(button) = find(&live.root, &format!("[data-mark={mark}]")) {
            let pressed = if marked == mark { "true" } else { "false" };
            let _ = button.set_attribute("aria-pressed", pressed);
        }
    }
}

pub(super) fn on_pulse(live: &Shared, pulse: RoomPulse) {
    live.borrow_mut().pulse = pulse;
    show_pulse(&live.borrow());
}

/// A learner pressed "Done" or "Stuck": marks the room's move, or takes
/// the mark back when the button was pressed already.
pub(super) fn mark(live: &Shared, button: &Element) {
    let Some(seq) = live.borrow().latest.as_ref().map(|p| p.seq) else {
        return;
    };
    let pressed = button.get_attribute("aria-pressed").as_deref() == Some("true");
    let (mark, kept) = match button.get_attribute("data-mark").as_deref() {
        _ if pressed => (Mark::Clear, String::new()),
        Some("done") => (Mark::Done, "done".to_string()),
        Some("stuck") => (Mark::Stuck, "stuck".to_string()),
        _ => return,
    };
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&PulseAsked { seq, mark });
        let error = refusal(post_json("/api/room/pulse", &body).await);
        if error.is_none() {
            session_set(MARK_KEY, &format!("{seq}:{kept}"));
        }
        let live = live.borrow();
        say(
            &live.root,
            "[data-room-pulse-note]",
            &error.unwrap_or_default(),
        );
        show_pulse(&live);
    });
}
