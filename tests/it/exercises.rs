//! Exercises graded on the wire, passed (and failed) from a terminal's
//! point of view: the course's real exercises, a personal address from
//! `POST /api/exercises/{id}/token`, Rust clients for the learner's code,
//! and the checklist read back as text, as `curl` would.

use crate::common::{client, get_text, serve_realtime};
use futures_util::{SinkExt, StreamExt};
use realtime_lab::model::exercise::Issued;
use realtime_lab::realtime::exercise::ExerciseSettings;
use realtime_lab::realtime::RealtimeSettings;
use std::time::{Duration, Instant};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

async fn issue(base: &str, exercise: &str) -> Issued {
    let response = client()
        .post(format!("{base}/api/exercises/{exercise}/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "a token for {exercise}");
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// The checklist as a terminal reads it.
async fn checklist(base: &str, issued: &Issued) -> String {
    get_text(&format!("{base}{}", issued.verdicts)).await
}

/// The checklist once no rule is waiting any more (or after 15 s).
async fn decided(base: &str, issued: &Issued) -> String {
    let start = Instant::now();
    loop {
        let text = checklist(base, issued).await;
        if !text.contains("[ .. ]") || start.elapsed() > Duration::from_secs(15) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn ws(base: &str, issued: &Issued) -> String {
    format!("{}{}", base.replace("http://", "ws://"), issued.url)
}

/// Reads an event stream's body until it ends or `until` appears.
async fn read_stream(response: reqwest::Response, until: Option<&str>) -> String {
    let mut body = response.bytes_stream();
    let mut text = String::new();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout(Duration::from_secs(10), body.next()).await
    {
        text.push_str(&String::from_utf8_lossy(&chunk));
        if until.is_some_and(|until| text.contains(until)) {
            break;
        }
    }
    text
}

#[tokio::test]
async fn closing_with_4000_and_a_reason_passes_and_a_bare_close_fails() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let right = issue(&base, "close-with-intent").await;
    assert_eq!(right.url, format!("/x/{}/socket", right.token));
    let (mut socket, _) = connect_async(ws(&base, &right)).await.unwrap();
    socket
        .close(Some(CloseFrame {
            code: CloseCode::from(4000),
            reason: "finished the exercise".into(),
        }))
        .await
        .unwrap();
    let text = decided(&base, &right).await;
    assert!(text.contains("[pass] Closes with code 4000"), "{text}");
    assert!(
        text.contains("closed with 4000 \"finished the exercise\""),
        "{text}"
    );
    assert!(text.ends_with("Passed.\n"), "{text}");

    let wrong = issue(&base, "close-with-intent").await;
    let (mut socket, _) = connect_async(ws(&base, &wrong)).await.unwrap();
    socket.close(None).await.unwrap();
    let text = decided(&base, &wrong).await;
    assert!(text.contains("[FAIL] Closes with code 4000"), "{text}");
    assert!(
        text.contains("closed with no code (1005 on the other side)"),
        "{text}"
    );
    assert!(text.ends_with("Not passed yet.\n"), "{text}");
}

#[tokio::test]
async fn coming_back_after_retry_with_the_last_id_resumes_and_an_impatient_client_fails() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let right = issue(&base, "resume-without-loss").await;
    let url = format!("{base}{}", right.url);
    let first = read_stream(client().get(&url).send().await.unwrap(), None).await;
    assert!(first.starts_with("retry: 1500\n"), "{first}");
    assert!(first.contains("id: 3\ndata: event 3 of 5\n\n"), "{first}");
    assert!(
        !first.contains("id: 4"),
        "the first stream ends after event 3: {first}"
    );
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let response = client()
        .get(&url)
        .header("last-event-id", "3")
        .send()
        .await
        .unwrap();
    let rest = read_stream(response, Some("event: done")).await;
    assert!(rest.contains("id: 4\n") && rest.contains("id: 5\n") && !rest.contains("id: 3\n"));
    let text = decided(&base, &right).await;
    assert!(
        text.contains("sent Last-Event-ID: 3, the last id sent was 3"),
        "{text}"
    );
    assert!(text.contains("[pass] Reconnects no sooner"), "{text}");
    assert!(text.ends_with("Passed.\n"), "{text}");

    let wrong = issue(&base, "resume-without-loss").await;
    let url = format!("{base}{}", wrong.url);
    read_stream(client().get(&url).send().await.unwrap(), None).await;
    let again = client().get(&url).send().await.unwrap();
    drop(again);
    let text = decided(&base, &wrong).await;
    assert!(
        text.contains("[FAIL] Comes back with Last-Event-ID"),
        "{text}"
    );
    assert!(text.contains("reconnected without Last-Event-ID"), "{text}");
    assert!(text.contains("sooner than the server asked"), "{text}");
}

#[tokio::test]
async fn speaking_the_picked_subprotocol_passes_and_the_other_one_fails() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    for speak_right in [true, false] {
        let issued = issue(&base, "pick-a-subprotocol").await;
        let mut request = ws(&base, &issued).into_client_request().unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "v1.exercise, v2.exercise".parse().unwrap(),
        );
        let (mut socket, response) = connect_async(request).await.unwrap();
        let picked = response.headers()["sec-websocket-protocol"]
            .to_str()
            .unwrap()
            .to_string();
        let v1 = picked == "v1.exercise";
        let hello = if v1 == speak_right {
            "hello"
        } else {
            r#"{"type":"hello"}"#
        };
        socket.send(Message::text(hello)).await.unwrap();
        let text = decided(&base, &issued).await;
        assert!(text.contains("[pass] Offers both subprotocols"), "{text}");
        let mark = if speak_right { "[pass]" } else { "[FAIL]" };
        assert!(text.contains(&format!("{mark} Says hello")), "{text}");
        assert!(
            text.contains(&format!("the server picked {picked}")),
            "{text}"
        );
    }
}

#[tokio::test]
async fn one_address_flooding_the_token_endpoint_gets_429() {
    let base = serve_realtime(RealtimeSettings {
        exercises: ExerciseSettings {
            tokens_per_client: 5,
            ..ExerciseSettings::default()
        },
        ..RealtimeSettings::default()
    })
    .await;
    for _ in 0..5 {
        issue(&base, "close-with-intent").await;
    }
    let refused = client()
        .post(format!("{base}/api/exercises/close-with-intent/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let text = refused.text().await.unwrap();
    assert!(
        text.starts_with("Your address already holds 5 exercise tokens"),
        "{text}"
    );
    let unknown = client()
        .post(format!("{base}/api/exercises/no-such-exercise/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn an_expired_token_is_answered_with_410_and_what_to_do() {
    let base = serve_realtime(RealtimeSettings {
        exercises: ExerciseSettings {
            quiet: Duration::from_millis(300),
            ..ExerciseSettings::default()
        },
        ..RealtimeSettings::default()
    })
    .await;
    let issued = issue(&base, "close-with-intent").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let response = client()
        .get(format!("{base}{}", issued.verdicts))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("This exercise token expired: it was unused for 300ms. Get a new one"),
        "{text}"
    );
    let unknown = client()
        .get(format!("{base}/api/exercises/tokens/never-issued"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_learner_side_takes_any_origin_while_the_echo_still_refuses_a_foreign_one() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let issued = issue(&base, "close-with-intent").await;
    // The sandboxed frame's origin is opaque: it sends `Origin: null`.
    let mut request = ws(&base, &issued).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "null".parse().unwrap());
    assert!(connect_async(request).await.is_ok());
    let mut echo = format!("{}/api/echo", base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    echo.headers_mut().insert("origin", "null".parse().unwrap());
    match connect_async(echo).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!("the echo let a null origin in: {other:?}"),
    }
    // A fetch from the frame is preflighted (POST with Authorization).
    let stream = issue(&base, "fetch-reader").await;
    let preflight = client()
        .request(reqwest::Method::OPTIONS, format!("{base}{}", stream.url))
        .header("origin", "null")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, last-event-id",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn a_chatty_socket_is_closed_after_a_hundred_messages_and_its_checklist_still_answers() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let issued = issue(&base, "pick-a-subprotocol").await;
    let (mut socket, _) = connect_async(ws(&base, &issued)).await.unwrap();
    for n in 0..150 {
        if socket
            .send(Message::text(format!("chatter {n}")))
            .await
            .is_err()
        {
            break;
        }
    }
    let code = loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => break frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    };
    assert_eq!(code, Some(1008));
    let text = decided(&base, &issued).await;
    assert!(text.contains("[FAIL] Offers both subprotocols"), "{text}");
    assert!(text.contains("no subprotocol was agreed"), "{text}");
}

#[tokio::test]
async fn the_page_follows_the_verdicts_as_an_event_stream() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let issued = issue(&base, "close-with-intent").await;
    let response = client()
        .get(format!("{base}{}/verdicts", issued.verdicts))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let first = body.next().await.unwrap().unwrap();
    text.push_str(&String::from_utf8_lossy(&first));
    assert!(text.starts_with("event: verdicts\ndata: [{\"rule\":\"closes-with-code-and-reason\",\"standing\":\"waiting\""), "{text}");
    let (mut socket, _) = connect_async(ws(&base, &issued)).await.unwrap();
    socket
        .close(Some(CloseFrame {
            code: CloseCode::from(4000),
            reason: "bye".into(),
        }))
        .await
        .unwrap();
    let next = tokio::time::timeout(Duration::from_secs(5), body.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let next = String::from_utf8_lossy(&next);
    assert!(next.contains("\"standing\":\"passed\""), "{next}");
    assert!(next.contains("closed with 4000 \\\"bye\\\""), "{next}");
}
