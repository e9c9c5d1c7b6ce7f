//! Lesson 8's fleet: event streams spread over several servers behind a
//! load balancer, through a rolling deploy. Simulated on the server (a
//! fleet cannot run in one page) and rendered as HTML, with no
//! WebAssembly: the form reloads the page with the learner's fleet in the
//! query (`?deploy-servers=…`).

mod chart;
mod simulation;

use leptos::prelude::*;

use super::server_side::query_form::{carried, problems_note, query_pairs, Choice, Number, Switch};
use simulation::{Balancer, Delivery, Fleet, Outcome, Retry, CYCLE_MS, DOWN_MS, FIRST_DRAIN_MS};

static SERVERS: Number = Number {
    name: "deploy-servers",
    label: "Servers",
    min: 2,
    max: 8,
    default: 4,
};
static CLIENTS: Number = Number {
    name: "deploy-clients",
    label: "Clients with a stream open",
    min: 100,
    max: 5000,
    default: 1000,
};
static DELIVERY: Choice<Delivery> = Choice {
    name: "deploy-delivery",
    label: "How servers share events",
    options: &[
        ("pubsub", "Pub/sub", Delivery::PubSub),
        ("log", "Pub/sub and a shared log", Delivery::Log),
        ("alone", "No broker", Delivery::Alone),
    ],
};
static RETRY: Choice<Retry> = Choice {
    name: "deploy-retry",
    label: "The retry: a draining server sends",
    options: &[
        ("fixed", "retry: 3000 for all", Retry::Fixed),
        ("random", "Random, 1 to 6 s each", Retry::Random),
    ],
};
static BALANCER: Choice<Balancer> = Choice {
    name: "deploy-balancer",
    label: "Load balancer",
    options: &[
        ("round-robin", "Round robin", Balancer::RoundRobin),
        (
            "least-connections",
            "Least connections",
            Balancer::LeastConnections,
        ),
    ],
};
static MAX_AGE: Switch = Switch {
    name: "deploy-max-age",
    label: "End each stream after 10 to 30 s",
};

#[component]
pub fn RollingDeployFrame() -> impl IntoView {
    let query = query_pairs();
    let mut problems = Vec::new();
    let fleet = Fleet {
        servers: SERVERS.read(&query, &mut problems),
        clients: CLIENTS.read(&query, &mut problems),
        delivery: DELIVERY.read(&query, &mut problems),
        retry: RETRY.read(&query, &mut problems),
        balancer: BALANCER.read(&query, &mut problems),
        max_age: MAX_AGE.read(&query),
    };
    let run = fleet.run();
    view! {
        <div class="sim-demo" id="rolling-deploy">
            <p class="hint">
                "The clients hold event streams, spread evenly over the servers at first. An \
                 event is published every second, on one of the servers. From "
                {FIRST_DRAIN_MS / 1000} " s, the servers are restarted one after another, "
                {CYCLE_MS / 1000} " s apart: each ends its streams after a "
                <code>"retry:"</code> " line and is down for "
                {DOWN_MS / 1000} " s. Its clients wait out the retry and reconnect through the \
                 load balancer, with " <code>"Last-Event-ID"</code> ". Each chart shows one \
                 server's "
                <span class="sim-key held">"connections"</span> ", second by second, and the \
                 time it was " <span class="sim-key down">"down"</span> "; all share one scale."
            </p>
            <form class="sim-form" method="get" action="#rolling-deploy">
                {carried(&query, "deploy-")}
                {SERVERS.input(fleet.servers)}
                {CLIENTS.input(fleet.clients)}
                {DELIVERY.select(fleet.delivery)}
                {RETRY.select(fleet.retry)}
                {BALANCER.select(fleet.balancer)}
                {MAX_AGE.checkbox(fleet.max_age)}
                <button class="button" type="submit">"Run this deploy"</button>
            </form>
            {problems_note(problems)}
            <Figures run=run.clone() clients=fleet.clients />
            <Charts run=run.clone() />
            <ServerTable run />
        </div>
    }
}

/// What the deploy cost the clients, in four figures.
#[component]
fn Figures(run: Outcome, clients: u32) -> impl IntoView {
    let deliveries = u64::from(run.events) * u64::from(clients);
    view! {
        <dl class="sim-figures">
            <div>
                <dt>"Events each client missed, summed"</dt>
                <dd data-missed=run.missed>{format!("{} of {deliveries}", run.missed)}</dd>
            </div>
            <div>
                <dt>"Clients that missed any"</dt>
                <dd data-clients-missing=run.clients_missing>
                    {format!("{} of {}", run.clients_missing, clients)}
                </dd>
            </div>
            <div>
                <dt>"Most missed by one client"</dt>
                <dd data-most-missed=run.most_missed data-events=run.events>
                    {format!("{} of {}", run.most_missed, run.events)}
                </dd>
            </div>
            <div>
                <dt>"Most new connections one server took in a second"</dt>
                <dd data-most-accepted=run.most_accepted()>{run.most_accepted()}</dd>
            </div>
        </dl>
    }
}

/// One chart per server, on one scale, and the time axis under them.
#[component]
fn Charts(run: Outcome) -> impl IntoView {
    let most = run.most_held();
    let charts = run.servers.iter().enumerate().map(|(n, server)| {
        let number = n + 1;
        let (drained, back) = server.down;
        let title = format!(
            "Server {number}: connections held each second; down from {} s to {} s; {} at the end",
            drained / 1000,
            back / 1000,
            run.at_end[n]
        );
        view! {
            <figure class="sim-row" data-server=number>
                <figcaption>"Server " {number}</figcaption>
                <div inner_html=chart::svg(server, most, &title)></div>
            </figure>
        }
    });
    view! {
        <div class="sim-rows">{charts.collect_view()}</div>
        <div class="crowd-axis" aria-hidden="true">
            <span>"0 s"</span>
            <span>{run.horizon_ms / 1000} " s"</span>
        </div>
    }
}

/// Each server in figures, for a screen reader and a careful reader.
#[component]
fn ServerTable(run: Outcome) -> impl IntoView {
    let rows = run.servers.iter().enumerate().map(|(n, server)| {
        let most_held = server.held.iter().max().copied().unwrap_or(0);
        view! {
            <tr data-server=n + 1>
                <th scope="row">"Server " {n + 1}</th>
                <td class="num" data-start=server.held[0]>{server.held[0]}</td>
                <td class="num" data-most=most_held>{most_held}</td>
                <td class="num" data-end=run.at_end[n]>{run.at_end[n]}</td>
                <td class="num" data-accepted=server.most_accepted()>{server.most_accepted()}</td>
            </tr>
        }
    });
    view! {
        <div class="table-wide" tabindex="0" role="region" aria-label="Each server in figures">
            <table class="crowd-table sim-table">
                <thead>
                    <tr>
                        <th scope="col">"Server"</th>
                        <th scope="col">"Connections at first"</th>
                        <th scope="col">"Most at once"</th>
                        <th scope="col">"At the end"</th>
                        <th scope="col">"Most new in a second"</th>
                    </tr>
                </thead>
                <tbody>{rows.collect_view()}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::simulation::{FIXED_RETRY_MS, MAX_AGE_MS, RANDOM_RETRY_MS};
    use super::{MAX_AGE, RETRY};

    /// The form's labels are static text: they must say what the
    /// simulation does.
    #[test]
    fn the_labels_name_the_simulations_own_times() {
        let secs = |(low, high): (u32, u32)| format!("{} to {} s", low / 1000, high / 1000);
        let labels: Vec<&str> = RETRY.options.iter().map(|option| option.1).collect();
        assert!(labels.contains(&format!("retry: {FIXED_RETRY_MS} for all").as_str()));
        assert!(labels.contains(&format!("Random, {} each", secs(RANDOM_RETRY_MS)).as_str()));
        assert!(MAX_AGE
            .label
            .ends_with(&format!("after {}", secs(MAX_AGE_MS))));
    }
}
