//! What the lab's HTTP/2 lane says in its SETTINGS frame, read by a real
//! HTTP/2 client (h2) over real TLS, verified against a certificate the
//! test made: the stream limit lesson 6 quotes, and RFC 8441's extended
//! CONNECT, used here to carry a WebSocket echo inside the connection.

use crate::common::{connect_tls, serve_trusted_lab, TrustedLab};
use axum::http::{Method, Request};
use bytes::Bytes;
use realtime_lab::realtime::RealtimeSettings;
use std::time::Duration;
use tokio_rustls::rustls::ClientConfig;

/// A lab server using a fresh certificate, and a client that trusts it.
async fn lane_and_client() -> (String, ClientConfig, TrustedLab) {
    let lab = serve_trusted_lab(RealtimeSettings::default()).await;
    let mut tls = lab.tls.clone();
    tls.alpn_protocols = vec![b"h2".to_vec()];
    (lab.served.http2_lane.clone(), tls, lab)
}

/// An HTTP/2 connection to the lane, after the server's SETTINGS arrived.
async fn connect(lane: &str, tls: ClientConfig) -> h2::client::SendRequest<Bytes> {
    let tls = connect_tls(lane, tls).await;
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (send, connection) = h2::client::handshake(tls).await.unwrap();
    tokio::spawn(connection);
    // The server's SETTINGS come before its first response.
    let ping = Request::get(format!("{lane}/api/lab/ping"))
        .body(())
        .unwrap();
    let (response, _) = send
        .clone()
        .ready()
        .await
        .unwrap()
        .send_request(ping, true)
        .unwrap();
    assert_eq!(response.await.unwrap().status(), 200);
    send
}

#[tokio::test]
async fn lesson6_http2_lane_max_concurrent_streams_is_200() {
    let (lane, tls, _dir) = lane_and_client().await;
    let send = connect(&lane, tls).await;
    assert_eq!(send.current_max_send_streams(), 200);
    assert_eq!(
        realtime_lab::http::accept::HTTP2_MAX_CONCURRENT_STREAMS,
        200,
        "lesson 6 quotes 200: change the lesson with the setting"
    );
}

#[tokio::test]
async fn lesson2_http2_response_has_no_connection_header() {
    let (lane, tls, _dir) = lane_and_client().await;
    let send = connect(&lane, tls).await;
    let request = Request::get(format!("{lane}/api/clock")).body(()).unwrap();
    let (response, _) = send
        .ready()
        .await
        .unwrap()
        .send_request(request, true)
        .unwrap();
    // h2 itself refuses a response carrying a connection-specific header
    // (RFC 9113 §8.2.2), so a response that arrives at all has none.
    let response = response.await.expect("a well-formed HTTP/2 response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    for name in ["connection", "keep-alive", "transfer-encoding", "upgrade"] {
        assert!(response.headers().get(name).is_none(), "{name}");
    }
}

#[tokio::test]
async fn lesson6_http2_lane_enables_extended_connect() {
    let (lane, tls, _dir) = lane_and_client().await;
    let send = connect(&lane, tls).await;
    assert!(
        send.is_extended_connect_protocol_enabled(),
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441)"
    );
    // A WebSocket inside this HTTP/2 connection: CONNECT with :protocol.
    let mut connect = Request::builder()
        .method(Method::CONNECT)
        .uri(format!("{lane}/api/echo"))
        .header("sec-websocket-version", "13")
        .body(())
        .unwrap();
    connect
        .extensions_mut()
        .insert(h2::ext::Protocol::from_static("websocket"));
    let (response, mut outgoing) = send
        .ready()
        .await
        .unwrap()
        .send_request(connect, false)
        .unwrap();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200, "RFC 8441 answers 200, never 101");
    let mut incoming = response.into_body();
    // One masked text frame, as a browser would send it (RFC 6455 §5.2).
    let payload = b"over h2";
    let mask = [1u8, 2, 3, 4];
    let mut frame = vec![0x81, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    outgoing.send_data(Bytes::from(frame), false).unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(5), incoming.data())
        .await
        .expect("the echo within 5 s")
        .unwrap()
        .unwrap();
    // The server's frame: FIN + text, unmasked, the same payload.
    let mut expected = vec![0x81, payload.len() as u8];
    expected.extend_from_slice(payload);
    assert_eq!(&echoed[..], &expected[..]);
}
