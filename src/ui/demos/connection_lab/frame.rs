//! The lab's frame, server only: its notices, and what the island is given
//! (the lanes' ports when they are on, where the lesson starts it).

use leptos::prelude::*;

use super::{ConnectionLab, LabStart};
use crate::model::course::DemoOptions;
use crate::realtime::RealtimeState;
use crate::ui::demos::seam::{give, LabPorts};
use waterfall::LatencyWaterfall;

mod waterfall;

/// The lanes' ports, when this server runs them.
pub fn lab_ports() -> Option<LabPorts> {
    let realtime = expect_context::<RealtimeState>();
    realtime.lab_lanes.map(|lanes| LabPorts {
        http2: lanes.http2_port,
        http1: lanes.http1_port,
    })
}

#[component]
pub fn ConnectionLabFrame(options: DemoOptions) -> impl IntoView {
    let ports = lab_ports();
    let note = match ports {
        Some(_) => view! {
            <p class="lab-notice" id="lab-proxy-note" hidden>
                "This page reached you through a proxy: this server sends its own pages over plain \
                 HTTP, and this one came over HTTPS. The lab's lanes are HTTPS ports of the server \
                 itself, which your browser must reach directly, not through the proxy. If the lab \
                 below cannot reach them, tick “Simulate instead”."
            </p>
        }
        .into_any(),
        // Known here, so not in the island: the server runs without the lanes.
        None => view! {
            <p class="lab-notice">
                "This server runs without the lab's HTTPS lanes (--no-lab). The simulation below \
                 shows the same idea."
            </p>
        }
        .into_any(),
    };
    let start = LabStart::from(&options);
    let island = move || give(start, || view! { <ConnectionLab /> });
    let island = match ports {
        Some(ports) => give(ports, island).into_any(),
        None => island().into_any(),
    };
    // The waterfall brings the demos' module (`editor/src/wire.js`), which
    // also shows the proxy note when this page came over HTTPS on a port
    // that is not a lane: this server serves its pages over plain HTTP, so
    // something in front of it (nginx, Caddy) answered. The page is cached,
    // so the server cannot tell per request.
    let waterfall = ports.map(|ports| view! { <LatencyWaterfall ports /> });
    view! { {note} {island} {waterfall} }
}
