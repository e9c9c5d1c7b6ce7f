//! The answer demo in the browser: the `fetch` side POSTs with a header,
//! parses the raw bytes itself and resumes a cut stream with
//! `Last-Event-ID`; the `EventSource` side asks the same with a GET.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, MessageEvent};

use super::parser::EventStreamParser;
use super::state::{AnswerState, Side};
use crate::model::wire::{AnswerDone, AnswerQuestion, AnswerToken};
use crate::ui::web::{
    demo_text, demo_text_with, describe, get_text, on_request, parse, read_body_text, sleep,
    to_json, EventSourceHandle,
};

/// The demo's public token (`realtime::answer::DEMO_TOKEN` on the server).
const TOKEN: &str = "demo-token";

/// How often the `fetch` side resumes a stream that broke before `done`.
const MOST_RESUMES: u32 = 3;

/// How one `fetch` of the answer ended.
enum Ended {
    /// `event: done`, with the answer's length.
    Done(usize),
    /// The page cut it, after the event whose id is here.
    Cut(String),
    /// The body ended or broke before `done`.
    Broken(String),
}

/// Each Ask button's work, for as long as the island lives; the
/// `EventSource` side's connection closes with it.
pub fn attach(state: AnswerState) {
    let connection = StoredValue::new_local(None);
    on_cleanup(move || connection.set_value(None));
    on_request(state.fetch_requests, move || ask_with_fetch(state));
    on_request(state.event_source_requests, move || {
        ask_with_event_source(state, connection)
    });
}

fn ask_with_fetch(state: AnswerState) {
    let side = state.fetch;
    side.restart();
    state.raw.set(String::new());
    side.note.set(demo_text("answer-asking"));
    let question = state.question.get_untracked();
    let cut = state.cut.get_untracked();
    spawn_local(async move {
        let note = match fetch_answer(state, &question, cut).await {
            Ok(note) | Err(note) => note,
        };
        side.note.set(note);
        side.busy.set(false);
    });
}

/// Asks until `done`: once more with `Last-Event-ID` after each cut or
/// break, as `EventSource` would have done by itself.
async fn fetch_answer(state: AnswerState, question: &str, mut cut: bool) -> Result<String, String> {
    let side = state.fetch;
    let body = to_json(&AnswerQuestion {
        question: question.into(),
    });
    let mut last_id = String::new();
    let mut resumes = 0;
    loop {
        side.requests.update(|n| *n += 1);
        let controller = AbortController::new().map_err(describe)?;
        let response = post_stream(&body, &last_id, &controller).await?;
        let status = response.status();
        state.raw.update(|raw| {
            raw.push_str("[POST /api/answer");
            if !last_id.is_empty() {
                raw.push_str(&format!(" with Last-Event-ID: {last_id}"));
            }
            raw.push_str(&format!(": {status}]\n"));
        });
        if status != 200 {
            let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(describe)?)
                .await
                .map_err(describe)?;
            let text = text.as_string().unwrap_or_default();
            let status = status.to_string();
            let values = [("status", status.as_str()), ("text", text.trim())];
            return Err(demo_text_with("answer-refused", &values));
        }
        let (ended, retry) = read_answer(state, &response, &controller, cut).await;
        match ended {
            Ended::Done(total) => {
                let requests = side.requests.get_untracked();
                let (tokens, requests_text) = (total.to_string(), requests.to_string());
                let key = if requests == 1 {
                    "answer-done"
                } else {
                    "answer-done-resumed"
                };
                let values = [
                    ("tokens", tokens.as_str()),
                    ("requests", requests_text.as_str()),
                ];
                return Ok(demo_text_with(key, &values));
            }
            Ended::Cut(id) => {
                cut = false;
                state
                    .raw
                    .update(|raw| raw.push_str("\n[the page cut the connection]\n"));
                side.note.set(demo_text_with("answer-cut", &[("id", &id)]));
                last_id = id;
            }
            Ended::Broken(why) => {
                resumes += 1;
                if resumes > MOST_RESUMES {
                    let n = resumes.to_string();
                    let values = [("n", n.as_str()), ("why", why.as_str())];
                    return Err(demo_text_with("answer-given-up", &values));
                }
                let ms = retry.to_string();
                let values = [("why", why.as_str()), ("ms", ms.as_str())];
                side.note.set(demo_text_with("answer-broken", &values));
                sleep(retry).await;
            }
        }
    }
}

/// `POST /api/answer` with the question as JSON, the token in a header, and
/// `Last-Event-ID` when resuming.
async fn post_stream(
    body: &str,
    last_id: &str,
    controller: &AbortController,
) -> Result<web_sys::Response, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    init.set_signal(Some(&controller.signal()));
    let headers = web_sys::Headers::new().map_err(describe)?;
    for (name, value) in [
        ("content-type", "application/json"),
        ("accept", "text/event-stream"),
        ("authorization", &format!("Bearer {TOKEN}")),
    ] {
        headers.set(name, value).map_err(describe)?;
    }
    if !last_id.is_empty() {
        headers.set("last-event-id", last_id).map_err(describe)?;
    }
    init.set_headers(&headers);
    let fetched = window().fetch_with_str_and_init("/api/answer", &init);
    let response = wasm_bindgen_futures::JsFuture::from(fetched)
        .await
        .map_err(describe)?;
    Ok(response.unchecked_into())
}

/// Reads one response's events into the answer; how it ended, and the
/// stream's `retry:` (or a second) for the next attempt.
async fn read_answer(
    state: AnswerState,
    response: &web_sys::Response,
    controller: &AbortController,
    cut: bool,
) -> (Ended, i32) {
    let side = state.fetch;
    let mut parser = EventStreamParser::default();
    let mut ended = None;
    let read = read_body_text(response, |text| {
        state.raw.update(|raw| raw.push_str(text));
        for event in parser.push(text) {
            if ended.is_some() {
                break;
            }
            match event.kind.as_str() {
                "token" => {
                    if let Some(token) = parse::<AnswerToken>(&event.data) {
                        side.answer.update(|answer| answer.push_str(&token.text));
                        side.tokens.update(|n| *n += 1);
                    }
                    if cut && side.tokens.get_untracked() == CUT_AFTER {
                        controller.abort();
                        ended = Some(Ended::Cut(event.last_id));
                    }
                }
                "done" => {
                    let total = parse::<AnswerDone>(&event.data).map_or(0, |done| done.tokens);
                    ended = Some(Ended::Done(total));
                }
                _ => {}
            }
        }
    })
    .await;
    let retry = parser.retry.map_or(1000, |ms| ms.min(10_000) as i32);
    let ended = ended.unwrap_or_else(|| {
        Ended::Broken(match read {
            Ok(()) => "the body ended before event: done".into(),
            Err(error) => error,
        })
    });
    (ended, retry)
}

/// The `EventSource` side: the same question in the URL, and no header.
fn ask_with_event_source(
    state: AnswerState,
    connection: StoredValue<Option<EventSourceHandle>, LocalStorage>,
) {
    let side = state.event_source;
    side.restart();
    connection.set_value(None);
    let question = state.question.get_untracked();
    let mut url = format!(
        "/api/answer?question={}",
        js_sys::encode_uri_component(&question)
    );
    if state.token_in_url.get_untracked() {
        url.push_str(&format!("&access_token={TOKEN}"));
    }
    side.note
        .set(demo_text_with("answer-es-opening", &[("url", &url)]));
    match open(side, &url, connection) {
        Ok(source) => connection.set_value(Some(source)),
        Err(error) => {
            side.note.set(error);
            side.busy.set(false);
        }
    }
}

fn open(
    side: Side,
    url: &str,
    connection: StoredValue<Option<EventSourceHandle>, LocalStorage>,
) -> Result<EventSourceHandle, String> {
    let mut source = EventSourceHandle::open(url)?;
    side.requests.set(1);
    source.on("token", move |event: MessageEvent| {
        let data = event.data().as_string().unwrap_or_default();
        if let Some(token) = parse::<AnswerToken>(&data) {
            side.answer.update(|answer| answer.push_str(&token.text));
            side.tokens.update(|n| *n += 1);
        }
    })?;
    let closing = source.source.clone();
    source.on("done", move |_: MessageEvent| {
        // Left open, EventSource would reconnect when the body ends. The
        // handle (and this handler with it) goes once this event is handled.
        closing.close();
        spawn_local(async move { connection.set_value(None) });
        side.busy.set(false);
        let tokens = side.tokens.get_untracked().to_string();
        side.note
            .set(demo_text_with("answer-es-done", &[("tokens", &tokens)]));
    })?;
    let url = url.to_string();
    let ready = source.source.clone();
    source.on_error(move |_| {
        if ready.ready_state() != 2 {
            side.note.set(demo_text("answer-es-broken"));
            return;
        }
        // EventSource does not say why it gave up: ask the same URL with fetch.
        let url = url.clone();
        spawn_local(async move {
            let said = get_text(&url).await.unwrap_or_else(|error| error);
            side.note.set(demo_text_with(
                "answer-es-given-up",
                &[("said", said.trim())],
            ));
            side.busy.set(false);
        });
    });
    Ok(source)
}

/// Tokens the `fetch` side reads before it cuts the connection, when asked
/// to (the toggle's label in `mod.rs` and the note in
/// `frame.rs` say the number).
const CUT_AFTER: u32 = 10;

/// What only the browser does with a side of the demo.
impl Side {
    /// Empties the side for a new answer.
    pub fn restart(&self) {
        self.answer.set(String::new());
        self.tokens.set(0);
        self.requests.set(0);
        self.busy.set(true);
    }
}
