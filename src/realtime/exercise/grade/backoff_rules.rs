//! The backoff exercise's rules: the gaps between refused handshakes grow,
//! and not by one fixed factor.

use std::time::Duration;

use super::super::seen::{Entry, Seen};
use super::said::{secs, waiting, Graded};
use crate::model::exercise::{Standing, REFUSALS};

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

pub(super) fn backs_off(entries: &[Entry]) -> Graded {
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

pub(super) fn adds_jitter(entries: &[Entry]) -> Graded {
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
            format!(
                "each gap is {mean:.2}× the one before ({listed}): clients cut off together would \
                 retry in step (delays drawn at random land this close to one factor about once \
                 in 300 runs: if yours are random, run it again)"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, verdict};
    use super::*;
    use crate::model::exercise::Rule;

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
}
