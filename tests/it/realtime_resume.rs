//! `GET /api/echo/resume` over the real server, with a real WebSocket
//! client: a lost link, a resume with nothing lost and nothing twice, and
//! the socket's refusals.

use crate::common::serve_realtime;
use futures_util::{SinkExt, StreamExt};
use realtime_lab::model::wire::{ResumeFromPage, ResumeFromServer};
use realtime_lab::realtime::RealtimeSettings;
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(base: &str, query: &str) -> Socket {
    let url = format!(
        "{}/api/echo/resume{query}",
        base.replace("http://", "ws://")
    );
    connect_async(url).await.expect("the upgrade succeeds").0
}

/// The next message, `None` once the connection has ended.
async fn next(socket: &mut Socket) -> Option<Message> {
    tokio::time::timeout(Duration::from_secs(5), socket.next())
        .await
        .expect("something within 5 s")
        .and_then(Result::ok)
}

async fn receive(socket: &mut Socket) -> ResumeFromServer {
    match next(socket).await {
        Some(Message::Text(text)) => serde_json::from_str(&text).expect("a wire message"),
        other => panic!("expected a text message, got {other:?}"),
    }
}

async fn send(socket: &mut Socket, message: &ResumeFromPage) {
    let json = serde_json::to_string(message).unwrap();
    socket.send(Message::text(json)).await.unwrap();
}

fn page(num: u64) -> ResumeFromPage {
    ResumeFromPage::Send {
        num,
        text: format!("m{num}"),
    }
}

fn echo(seq: u64, of: u64) -> ResumeFromServer {
    ResumeFromServer::Echo {
        seq,
        of,
        text: format!("m{of}"),
    }
}

/// The welcome's session, after checking the rest of it.
async fn welcomed(socket: &mut Socket, resumed: bool, received: u64, lost: u64) -> String {
    match receive(socket).await {
        ResumeFromServer::Welcome {
            session,
            resumed: r,
            received: got,
            lost: l,
        } => {
            assert_eq!((r, got, l), (resumed, received, lost), "the welcome");
            session
        }
        other => panic!("expected a welcome, got {other:?}"),
    }
}

async fn close_frame(socket: &mut Socket) -> CloseFrame {
    loop {
        match next(socket).await {
            Some(Message::Close(Some(frame))) => return frame,
            Some(Message::Close(None)) | None => panic!("expected a close frame with a code"),
            Some(_) => continue,
        }
    }
}

#[tokio::test]
async fn a_lost_link_resumes_with_nothing_lost_and_nothing_twice() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = open(&base, "").await;
    let session = welcomed(&mut socket, false, 0, 0).await;
    send(&mut socket, &ResumeFromPage::Cut { after: 3 }).await;
    for num in 1..=6 {
        send(&mut socket, &page(num)).await;
    }
    // The server handles 1 to 3, sends none of their echoes, and drops
    // the connection with no close frame.
    assert_eq!(next(&mut socket).await, None, "no echo, no close frame");

    let mut again = open(&base, &format!("?session={session}&seen=0")).await;
    assert_eq!(welcomed(&mut again, true, 3, 0).await, session);
    for seq in 1..=3 {
        assert_eq!(
            receive(&mut again).await,
            echo(seq, seq),
            "kept, and sent again"
        );
    }
    // A resend of what the server has is dropped; the rest is echoed.
    for num in [3, 4, 5, 6] {
        send(&mut again, &page(num)).await;
    }
    for seq in 4..=6 {
        assert_eq!(receive(&mut again).await, echo(seq, seq));
    }
    drop(again);

    // Seen up to 5: only the sixth echo again.
    let mut third = open(&base, &format!("?session={session}&seen=5")).await;
    welcomed(&mut third, true, 6, 0).await;
    assert_eq!(receive(&mut third).await, echo(6, 6));
    send(&mut third, &page(7)).await;
    assert_eq!(
        receive(&mut third).await,
        echo(7, 7),
        "nothing else came first"
    );
}

#[tokio::test]
async fn an_unknown_session_is_a_new_one() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut socket = open(&base, "?session=forgotten&seen=12").await;
    let session = welcomed(&mut socket, false, 0, 0).await;
    assert_ne!(session, "forgotten");
    send(&mut socket, &page(1)).await;
    assert_eq!(receive(&mut socket).await, echo(1, 1));
}

#[tokio::test]
async fn a_newer_socket_takes_the_session_over() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let mut first = open(&base, "").await;
    let session = welcomed(&mut first, false, 0, 0).await;
    let mut second = open(&base, &format!("?session={session}&seen=0")).await;
    welcomed(&mut second, true, 0, 0).await;
    send(&mut first, &page(1)).await;
    let frame = close_frame(&mut first).await;
    assert_eq!(u16::from(frame.code), 1000);
    assert_eq!(
        frame.reason.as_str(),
        "a newer socket took this session over"
    );
    send(&mut second, &page(1)).await;
    assert_eq!(receive(&mut second).await, echo(1, 1));
}

#[tokio::test]
async fn what_the_socket_refuses_closes_it_with_a_code_that_says_why() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let cases: [(Message, u16, &str); 4] = [
        (
            Message::text(serde_json::to_string(&page(2)).unwrap()),
            1008,
            "message 2 came before message 1",
        ),
        (
            Message::binary(vec![1, 2, 3]),
            1003,
            "this socket speaks JSON text messages only",
        ),
        (
            Message::text(
                serde_json::to_string(&ResumeFromPage::Send {
                    num: 1,
                    text: "x".repeat(501),
                })
                .unwrap(),
            ),
            1009,
            "a message's text is at most 500 bytes",
        ),
        (Message::text("hello"), 1008, "not a message of this socket"),
    ];
    for (message, code, reason) in cases {
        let mut socket = open(&base, "").await;
        welcomed(&mut socket, false, 0, 0).await;
        socket.send(message).await.unwrap();
        let frame = close_frame(&mut socket).await;
        assert_eq!(u16::from(frame.code), code, "{reason}");
        assert!(
            frame.reason.as_str().starts_with(reason),
            "{:?} starts with {reason:?}",
            frame.reason.as_str()
        );
    }
}
