//! `GET /api/echo` over the real server, with a real WebSocket client.

use crate::common::serve_realtime;
use futures_util::{SinkExt, StreamExt};
use realtime_lab::realtime::{EchoSettings, RealtimeSettings};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame};
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

fn settings(max_message: usize, idle: Duration) -> RealtimeSettings {
    RealtimeSettings {
        echo: EchoSettings {
            max_message,
            idle,
            ..EchoSettings::default()
        },
        ..RealtimeSettings::default()
    }
}

async fn connect(base: &str) -> Socket {
    let url = format!("{}/api/echo", base.replace("http://", "ws://"));
    connect_async(url).await.expect("the upgrade succeeds").0
}

async fn receive(socket: &mut Socket) -> Message {
    tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("a message within 5 s")
        .expect("the socket is open")
        .expect("a valid message")
}

async fn close_frame(socket: &mut Socket) -> CloseFrame {
    loop {
        match receive(socket).await {
            Message::Close(Some(frame)) => return frame,
            Message::Close(None) => panic!("a close frame without a code"),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn echoes_text_and_binary_byte_for_byte() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = connect(&base).await;
    let text = "héllo, wörld ⇄ 🛰️";
    let binary: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    socket.send(Message::text(text)).await.unwrap();
    socket.send(Message::binary(binary.clone())).await.unwrap();
    assert_eq!(receive(&mut socket).await, Message::text(text));
    assert_eq!(receive(&mut socket).await, Message::binary(binary));
}

#[tokio::test]
async fn answers_a_ping_with_its_payload() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = connect(&base).await;
    socket
        .send(Message::Ping(b"are you there?".to_vec().into()))
        .await
        .unwrap();
    assert_eq!(
        receive(&mut socket).await,
        Message::Pong(b"are you there?".to_vec().into())
    );
}

#[tokio::test]
async fn lesson4_close_code_1000_echoed() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = connect(&base).await;
    let frame = CloseFrame {
        code: 1000.into(),
        reason: "done".into(),
    };
    socket.send(Message::Close(Some(frame))).await.unwrap();
    let reply = close_frame(&mut socket).await;
    assert_eq!(
        (u16::from(reply.code), reply.reason.as_str()),
        (1000, "done")
    );
}

#[tokio::test]
async fn echoes_the_clients_close_code() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = connect(&base).await;
    let frame = CloseFrame {
        code: 4001.into(),
        reason: "see you".into(),
    };
    socket.send(Message::Close(Some(frame))).await.unwrap();
    let reply = close_frame(&mut socket).await;
    assert_eq!(
        (u16::from(reply.code), reply.reason.as_str()),
        (4001, "see you")
    );
}

#[tokio::test]
async fn lesson4_close_code_1009_for_a_message_too_big() {
    let base = serve_realtime(settings(1024, Duration::from_secs(30))).await;
    let mut socket = connect(&base).await;
    socket.send(Message::binary(vec![7u8; 1024])).await.unwrap();
    assert_eq!(
        receive(&mut socket).await,
        Message::binary(vec![7u8; 1024]),
        "the limit itself is fine"
    );
    socket.send(Message::binary(vec![7u8; 1025])).await.unwrap();
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 1009);
    assert_eq!(frame.reason.as_str(), "message over the 1024-byte limit");
}

#[tokio::test]
async fn a_frame_well_over_the_limit_still_gets_a_clean_1009() {
    let base = serve_realtime(settings(1024, Duration::from_secs(30))).await;
    let mut socket = connect(&base).await;
    socket
        .send(Message::binary(vec![7u8; 3 * 1024]))
        .await
        .unwrap();
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 1009);
    // The server read the whole frame, so the close handshake completes
    // and the connection ends without a reset.
    socket.send(Message::Close(None)).await.ok();
    let end = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap();
    assert!(
        matches!(end, None | Some(Ok(Message::Close(_)))),
        "clean end, got {end:?}"
    );
}

#[tokio::test]
async fn lesson4_close_code_1011_server_error() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!(
        "{}/api/echo?fault=server-error",
        base.replace("http://", "ws://")
    );
    let mut socket = connect_async(url).await.unwrap().0;
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 1011);
}

#[tokio::test]
async fn a_dropped_socket_ends_without_a_close_frame() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!("{}/api/echo?fault=drop", base.replace("http://", "ws://"));
    let mut socket = connect_async(url).await.unwrap().0;
    let end = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("the server ends the socket at once");
    assert!(
        !matches!(end, Some(Ok(Message::Close(_)))),
        "no close frame, got {end:?}"
    );
}

#[tokio::test]
async fn a_ping_storm_is_answered_by_the_client_then_reported_and_the_echo_goes_on() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!(
        "{}/api/echo?fault=ping-storm",
        base.replace("http://", "ws://")
    );
    let mut socket = connect_async(url).await.unwrap().0;
    // A message sent during the storm is not lost: it is echoed after the report.
    socket
        .send(Message::text("sent during the storm"))
        .await
        .unwrap();
    let (mut pings, mut texts) = (0, Vec::new());
    while texts.len() < 2 {
        // tungstenite answers each ping with a pong as it reads, as a browser does.
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => pings += 1,
            Ok(Some(Ok(Message::Text(text)))) => texts.push(text.to_string()),
            other => panic!("the storm should end in its report, got {other:?}"),
        }
    }
    assert_eq!(pings, 50);
    assert!(
        texts[0]
            .starts_with("ping storm: the server sent 50 pings at once; 50 pongs came back in "),
        "{texts:?}"
    );
    assert_eq!(texts[1], "sent during the storm");
    socket.send(Message::text("after")).await.unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .unwrap();
    assert_eq!(echoed.unwrap().unwrap(), Message::text("after"));
}

#[tokio::test]
async fn an_unknown_fault_is_refused_with_the_list_of_faults() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!(
        "{}/api/echo?fault=explode",
        base.replace("http://", "ws://")
    );
    let Err(Error::Http(response)) = connect_async(url).await else {
        panic!("the upgrade should be refused");
    };
    assert_eq!(response.status(), 400);
    let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("server-error") && body.contains("drop") && body.contains("ping-storm"),
        "{body}"
    );
}

#[tokio::test]
async fn lesson4_close_code_1007_for_text_that_is_not_utf8() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = connect(&base).await;
    let bad_text = Frame::message(vec![0x68, 0x69, 0xff, 0xfe], OpCode::Data(Data::Text), true);
    socket.send(Message::Frame(bad_text)).await.unwrap();
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 1007);
}

#[tokio::test]
async fn lesson4_close_code_1008_when_idle() {
    let base = serve_realtime(settings(1024, Duration::from_millis(300))).await;
    let mut socket = connect(&base).await;
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 1008);
    assert_eq!(frame.reason.as_str(), "idle for 300ms");
}

/// A peer that vanished without a TCP reset answers no ping: the server
/// drops it after its pong deadline, where a client that reads (and so
/// answers every ping) stays, and a pong does not count as a message for the
/// idle rule.
#[tokio::test]
async fn lesson8_a_client_that_answers_no_ping_is_dropped_after_the_pong_deadline() {
    let mut quick = settings(1024, Duration::from_secs(60));
    quick.echo.ping_after = Duration::from_millis(300);
    quick.echo.pong_deadline = Duration::from_millis(300);
    let base = serve_realtime(quick).await;
    let mut silent = connect(&base).await; // never read until the end: no pong goes back
    let mut alive = connect(&base).await;

    let until = tokio::time::Instant::now() + Duration::from_millis(1500);
    let mut pings = 0;
    while let Ok(Some(message)) = tokio::time::timeout_at(until, alive.next()).await {
        match message.expect("the answering client stays connected") {
            Message::Ping(_) => pings += 1,
            other => panic!("only pings while quiet, not {other:?}"),
        }
    }
    assert!(pings >= 2, "pinged while quiet ({pings} pings)");
    alive.send(Message::text("still here")).await.unwrap();
    assert_eq!(receive(&mut alive).await, Message::text("still here"));

    let mut pinged = false;
    loop {
        let next = tokio::time::timeout(Duration::from_secs(5), silent.next())
            .await
            .expect("the silent client's connection has ended");
        match next {
            Some(Ok(Message::Ping(_))) => pinged = true,
            Some(Ok(other)) => panic!("a dead peer gets no {other:?}"),
            Some(Err(_)) | None => break,
        }
    }
    assert!(
        pinged,
        "the server pinged the silent client before dropping it"
    );
}

/// Lesson 8 quotes the defaults.
#[test]
fn the_default_ping_comes_after_30_seconds_with_10_for_the_pong() {
    let echo = EchoSettings::default();
    assert_eq!(echo.ping_after, Duration::from_secs(30));
    assert_eq!(echo.pong_deadline, Duration::from_secs(10));
}

#[tokio::test]
async fn refuses_an_upgrade_from_a_foreign_origin_with_403() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!("{}/api/echo", base.replace("http://", "ws://"));
    let mut request = url.as_str().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match connect_async(request).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("expected 403, got {other:?}"),
    }

    let mut same_site = url.as_str().into_client_request().unwrap();
    let host = base.trim_start_matches("http://");
    same_site
        .headers_mut()
        .insert("origin", format!("http://{host}").parse().unwrap());
    assert!(
        connect_async(same_site).await.is_ok(),
        "the site's own pages may connect"
    );
}

#[tokio::test]
async fn refuses_sockets_over_the_limit_with_503() {
    let mut limited = RealtimeSettings::default();
    limited.echo.max_open_sockets = 1;
    let base = serve_realtime(limited).await;
    let _first = connect(&base).await;
    let url = format!("{}/api/echo", base.replace("http://", "ws://"));
    match connect_async(url).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("expected 503, got {other:?}"),
    }
}

#[tokio::test]
async fn a_client_over_its_share_of_sockets_gets_429() {
    let mut limited = RealtimeSettings::default();
    limited.echo.max_sockets_per_client = 2;
    let base = serve_realtime(limited).await;
    let _first = connect(&base).await;
    let _second = connect(&base).await;
    let url = format!("{}/api/echo", base.replace("http://", "ws://"));
    match connect_async(url).await {
        Err(Error::Http(response)) => {
            assert_eq!(response.status(), 429);
            assert_eq!(response.headers()["retry-after"], "5");
        }
        other => panic!("expected 429, got {other:?}"),
    }
}

#[tokio::test]
async fn with_hello_the_first_message_says_how_the_socket_arrived() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!("{}/api/echo?hello", base.replace("http://", "ws://"));
    let mut socket = connect_async(url).await.unwrap().0;
    let Message::Text(hello) = receive(&mut socket).await else {
        panic!("a text hello first");
    };
    assert!(hello.starts_with("hello: "), "{hello}");
    assert!(hello.contains("HTTP/1.1 Upgrade"), "{hello}");
    socket.send(Message::text("then the echo")).await.unwrap();
    assert_eq!(receive(&mut socket).await, Message::text("then the echo"));
}

/// The test server starts through `server::start` with its flags parsed as
/// `main` parses them, so a realtime flag given to it takes effect (the
/// harness once built these settings apart and dropped such a flag).
#[tokio::test]
async fn a_realtime_flag_given_to_the_test_server_takes_effect() {
    use crate::common::{as_flagged, manifest_dir, start};
    let served = start(
        &manifest_dir().join("content"),
        &manifest_dir().join("target/site"),
        &["--no-lab", "--ws-max-message", "200"],
        as_flagged,
    )
    .await;
    let mut socket = connect(&served.base).await;
    socket.send(Message::binary(vec![7u8; 200])).await.unwrap();
    assert_eq!(receive(&mut socket).await, Message::binary(vec![7u8; 200]));
    socket.send(Message::binary(vec![7u8; 201])).await.unwrap();
    let frame = close_frame(&mut socket).await;
    assert_eq!(u16::from(frame.code), 1009);
    assert_eq!(frame.reason.as_str(), "message over the 200-byte limit");
}

/// `?fault=expire`: the socket echoes as usual until its pretend token's
/// 10 s are up, then the server closes it with 1008 and says why.
#[tokio::test]
async fn lesson8_a_socket_is_closed_with_1008_when_its_login_expires() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!("{}/api/echo?fault=expire", base.replace("http://", "ws://"));
    let (mut socket, _) = connect_async(url).await.unwrap();
    let opened = std::time::Instant::now();
    socket.send(Message::text("still mine")).await.unwrap();
    assert_eq!(receive(&mut socket).await, Message::text("still mine"));
    // Nothing else comes until then: wait longer than `receive` does.
    let closed = tokio::time::timeout(Duration::from_secs(15), socket.next())
        .await
        .expect("closed within 15 s");
    let Some(Ok(Message::Close(Some(frame)))) = closed else {
        panic!("a close frame, not {closed:?}");
    };
    let lived = opened.elapsed();
    assert_eq!(u16::from(frame.code), 1008);
    assert_eq!(
        frame.reason.as_str(),
        "token expired: get a new one, then reconnect"
    );
    assert!(
        lived >= Duration::from_millis(9_500) && lived < Duration::from_secs(14),
        "closed when the 10 s were up, not after {lived:?}"
    );
}
