//! The event stream's rules: how the client asked, whether it came back
//! with the last id, after the `retry:` it was given, and whether it let
//! go after `event: done`.

use std::time::Duration;

use super::super::seen::{Entry, Seen};
use super::said::{secs, waiting, Graded};
use crate::model::exercise::{Standing, STREAM_RETRY_MS};

/// How much sooner than `retry:` a reconnect may be seen (the server notes
/// the end before the browser does).
const RETRY_EARLY_MS: u64 = 50;
/// How much later than `retry:` it may come.
const RETRY_LATE_MS: u64 = 1000;

pub(super) fn posts_with_bearer(entries: &[Entry]) -> Graded {
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

pub(super) fn resumes_from_last_id(entries: &[Entry]) -> Graded {
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

pub(super) fn waits_for_retry(entries: &[Entry]) -> Graded {
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

pub(super) fn closes_when_done(entries: &[Entry]) -> Graded {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, verdict};
    use super::*;
    use crate::model::exercise::Rule;

    fn opened(last_event_id: Option<&str>) -> Seen {
        Seen::Opened {
            post: false,
            bearer: false,
            last_event_id: last_event_id.map(String::from),
        }
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
}
