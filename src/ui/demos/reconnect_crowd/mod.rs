//! Lesson 8's crowd: a room of clients reconnecting after a restart, with a
//! fixed delay, with exponential backoff, and with backoff and jitter, side
//! by side. Simulated on the server (many machines cannot run in one page)
//! and rendered as HTML, with no WebAssembly: the form reloads the page with
//! the learner's crowd in the query (`?crowd-clients=…`), which the page
//! cache never keeps.

mod chart;
mod simulation;

use leptos::prelude::*;

use super::server_side::query_form::{carried, problems_note, query_pairs, Number};
use simulation::{Crowd, Policy, BUCKET_MS};

static CLIENTS: Number = Number {
    name: "crowd-clients",
    label: "Clients",
    min: 100,
    max: 5000,
    default: 1000,
};
static PER_SECOND: Number = Number {
    name: "crowd-per-second",
    label: "New connections the server admits per second",
    min: 20,
    max: 2000,
    default: 200,
};
static DOWN: Number = Number {
    name: "crowd-down",
    label: "Seconds the server is down",
    min: 0,
    max: 10,
    default: 2,
};

fn seconds(ms: Option<u32>) -> String {
    ms.map_or_else(
        || "not within the minute".to_string(),
        |ms| format!("{:.1} s", f64::from(ms) / 1000.0),
    )
}

#[component]
pub fn ReconnectCrowdFrame() -> impl IntoView {
    let query = query_pairs();
    let mut problems = Vec::new();
    let crowd = Crowd {
        clients: CLIENTS.read(&query, &mut problems),
        per_second: PER_SECOND.read(&query, &mut problems),
        down_ms: DOWN.read(&query, &mut problems) * 1000,
    };
    let outcomes = Policy::ALL.map(|policy| crowd.run(policy));
    let peak = outcomes.iter().map(|o| o.peak).max().unwrap_or(1);
    let inputs = [
        (&CLIENTS, crowd.clients),
        (&PER_SECOND, crowd.per_second),
        (&DOWN, crowd.down_ms / 1000),
    ]
    .map(|(setting, value)| setting.input(value));
    let charts = outcomes.clone().map(|outcome| {
        let title = format!(
            "{}: attempts per {} ms over the minute after the drop; everyone back after {}",
            outcome.policy.label(),
            BUCKET_MS,
            seconds(outcome.all_back_ms)
        );
        view! {
            <figure class="crowd-policy" data-policy=outcome.policy.id()>
                <figcaption>{outcome.policy.label()}</figcaption>
                <div inner_html=chart::svg(&outcome, peak, &title)></div>
            </figure>
        }
    });
    let rows = outcomes.map(|o| {
        view! {
            <tr data-policy=o.policy.id()>
                <th scope="row">{o.policy.short()}</th>
                <td class="num" data-half>{seconds(o.half_back_ms)}</td>
                <td class="num" data-all>{seconds(o.all_back_ms)}</td>
                <td class="num" data-peak>{o.peak_back}</td>
                <td class="num" data-attempts>{o.attempts}</td>
                <td class="num" data-refused>{o.refused}</td>
            </tr>
        }
    });
    view! {
        <div class="crowd-demo" id="reconnect-crowd">
            <p class="hint">
                "At 0 s every client loses its connection. The server is back after the \
                 seconds below, then admits so many new connections a second (at most a tenth \
                 of a second's worth at once) and refuses the rest, as a full server answers \
                 503. Each refused client waits by its policy and tries again. The three \
                 charts share one scale: "
                <span class="crowd-key admitted">"admitted"</span> " and "
                <span class="crowd-key refused">"refused"</span> " attempts per "
                {BUCKET_MS} " ms."
            </p>
            <form class="sim-form" method="get" action="#reconnect-crowd">
                {carried(&query, "crowd-")}
                {inputs.into_iter().collect_view()}
                <button class="button" type="submit">"Run this crowd"</button>
            </form>
            {problems_note(problems)}
            <div class="crowd-charts">{charts.to_vec()}</div>
            <div class="table-wide" tabindex="0" role="region" aria-label="The three policies in figures">
                <table class="crowd-table">
                    <thead>
                        <tr>
                            <th scope="col">"Policy"</th>
                            <th scope="col">"Half back"</th>
                            <th scope="col">"All back"</th>
                            <th scope="col">"Most attempts in " {BUCKET_MS} " ms, once it is back"</th>
                            <th scope="col">"Attempts"</th>
                            <th scope="col">"Refused"</th>
                        </tr>
                    </thead>
                    <tbody>{rows.to_vec()}</tbody>
                </table>
            </div>
        </div>
    }
}
