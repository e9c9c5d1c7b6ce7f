//! The lab's views: the certificate notice, the live diagram of TCP
//! connections, the table of streams, the server's view, the simulation.

use leptos::prelude::*;

use super::pool::{simulate, Placement};
use super::state::{Command, LabState, StreamState, Trust};
use crate::ui::demos::markup::{clicked_data, Markup};
use crate::ui::demos::widgets::format_ms;

/// Shown when the browser does not trust the lanes yet, or the lab is off.
#[component]
pub fn TrustNotice(state: LabState) -> impl IntoView {
    view! {
        <div class="lab-notice" role="alert" hidden=move || state.trust.get() != Trust::Untrusted>
            <p><strong>"Your browser does not trust the lab's certificate yet."</strong></p>
            <p>"The lab's HTTPS lanes use a self-signed certificate, made when the server started."</p>
            <ol class="lab-steps">
                <li>"Open each lane once in a new tab: "<span class="lane-links" inner_html=move || state.lane_links.get()></span></li>
                <li>"Accept the browser's warning there."</li>
                <li>"Come back and "<button class="button" on:click=move |_| state.ask(Command::CheckTrust)>"Check again"</button></li>
            </ol>
            <p class="hint">"Or tick “Simulate instead” to explore the same idea with a model."</p>
        </div>
    }
}

/// TCP connections as lanes, with the streams each carries; waiting
/// streams queue at the side. Live, as measured; or the model's, when the
/// learner simulates.
#[component]
pub fn Diagram(state: LabState) -> impl IntoView {
    let html = move || {
        let (connections, waiting) = if state.simulated.get() {
            simulated_placements(state)
        } else {
            measured_placements(state)
        };
        diagram_html(&connections, &waiting)
    };
    view! { <div class="lab-diagram" aria-label="Connections and streams" inner_html=html></div> }
}

/// A TCP connection in the diagram: its title and the labels of what it carries.
type TcpLane = (String, Vec<String>);

/// The streams and sockets open on each connection, and those waiting, as measured.
fn measured_placements(state: LabState) -> (Vec<TcpLane>, Vec<String>) {
    let rows = state.rows.get();
    let mut connections: Vec<TcpLane> = Vec::new();
    let mut ids: Vec<u64> = Vec::new();
    for row in rows.iter().filter(|r| r.state == StreamState::Open) {
        let id = row.connection.unwrap_or_default();
        match ids.iter().position(|c| *c == id) {
            Some(at) => connections[at].1.push(row.label()),
            None => {
                ids.push(id);
                let title = format!("TCP connection #{id} · {}", row.protocol);
                connections.push((title, vec![row.label()]));
            }
        }
    }
    let waiting = rows
        .iter()
        .filter(|r| r.state == StreamState::Waiting)
        .map(|r| r.label())
        .collect();
    (connections, waiting)
}

/// The same, as the model of the browser's pool places them.
fn simulated_placements(state: LabState) -> (Vec<TcpLane>, Vec<String>) {
    let placements = simulate(
        state.lane.get(),
        state.count.get(),
        state.per_host.get(),
        state.max_concurrent_streams.get(),
    );
    let mut connections: Vec<TcpLane> = Vec::new();
    let mut waiting = Vec::new();
    for (i, placement) in placements.into_iter().enumerate() {
        match placement {
            Placement::Open(c) => {
                if connections.len() <= c {
                    connections.resize(c + 1, (String::new(), Vec::new()));
                }
                connections[c].0 = format!("TCP connection {} (model)", c + 1);
                connections[c].1.push((i + 1).to_string());
            }
            Placement::Waiting => waiting.push((i + 1).to_string()),
        }
    }
    (connections, waiting)
}

/// The diagram's markup: a summary, one lane per connection with its
/// streams as chips, and the queue of waiting streams.
fn diagram_html(connections: &[TcpLane], waiting: &[String]) -> String {
    let open: usize = connections.iter().map(|(_, s)| s.len()).sum();
    let mut html = Markup::default();
    html.raw("<p class=\"lab-summary\"><span class=\"open-count\">")
        .number(open as u64)
        .raw("</span> open on <span class=\"connection-count\">")
        .number(connections.len() as u64)
        .raw("</span> TCP connection(s); <span class=\"waiting-count\">")
        .number(waiting.len() as u64)
        .raw("</span> waiting</p><ol class=\"tcp-lanes\">");
    for (title, streams) in connections {
        html.raw("<li class=\"tcp-lane\"><span class=\"tcp-title\">")
            .text(title)
            .raw("</span>");
        chips(&mut html, streams);
        html.raw("</li>");
    }
    html.raw("</ol>");
    if !waiting.is_empty() {
        html.raw("<div class=\"waiting-queue\"><span class=\"tcp-title\">Waiting for a connection</span>");
        chips(&mut html, waiting);
        html.raw("</div>");
    }
    html.finish()
}

fn chips(html: &mut Markup, labels: &[String]) {
    html.raw("<ol class=\"chips\">");
    for label in labels {
        html.raw("<li class=\"chip\">").text(label).raw("</li>");
    }
    html.raw("</ol>");
}

#[component]
pub fn StreamTable(state: LabState, hidden: Signal<bool>) -> impl IntoView {
    let rows = move || {
        let mut html = Markup::default();
        for row in state.rows.get() {
            let (label, class) = match row.state {
                StreamState::Waiting => ("waiting", "stream-waiting"),
                StreamState::Open => ("open", "stream-open"),
                StreamState::Failed => ("failed", "stream-failed"),
            };
            html.raw("<tr class=\"")
                .raw(class)
                .raw("\" data-state=\"")
                .raw(label);
            html.raw("\"><td>")
                .text(&row.label())
                .raw("</td><td>")
                .raw(label);
            html.raw("</td><td class=\"num\">");
            if let Some(ms) = row.first_event_ms {
                html.text(&format_ms(ms, 0));
            }
            html.raw("</td><td>");
            if let Some(connection) = row.connection {
                html.raw("#").number(connection);
            }
            html.raw("</td><td>").text(&row.protocol).raw("</td><td>");
            html.raw("<button class=\"link-button\" data-close=\"")
                .number(row.index as u64)
                .raw("\">Close</button></td></tr>");
        }
        html.finish()
    };
    // One listener for every row's Close button.
    let close = move |event: leptos::ev::MouseEvent| {
        if let Some(index) = clicked_data(&event, "data-close").and_then(|i| i.parse().ok()) {
            state.ask(Command::Close(index));
        }
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Streams, measured in this browser" hidden=hidden>
            <table class="lab-streams">
                <caption>"Each stream, measured in this browser"</caption>
                <thead><tr><th>"#"</th><th>"State"</th><th>"First event after"</th><th>"Connection"</th><th>"Protocol"</th><th></th></tr></thead>
                <tbody inner_html=rows on:click=close></tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ServerView(state: LabState, hidden: Signal<bool>) -> impl IntoView {
    view! {
        <section class="server-view" hidden=hidden>
            <h4>"The server's view of your connections"</h4>
            <ul inner_html=move || state.server_view.get()></ul>
        </section>
    }
}

/// The model's two limits, adjustable while the learner simulates.
#[component]
pub fn SimulationLimits(state: LabState, hidden: Signal<bool>) -> impl IntoView {
    view! {
        <div class="simulation" hidden=hidden>
            <label>"Connections per host (HTTP/1.1) "
                <input type="range" min="1" max="16" prop:value=move || state.per_host.get().to_string()
                    on:input=move |ev| state.per_host.set(event_target_value(&ev).parse().unwrap_or(6)) />
                " " {move || state.per_host.get()}</label>
            <label>"Server's SETTINGS_MAX_CONCURRENT_STREAMS (HTTP/2) "
                <input type="range" min="1" max="256" prop:value=move || state.max_concurrent_streams.get().to_string()
                    on:input=move |ev| state.max_concurrent_streams.set(event_target_value(&ev).parse().unwrap_or(100)) />
                " " {move || state.max_concurrent_streams.get()}</label>
        </div>
    }
}
