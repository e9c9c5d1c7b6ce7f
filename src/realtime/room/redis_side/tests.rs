//! The channel's messages, as the model writes and reads them.

use super::*;

#[test]
fn the_channel_speaks_the_model() {
    let said = r#"{"position":{"seq":3,"slug":"event-stream","section":"retry","fresh":true}}"#;
    let heard: Heard = serde_json::from_str(said).unwrap();
    assert_eq!(
        heard,
        Heard::Position(RoomPosition {
            seq: 3,
            slug: "event-stream".into(),
            section: "retry".into(),
            fresh: true,
            lesson_since: 0,
            started: 0,
        })
    );
    let pulse: Heard = serde_json::from_str(r#"{"pulse":{"seq":2,"done":1,"stuck":0}}"#).unwrap();
    assert_eq!(
        pulse,
        Heard::Pulse(RoomPulse {
            seq: 2,
            done: 1,
            stuck: 0
        })
    );
    let report = Heard::Audience(Report {
        server: "a".into(),
        counts: Counts {
            learners: 2,
            presenters: 1,
        },
    });
    let json = serde_json::to_string(&report).unwrap();
    assert_eq!(
        json,
        r#"{"audience":{"server":"a","learners":2,"presenters":1}}"#
    );
}
