//! The connection lab: the learner opens event streams from their own
//! browser on an HTTP/1.1 lane or an HTTP/2 lane of this server and sees
//! which TCP connection carries each one, which wait, and whether an
//! ordinary request gets through. What it shows is measured: the stream's
//! first event names its connection, and the server's view comes from the
//! server. A simulated mode models the same pool when the live lab cannot run.

use leptos::prelude::*;

use super::seam::{frame_input, FrameInput, LabPorts};
use super::widgets::{hydrated_marker, Toggle};
use crate::model::course::DemoOptions;
use crate::model::wire::Lane;
use state::{Command, LabState, Trust};
use views::{Diagram, ServerView, SimulationLimits, StreamTable, TrustNotice};

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod frame;
mod pool;
mod state;
mod views;

#[island(lazy)]
pub fn ConnectionLab() -> impl IntoView {
    // `None` when the host turned the lab off: then only the simulation.
    let ports = frame_input::<LabPorts>().map(|p| (p.http2, p.http1));
    let LabStart {
        lane,
        streams: count,
    } = frame_input().unwrap_or_default();
    let state = LabState::new(ports.is_none(), lane, count);
    // The buttons' work is done in the browser, by browser::Lab, for as
    // long as the island lives. The server renders the buttons only.
    #[cfg(feature = "hydrate")]
    browser::attach(state, ports);

    // Every part is in the page from the start and shown or hidden: a part
    // built in the browser on demand (an Either, a <Show>) costs the
    // WebAssembly that builds and updates it besides the code that hydrates it.
    let simulated = move || state.simulated.get();
    let live = move || !state.simulated.get();
    view! {
        <div class="lab-demo" data-hydrated=hydrated_marker()>
            <fieldset class="lab-controls">
                <legend>"Open event streams"</legend>
                <div class="lane-choice" role="radiogroup" aria-label="Lane">
                    {[Lane::Http1, Lane::Http2].map(|lane| view! {
                        <label>
                            <input type="radio" name="lab-lane" value=lane.label()
                                prop:checked=move || state.lane.get() == lane
                                on:change=move |_| state.lane.set(lane) />
                            " " {lane.label()}
                        </label>
                    })}
                </div>
                <label class="stream-count">
                    "Streams "
                    <input type="number" min="1" max="50" prop:value=move || state.count.get().to_string()
                        on:input=move |ev| state.count.set(event_target_value(&ev).parse::<usize>().unwrap_or(1).clamp(1, 50)) />
                </label>
                <Toggle checked=state.simulated label="Simulate instead" />
            </fieldset>
            <TrustNotice state />
            <div class="demo-controls" hidden=simulated>
                <button class="button" disabled=move || state.trust.get() != Trust::Trusted
                    on:click=move |_| state.ask(Command::OpenStreams)>
                    {move || format!("Open {} streams on {}", state.count.get(), state.lane.get().label())}
                </button>
                <button class="button" disabled=move || state.trust.get() != Trust::Trusted
                    on:click=move |_| state.ask(Command::OpenSocket)>
                    {move || format!("Open a WebSocket on {}", state.lane.get().label())}
                </button>
                <button class="button secondary" disabled=move || state.rows.get().is_empty()
                    on:click=move |_| state.ask(Command::CloseAll)>"Close all"</button>
                <button class="button secondary" disabled=move || state.trust.get() != Trust::Trusted
                    on:click=move |_| state.ask(Command::Ping)>"Send an ordinary request"</button>
            </div>
            <p class="demo-note lab-ping" role="status" hidden=simulated>{move || state.ping.get()}</p>
            <SimulationLimits state hidden=Signal::derive(live) />
            <Diagram state />
            <StreamTable state hidden=Signal::derive(simulated) />
            <ServerView state hidden=Signal::derive(simulated) />
        </div>
    }
}

/// The lane and stream count the lab starts with, as the lesson set them
/// (`::demo[connection-lab]{lane=… streams=…}`): `data-lab-start="1 8"`
/// for HTTP/1.1 and 8 streams, `2 12` for HTTP/2 and 12.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabStart {
    pub lane: Lane,
    pub streams: usize,
}

impl Default for LabStart {
    fn default() -> Self {
        LabStart::from(&DemoOptions::default())
    }
}

impl From<&DemoOptions> for LabStart {
    fn from(options: &DemoOptions) -> Self {
        let (lane, streams) = options.lab_start();
        LabStart { lane, streams }
    }
}

impl FrameInput for LabStart {
    const ATTRIBUTE: &'static str = "data-lab-start";
    const SELECTOR: &'static str = "[data-lab-start]";
    fn to_attribute(&self) -> String {
        let digit = if self.lane == Lane::Http2 { 2 } else { 1 };
        format!("{digit} {}", self.streams)
    }
    fn from_attribute(text: &str) -> Option<Self> {
        let (digit, streams) = text.split_once(' ')?;
        let lane = if digit == "2" {
            Lane::Http2
        } else {
            Lane::Http1
        };
        Some(LabStart {
            lane,
            streams: streams.parse::<u16>().ok()?.into(),
        })
    }
}
