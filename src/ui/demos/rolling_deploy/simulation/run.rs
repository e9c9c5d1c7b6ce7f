//! One run of the simulation, a step at a time: streams end (on a server
//! being drained, or at their age), clients come back through the balancer,
//! and an event is published every second. The random draws happen in the
//! same order on every run of the same fleet, so the result is the same.

use super::{
    Balancer, Delivery, Fleet, Outcome, Retry, Server, EVENT_EVERY_MS, FIXED_RETRY_MS, MAX_AGE_MS,
    RANDOM_RETRY_MS, STEP_MS,
};

#[derive(Clone, Copy)]
enum Link {
    /// On a server, until the server ends the stream (its maximum age).
    On { server: usize, ends_at: u32 },
    /// Waiting out the `retry:` delay.
    Away { reconnect_at: u32 },
}

#[derive(Clone, Copy)]
struct Client {
    link: Link,
    /// The last event received (0: none yet).
    last: u32,
    received: u32,
}

/// The run's moving parts.
pub struct Run {
    fleet: Fleet,
    rng: fastrand::Rng,
    /// Each server, second by second.
    traces: Vec<Server>,
    /// Connections each server holds now.
    held: Vec<u32>,
    clients: Vec<Client>,
    /// The round-robin balancer's next turn.
    turn: usize,
    /// Events published so far.
    events: u32,
}

impl Run {
    /// The crowd at the start, spread evenly, each stream at its own age.
    pub fn new(fleet: Fleet) -> Self {
        let mut rng = fastrand::Rng::with_seed(
            (u64::from(fleet.clients) << 32)
                ^ (u64::from(fleet.servers) << 16)
                ^ (fleet.delivery as u64 * 7)
                ^ (fleet.retry as u64 * 3)
                ^ (fleet.balancer as u64 * 5)
                ^ u64::from(fleet.max_age),
        );
        let servers = fleet.servers as usize;
        let seconds = (fleet.horizon_ms() / 1000) as usize;
        let traces = (0..servers)
            .map(|s| Server {
                held: vec![0; seconds],
                accepted: vec![0; seconds],
                down: fleet.down(s),
            })
            .collect();
        let mut held = vec![0u32; servers];
        let clients = (0..fleet.clients as usize)
            .map(|c| {
                let server = c % servers;
                held[server] += 1;
                let age = if fleet.max_age {
                    rng.u32(0..MAX_AGE_MS.0)
                } else {
                    0
                };
                Client {
                    link: Link::On {
                        server,
                        ends_at: ends_at(fleet, &mut rng, 0).saturating_sub(age),
                    },
                    last: 0,
                    received: 0,
                }
            })
            .collect();
        Run {
            fleet,
            rng,
            traces,
            held,
            clients,
            turn: 0,
            events: 0,
        }
    }

    /// Every step to the horizon, then what the clients missed.
    pub fn through(mut self) -> Outcome {
        for now in (0..self.fleet.horizon_ms()).step_by(STEP_MS as usize) {
            self.step(now);
        }
        self.outcome()
    }

    fn step(&mut self, now: u32) {
        let second = (now / 1000) as usize;
        let running: Vec<bool> = (0..self.held.len())
            .map(|s| {
                let (drained, back) = self.fleet.down(s);
                !(drained..back).contains(&now)
            })
            .collect();
        self.end_streams(now, &running);
        self.reconnect(now, second, &running);
        if now.is_multiple_of(1000) {
            for (trace, &n) in self.traces.iter_mut().zip(&self.held) {
                trace.held[second] = n;
            }
        }
        if now > 0 && now.is_multiple_of(EVENT_EVERY_MS) {
            self.publish(&running);
        }
    }

    /// Streams end: on a server being drained, or at their age.
    fn end_streams(&mut self, now: u32, running: &[bool]) {
        for client in &mut self.clients {
            if let Link::On { server, ends_at } = client.link {
                if !running[server] || now >= ends_at {
                    self.held[server] -= 1;
                    client.link = Link::Away {
                        reconnect_at: now + retry(self.fleet, &mut self.rng),
                    };
                }
            }
        }
    }

    /// Reconnects, through the balancer, with `Last-Event-ID`.
    fn reconnect(&mut self, now: u32, second: usize, running: &[bool]) {
        let servers = self.held.len();
        for client in &mut self.clients {
            let Link::Away { reconnect_at } = client.link else {
                continue;
            };
            if now < reconnect_at {
                continue;
            }
            let server = match self.fleet.balancer {
                Balancer::RoundRobin => {
                    while !running[self.turn % servers] {
                        self.turn += 1;
                    }
                    self.turn += 1;
                    (self.turn - 1) % servers
                }
                Balancer::LeastConnections => (0..servers)
                    .filter(|&s| running[s])
                    .min_by_key(|&s| self.held[s])
                    .expect("one server is down at a time"),
            };
            self.held[server] += 1;
            self.traces[server].accepted[second] += 1;
            client.link = Link::On {
                server,
                ends_at: ends_at(self.fleet, &mut self.rng, now),
            };
            if self.fleet.delivery == Delivery::Log {
                client.received += self.events - client.last;
                client.last = self.events;
            }
        }
    }

    /// An event, published on a running server.
    fn publish(&mut self, running: &[bool]) {
        self.events += 1;
        let up: Vec<usize> = (0..running.len()).filter(|&s| running[s]).collect();
        let origin = up[self.events as usize % up.len()];
        for client in &mut self.clients {
            if let Link::On { server, .. } = client.link {
                if self.fleet.delivery != Delivery::Alone || server == origin {
                    client.received += 1;
                    client.last = self.events;
                }
            }
        }
    }

    fn outcome(mut self) -> Outcome {
        let events = self.events;
        // A client still waiting out its retry when the run ends reads the
        // log as soon as it is back: with a log, it will miss nothing.
        if self.fleet.delivery == Delivery::Log {
            for client in &mut self.clients {
                client.received += events - client.last;
            }
        }
        let missed_each = self.clients.iter().map(|c| events - c.received);
        Outcome {
            horizon_ms: self.fleet.horizon_ms(),
            events,
            at_end: self.held,
            missed: missed_each.clone().map(u64::from).sum(),
            clients_missing: missed_each.clone().filter(|&m| m > 0).count() as u32,
            most_missed: missed_each.max().unwrap_or(0),
            servers: self.traces,
        }
    }
}

/// When a stream opened at `now` ends: at its maximum age, or never.
fn ends_at(fleet: Fleet, rng: &mut fastrand::Rng, now: u32) -> u32 {
    if fleet.max_age {
        now + rng.u32(MAX_AGE_MS.0..MAX_AGE_MS.1)
    } else {
        u32::MAX
    }
}

/// The `retry:` a server gave its streams.
fn retry(fleet: Fleet, rng: &mut fastrand::Rng) -> u32 {
    match fleet.retry {
        Retry::Fixed => FIXED_RETRY_MS,
        Retry::Random => rng.u32(RANDOM_RETRY_MS.0..RANDOM_RETRY_MS.1),
    }
}
