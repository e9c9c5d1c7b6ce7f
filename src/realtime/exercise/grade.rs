//! The rules, decided from a journal's entries alone: each verdict says
//! what the server saw, with times and values, so that a learner who fails
//! knows what to change. The event stream's rules are in `stream_rules`,
//! the backoff's in `backoff_rules`, the other sockets' in `socket_rules`.

mod backoff_rules;
mod said;
mod socket_rules;
mod stream_rules;

use super::seen::Entry;
use crate::model::exercise::{Rule, Verdict};
use backoff_rules::*;
use socket_rules::*;
use stream_rules::*;

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

#[cfg(test)]
pub(super) mod test_support {
    use super::super::seen::{Entry, Seen};
    use crate::model::exercise::{Rule, Verdict};
    use std::time::Duration;

    pub fn at(ms: u64, seen: Seen) -> Entry {
        Entry {
            at: Duration::from_millis(ms),
            seen,
        }
    }

    pub fn verdict(rule: Rule, entries: &[Entry]) -> Verdict {
        super::grade(&[rule], entries).remove(0)
    }
}
