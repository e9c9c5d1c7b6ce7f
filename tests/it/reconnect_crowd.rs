//! Lesson 8's crowd, rendered by the real server: the figures a learner
//! reads, and what a bad setting gets.

use crate::common::{client, serve_course};

/// `data-policy` row → (half back, all back, most attempts once back,
/// attempts), read from the demo's table.
fn figures(html: &str, policy: &str) -> (String, String, u32, u32) {
    let row = html
        .split(&format!("<tr data-policy=\"{policy}\">"))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or_else(|| panic!("a row for {policy}"));
    let cell = |name: &str| {
        row.split(&format!("data-{name}"))
            .nth(1)
            .and_then(|rest| rest.split_once('>'))
            .and_then(|(_, rest)| rest.split('<').next())
            .unwrap_or_else(|| panic!("{policy}: {name}"))
            .to_string()
    };
    (
        cell("half"),
        cell("all"),
        cell("peak").parse().unwrap(),
        cell("attempts").parse().unwrap(),
    )
}

fn seconds(text: &str) -> f64 {
    text.trim_end_matches(" s").parse().unwrap_or(f64::INFINITY)
}

#[tokio::test]
async fn lesson8_a_jittered_crowd_is_back_sooner_and_meets_the_server_with_a_fraction_of_the_load()
{
    let base = serve_course().await;
    let page = client()
        .get(format!("{base}/lessons/production"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let (fixed_half, fixed_all, fixed_peak, fixed_attempts) = figures(&html, "fixed");
    let (backoff_half, _, backoff_peak, _) = figures(&html, "backoff");
    let (jitter_half, jitter_all, jitter_peak, jitter_attempts) = figures(&html, "jitter");
    // What the lesson says of the default crowd: 1000 clients, 200 a
    // second, 2 s down.
    assert!(
        (20.0..=30.0).contains(&seconds(&fixed_half)),
        "{fixed_half}"
    );
    assert!(fixed_attempts >= 20_000, "{fixed_attempts}");
    assert_eq!(backoff_half, "not within the minute");
    assert!(seconds(&jitter_half) <= 5.0, "{jitter_half}");
    assert!(seconds(&jitter_all) <= 25.0, "{jitter_all}");
    assert!(seconds(&jitter_all) < seconds(&fixed_all));
    assert!(jitter_attempts <= 5_000, "{jitter_attempts}");
    for herd in [fixed_peak, backoff_peak] {
        assert!(herd >= 5 * jitter_peak, "{herd} against {jitter_peak}");
    }
}

#[tokio::test]
async fn a_crowd_from_the_query_and_a_bad_setting_said_plainly() {
    let base = serve_course().await;
    let html = client()
        .get(format!(
            "{base}/demos/reconnect-crowd?crowd-clients=9&crowd-per-second=500&crowd-down=x"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Clients takes 100 to 5000, not “9”: this run uses 100."),
        "{html}"
    );
    assert!(html.contains("Seconds the server is down takes 0 to 10, not “x”: this run uses 2."));
    assert!(html.contains("name=\"crowd-per-second\" min=\"20\" max=\"2000\" value=\"500\""));
    // The page is plain HTML: no island, no WebAssembly.
    assert!(!html.contains(".wasm"), "a server-only demo loads no wasm");
}
