//! Questions from the room, in the browser: the list as the room's stream
//! sends it (open ones first, most votes first; answered ones after), a
//! learner's question and votes (the questions this tab voted for are kept
//! in `sessionStorage`), the presenter's marks.

use wasm_bindgen::JsValue;
use web_sys::Element;

use super::live::{Live, Shared, VOTED_KEY};
use super::page::{find, say, session_get, session_set};
use super::polls::refusal;
use crate::model::room::{
    QuestionAsked, QuestionMark, QuestionState, QuestionVote, RoomQuestion, RoomQuestions,
};
use crate::ui::web::{demo_text, demo_text_with, post_json, to_json};

pub(super) fn on_questions(live: &Shared, list: RoomQuestions) {
    live.borrow_mut().questions = list;
    show_questions(&live.borrow());
}

fn voted() -> Vec<u64> {
    session_get(VOTED_KEY)
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.parse().ok())
        .collect()
}

/// The list, in the order a room reads it.
pub(super) fn show_questions(live: &Live) {
    let root = &live.root;
    let Some(list) = find(root, "[data-room-question-list]") else {
        return;
    };
    let mut questions: Vec<&RoomQuestion> = live.questions.questions.iter().collect();
    questions.sort_by_key(|q| {
        (
            q.state != QuestionState::Open,
            std::cmp::Reverse(q.votes),
            q.id,
        )
    });
    say(
        root,
        "[data-room-question-count]",
        &questions.len().to_string(),
    );
    list.set_inner_html("");
    let voted = voted();
    let document = leptos::prelude::document();
    for question in questions {
        let Ok(item) = document.create_element("li") else {
            continue;
        };
        let _ = item.set_attribute("data-state", question.state.as_str());
        let _ = item.set_attribute("data-question", &question.id.to_string());
        let Ok(text) = document.create_element("p") else {
            continue;
        };
        text.set_text_content(Some(&question.text));
        let _ = item.append_child(&text);
        let votes = question.votes.to_string();
        if live.presenter {
            let count = demo_text_with("room-question-votes", &[("votes", &votes)]);
            let _ = item.append_child(&button(&count, None, &[]));
            let marks = [
                ("room-question-answered", QuestionState::Answered),
                ("room-question-hide", QuestionState::Hidden),
                ("room-question-open", QuestionState::Open),
            ];
            for (label, mark) in marks.into_iter().filter(|(_, m)| *m != question.state) {
                let attrs = [
                    ("data-question", question.id.to_string()),
                    ("data-mark", mark.as_str().to_string()),
                ];
                let _ =
                    item.append_child(&button(&demo_text(label), Some("mark-question"), &attrs));
            }
        } else {
            let label = demo_text_with("room-question-vote", &[("votes", &votes)]);
            let mine = voted.contains(&question.id);
            let action =
                (!mine && question.state == QuestionState::Open).then_some("vote-question");
            let vote = button(
                &label,
                action,
                &[("data-question", question.id.to_string())],
            );
            let _ = vote.set_attribute("aria-pressed", if mine { "true" } else { "false" });
            if action.is_none() {
                let _ = vote.set_attribute("disabled", "");
            }
            let _ = item.append_child(&vote);
        }
        let _ = list.append_child(&item);
    }
}

/// A button with `label`, doing `action` (none: a label only).
fn button(label: &str, action: Option<&str>, attrs: &[(&str, String)]) -> Element {
    let document = leptos::prelude::document();
    let Ok(button) = document.create_element("button") else {
        return document.create_element("span").expect("a span");
    };
    button.set_text_content(Some(label));
    let _ = button.set_attribute("type", "button");
    let _ = button.set_attribute("class", "button");
    match action {
        Some(action) => {
            let _ = button.set_attribute("data-room-action", action);
        }
        None => {
            let _ = button.set_attribute("disabled", "");
        }
    }
    for (name, value) in attrs {
        let _ = button.set_attribute(name, value);
    }
    button
}

/// A learner sends the question typed in the form.
pub(super) fn ask(live: &Shared) {
    let root = live.borrow().root.clone();
    let Some(field) = find(&root, "[data-room-question-text]") else {
        return;
    };
    let text = js_sys::Reflect::get(&field, &JsValue::from_str("value"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    leptos::task::spawn_local(async move {
        let body = to_json(&QuestionAsked { text });
        match refusal(post_json("/api/room/questions", &body).await) {
            None => {
                let _ = js_sys::Reflect::set(
                    &field,
                    &JsValue::from_str("value"),
                    &JsValue::from_str(""),
                );
                say(
                    &root,
                    "[data-room-question-note]",
                    &demo_text("room-question-sent"),
                );
            }
            Some(error) => say(&root, "[data-room-question-note]", &error),
        }
    });
}

/// A learner's vote, once per question.
pub(super) fn vote(live: &Shared, button: &Element) {
    let Some(id) = button
        .get_attribute("data-question")
        .and_then(|id| id.parse::<u64>().ok())
    else {
        return;
    };
    let live = live.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&QuestionVote { id });
        let result = post_json("/api/room/questions/vote", &body).await;
        let error = match result {
            // 409: this browser voted already (another tab): the same.
            Ok((204, _)) | Ok((409, _)) => None,
            other => refusal(other),
        };
        if error.is_none() {
            let mut ids = voted();
            ids.push(id);
            let kept: Vec<String> = ids.iter().map(u64::to_string).collect();
            session_set(VOTED_KEY, &kept.join(","));
        }
        let live = live.borrow();
        say(
            &live.root,
            "[data-room-question-note]",
            &error.unwrap_or_default(),
        );
        show_questions(&live);
    });
}

/// The presenter marks a question answered, hidden, or open again.
pub(super) fn mark(live: &Shared, button: &Element) {
    let id = button
        .get_attribute("data-question")
        .and_then(|id| id.parse::<u64>().ok());
    let mark = button
        .get_attribute("data-mark")
        .and_then(|name| QuestionState::from_name(&name))
        .unwrap_or(QuestionState::Open);
    let Some(id) = id else { return };
    let root = live.borrow().root.clone();
    leptos::task::spawn_local(async move {
        let body = to_json(&QuestionMark { id, mark });
        let error = refusal(post_json("/api/room/questions/mark", &body).await);
        say(&root, "[data-room-error]", &error.unwrap_or_default());
    });
}
