//! The QUIC lane, from a real WebTransport client (wtransport) trusting the
//! lane's certificate by its hash, as a browser does: the echo on a stream,
//! the clock in datagrams, the share per client, the certificate, and
//! head-of-line blocking under loss.

#[path = "../../benches/webtransport/client.rs"]
mod client;

use crate::common::{clock_ticking_every, serve_lab, Served};
use client::{run_loss_demo, PATIENCE};
use realtime_lab::model::wire::{LossWay, WebTransportLane, WtTick};
use realtime_lab::realtime::RealtimeSettings;
use std::time::{Duration, Instant};
use wtransport::endpoint::ConnectOptions;
use wtransport::error::ConnectingError;
use wtransport::Connection;

async fn lane(served: &Served) -> WebTransportLane {
    client::lane(&served.base).await
}

async fn connect(served: &Served, ip: &str, path: &str) -> Result<Connection, ConnectingError> {
    client::connect((&served.base, &served.quic_lane), ip, path).await
}

async fn next_tick(connection: &Connection) -> WtTick {
    let datagram = tokio::time::timeout(PATIENCE, connection.receive_datagram())
        .await
        .expect("a datagram within 10 s")
        .unwrap();
    serde_json::from_slice(&datagram.payload()).unwrap()
}

#[tokio::test]
async fn lesson9_a_webtransport_session_echoes_on_a_stream_and_gets_the_clock_in_datagrams() {
    let served = serve_lab(clock_ticking_every(Duration::from_millis(40))).await;
    let lane = lane(&served).await;
    assert!(lane.port.is_some(), "{lane:?}");
    assert_eq!(lane.certificate_hashes.len(), 1);
    let connection = connect(&served, "127.0.0.1", "/api/webtransport/echo")
        .await
        .unwrap();
    let first = next_tick(&connection).await;
    assert!(first.connection >= 1, "{first:?}");
    assert_eq!(first.streams, 0);
    let later = next_tick(&connection).await;
    assert!(later.tick > first.tick, "{first:?} then {later:?}");
    for text in ["hello over QUIC", "a second stream"] {
        let (mut send, mut recv) = connection.open_bi().await.unwrap().await.unwrap();
        send.write_all(text.as_bytes()).await.unwrap();
        send.finish().await.unwrap();
        let mut echoed = Vec::new();
        let mut buffer = [0u8; 256];
        while let Some(n) = recv.read(&mut buffer).await.unwrap() {
            echoed.extend_from_slice(&buffer[..n]);
        }
        assert_eq!(String::from_utf8(echoed).unwrap(), text);
    }
    // The server's view in the clock's datagrams: two streams on this connection.
    let mut view = next_tick(&connection).await;
    while view.streams < 2 {
        view = next_tick(&connection).await;
    }
    assert_eq!(view.connection, first.connection);
    assert_eq!(view.streams, 2);
}

#[tokio::test]
async fn a_client_past_its_share_of_webtransport_sessions_is_refused_and_others_are_not() {
    let served = serve_lab(RealtimeSettings {
        webtransport_per_client: 2,
        ..Default::default()
    })
    .await;
    let path = "/api/webtransport/echo";
    let first = connect(&served, "127.0.0.1", path).await.unwrap();
    let _second = connect(&served, "127.0.0.1", path).await.unwrap();
    let refused = connect(&served, "127.0.0.1", path).await.unwrap_err();
    assert!(
        matches!(refused, ConnectingError::SessionRejected),
        "{refused:?}"
    );
    // Another address has its own share.
    connect(&served, "127.0.0.2", path).await.unwrap();
    // A session closed gives its place back.
    first.close(0u32.into(), b"bye");
    let deadline = Instant::now() + PATIENCE;
    loop {
        match connect(&served, "127.0.0.1", path).await {
            Ok(_) => break,
            Err(error) if Instant::now() < deadline => {
                let _ = error;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("still refused after the first closed: {error}"),
        }
    }
    // A page of another site is refused; one of this host, on any port, is not.
    let lane = lane(&served).await;
    for (origin, welcome) in [
        ("https://elsewhere.example", false),
        ("http://127.0.0.1:3000", true),
    ] {
        let options = ConnectOptions::builder(format!("{}{path}", served.quic_lane))
            .add_header("origin", origin)
            .build();
        let endpoint = client::client("127.0.0.4", &lane.certificate_hashes[0]);
        let opened = tokio::time::timeout(PATIENCE, endpoint.connect(options))
            .await
            .unwrap();
        assert_eq!(opened.is_ok(), welcome, "{origin}: {:?}", opened.err());
    }
    // A path the lane does not serve is refused too.
    let unknown = connect(&served, "127.0.0.3", "/nothing-here")
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, ConnectingError::SessionRejected),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn lesson9_the_quic_lanes_certificate_is_ecdsa_p256_valid_for_at_most_14_days_and_named_by_its_hash(
) {
    use x509_parser::prelude::*;
    let served = serve_lab(RealtimeSettings::default()).await;
    let connection = connect(&served, "127.0.0.1", "/api/webtransport/echo")
        .await
        .unwrap();
    let chain = connection
        .peer_identity()
        .expect("the server's certificate");
    let der = chain.as_slice()[0].der().to_vec();
    let (_, certificate) = X509Certificate::from_der(&der).unwrap();
    let key = certificate.public_key();
    assert_eq!(key.algorithm.algorithm.to_id_string(), "1.2.840.10045.2.1"); // id-ecPublicKey
    let curve = key.algorithm.parameters.as_ref().unwrap().as_oid().unwrap();
    assert_eq!(curve.to_id_string(), "1.2.840.10045.3.1.7"); // prime256v1 (P-256)
    let validity = certificate.validity();
    let days = (validity.not_after.timestamp() - validity.not_before.timestamp()) as f64 / 86_400.0;
    assert!(days <= 14.0, "valid for {days} days");
    assert!(validity.is_valid(), "{validity:?}");
    // Its hash is the one the page is told, and a client trusting another
    // hash is turned away by its own TLS.
    let hash = ring::digest::digest(&ring::digest::SHA256, &der);
    let hex: String = hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(lane(&served).await.certificate_hashes, vec![hex]);
    let other = "00".repeat(32);
    let url = format!("{}/api/webtransport/echo", served.quic_lane);
    let untrusted =
        tokio::time::timeout(PATIENCE, client::client("127.0.0.1", &other).connect(url))
            .await
            .unwrap();
    assert!(untrusted.is_err());
}

#[tokio::test]
async fn the_quic_lane_is_off_with_no_lab_and_with_no_quic() {
    let content = crate::common::manifest_dir().join("content");
    let site = crate::common::manifest_dir().join("target/site");
    for flags in [&["--no-lab"][..], &["--no-quic"][..]] {
        let served = crate::common::start(&content, &site, flags, crate::common::as_flagged).await;
        assert!(served.quic_lane.is_empty(), "{flags:?}");
        assert_eq!(lane(&served).await.port, None, "{flags:?}");
    }
}

#[tokio::test]
async fn lesson9_one_stream_holds_every_message_behind_a_loss_and_a_stream_each_does_not() {
    let served = serve_lab(RealtimeSettings::default()).await;
    let arrivals = run_loss_demo(
        (&served.base, &served.quic_lane),
        "drop=0.3&count=50&every=20&delay=100&seed=3",
    )
    .await;
    let summary = arrivals.summary.clone().expect("the summary");
    assert_eq!(summary.messages, 50);
    assert!(
        summary.dropped > 0 && summary.dropped < summary.packets,
        "{summary:?}"
    );
    // Streams lose nothing: every message comes, sent again as often as needed.
    assert_eq!(arrivals.count(LossWay::OneStream), 50);
    assert_eq!(arrivals.count(LossWay::OwnStream), 50);
    // Datagrams are not sent again: some never come.
    let datagrams = arrivals.count(LossWay::Datagram);
    assert!(datagrams < 50, "{datagrams} of 50 datagrams came");
    let one = arrivals.total_delay(LossWay::OneStream);
    let own = arrivals.total_delay(LossWay::OwnStream);
    let datagram = arrivals.total_delay(LossWay::Datagram);
    println!(
        "loss demo, 50 messages every 20 ms, 30% of {} packets dropped ({}), 100 ms late: \
         delay summed over the messages: one stream {one:.0} ms, a stream each {own:.0} ms, \
         datagrams {datagram:.0} ms ({datagrams} of 50 came)",
        summary.packets, summary.dropped
    );
    assert!(
        one > own,
        "one stream {one:.0} ms, a stream each {own:.0} ms"
    );
}

#[tokio::test]
async fn without_loss_every_message_comes_every_way() {
    let served = serve_lab(RealtimeSettings::default()).await;
    let arrivals = run_loss_demo(
        (&served.base, &served.quic_lane),
        "drop=0&count=10&every=10&delay=0",
    )
    .await;
    let summary = arrivals.summary.clone().unwrap();
    assert_eq!(summary.dropped, 0);
    for way in LossWay::ALL {
        assert_eq!(arrivals.count(way), 10, "{way:?}");
    }
}

#[tokio::test]
async fn with_a_hosts_certificate_the_quic_lane_presents_it_and_pages_name_no_hash() {
    let lab = crate::common::serve_trusted_lab(RealtimeSettings::default()).await;
    assert_eq!(
        lane(&lab.served).await.certificate_hashes,
        Vec::<String>::new()
    );
    // A client that trusts the host's certificate as browsers trust a
    // public authority's, with no hash named, opens a session.
    let mut tls = lab.tls.clone();
    tls.alpn_protocols = vec![b"h3".to_vec()];
    let config = wtransport::ClientConfig::builder()
        .with_bind_default()
        .with_custom_tls(tls)
        .build();
    let endpoint = wtransport::Endpoint::client(config).unwrap();
    let url = format!("{}/api/webtransport/echo", lab.served.quic_lane);
    let connection = tokio::time::timeout(PATIENCE, endpoint.connect(url))
        .await
        .unwrap()
        .unwrap();
    let tick: WtTick = serde_json::from_slice(
        &tokio::time::timeout(PATIENCE, connection.receive_datagram())
            .await
            .unwrap()
            .unwrap()
            .payload(),
    )
    .unwrap();
    assert!(tick.connection >= 1);
}
