//! The inspector in the browser: one probe at a time, an event stream or a
//! WebSocket, whose first message is the server's report of the handshake.

use leptos::prelude::*;
use web_sys::MessageEvent;

use super::state::InspectorState;
use crate::model::wire::HandshakeReport;
use crate::ui::demos::browser::{parse, EventSourceHandle, WebSocketHandle};

/// What is open while a handshake is being inspected. Kept only to stay
/// open; the next probe replaces it, and dropping it closes the connection.
enum Probe {
    Sse(#[allow(dead_code)] EventSourceHandle),
    Ws(#[allow(dead_code)] WebSocketHandle),
}

pub fn attach(state: InspectorState) {
    let probe = StoredValue::new_local(None::<Probe>);
    probe_on_request(state, probe, state.sse_requests, inspect_sse);
    probe_on_request(state, probe, state.ws_requests, inspect_ws);
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
    Effect::new(move |_| {
        if requests.get() > 0 {
            probe.set_value(None);
            match open(state) {
                Ok(p) => probe.set_value(Some(p)),
                Err(e) => state.error.set(Some(e)),
            }
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
    Ok(Probe::Sse(probe))
}

fn inspect_ws(state: InspectorState) -> Result<Probe, String> {
    let mut probe = WebSocketHandle::open("/api/inspect/ws", "inspected")?;
    let socket = probe.socket.clone();
    probe.on_message(move |event: MessageEvent| {
        let _ = socket.close_with_code_and_reason(1000, "inspected");
        state.ws.set(report(&event));
        state.error.set(None);
    });
    Ok(Probe::Ws(probe))
}
