//! The room's rules, on plain data.

use super::*;

fn asked(options: &[&str]) -> PollAsked {
    PollAsked {
        question: "Which carries binary frames?".into(),
        options: options.iter().map(|o| o.to_string()).collect(),
    }
}

#[test]
fn each_move_counts_one_more() {
    let mut room = RoomState::default();
    let go = |slug: &str, section: &str| MoveAsked {
        slug: slug.into(),
        section: section.into(),
        restart_clock: false,
    };
    assert_eq!(room.move_to(go("event-stream", ""), 1_000).unwrap().seq, 1);
    let second = room.move_to(go("event-stream", "retry"), 2_000).unwrap();
    assert_eq!((second.seq, second.section.as_str()), (2, "retry"));
    assert_eq!(room.position(), Some(&second));
}

#[test]
fn the_timer_counts_a_lesson_from_its_first_move_and_the_workshop_from_the_first() {
    let mut room = RoomState::default();
    let go = |slug: &str, section: &str, restart_clock| MoveAsked {
        slug: slug.into(),
        section: section.into(),
        restart_clock,
    };
    let times = |p: RoomPosition| (p.lesson_since, p.started);
    let mut at = |asked, now| times(room.move_to(asked, now).unwrap());
    assert_eq!(at(go("big-picture", "", false), 1_000), (1_000, 1_000));
    assert_eq!(
        at(go("big-picture", "why", false), 5_000),
        (1_000, 1_000),
        "same lesson"
    );
    assert_eq!(
        at(go("event-stream", "", false), 9_000),
        (9_000, 1_000),
        "next lesson"
    );
    assert_eq!(
        at(go("event-stream", "retry", true), 12_000),
        (12_000, 12_000),
        "restarted"
    );
}

#[test]
fn refuses_a_name_no_page_could_have() {
    let mut room = RoomState::default();
    let bad = MoveAsked {
        slug: "../etc\"><script>".into(),
        section: String::new(),
        restart_clock: false,
    };
    assert!(matches!(room.move_to(bad, 1), Err(RoomError::BadName(_))));
    let empty = MoveAsked {
        slug: String::new(),
        section: String::new(),
        restart_clock: false,
    };
    assert!(room.move_to(empty, 1).is_err());
    assert_eq!(room.position(), None, "nothing moved");
}

#[test]
fn one_answer_per_browser_and_counts_hidden_until_revealed() {
    let mut room = RoomState::default();
    let poll = room.ask(asked(&["SSE", "WebSocket"])).unwrap();
    let answer = |choice| AnswerAsked {
        poll: poll.id,
        choice,
    };
    room.answer("a", answer(1)).unwrap();
    room.answer("b", answer(1)).unwrap();
    room.answer("c", answer(0)).unwrap();
    assert_eq!(room.answer("a", answer(0)), Err(RoomError::Answered));
    assert_eq!(room.answer("d", answer(2)), Err(RoomError::BadChoice(2)));
    assert_eq!(room.poll(true).unwrap().counts, Some(vec![1, 2]));
    assert_eq!(room.poll(false).unwrap().counts, None);
    room.reveal().unwrap();
    assert_eq!(room.poll(false).unwrap().counts, Some(vec![1, 2]));
    room.close().unwrap();
    assert_eq!(room.answer("e", answer(0)), Err(RoomError::Closed));
}

#[test]
fn a_new_poll_ends_the_last_and_starts_from_zero() {
    let mut room = RoomState::default();
    let first = room.ask(asked(&["yes", "no"])).unwrap();
    room.answer(
        "a",
        AnswerAsked {
            poll: first.id,
            choice: 0,
        },
    )
    .unwrap();
    let second = room.ask(asked(&["yes", "no", "it depends"])).unwrap();
    assert_eq!(
        room.answer(
            "a",
            AnswerAsked {
                poll: first.id,
                choice: 0
            }
        ),
        Err(RoomError::OtherPoll {
            asked: first.id,
            current: second.id
        })
    );
    assert_eq!(second.counts, Some(vec![0, 0, 0]));
}

#[test]
fn a_poll_is_bounded() {
    let mut room = RoomState::default();
    assert_eq!(room.ask(asked(&["only one"])), Err(RoomError::BadOptions));
    assert_eq!(
        room.ask(asked(&["a", "b", "c", "d", "e", "f", "g"])),
        Err(RoomError::BadOptions)
    );
    assert_eq!(room.ask(asked(&["a", " "])), Err(RoomError::BadOptions));
    let long = PollAsked {
        question: "?".repeat(bounds::QUESTION_CHARS + 1),
        options: vec!["a".into(), "b".into()],
    };
    assert_eq!(room.ask(long), Err(RoomError::BadQuestion));
    assert_eq!(room.reveal(), Err(RoomError::NoPoll));
}
