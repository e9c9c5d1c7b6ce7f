//! The connection lab: the learner opens event streams from their own
//! browser on an HTTP/1.1 lane or an HTTP/2 lane of this server and sees
//! which TCP connection carries each one, which wait, and whether an
//! ordinary request gets through. What it shows is measured: the stream's
//! first event names its connection, and the server's view comes from the
//! server. A simulated mode models the same pool when the live lab cannot run.

use leptos::prelude::*;

use crate::ui::components::Toggle;

use super::lab_model::{simulate, Placement};
use crate::model::wire::{LabView, Lane};

/// Constructed in the browser build, which measures the streams.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StreamState {
    Waiting,
    Open,
    Failed,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct StreamRow {
    pub index: usize,
    pub state: StreamState,
    pub first_event_ms: Option<f64>,
    pub connection: Option<u64>,
    pub protocol: String,
}

/// Whether the lanes answer this browser; learned in the browser build.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Trust {
    Checking,
    Trusted,
    Untrusted,
    LabOff,
}

#[derive(Clone, Copy)]
pub(super) struct LabState {
    pub lane: RwSignal<Lane>,
    pub count: RwSignal<usize>,
    pub simulated: RwSignal<bool>,
    pub rows: RwSignal<Vec<StreamRow>>,
    pub trust: RwSignal<Trust>,
    pub view: RwSignal<LabView>,
    pub ping: RwSignal<String>,
    pub per_host: RwSignal<usize>,
    pub max_streams: RwSignal<usize>,
    pub open_requests: RwSignal<u32>,
    pub close_all_requests: RwSignal<u32>,
    pub close_one: RwSignal<Option<usize>>,
    pub ping_requests: RwSignal<u32>,
    pub trust_checks: RwSignal<u32>,
    /// `https://{this host}:{port}` of the HTTP/2 and the HTTP/1.1 lane.
    pub lane_urls: RwSignal<Option<(String, String)>>,
}

impl LabState {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn update_row(&self, index: usize, change: impl FnOnce(&mut StreamRow)) {
        self.rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.index == index) {
                change(row);
            }
        });
    }
}

#[component]
pub fn ConnectionLab() -> impl IntoView {
    let state = LabState {
        lane: RwSignal::new(Lane::Http1),
        count: RwSignal::new(8),
        simulated: RwSignal::new(false),
        rows: RwSignal::new(Vec::new()),
        trust: RwSignal::new(Trust::Checking),
        view: RwSignal::new(LabView::default()),
        ping: RwSignal::new(String::new()),
        per_host: RwSignal::new(6),
        max_streams: RwSignal::new(100),
        open_requests: RwSignal::new(0),
        close_all_requests: RwSignal::new(0),
        close_one: RwSignal::new(None),
        ping_requests: RwSignal::new(0),
        trust_checks: RwSignal::new(0),
        lane_urls: RwSignal::new(None),
    };
    #[cfg(feature = "hydrate")]
    super::connection_lab_browser::attach(state);

    let live = move || !state.simulated.get();
    view! {
        <div class="lab-demo">
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
            <Show when=live fallback=move || view! { <Simulation state /> }>
                <div class="demo-controls">
                    <button class="button" disabled=move || state.trust.get() != Trust::Trusted
                        on:click=move |_| state.open_requests.update(|n| *n += 1)>
                        {move || format!("Open {} streams on {}", state.count.get(), state.lane.get().label())}
                    </button>
                    <button class="button secondary" disabled=move || state.rows.get().is_empty()
                        on:click=move |_| state.close_all_requests.update(|n| *n += 1)>"Close all"</button>
                    <button class="button secondary" disabled=move || state.trust.get() != Trust::Trusted
                        on:click=move |_| state.ping_requests.update(|n| *n += 1)>"Send an ordinary request"</button>
                </div>
                <p class="demo-note lab-ping" role="status">{move || state.ping.get()}</p>
                <LiveDiagram state />
                <StreamTable state />
                <ServerView state />
            </Show>
        </div>
    }
}

#[component]
fn TrustNotice(state: LabState) -> impl IntoView {
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
fn LiveDiagram(state: LabState) -> impl IntoView {
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
fn Diagram(
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
fn StreamTable(state: LabState) -> impl IntoView {
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
                        <td class="num">{row.first_event_ms.map(|ms| format!("{ms:.0} ms"))}</td>
                        <td>{row.connection.map(|c| format!("#{c}"))}</td>
                        <td>{row.protocol}</td>
                        <td><button class="link-button" on:click=move |_| state.close_one.set(Some(index))>"Close"</button></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll">
            <table class="lab-streams">
                <caption>"Each stream, measured in this browser"</caption>
                <thead><tr><th>"#"</th><th>"State"</th><th>"First event after"</th><th>"Connection"</th><th>"Protocol"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn ServerView(state: LabState) -> impl IntoView {
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
fn Simulation(state: LabState) -> impl IntoView {
    let placements = move || {
        simulate(
            state.lane.get(),
            state.count.get(),
            state.per_host.get(),
            state.max_streams.get(),
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
                <input type="range" min="1" max="256" prop:value=move || state.max_streams.get().to_string()
                    on:input=move |ev| state.max_streams.set(event_target_value(&ev).parse().unwrap_or(100)) />
                " " {move || state.max_streams.get()}</label>
            <Diagram connections waiting />
        </div>
    }
}
