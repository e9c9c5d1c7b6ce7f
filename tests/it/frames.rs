//! What a demo's frame gives its island (`ui/demos/seam.rs`) reaches the
//! island's render on the server, and is written where the browser reads
//! it: the two halves must agree, or hydration starts from another state.

use crate::common::{get_text, serve_lab, serve_realtime};
use realtime_lab::realtime::RealtimeSettings;

#[tokio::test]
async fn the_lab_is_rendered_live_when_the_lanes_are_on_and_simulated_when_off() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let html = get_text(&format!("{}/demos/connection-lab", lab.base)).await;
    assert!(
        html.contains("data-lab-ports=\""),
        "the browser's half: {html}"
    );
    assert!(html.contains("data-lab-start=\"1 8\""), "{html}");
    assert!(
        html.contains("<div class=\"demo-controls\">"),
        "the live controls are shown, not the simulation: {html}"
    );

    let off = serve_realtime(RealtimeSettings::default()).await;
    let html = get_text(&format!("{off}/demos/connection-lab")).await;
    assert!(!html.contains("data-lab-ports"), "{html}");
    assert!(
        html.contains("<div hidden class=\"demo-controls\">")
            || html.contains("<div class=\"demo-controls\" hidden"),
        "without lanes, the simulation: {html}"
    );
}

#[tokio::test]
async fn the_buffered_clock_starts_the_proxy_on_buffers_in_both_halves() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let html = get_text(&format!("{base}/demos/buffered-clock")).await;
    assert!(html.contains("data-proxy-start=\"buffers\""), "{html}");
    assert!(
        html.contains("data-behaviour=\"buffers\""),
        "the island's own render: {html}"
    );
    let html = get_text(&format!("{base}/demos/misbehaving-proxy")).await;
    assert!(html.contains("data-behaviour=\"behaves\""), "{html}");
}
