//! The room's polls in the browser: the poll as the page shows it, a
//! learner's answer, and the presenter's questions, asked from the strip's
//! form or from one of the lesson's knowledge checks.

use wasm_bindgen::JsValue;
use web_sys::Element;

use super::live::{Live, Shared, ANSWERED_PREFIX};
use super::page::{say, session_get, session_set, set_hidden};
use crate::model::room::{AnswerAsked, PollAsked};
use crate::ui::web::demo_text;
use crate::ui::web::{post_json, to_json};

/// The poll: its question, a button per option (counts beside them when
/// this page may see them), and a note on where it stands.
pub(super) fn show_poll(live: &Live) {
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

pub(super) fn answer(live: &Shared, button: &Element) {
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

/// The server's words when it refused, or the fetch's error.
pub(super) fn refusal(result: Result<(u16, String), String>) -> Option<String> {
    match result {
        Ok((200..=299, _)) => None,
        Ok((_, words)) | Err(words) => Some(words),
    }
}

pub(super) fn ask(live: &Shared, asked: Option<PollAsked>) {
    match asked {
        Some(asked) => post_poll(live, "/api/room/poll", to_json(&asked)),
        None => say(
            &live.borrow().root,
            "[data-room-error]",
            &demo_text("room-poll-incomplete"),
        ),
    }
}

pub(super) fn post_poll(live: &Shared, path: &'static str, body: String) {
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let error = refusal(post_json(path, &body).await).unwrap_or_default();
        say(&live.borrow().root, "[data-room-error]", &error);
    });
}

/// The question typed in the presenter's form: one option per line.
pub(super) fn asked_from_form(root: &Element) -> Option<PollAsked> {
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
pub(super) fn asked_from_check(number: &str) -> Option<PollAsked> {
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
