//! The inspector in the browser: one probe at a time, an event stream or a
//! WebSocket, whose first message is the server's report of the handshake.
//! A case's probe also asks the server to keep its report (`?report=`), so
//! the page can show what the server answered when the browser refused it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::{CloseEvent, MessageEvent};

use super::cases::Case;
use super::state::{CaseRun, CaseWords, InspectorState, Outcome};
use crate::model::wire::{HandshakeReport, INSPECTOR_SUBPROTOCOL};
use crate::ui::web::{demo_text, get_text, on_request, parse, EventSourceHandle, WebSocketHandle};

/// What is open while a handshake is being inspected. Kept only to stay
/// open; the next probe replaces it, and dropping it closes the connection.
enum Probe {
    Sse { _held: EventSourceHandle },
    Ws { _held: WebSocketHandle },
}

pub fn attach(state: InspectorState) {
    let probe = StoredValue::new_local(None::<Probe>);
    probe_on_request(state, probe, state.sse_requests, inspect_sse);
    probe_on_request(state, probe, state.ws_requests, inspect_ws);
    let runs = StoredValue::new_local(0u32);
    Effect::new(move |_| {
        if let Some(case) = state.case_requests.get() {
            probe.set_value(None);
            runs.update_value(|n| *n += 1);
            let run = Run {
                state,
                probe,
                runs,
                number: runs.get_value(),
                case,
            };
            spawn_local(run.start());
        }
    });
    on_cleanup(move || probe.set_value(None));
}

/// Each press of a button (a new count in `requests`) replaces the open
/// probe with a new one from `open`.
fn probe_on_request(
    state: InspectorState,
    probe: StoredValue<Option<Probe>, LocalStorage>,
    requests: RwSignal<u32>,
    open: fn(InspectorState) -> Result<Probe, String>,
) {
    on_request(requests, move || {
        probe.set_value(None);
        match open(state) {
            Ok(p) => probe.set_value(Some(p)),
            Err(e) => state.error.set(Some(e)),
        }
    });
}

fn report(event: &MessageEvent) -> Option<HandshakeReport> {
    parse(&event.data().as_string()?)
}

// One report is all a probe needs: its handler closes the connection, and
// the probe (with the handler) is dropped when the next one starts.
fn inspect_sse(state: InspectorState) -> Result<Probe, String> {
    let mut probe = EventSourceHandle::open("/api/inspect/sse")?;
    let source = probe.source.clone();
    probe.on("handshake", move |event: MessageEvent| {
        source.close();
        state.sse.set(report(&event));
        state.error.set(None);
    })?;
    Ok(Probe::Sse { _held: probe })
}

fn inspect_ws(state: InspectorState) -> Result<Probe, String> {
    let mut probe = WebSocketHandle::open("/api/inspect/ws", "inspected")?;
    let socket = probe.socket.clone();
    probe.on_message(move |event: MessageEvent| {
        let _ = socket.close_with_code_and_reason(1000, "inspected");
        state.ws.set(report(&event));
        state.error.set(None);
    });
    Ok(Probe::Ws { _held: probe })
}

/// One press of a case's button; a later press makes it stale, and a stale
/// run changes nothing.
#[derive(Clone, Copy)]
struct Run {
    state: InspectorState,
    probe: StoredValue<Option<Probe>, LocalStorage>,
    runs: StoredValue<u32, LocalStorage>,
    number: u32,
    case: Case,
}

impl Run {
    fn current(self) -> bool {
        self.runs.try_get_value() == Some(self.number)
    }

    fn show(self, outcome: Outcome, seen: String, report: Option<HandshakeReport>) {
        if self.current() {
            let case = self.case;
            self.state.case.set(Some(CaseRun {
                case,
                words: CaseWords {
                    title: demo_text(&case.text_key("title")),
                    code: demo_text(&case.text_key("code")),
                    why: demo_text(&case.text_key("why")),
                    unexpected: demo_text("case-unexpected"),
                },
                outcome,
                seen,
                report,
            }));
        }
    }

    /// The browser refused: show what the server kept of the exchange.
    async fn refused(self, seen: String, id: String) {
        let kept = get_text(&format!("/api/inspect/report/{id}")).await;
        self.show(
            Outcome::Refused,
            seen,
            kept.ok().and_then(|json| parse(&json)),
        );
    }

    async fn start(self) {
        let case = self.case;
        self.show(Outcome::Running, String::new(), None);
        let base = if case.other_origin() {
            match reach_the_other_origin().await {
                Ok(lane) => lane,
                Err(why) => return self.show(Outcome::Unreachable, why, None),
            }
        } else {
            String::new()
        };
        if !self.current() {
            return;
        }
        let id = format!("{}-{}", case.id(), (js_sys::Math::random() * 1e9) as u32);
        let target = case.target();
        let join = if target.contains('?') { '&' } else { '?' };
        let path = format!("{target}{join}report={id}");
        let opened = if case.socket() {
            self.open_socket(&base, &path, id)
        } else {
            self.open_stream(&format!("{base}{path}"), id)
        };
        match opened {
            Ok(probe) => self.probe.set_value(Some(probe)),
            Err(error) => self.show(Outcome::Refused, error, None),
        }
    }

    fn open_stream(self, url: &str, id: String) -> Result<Probe, String> {
        let mut probe = EventSourceHandle::open_with(url, self.case.with_credentials())?;
        let source = probe.source.clone();
        probe.on("handshake", move |event: MessageEvent| {
            source.close();
            let seen = "the report came as the stream's first event.".to_string();
            self.show(Outcome::Opened, seen, report(&event));
        })?;
        let source = probe.source.clone();
        probe.on_error(move |_| {
            let state = source.ready_state();
            source.close();
            let name = if state == web_sys::EventSource::CLOSED {
                "CLOSED: the browser gave up for good"
            } else {
                "CONNECTING: the browser would try again (closed here)"
            };
            let seen = format!("an error event, with readyState {state} ({name}).");
            spawn_local(self.refused(seen, id.clone()));
        });
        Ok(Probe::Sse { _held: probe })
    }

    /// `base` is the other origin (`https://…`), or empty for this one.
    fn open_socket(self, base: &str, path: &str, id: String) -> Result<Probe, String> {
        let mut probe = if base.is_empty() {
            let url = crate::ui::web::websocket_url(path);
            WebSocketHandle::open_offering(&url, self.case.offers(), "inspected")?
        } else {
            let url = format!("{}{path}", base.replacen("https://", "wss://", 1));
            WebSocketHandle::open_offering(&url, self.case.offers(), "inspected")?
        };
        let socket = probe.socket.clone();
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let opened_too = opened.clone();
        probe.on_message(move |event: MessageEvent| {
            opened.set(true);
            let protocol = socket.protocol();
            let _ = socket.close_with_code_and_reason(1000, "inspected");
            let seen = format!("open, then the report; socket.protocol is \"{protocol}\".");
            self.show(Outcome::Opened, seen, report(&event));
        });
        probe.on_close(move |event: CloseEvent| {
            if opened_too.get() {
                return;
            }
            let seen = format!(
                "no open event: error, then close with code {}.",
                event.code()
            );
            spawn_local(self.refused(seen, id.clone()));
        });
        Ok(Probe::Ws { _held: probe })
    }
}

/// The lab's HTTP/1.1 lane, once this browser can reach it: a `fetch` of
/// its ping (which allows any origin) fails only if the lane is off or its
/// certificate is not trusted yet.
async fn reach_the_other_origin() -> Result<String, String> {
    let ports = crate::ui::demos::seam::frame_input::<crate::ui::demos::seam::LabPorts>();
    let Some(http1_port) = ports.map(|ports| ports.http1) else {
        return Err(demo_text("case-no-lanes"));
    };
    let host = window().location().hostname().unwrap_or_default();
    let lane = format!("https://{host}:{http1_port}");
    match get_text(&format!("{lane}/api/lab/ping")).await {
        Ok(_) => Ok(lane),
        Err(_) => Err(format!("{} {lane}", demo_text("case-untrusted"))),
    }
}

/// How the browser runs each case.
impl Case {
    /// Sent to the lab's HTTP/1.1 lane, another origin, rather than here.
    pub fn other_origin(self) -> bool {
        matches!(
            self,
            Case::CorsNone
                | Case::CorsAny
                | Case::CredentialsAny
                | Case::CredentialsExact
                | Case::SocketOtherOrigin
        )
    }

    /// The subprotocol the page offers, if any.
    pub fn offers(self) -> Option<&'static str> {
        matches!(self, Case::SubprotocolAnswered | Case::SubprotocolIgnored)
            .then_some(INSPECTOR_SUBPROTOCOL)
    }
}
