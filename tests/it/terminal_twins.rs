//! The terminal twins under the demos: each command, as the page prints
//! it, with this server's address where the page's script puts it, run
//! for real (curl; the echo's websocat by its URL, over tungstenite), does
//! what the twin says.

use crate::common::{get_text, serve_lab};
use futures_util::{SinkExt, StreamExt};
use realtime_lab::realtime::RealtimeSettings;
use std::process::Command;
use tokio_tungstenite::tungstenite::Message;

/// The commands of the twin under `demo` on the page `html`, as text.
fn commands(html: &str, demo: &str) -> Vec<String> {
    let start = html
        .find(&format!("data-twin=\"{demo}\""))
        .unwrap_or_else(|| panic!("a twin under {demo}"));
    let twin = &html[start..start + html[start..].find("</details>").unwrap()];
    twin.split("<code>")
        .skip(1)
        .map(|part| text_of(&part[..part.find("</code>").unwrap()]))
        .filter(|command| !command.is_empty())
        .collect()
}

/// HTML as the text a copy takes: tags dropped, entities decoded.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `command` as the page's script shows it to a learner at `base`.
fn at(command: &str, base: &str) -> String {
    let host = base.trim_start_matches("http://");
    let hostname = host.split(':').next().unwrap();
    command
        .replace("http://this-server", base)
        .replace("ws://this-server", &format!("ws://{host}"))
        .replace("this-server", hostname)
}

/// What curl prints in `seconds` of `command` (a line of the twin), or
/// until the server ends the response.
fn run_curl(command: &str, seconds: u32) -> String {
    assert!(command.contains("curl "), "{command}");
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} --max-time {seconds} --silent"))
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn every_twins_command_works_as_printed() {
    let served = serve_lab(RealtimeSettings::default()).await;
    let base = served.base.clone();

    let clock = commands(
        &get_text(&format!("{base}/demos/sse-clock")).await,
        "sse-clock",
    );
    assert_eq!(clock.len(), 2, "{clock:?}");
    let (first, replay) = (at(&clock[0], &base), at(&clock[1], &base));
    let out = tokio::task::spawn_blocking(move || run_curl(&first, 2))
        .await
        .unwrap();
    assert!(
        out.contains("event: tick") && out.contains("\nid: "),
        "{out}"
    );
    let out = tokio::task::spawn_blocking(move || run_curl(&replay, 2))
        .await
        .unwrap();
    let hello = out
        .lines()
        .find(|l| l.starts_with("data: "))
        .unwrap_or_default();
    let hello: serde_json::Value = serde_json::from_str(&hello["data: ".len()..]).unwrap();
    assert!(hello["resumed_after"].as_u64().unwrap() > 0, "{out}");
    assert!(
        hello["replayed"].as_u64().unwrap() >= 2,
        "the missed ticks first: {out}"
    );
    assert_eq!(hello["lost"], 0, "{out}");

    let answer = commands(
        &get_text(&format!("{base}/demos/answer-stream")).await,
        "answer-stream",
    );
    let post = at(&answer[0], &base);
    let out = tokio::task::spawn_blocking(move || run_curl(&post, 20))
        .await
        .unwrap();
    assert!(
        out.contains("event: token") && out.contains("event: done"),
        "{out}"
    );

    let echo = commands(&get_text(&format!("{base}/demos/ws-echo")).await, "ws-echo");
    let url = at(&echo[0], &base);
    let url = url.strip_prefix("websocat ").expect("a websocat command");
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    socket
        .send(Message::text("typed in a terminal"))
        .await
        .unwrap();
    loop {
        match socket.next().await.unwrap().unwrap() {
            Message::Text(text) if text.contains("typed in a terminal") => break,
            _ => {}
        }
    }

    let lab = commands(
        &get_text(&format!("{base}/demos/connection-lab")).await,
        "connection-lab",
    );
    assert_eq!(lab.len(), 2, "{lab:?}");
    for (command, protocol) in lab.iter().zip(["HTTP/2", "HTTP/1.1"]) {
        let command = at(command, &base);
        let out = tokio::task::spawn_blocking(move || run_curl(&command, 2))
            .await
            .unwrap();
        assert!(out.contains("event: hello"), "{out}");
        assert!(out.contains(protocol), "{protocol}: {out}");
        assert!(out.contains("\"label\":\"terminal\""), "{out}");
    }
}
