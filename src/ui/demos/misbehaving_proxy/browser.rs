//! The demo's two connections through the proxy, its heartbeat, and the
//! proxy's log read back once a second. A new behaviour or heartbeat
//! setting is a new run: new connections, a new log, counts from zero.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use web_sys::{CloseEvent, MessageEvent};

use super::arrivals::{Arrival, Arrivals};
use super::state::ProxyState;
use crate::model::wire::ProxyBehaviour;
use crate::ui::demos::widgets::format_ms;
use crate::ui::web::{demo_text, get_text, now_ms, EventSourceHandle, WebSocketHandle};

const HEARTBEAT: Duration = Duration::from_secs(2);
/// How long a closed socket waits before the page opens it again.
const REOPEN_MS: f64 = 3000.0;
/// The log is read, and a closed socket opened again, on this tick.
const EVERY_SECOND: Duration = Duration::from_secs(1);

/// What one run holds; dropping it closes both connections.
struct Run {
    number: u32,
    behaviour: ProxyBehaviour,
    log_id: String,
    /// When the socket last closed (page milliseconds), until it is opened again.
    socket_closed_at: Option<f64>,
    stream: Option<EventSourceHandle>,
    socket: Option<WebSocketHandle>,
    timers: Vec<IntervalHandle>,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            number: 0,
            behaviour: ProxyBehaviour::Behaves,
            log_id: String::new(),
            socket_closed_at: None,
            stream: None,
            socket: None,
            timers: Vec::new(),
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        for timer in self.timers.drain(..) {
            timer.clear();
        }
    }
}

type Runs = StoredValue<Run, LocalStorage>;

pub fn attach(state: ProxyState) {
    let run = StoredValue::new_local(Run::default());
    Effect::new(move |_| {
        let (behaviour, heartbeat) = (state.behaviour.get(), state.heartbeat.get());
        let number = run.with_value(|r| r.number) + 1;
        run.set_value(Run {
            number,
            behaviour,
            socket_closed_at: None,
            log_id: format!("proxy-{}", (js_sys::Math::random() * 1e15) as u64),
            stream: None,
            socket: None,
            timers: Vec::new(),
        });
        state.reset();
        open_stream(state, run, behaviour, heartbeat);
        open_socket(state, run);
        let mut timers = Vec::new();
        if heartbeat {
            timers.extend(set_interval_with_handle(move || beat(run), HEARTBEAT).ok());
        }
        timers
            .extend(set_interval_with_handle(move || every_second(state, run), EVERY_SECOND).ok());
        run.update_value(|r| r.timers = timers);
    });
    on_cleanup(move || run.set_value(Run::default()));
}

fn stream_url(behaviour: ProxyBehaviour, heartbeat: bool, log_id: &str) -> String {
    let mut url = format!("/api/proxy/{}/clock?", behaviour.as_str());
    if behaviour == ProxyBehaviour::IdleClose {
        url.push_str("every=10&");
    }
    if heartbeat {
        url.push_str("heartbeat=2&");
    }
    url + "log=" + log_id
}

fn open_stream(state: ProxyState, run: Runs, behaviour: ProxyBehaviour, heartbeat: bool) {
    let url = stream_url(behaviour, heartbeat, &run.with_value(|r| r.log_id.clone()));
    state.stream_url.set(url.clone());
    let arrivals = state.stream;
    arrivals.status.set(demo_text("proxy-connecting"));
    let mut source = match EventSourceHandle::open(&url) {
        Ok(source) => source,
        Err(error) => return arrivals.status.set(error),
    };
    let previous = StoredValue::new_local(None::<f64>);
    let hello = source.on("hello", move |_: MessageEvent| {
        arrivals
            .status
            .set("Open: the server's hello came through.".into());
    });
    let tick = source.on("tick", move |event: MessageEvent| {
        let now = now_ms();
        let time = event.data().as_string().unwrap_or_default();
        let after_ms = previous.get_value().map(|before| now - before);
        previous.set_value(Some(now));
        arrivals.record(Arrival {
            id: event.last_event_id(),
            sent: time.get(11..19).unwrap_or(&time).to_string(),
            after_ms,
        });
    });
    if let Err(error) = hello.and(tick) {
        return arrivals.status.set(error);
    }
    let events = source.source.clone();
    source.on_error(move |_| {
        if events.ready_state() == web_sys::EventSource::CLOSED {
            arrivals
                .status
                .set("EventSource gave up: see the proxy's log.".into());
            return;
        }
        arrivals.drops.update(|n| *n += 1);
        arrivals.status.set(demo_text("proxy-lost"));
    });
    run.update_value(|r| r.stream = Some(source));
}

fn open_socket(state: ProxyState, run: Runs) {
    let (behaviour, log_id) = run.with_value(|r| (r.behaviour, r.log_id.clone()));
    let path = format!("/api/proxy/{}/echo?log={log_id}", behaviour.as_str());
    state.socket_url.set(path.clone());
    state.socket_status.set(demo_text("proxy-connecting"));
    let mut socket = match WebSocketHandle::open(&path, "changed") {
        Ok(socket) => socket,
        Err(error) => return state.socket_status.set(error),
    };
    let opened_at = StoredValue::new_local(None::<f64>);
    socket.on_open(move |_| {
        opened_at.set_value(Some(now_ms()));
        state.socket_status.set(demo_text("proxy-upgraded"));
    });
    socket.on_message(move |_: MessageEvent| state.echoed.update(|n| *n += 1));
    socket.on_close(move |event: CloseEvent| {
        let code = event.code();
        state.socket_closes.update(|n| *n += 1);
        state.close_code.set(code.to_string());
        state.socket_status.set(match opened_at.get_value() {
            None => demo_text("proxy-upgrade-failed"),
            Some(at) => format!(
                "Closed with code {code} after {} open; again in 3 s.",
                format_ms(now_ms() - at, 0)
            ),
        });
        // Opened again by the next tick after REOPEN_MS: replacing the
        // socket from inside its own handler would free the handler.
        run.update_value(|r| r.socket_closed_at = Some(now_ms()));
    });
    run.update_value(|r| {
        r.socket_closed_at = None;
        r.socket = Some(socket);
    });
}

fn beat(run: Runs) {
    run.with_value(|r| {
        if let Some(socket) = &r.socket {
            if socket.socket.ready_state() == web_sys::WebSocket::OPEN {
                let _ = socket.socket.send_with_str("heartbeat");
            }
        }
    });
}

/// Reads the proxy's log, and opens the socket again once it has been
/// closed for [`REOPEN_MS`].
fn every_second(state: ProxyState, run: Runs) {
    if run.with_value(|r| {
        r.socket_closed_at
            .is_some_and(|at| now_ms() - at >= REOPEN_MS)
    }) {
        open_socket(state, run);
    }
    let (number, id) = run.with_value(|r| (r.number, r.log_id.clone()));
    spawn_local(async move {
        let Ok(text) = get_text(&format!("/api/proxy/log/{id}")).await else {
            return;
        };
        if run.with_value(|r| r.number) != number {
            return;
        }
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        if state.log.with_untracked(|old| old != &lines) {
            state.log.set(lines);
        }
    });
}

/// Arrivals closer than this came in one burst.
const BURST_MS: f64 = 50.0;

const KEPT: usize = 12;

/// What only the browser does with the stream's arrivals.
impl Arrivals {
    /// Back to nothing, for a new run.
    pub fn reset(&self) {
        self.log.set(Vec::new());
        for count in [self.ticks, self.bunched, self.drops] {
            count.set(0);
        }
        self.longest_ms.set(0.0);
    }

    pub fn record(&self, arrival: Arrival) {
        if let Some(after) = arrival.after_ms {
            self.longest_ms
                .update(|longest| *longest = longest.max(after));
            if after < BURST_MS {
                self.bunched.update(|n| *n += 1);
            }
        }
        self.ticks.update(|n| *n += 1);
        crate::ui::web::push_newest(self.log, arrival, KEPT);
    }
}

/// What only the browser does with the demo's state.
impl ProxyState {
    /// Back to zero, for a new behaviour or heartbeat setting.
    pub fn reset(&self) {
        self.stream.reset();
        self.echoed.set(0);
        self.socket_closes.set(0);
        self.close_code.set("–".into());
        self.log.set(Vec::new());
    }
}
