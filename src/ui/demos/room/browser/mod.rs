//! The room in the browser: one event stream for the page's life, and one
//! click listener on the strip for every button in it.
//!
//! A learner's page moves when the presenter moves the room, unless the
//! learner switched "follow" off (kept for the tab in `sessionStorage`).
//! The number of the last move this tab saw is kept too and sent as
//! `?seen=` by the next page's stream, so arriving on the page a move sent
//! it to does not move it again.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, MessageEvent};

use crate::model::room::{
    event, RoomAudience, RoomPoll, RoomPosition, RoomPresence, RoomPulse, RoomQuestions,
};
use crate::ui::web::{demo_text, handler, parse, EventSourceHandle};
use live::{Live, Shared, FOLLOW_KEY, SEEN_KEY};
use moves::{current_section, send_move, step};
use page::{say, scroll_to, session_get, session_set, set_checked, set_hidden};
use polls::{answer, ask, asked_from_check, asked_from_form, post_poll, show_poll};

mod live;
mod moves;
mod page;
mod polls;
mod pulse;
mod questions;
mod timer;

pub fn attach() {
    let document = leptos::prelude::document();
    let Ok(Some(root)) = document.query_selector("[data-room]") else {
        return;
    };
    let attr = |name: &str| root.get_attribute(name).filter(|v| !v.is_empty());
    let presenter = attr("data-room").as_deref() == Some("presenter");
    let live = Rc::new(RefCell::new(Live {
        slug: attr("data-room-slug").unwrap_or_default(),
        prev: attr("data-room-prev"),
        next: attr("data-room-next"),
        follow: session_get(FOLLOW_KEY).as_deref() != Some("off"),
        latest: None,
        poll: None,
        pulse: RoomPulse::default(),
        questions: RoomQuestions::default(),
        _stream: None,
        root: root.clone(),
        presenter,
    }));
    set_checked(&root, "[data-room-follow]", live.borrow().follow);
    listen_for_clicks(&live);
    let url = if presenter {
        "/api/room/presenter/events".to_string()
    } else {
        let seen = session_get(SEEN_KEY)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        format!("/api/room/events?seen={seen}")
    };
    if presenter {
        timer::start(&live);
    }
    match open_stream(&live, &url) {
        Ok(stream) => live.borrow_mut()._stream = Some(stream),
        Err(error) => say(&root, "[data-room-status]", &error),
    }
    if let Ok(Some(marker)) = root.query_selector("[data-room-ready]") {
        let _ = marker.set_attribute("data-hydrated", "true");
    }
}

fn open_stream(live: &Shared, url: &str) -> Result<EventSourceHandle, String> {
    let mut stream = EventSourceHandle::open(url)?;
    let on = |live: &Shared, f: fn(&Shared, &str)| {
        let live = live.clone();
        move |message: MessageEvent| f(&live, &message.data().as_string().unwrap_or_default())
    };
    stream.on(event::POSITION, on(live, on_position))?;
    stream.on(event::POLL, on(live, on_poll))?;
    stream.on(event::PRESENTER, on(live, on_presence))?;
    stream.on(event::AUDIENCE, on(live, on_audience))?;
    stream.on(
        event::PULSE,
        on(live, |live, data| {
            if let Some(pulse) = parse::<RoomPulse>(data) {
                pulse::on_pulse(live, pulse);
            }
        }),
    )?;
    stream.on(
        event::QUESTIONS,
        on(live, |live, data| {
            if let Some(list) = parse::<RoomQuestions>(data) {
                questions::on_questions(live, list);
            }
        }),
    )?;
    let opened = live.clone();
    stream.on_open(move |_| show_following(&opened.borrow()));
    let failed = live.clone();
    stream.on_error(move |_| {
        say(
            &failed.borrow().root,
            "[data-room-status]",
            &demo_text("room-reconnecting"),
        );
    });
    Ok(stream)
}

fn on_position(live: &Shared, data: &str) {
    let Some(position) = parse::<RoomPosition>(data) else {
        return;
    };
    let go_now = {
        let mut live = live.borrow_mut();
        live.latest = Some(position.clone());
        !live.presenter && live.follow && position.fresh
    };
    if !live.borrow().presenter {
        session_set(SEEN_KEY, &position.seq.to_string());
    }
    if go_now {
        go(&position);
    }
    if live.borrow().presenter {
        timer::tick(live);
    }
    pulse::show_pulse(&live.borrow());
    show_following(&live.borrow());
}

fn on_poll(live: &Shared, data: &str) {
    let Some(poll) = parse::<RoomPoll>(data) else {
        return;
    };
    live.borrow_mut().poll = Some(poll);
    show_poll(&live.borrow());
}

fn on_presence(live: &Shared, data: &str) {
    if let Some(presence) = parse::<RoomPresence>(data) {
        set_hidden(&live.borrow().root, "[data-room-left]", presence.present);
    }
}

fn on_audience(live: &Shared, data: &str) {
    if let Some(audience) = parse::<RoomAudience>(data) {
        say(
            &live.borrow().root,
            "[data-room-count]",
            &audience.learners.to_string(),
        );
    }
}

/// Takes the learner's page to `position`: a scroll on this page, or the
/// lesson it names.
fn go(position: &RoomPosition) {
    let window = leptos::prelude::window();
    let here = window.location().pathname().unwrap_or_default();
    if here == format!("/lessons/{}", position.slug) {
        scroll_to(&position.section);
    } else {
        let _ = window.location().assign(&position.href());
    }
}

/// The status line, the "jump back" button, and where the room is.
fn show_following(live: &Live) {
    let status = match (live.presenter, live.follow) {
        (true, _) => "room-presenting",
        (false, true) => "room-following",
        (false, false) => "room-browsing",
    };
    say(&live.root, "[data-room-status]", &demo_text(status));
    set_hidden(
        &live.root,
        "[data-room-jump]",
        live.presenter || live.follow,
    );
    if let Some(at) = &live.latest {
        let place = match at.section.as_str() {
            "" => at.slug.clone(),
            section => format!("{} § {section}", at.slug),
        };
        say(&live.root, "[data-room-at]", &place);
    }
}

fn listen_for_clicks(live: &Shared) {
    let clicked = live.clone();
    let on_click = handler(move |event: web_sys::Event| {
        let Some(target) = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[data-room-action]").ok().flatten())
        else {
            return;
        };
        event.prevent_default();
        act(&clicked, &target);
    });
    let changed = live.clone();
    let on_change = handler(move |event: web_sys::Event| {
        let Some(input) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if input.has_attribute("data-room-follow") {
            let follow = js_sys::Reflect::get(&input, &JsValue::from_str("checked"))
                .is_ok_and(|v| v.is_truthy());
            set_follow(&changed, follow);
        }
    });
    let root = live.borrow().root.clone();
    let _ = root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    let _ = root.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    // The strip lives as long as the page.
    on_click.forget();
    on_change.forget();
}

fn set_follow(live: &Shared, follow: bool) {
    live.borrow_mut().follow = follow;
    session_set(FOLLOW_KEY, if follow { "on" } else { "off" });
    set_checked(&live.borrow().root, "[data-room-follow]", follow);
    let latest = live.borrow().latest.clone();
    if let Some(position) = latest.filter(|_| follow) {
        go(&position);
    }
    show_following(&live.borrow());
}

fn act(live: &Shared, target: &Element) {
    let action = target.get_attribute("data-room-action").unwrap_or_default();
    match action.as_str() {
        "jump" => set_follow(live, true),
        "answer" => answer(live, target),
        "mark" => pulse::mark(live, target),
        "ask-question" => questions::ask(live),
        "vote-question" => questions::vote(live, target),
        "mark-question" => questions::mark(live, target),
        "here" => {
            let slug = live.borrow().slug.clone();
            send_move(live, slug, current_section(), false);
        }
        "restart-clock" => {
            let slug = live.borrow().slug.clone();
            send_move(live, slug, current_section(), true);
        }
        "next" => step(live, 1),
        "prev" => step(live, -1),
        "ask" => ask(live, asked_from_form(&live.borrow().root)),
        "ask-check" => {
            let number = target.get_attribute("data-check").unwrap_or_default();
            ask(live, asked_from_check(&number));
        }
        "reveal" => post_poll(live, "/api/room/poll/reveal", String::new()),
        "close" => post_poll(live, "/api/room/poll/close", String::new()),
        "projector" => {
            if let Some(body) = leptos::prelude::document().body() {
                let on = !body.has_attribute("data-projector");
                let _ = if on {
                    body.set_attribute("data-projector", "")
                } else {
                    body.remove_attribute("data-projector")
                };
                let _ = target.set_attribute("aria-pressed", if on { "true" } else { "false" });
            }
        }
        _ => {}
    }
}
