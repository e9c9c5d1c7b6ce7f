//! The handshake inspector reports the real request and response heads.

use crate::common::{client, serve_realtime};
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

/// The report kept under `id` (`?report={id}`).
async fn kept_report(base: &str, id: &str) -> HandshakeReport {
    let url = format!("{base}/api/inspect/report/{id}");
    let response = client().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// The first event of an inspector stream, with the response it came in.
async fn first_report(response: reqwest::Response) -> HandshakeReport {
    let mut events = response.bytes_stream().eventsource();
    let event = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("the report comes at once")
        .unwrap()
        .unwrap();
    serde_json::from_str(&event.data).unwrap()
}

/// Lesson 2's cases for an event stream on another origin: the lab's
/// HTTP/1.1 lane, asked by a lesson page of the site (`Origin` = the site).
#[tokio::test]
async fn lesson2_cross_origin_event_streams_get_the_cors_headers_each_case_names() {
    let served = crate::common::serve_lab(RealtimeSettings::default()).await;
    let lane = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let ask = |cors: &str, origin: &str| {
        lane.get(format!("{}/api/inspect/sse?cors={cors}", served.http1_lane))
            .header("origin", origin)
            .header("accept", "text/event-stream")
            .send()
    };
    let page = served.base.as_str();
    let header = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };

    let none = ask("none", page).await.unwrap();
    assert_eq!(
        none.status(),
        200,
        "the server answers: the browser refuses"
    );
    assert_eq!(header(&none, "access-control-allow-origin"), None);
    let report = first_report(none).await;
    assert_eq!(report.request.header("origin"), Some(page));

    let any = ask("any", page).await.unwrap();
    assert_eq!(
        header(&any, "access-control-allow-origin").as_deref(),
        Some("*")
    );
    assert_eq!(header(&any, "access-control-allow-credentials"), None);

    let exact = ask("exact", page).await.unwrap();
    assert_eq!(
        header(&exact, "access-control-allow-origin").as_deref(),
        Some(page)
    );
    assert_eq!(
        header(&exact, "access-control-allow-credentials").as_deref(),
        Some("true")
    );
    assert_eq!(header(&exact, "vary").as_deref(), Some("origin"));
    let report = first_report(exact).await;
    assert_eq!(
        report.response.header("access-control-allow-origin"),
        Some(page),
        "the report shows the answer as sent"
    );

    // Never an echo of any origin: only the site's own pages are named.
    let foreign = ask("exact", "https://evil.example").await.unwrap();
    assert_eq!(header(&foreign, "access-control-allow-origin"), None);
    assert_eq!(header(&foreign, "access-control-allow-credentials"), None);
    assert_eq!(header(&foreign, "vary").as_deref(), Some("origin"));
}

#[tokio::test]
async fn keeps_a_report_for_the_page_to_read_back() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let response = client()
        .get(format!("{base}/api/inspect/sse?cors=none&report=case-1-ab"))
        .header("cookie", "session=s3cret")
        .send()
        .await
        .unwrap();
    let sent = first_report(response).await;
    let kept = kept_report(&base, "case-1-ab").await;
    assert_eq!(kept.response, sent.response);
    assert_eq!(kept.request.start_line, sent.request.start_line);
    assert_eq!(kept.request.header("cookie"), Some("session=…"));

    let missing = client()
        .get(format!("{base}/api/inspect/report/never-made"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("?report={id}"));
    for bad in ["report=a%2Fb", "cors=sometimes"] {
        let refused = client()
            .get(format!("{base}/api/inspect/sse?{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "{bad}");
        let parameter = format!("?{}=", bad.split('=').next().unwrap());
        let message = refused.text().await.unwrap();
        assert!(message.contains(&parameter), "{message}");
    }
}

/// A socket offered `inspector.v1`: `?subprotocol=echo` answers with it;
/// `?subprotocol=ignore` answers `101` without it, which the WHATWG
/// standard (and tungstenite, like every browser) treats as a failure.
#[tokio::test]
async fn lesson2_a_socket_must_answer_the_subprotocol_the_page_offered() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::error::{Error, ProtocolError, SubProtocolError};
    let base = serve_realtime(RealtimeSettings::default()).await;
    let offer = |mode: &str| {
        let url = format!(
            "{}/api/inspect/ws?subprotocol={mode}&report=sub-{mode}",
            base.replace("http://", "ws://")
        );
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", "inspector.v1".parse().unwrap());
        connect_async(request)
    };
    let (_socket, answered) = offer("echo").await.unwrap();
    assert_eq!(answered.headers()["sec-websocket-protocol"], "inspector.v1");

    let error = offer("ignore").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Protocol(ProtocolError::SecWebSocketSubProtocolError(
                SubProtocolError::NoSubProtocol
            ))
        ),
        "{error}"
    );
    let kept = kept_report(&base, "sub-ignore").await;
    assert_eq!(
        kept.request.header("sec-websocket-protocol"),
        Some("inspector.v1")
    );
    assert_eq!(kept.response.start_line, "HTTP/1.1 101 Switching Protocols");
    assert_eq!(kept.response.header("sec-websocket-protocol"), None);
}

/// No CORS for a socket: the server decides by `Origin`, and keeps the
/// `403` it answered, which the page never sees.
#[tokio::test]
async fn lesson2_a_socket_from_another_origin_is_refused_by_the_server_not_the_browser() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let served = crate::common::serve_lab(RealtimeSettings::default()).await;
    let base = served.base.clone();
    let url = format!(
        "{}/api/inspect/ws?report=other-origin",
        base.replace("http://", "ws://")
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", served.http1_lane.parse().unwrap());
    let error = connect_async(request).await.unwrap_err();
    assert!(matches!(error, tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 403));
    let kept = kept_report(&base, "other-origin").await;
    assert_eq!(kept.response.start_line, "HTTP/1.1 403 Forbidden");
    assert_eq!(
        kept.request.header("origin"),
        Some(served.http1_lane.as_str())
    );
}
