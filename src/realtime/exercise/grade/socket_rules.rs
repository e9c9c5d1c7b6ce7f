//! The sockets' rules: a watchdog's reconnect after the heartbeats stop, a
//! close with intent, and the subprotocol offered and spoken.

use super::super::seen::{Entry, Seen};
use super::said::{secs, waiting, Graded};
use crate::model::exercise::{Standing, CLOSE_CODE, HEARTBEAT_MS, SUBPROTOCOLS};

/// Slack beyond two heartbeat intervals, for the reconnect's own round trip.
const SILENCE_SLACK_MS: u64 = 250;

pub(super) fn detects_silence(entries: &[Entry]) -> Graded {
    let mut last_heartbeat = None;
    for entry in entries {
        match entry.seen {
            Seen::Heartbeat => last_heartbeat = Some(entry.at),
            Seen::Attempt { .. } if last_heartbeat.is_some() => {
                let gap = entry.at - last_heartbeat.unwrap_or_default();
                let said = format!(
                    "reconnected {} after the last heartbeat (they come every {HEARTBEAT_MS} ms)",
                    secs(gap)
                );
                let gap_ms = gap.as_millis() as u64;
                return if gap_ms < HEARTBEAT_MS {
                    (
                        Standing::Failed,
                        format!("{said}: sooner than one interval"),
                    )
                } else if gap_ms > 2 * HEARTBEAT_MS + SILENCE_SLACK_MS {
                    (
                        Standing::Failed,
                        format!("{said}: later than two intervals"),
                    )
                } else {
                    (Standing::Passed, said)
                };
            }
            Seen::NoReconnect => {
                return (
                    Standing::Failed,
                    "no reconnect within two heartbeat intervals of the last heartbeat".into(),
                )
            }
            _ => {}
        }
    }
    waiting("waiting for the heartbeats to stop and the client to notice")
}

pub(super) fn closes_with_code_and_reason(entries: &[Entry]) -> Graded {
    for entry in entries {
        match &entry.seen {
            Seen::CloseFrame { code, reason } => {
                let said = match code {
                    Some(code) if reason.is_empty() => format!("closed with {code} and no reason"),
                    Some(code) => format!("closed with {code} \"{reason}\""),
                    None => "closed with no code (1005 on the other side)".into(),
                };
                let right = *code == Some(CLOSE_CODE) && !reason.is_empty();
                return (
                    if right {
                        Standing::Passed
                    } else {
                        Standing::Failed
                    },
                    said,
                );
            }
            Seen::Dropped => {
                return (
                    Standing::Failed,
                    "the connection ended without a close frame (1006 on the other side)".into(),
                )
            }
            _ => {}
        }
    }
    waiting("the socket is open: waiting for the client to close it")
}

/// The first handshake's offer and pick.
fn first_attempt(entries: &[Entry]) -> Option<(&[String], Option<&str>)> {
    entries.iter().find_map(|entry| match &entry.seen {
        Seen::Attempt {
            offered, picked, ..
        } => Some((offered.as_slice(), picked.as_deref())),
        _ => None,
    })
}

pub(super) fn offers_subprotocols(entries: &[Entry]) -> Graded {
    let Some((offered, _)) = first_attempt(entries) else {
        return waiting("no handshake yet");
    };
    let said = if offered.is_empty() {
        "offered no subprotocol".to_string()
    } else {
        format!("offered {}", offered.join(", "))
    };
    let both = SUBPROTOCOLS
        .iter()
        .all(|known| offered.iter().any(|o| o == known));
    (
        if both {
            Standing::Passed
        } else {
            Standing::Failed
        },
        said,
    )
}

pub(super) fn speaks_the_picked_one(entries: &[Entry]) -> Graded {
    let Some((_, picked)) = first_attempt(entries) else {
        return waiting("no handshake yet");
    };
    let Some(picked) = picked else {
        return (
            Standing::Failed,
            "no subprotocol was agreed: offer v1.exercise and v2.exercise".into(),
        );
    };
    let Some(message) = entries.iter().find_map(|entry| match &entry.seen {
        Seen::Message(text) => Some(text.as_str()),
        _ => None,
    }) else {
        return waiting(&format!("the server picked {picked}: waiting for hello"));
    };
    let v2 = serde_json::from_str::<serde_json::Value>(message)
        .ok()
        .is_some_and(|json| json["type"] == "hello");
    let right = match picked {
        "v1.exercise" => message == "hello",
        _ => v2,
    };
    let said = format!("the server picked {picked}; the first message was {message:?}");
    (
        if right {
            Standing::Passed
        } else {
            Standing::Failed
        },
        said,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, verdict};
    use super::*;
    use crate::model::exercise::Rule;

    fn heartbeats_then(reconnect_ms: u64) -> Vec<Entry> {
        let attempt = || Seen::Attempt {
            accepted: true,
            offered: vec![],
            picked: None,
        };
        vec![
            at(0, attempt()),
            at(0, Seen::Heartbeat),
            at(1000, Seen::Heartbeat),
            at(2000, Seen::Heartbeat),
            at(2000 + reconnect_ms, attempt()),
        ]
    }

    #[test]
    fn a_watchdog_reconnects_between_one_and_two_intervals() {
        let v = verdict(Rule::DetectsSilence, &heartbeats_then(1500));
        assert_eq!(v.standing, Standing::Passed);
        assert_eq!(
            v.evidence,
            "reconnected 1.50 s after the last heartbeat (they come every 1000 ms)"
        );
        assert_eq!(
            verdict(Rule::DetectsSilence, &heartbeats_then(400)).standing,
            Standing::Failed
        );
        assert_eq!(
            verdict(Rule::DetectsSilence, &heartbeats_then(5000)).standing,
            Standing::Failed
        );
        let never = [at(0, Seen::Heartbeat), at(2250, Seen::NoReconnect)];
        assert_eq!(
            verdict(Rule::DetectsSilence, &never).standing,
            Standing::Failed
        );
    }

    #[test]
    fn only_a_4000_with_a_reason_closes_with_intent() {
        let close = |code, reason: &str| {
            [at(
                10,
                Seen::CloseFrame {
                    code,
                    reason: reason.into(),
                },
            )]
        };
        assert_eq!(
            verdict(Rule::ClosesWithCodeAndReason, &close(Some(4000), "bye")).standing,
            Standing::Passed
        );
        let v = verdict(Rule::ClosesWithCodeAndReason, &close(Some(4000), ""));
        assert_eq!(
            (v.standing, v.evidence.as_str()),
            (Standing::Failed, "closed with 4000 and no reason")
        );
        assert_eq!(
            verdict(Rule::ClosesWithCodeAndReason, &close(None, "")).standing,
            Standing::Failed
        );
        assert_eq!(
            verdict(Rule::ClosesWithCodeAndReason, &[at(5, Seen::Dropped)]).standing,
            Standing::Failed
        );
    }

    #[test]
    fn the_picked_subprotocol_decides_the_right_hello() {
        let offered = |picked: &str, message: &str| {
            vec![
                at(
                    0,
                    Seen::Attempt {
                        accepted: true,
                        offered: SUBPROTOCOLS.iter().map(|s| s.to_string()).collect(),
                        picked: Some(picked.into()),
                    },
                ),
                at(5, Seen::Message(message.into())),
            ]
        };
        let both = offered("v2.exercise", r#"{"type":"hello"}"#);
        assert_eq!(
            verdict(Rule::OffersSubprotocols, &both).standing,
            Standing::Passed
        );
        assert_eq!(
            verdict(Rule::SpeaksThePickedOne, &both).standing,
            Standing::Passed
        );
        let wrong = offered("v2.exercise", "hello");
        let v = verdict(Rule::SpeaksThePickedOne, &wrong);
        assert_eq!(v.standing, Standing::Failed);
        assert_eq!(
            v.evidence,
            "the server picked v2.exercise; the first message was \"hello\""
        );
        assert_eq!(
            verdict(Rule::SpeaksThePickedOne, &offered("v1.exercise", "hello")).standing,
            Standing::Passed
        );
    }
}
