//! The clock's replay window: the last few minutes of ticks, and what a
//! client needs on (re)connecting with or without `Last-Event-ID`.
//!
//! The id a browser resends is whatever the client put in the header, so
//! the arithmetic on it saturates: `0`, `u64::MAX` or an id from the future
//! each get a sensible answer, never an overflow.

use axum::body::Bytes;
use std::collections::VecDeque;

/// One tick of the clock: an id that only grows, and the event that
/// carries it (`id:`, and the UTC time as `data:`), encoded once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tick {
    pub id: u64,
    pub event: Bytes,
}

/// The newest ticks, oldest first, at most `capacity` of them.
#[derive(Debug)]
pub struct ReplayWindow {
    ticks: VecDeque<Tick>,
    capacity: usize,
}

/// What a connecting client is sent before the live ticks.
#[derive(Debug, PartialEq, Eq)]
pub struct Backlog {
    /// The `Last-Event-ID` the client sent, if any.
    pub resumed_after: Option<u64>,
    pub ticks: Vec<Tick>,
    /// Ticks after `resumed_after` that are no longer in the window.
    pub lost: u64,
}

impl ReplayWindow {
    /// A window of `capacity` ticks; at least one is always kept, since a
    /// new client is sent the newest tick at once.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        ReplayWindow {
            // Reserve modestly: the capacity is a limit, not a size to allocate now.
            ticks: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
        }
    }

    pub fn push(&mut self, tick: Tick) {
        while self.ticks.len() >= self.capacity {
            self.ticks.pop_front();
        }
        self.ticks.push_back(tick);
    }

    /// The newest tick for a new client; for a returning one the ticks after
    /// `last_seen`, and how many of those the window no longer holds.
    pub fn backlog(&self, last_seen: Option<u64>) -> Backlog {
        let Some(last_seen) = last_seen else {
            return Backlog {
                resumed_after: None,
                ticks: self.ticks.back().cloned().into_iter().collect(),
                lost: 0,
            };
        };
        let ticks = self
            .ticks
            .iter()
            .filter(|t| t.id > last_seen)
            .cloned()
            .collect();
        // Lost: the ids from last_seen + 1 up to the oldest one kept.
        let lost = self.ticks.front().map_or(0, |oldest| {
            oldest.id.saturating_sub(last_seen.saturating_add(1))
        });
        Backlog {
            resumed_after: Some(last_seen),
            ticks,
            lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window_of(ids: std::ops::RangeInclusive<u64>, capacity: usize) -> ReplayWindow {
        let mut window = ReplayWindow::new(capacity);
        for id in ids {
            window.push(Tick {
                id,
                event: Bytes::from(format!("t{id}")),
            });
        }
        window
    }

    fn ids(backlog: &Backlog) -> Vec<u64> {
        backlog.ticks.iter().map(|t| t.id).collect()
    }

    #[test]
    fn a_new_client_gets_only_the_newest_tick() {
        let backlog = window_of(1..=10, 5).backlog(None);
        assert_eq!((ids(&backlog), backlog.lost), (vec![10], 0));
        assert_eq!(backlog.resumed_after, None);
    }

    #[test]
    fn a_returning_client_gets_what_it_missed_and_nothing_is_lost() {
        let backlog = window_of(1..=10, 5).backlog(Some(7));
        assert_eq!((ids(&backlog), backlog.lost), (vec![8, 9, 10], 0));
        assert_eq!(backlog.resumed_after, Some(7));
    }

    #[test]
    fn ticks_older_than_the_window_are_counted_as_lost() {
        // The window holds 6..=10; 3, 4 and 5 are gone.
        let backlog = window_of(1..=10, 5).backlog(Some(2));
        assert_eq!((ids(&backlog), backlog.lost), (vec![6, 7, 8, 9, 10], 3));
    }

    #[test]
    fn a_last_event_id_at_u64_max_does_not_panic() {
        let backlog = window_of(1..=10, 5).backlog(Some(u64::MAX));
        assert_eq!((ids(&backlog), backlog.lost), (vec![], 0));
    }

    #[test]
    fn a_last_event_id_of_zero_counts_every_tick_before_the_window_as_lost() {
        let backlog = window_of(u64::MAX - 4..=u64::MAX, 5).backlog(Some(0));
        assert_eq!(backlog.lost, u64::MAX - 5);
        assert_eq!(backlog.ticks.len(), 5);
    }

    #[test]
    fn an_empty_window_loses_nothing() {
        let backlog = ReplayWindow::new(5).backlog(Some(3));
        assert_eq!((ids(&backlog), backlog.lost), (vec![], 0));
    }

    #[test]
    fn a_window_of_zero_still_keeps_the_newest_tick() {
        let window = window_of(1..=3, 0);
        assert_eq!(ids(&window.backlog(None)), [3]);
        assert_eq!(window.ticks.len(), 1);
    }
}
