//! The connection lab over real TLS: HTTP/2 multiplexes, HTTP/1.1 does not.

use crate::common::{client, connect_tls, serve_lab, serve_trusted_lab};
use eventsource_stream::{Event, Eventsource};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use realtime_lab::model::wire::{LabHello, LabPing, LabView, Lane};
use realtime_lab::realtime::RealtimeSettings;
use std::time::Duration;

type Events = eventsource_stream::EventStream<BoxStream<'static, reqwest::Result<bytes::Bytes>>>;

/// A client that trusts the lab's self-signed certificate.
fn tls_client(http1_only: bool) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .no_proxy()
        .danger_accept_invalid_certs(true);
    let builder = if http1_only {
        builder.http1_only()
    } else {
        builder
    };
    builder.build().unwrap()
}

async fn next_event(events: &mut Events) -> Event {
    tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("an event")
        .unwrap()
        .unwrap()
}

async fn open_stream(client: &reqwest::Client, lane: &str, label: usize) -> (LabHello, Events) {
    let response = client
        .get(format!("{lane}/api/lab/stream?label={label}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let mut events = response.bytes_stream().boxed().eventsource();
    let hello = next_event(&mut events).await;
    assert_eq!(hello.event, "hello");
    (serde_json::from_str(&hello.data).unwrap(), events)
}

/// The server's view, once it shows `streams` lab streams in all.
async fn view_with(base: &str, streams: usize) -> LabView {
    let response = client()
        .get(format!("{base}/api/lab/view"))
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().boxed().eventsource();
    loop {
        let view: LabView = serde_json::from_str(&next_event(&mut events).await.data).unwrap();
        if view
            .connections
            .iter()
            .map(|c| c.streams.len())
            .sum::<usize>()
            == streams
        {
            return view;
        }
    }
}

#[tokio::test]
async fn twenty_http2_streams_share_one_connection() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let client = tls_client(false);
    // The first stream sets up the connection; the others multiplex on it.
    let (first, first_events) = open_stream(&client, &lab.http2_lane, 1).await;
    let rest =
        futures_util::future::join_all((2..=20).map(|i| open_stream(&client, &lab.http2_lane, i)))
            .await;
    let hellos: Vec<LabHello> = std::iter::once(first.clone())
        .chain(rest.iter().map(|(h, _)| h.clone()))
        .collect();
    assert!(
        hellos
            .iter()
            .all(|h| h.protocol == "HTTP/2" && h.lane == Lane::Http2),
        "{hellos:?}"
    );
    assert!(
        hellos.iter().all(|h| h.connection == first.connection),
        "one connection: {hellos:?}"
    );

    let view = view_with(&lab.base, 20).await;
    let busy: Vec<_> = view
        .connections
        .iter()
        .filter(|c| !c.streams.is_empty())
        .collect();
    assert_eq!(busy.len(), 1, "{view:?}");
    assert_eq!(busy[0].id, first.connection);
    assert_eq!(busy[0].streams.len(), 20);
    assert_eq!(busy[0].alpn.as_deref(), Some("h2"));
    drop((first_events, rest));
}

#[tokio::test]
async fn each_http1_stream_needs_its_own_connection() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let client = tls_client(true);
    let opened =
        futures_util::future::join_all((1..=5).map(|i| open_stream(&client, &lab.http1_lane, i)))
            .await;
    let mut connections: Vec<u64> = opened.iter().map(|(h, _)| h.connection).collect();
    assert!(opened
        .iter()
        .all(|(h, _)| h.protocol == "HTTP/1.1" && h.lane == Lane::Http1));
    connections.sort();
    connections.dedup();
    assert_eq!(connections.len(), 5, "five streams, five connections");

    let view = view_with(&lab.base, 5).await;
    let busy: Vec<_> = view
        .connections
        .iter()
        .filter(|c| !c.streams.is_empty())
        .collect();
    assert_eq!(busy.len(), 5);
    assert!(busy.iter().all(|c| c.streams.len() == 1
        && c.lane == Lane::Http1
        && c.alpn.as_deref() == Some("http/1.1")));
}

#[tokio::test]
async fn the_http1_lane_refuses_h2_even_to_a_client_that_prefers_it() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let (hello, _events) = open_stream(&tls_client(false), &lab.http1_lane, 1).await;
    assert_eq!(hello.protocol, "HTTP/1.1");
}

#[tokio::test]
async fn closing_a_stream_updates_the_view() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let client = tls_client(false);
    let (_, kept) = open_stream(&client, &lab.http2_lane, 1).await;
    let (_, closed) = open_stream(&client, &lab.http2_lane, 2).await;
    view_with(&lab.base, 2).await;
    drop(closed);
    let view = view_with(&lab.base, 1).await;
    assert_eq!(
        view.connections
            .iter()
            .flat_map(|c| &c.streams)
            .collect::<Vec<_>>(),
        ["1"]
    );
    drop(kept);
}

#[tokio::test]
async fn limits_lab_streams_per_client() {
    let settings = RealtimeSettings {
        lab_streams_per_client: 2,
        ..RealtimeSettings::default()
    };
    let lab = serve_lab(settings).await;
    let client = tls_client(false);
    let _a = open_stream(&client, &lab.http2_lane, 1).await;
    let _b = open_stream(&client, &lab.http2_lane, 2).await;
    let third = client
        .get(format!("{}/api/lab/stream?label=3", lab.http2_lane))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 429);
}

#[tokio::test]
async fn lab_streams_are_only_served_on_the_lanes() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let response = client()
        .get(format!("{}/api/lab/stream", lab.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 421);
    assert!(response.text().await.unwrap().contains("lab's HTTPS ports"));
}

#[tokio::test]
async fn the_lanes_serve_the_whole_site() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let response = tls_client(false)
        .get(format!("{}/lessons/http1-vs-http2", lab.http2_lane))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
}

#[tokio::test]
async fn a_ping_names_the_connection_its_stream_shares() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let client = tls_client(false);
    let (hello, _events) = open_stream(&client, &lab.http2_lane, 1).await;
    let response = client
        .get(format!("{}/api/lab/ping", lab.http2_lane))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let ping: LabPing = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(
        ping,
        LabPing {
            connection: hello.connection,
            protocol: "HTTP/2".into()
        }
    );
}

/// `?delay=` holds a ping's answer (and a stream's head) that long, as a
/// far server would; past the most, a `400` says the range. The answers
/// let any origin read their timing, for the waterfall.
#[tokio::test]
async fn a_delay_holds_the_answer_and_timing_is_readable() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let client = tls_client(true);
    let asked = std::time::Instant::now();
    let response = client
        .get(format!(
            "{}/api/lab/ping?delay=300&run=x&n=1",
            lab.http1_lane
        ))
        .send()
        .await
        .unwrap();
    assert!(asked.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["timing-allow-origin"], "*");
    let asked = std::time::Instant::now();
    let (_, _events) = open_stream_delayed(&client, &lab.http1_lane, 200).await;
    assert!(asked.elapsed() >= Duration::from_millis(200));
    let too_long = client
        .get(format!("{}/api/lab/ping?delay=60000", lab.http1_lane))
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), 400);
    assert!(too_long.text().await.unwrap().contains("0 to 2000 ms"));
}

async fn open_stream_delayed(
    client: &reqwest::Client,
    lane: &str,
    delay: u64,
) -> (LabHello, Events) {
    let response = client
        .get(format!("{lane}/api/lab/stream?label=late&delay={delay}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut events = response.bytes_stream().boxed().eventsource();
    let hello = next_event(&mut events).await;
    (serde_json::from_str(&hello.data).unwrap(), events)
}

#[tokio::test]
async fn odd_labels_are_cut_or_read_lossily_never_a_panic() {
    let lab = serve_lab(RealtimeSettings::default()).await;
    let client = tls_client(false);
    let long = "é".repeat(100);
    let response = client
        .get(format!("{}/api/lab/stream?label={long}", lab.http2_lane))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut events = response.bytes_stream().boxed().eventsource();
    let hello: LabHello = serde_json::from_str(&next_event(&mut events).await.data).unwrap();
    assert_eq!(hello.label, "é".repeat(24));
    // Bytes that are not UTF-8 are read lossily by the query parser.
    let not_utf8 = client
        .get(format!("{}/api/lab/stream?label=%FF", lab.http2_lane))
        .send()
        .await
        .unwrap();
    assert_eq!(not_utf8.status(), 200);
    let mut events = not_utf8.bytes_stream().boxed().eventsource();
    let hello: LabHello = serde_json::from_str(&next_event(&mut events).await.data).unwrap();
    assert_eq!(hello.label, "\u{fffd}");
}

/// A WebSocket on a lane, over TLS checked against the test's certificate.
async fn open_socket(
    lane: &str,
    tls: tokio_rustls::rustls::ClientConfig,
) -> Result<
    (
        LabHello,
        tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>,
    ),
    u16,
> {
    let mut tls = tls;
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let stream = connect_tls(lane, tls).await;
    let url = format!("{}/api/lab/socket", lane.replace("https://", "wss://"));
    let (mut socket, _) = match tokio_tungstenite::client_async(url, stream).await {
        Ok(connected) => connected,
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            return Err(response.status().as_u16())
        }
        Err(error) => panic!("the upgrade failed: {error}"),
    };
    let hello = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("a hello")
        .unwrap()
        .unwrap();
    Ok((
        serde_json::from_str(hello.to_text().unwrap()).unwrap(),
        socket,
    ))
}

#[tokio::test]
async fn a_lab_socket_names_its_connection_and_the_view_counts_it() {
    let lab = serve_trusted_lab(RealtimeSettings::default()).await;
    let (hello, mut socket) = open_socket(&lab.served.http1_lane, lab.tls.clone())
        .await
        .unwrap();
    assert_eq!(hello.lane, Lane::Http1);
    assert_eq!(hello.protocol, "HTTP/1.1");
    assert_eq!(hello.label, "WebSocket");
    let sockets = |view: &LabView| -> Vec<(u64, usize, usize)> {
        view.connections
            .iter()
            .map(|c| (c.id, c.streams.len(), c.sockets))
            .collect()
    };
    let response = client()
        .get(format!("{}/api/lab/view", lab.served.base))
        .send()
        .await
        .unwrap();
    let mut views = response.bytes_stream().boxed().eventsource();
    loop {
        let view: LabView = serde_json::from_str(&next_event(&mut views).await.data).unwrap();
        if sockets(&view) == [(hello.connection, 0, 1)] {
            break;
        }
    }
    socket.close(None).await.unwrap();
    loop {
        let view: LabView = serde_json::from_str(&next_event(&mut views).await.data).unwrap();
        if view.connections.iter().all(|c| c.sockets == 0) {
            break;
        }
    }
}

#[tokio::test]
async fn lab_sockets_count_in_the_clients_share_of_the_lab() {
    let settings = RealtimeSettings {
        lab_streams_per_client: 2,
        ..RealtimeSettings::default()
    };
    let lab = serve_trusted_lab(settings).await;
    let _stream = open_stream(&tls_client(false), &lab.served.http2_lane, 1).await;
    let _socket = open_socket(&lab.served.http1_lane, lab.tls.clone())
        .await
        .unwrap();
    let refused = open_socket(&lab.served.http1_lane, lab.tls.clone()).await;
    assert_eq!(refused.err(), Some(429));
}
