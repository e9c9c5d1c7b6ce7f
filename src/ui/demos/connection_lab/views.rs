//! The lab's views: the certificate notice, the live diagram of TCP
//! connections, the table of streams, the server's view, the simulation.

use leptos::prelude::*;

use super::pool::{simulate, Placement};
use super::state::{LabState, StreamState, Trust};
use crate::ui::demos::widgets::format_ms;

#[component]
pub fn TrustNotice(state: LabState) -> impl IntoView {
    move || {
        match state.trust.get() {
        Trust::Untrusted => view! {
            <div class="lab-notice" role="alert">
                <p><strong>"Your browser does not trust the lab's certificate yet."</strong>
                " The lab's HTTPS lanes use a self-signed certificate, generated when the server started. "
                "Open each lane once in a new tab, accept the warning, then come back:"</p>
                <p class="lane-links">{move || state.lane_urls.get().map(|(h2, h1)| view! {
                    <a href=format!("{h2}/") target="_blank" rel="noopener">{format!("{h2}/")}</a>
                    " (HTTP/2) and "
                    <a href=format!("{h1}/") target="_blank" rel="noopener">{format!("{h1}/")}</a>
                    " (HTTP/1.1)"
                })}</p>
                <button class="button" on:click=move |_| state.trust_checks.update(|n| *n += 1)>"Check again"</button>
                <p class="hint">"Or tick “Simulate instead” to explore the same idea with a model."</p>
            </div>
        }.into_any(),
        Trust::LabOff => view! {
            <p class="lab-notice">"This server runs without the lab's HTTPS lanes (--no-lab). The simulation below shows the same idea."</p>
        }.into_any(),
        Trust::Checking | Trust::Trusted => ().into_any(),
    }
    }
}

/// TCP connections as lanes, with the streams each carries; waiting
/// streams queue at the side.
#[component]
pub fn LiveDiagram(state: LabState) -> impl IntoView {
    let groups = move || {
        let rows = state.rows.get();
        let mut connections: Vec<(u64, String, Vec<usize>)> = Vec::new();
        for row in rows.iter().filter(|r| r.state == StreamState::Open) {
            let id = row.connection.unwrap_or_default();
            match connections.iter_mut().find(|(c, _, _)| *c == id) {
                Some((_, _, streams)) => streams.push(row.index),
                None => connections.push((id, row.protocol.clone(), vec![row.index])),
            }
        }
        let waiting: Vec<usize> = rows
            .iter()
            .filter(|r| r.state == StreamState::Waiting)
            .map(|r| r.index)
            .collect();
        (connections, waiting)
    };
    view! {
        <Diagram
            connections=Signal::derive(move || groups().0.into_iter().map(|(id, protocol, s)| (format!("TCP connection #{id} · {protocol}"), s)).collect())
            waiting=Signal::derive(move || groups().1)
        />
    }
}

#[component]
pub fn Diagram(
    connections: Signal<Vec<(String, Vec<usize>)>>,
    waiting: Signal<Vec<usize>>,
) -> impl IntoView {
    let chips = |streams: Vec<usize>| {
        streams
            .into_iter()
            .map(|i| view! { <li class="chip">{i}</li> })
            .collect_view()
    };
    view! {
        <div class="lab-diagram" aria-label="Connections and streams">
            <p class="lab-summary">
                <span class="open-count">{move || connections.get().iter().map(|(_, s)| s.len()).sum::<usize>()}</span> " open on "
                <span class="connection-count">{move || connections.get().len()}</span> " TCP connection(s); "
                <span class="waiting-count">{move || waiting.get().len()}</span> " waiting"
            </p>
            <ol class="tcp-lanes">
                {move || connections.get().into_iter().map(|(title, streams)| view! {
                    <li class="tcp-lane"><span class="tcp-title">{title}</span><ol class="chips">{chips(streams)}</ol></li>
                }).collect_view()}
            </ol>
            <Show when=move || !waiting.get().is_empty()>
                <div class="waiting-queue"><span class="tcp-title">"Waiting for a connection"</span>
                    <ol class="chips">{move || chips(waiting.get())}</ol></div>
            </Show>
        </div>
    }
}

#[component]
pub fn StreamTable(state: LabState) -> impl IntoView {
    let rows = move || {
        state
            .rows
            .get()
            .into_iter()
            .map(|row| {
                let (label, class) = match row.state {
                    StreamState::Waiting => ("waiting", "stream-waiting"),
                    StreamState::Open => ("open", "stream-open"),
                    StreamState::Failed => ("failed", "stream-failed"),
                };
                let index = row.index;
                view! {
                    <tr class=class data-state=label>
                        <td>{index}</td>
                        <td>{label}</td>
                        <td class="num">{row.first_event_ms.map(|ms| format_ms(ms, 0))}</td>
                        <td>{row.connection.map(|c| format!("#{c}"))}</td>
                        <td>{row.protocol}</td>
                        <td><button class="link-button" on:click=move |_| state.close_one.set(Some(index))>"Close"</button></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Streams, measured in this browser">
            <table class="lab-streams">
                <caption>"Each stream, measured in this browser"</caption>
                <thead><tr><th>"#"</th><th>"State"</th><th>"First event after"</th><th>"Connection"</th><th>"Protocol"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ServerView(state: LabState) -> impl IntoView {
    view! {
        <section class="server-view">
            <h4>"The server's view of your connections"</h4>
            <ul>
                {move || {
                    let view = state.view.get();
                    if view.connections.is_empty() {
                        return view! { <li>"No lab connections open."</li> }.into_any();
                    }
                    view.connections.into_iter().map(|c| view! {
                        <li data-lane=format!("{:?}", c.lane) data-streams=c.streams.len()>
                            "#" {c.id} " on the " {c.lane.label()} " lane, ALPN " {c.alpn.unwrap_or_else(|| "none".into())}
                            ": " {c.streams.len()} " stream(s)"
                        </li>
                    }).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}

/// The model of the browser's pool, with its two limits adjustable.
#[component]
pub fn Simulation(state: LabState) -> impl IntoView {
    let placements = move || {
        simulate(
            state.lane.get(),
            state.count.get(),
            state.per_host.get(),
            state.max_concurrent_streams.get(),
        )
    };
    let connections = Signal::derive(move || {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, placement) in placements().into_iter().enumerate() {
            if let Placement::Open(c) = placement {
                if groups.len() <= c {
                    groups.resize(c + 1, (String::new(), Vec::new()));
                }
                groups[c].0 = format!("TCP connection {} (model)", c + 1);
                groups[c].1.push(i + 1);
            }
        }
        groups
    });
    let waiting = Signal::derive(move || {
        placements()
            .into_iter()
            .enumerate()
            .filter(|(_, p)| *p == Placement::Waiting)
            .map(|(i, _)| i + 1)
            .collect()
    });
    view! {
        <div class="simulation">
            <label>"Connections per host (HTTP/1.1) "
                <input type="range" min="1" max="16" prop:value=move || state.per_host.get().to_string()
                    on:input=move |ev| state.per_host.set(event_target_value(&ev).parse().unwrap_or(6)) />
                " " {move || state.per_host.get()}</label>
            <label>"Server's SETTINGS_MAX_CONCURRENT_STREAMS (HTTP/2) "
                <input type="range" min="1" max="256" prop:value=move || state.max_concurrent_streams.get().to_string()
                    on:input=move |ev| state.max_concurrent_streams.set(event_target_value(&ev).parse().unwrap_or(100)) />
                " " {move || state.max_concurrent_streams.get()}</label>
            <Diagram connections waiting />
        </div>
    }
}
