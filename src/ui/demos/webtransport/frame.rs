//! The two WebTransport demos' markup, whole: the script fills it in.
//! Without JavaScript each says what it would show and how to see the
//! same from a terminal.

use leptos::prelude::*;

use crate::http::assets::SiteAssets;
use crate::realtime::webtransport::loss::{LossAsked, MOST_DELAY_MS};
use crate::realtime::RealtimeState;

/// Where the script is, in the site.
const ENTRY: &str = "webtransport/webtransport.js";

/// The QUIC lane's UDP port and the HTTP/2 lane's TCP port (a secure
/// origin to send a learner to), when the lane is on.
fn lane_ports() -> Option<(u16, u16)> {
    let lanes = expect_context::<RealtimeState>().lab_lanes?;
    Some((lanes.http3_port?, lanes.http2_port))
}

#[component]
fn Script() -> impl IntoView {
    let href = use_context::<SiteAssets>()?.versioned_href(ENTRY)?;
    Some(view! { <script type="module" src=href></script> })
}

/// What a page shows when the server runs without the lane.
fn lane_off() -> AnyView {
    view! {
        <p class="lab-notice">
            "This server runs without its QUIC lane (--no-quic or --no-lab), so there is no \
             WebTransport to try here. The lesson's figures come from a server with the lane on."
        </p>
    }
    .into_any()
}

#[component]
pub fn WebTransportFrame() -> impl IntoView {
    let Some((quic, https)) = lane_ports() else {
        return lane_off();
    };
    view! {
        <div class="wt-demo" data-wt="echo" data-quic-port=quic data-https-port=https>
            <p class="wt-nojs">
                "Needs JavaScript and a browser with WebTransport. This server's QUIC lane is UDP \
                 port "{quic.to_string()}"; "<code>"GET /api/webtransport"</code>" names the \
                 certificate's SHA-256 a client must trust."
            </p>
            <p class="demo-note" role="status" data-wt-status>"Not connected yet."</p>
            <dl class="demo-stats">
                <div><dt>"Carried by"</dt><dd data-wt-stat="transport">"–"</dd></div>
                <div><dt>"QUIC connection (the server's number)"</dt><dd data-wt-stat="connection">"–"</dd></div>
                <div><dt>"Streams you opened on it"</dt><dd data-wt-stat="streams">"0"</dd></div>
                <div><dt>"…open now"</dt><dd data-wt-stat="open">"0"</dd></div>
            </dl>
            <form class="echo-send" data-wt-send>
                <label>"Message "<input name="text" value="hello over QUIC" maxlength="1000" /></label>
                <button class="button" type="submit" disabled>"Send on a new stream"</button>
            </form>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Echoes">
                <table class="echo-log">
                    <thead><tr><th scope="col">"Sent"</th><th scope="col">"Echoed"</th><th scope="col" class="num">"Round trip"</th></tr></thead>
                    <tbody data-wt-echoes></tbody>
                </table>
            </div>
            <h4>"The clock, in datagrams"</h4>
            <p class="demo-note">
                "One datagram a second from the server's shared clock: "
                <span data-wt-stat="clock">"–"</span>" ("
                <span data-wt-stat="datagrams">"0"</span>" received)"
            </p>
            <p class="demo-note" data-wt-fallback hidden></p>
        </div>
        <Script />
    }
    .into_any()
}

#[component]
pub fn HeadOfLineFrame() -> impl IntoView {
    let Some((quic, https)) = lane_ports() else {
        return lane_off();
    };
    let asked = LossAsked::default();
    let (count, every) = (asked.count, asked.every.as_millis());
    let drops = [0, 10, 20, 30];
    let delays = [0, 50, 100, 200, MOST_DELAY_MS];
    let default_drop = (asked.drop * 100.0).round() as u32;
    let default_delay = asked.delay.as_millis() as u64;
    view! {
        <div class="wt-demo hol-demo" data-wt="loss" data-quic-port=quic data-https-port=https
            data-count=count data-every=every.to_string()>
            <p class="wt-nojs">
                "Needs JavaScript and a browser with WebTransport. The test "
                <code>"lesson9_one_stream_holds_every_message_behind_a_loss_and_a_stream_each_does_not"</code>
                " runs the same from Rust."
            </p>
            <div class="demo-controls">
                <label>"Packets dropped "
                    <select data-hol="drop">
                        {drops.iter().map(|p| view! {
                            <option value=(*p as f64 / 100.0).to_string() selected=*p == default_drop>{format!("{p}%")}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>"Path delay "
                    <select data-hol="delay">
                        {delays.iter().map(|ms| view! {
                            <option value=ms.to_string() selected=*ms == default_delay>{format!("{ms} ms")}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button class="button" disabled data-hol-run>
                    {format!("Send {count} messages, one every {every} ms, three ways")}
                </button>
            </div>
            <p class="demo-note" role="status" data-wt-status>"Not run yet."</p>
            <figure class="hol-figure">
                <svg class="hol-chart" data-hol-chart viewBox="0 0 640 240" role="img"
                    aria-label="Each message's delay, one stream against a stream each and datagrams: the table below and the status above give the figures"></svg>
                <figcaption class="hol-legend">
                    <span><span class="hol-key hol-one" aria-hidden="true">"●"</span>" one stream"</span>
                    <span><span class="hol-key hol-own" aria-hidden="true">"■"</span>" a stream each"</span>
                    <span><span class="hol-key hol-datagram" aria-hidden="true">"▲"</span>" datagrams ("
                        <span class="hol-key hol-lost" aria-hidden="true">"✕"</span>": lost)"</span>
                </figcaption>
            </figure>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Delays by way">
                <table class="hol-table">
                    <thead><tr>
                        <th scope="col">"Way"</th><th scope="col" class="num">"Came"</th>
                        <th scope="col" class="num">"Mean delay"</th><th scope="col" class="num">"Worst delay"</th>
                    </tr></thead>
                    <tbody data-hol-rows></tbody>
                </table>
            </div>
        </div>
        <Script />
    }
    .into_any()
}
