//! The wire view over the real server: a tap asked for, a real client's
//! connection naming it, and the decoded records read back from the
//! view's event stream; the capture as a .pcapng read by tshark.

use crate::common::{client, connect_tls, serve_realtime, serve_trusted_lab};
use axum::http::{Method, Request};
use bytes::Bytes;
use eventsource_stream::Eventsource;
use futures_util::{SinkExt, StreamExt};
use realtime_lab::realtime::RealtimeSettings;
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// A new tap's id.
async fn open_tap(base: &str) -> String {
    let response = client()
        .post(format!("{base}/api/wire/taps"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let opened: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    opened["id"].as_str().unwrap().to_owned()
}

/// The view's records, read until `event: closed` (or `until` is true of
/// the records so far, for a connection left open).
async fn records(base: &str, id: &str, until: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let response = client()
        .get(format!("{base}/api/wire/taps/{id}/view"))
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().eventsource();
    let mut records = Vec::new();
    let read = async {
        while let Some(Ok(event)) = events.next().await {
            match event.event.as_str() {
                "record" => records.push(serde_json::from_str(&event.data).unwrap()),
                "closed" => return,
                _ => {}
            }
            if until(&records) {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the view's records within 10 s");
    records
}

/// A tap, a `GET` of `path` naming it (its body read and dropped), and the
/// view's records until `enough` is true of them.
async fn tapped_get(
    base: &str,
    path: &str,
    enough: impl Fn(&[Value]) -> bool,
) -> (String, Vec<Value>) {
    let id = open_tap(base).await;
    let response = client()
        .get(format!("{base}{path}?tap={id}"))
        .send()
        .await
        .unwrap();
    let mut body = response.bytes_stream();
    let reader = tokio::spawn(async move { while body.next().await.is_some() {} });
    let records = records(base, &id, enough).await;
    reader.abort();
    (id, records)
}

fn frames<'a>(records: &'a [Value], from: &str) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|r| r["kind"] == "frame" && r["from"] == from)
        .collect()
}

#[tokio::test]
async fn lesson4_wire_view_shows_each_frame_of_an_echo_socket_masked_and_unmasked() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let id = open_tap(&base).await;
    let url = format!("{}/api/echo?tap={id}", base.replace("http", "ws"));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    socket.send(Message::text("hi")).await.unwrap();
    socket
        .send(Message::Ping(Bytes::from_static(b"are you there")))
        .await
        .unwrap();
    let close = CloseFrame {
        code: CloseCode::Library(4000),
        reason: "done here".into(),
    };
    socket.send(Message::Close(Some(close))).await.unwrap();
    while let Some(Ok(_)) = socket.next().await {}

    let records = records(&base, &id, |_| false).await;
    let head = &records[0];
    assert_eq!(head["kind"], "head");
    assert!(head["start_line"]
        .as_str()
        .unwrap()
        .starts_with("GET /api/echo?tap="));
    assert_eq!(records[1]["start_line"], "HTTP/1.1 101 Switching Protocols");

    let sent = frames(&records, "client");
    let hi = sent
        .iter()
        .find(|f| f["payload"] == "hi")
        .expect("the text frame");
    assert_eq!(
        hi["masked"], true,
        "a client masks every frame (RFC 6455 §5.3)"
    );
    assert_eq!(hi["mask_key"].as_str().unwrap().len(), 8);
    assert_ne!(hi["payload_hex"], "6869", "sent masked");
    assert_eq!(
        (hi["app_bytes"].as_u64(), hi["wire_bytes"].as_u64()),
        (Some(2), Some(8))
    );
    assert!(sent
        .iter()
        .any(|f| f["opcode_name"] == "ping" && f["payload"] == "are you there"));
    let close = sent.iter().find(|f| f["opcode_name"] == "close").unwrap();
    assert_eq!(close["close"], serde_json::json!([4000, "done here"]));

    let echoed = frames(&records, "server");
    let hi = echoed
        .iter()
        .find(|f| f["payload"] == "hi")
        .expect("the echo");
    assert_eq!(
        (hi["masked"].as_bool(), hi["wire_bytes"].as_u64()),
        (Some(false), Some(4))
    );
    assert!(echoed.iter().any(|f| f["opcode_name"] == "pong"));
    assert!(echoed.iter().any(|f| f["opcode_name"] == "close"));
}

#[tokio::test]
async fn lesson2_wire_view_shows_each_clock_event_as_one_chunk() {
    let base = serve_realtime(crate::common::clock_ticking_every(Duration::from_millis(
        100,
    )))
    .await;
    let enough = |records: &[Value]| records.iter().filter(|r| r["kind"] == "chunk").count() >= 3;
    let (_, records) = tapped_get(&base, "/api/clock", enough).await;
    assert_eq!(records[0]["kind"], "head");
    let response = records.iter().find(|r| r["from"] == "server").unwrap();
    assert!(response["headers"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(["transfer-encoding", "chunked"])));
    for chunk in records.iter().filter(|r| r["kind"] == "chunk") {
        let size = chunk["size"].as_u64().unwrap() as usize;
        let data = chunk["data"].as_str().unwrap();
        assert_eq!(data.len(), size, "one event, whole, in each chunk");
        assert!(data.ends_with("\n\n"), "{data:?}");
        let size_line = chunk["size_line"].as_str().unwrap();
        assert_eq!(usize::from_str_radix(size_line, 16).unwrap(), size);
        assert_eq!(
            chunk["wire_bytes"].as_u64().unwrap() as usize,
            size_line.len() + 2 + size + 2
        );
    }
}

#[tokio::test]
async fn lesson8_wire_view_through_the_buffering_proxy_shows_events_bunched_in_chunks() {
    let base = serve_realtime(crate::common::clock_ticking_every(Duration::from_millis(
        50,
    )))
    .await;
    let enough = |records: &[Value]| records.iter().filter(|r| r["kind"] == "chunk").count() >= 2;
    let (id, records) = tapped_get(&base, "/api/proxy/buffers/clock", enough).await;
    // The tapped connection is the browser's to the proxy; the proxy's own
    // connection to the clock carried no tap.
    assert!(records[0]["start_line"]
        .as_str()
        .unwrap()
        .starts_with(&format!("GET /api/proxy/buffers/clock?tap={id} ")));
    for chunk in records.iter().filter(|r| r["kind"] == "chunk") {
        let data = chunk["data"].as_str().unwrap();
        let events = data.matches("event: tick").count();
        assert!(
            chunk["size"].as_u64().unwrap() >= 512 && events >= 5,
            "a chunk holds a buffer of several events, not one: {events} in {data:?}"
        );
    }
}

#[tokio::test]
async fn lesson6_wire_view_decodes_a_websocket_inside_http2() {
    let lab = serve_trusted_lab(RealtimeSettings::default()).await;
    let base = lab.served.base.clone();
    let lane = lab.served.http2_lane.clone();
    let id = open_tap(&base).await;
    let (send, _driven) = http2_to_lane(&lab).await;
    // The first request names the tap; the WebSocket follows on the same connection.
    let ping = Request::get(format!("{lane}/api/lab/ping?tap={id}"))
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
    let mut incoming = response.await.unwrap().into_body();
    let mask = [9u8, 8, 7, 6];
    let frame = vec![0x81, 0x82, 9, 8, 7, 6, b'h' ^ mask[0], b'i' ^ mask[1]];
    outgoing.send_data(Bytes::from(frame), false).unwrap();
    incoming.data().await.unwrap().unwrap();

    let has_echo = |records: &[Value]| {
        records.iter().any(|r| {
            r["from"] == "server"
                && r["frame_type"] == "DATA"
                && !r["frames"].as_array().unwrap().is_empty()
        })
    };
    let records = records(&base, &id, has_echo).await;
    assert_eq!(records[0]["kind"], "preface");
    let settings = records
        .iter()
        .find(|r| r["from"] == "server" && r["frame_type"] == "SETTINGS")
        .expect("the server's SETTINGS");
    assert!(settings["settings"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(["ENABLE_CONNECT_PROTOCOL", 1])));
    let connect = records
        .iter()
        .find(|r| {
            r["frame_type"] == "HEADERS"
                && r["headers"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!([":protocol", "websocket"]))
        })
        .expect("the extended CONNECT");
    assert!(connect["hpack"]["block_bytes"].as_u64() < connect["hpack"]["as_text_bytes"].as_u64());
    let data = records
        .iter()
        .find(|r| r["from"] == "client" && r["frame_type"] == "DATA")
        .expect("the client's DATA frame");
    let inner = &data["frames"][0];
    assert_eq!(
        (inner["masked"].as_bool(), inner["payload"].as_str()),
        (Some(true), Some("hi"))
    );
    assert_eq!(inner["mask_key"], "09080706");
    // What "hi" cost: the browser's 8-byte frame in a DATA frame with a
    // 9-byte header, 17 bytes; the server's 4-byte echo in one, 13.
    assert_eq!(data["wire_bytes"], 17);
    let echo = records
        .iter()
        .find(|r| has_echo(std::slice::from_ref(r)))
        .unwrap();
    assert_eq!(
        (
            echo["frames"][0]["payload"].as_str(),
            echo["wire_bytes"].as_u64()
        ),
        (Some("hi"), Some(13))
    );
}

/// An HTTP/2 connection to the lab's HTTP/2 lane, driven on a task of its
/// own (its handle ends when the connection does).
async fn http2_to_lane(
    lab: &crate::common::TrustedLab,
) -> (
    h2::client::SendRequest<Bytes>,
    tokio::task::JoinHandle<Result<(), h2::Error>>,
) {
    let mut tls = lab.tls.clone();
    tls.alpn_protocols = vec![b"h2".to_vec()];
    let (send, connection) = h2::client::handshake(connect_tls(&lab.served.http2_lane, tls).await)
        .await
        .unwrap();
    (send, tokio::spawn(connection))
}

/// The tap's capture, downloaded as the page does, read by tshark.
async fn tshark_of_capture(base: &str, id: &str, fields: &[&str]) -> String {
    let response = client()
        .get(format!("{base}/api/wire/taps/{id}/capture.pcapng"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("capture.pcapng");
    std::fs::write(&file, response.bytes().await.unwrap()).unwrap();
    tshark(&file, fields)
}

/// `tshark`'s protocol stack of every packet, and the fields asked for.
fn tshark(file: &std::path::Path, fields: &[&str]) -> String {
    let mut args = vec![
        "-r".to_owned(),
        file.display().to_string(),
        "-T".into(),
        "fields".into(),
    ];
    for field in ["frame.protocols"].iter().chain(fields) {
        args.extend(["-e".to_owned(), (*field).to_owned()]);
    }
    let output = std::process::Command::new("tshark")
        .args(&args)
        .output()
        .expect("tshark runs (bash scripts/setup.sh installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn wire_view_capture_opens_in_tshark_as_http_and_websocket() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let id = open_tap(&base).await;
    let url = format!("{}/api/echo?tap={id}", base.replace("http", "ws"));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    socket.send(Message::text("hello tshark")).await.unwrap();
    socket.close(None).await.unwrap();
    while let Some(Ok(_)) = socket.next().await {}
    records(&base, &id, |_| false).await;

    let out = tshark_of_capture(&base, &id, &["websocket.payload.text"]).await;
    assert!(out.contains(":http"), "{out}");
    assert!(out.contains(":websocket"), "{out}");
    assert!(out.contains("hello tshark"), "{out}");
}

#[tokio::test]
async fn wire_view_capture_of_an_http2_lane_opens_in_tshark_as_http2() {
    let lab = serve_trusted_lab(RealtimeSettings::default()).await;
    let (base, lane) = (lab.served.base.clone(), lab.served.http2_lane.clone());
    let id = open_tap(&base).await;
    let (send, driven) = http2_to_lane(&lab).await;
    let ping = Request::get(format!("{lane}/api/lab/ping?tap={id}"))
        .body(())
        .unwrap();
    let (response, _) = send
        .ready()
        .await
        .unwrap()
        .send_request(ping, true)
        .unwrap();
    let mut body = response.await.unwrap().into_body();
    while body.data().await.is_some() {}
    driven.abort();
    records(&base, &id, |_| false).await;

    let out = tshark_of_capture(&base, &id, &["http2.header.value"]).await;
    assert!(out.contains(":http2"), "{out}");
    assert!(
        out.contains("/api/lab/ping?tap="),
        "HPACK decoded by tshark: {out}"
    );
}

#[tokio::test]
async fn wire_view_taps_are_few_per_client_and_only_a_named_connection_is_copied() {
    let wire = realtime_lab::realtime::wire::WireSettings {
        per_client: 4,
        ..Default::default()
    };
    let base = serve_realtime(RealtimeSettings {
        wire,
        ..Default::default()
    })
    .await;
    for _ in 0..4 {
        open_tap(&base).await;
    }
    let refused = client()
        .post(format!("{base}/api/wire/taps"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("wire views open already"));

    // A made-up id copies nothing, and has no view.
    let made_up = client()
        .get(format!("{base}/api/clock?tap=made-up"))
        .send()
        .await
        .unwrap();
    assert_eq!(made_up.status(), 200, "the demo still answers");
    let view = client()
        .get(format!("{base}/api/wire/taps/made-up/view"))
        .send()
        .await
        .unwrap();
    assert_eq!(view.status(), 404);
}

#[tokio::test]
async fn wire_view_keeps_a_bounded_capture_under_a_flood() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let id = open_tap(&base).await;
    let url = format!("{}/api/echo?tap={id}", base.replace("http", "ws"));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    // 64 messages of 8 KiB each way: 1 MiB, four times the capture's bound.
    let message = "x".repeat(8 * 1024);
    for _ in 0..64 {
        socket.send(Message::text(message.clone())).await.unwrap();
        socket.next().await.unwrap().unwrap();
    }
    socket.close(None).await.unwrap();
    while let Some(Ok(_)) = socket.next().await {}
    let response = client()
        .get(format!("{base}/api/wire/taps/{id}/view"))
        .send()
        .await
        .unwrap();
    let text = tokio::time::timeout(Duration::from_secs(10), response.text())
        .await
        .unwrap()
        .unwrap();
    let closed = text
        .split("event: closed\ndata: ")
        .nth(1)
        .expect("the view ends with event: closed");
    let closed: Value = serde_json::from_str(closed.lines().next().unwrap()).unwrap();
    let left_out = closed["left_out"].as_u64().unwrap();
    assert!(
        left_out > 700 * 1024,
        "about 1 MiB sent, 256 KiB kept: {closed}"
    );
    let frames = text.matches("\"kind\":\"frame\"").count();
    assert!((20..=40).contains(&frames), "frames kept: {frames}");
}

#[tokio::test]
async fn wire_view_a_tap_named_late_on_an_http2_connection_closes_it_for_a_new_one() {
    let lab = serve_trusted_lab(RealtimeSettings::default()).await;
    let (base, lane) = (lab.served.base.clone(), lab.served.http2_lane.clone());
    let id = open_tap(&base).await;
    let (send, driven) = http2_to_lane(&lab).await;
    // The connection's first request names no tap; the second does.
    for path in [
        "/api/lab/ping".to_owned(),
        format!("/api/lab/ping?tap={id}"),
    ] {
        let request = Request::get(format!("{lane}{path}")).body(()).unwrap();
        let (response, _) = send
            .clone()
            .ready()
            .await
            .unwrap()
            .send_request(request, true)
            .unwrap();
        let response = response.await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "the request is answered all the same"
        );
        let mut body = response.into_body();
        while body.data().await.is_some() {}
    }
    // GOAWAY: the server closes the connection once its requests are done.
    tokio::time::timeout(Duration::from_secs(10), driven)
        .await
        .expect("the server closes the connection")
        .unwrap()
        .expect("a graceful close, not an error");
    let status: Value =
        serde_json::from_str(&crate::common::get_text(&format!("{base}/api/wire/taps/{id}")).await)
            .unwrap();
    assert_eq!(
        status,
        serde_json::json!({"claimed": false, "reused": true})
    );
    let response = client()
        .get(format!("{base}/api/wire/taps/{id}/view"))
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().eventsource();
    let names = async {
        let mut names = Vec::new();
        while let Some(Ok(event)) = events.next().await {
            names.push(event.event.clone());
            if event.event == "reused" {
                return names;
            }
        }
        names
    };
    let names = tokio::time::timeout(Duration::from_secs(5), names)
        .await
        .unwrap();
    assert_eq!(names, ["waiting", "reused"]);
}
