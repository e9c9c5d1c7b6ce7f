//! One exercise token's journal: what the server saw on the learner's
//! connections, in order and timed from the token's issue, and the rules'
//! verdicts, graded again on every entry and handed to whoever follows
//! them (the page's event stream, a terminal's `curl`).
//!
//! Bounded, so that a chatty or looping client cannot grow it: at most
//! [`MOST_ENTRIES`] entries, of which at most [`MOST_MESSAGES`] messages;
//! anything beyond is counted and left out (no rule needs it: each is
//! decided by the first few connections).

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

use super::grade;
pub use super::seen::{Entry, Seen};
use crate::model::exercise::{Rule, Scenario, Verdict};

/// Entries a journal keeps.
pub const MOST_ENTRIES: usize = 200;
/// Messages from the client it keeps among them.
pub const MOST_MESSAGES: usize = 8;
/// Connections one token may have open at once: no exercise needs more
/// than two (an old one closing while the new one opens).
pub const MOST_OPEN: usize = 4;

#[derive(Debug)]
pub struct Journal {
    pub scenario: Scenario,
    pub rules: Vec<Rule>,
    /// The exercise's id, as its lesson names it.
    pub exercise: String,
    /// Who the token was issued to (the fair share counts it there).
    pub client: IpAddr,
    issued: Instant,
    inner: Mutex<Inner>,
    verdicts: watch::Sender<Vec<Verdict>>,
    open: Arc<AtomicUsize>,
}

/// One open connection of a token; given back when dropped.
#[derive(Debug)]
pub struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct Inner {
    entries: Vec<Entry>,
    messages: usize,
    left_out: usize,
    last_used: Instant,
    /// Connections so far (the backoff exercise counts its attempts).
    attempts: usize,
}

impl Journal {
    pub fn new(exercise: &str, rules: Vec<Rule>, client: IpAddr) -> Journal {
        let scenario = rules
            .first()
            .map_or(Scenario::Stream, |rule| rule.scenario());
        let rules = unique(rules);
        let now = Instant::now();
        let (verdicts, _) = watch::channel(grade::grade(&rules, &[]));
        Journal {
            scenario,
            rules,
            exercise: exercise.into(),
            client,
            issued: now,
            inner: Mutex::new(Inner {
                entries: Vec::new(),
                messages: 0,
                left_out: 0,
                last_used: now,
                attempts: 0,
            }),
            verdicts,
            open: Arc::default(),
        }
    }

    /// A slot for one more open connection, or `None` if the token has
    /// [`MOST_OPEN`] already.
    pub fn connect(&self) -> Option<Slot> {
        self.open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < MOST_OPEN).then_some(n + 1)
            })
            .ok()?;
        Some(Slot(self.open.clone()))
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes down `seen`, now, and grades the rules again.
    pub fn record(&self, seen: Seen) {
        let entries = {
            let mut inner = self.inner();
            inner.last_used = Instant::now();
            let is_message = matches!(seen, Seen::Message(_));
            if inner.entries.len() >= MOST_ENTRIES
                || (is_message && inner.messages >= MOST_MESSAGES)
            {
                inner.left_out += 1;
                return;
            }
            inner.messages += usize::from(is_message);
            let at = self.issued.elapsed();
            inner.entries.push(Entry { at, seen });
            inner.entries.clone()
        };
        let verdicts = grade::grade(&self.rules, &entries);
        self.verdicts.send_if_modified(|old| {
            let changed = *old != verdicts;
            *old = verdicts;
            changed
        });
    }

    /// Counts a connection attempt and returns its number (1 for the first).
    pub fn next_attempt(&self) -> usize {
        let mut inner = self.inner();
        inner.last_used = Instant::now();
        inner.attempts += 1;
        inner.attempts
    }

    /// Connection attempts so far.
    pub fn attempts(&self) -> usize {
        self.inner().attempts
    }

    /// What has been seen so far.
    pub fn entries(&self) -> Vec<Entry> {
        self.inner().entries.clone()
    }

    /// Entries left out, past the bounds.
    pub fn left_out(&self) -> usize {
        self.inner().left_out
    }

    /// How long since the token was last used.
    pub fn quiet_for(&self) -> Duration {
        self.inner().last_used.elapsed()
    }

    /// Marks the token used (someone follows its verdicts).
    pub fn touch(&self) {
        self.inner().last_used = Instant::now();
    }

    pub fn verdicts(&self) -> watch::Receiver<Vec<Verdict>> {
        self.verdicts.subscribe()
    }
}

/// `rules` without repeats, in the order checklists show them.
fn unique(rules: Vec<Rule>) -> Vec<Rule> {
    let mut seen = HashSet::new();
    rules
        .into_iter()
        .filter(|rule| seen.insert(*rule))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::exercise::Standing;

    fn journal() -> Journal {
        Journal::new(
            "close",
            vec![Rule::ClosesWithCodeAndReason],
            [127, 0, 0, 1].into(),
        )
    }

    #[test]
    fn a_chatty_client_fills_the_journal_only_to_its_bounds() {
        let journal = journal();
        for n in 0..10_000 {
            journal.record(Seen::Message(format!("message {n}")));
        }
        assert_eq!(journal.entries().len(), MOST_MESSAGES);
        assert_eq!(journal.left_out(), 10_000 - MOST_MESSAGES);
        for _ in 0..10_000 {
            journal.record(Seen::Dropped);
        }
        assert_eq!(journal.entries().len(), MOST_ENTRIES);
    }

    #[test]
    fn each_entry_grades_the_rules_again() {
        let journal = journal();
        let verdicts = journal.verdicts();
        assert_eq!(verdicts.borrow()[0].standing, Standing::Waiting);
        journal.record(Seen::CloseFrame {
            code: Some(4000),
            reason: "done".into(),
        });
        assert_eq!(verdicts.borrow()[0].standing, Standing::Passed);
    }
}
