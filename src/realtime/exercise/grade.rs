//! The rules, decided from a journal's entries alone: each verdict says
//! what the server saw, with times and values, so that a learner who fails
//! knows what to change.

use std::time::Duration;

use super::journal::{Entry, Seen};
use crate::model::exercise::{
    Rule, Standing, Verdict, CLOSE_CODE, HEARTBEAT_MS, REFUSALS, STREAM_RETRY_MS, SUBPROTOCOLS,
};

/// How much sooner than `retry:` a reconnect may be seen (the server notes
/// the end before the browser does).
const RETRY_EARLY_MS: u64 = 50;
/// How much later than `retry:` it may come.
const RETRY_LATE_MS: u64 = 1000;
/// Slack beyond two heartbeat intervals, for the reconnect's own round trip.
const SILENCE_SLACK_MS: u64 = 250;

pub fn grade(rules: &[Rule], entries: &[Entry]) -> Vec<Verdict> {
    rules.iter().map(|&rule| one(rule, entries)).collect()
}

fn one(rule: Rule, entries: &[Entry]) -> Verdict {
    let (standing, evidence) = match rule {
        Rule::PostsWithBearer => posts_with_bearer(entries),
        Rule::ResumesFromLastId => resumes_from_last_id(entries),
        Rule::WaitsForRetry => waits_for_retry(entries),
        Rule::ClosesWhenDone => closes_when_done(entries),
        Rule::BacksOff => backs_off(entries),
        Rule::AddsJitter => adds_jitter(entries),
        Rule::DetectsSilence => detects_silence(entries),
        Rule::ClosesWithCodeAndReason => closes_with_code_and_reason(entries),
        Rule::OffersSubprotocols => offers_subprotocols(entries),
        Rule::SpeaksThePickedOne => speaks_the_picked_one(entries),
    };
    Verdict {
        rule,
        standing,
        evidence,
    }
}

type Graded = (Standing, String);

fn waiting(why: &str) -> Graded {
    (Standing::Waiting, why.into())
}

fn secs(at: Duration) -> String {
    format!("{:.2} s", at.as_secs_f64())
}

fn posts_with_bearer(entries: &[Entry]) -> Graded {
    let opens: Vec<(bool, bool)> = entries
        .iter()
        .filter_map(|entry| match &entry.seen {
            Seen::Opened { post, bearer, .. } => Some((*post, *bearer)),
            _ => None,
        })
        .collect();
    if opens.is_empty() {
        return waiting("no request for the stream yet");
    }
    match opens.iter().position(|&(post, bearer)| !(post && bearer)) {
        None => (
            Standing::Passed,
            format!(
                "POST with Authorization: Bearer on all {} requests",
                opens.len()
            ),
        ),
        Some(n) => {
            let (post, bearer) = opens[n];
            let method = if post { "POST" } else { "GET" };
            let auth = if bearer { "with" } else { "without" };
            (
                Standing::Failed,
                format!(
                    "request {} was a {method} {auth} Authorization: Bearer",
                    n + 1
                ),
            )
        }
    }
}

/// Each reconnect's `Last-Event-ID`, beside the last id sent before it.
fn reconnects(entries: &[Entry]) -> Vec<(Duration, Option<String>, Option<u64>)> {
    let mut last_sent = None;
    let mut opens = 0;
    let mut found = Vec::new();
    for entry in entries {
        match &entry.seen {
            Seen::Sent { id } => last_sent = Some(*id),
            Seen::Opened { last_event_id, .. } => {
                opens += 1;
                if opens > 1 {
                    found.push((entry.at, last_event_id.clone(), last_sent));
                }
            }
            _ => {}
        }
    }
    found
}

fn resumes_from_last_id(entries: &[Entry]) -> Graded {
    let reconnects = reconnects(entries);
    let Some((_, sent_id, last_sent)) = reconnects.first() else {
        return waiting("the server ends the stream after its events: waiting for the reconnect");
    };
    let last = last_sent.map_or("none".to_string(), |id| id.to_string());
    match sent_id {
        None => (
            Standing::Failed,
            format!(
                "reconnected without Last-Event-ID; the last id sent was {last}: the stream \
                 would start again from the first event"
            ),
        ),
        Some(id) if Some(id.trim()) == last_sent.map(|n| n.to_string()).as_deref() => (
            Standing::Passed,
            format!("sent Last-Event-ID: {id}, the last id sent was {last}"),
        ),
        Some(id) => {
            let lost = match (id.trim().parse::<u64>(), last_sent) {
                (Ok(n), Some(last)) if n < *last => format!(": {} events lost", last - n),
                _ => ": an id the server never sent".to_string(),
            };
            (
                Standing::Failed,
                format!("sent Last-Event-ID: {id}, the last id sent was {last}{lost}"),
            )
        }
    }
}

fn waits_for_retry(entries: &[Entry]) -> Graded {
    let ended = entries
        .iter()
        .find(|entry| entry.seen == Seen::EndedByServer)
        .map(|entry| entry.at);
    let Some(ended) = ended else {
        return waiting("the server has not ended the stream yet");
    };
    let back = entries
        .iter()
        .find(|entry| entry.at >= ended && matches!(entry.seen, Seen::Opened { .. }));
    let Some(back) = back else {
        return waiting("the server ended the stream: waiting for the reconnect");
    };
    let gap = back.at - ended;
    let gap_ms = gap.as_millis() as u64;
    let said = format!(
        "reconnected after {} (retry: was {STREAM_RETRY_MS} ms)",
        secs(gap)
    );
    if gap_ms + RETRY_EARLY_MS < STREAM_RETRY_MS {
        (
            Standing::Failed,
            format!("{said}: sooner than the server asked"),
        )
    } else if gap_ms > STREAM_RETRY_MS + RETRY_LATE_MS {
        (
            Standing::Failed,
            format!("{said}: much later than the server asked"),
        )
    } else {
        (Standing::Passed, said)
    }
}

fn closes_when_done(entries: &[Entry]) -> Graded {
    let Some(done) = entries.iter().position(|entry| entry.seen == Seen::Done) else {
        return waiting("event: done has not been sent yet");
    };
    let after = &entries[done + 1..];
    if let Some(open) = after
        .iter()
        .find(|entry| matches!(entry.seen, Seen::Opened { .. }))
    {
        return (
            Standing::Failed,
            format!(
                "opened the stream again {} after event: done",
                secs(open.at - entries[done].at)
            ),
        );
    }
    for entry in after {
        match entry.seen {
            Seen::ClosedByClient => {
                return (
                    Standing::Passed,
                    format!(
                        "closed the stream {} after event: done",
                        secs(entry.at - entries[done].at)
                    ),
                )
            }
            Seen::OpenAfterDone => {
                return (
                    Standing::Failed,
                    "the stream was still open 3 s after event: done".into(),
                )
            }
            _ => {}
        }
    }
    waiting("event: done was sent: waiting for the client to close")
}

/// The gaps from the server's close to the first attempt, then between
/// attempts, until the refusals are over.
fn backoff_gaps(entries: &[Entry]) -> Option<Vec<Duration>> {
    let closed = entries
        .iter()
        .position(|entry| entry.seen == Seen::ClosedByServer)?;
    let mut last = entries[closed].at;
    let mut gaps = Vec::new();
    for entry in &entries[closed..] {
        if matches!(entry.seen, Seen::Attempt { .. }) && gaps.len() < REFUSALS {
            gaps.push(entry.at - last);
            last = entry.at;
        }
    }
    Some(gaps)
}

fn list_gaps(gaps: &[Duration]) -> String {
    gaps.iter()
        .map(|gap| secs(*gap))
        .collect::<Vec<_>>()
        .join(", ")
}

fn backs_off(entries: &[Entry]) -> Graded {
    let Some(gaps) = backoff_gaps(entries) else {
        return waiting("the server closes the first socket after a second: waiting");
    };
    if gaps.len() < REFUSALS {
        return waiting(&format!(
            "{} of {REFUSALS} refused attempts so far: {}",
            gaps.len(),
            list_gaps(&gaps)
        ));
    }
    // The last two against the first two, not one gap against one: with
    // full jitter a single late gap may come out short.
    let said = format!("gaps {}", list_gaps(&gaps));
    let (first, last) = (gaps[0] + gaps[1], gaps[REFUSALS - 2] + gaps[REFUSALS - 1]);
    if last >= first * 2 {
        (Standing::Passed, said)
    } else {
        (
            Standing::Failed,
            format!("{said}: the last two are not twice the first two"),
        )
    }
}

fn adds_jitter(entries: &[Entry]) -> Graded {
    let gaps = backoff_gaps(entries).unwrap_or_default();
    if gaps.len() < REFUSALS {
        return waiting("waiting for five refused attempts");
    }
    let ratios: Vec<f64> = gaps
        .windows(2)
        .map(|pair| pair[1].as_secs_f64() / pair[0].as_secs_f64().max(0.001))
        .collect();
    let (low, high) = ratios.iter().fold((f64::MAX, f64::MIN), |(low, high), &r| {
        (low.min(r), high.max(r))
    });
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    let listed = ratios
        .iter()
        .map(|r| format!("{r:.2}×"))
        .collect::<Vec<_>>()
        .join(", ");
    if high - low > 0.1 * mean {
        (
            Standing::Passed,
            format!("each gap over the one before: {listed}"),
        )
    } else {
        (
            Standing::Failed,
            format!("each gap is {mean:.2}× the one before ({listed}): clients cut off together would retry in step"),
        )
    }
}

fn detects_silence(entries: &[Entry]) -> Graded {
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

fn closes_with_code_and_reason(entries: &[Entry]) -> Graded {
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

fn offers_subprotocols(entries: &[Entry]) -> Graded {
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

fn speaks_the_picked_one(entries: &[Entry]) -> Graded {
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
    use super::*;

    fn at(ms: u64, seen: Seen) -> Entry {
        Entry {
            at: Duration::from_millis(ms),
            seen,
        }
    }

    fn opened(last_event_id: Option<&str>) -> Seen {
        Seen::Opened {
            post: false,
            bearer: false,
            last_event_id: last_event_id.map(String::from),
        }
    }

    fn verdict(rule: Rule, entries: &[Entry]) -> Verdict {
        grade(&[rule], entries).remove(0)
    }

    fn stream_then(reconnect_ms: u64, last_event_id: Option<&str>) -> Vec<Entry> {
        vec![
            at(0, opened(None)),
            at(10, Seen::Sent { id: 1 }),
            at(410, Seen::Sent { id: 2 }),
            at(810, Seen::Sent { id: 3 }),
            at(820, Seen::EndedByServer),
            at(820 + reconnect_ms, opened(last_event_id)),
        ]
    }

    #[test]
    fn a_reconnect_with_the_last_id_resumes() {
        let v = verdict(Rule::ResumesFromLastId, &stream_then(1520, Some("3")));
        assert_eq!(v.standing, Standing::Passed, "{}", v.evidence);
        assert_eq!(v.evidence, "sent Last-Event-ID: 3, the last id sent was 3");
    }

    #[test]
    fn an_older_id_says_how_many_events_were_lost() {
        let v = verdict(Rule::ResumesFromLastId, &stream_then(1520, Some("1")));
        assert_eq!(v.standing, Standing::Failed);
        assert_eq!(
            v.evidence,
            "sent Last-Event-ID: 1, the last id sent was 3: 2 events lost"
        );
        let v = verdict(Rule::ResumesFromLastId, &stream_then(1520, None));
        assert_eq!(v.standing, Standing::Failed);
        assert!(v.evidence.starts_with("reconnected without Last-Event-ID"));
    }

    #[test]
    fn a_reconnect_before_retry_or_long_after_fails() {
        let on_time = verdict(Rule::WaitsForRetry, &stream_then(1530, Some("3")));
        assert_eq!(on_time.standing, Standing::Passed);
        assert_eq!(
            on_time.evidence,
            "reconnected after 1.53 s (retry: was 1500 ms)"
        );
        let soon = verdict(Rule::WaitsForRetry, &stream_then(200, Some("3")));
        assert_eq!(soon.standing, Standing::Failed);
        assert!(soon.evidence.ends_with("sooner than the server asked"));
        let late = verdict(Rule::WaitsForRetry, &stream_then(4000, Some("3")));
        assert_eq!(late.standing, Standing::Failed);
    }

    #[test]
    fn closing_after_done_passes_and_coming_back_fails() {
        let mut entries = vec![at(0, opened(None)), at(100, Seen::Done)];
        assert_eq!(
            verdict(Rule::ClosesWhenDone, &entries).standing,
            Standing::Waiting
        );
        entries.push(at(130, Seen::ClosedByClient));
        let v = verdict(Rule::ClosesWhenDone, &entries);
        assert_eq!(v.standing, Standing::Passed);
        assert_eq!(v.evidence, "closed the stream 0.03 s after event: done");
        entries.push(at(1700, opened(Some("5"))));
        assert_eq!(
            verdict(Rule::ClosesWhenDone, &entries).standing,
            Standing::Failed
        );
        let left_open = [at(100, Seen::Done), at(3100, Seen::OpenAfterDone)];
        assert_eq!(
            verdict(Rule::ClosesWhenDone, &left_open).standing,
            Standing::Failed
        );
    }

    fn attempts_after_close(gaps_ms: &[u64]) -> Vec<Entry> {
        let mut entries = vec![
            at(
                0,
                Seen::Attempt {
                    accepted: true,
                    offered: vec![],
                    picked: None,
                },
            ),
            at(1000, Seen::ClosedByServer),
        ];
        let mut t = 1000;
        for gap in gaps_ms {
            t += gap;
            entries.push(at(
                t,
                Seen::Attempt {
                    accepted: false,
                    offered: vec![],
                    picked: None,
                },
            ));
        }
        entries
    }

    #[test]
    fn backoff_with_jitter_passes_both_rules() {
        let entries = attempts_after_close(&[230, 380, 910, 1450, 3900]);
        for rule in [Rule::BacksOff, Rule::AddsJitter] {
            let v = verdict(rule, &entries);
            assert_eq!(v.standing, Standing::Passed, "{rule:?}: {}", v.evidence);
        }
    }

    #[test]
    fn a_fixed_retry_fails_the_backoff_and_plain_doubling_fails_the_jitter() {
        let fixed = attempts_after_close(&[1000, 1000, 1000, 1000, 1000]);
        let v = verdict(Rule::BacksOff, &fixed);
        assert_eq!(v.standing, Standing::Failed);
        assert_eq!(
            v.evidence,
            "gaps 1.00 s, 1.00 s, 1.00 s, 1.00 s, 1.00 s: the last two are not twice the first two"
        );
        let doubling = attempts_after_close(&[200, 400, 800, 1600, 3200]);
        assert_eq!(
            verdict(Rule::BacksOff, &doubling).standing,
            Standing::Passed
        );
        let v = verdict(Rule::AddsJitter, &doubling);
        assert_eq!(v.standing, Standing::Failed);
        assert!(
            v.evidence.starts_with("each gap is 2.00× the one before"),
            "{}",
            v.evidence
        );
        let waiting = attempts_after_close(&[200, 400]);
        assert_eq!(
            verdict(Rule::BacksOff, &waiting).standing,
            Standing::Waiting
        );
    }

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
