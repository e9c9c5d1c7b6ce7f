//! The handshake inspector reports the real request and response heads.

mod common;

use common::{client, serve_realtime};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use realtime_lab::model::wire::{websocket_accept, HandshakeReport};
use realtime_lab::realtime::RealtimeSettings;
use std::time::Duration;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn reports_an_event_stream_handshake() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let response = client()
        .get(format!("{base}/api/inspect/sse"))
        .header("accept", "text/event-stream")
        .header("user-agent", "inspector-test/1.0")
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().eventsource();
    let event = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(event.event, "handshake");
    let report: HandshakeReport = serde_json::from_str(&event.data).unwrap();
    assert_eq!(report.request.start_line, "GET /api/inspect/sse HTTP/1.1");
    assert_eq!(report.request.header("accept"), Some("text/event-stream"));
    assert_eq!(
        report.request.header("user-agent"),
        Some("inspector-test/1.0")
    );
    assert_eq!(report.response.start_line, "HTTP/1.1 200 OK");
    assert_eq!(
        report.response.header("content-type"),
        Some("text/event-stream")
    );
    assert_eq!(report.response.header("cache-control"), Some("no-cache"));
    assert_eq!(
        report.added_when_written,
        ["date", "transfer-encoding: chunked"]
    );
}

#[tokio::test]
async fn reports_a_websocket_upgrade_whose_accept_matches_the_key() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!("{}/api/inspect/ws", base.replace("http://", "ws://"));
    let (mut socket, response) = connect_async(url).await.unwrap();
    let accept_received = response.headers()["sec-websocket-accept"]
        .to_str()
        .unwrap()
        .to_string();
    let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Message::Text(json) = message else {
        panic!("expected the report as text")
    };
    let report: HandshakeReport = serde_json::from_str(&json).unwrap();

    assert_eq!(report.request.start_line, "GET /api/inspect/ws HTTP/1.1");
    assert_eq!(report.request.header("upgrade"), Some("websocket"));
    assert_eq!(report.request.header("sec-websocket-version"), Some("13"));
    assert_eq!(
        report.response.start_line,
        "HTTP/1.1 101 Switching Protocols"
    );
    let key = report
        .request
        .header("sec-websocket-key")
        .expect("the key the client sent");
    let accept = report
        .response
        .header("sec-websocket-accept")
        .expect("the accept the server sent");
    assert_eq!(websocket_accept(key).accept, accept);
    assert_eq!(
        accept, accept_received,
        "the report shows what went over the wire"
    );
}

#[tokio::test]
async fn refuses_an_inspector_upgrade_from_a_foreign_origin() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut request = format!("{}/api/inspect/ws", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let error = connect_async(request).await.unwrap_err();
    assert!(matches!(error, tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 403));
}

/// RFC 6455 §4.2.2's own example, sent over a raw TCP connection so that
/// nothing but the server computes the answer.
#[tokio::test]
async fn lesson2_accept_from_rfc_example() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let base = serve_realtime(RealtimeSettings::default()).await;
    let addr = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /api/inspect/ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        let read = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut byte));
        assert_eq!(
            read.await.unwrap().unwrap(),
            1,
            "the head ends with a blank line"
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    assert!(
        head.starts_with("http/1.1 101 switching protocols\r\n"),
        "{head}"
    );
    assert!(
        head.contains("\r\nsec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"),
        "{head}"
    );
    assert_eq!(
        websocket_accept("dGhlIHNhbXBsZSBub25jZQ==").accept,
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "the page's own step-by-step computation agrees"
    );
}
