//! A crowd of clients reconnecting after a restart, simulated: every
//! client loses its connection at the same moment, the server is down for
//! a while, then admits a limited number of new connections per second and
//! refuses the rest (as this site answers 503 when it is full). Each client
//! retries by its policy. Deterministic: the same crowd gives the same
//! result, so a test and a learner see the same thing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Milliseconds simulated after the drop.
pub const HORIZON_MS: u32 = 60_000;
/// The width of one bar of the chart.
pub const BUCKET_MS: u32 = 250;
/// The first backoff delay, and the most any delay grows to.
const BASE_MS: u32 = 500;
const CAP_MS: u32 = 30_000;
/// The fixed policy's delay (a typical `setTimeout(connect, 1000)`).
const FIXED_MS: u32 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// The same delay after every failure.
    Fixed,
    /// Doubling delays (500 ms, 1 s, 2 s, … up to 30 s), the same for all.
    Backoff,
    /// "Full jitter": a random delay between 0 and the doubling delay.
    Jitter,
}

impl Policy {
    pub const ALL: [Policy; 3] = [Policy::Fixed, Policy::Backoff, Policy::Jitter];

    pub fn id(self) -> &'static str {
        match self {
            Policy::Fixed => "fixed",
            Policy::Backoff => "backoff",
            Policy::Jitter => "jitter",
        }
    }

    /// For the table's rows.
    pub fn short(self) -> &'static str {
        match self {
            Policy::Fixed => "Fixed delay",
            Policy::Backoff => "Backoff",
            Policy::Jitter => "Backoff and jitter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Policy::Fixed => "Fixed delay: 1 s, every time",
            Policy::Backoff => "Exponential backoff, no jitter: 0.5, 1, 2, 4 … 30 s",
            Policy::Jitter => "Backoff with full jitter: random between 0 and that delay",
        }
    }

    /// The wait after `failures` failed attempts (0: after the drop).
    fn delay(self, failures: u32, rng: &mut fastrand::Rng) -> u32 {
        let doubled = BASE_MS.saturating_mul(1 << failures.min(16)).min(CAP_MS);
        match self {
            Policy::Fixed => FIXED_MS,
            Policy::Backoff => doubled,
            Policy::Jitter => rng.u32(0..doubled),
        }
    }
}

/// The room and the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crowd {
    pub clients: u32,
    /// New connections the server admits per second once it is back.
    pub per_second: u32,
    /// How long the server is down after the drop.
    pub down_ms: u32,
}

/// What one policy did with the crowd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub policy: Policy,
    /// Per bar of [`BUCKET_MS`]: attempts admitted and attempts refused.
    pub buckets: Vec<(u32, u32)>,
    /// When the last client was connected again, if within the horizon.
    pub all_back_ms: Option<u32>,
    /// When half of them were.
    pub half_back_ms: Option<u32>,
    pub attempts: u32,
    pub refused: u32,
    /// The most attempts in one bar: the charts' common scale.
    pub peak: u32,
    /// The most attempts in one bar once the server is back: the load the
    /// crowd puts on it as it returns.
    pub peak_back: u32,
}

impl Crowd {
    pub fn run(self, policy: Policy) -> Outcome {
        let mut rng = fastrand::Rng::with_seed(
            u64::from(self.clients) << 32 | u64::from(self.per_second) ^ u64::from(self.down_ms),
        );
        // (time of the next attempt, failures so far), earliest first.
        let mut pending: BinaryHeap<Reverse<(u32, u32, u32)>> = (0..self.clients)
            .map(|client| Reverse((policy.delay(0, &mut rng), client, 0)))
            .collect();
        let mut buckets = vec![(0u32, 0u32); (HORIZON_MS / BUCKET_MS) as usize];
        // Admission is a token bucket: `per_second` a second, and at most a
        // tenth of a second's worth at once.
        let burst = (f64::from(self.per_second) / 10.0).max(1.0);
        let (mut tokens, mut refilled_at) = (burst, self.down_ms);
        let (mut back, mut attempts, mut refused) = (0u32, 0u32, 0u32);
        let (mut all_back_ms, mut half_back_ms) = (None, None);
        while let Some(Reverse((at, client, failures))) = pending.pop() {
            if at >= HORIZON_MS {
                break;
            }
            attempts += 1;
            let bucket = &mut buckets[(at / BUCKET_MS) as usize];
            // Attempts come in time order, so `at` never goes back.
            let admitted = at >= self.down_ms && {
                let elapsed = f64::from(at - refilled_at) / 1000.0;
                tokens = (tokens + elapsed * f64::from(self.per_second)).min(burst);
                refilled_at = at;
                tokens >= 1.0
            };
            if admitted {
                tokens -= 1.0;
                bucket.0 += 1;
                back += 1;
                if back * 2 >= self.clients && half_back_ms.is_none() {
                    half_back_ms = Some(at);
                }
                if back == self.clients {
                    all_back_ms = Some(at);
                }
            } else {
                bucket.1 += 1;
                refused += 1;
                let next = at.saturating_add(policy.delay(failures + 1, &mut rng));
                pending.push(Reverse((next, client, failures + 1)));
            }
        }
        let peak = buckets.iter().map(|(a, r)| a + r).max().unwrap_or(0);
        let back_from = (self.down_ms / BUCKET_MS) as usize;
        let peak_back = buckets[back_from.min(buckets.len())..]
            .iter()
            .map(|(a, r)| a + r)
            .max()
            .unwrap_or(0);
        Outcome {
            policy,
            buckets,
            all_back_ms,
            half_back_ms,
            attempts,
            refused,
            peak,
            peak_back,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: Crowd = Crowd {
        clients: 1000,
        per_second: 200,
        down_ms: 2000,
    };

    #[test]
    fn a_fixed_delay_brings_the_whole_crowd_back_at_once_every_second() {
        let fixed = ROOM.run(Policy::Fixed);
        // Everyone's first retry lands in the same bar, while the server is down.
        assert_eq!(fixed.buckets[(FIXED_MS / BUCKET_MS) as usize], (0, 1000));
        assert_eq!(fixed.peak, 1000);
        // Each wave, the server admits one burst and refuses the rest.
        let second_wave = fixed.buckets[(2 * FIXED_MS / BUCKET_MS) as usize];
        assert_eq!(second_wave, (20, 980));
    }

    #[test]
    fn jitter_spreads_the_crowd_and_brings_it_back_sooner_with_fewer_attempts() {
        let [fixed, backoff, jitter] = Policy::ALL.map(|policy| ROOM.run(policy));
        let jitter_back = jitter
            .all_back_ms
            .expect("everyone is back within the minute");
        // 1000 clients at 200 a second take at least 5 s once the server is up.
        assert!(jitter_back >= 7000, "{jitter_back}");
        for herd in [&fixed, &backoff] {
            assert!(herd.all_back_ms.is_none_or(|t| t > jitter_back), "{herd:?}");
            // What the server meets as it comes back.
            assert!(
                herd.peak_back > 3 * jitter.peak_back,
                "{} vs {}",
                herd.peak_back,
                jitter.peak_back
            );
        }
        // A fixed delay hammers a server that has no room: six times the attempts.
        assert!(fixed.attempts > 6 * jitter.attempts);
        // Backoff alone keeps the crowd in step: each wave meets one burst of
        // room, and the waves grow apart, so most are still out after a minute.
        assert_eq!(backoff.half_back_ms, None);
    }

    #[test]
    fn the_same_crowd_gives_the_same_result() {
        assert_eq!(ROOM.run(Policy::Jitter), ROOM.run(Policy::Jitter));
        let bigger = Crowd {
            clients: 2000,
            ..ROOM
        };
        assert_ne!(bigger.run(Policy::Jitter), ROOM.run(Policy::Jitter));
    }
}
