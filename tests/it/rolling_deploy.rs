//! Lesson 8's rolling deploy, rendered by the real server: the figures a
//! learner reads for each setting, and what a bad setting gets.

use crate::common::{client, serve_course};

/// The number in `data-{name}="…"`, the first after `from` in `html`.
fn figure(html: &str, from: &str, name: &str) -> u64 {
    let rest = html
        .split_once(from)
        .unwrap_or_else(|| panic!("no {from}"))
        .1;
    rest.split_once(&format!("data-{name}=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no data-{name} after {from}"))
}

/// Connections each server holds at the end of the run.
fn at_end(html: &str, servers: u32) -> Vec<u64> {
    (1..=servers)
        .map(|n| figure(html, &format!("<tr data-server=\"{n}\""), "end"))
        .collect()
}

async fn page(query: &str) -> String {
    let base = serve_course().await;
    let response = client()
        .get(format!("{base}/lessons/production{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

const DEMO: &str = "id=\"rolling-deploy\"";

#[tokio::test]
async fn lesson8_in_a_rolling_deploy_pub_sub_loses_events_and_a_shared_log_loses_none() {
    let pubsub = page("").await;
    // Every one of the 1000 clients was away for a 3 s retry at least once,
    // and missed the 3 events published meanwhile each time it moved.
    assert_eq!(figure(&pubsub, DEMO, "clients-missing"), 1000);
    assert!(figure(&pubsub, DEMO, "missed") >= 3 * 1000);
    let most = figure(&pubsub, DEMO, "most-missed");
    assert!((6..=12).contains(&most), "{most}");
    let log = page("?deploy-delivery=log").await;
    assert_eq!(figure(&log, DEMO, "missed"), 0);
    assert_eq!(figure(&log, DEMO, "clients-missing"), 0);
    // Without a broker, a client gets only the events published on its own
    // server: with four servers, two in three or more never reach it.
    let alone = page("?deploy-delivery=alone").await;
    let deliveries = figure(&alone, DEMO, "events") * 1000;
    let missed = figure(&alone, DEMO, "missed");
    assert!(missed * 3 >= deliveries * 2, "{missed} of {deliveries}");
}

#[tokio::test]
async fn lesson8_a_random_retry_spreads_a_drained_servers_clients_over_the_others() {
    let fixed = figure(&page("").await, DEMO, "most-accepted");
    let random = figure(&page("?deploy-retry=random").await, DEMO, "most-accepted");
    // The last server's clients over the other 3 in one second, against
    // a spread of 5 s.
    assert!(fixed >= 150, "{fixed}");
    assert!(random <= 60, "{random}");
}

#[tokio::test]
async fn lesson8_after_a_rolling_deploy_the_last_server_restarted_holds_nothing_until_streams_age_out(
) {
    for balancer in ["round-robin", "least-connections"] {
        let ends = at_end(&page(&format!("?deploy-balancer={balancer}")).await, 4);
        assert_eq!(ends[3], 0, "{balancer}: {ends:?}");
        assert_eq!(ends.iter().sum::<u64>(), 1000, "{balancer}: {ends:?}");
    }
    let aged = at_end(
        &page("?deploy-balancer=least-connections&deploy-max-age=on").await,
        4,
    );
    let spread = aged.iter().max().unwrap() - aged.iter().min().unwrap();
    assert!(spread <= 3, "{aged:?}");
}

#[tokio::test]
async fn a_bad_setting_is_said_plainly_and_the_other_demos_settings_are_kept() {
    let html = page("?deploy-servers=1&deploy-delivery=pigeons&crowd-clients=3000").await;
    assert!(
        html.contains("Servers takes 2 to 8, not “1”: this run uses 2."),
        "{html}"
    );
    assert!(html.contains(
        "How servers share events is one of “pubsub”, “log”, “alone”, not “pigeons”: this run uses “pubsub”."
    ));
    assert_eq!(at_end(&html, 2).iter().sum::<u64>(), 1000);
    // Each form carries the other demo's setting, so running one keeps the other.
    assert!(html.contains("<input type=\"hidden\" name=\"crowd-clients\" value=\"3000\""));
    assert!(html.contains("<input type=\"hidden\" name=\"deploy-servers\" value=\"1\""));
    assert!(html.contains("name=\"crowd-clients\" min=\"100\" max=\"5000\" value=\"3000\""));
}
