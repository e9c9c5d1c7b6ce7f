//! Lesson 5's leaky server over the real server: a naive stream's timer
//! outlives its client, and the shared ticker's streams leave nothing.

use crate::common::{client, serve_realtime};
use eventsource_stream::{EventStream, Eventsource};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use realtime_lab::model::wire::LeakyStats;
use realtime_lab::realtime::{ClockSettings, RealtimeSettings};
use std::time::Duration;

type Events = EventStream<BoxStream<'static, reqwest::Result<bytes::Bytes>>>;

async fn open(url: String) -> Events {
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.bytes_stream().boxed().eventsource()
}

/// The next stats that satisfy `wanted`, within a few seconds.
async fn stats_until(stats: &mut Events, wanted: impl Fn(&LeakyStats) -> bool) -> LeakyStats {
    tokio::time::timeout(Duration::from_secs(6), async {
        loop {
            let event = stats.next().await.expect("the stats go on").unwrap();
            assert_eq!(event.event, "stats");
            let now: LeakyStats = serde_json::from_str(&event.data).unwrap();
            if wanted(&now) {
                return now;
            }
        }
    })
    .await
    .expect("the stats reach the state asked for")
}

#[tokio::test]
async fn a_naive_timer_goes_on_firing_after_its_client_left() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut stats = open(format!("{base}/api/leaky/stats")).await;
    stats_until(&mut stats, |s| *s == LeakyStats::default()).await;

    let mut naive = open(format!("{base}/api/leaky/naive")).await;
    let tick = tokio::time::timeout(Duration::from_secs(3), naive.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(tick.event, "tick");
    assert!(tick.data.contains("own timer"), "{}", tick.data);
    stats_until(&mut stats, |s| s.naive_timers == 1 && s.orphaned == 0).await;

    drop(naive);
    let leaked = stats_until(&mut stats, |s| s.orphaned == 1).await;
    assert_eq!(leaked.naive_timers, 1, "the timer still fires");
    let cleanup = leaked.next_cleanup_s.expect("the safety net's countdown");
    assert!((1..=30).contains(&cleanup), "{cleanup} s");
    // The leaked timer still holds a place among the clock's streams.
    assert_eq!(leaked.shared_streams, 0);
}

#[tokio::test]
async fn shared_ticker_streams_leave_nothing_behind() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut stats = open(format!("{base}/api/leaky/stats")).await;
    let streams = [
        open(format!("{base}/api/clock")).await,
        open(format!("{base}/api/clock")).await,
    ];
    let open_now = stats_until(&mut stats, |s| s.shared_streams == 2).await;
    assert_eq!((open_now.naive_timers, open_now.orphaned), (0, 0));
    drop(streams);
    stats_until(&mut stats, |s| *s == LeakyStats::default()).await;
}

#[tokio::test]
async fn leaked_timers_count_in_the_clients_share_of_clock_streams() {
    let settings = RealtimeSettings {
        clock: ClockSettings {
            max_streams_per_client: 1,
            ..ClockSettings::default()
        },
        ..RealtimeSettings::default()
    };
    let base = serve_realtime(settings).await;
    let mut stats = open(format!("{base}/api/leaky/stats")).await;
    drop(open(format!("{base}/api/leaky/naive")).await);
    stats_until(&mut stats, |s| s.orphaned == 1).await;
    let refused = client()
        .get(format!("{base}/api/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        429,
        "the leaked timer holds the only place"
    );
}
