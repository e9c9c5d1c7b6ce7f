//! The connection lab in the browser: real `EventSource`s on the chosen
//! lane, the server's view over `/api/lab/view`, an ordinary `fetch`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, CloseEvent, EventSource, MessageEvent};

use super::state::{
    Command, LabState, StreamRow, StreamState, Trust, NO_CONNECTIONS, SOCKET_INDEX,
};
use crate::model::wire::{LabHello, LabPing, LabView, Lane};
use crate::ui::demos::markup::Markup;
use crate::ui::demos::widgets::format_ms;
use crate::ui::web::{describe, now_ms, parse, EventSourceHandle, WebSocketHandle};

/// The browser connections the lab holds: dropping a handle closes it.
#[derive(Default)]
struct Connections {
    streams: Vec<(usize, EventSourceHandle)>,
    sockets: Vec<(usize, WebSocketHandle)>,
    feed: Option<EventSourceHandle>,
    ping: Option<AbortController>,
    /// `https://{this host}:{port}` of the HTTP/2 and the HTTP/1.1 lane.
    lane_urls: Option<(String, String)>,
}

/// What the island's buttons do, in the browser.
#[derive(Clone, Copy)]
pub struct Lab {
    state: LabState,
    held: StoredValue<Connections, LocalStorage>,
    ports: Option<(u16, u16)>,
}

/// Opens the server's view and checks the lanes' certificate.
pub fn attach(state: LabState, ports: Option<(u16, u16)>) {
    let lab = Lab {
        state,
        held: StoredValue::new_local(Connections::default()),
        ports,
    };
    match open_feed(state) {
        Ok(feed) => lab.held.update_value(|held| held.feed = Some(feed)),
        Err(error) => state
            .ping
            .set(format!("The server's view is unavailable: {error}")),
    }
    // After hydration, so that the lane links the check fills in are not
    // taken for what the server rendered. Without lanes the island starts
    // in the simulation, and stays there.
    Effect::new(move |_| lab.check_trust());
    on_cleanup(move || {
        lab.held.update_value(|held| {
            if let Some(controller) = held.ping.take() {
                controller.abort();
            }
            *held = Connections::default();
        });
    });
    // Each command the learner gives, once; what running it reads is not
    // tracked, so nothing else runs it again.
    Effect::new(move |_| {
        if let Some(command) = state.command.get() {
            untrack(|| lab.run(command));
        }
    });
}

impl Lab {
    /// `https://{this host}:{port}` of the lane the learner chose.
    fn lane_url(self) -> Option<String> {
        let (h2, h1) = self.held.with_value(|held| held.lane_urls.clone())?;
        Some(match self.state.lane.get_untracked() {
            Lane::Http2 => h2,
            Lane::Http1 => h1,
        })
    }

    pub fn run(self, command: Command) {
        match command {
            Command::OpenStreams => self.open_streams(),
            Command::OpenSocket => self.open_socket(),
            Command::CloseAll => self.close_all(),
            Command::Close(index) => self.close(index),
            Command::Ping => self.ping(),
            Command::CheckTrust => self.check_trust(),
        }
    }

    /// Asks both lanes whether this browser trusts them (at start and on "Check again").
    fn check_trust(self) {
        let Some((http2_port, http1_port)) = self.ports else {
            return;
        };
        let host = window()
            .location()
            .hostname()
            .unwrap_or_else(|_| "localhost".into());
        let urls = (
            format!("https://{host}:{http2_port}"),
            format!("https://{host}:{http1_port}"),
        );
        self.state.lane_links.set(lane_links_html(&urls));
        self.held
            .update_value(|held| held.lane_urls = Some(urls.clone()));
        spawn_local(check_trust(self.state, urls));
    }

    /// "Open N streams": replaces the open streams with N new ones.
    fn open_streams(self) {
        let state = self.state;
        self.held.update_value(|held| held.streams.clear());
        let Some(base) = self.lane_url() else { return };
        let count = state.count.get_untracked();
        state.rows.update(|rows| {
            rows.retain(|row| row.socket);
            rows.extend((1..=count).map(StreamRow::waiting));
        });
        for index in 1..=count {
            match open_stream(state, &base, index) {
                Ok(source) => self
                    .held
                    .update_value(|held| held.streams.push((index, source))),
                Err(error) => state.fail_row(index, error),
            }
        }
    }

    /// "Open a WebSocket": one more, to the lane's origin, beside the streams.
    fn open_socket(self) {
        let state = self.state;
        let Some(base) = self.lane_url() else { return };
        // Numbered from the rows, which keep a socket that failed to open
        // (the handles do not), so no two rows share a number.
        let index = state.rows.with_untracked(|rows| {
            rows.iter()
                .filter(|row| row.socket)
                .map(|row| row.index)
                .max()
                .unwrap_or(SOCKET_INDEX)
                + 1
        });
        let mut row = StreamRow::waiting(index);
        row.socket = true;
        state.rows.update(|rows| rows.push(row));
        match open_socket(state, &base, index) {
            Ok(socket) => self
                .held
                .update_value(|held| held.sockets.push((index, socket))),
            Err(error) => state.fail_row(index, error),
        }
    }

    fn close_all(self) {
        self.held.update_value(|held| {
            held.streams.clear();
            held.sockets.clear();
        });
        self.state.rows.set(Vec::new());
    }

    fn close(self, index: usize) {
        self.held.update_value(|held| {
            held.streams.retain(|(i, _)| *i != index);
            held.sockets.retain(|(i, _)| *i != index);
        });
        self.state
            .rows
            .update(|rows| rows.retain(|r| r.index != index));
    }

    /// "Send an ordinary request": one `fetch` at a time, the last one cancelled.
    fn ping(self) {
        let Some(base) = self.lane_url() else {
            return;
        };
        let Ok(controller) = AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        self.held.update_value(|held| {
            if let Some(previous) = held.ping.replace(controller) {
                previous.abort();
            }
        });
        spawn_local(send_ping(self.state, base, signal));
    }
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
            state.fail_row(index, "refused by the server".into());
        }
    });
    Ok(stream)
}

/// A WebSocket to the lane: its first message names its connection, as a
/// stream's first event does; a close says why.
fn open_socket(state: LabState, base: &str, index: usize) -> Result<WebSocketHandle, String> {
    let url = format!("wss{}/api/lab/socket", base.trim_start_matches("https"));
    let mut socket = WebSocketHandle::open_url(&url, "closed in the lab")?;
    let started = now_ms();
    socket.on_message(move |event: MessageEvent| {
        let Some(hello) = event.data().as_string().and_then(|d| parse::<LabHello>(&d)) else {
            return;
        };
        state.update_row(index, |row| {
            row.state = StreamState::Open;
            row.first_event_ms = Some(now_ms() - started);
            row.connection = Some(hello.connection);
            row.protocol = format!("WebSocket over {}", hello.protocol);
        });
    });
    socket.on_close(move |event: CloseEvent| {
        state.fail_row(index, format!("closed, code {}", event.code()));
    });
    Ok(socket)
}

/// The server's view, on this page's own origin (not a lane, so it never
/// takes one of the connections the lab is about).
fn open_feed(state: LabState) -> Result<EventSourceHandle, String> {
    let mut feed = EventSourceHandle::open("/api/lab/view")?;
    feed.on("view", move |event: MessageEvent| {
        if let Some(view) = event.data().as_string().and_then(|d| parse::<LabView>(&d)) {
            state.server_view.set(server_view_html(&view));
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

/// The items of the server's view: one per connection, with its streams.
pub fn server_view_html(view: &LabView) -> String {
    if view.connections.is_empty() {
        return NO_CONNECTIONS.to_string();
    }
    let mut html = Markup::default();
    for c in &view.connections {
        let lane = match c.lane {
            Lane::Http1 => "Http1",
            Lane::Http2 => "Http2",
        };
        html.raw("<li data-lane=\"")
            .raw(lane)
            .raw("\" data-streams=\"");
        html.number(c.streams.len() as u64)
            .raw("\" data-sockets=\"");
        html.number(c.sockets as u64).raw("\">#").number(c.id);
        html.raw(" on the ").raw(c.lane.label()).raw(" lane, ALPN ");
        html.text(c.alpn.as_deref().unwrap_or("none")).raw(": ");
        html.number(c.streams.len() as u64).raw(" stream(s)");
        if c.sockets > 0 {
            html.raw(", ").number(c.sockets as u64).raw(" WebSocket(s)");
        }
        html.raw("</li>");
    }
    html.finish()
}

/// What only the browser does with a row.
impl StreamRow {
    /// A stream just asked for: no event yet.
    pub fn waiting(index: usize) -> Self {
        StreamRow {
            index,
            state: StreamState::Waiting,
            first_event_ms: None,
            connection: None,
            protocol: String::new(),
            socket: false,
        }
    }
}

/// What only the browser does with the lab's rows.
impl LabState {
    /// Marks a stream or socket failed, saying why where its protocol would be.
    pub fn fail_row(&self, index: usize, why: String) {
        self.update_row(index, |row| {
            row.state = StreamState::Failed;
            row.protocol = why;
        });
    }

    pub fn update_row(&self, index: usize, change: impl FnOnce(&mut StreamRow)) {
        self.rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.index == index) {
                change(row);
            }
        });
    }
}

/// Links to open each lane in a tab of its own, `https://{host}:{port}/`
/// (the browser build fills them in: only the page knows its host).
fn lane_links_html((h2, h1): &(String, String)) -> String {
    let mut html = Markup::default();
    for (url, label) in [(h2, "HTTP/2"), (h1, "HTTP/1.1")] {
        html.raw(if label == "HTTP/2" { "" } else { " and " });
        html.raw("<a href=\"")
            .text(url)
            .raw("/\" target=\"_blank\" rel=\"noopener\">");
        html.text(url).raw("/</a> (").raw(label).raw(")");
    }
    html.finish()
}
