//! The presenter's moves: which section of the lesson is on screen, the
//! next and previous steps, and telling the room.

use wasm_bindgen::JsCast;
use web_sys::Element;

use super::live::Shared;
use super::page::{say, scroll_to};
use super::polls::refusal;
use crate::model::room::MoveAsked;
use crate::ui::web::{post_json, to_json};

/// The lesson's headings that a move can name, in order.
pub(super) fn section_ids() -> Vec<String> {
    let document = leptos::prelude::document();
    let Ok(headings) = document.query_selector_all("article h2[id], article h3[id]") else {
        return Vec::new();
    };
    (0..headings.length())
        .filter_map(|i| headings.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .map(|heading| heading.id())
        .collect()
}

/// The last heading above the top fifth of the window: the section being read.
pub(super) fn current_section() -> String {
    let window = leptos::prelude::window();
    let line = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or_default()
        / 5.0;
    let document = leptos::prelude::document();
    section_ids()
        .into_iter()
        .rfind(|id| {
            document
                .get_element_by_id(id)
                .is_some_and(|heading| heading.get_bounding_client_rect().top() <= line)
        })
        .unwrap_or_default()
}

/// Moves the room one section on or back, into the next or previous lesson
/// past either end.
pub(super) fn step(live: &Shared, by: i32) {
    let ids = section_ids();
    let (slug, prev, next, latest) = {
        let live = live.borrow();
        (
            live.slug.clone(),
            live.prev.clone(),
            live.next.clone(),
            live.latest.clone(),
        )
    };
    let at = latest
        .filter(|p| p.slug == slug)
        .map(|p| p.section)
        .unwrap_or_else(current_section);
    // The lesson's top is before its first heading.
    let index = ids
        .iter()
        .position(|id| *id == at)
        .map_or(0, |i| i as i32 + 1);
    let to = index + by;
    if to < 0 {
        if let Some(prev) = prev {
            send_move_and_open(live, prev);
        }
    } else if to as usize > ids.len() {
        if let Some(next) = next {
            send_move_and_open(live, next);
        }
    } else {
        let section = if to == 0 {
            String::new()
        } else {
            ids[to as usize - 1].clone()
        };
        scroll_to(&section);
        send_move(live, slug, section, false);
    }
}

/// Moves the room to `section` of lesson `slug` (and the presenter's timer
/// back to zero with `restart_clock`).
pub(super) fn send_move(live: &Shared, slug: String, section: String, restart_clock: bool) {
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&MoveAsked {
            slug,
            section,
            restart_clock,
        });
        if let Some(error) = refusal(post_json("/api/room/position", &body).await) {
            say(&live.borrow().root, "[data-room-error]", &error);
        }
    });
}

/// Moves the room to another lesson's top, and the presenter's page there.
pub(super) fn send_move_and_open(live: &Shared, slug: String) {
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&MoveAsked {
            slug: slug.clone(),
            section: String::new(),
            restart_clock: false,
        });
        match refusal(post_json("/api/room/position", &body).await) {
            None => {
                let _ = leptos::prelude::window()
                    .location()
                    .assign(&format!("/present/{slug}"));
            }
            Some(error) => say(&live.borrow().root, "[data-room-error]", &error),
        }
    });
}
