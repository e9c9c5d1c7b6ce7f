//! The resumable echo in the browser: one `WebSocket` at a time on
//! `/api/echo/resume`, reconnected after every drop with backoff and
//! jitter, and (when resuming) picked up where it was: `?session=…&seen=N`
//! on the way in, the unanswered messages sent again after the welcome.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{CloseEvent, MessageEvent};

use super::state::{Ledger, ResumeState};
use crate::model::wire::{ResumeFromPage, ResumeFromServer};
use crate::ui::web::{demo_text_with, on_request, parse, sleep, to_json, WebSocketHandle};

/// The socket, while there is one.
pub type Socket = StoredValue<Option<WebSocketHandle>, LocalStorage>;

/// Messages a burst sends, and after how many of them the link is lost.
pub const BURST: u64 = 6;
pub const CUT_AFTER: u64 = 3;

/// Reconnection delays: full jitter over a doubling delay, capped.
const FIRST_DELAY_MS: f64 = 250.0;
const MOST_DELAY_MS: f64 = 5000.0;

pub fn attach(state: ResumeState) {
    let socket = StoredValue::new_local(None);
    connect(state, socket, 0);
    on_cleanup(move || socket.set_value(None));
    on_request(state.write_requests, move || {
        write(state, socket, state.text.get_untracked())
    });
    on_request(state.burst_requests, move || burst(state, socket));
}

/// Opens a socket; `failures` in a row so far set the next delay.
fn connect(state: ResumeState, socket: Socket, failures: u32) {
    let resume = state.resume.get_untracked();
    let query = state.ledger.with_untracked(|l| l.query(resume));
    state.ledger.update(Ledger::opening);
    let mut handle = match WebSocketHandle::open(&format!("/api/echo/resume{query}"), "page left") {
        Ok(handle) => handle,
        Err(error) => return state.note.set(error),
    };
    state.ready_state.set(handle.socket.ready_state());
    let opened = handle.socket.clone();
    handle.on_open(move |_| state.ready_state.set(opened.ready_state()));
    handle.on_message(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match parse::<ResumeFromServer>(&text) {
            Some(ResumeFromServer::Welcome {
                session,
                resumed,
                received,
                lost,
            }) => {
                let resend = state
                    .ledger
                    .try_update(|l| l.welcome(session, resumed, received))
                    .unwrap_or_default();
                let (n, received, lost) = (
                    resend.len().to_string(),
                    received.to_string(),
                    lost.to_string(),
                );
                let key = if resumed {
                    "resume-resumed"
                } else {
                    "resume-new"
                };
                let values = [("n", n.as_str()), ("received", &received), ("lost", &lost)];
                state.note.set(demo_text_with(key, &values));
                for (num, text) in resend {
                    send(socket, &ResumeFromPage::Send { num, text });
                }
            }
            Some(ResumeFromServer::Echo { seq, of, .. }) => {
                state.ledger.update(|l| l.echo(seq, of));
            }
            None => {}
        }
    });
    handle.on_close(move |event: CloseEvent| {
        state.ready_state.set(web_sys::WebSocket::CLOSED);
        // The welcome ends a run of failures: it was a working socket.
        let failures = if state.ledger.with_untracked(|l| l.welcomed) {
            0
        } else {
            failures + 1
        };
        let cap = (FIRST_DELAY_MS * 2f64.powi(failures as i32)).min(MOST_DELAY_MS);
        let delay = (js_sys::Math::random() * cap) as i32;
        let (code, ms) = (event.code().to_string(), delay.to_string());
        state.note.set(demo_text_with(
            "resume-lost",
            &[("code", code.as_str()), ("ms", ms.as_str())],
        ));
        spawn_local(async move {
            sleep(delay).await;
            if !socket.is_disposed() {
                connect(state, socket, failures);
            }
        });
    });
    socket.set_value(Some(handle));
}

/// Sends one message on the open socket (the caller knows it is welcomed).
fn send(socket: Socket, message: &ResumeFromPage) {
    socket.with_value(|s| {
        if let Some(s) = s {
            let _ = s.socket.send_with_str(&to_json(message));
        }
    });
}

/// The learner's message: sent now, or kept for the next welcome.
fn write(state: ResumeState, socket: Socket, text: String) {
    match state.ledger.try_update(|l| l.write(text)).flatten() {
        Some((num, text)) => send(socket, &ResumeFromPage::Send { num, text }),
        None => state.note.set(demo_text_with("resume-queued", &[])),
    }
}

/// "Lose the link after 3": the server is told to lose the next echoes and
/// drop the connection; six messages follow at once.
fn burst(state: ResumeState, socket: Socket) {
    send(socket, &ResumeFromPage::Cut { after: CUT_AFTER });
    for n in 1..=BURST {
        write(state, socket, format!("burst {n} of {BURST}"));
    }
}
