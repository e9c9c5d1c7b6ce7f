//! Lesson 3's answer streamed over `fetch`, over the real server: the POST
//! needs its header, streams its tokens with ids, resumes after
//! `Last-Event-ID`; the GET for `EventSource` needs the token in the URL and
//! tells a finished `EventSource` to stop with `204`.

use crate::common::{client, serve_realtime};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use realtime_lab::model::wire::{AnswerDone, AnswerToken};
use realtime_lab::realtime::answer::DEMO_TOKEN;
use realtime_lab::realtime::RealtimeSettings;

/// `(id, text)` of every token, and the `done` event's count.
async fn read_answer(response: reqwest::Response) -> (Vec<(String, String)>, usize) {
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = response.bytes_stream().eventsource();
    let mut tokens = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        match event.event.as_str() {
            "token" => {
                let token: AnswerToken = serde_json::from_str(&event.data).unwrap();
                tokens.push((event.id, token.text));
            }
            "done" => {
                let done: AnswerDone = serde_json::from_str(&event.data).unwrap();
                assert_eq!(event.id, (done.tokens + 1).to_string());
                return (tokens, done.tokens);
            }
            other => panic!("unexpected event {other}"),
        }
    }
    panic!("the stream ended before done");
}

fn ask(base: &str, last_event_id: Option<&str>) -> reqwest::RequestBuilder {
    let request = client()
        .post(format!("{base}/api/answer"))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body(serde_json::json!({ "question": "How do I resume a lost stream?" }).to_string());
    match last_event_id {
        Some(id) => request.header("last-event-id", id),
        None => request,
    }
}

#[tokio::test]
async fn a_post_streams_its_answer_and_resumes_after_the_last_event_id() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let (whole, total) = read_answer(ask(&base, None).send().await.unwrap()).await;
    assert_eq!(whole.len(), total);
    assert!(total > 20, "{total} tokens");
    let ids: Vec<String> = (1..=total).map(|n| n.to_string()).collect();
    assert_eq!(
        whole.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        ids
    );
    assert!(
        whole[1].1.starts_with(' '),
        "each token after the first keeps its space"
    );

    let (rest, _) = read_answer(ask(&base, Some("10")).send().await.unwrap()).await;
    assert_eq!(
        rest,
        whole[10..],
        "the tokens after id 10, none repeated or lost"
    );
}

#[tokio::test]
async fn refusals_say_what_to_send() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let no_token = client()
        .post(format!("{base}/api/answer"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "question": "Why?" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
    assert_eq!(no_token.headers()["www-authenticate"], "Bearer");
    assert!(no_token
        .text()
        .await
        .unwrap()
        .contains("Authorization: Bearer demo-token"));

    let long = client()
        .post(format!("{base}/api/answer"))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body(serde_json::json!({ "question": "a".repeat(301) }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(long.status(), 422);
    assert!(long
        .text()
        .await
        .unwrap()
        .contains("at most 300 characters"));

    let huge = client()
        .post(format!("{base}/api/answer"))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body(format!("{{\"question\":\"{}\"}}", "a".repeat(8 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413, "a body over 4 KiB is not read");
}

#[tokio::test]
async fn the_get_for_event_source_needs_the_token_in_its_url_and_stops_it_when_done() {
    let base = serve_realtime(RealtimeSettings::default()).await;
    let url = format!("{base}/api/answer?question=What%20about%20HTTP/2%3F");
    let refused = client().get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("EventSource cannot send an Authorization header"));

    let with_token = format!("{url}&access_token={DEMO_TOKEN}");
    let (tokens, total) = read_answer(client().get(&with_token).send().await.unwrap()).await;
    assert!(tokens[0].1.starts_with("Over"), "{:?}", tokens[0]);
    let posted = client()
        .post(format!("{base}/api/answer"))
        .bearer_auth(DEMO_TOKEN)
        .header("content-type", "application/json")
        .body(serde_json::json!({ "question": "What about HTTP/2?" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        read_answer(posted).await.0,
        tokens,
        "the same answer both ways"
    );

    // What a left-open EventSource sends after `done` (whose id is total + 1).
    let again = client()
        .get(&with_token)
        .header("last-event-id", (total + 1).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 204, "204 stops EventSource for good");
}
