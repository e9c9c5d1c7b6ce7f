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
    event, AnswerAsked, MoveAsked, PollAsked, RoomAudience, RoomPoll, RoomPosition, RoomPresence,
};
use crate::ui::demos::browser::{demo_text, handler, parse, post_json, to_json, EventSourceHandle};

const SEEN_KEY: &str = "realtime-lab.room-seen";
const FOLLOW_KEY: &str = "realtime-lab.room-follow";
const ANSWERED_PREFIX: &str = "realtime-lab.room-answered:";

/// What the page knows of the room.
struct Live {
    root: Element,
    presenter: bool,
    /// This page's lesson, and its neighbours (the presenter's next/previous).
    slug: String,
    prev: Option<String>,
    next: Option<String>,
    follow: bool,
    latest: Option<RoomPosition>,
    poll: Option<RoomPoll>,
    _stream: Option<EventSourceHandle>,
}

type Shared = Rc<RefCell<Live>>;

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

fn scroll_to(section: &str) {
    let document = leptos::prelude::document();
    match document
        .get_element_by_id(section)
        .filter(|_| !section.is_empty())
    {
        Some(heading) => heading.scroll_into_view(),
        None => leptos::prelude::window().scroll_to_with_x_and_y(0.0, 0.0),
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

/// The poll: its question, a button per option (counts beside them when
/// this page may see them), and a note on where it stands.
fn show_poll(live: &Live) {
    let root = &live.root;
    let Some(poll) = &live.poll else {
        return set_hidden(root, "[data-room-poll]", true);
    };
    set_hidden(root, "[data-room-poll]", false);
    say(root, "[data-room-question]", &poll.question);
    let answered = session_get(&format!("{ANSWERED_PREFIX}{}", poll.id));
    let document = leptos::prelude::document();
    if let Ok(Some(list)) = root.query_selector("[data-room-options]") {
        list.set_inner_html("");
        for (i, option) in poll.options.iter().enumerate() {
            let Ok(button) = document.create_element("button") else {
                continue;
            };
            let label = match poll.counts.as_ref().and_then(|c| c.get(i)) {
                Some(count) => format!("{option}: {count}"),
                None => option.clone(),
            };
            button.set_text_content(Some(&label));
            let _ = button.set_attribute("class", "button room-option");
            let _ = button.set_attribute("type", "button");
            if live.presenter || !poll.open || answered.is_some() {
                let _ = button.set_attribute("disabled", "");
            } else {
                let _ = button.set_attribute("data-room-action", "answer");
                let _ = button.set_attribute("data-choice", &i.to_string());
            }
            if answered.as_deref() == Some(i.to_string().as_str()) {
                let _ = button.set_attribute("aria-pressed", "true");
            }
            let _ = list.append_child(&button);
        }
    }
    let note = if !poll.open {
        "room-poll-closed"
    } else if answered.is_some() {
        "room-poll-answered"
    } else if live.presenter {
        "room-poll-open"
    } else {
        "room-poll-ask"
    };
    say(root, "[data-room-poll-note]", &demo_text(note));
    set_hidden(root, "[data-room-poll-controls]", !live.presenter);
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
        "here" => {
            let slug = live.borrow().slug.clone();
            send_move(live, slug, current_section());
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

fn answer(live: &Shared, button: &Element) {
    let Some(poll) = live.borrow().poll.as_ref().map(|p| p.id) else {
        return;
    };
    let Some(choice) = button
        .get_attribute("data-choice")
        .and_then(|c| c.parse().ok())
    else {
        return;
    };
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&AnswerAsked { poll, choice });
        let result = post_json("/api/room/answer", &body).await;
        match result {
            Ok((204, _)) | Ok((409, _)) => {
                session_set(&format!("{ANSWERED_PREFIX}{poll}"), &choice.to_string());
                show_poll(&live.borrow());
            }
            Ok((_, words)) | Err(words) => {
                say(&live.borrow().root, "[data-room-poll-note]", &words)
            }
        }
    });
}

/// The lesson's headings that a move can name, in order.
fn section_ids() -> Vec<String> {
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
fn current_section() -> String {
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
fn step(live: &Shared, by: i32) {
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
        send_move(live, slug, section);
    }
}

fn send_move(live: &Shared, slug: String, section: String) {
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&MoveAsked { slug, section });
        if let Some(error) = refusal(post_json("/api/room/position", &body).await) {
            say(&live.borrow().root, "[data-room-error]", &error);
        }
    });
}

/// Moves the room to another lesson's top, and the presenter's page there.
fn send_move_and_open(live: &Shared, slug: String) {
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&MoveAsked {
            slug: slug.clone(),
            section: String::new(),
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

/// The server's words when it refused, or the fetch's error.
fn refusal(result: Result<(u16, String), String>) -> Option<String> {
    match result {
        Ok((200..=299, _)) => None,
        Ok((_, words)) | Err(words) => Some(words),
    }
}

fn ask(live: &Shared, asked: Option<PollAsked>) {
    match asked {
        Some(asked) => post_poll(live, "/api/room/poll", to_json(&asked)),
        None => say(
            &live.borrow().root,
            "[data-room-error]",
            &demo_text("room-poll-incomplete"),
        ),
    }
}

fn post_poll(live: &Shared, path: &'static str, body: String) {
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let error = refusal(post_json(path, &body).await).unwrap_or_default();
        say(&live.borrow().root, "[data-room-error]", &error);
    });
}

/// The question typed in the presenter's form: one option per line.
fn asked_from_form(root: &Element) -> Option<PollAsked> {
    let value = |selector: &str| {
        root.query_selector(selector)
            .ok()
            .flatten()
            .and_then(|field| js_sys::Reflect::get(&field, &JsValue::from_str("value")).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let question = value("[data-room-question-input]").trim().to_string();
    let options: Vec<String> = value("[data-room-options-input]")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect();
    (!question.is_empty() && options.len() >= 2).then_some(PollAsked { question, options })
}

/// A knowledge check of this lesson, as a poll: its question and options
/// as the page shows them.
fn asked_from_check(number: &str) -> Option<PollAsked> {
    let document = leptos::prelude::document();
    let check = document.get_element_by_id(&format!("check-{number}"))?;
    let legend = check.query_selector("legend").ok()??;
    let label = legend
        .query_selector(".check-label")
        .ok()
        .flatten()
        .and_then(|l| l.text_content())
        .unwrap_or_default();
    let question = legend
        .text_content()?
        .replacen(&label, "", 1)
        .trim()
        .to_string();
    let labels = check.query_selector_all(".check-options label span").ok()?;
    let options = (0..labels.length())
        .filter_map(|i| labels.item(i)?.text_content())
        .map(|text| text.trim().to_string())
        .collect();
    Some(PollAsked { question, options })
}

fn session_get(key: &str) -> Option<String> {
    let storage = leptos::prelude::window().session_storage().ok().flatten()?;
    storage.get_item(key).ok().flatten()
}

fn session_set(key: &str, value: &str) {
    if let Ok(Some(storage)) = leptos::prelude::window().session_storage() {
        let _ = storage.set_item(key, value);
    }
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

fn say(root: &Element, selector: &str, text: &str) {
    if let Some(element) = find(root, selector) {
        element.set_text_content(Some(text));
    }
}

fn set_hidden(root: &Element, selector: &str, hidden: bool) {
    if let Some(element) = find(root, selector) {
        let _ = if hidden {
            element.set_attribute("hidden", "")
        } else {
            element.remove_attribute("hidden")
        };
    }
}

fn set_checked(root: &Element, selector: &str, checked: bool) {
    if let Some(input) = find(root, selector) {
        let _ = js_sys::Reflect::set(
            &input,
            &JsValue::from_str("checked"),
            &JsValue::from_bool(checked),
        );
    }
}
