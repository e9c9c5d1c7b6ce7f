//! `GET /api/clock` over the real server, read by a real SSE parser.

use crate::common::{client, client_from, clock_ticking_every, serve_realtime, since_epoch};
use eventsource_stream::{Event, EventStream, Eventsource};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use realtime_lab::model::wire::ClockHello;
use realtime_lab::realtime::{ClockSettings, RealtimeSettings};
use std::time::{Duration, Instant};

type Events = EventStream<BoxStream<'static, reqwest::Result<bytes::Bytes>>>;

fn fast_clock(window: usize) -> RealtimeSettings {
    RealtimeSettings {
        clock: ClockSettings {
            tick: Duration::from_millis(40),
            heartbeat: Duration::from_millis(60),
            window,
            ..ClockSettings::default()
        },
        ..RealtimeSettings::default()
    }
}

async fn open(base: &str, last_event_id: Option<u64>) -> Events {
    open_with_query(base, "", last_event_id).await
}

/// `open`, with `query` (`?…` or nothing) after `/api/clock`.
async fn open_with_query(base: &str, query: &str, last_event_id: Option<u64>) -> Events {
    let mut request = client()
        .get(format!("{base}/api/clock{query}"))
        .header("accept", "text/event-stream");
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.bytes_stream().boxed().eventsource()
}

async fn next(events: &mut Events) -> Event {
    tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("an event within 5 s")
        .expect("the stream is open")
        .expect("a well-formed event")
}

async fn hello(events: &mut Events) -> ClockHello {
    let event = next(events).await;
    assert_eq!(event.event, "hello");
    serde_json::from_str(&event.data).unwrap()
}

/// The bytes of a GET on `url` as they arrive for `ms`, as text.
async fn read_raw(url: String, ms: Duration) -> String {
    let mut body = client().get(url).send().await.unwrap().bytes_stream();
    let mut raw = String::new();
    let until = tokio::time::Instant::now() + ms;
    while let Ok(Some(chunk)) = tokio::time::timeout_at(until, body.next()).await {
        raw.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    raw
}

#[tokio::test]
async fn lesson2_event_stream_response_headers() {
    let base = serve_realtime(fast_clock(50)).await;
    let response = client()
        .get(format!("{base}/api/clock"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert!(
        headers.get("content-length").is_none(),
        "the body never ends"
    );
}

#[tokio::test]
async fn lesson2_compression_leaves_event_stream_alone() {
    let base = serve_realtime(fast_clock(50)).await;
    for encoding in ["gzip", "br", "gzip, deflate, br, zstd"] {
        let response = client()
            .get(format!("{base}/api/clock"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert!(
            response.headers().get("content-encoding").is_none(),
            "an event stream must not be compressed (asked for {encoding})"
        );
        // And the first event is readable as it is, at once.
        let mut events = response.bytes_stream().boxed().eventsource();
        assert_eq!(next(&mut events).await.event, "hello");
    }
}

#[tokio::test]
async fn ticks_are_named_events_with_growing_ids_and_utc_times() {
    let base = serve_realtime(fast_clock(50)).await;
    let mut events = open(&base, None).await;
    let hello = hello(&mut events).await;
    assert_eq!(
        (hello.resumed_after, hello.replayed, hello.lost),
        (None, 0, 0)
    );
    let mut ids = Vec::new();
    while ids.len() < 4 {
        let event = next(&mut events).await;
        if event.event != "tick" {
            continue;
        }
        assert!(
            event.data.ends_with('Z') && event.data.contains('T'),
            "UTC time: {}",
            event.data
        );
        ids.push(event.id.parse::<u64>().unwrap());
    }
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids grow by one: {ids:?}"
    );
}

#[tokio::test]
async fn the_first_tick_arrives_at_once_not_after_a_period() {
    // A ten-second tick, so a second leaves room for a loaded machine.
    let base = serve_realtime(clock_ticking_every(Duration::from_secs(10))).await;
    let started = Instant::now();
    let asked_at = since_epoch();
    let mut events = open(&base, None).await;
    hello(&mut events).await;
    let tick = next(&mut events).await;
    let elapsed = started.elapsed();
    assert_eq!(tick.event, "tick");
    // Tick N is at N periods after the epoch: this one was made before the
    // request, so it is the one sent on connect, not the next live one.
    let made_at = tick.id.parse::<u64>().unwrap() * 10;
    assert!(
        made_at <= asked_at.as_secs(),
        "the tick of {made_at} s, before the request at {asked_at:?}"
    );
    assert!(
        elapsed < Duration::from_secs(1),
        "first tick after {elapsed:?}"
    );
}

#[tokio::test]
async fn replays_the_ticks_missed_since_last_event_id() {
    let base = serve_realtime(fast_clock(100)).await;
    let mut events = open(&base, None).await;
    hello(&mut events).await;
    let seen: u64 = next(&mut events).await.id.parse().unwrap();
    drop(events);
    tokio::time::sleep(Duration::from_millis(200)).await; // about 5 ticks go by

    let mut events = open(&base, Some(seen)).await;
    let hello = hello(&mut events).await;
    assert_eq!(hello.resumed_after, Some(seen));
    assert_eq!(hello.lost, 0);
    assert!(hello.replayed >= 3, "replayed {}", hello.replayed);
    let mut expected = seen + 1;
    for _ in 0..hello.replayed + 2 {
        let event = next(&mut events).await;
        if event.event == "tick" {
            assert_eq!(
                event.id.parse::<u64>().unwrap(),
                expected,
                "no gap and no repeat"
            );
            expected += 1;
        }
    }
}

#[tokio::test]
async fn says_how_many_ticks_were_lost_beyond_the_window() {
    let base = serve_realtime(fast_clock(5)).await;
    let mut events = open(&base, None).await;
    hello(&mut events).await;
    let newest: u64 = next(&mut events).await.id.parse().unwrap();
    let mut events = open(&base, Some(newest - 20)).await;
    let hello = hello(&mut events).await;
    assert!(hello.lost >= 14, "lost {}", hello.lost);
    let gap = next(&mut events).await;
    assert_eq!(gap.event, "gap");
    assert!(
        gap.data
            .starts_with(&format!("{} ticks were lost", hello.lost)),
        "{}",
        gap.data
    );
}

#[tokio::test]
async fn sends_heartbeat_comments() {
    let base = serve_realtime(fast_clock(50)).await;
    let mut body = client()
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut raw = String::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !raw.contains("\n:heartbeat\n") && !raw.contains("\n: heartbeat\n") {
        assert!(Instant::now() < deadline, "no heartbeat in {raw:?}");
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        raw.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    assert!(raw.starts_with("event: hello\n"), "{raw}");
    assert!(raw.contains("retry: 2000\n"), "{raw}");
}

/// Lesson 8's quiet stream is quiet: the shared heartbeat would reset an
/// idle-closing proxy's timer between two of its ticks.
#[tokio::test]
async fn a_quiet_stream_gets_only_the_heartbeat_it_asks_for() {
    let base = serve_realtime(fast_clock(50)).await;
    let read_for = |path: &str| read_raw(format!("{base}{path}"), Duration::from_millis(800));
    // Ticks every 40 ms, a shared heartbeat every 60 ms; every 60th tick is 2.4 s apart.
    let quiet = read_for("/api/clock?every=60").await;
    assert!(quiet.starts_with("event: hello\n"), "{quiet}");
    assert!(
        !quiet.contains(": heartbeat"),
        "no shared heartbeat: {quiet}"
    );
    let full = read_for("/api/clock").await;
    assert!(full.contains(": heartbeat"), "the shared heartbeat: {full}");
}

/// Lesson 8's watchdog pings: `?ping=` sends `event: ping` with a `data:`
/// line, `?bare_ping=` without one (the mistake a browser never dispatches;
/// the Chromium claim test shows that side), out of range is a 400.
#[tokio::test]
async fn pings_with_and_without_data_on_request() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let read_for = |path: &str| read_raw(format!("{base}{path}"), Duration::from_millis(2300));
    let (with_data, bare) = tokio::join!(
        read_for("/api/clock?ping=1"),
        read_for("/api/clock?bare_ping=1")
    );
    assert!(
        with_data.matches("event: ping\ndata: {}\n\n").count() >= 2,
        "{with_data}"
    );
    assert!(bare.matches("event: ping\n\n").count() >= 2, "{bare}");
    assert!(!bare.contains("event: ping\ndata"), "{bare}");
    for bad in ["ping=0", "ping=61", "bare_ping=0", "bare_ping=61"] {
        let response = client()
            .get(format!("{base}/api/clock?{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let name = bad.split('=').next().unwrap();
        assert_eq!(
            response.text().await.unwrap(),
            format!("?{name}= takes a whole number from 1 to 60.\n")
        );
    }
}

/// A new `EventSource` cannot send `Last-Event-ID`: lessons 6 and 8 hand the
/// id over as `?lastEventId=`, and the clock replays from it as from the
/// header (which wins when both are there).
#[tokio::test]
async fn last_event_id_in_the_query_resumes_like_the_header() {
    let base = serve_realtime(fast_clock(100)).await;
    let mut events = open(&base, None).await;
    hello(&mut events).await;
    let seen: u64 = next(&mut events).await.id.parse().unwrap();
    drop(events);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut events = open_with_query(&base, &format!("?lastEventId={seen}"), None).await;
    let resumed = hello(&mut events).await;
    assert_eq!(resumed.resumed_after, Some(seen));
    assert!(resumed.replayed >= 3, "replayed {}", resumed.replayed);

    let query = format!("?lastEventId={}", seen - 1);
    let mut events = open_with_query(&base, &query, Some(seen)).await;
    assert_eq!(
        hello(&mut events).await.resumed_after,
        Some(seen),
        "the header wins"
    );
}

#[tokio::test]
async fn drop_ends_one_stream_cleanly() {
    let base = serve_realtime(fast_clock(50)).await;
    let mut events = open(&base, None).await;
    let stream = hello(&mut events).await.stream;
    let url = format!("{base}/api/clock/streams/{stream}/drop");
    assert_eq!(client().post(&url).send().await.unwrap().status(), 204);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(event) = events.next().await {
            event.expect("the body ends cleanly, not with an error");
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ended");
    assert_eq!(client().post(&url).send().await.unwrap().status(), 404);
}

/// A client whose requests come from `ip` (any 127.x address is this machine).
#[tokio::test]
async fn a_greedy_client_gets_429_while_another_still_gets_its_clock() {
    let mut settings = fast_clock(50);
    settings.clock.max_streams_per_client = 3;
    let base = serve_realtime(settings).await;
    let greedy = client_from("127.0.0.1");
    let mut held = Vec::new();
    for _ in 0..3 {
        let response = greedy
            .get(format!("{base}/api/clock"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        held.push(response);
    }
    let refused = greedy
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "5");
    let message = refused.text().await.unwrap();
    assert!(
        message.contains("already holds 3 clock streams, its share"),
        "{message}"
    );
    assert!(message.contains("--clock-per-client"), "{message}");

    let other = client_from("127.0.0.2");
    let response = other.get(format!("{base}/api/clock")).send().await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "another learner still gets the clock"
    );
    let mut events = response.bytes_stream().boxed().eventsource();
    assert_eq!(next(&mut events).await.event, "hello");

    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let again = greedy
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200, "a closed stream gives its share back");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_counted() {
    let mut settings = fast_clock(50);
    settings.clock.max_streams_per_client = 1;
    settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let base = serve_realtime(settings).await;
    let via_proxy = |client: &'static str| {
        client_from("127.0.0.1")
            .get(format!("{base}/api/clock"))
            .header("x-forwarded-for", client)
            .send()
    };
    let first = via_proxy("203.0.113.1").await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(via_proxy("203.0.113.1").await.unwrap().status(), 429);
    assert_eq!(
        via_proxy("203.0.113.2").await.unwrap().status(),
        200,
        "each learner behind the proxy has a share of its own"
    );
}

#[tokio::test]
async fn refuses_streams_over_the_limit_with_retry_after() {
    let mut settings = fast_clock(50);
    settings.clock.max_open_streams = 2;
    let base = serve_realtime(settings).await;
    let mut first = open(&base, None).await;
    let mut second = open(&base, None).await;
    hello(&mut first).await;
    hello(&mut second).await;
    let third = client()
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 503);
    assert_eq!(third.headers()["retry-after"], "5");
    drop(first);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fourth = client()
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(fourth.status(), 200, "a freed place is taken again");
}

#[tokio::test]
async fn a_last_event_id_at_the_edges_of_u64_is_answered_without_a_panic() {
    let base = serve_realtime(fast_clock(5)).await;
    let mut events = open(&base, Some(u64::MAX)).await;
    let hello_max = hello(&mut events).await;
    assert_eq!(
        (hello_max.resumed_after, hello_max.replayed, hello_max.lost),
        (Some(u64::MAX), 0, 0)
    );
    let mut events = open(&base, Some(0)).await;
    let hello_zero = hello(&mut events).await;
    assert!(hello_zero.lost > 1_000_000, "lost {}", hello_zero.lost);
    assert_eq!(next(&mut events).await.event, "gap");
}

#[tokio::test]
async fn a_last_event_id_that_is_not_a_u64_starts_a_new_stream() {
    let base = serve_realtime(fast_clock(5)).await;
    for id in ["18446744073709551616", "-1", "ten", ""] {
        let response = client()
            .get(format!("{base}/api/clock"))
            .header("last-event-id", id)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "Last-Event-ID: {id:?}");
        let mut events: Events = response.bytes_stream().boxed().eventsource();
        let hello = hello(&mut events).await;
        assert_eq!(hello.resumed_after, None, "Last-Event-ID: {id:?}");
    }
}

/// `?fault=late-head`: nothing, head included, for 5 s; then an ordinary
/// stream. A browser's `open` waits for the head (lesson 8's debugging kit).
#[tokio::test]
async fn lesson8_a_stream_whose_head_comes_late_is_not_open_until_it_comes() {
    let base = serve_realtime(clock_ticking_every(Duration::from_millis(200))).await;
    let asked = Instant::now();
    let response = client()
        .get(format!("{base}/api/clock?fault=late-head"))
        .send()
        .await
        .unwrap();
    let head_after = asked.elapsed();
    assert_eq!(response.status(), 200);
    assert!(
        head_after >= Duration::from_millis(4_800) && head_after < Duration::from_secs(9),
        "the head came after 5 s, not {head_after:?}"
    );
    let mut events = response.bytes_stream().boxed().eventsource();
    hello(&mut events).await;
    assert_eq!(
        next(&mut events).await.event,
        "tick",
        "then an ordinary stream"
    );
}
