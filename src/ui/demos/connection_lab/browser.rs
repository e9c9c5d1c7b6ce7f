//! The connection lab in the browser: real `EventSource`s on the chosen
//! lane, the server's view over `/api/lab/view`, an ordinary `fetch`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, EventSource, MessageEvent};

use super::state::{LabState, StreamRow, StreamState, Trust};
use crate::model::wire::{LabHello, LabPing, LabView, Lane};
use crate::ui::demos::browser::{describe, now_ms, parse, EventSourceHandle};
use crate::ui::demos::widgets::format_ms;

pub fn attach(state: LabState, ports: Option<(u16, u16)>) {
    let streams = StoredValue::new_local(Vec::<(usize, EventSourceHandle)>::new());
    let feed = StoredValue::new_local(None::<EventSourceHandle>);
    let ping = StoredValue::new_local(None::<AbortController>);
    // Without lanes the island starts in the simulation, and stays there.
    if let Some(ports) = ports {
        check_trust_on_request(state, ports);
    }
    Effect::new(move |_| match open_feed(state) {
        Ok(source) => feed.set_value(Some(source)),
        Err(error) => state
            .ping
            .set(format!("The server's view is unavailable: {error}")),
    });
    open_and_close_streams(state, streams);
    ping_on_request(state, ping);
    on_cleanup(move || {
        streams.set_value(Vec::new());
        feed.set_value(None);
        if let Some(controller) = ping.get_value() {
            controller.abort();
        }
    });
}

/// Asks both lanes whether this browser trusts them, at start and on "Check again".
fn check_trust_on_request(state: LabState, (http2_port, http1_port): (u16, u16)) {
    Effect::new(move |_| {
        state.trust_checks.track();
        let host = window()
            .location()
            .hostname()
            .unwrap_or_else(|_| "localhost".into());
        let urls = (
            format!("https://{host}:{http2_port}"),
            format!("https://{host}:{http1_port}"),
        );
        state.lane_urls.set(Some(urls.clone()));
        spawn_local(check_trust(state, urls));
    });
}

/// "Open N streams" replaces the open streams; "Close" and "Close all" end them.
fn open_and_close_streams(
    state: LabState,
    streams: StoredValue<Vec<(usize, EventSourceHandle)>, LocalStorage>,
) {
    Effect::new(move |_| {
        if state.open_requests.get() == 0 {
            return;
        }
        streams.set_value(Vec::new());
        let Some(base) = lane_url(state) else { return };
        let count = state.count.get_untracked();
        state
            .rows
            .set((1..=count).map(StreamRow::waiting).collect());
        for index in 1..=count {
            match open_stream(state, &base, index) {
                Ok(source) => streams.update_value(|s| s.push((index, source))),
                Err(error) => state.update_row(index, |row| {
                    row.state = StreamState::Failed;
                    row.protocol = error;
                }),
            }
        }
    });
    Effect::new(move |_| {
        if state.close_all_requests.get() > 0 {
            streams.set_value(Vec::new());
            state.rows.set(Vec::new());
        }
    });
    Effect::new(move |_| {
        if let Some(index) = state.close_one.get() {
            streams.update_value(|s| s.retain(|(i, _)| *i != index));
            state.rows.update(|rows| rows.retain(|r| r.index != index));
        }
    });
}

/// "Send an ordinary request": one `fetch` at a time, the last one cancelled.
fn ping_on_request(state: LabState, ping: StoredValue<Option<AbortController>, LocalStorage>) {
    Effect::new(move |_| {
        if state.ping_requests.get() == 0 {
            return;
        }
        if let Some(previous) = ping.get_value() {
            previous.abort();
        }
        let Some(base) = lane_url(state) else { return };
        let Ok(controller) = AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        ping.set_value(Some(controller));
        spawn_local(send_ping(state, base, signal));
    });
}

fn lane_url(state: LabState) -> Option<String> {
    let (h2, h1) = state.lane_urls.get_untracked()?;
    Some(match state.lane.get_untracked() {
        Lane::Http2 => h2,
        Lane::Http1 => h1,
    })
}

fn open_stream(state: LabState, base: &str, index: usize) -> Result<EventSourceHandle, String> {
    let mut stream = EventSourceHandle::open(&format!("{base}/api/lab/stream?label={index}"))?;
    let started = now_ms();
    stream.on("hello", move |event: MessageEvent| {
        let Some(hello) = event.data().as_string().and_then(|d| parse::<LabHello>(&d)) else {
            return;
        };
        state.update_row(index, |row| {
            row.state = StreamState::Open;
            row.first_event_ms = Some(now_ms() - started);
            row.connection = Some(hello.connection);
            row.protocol = hello.protocol;
        });
    })?;
    let source = stream.source.clone();
    stream.on_error(move |_| {
        if source.ready_state() == EventSource::CLOSED {
            state.update_row(index, |row| {
                row.state = StreamState::Failed;
                row.protocol = "refused by the server".into();
            });
        }
    });
    Ok(stream)
}

/// The server's view, on this page's own origin (not a lane, so it never
/// takes one of the connections the lab is about).
fn open_feed(state: LabState) -> Result<EventSourceHandle, String> {
    let mut feed = EventSourceHandle::open("/api/lab/view")?;
    feed.on("view", move |event: MessageEvent| {
        if let Some(view) = event.data().as_string().and_then(|d| parse::<LabView>(&d)) {
            state.view.set(view);
        }
    })?;
    Ok(feed)
}

async fn send_ping(state: LabState, base: String, signal: web_sys::AbortSignal) {
    let lane = state.lane.get_untracked().label();
    state.ping.set(format!(
        "An ordinary fetch() to the {lane} lane is on its way…"
    ));
    let started = now_ms();
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&signal));
    let promise = window().fetch_with_str_and_init(&format!("{base}/api/lab/ping"), &init);
    let result = wasm_bindgen_futures::JsFuture::from(promise).await;
    let elapsed = now_ms() - started;
    let message = match result {
        Ok(response) => {
            let response: web_sys::Response = response.unchecked_into();
            let body = match response.text() {
                Ok(text) => wasm_bindgen_futures::JsFuture::from(text)
                    .await
                    .ok()
                    .and_then(|t| t.as_string()),
                Err(_) => None,
            };
            let connection = body
                .and_then(|b| parse::<LabPing>(&b))
                .map(|ping| format!(" on connection #{}", ping.connection))
                .unwrap_or_default();
            format!(
                "The ordinary request was answered after {}{connection}.",
                format_ms(elapsed, 0)
            )
        }
        Err(error) if signal.aborted() => format!(
            "The ordinary request was cancelled after {} ({}).",
            format_ms(elapsed, 0),
            describe(error)
        ),
        Err(error) => format!("The ordinary request failed: {}", describe(error)),
    };
    state.ping.set(message);
}

/// Both lanes answer a fetch only once the browser accepts their certificate.
async fn check_trust(state: LabState, (h2, h1): (String, String)) {
    state.trust.set(Trust::Checking);
    let mut trusted = true;
    for base in [h2, h1] {
        let promise = window().fetch_with_str(&format!("{base}/api/lab/ping"));
        trusted &= wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
    }
    state.trust.set(if trusted {
        Trust::Trusted
    } else {
        Trust::Untrusted
    });
}
