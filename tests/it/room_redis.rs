//! Presenter mode on several servers sharing one real `redis-server`
//! (started here on a free loopback port): the presenter on one server,
//! learners on the others, as behind a load balancer without sticky
//! sessions.

use crate::common::room::{
    learner, log_in, next_named, post, presenter, serve_room, serve_room_with,
};
use realtime_lab::model::room::{
    QuestionState, RoomAudience, RoomPoll, RoomPosition, RoomPresence, RoomPulse, RoomQuestions,
};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` of this test's own, stopped when dropped.
struct Redis {
    child: Child,
    url: String,
}

impl Redis {
    /// A new `redis-server` on a free loopback port, once it listens.
    fn start() -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Redis {
            child: Redis::spawn(port),
            url: format!("redis://127.0.0.1:{port}/"),
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A new server, with no state, on the stopped one's port.
    fn start_again(&mut self) {
        self.child = Redis::spawn(self.port());
    }

    fn port(&self) -> u16 {
        let port = self.url.rsplit(':').next().unwrap().trim_end_matches('/');
        port.parse().unwrap()
    }

    fn spawn(port: u16) -> Child {
        let program = ["redis-server", "/usr/bin/redis-server"]
            .into_iter()
            .find(|p| Command::new(p).arg("--version").output().is_ok())
            .expect("redis-server: `scripts/setup.sh test` installs Debian's redis-server");
        let child = Command::new(program)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server listens within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        child
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn data<T: serde::de::DeserializeOwned>(event: &eventsource_stream::Event) -> T {
    serde_json::from_str(&event.data).unwrap()
}

#[tokio::test]
async fn two_servers_are_one_room_moves_counts_presence_and_one_poll() {
    let redis = Redis::start();
    let (a, b) = (
        serve_room(Some(&redis.url)).await,
        serve_room(Some(&redis.url)).await,
    );
    // The presenter logs in on A; the same cookie drives B.
    let cookie = log_in(&a).await;
    let mut on_b = learner(&b).await;
    let mut presenter = presenter(&a, &cookie).await;

    // B's learner is counted on A's presenter stream, and told A's
    // presenter is here.
    loop {
        let audience: RoomAudience = data(&next_named(&mut presenter, "audience").await);
        if audience.learners == 1 {
            break;
        }
    }
    loop {
        let presence: RoomPresence = data(&next_named(&mut on_b, "presenter").await);
        if presence.present {
            break;
        }
    }

    // A move made on A reaches B's learner, numbered by the room.
    let (status, body) = post(
        &a,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":"retry"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let moved: RoomPosition = serde_json::from_str(&body).unwrap();
    let heard: RoomPosition = data(&next_named(&mut on_b, "position").await);
    assert_eq!(heard, moved);
    assert_eq!(heard.seq, 1);
    let (_, body) = post(
        &b,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":"last-event-id"}"#,
    )
    .await;
    let second: RoomPosition = serde_json::from_str(&body).unwrap();
    assert_eq!(second.seq, 2, "B counts on from A's move");
    assert!(
        moved.started > 0,
        "the presenter's clock starts with the first move"
    );
    assert_eq!(
        (second.lesson_since, second.started),
        (moved.lesson_since, moved.started),
        "the same lesson, the same workshop: B keeps A's clock"
    );
    let (_, body) = post(
        &a,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"websocket-frames","section":""}"#,
    )
    .await;
    let third: RoomPosition = serde_json::from_str(&body).unwrap();
    assert!(third.lesson_since >= moved.lesson_since && third.started == moved.started);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (_, body) = post(
        &b,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":"last-event-id","restart_clock":true}"#,
    )
    .await;
    let restarted: RoomPosition = serde_json::from_str(&body).unwrap();
    assert!(restarted.started > moved.started && restarted.started == restarted.lesson_since);
    assert_eq!(restarted.seq, 4);

    // Done and stuck, marked on either server, counted once for the room.
    let mark = |n: u8, seq: u64, mark: &str| {
        (
            format!("realtime_lab_voter=browser-{n}"),
            format!(r#"{{"seq":{seq},"mark":"{mark}"}}"#),
        )
    };
    for (server, (voter, body)) in [
        (&b, mark(1, 4, "done")),
        (&a, mark(2, 4, "stuck")),
        (&b, mark(2, 4, "done")),
        (&a, mark(3, 4, "stuck")),
    ] {
        let (status, words) = post(server, "/api/room/pulse", Some(&voter), &body).await;
        assert_eq!(status, 204, "{words}");
    }
    let (voter, body) = mark(4, 3, "done");
    let (status, _) = post(&b, "/api/room/pulse", Some(&voter), &body).await;
    assert_eq!(status, 409, "the room is at move 4");
    loop {
        let pulse: RoomPulse = data(&next_named(&mut presenter, "pulse").await);
        if pulse
            == (RoomPulse {
                seq: 4,
                done: 2,
                stuck: 1,
            })
        {
            break;
        }
    }

    // A question asked on B, voted on A and B, hidden on A: every stream
    // hears the list, and B's learner never sees the hidden one.
    let (voter5, _) = mark(5, 0, "");
    let ask = r#"{"text":"Does Redis see every vote?"}"#;
    assert_eq!(
        post(&b, "/api/room/questions", Some(&voter5), ask).await.0,
        204
    );
    let again = r#"{"text":"And from the other server?"}"#;
    let (status, _) = post(&a, "/api/room/questions", Some(&voter5), again).await;
    assert_eq!(
        status, 429,
        "one question every 10 s per browser, across servers"
    );
    let (voter6, _) = mark(6, 0, "");
    let other = r#"{"text":"Off topic"}"#;
    assert_eq!(
        post(&a, "/api/room/questions", Some(&voter6), other)
            .await
            .0,
        204
    );
    for (server, n) in [(&a, 1), (&b, 2)] {
        let (voter, _) = mark(n, 0, "");
        let (status, words) = post(
            server,
            "/api/room/questions/vote",
            Some(&voter),
            r#"{"id":1}"#,
        )
        .await;
        assert_eq!(status, 204, "{words}");
    }
    let (voter1, _) = mark(1, 0, "");
    let (status, _) = post(&b, "/api/room/questions/vote", Some(&voter1), r#"{"id":1}"#).await;
    assert_eq!(status, 409, "voted on A already");
    let (status, _) = post(
        &a,
        "/api/room/questions/mark",
        Some(&cookie),
        r#"{"id":2,"mark":"hidden"}"#,
    )
    .await;
    assert_eq!(status, 204);
    let seen = |list: RoomQuestions| {
        list.questions
            .iter()
            .map(|q| (q.id, q.votes, q.state))
            .collect::<Vec<_>>()
    };
    loop {
        let list: RoomQuestions = data(&next_named(&mut presenter, "questions").await);
        if seen(list) == vec![(1, 2, QuestionState::Open), (2, 0, QuestionState::Hidden)] {
            break;
        }
    }
    loop {
        let list: RoomQuestions = data(&next_named(&mut on_b, "questions").await);
        assert!(list
            .questions
            .iter()
            .all(|q| q.state != QuestionState::Hidden));
        if seen(list) == vec![(1, 2, QuestionState::Open)] {
            break;
        }
    }

    // A poll asked on B, answered on both; one answer per browser across them.
    let (status, body) = post(
        &b,
        "/api/room/poll",
        Some(&cookie),
        r#"{"question":"Which sends binary frames?","options":["SSE","WebSocket"]}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let poll: RoomPoll = serde_json::from_str(&body).unwrap();
    let asked: RoomPoll = data(&next_named(&mut on_b, "poll").await);
    assert_eq!(
        (asked.id, asked.counts),
        (poll.id, None),
        "no counts before the reveal"
    );
    let answer = |choice: usize| format!(r#"{{"poll":{},"choice":{choice}}}"#, poll.id);
    let voter = |n: u8| format!("realtime_lab_voter=browser-{n}");
    for (server, n, choice) in [(&a, 1, 1), (&b, 2, 1), (&a, 3, 0)] {
        let (status, body) =
            post(server, "/api/room/answer", Some(&voter(n)), &answer(choice)).await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, body) = post(&b, "/api/room/answer", Some(&voter(1)), &answer(0)).await;
    assert_eq!(status, 409, "browser 1 answered on A already: {body}");
    assert!(body.contains("answered this poll already"), "{body}");
    loop {
        let tally: RoomPoll = data(&next_named(&mut presenter, "poll").await);
        if tally.counts == Some(vec![1, 2]) {
            break;
        }
    }

    // Revealed on A: B's learner sees the counts; closed: no more answers.
    post(&a, "/api/room/poll/reveal", Some(&cookie), "").await;
    let revealed: RoomPoll = data(&next_named(&mut on_b, "poll").await);
    assert_eq!(revealed.counts, Some(vec![1, 2]));
    post(&a, "/api/room/poll/close", Some(&cookie), "").await;
    let (status, body) = post(&b, "/api/room/answer", Some(&voter(9)), &answer(0)).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("closed"), "{body}");

    // A server that joins later starts where the room is.
    let c = serve_room(Some(&redis.url)).await;
    let mut on_c = learner(&c).await;
    let at: RoomPosition = data(&next_named(&mut on_c, "position").await);
    assert_eq!((at.seq, at.section.as_str()), (4, "last-event-id"));
    assert_eq!(at.started, restarted.started, "C hears the clock too");
    let poll_on_c: RoomPoll = data(&next_named(&mut on_c, "poll").await);
    assert_eq!(
        (poll_on_c.open, poll_on_c.counts),
        (false, Some(vec![1, 2]))
    );
}

#[tokio::test]
async fn rooms_with_other_tokens_on_one_redis_stay_apart() {
    let redis = Redis::start();
    let ours = serve_room(Some(&redis.url)).await;
    let theirs = serve_room_with("another-workshop-token-000", Some(&redis.url)).await;
    let cookie = log_in(&ours).await;
    let (status, _) = post(
        &ours,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":""}"#,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &theirs,
        "/api/room/position",
        Some(&cookie),
        r#"{"slug":"event-stream","section":""}"#,
    )
    .await;
    assert_eq!(
        status, 403,
        "our presenter's cookie does not drive their room"
    );
    let mut on_theirs = learner(&theirs).await;
    let first = next_named(&mut on_theirs, "presenter").await;
    let presence: RoomPresence = data(&first);
    assert!(!presence.present);
    let quiet = tokio::time::timeout(
        Duration::from_millis(700),
        next_named(&mut on_theirs, "position"),
    )
    .await;
    assert!(quiet.is_err(), "our move is not in their room");
}

#[tokio::test]
async fn without_its_redis_the_room_answers_503_and_recovers_when_it_is_back() {
    let mut redis = Redis::start();
    let base = serve_room(Some(&redis.url)).await;
    let cookie = log_in(&base).await;
    let mut follower = learner(&base).await;
    let go = |section: &str| format!(r#"{{"slug":"event-stream","section":"{section}"}}"#);

    redis.stop();
    let (status, body) = post(&base, "/api/room/position", Some(&cookie), &go("retry")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("The room's Redis did not answer"), "{body}");
    assert!(
        body.contains("redis-server"),
        "says what the host checks: {body}"
    );

    // The same port again: the server's commands and its subscription reconnect.
    redis.start_again();
    let started = Instant::now();
    let moved = loop {
        let (status, body) = post(&base, "/api/room/position", Some(&cookie), &go("retry")).await;
        if status == 200 {
            break serde_json::from_str::<RoomPosition>(&body).unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the room works again within 15 s of its Redis: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // The subscription may come back after the first move: a move after
    // that reaches the learner either way.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (_, body) = post(&base, "/api/room/position", Some(&cookie), &go("")).await;
    let last: RoomPosition = serde_json::from_str(&body).unwrap();
    assert!(last.seq > moved.seq);
    loop {
        let heard: RoomPosition = data(&next_named(&mut follower, "position").await);
        if heard.seq == last.seq {
            assert_eq!(heard.section, "");
            break;
        }
    }
}
