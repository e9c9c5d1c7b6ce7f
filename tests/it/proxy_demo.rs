//! `GET /api/proxy/{behaviour}/{clock|echo}`, lesson 8's misbehaving proxy,
//! over the real server, with real SSE and WebSocket clients: it buffers,
//! closes quiet connections, strips the upgrade, or behaves; it logs what
//! it did; and the streams it opens count against the learner.

use crate::common::{client, client_from, clock_ticking_every, serve_realtime, since_epoch};
use eventsource_stream::Eventsource;
use futures_util::{SinkExt, StreamExt};
use realtime_lab::realtime::RealtimeSettings;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{Error, Message};

fn ws(base: &str, path: &str) -> String {
    format!("{}{path}", base.replace("http://", "ws://"))
}

async fn log_of(base: &str, id: &str) -> Vec<String> {
    let text = crate::common::get_text(&format!("{base}/api/proxy/log/{id}")).await;
    text.lines().map(str::to_string).collect()
}

#[tokio::test]
async fn a_proxy_that_behaves_passes_events_and_the_echo() {
    let base = serve_realtime(clock_ticking_every(Duration::from_millis(100))).await;
    let response = client()
        .get(format!("{base}/api/proxy/behaves/clock?log=behaves-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = response.bytes_stream().eventsource();
    let first = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.event, "hello");

    let (mut socket, _) = tokio_tungstenite::connect_async(ws(&base, "/api/proxy/behaves/echo"))
        .await
        .expect("the upgrade passes through");
    socket
        .send(Message::text("through the proxy"))
        .await
        .unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(5), socket.next()).await;
    assert_eq!(
        echoed.unwrap().unwrap().unwrap(),
        Message::text("through the proxy")
    );

    let log = log_of(&base, "behaves-1").await;
    assert!(log[0].ends_with("GET /api/clock: forwarded"), "{log:?}");
    assert!(log[1].contains("the server answered 200 OK"), "{log:?}");
}

#[tokio::test]
async fn a_buffering_proxy_passes_events_on_only_in_whole_buffers() {
    let base = serve_realtime(clock_ticking_every(Duration::from_millis(50))).await;
    let started = Instant::now();
    let response = client()
        .get(format!("{base}/api/proxy/buffers/clock?log=buffers-1"))
        .send()
        .await
        .unwrap();
    let mut body = response.bytes_stream();
    let mut first = Vec::new();
    // The first arrival, and whatever comes with it.
    first.extend_from_slice(&body.next().await.unwrap().unwrap());
    while let Ok(Some(Ok(more))) =
        tokio::time::timeout(Duration::from_millis(20), body.next()).await
    {
        first.extend_from_slice(&more);
    }
    let ticks = String::from_utf8_lossy(&first)
        .matches("event: tick")
        .count();
    assert!(
        first.len() >= 512,
        "the first bytes the browser gets are a whole buffer, not {} bytes",
        first.len()
    );
    assert!(ticks >= 5, "several ticks arrive at once: {ticks}");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "held back while the buffer filled"
    );
    let log = log_of(&base, "buffers-1").await;
    assert!(
        log.iter()
            .any(|line| line.contains("the buffer is full: passing on")),
        "{log:?}"
    );
}

/// How long the proxy's stream stayed open, up to `at_most`.
async fn open_for(base: &str, path: &str, at_most: Duration) -> Duration {
    let response = client().get(format!("{base}{path}")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let started = Instant::now();
    let mut body = response.bytes_stream();
    let read_all = async { while let Some(Ok(_)) = body.next().await {} };
    let _ = tokio::time::timeout(at_most, read_all).await;
    started.elapsed()
}

/// Waits, if need be, until the next whole minute is more than `room`
/// away. Tick N is second N since the Unix epoch, so `?every=60` ticks on
/// each whole minute: a quiet stream opened just before one gets a tick
/// within the proxy's 5 s, which rightly resets its idle timer.
async fn clear_of_a_whole_minute(room: Duration) {
    let into_minute = Duration::from_millis((since_epoch().as_millis() % 60_000) as u64);
    let to_next = Duration::from_secs(60) - into_minute;
    if to_next <= room {
        tokio::time::sleep(to_next + Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn lesson8_an_idle_closing_proxy_cuts_a_quiet_stream_unless_heartbeats_flow() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let quiet = "/api/proxy/idle-close/clock?every=60&log=idle-1";
    let with_heartbeat = "/api/proxy/idle-close/clock?every=60&heartbeat=1";
    let limit = Duration::from_secs(8);
    clear_of_a_whole_minute(limit + Duration::from_secs(1)).await;
    let (quiet, kept) = tokio::join!(
        open_for(&base, quiet, limit),
        open_for(&base, with_heartbeat, limit)
    );
    assert!(
        quiet >= Duration::from_millis(4500) && quiet < Duration::from_millis(7500),
        "closed after 5 s of silence, not {quiet:?}"
    );
    assert!(
        kept >= limit,
        "a heartbeat a second keeps it open: {kept:?}"
    );
    let log = log_of(&base, "idle-1").await;
    assert!(
        log.last()
            .unwrap()
            .ends_with("5 s without a byte from the server: closing the connection"),
        "{log:?}"
    );
}

#[tokio::test]
async fn an_idle_closing_proxy_closes_a_silent_websocket_but_not_a_chatty_one() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = ws(&base, "/api/proxy/idle-close/echo?log=idle-ws");
    let (mut silent, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (mut chatty, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let started = Instant::now();
    let silent_ends = async {
        // The proxy drops the connection: no close frame, just the end.
        match silent.next().await {
            None | Some(Err(_)) => started.elapsed(),
            Some(Ok(other)) => panic!("nothing should arrive: {other:?}"),
        }
    };
    let chatty_lives = async {
        for n in 0..8 {
            chatty
                .send(Message::text(format!("heartbeat {n}")))
                .await
                .unwrap();
            let echoed = chatty.next().await.unwrap().unwrap();
            assert_eq!(echoed, Message::text(format!("heartbeat {n}")));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    };
    let (silent_for, ()) = tokio::join!(silent_ends, chatty_lives);
    assert!(
        silent_for >= Duration::from_millis(4500) && silent_for < Duration::from_millis(7500),
        "the silent socket is closed after 5 s, not {silent_for:?}"
    );
    let log = log_of(&base, "idle-ws").await;
    assert!(
        log.iter()
            .any(|line| line.ends_with("5 s without a byte from the server: closing the tunnel")),
        "{log:?}"
    );
}

#[tokio::test]
async fn lesson8_a_proxy_that_strips_the_upgrade_gets_a_400_and_the_event_stream_still_works() {
    let base = serve_realtime(clock_ticking_every(Duration::from_millis(100))).await;
    let url = ws(&base, "/api/proxy/strips-upgrade/echo?log=strip-1");
    match tokio_tungstenite::connect_async(url).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 400),
        other => panic!("the upgrade must fail with 400, not {other:?}"),
    }
    let log = log_of(&base, "strip-1").await;
    assert!(
        log[0].contains("forwarded without `Upgrade: websocket` and `Connection: upgrade`"),
        "{log:?}"
    );
    assert!(
        log[1].ends_with(
            "the server answered 400 Bad Request: Connection header did not include 'upgrade'"
        ),
        "{log:?}"
    );

    let response = client()
        .get(format!("{base}/api/proxy/strips-upgrade/clock"))
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().eventsource();
    let first = tokio::time::timeout(Duration::from_secs(5), events.next()).await;
    assert_eq!(first.unwrap().unwrap().unwrap().event, "hello");
}

#[tokio::test]
async fn what_the_proxy_opens_counts_against_the_learner_not_the_proxy() {
    let mut settings = clock_ticking_every(Duration::from_millis(100));
    settings.clock.max_streams_per_client = 1;
    let base = serve_realtime(settings).await;
    // The learner connects from 127.0.0.2; the proxy's hop comes from 127.0.0.1.
    let learner = client_from("127.0.0.2");
    let proxied = learner
        .get(format!("{base}/api/proxy/behaves/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), 200);
    let direct = learner
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        direct.status(),
        429,
        "the proxied stream is the learner's share"
    );
    let other = client_from("127.0.0.1")
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "the proxy's own address holds nothing");
    let refused = learner
        .get(format!("{base}/api/proxy/behaves/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        429,
        "the refusal comes back through the proxy"
    );
}

#[tokio::test]
async fn an_unknown_behaviour_or_target_says_what_the_proxy_serves() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    for path in [
        "/api/proxy/drops-everything/clock",
        "/api/proxy/behaves/lab",
    ] {
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 404);
        let message = response.text().await.unwrap();
        assert!(
            message.contains("`behaves`, `buffers`, `idle-close`, `strips-upgrade`, `caps-life`"),
            "{message}"
        );
    }
    let bad = client()
        .get(format!("{base}/api/clock?every=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.text().await.unwrap(),
        "?every= takes a whole number from 1 to 60.\n"
    );
}

/// A platform's request timeout counts a response's whole life: the
/// life-capping proxy cuts a stream that never went quiet (ticks and
/// heartbeats all along), and a client that comes back with `Last-Event-ID`
/// loses nothing.
#[tokio::test]
async fn lesson8_a_life_capping_proxy_cuts_a_busy_stream_and_a_resume_loses_nothing() {
    let base = serve_realtime(clock_ticking_every(Duration::from_millis(200))).await;
    let url = format!("{base}/api/proxy/caps-life/clock?heartbeat=1&log=life-1");
    let started = Instant::now();
    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut events = response.bytes_stream().eventsource();
    let (mut ticks, mut last_id) = (0, 0u64);
    let read_until_cut = async {
        while let Some(Ok(event)) = events.next().await {
            if event.event == "tick" {
                ticks += 1;
                last_id = event.id.parse().unwrap();
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read_until_cut)
        .await
        .expect("cut within 30 s");
    let lived = started.elapsed();
    assert!(
        lived >= Duration::from_millis(14_500) && lived < Duration::from_secs(20),
        "cut 15 s after it began, not {lived:?}"
    );
    assert!(ticks >= 50, "busy all along: {ticks} ticks");

    let resumed = client()
        .get(&url)
        .header("last-event-id", last_id.to_string())
        .send()
        .await
        .unwrap();
    let mut events = resumed.bytes_stream().eventsource();
    let first_tick = loop {
        let event = tokio::time::timeout(Duration::from_secs(5), events.next())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .unwrap();
        if event.event == "tick" {
            break event.id.parse::<u64>().unwrap();
        }
    };
    assert_eq!(first_tick, last_id + 1, "the next tick, none lost");
    let log = log_of(&base, "life-1").await;
    assert!(
        log.iter().any(|line| line.ends_with(
            "the response has lived 15 s, the most this proxy allows: cutting it, busy or not"
        )),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_life_capping_proxy_closes_a_chatty_websocket_after_its_time() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = ws(&base, "/api/proxy/caps-life/echo?log=life-ws");
    let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let started = Instant::now();
    let chatty = async {
        for n in 0.. {
            if socket
                .send(Message::text(format!("still here {n}")))
                .await
                .is_err()
            {
                return;
            }
            match socket.next().await {
                Some(Ok(Message::Text(_))) => {}
                _ => return,
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), chatty)
        .await
        .expect("closed within 30 s");
    let lived = started.elapsed();
    assert!(
        lived >= Duration::from_millis(14_500) && lived < Duration::from_secs(20),
        "closed 15 s after it opened, not {lived:?}"
    );
    let log = log_of(&base, "life-ws").await;
    assert!(
        log.iter().any(|line| line.ends_with(
            "the tunnel has lived 15 s, the most this proxy allows: closing it, busy or not"
        )),
        "{log:?}"
    );
}
