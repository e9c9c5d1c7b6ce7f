//! Presenter mode over the real server: the presenter's link, moves, the
//! learner count, polls, and the token kept out of every learner's answer.

use crate::common::room::{
    learner, log_in, next_named, no_redirects, open, post, presenter, serve_room, TOKEN,
};
use crate::common::{built_site_root, client, client_from, manifest_dir, serve_with};
use eventsource_stream::Event;
use futures_util::StreamExt;
use realtime_lab::model::room::{
    QuestionState, RoomAudience, RoomPoll, RoomPosition, RoomPresence, RoomPulse, RoomQuestions,
};
use realtime_lab::realtime::room::{RoomSettings, PRESENTER_GRACE};
use realtime_lab::realtime::RealtimeSettings;
use std::time::Duration;

#[tokio::test]
async fn the_presenter_link_trades_the_token_for_a_cookie_and_only_that_cookie_drives() {
    let base = serve_room(None).await;
    let wrong = no_redirects()
        .get(format!("{base}/room/present?token=not-the-token-at-all"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("not the presenter's link"));
    let cookie = log_in(&base).await;

    let body = r#"{"slug":"event-stream","section":""}"#;
    let (status, words) = post(&base, "/api/room/position", None, body).await;
    assert_eq!(status, 403, "{words}");
    assert!(
        words.contains("Only the presenter drives the room"),
        "{words}"
    );
    let (status, _) = post(&base, "/api/room/position", Some(&cookie), body).await;
    assert_eq!(status, 200);

    let page = client()
        .get(format!("{base}/present/event-stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403, "no cookie, no controls");
    let page = client()
        .get(format!("{base}/present/event-stream"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"data-room="presenter""#),
        "the presenter's strip"
    );
    assert!(html.contains("<svg"), "the join link's QR code");
    assert!(html.contains("/room</strong>"), "the join link in words");
    assert!(
        html.contains(r#"href="/present/headers-and-handshakes""#),
        "the presenter's links stay in presenter mode"
    );
    assert!(!html.contains(r#"href="/lessons/headers-and-handshakes""#));
    assert!(!html.contains(TOKEN));
}

#[tokio::test]
async fn the_token_is_in_no_learner_page_nor_stream() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    post(
        &base,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":"retry"}"#,
    )
    .await;
    for path in ["/", "/lessons/event-stream", "/lessons/production", "/room"] {
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(r#"data-room="learner""#),
            "{path} has the learner's strip"
        );
        assert!(!html.contains(TOKEN), "{path}");
        assert!(!html.contains(r#"data-room="presenter""#), "{path}");
        assert!(
            !html.contains(r#"href="/present/"#),
            "{path}: a learner's links stay learners'"
        );
    }
    let mut raw = client()
        .get(format!("{base}/api/room/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream();
    let mut text = String::new();
    while !text.contains("event: position") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), raw.next()).await;
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap().unwrap()));
    }
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn a_move_reaches_every_learner_with_its_number_and_a_reconnect_is_not_moved_again() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let mut learners = Vec::new();
    for _ in 0..3 {
        learners.push(learner(&base).await);
    }
    let (status, words) = post(
        &base,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":"retry"}"#,
    )
    .await;
    assert_eq!(status, 200, "{words}");
    for events in &mut learners {
        let event = next_named(events, "position").await;
        assert_eq!(event.id, "1");
        let position: RoomPosition = serde_json::from_str(&event.data).unwrap();
        assert_eq!(
            (position.slug.as_str(), position.section.as_str()),
            ("event-stream", "retry")
        );
        assert!(position.fresh);
    }
    // EventSource reconnects with the id it saw; a new page says it with ?seen=.
    let mut resumed = open(format!("{base}/api/room/events"), None, Some(1)).await;
    let seen: RoomPosition =
        serde_json::from_str(&next_named(&mut resumed, "position").await.data).unwrap();
    assert!(
        !seen.fresh,
        "a move this browser saw does not move it again"
    );
    let mut new_page = open(format!("{base}/api/room/events?seen=1"), None, None).await;
    let seen: RoomPosition =
        serde_json::from_str(&next_named(&mut new_page, "position").await.data).unwrap();
    assert!(!seen.fresh);
    let mut late = learner(&base).await;
    let joined: RoomPosition =
        serde_json::from_str(&next_named(&mut late, "position").await.data).unwrap();
    assert!(
        joined.fresh,
        "a learner who joins late is brought to the room"
    );

    let (status, words) = post(
        &base,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"../x\"><script>","section":""}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(words.contains("is not a lesson or heading name"), "{words}");
}

#[tokio::test]
async fn the_learner_count_rises_and_falls_on_the_presenters_stream() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let mut presenter = presenter(&base, &cookie).await;
    let count = |event: Event| {
        serde_json::from_str::<RoomAudience>(&event.data)
            .unwrap()
            .learners
    };
    assert_eq!(count(next_named(&mut presenter, "audience").await), 0);
    let (one, two) = (learner(&base).await, learner(&base).await);
    let mut seen = 0;
    while seen != 2 {
        seen = count(next_named(&mut presenter, "audience").await);
    }
    drop(one);
    assert_eq!(count(next_named(&mut presenter, "audience").await), 1);
    drop(two);
    assert_eq!(count(next_named(&mut presenter, "audience").await), 0);

    let refused = client()
        .get(format!("{base}/api/room/presenter/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "the count is the presenter's");
}

#[tokio::test]
async fn a_poll_takes_one_answer_per_browser_and_shows_the_counts_once_revealed() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let mut watching = learner(&base).await;
    let asked = r#"{"question":"Which one sends binary frames?","options":["SSE","WebSocket"]}"#;
    let (status, words) = post(&base, "/api/room/poll", Some(&cookie), asked).await;
    assert_eq!(status, 200, "{words}");
    let poll: RoomPoll =
        serde_json::from_str(&next_named(&mut watching, "poll").await.data).unwrap();
    assert_eq!(poll.options, ["SSE", "WebSocket"]);
    assert_eq!(
        poll.counts, None,
        "learners see no counts before the reveal"
    );

    let answer = |choice: usize| format!(r#"{{"poll":{},"choice":{choice}}}"#, poll.id);
    let first = client()
        .post(format!("{base}/api/room/answer"))
        .header("content-type", "application/json")
        .body(answer(1))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 204);
    let voter = first.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, words) = post(&base, "/api/room/answer", Some(&voter), &answer(0)).await;
    assert_eq!(status, 409, "one answer per browser");
    assert!(words.contains("answered this poll already"), "{words}");
    let (status, _) = post(&base, "/api/room/answer", None, &answer(1)).await;
    assert_eq!(status, 204, "another browser");
    let (status, _) = post(&base, "/api/room/answer", None, &answer(0)).await;
    assert_eq!(status, 204);
    let (status, words) = post(&base, "/api/room/answer", None, &answer(5)).await;
    assert_eq!(status, 400, "{words}");

    let (status, _) = post(&base, "/api/room/poll/reveal", Some(&cookie), "").await;
    assert_eq!(status, 200);
    let revealed: RoomPoll =
        serde_json::from_str(&next_named(&mut watching, "poll").await.data).unwrap();
    assert_eq!(revealed.counts, Some(vec![1, 2]));
    post(&base, "/api/room/poll/close", Some(&cookie), "").await;
    let (status, words) = post(&base, "/api/room/answer", None, &answer(0)).await;
    assert_eq!((status, words.as_str()), (409, "This poll is closed.\n"));

    let (status, words) = post(
        &base,
        "/api/room/poll",
        Some(&cookie),
        r#"{"question":"?","options":["only one"]}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(words.contains("2 to 6 options"), "{words}");
}

#[tokio::test]
async fn learners_are_told_when_the_presenter_leaves() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let mut watching = learner(&base).await;
    let present = |event: Event| {
        serde_json::from_str::<RoomPresence>(&event.data)
            .unwrap()
            .present
    };
    assert!(!present(next_named(&mut watching, "presenter").await));
    let presenter = presenter(&base, &cookie).await;
    assert!(present(next_named(&mut watching, "presenter").await));
    drop(presenter);
    let left = tokio::time::Instant::now();
    assert!(!present(next_named(&mut watching, "presenter").await));
    assert!(
        left.elapsed() >= PRESENTER_GRACE - Duration::from_millis(300),
        "after the grace, not before"
    );
}

#[tokio::test]
async fn one_address_cannot_take_the_whole_room() {
    let settings = RealtimeSettings {
        room: Some(RoomSettings {
            token: TOKEN.into(),
            max_audience: 100,
            audience_per_client: 3,
            join_url: None,
            redis: None,
        }),
        ..RealtimeSettings::default()
    };
    let base = serve_with(
        &manifest_dir().join("content"),
        &built_site_root(),
        settings,
    )
    .await;
    let greedy = client_from("127.0.0.2");
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(
            greedy
                .get(format!("{base}/api/room/events"))
                .send()
                .await
                .unwrap(),
        );
    }
    let refused = greedy
        .get(format!("{base}/api/room/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let other = client_from("127.0.0.3")
        .get(format!("{base}/api/room/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "another learner still gets in");
}

#[tokio::test]
async fn without_presenter_mode_the_room_says_how_to_start_it() {
    let base = serve_with(
        &manifest_dir().join("content"),
        &built_site_root(),
        RealtimeSettings::default(),
    )
    .await;
    let response = client()
        .get(format!("{base}/api/room/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("--presenter"));
    let page = client()
        .get(format!("{base}/lessons/event-stream"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("data-room"), "no strip without a room");
}

/// A lesson's speaker notes are on the presenter's page, where they stand,
/// and on no page, Markdown or search a learner can reach; the strip counts
/// the lesson's `duration` down.
#[tokio::test]
async fn speaker_notes_and_the_plan_are_the_presenters_alone() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let notes = "Pause there until most of the room has found it.";
    let presenter = client()
        .get(format!("{base}/present/event-stream"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(presenter.contains(r#"<aside class="speaker-notes" aria-label="Speaker notes">"#));
    assert!(presenter.contains(notes), "the notes, rendered");
    assert!(
        presenter.find(notes) > presenter.find("data-demo=\"sse-clock\""),
        "where they stand: after the clock"
    );
    assert!(
        presenter.contains(r#"data-room-clock="lesson" data-planned="1500""#),
        "25min"
    );
    for learner_sees in [
        format!("{base}/lessons/event-stream"),
        format!("{base}/lessons/event-stream.md"),
        format!("{base}/search?q=pause+there"),
    ] {
        let text = client()
            .get(&learner_sees)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!text.contains(notes), "{learner_sees}");
        assert!(!text.contains("speaker-notes"), "{learner_sees}");
    }
}

/// Each move carries when the room came to its lesson and when the
/// workshop started, for the presenter's timer; a restart starts both again.
#[tokio::test]
async fn a_move_carries_the_presenters_clock() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let go = |body: &'static str| {
        let (base, cookie) = (base.clone(), cookie.clone());
        async move {
            let (status, words) = post(&base, "/api/room/position", Some(&cookie), body).await;
            assert_eq!(status, 200, "{words}");
            serde_json::from_str::<RoomPosition>(&words).unwrap()
        }
    };
    let first = go(r#"{"slug":"event-stream","section":""}"#).await;
    assert!(first.started > 0 && first.lesson_since == first.started);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let same_lesson = go(r#"{"slug":"event-stream","section":"retry"}"#).await;
    assert_eq!(
        (same_lesson.lesson_since, same_lesson.started),
        (first.lesson_since, first.started)
    );
    let next = go(r#"{"slug":"websocket-frames","section":""}"#).await;
    assert!(
        next.lesson_since > first.lesson_since,
        "a new lesson's clock"
    );
    assert_eq!(next.started, first.started, "the same workshop");
    let restarted = go(r#"{"slug":"websocket-frames","section":"","restart_clock":true}"#).await;
    assert!(restarted.started > first.started);
    assert_eq!(restarted.lesson_since, restarted.started);
}

/// Learners mark the room's section done or stuck, once per browser; the
/// presenter's stream gets the counts (no names), from zero on each move.
#[tokio::test]
async fn done_and_stuck_are_counted_per_move_for_the_presenter() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let mut presenter = presenter(&base, &cookie).await;
    let mark = |n: u8, seq: u64, mark: &str| {
        let base = base.clone();
        let body = format!(r#"{{"seq":{seq},"mark":"{mark}"}}"#);
        async move {
            let voter = format!("realtime_lab_voter=browser-{n}");
            post(&base, "/api/room/pulse", Some(&voter), &body).await
        }
    };
    let (status, words) = mark(1, 1, "done").await;
    assert_eq!(status, 409, "no move to mark yet: {words}");
    assert!(words.contains("moved on"), "{words}");
    let go = |section: &'static str| {
        let (base, cookie) = (base.clone(), cookie.clone());
        async move {
            let body = format!(r#"{{"slug":"event-stream","section":"{section}"}}"#);
            post(&base, "/api/room/position", Some(&cookie), &body).await
        }
    };
    go("retry").await;
    for (n, m) in [
        (1, "done"),
        (2, "done"),
        (3, "stuck"),
        (3, "done"),
        (2, "clear"),
    ] {
        let (status, words) = mark(n, 1, m).await;
        assert_eq!(status, 204, "{words}");
    }
    let pulse = |seq, done, stuck| RoomPulse { seq, done, stuck };
    until(&mut presenter, pulse(1, 2, 0)).await;

    go("last-event-id").await;
    let (status, words) = mark(1, 1, "done").await;
    assert_eq!(status, 409, "a mark on the last move: {words}");
    let (status, _) = mark(4, 2, "stuck").await;
    assert_eq!(status, 204);
    until(&mut presenter, pulse(2, 0, 1)).await;
    let (status, words) = post(
        &base,
        "/api/room/pulse",
        None,
        r#"{"seq":2,"mark":"maybe"}"#,
    )
    .await;
    assert_eq!(status, 422, "{words}");
}

/// Reads `pulse` events until one says `wanted`.
async fn until(presenter: &mut crate::common::room::Events, wanted: RoomPulse) {
    loop {
        let event = next_named(presenter, "pulse").await;
        if serde_json::from_str::<RoomPulse>(&event.data).unwrap() == wanted {
            return;
        }
    }
}

/// Questions from the room: asked at a browser's pace, voted once per
/// browser, marked by the presenter; learners never see a hidden one.
#[tokio::test]
async fn questions_are_asked_voted_and_marked_and_hidden_ones_stay_hidden() {
    let base = serve_room(None).await;
    let cookie = log_in(&base).await;
    let mut presenter = presenter(&base, &cookie).await;
    let mut on_learner = learner(&base).await;
    let voter = |n: u8| format!("realtime_lab_voter=browser-{n}");
    let send = |path: &'static str, who: String, body: String| {
        let base = base.clone();
        async move { post(&base, path, Some(&who), &body).await }
    };
    let ask = |n: u8, text: &str| {
        send(
            "/api/room/questions",
            voter(n),
            format!(r#"{{"text":"{text}"}}"#),
        )
    };
    let vote = |n: u8, id: u64| {
        send(
            "/api/room/questions/vote",
            voter(n),
            format!(r#"{{"id":{id}}}"#),
        )
    };

    assert_eq!(ask(1, "Why not long polling?").await.0, 204);
    let (status, words) = ask(1, "And WebTransport?").await;
    assert_eq!(status, 429, "one question every 10 s: {words}");
    assert_eq!(ask(2, "Does HTTP/3 change the six?").await.0, 204);
    let (status, words) = ask(3, "   ").await;
    assert_eq!(status, 400, "{words}");
    for n in [2, 3] {
        assert_eq!(vote(n, 1).await.0, 204);
    }
    assert_eq!(vote(2, 1).await.0, 409, "once per browser");
    assert_eq!(vote(2, 99).await.0, 404);

    let mark = |id: u64, state: &str| {
        send(
            "/api/room/questions/mark",
            cookie.clone(),
            format!(r#"{{"id":{id},"mark":"{state}"}}"#),
        )
    };
    let (status, _) = send(
        "/api/room/questions/mark",
        voter(1),
        r#"{"id":1,"mark":"hidden"}"#.into(),
    )
    .await;
    assert_eq!(status, 403, "only the presenter marks");
    assert_eq!(mark(2, "hidden").await.0, 204);
    assert_eq!(mark(1, "answered").await.0, 204);

    let seen = |list: &RoomQuestions| {
        list.questions
            .iter()
            .map(|q| (q.id, q.votes, q.state))
            .collect::<Vec<_>>()
    };
    let wanted_by_presenter = vec![
        (1, 2, QuestionState::Answered),
        (2, 0, QuestionState::Hidden),
    ];
    loop {
        let list: RoomQuestions =
            serde_json::from_str(&next_named(&mut presenter, "questions").await.data).unwrap();
        if seen(&list) == wanted_by_presenter {
            assert_eq!(list.questions[0].text, "Why not long polling?");
            break;
        }
    }
    loop {
        let list: RoomQuestions =
            serde_json::from_str(&next_named(&mut on_learner, "questions").await.data).unwrap();
        assert!(
            list.questions
                .iter()
                .all(|q| q.state != QuestionState::Hidden),
            "{list:?}"
        );
        if seen(&list) == vec![(1, 2, QuestionState::Answered)] {
            break;
        }
    }
    // A page that opens later starts with the list.
    let mut late = learner(&base).await;
    let list: RoomQuestions =
        serde_json::from_str(&next_named(&mut late, "questions").await.data).unwrap();
    assert_eq!(seen(&list), vec![(1, 2, QuestionState::Answered)]);
}
