//! How the room is doing: each learner may mark the section the room is at
//! "done" or "stuck" (`POST /api/room/pulse`), once per browser, and the
//! presenter sees the two counts live (`event: pulse`), never who. A move
//! starts the counts from zero: a mark names the move it answers.
//!
//! One server keeps the marks here ([`Marks`]); with `--redis-url` the
//! room's Redis keeps them (`redis_side`), and this server keeps the last
//! counts it heard, for a presenter's stream that opens.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;

use super::per_client::PerClient;
use super::state::{RoomError, MOST_VOTERS};
use super::{streams, Refused, Room, Said, ANSWERS_PER_CLIENT};
use crate::model::room::{Mark, PulseAsked, RoomPulse};

/// The marks on one move, one per browser.
#[derive(Debug, Default)]
pub struct Marks {
    seq: u64,
    marks: HashMap<String, Mark>,
    /// The counts as last told (with Redis: as last heard).
    told: RoomPulse,
    /// Marks each client address sent this server on the current move.
    by_client: PerClient,
}

impl Marks {
    /// One more mark from `client` on move `seq`, or `false` past its
    /// share (as many as a poll's answers: a room behind one NAT fits).
    pub fn take(&mut self, client: IpAddr, seq: u64) -> bool {
        self.by_client.take(client, seq, ANSWERS_PER_CLIENT)
    }

    /// Takes `voter`'s mark on move `asked.seq`, the room being at move `at`.
    pub fn mark(&mut self, voter: &str, asked: PulseAsked, at: u64) -> Result<(), RoomError> {
        if asked.seq != at || at == 0 {
            return Err(RoomError::MovedOn);
        }
        if self.seq != at {
            self.seq = at;
            self.marks.clear();
        }
        match asked.mark {
            Mark::Clear => {
                self.marks.remove(voter);
            }
            mark => {
                if self.marks.len() >= MOST_VOTERS && !self.marks.contains_key(voter) {
                    return Err(RoomError::Full);
                }
                self.marks.insert(voter.to_string(), mark);
            }
        }
        Ok(())
    }

    /// The counts on move `at` (zero for a move nobody marked yet).
    pub fn counts(&self, at: u64) -> RoomPulse {
        let count = |kind| {
            let n = self.marks.values().filter(|m| **m == kind).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        if self.seq == at {
            RoomPulse {
                seq: at,
                done: count(Mark::Done),
                stuck: count(Mark::Stuck),
            }
        } else {
            RoomPulse {
                seq: at,
                ..RoomPulse::default()
            }
        }
    }

    /// The counts a presenter's stream starts with.
    pub fn told(&self) -> RoomPulse {
        self.told
    }
}

impl Room {
    /// Takes one browser's mark.
    pub(super) async fn mark(&self, voter: &str, asked: PulseAsked) -> Result<(), Refused> {
        match &self.shared {
            Some(shared) => shared.pulse().mark(voter, asked).await?,
            None => {
                let at = self.state().position().map_or(0, |p| p.seq);
                self.marks().mark(voter, asked, at)?;
            }
        }
        self.pulsed.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The counts to the presenter, after new marks.
    pub(super) async fn tell_pulse(&self) {
        if let Some(shared) = &self.shared {
            if let Err(error) = shared.pulse().tally().await {
                tracing::warn!("the room's pulse did not reach its Redis: {error}");
            }
            return;
        }
        let at = self.state().position().map_or(0, |p| p.seq);
        let pulse = self.marks().counts(at);
        self.heard_pulse(pulse);
    }

    /// Counts to tell every presenter's stream on this server.
    pub(super) fn heard_pulse(&self, pulse: RoomPulse) {
        self.marks().told = pulse;
        self.send(Said {
            learners: None,
            presenter: Some(streams::pulse_event(&pulse)),
        });
    }

    pub(super) fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        self.marks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(seq: u64, mark: Mark) -> PulseAsked {
        PulseAsked { seq, mark }
    }

    #[test]
    fn one_mark_per_browser_counted_on_its_move_and_none_on_the_next() {
        let pulse = |seq, done, stuck| RoomPulse { seq, done, stuck };
        let mut marks = Marks::default();
        marks.mark("a", asked(3, Mark::Done), 3).unwrap();
        marks.mark("b", asked(3, Mark::Stuck), 3).unwrap();
        marks.mark("c", asked(3, Mark::Stuck), 3).unwrap();
        marks.mark("c", asked(3, Mark::Done), 3).unwrap();
        marks.mark("b", asked(3, Mark::Clear), 3).unwrap();
        assert_eq!(marks.counts(3), pulse(3, 2, 0));
        assert_eq!(marks.counts(4), pulse(4, 0, 0), "a move starts from zero");
        assert_eq!(
            marks.mark("a", asked(3, Mark::Done), 4),
            Err(RoomError::MovedOn),
            "a mark sent as the presenter moved on"
        );
        marks.mark("a", asked(4, Mark::Stuck), 4).unwrap();
        assert_eq!(marks.counts(4), pulse(4, 0, 1));
        assert_eq!(
            marks.mark("a", asked(0, Mark::Done), 0),
            Err(RoomError::MovedOn),
            "nothing to mark before the first move"
        );
    }
}
