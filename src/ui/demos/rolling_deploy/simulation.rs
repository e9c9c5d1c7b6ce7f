//! A rolling deploy across several servers, simulated: clients hold event
//! streams spread over the servers by a load balancer; an event is
//! published every second; the servers are restarted one after another,
//! each one ending its streams, down for a while, then back. What reaches
//! the clients depends on how the servers share events; how the crowd
//! moves depends on the `retry:` the servers gave it and on the balancer.
//! Deterministic: the same fleet gives the same result, so a test and a
//! learner see the same thing.

/// The simulation's step.
const STEP_MS: u32 = 100;
/// An event every second.
const EVENT_EVERY_MS: u32 = 1_000;
/// The first server is drained at 5 s, the next one 10 s later, and so on;
/// each is down for 5 s.
pub const FIRST_DRAIN_MS: u32 = 5_000;
pub const CYCLE_MS: u32 = 10_000;
pub const DOWN_MS: u32 = 5_000;
/// How long the simulation runs after the last server is back.
const AFTER_MS: u32 = 30_000;
/// The fixed `retry:`, and the range of the random one.
pub const FIXED_RETRY_MS: u32 = 3_000;
pub const RANDOM_RETRY_MS: (u32, u32) = (1_000, 6_000);
/// With a maximum age, a server ends each stream this long after it
/// opened (a random time in the range; compressed: real servers use
/// minutes).
pub const MAX_AGE_MS: (u32, u32) = (10_000, 30_000);

/// How an event published on one server reaches the clients of the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Through a pub/sub broker: every server running at that moment.
    PubSub,
    /// Through a pub/sub and a shared log: a client that reconnects sends
    /// `Last-Event-ID` and gets what it missed from the log.
    Log,
    /// No broker: only the clients of the server the event was published
    /// on (publishers are spread over the servers like clients).
    Alone,
}

/// The `retry:` each server sends before it ends its streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    Fixed,
    Random,
}

/// Where the load balancer sends a new connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Balancer {
    /// The next running server in turn.
    RoundRobin,
    /// The running server that holds the fewest connections.
    LeastConnections,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fleet {
    pub servers: u32,
    pub clients: u32,
    pub delivery: Delivery,
    pub retry: Retry,
    pub balancer: Balancer,
    /// Whether servers end each stream after [`MAX_AGE_MS`].
    pub max_age: bool,
}

/// One server over the run, second by second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Connections held at the start of each second.
    pub held: Vec<u32>,
    /// Connections accepted during each second.
    pub accepted: Vec<u32>,
    /// When it was drained, and when it was back.
    pub down: (u32, u32),
}

impl Server {
    pub fn most_accepted(&self) -> u32 {
        self.accepted.iter().copied().max().unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub servers: Vec<Server>,
    pub horizon_ms: u32,
    /// Events published.
    pub events: u32,
    /// Connections held by each server when the run ends.
    pub at_end: Vec<u32>,
    /// Events not received, summed over the clients.
    pub missed: u64,
    /// Clients that missed at least one event.
    pub clients_missing: u32,
    /// The most events one client missed.
    pub most_missed: u32,
}

impl Outcome {
    /// The most connections one server accepted in one second.
    pub fn most_accepted(&self) -> u32 {
        self.servers
            .iter()
            .map(Server::most_accepted)
            .max()
            .unwrap_or(0)
    }

    /// The most connections any server held at any moment: the charts'
    /// common scale.
    pub fn most_held(&self) -> u32 {
        self.servers
            .iter()
            .flat_map(|s| s.held.iter().copied())
            .max()
            .unwrap_or(0)
    }
}

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

impl Fleet {
    pub fn horizon_ms(self) -> u32 {
        FIRST_DRAIN_MS + self.servers * CYCLE_MS + AFTER_MS
    }

    fn down(self, server: usize) -> (u32, u32) {
        let drained = FIRST_DRAIN_MS + server as u32 * CYCLE_MS;
        (drained, drained + DOWN_MS)
    }

    pub fn run(self) -> Outcome {
        let mut rng = fastrand::Rng::with_seed(
            (u64::from(self.clients) << 32)
                ^ (u64::from(self.servers) << 16)
                ^ (self.delivery as u64 * 7)
                ^ (self.retry as u64 * 3)
                ^ (self.balancer as u64 * 5)
                ^ u64::from(self.max_age),
        );
        let servers = self.servers as usize;
        let horizon = self.horizon_ms();
        let seconds = (horizon / 1000) as usize;
        let mut traces: Vec<Server> = (0..servers)
            .map(|s| Server {
                held: vec![0; seconds],
                accepted: vec![0; seconds],
                down: self.down(s),
            })
            .collect();
        let mut held = vec![0u32; servers];
        let ends_at = |rng: &mut fastrand::Rng, now: u32| {
            if self.max_age {
                now + rng.u32(MAX_AGE_MS.0..MAX_AGE_MS.1)
            } else {
                u32::MAX
            }
        };
        let retry = |rng: &mut fastrand::Rng| match self.retry {
            Retry::Fixed => FIXED_RETRY_MS,
            Retry::Random => rng.u32(RANDOM_RETRY_MS.0..RANDOM_RETRY_MS.1),
        };
        // The crowd starts spread evenly, each stream at its own age.
        let mut clients: Vec<Client> = (0..self.clients as usize)
            .map(|c| {
                let server = c % servers;
                held[server] += 1;
                let age = if self.max_age {
                    rng.u32(0..MAX_AGE_MS.0)
                } else {
                    0
                };
                Client {
                    link: Link::On {
                        server,
                        ends_at: ends_at(&mut rng, 0).saturating_sub(age),
                    },
                    last: 0,
                    received: 0,
                }
            })
            .collect();
        let mut turn = 0usize;
        let mut events = 0u32;
        for now in (0..horizon).step_by(STEP_MS as usize) {
            let second = (now / 1000) as usize;
            let running: Vec<bool> = (0..servers)
                .map(|s| {
                    let (drained, back) = self.down(s);
                    !(drained..back).contains(&now)
                })
                .collect();
            // Streams end: on a server being drained, or at their age.
            for client in &mut clients {
                if let Link::On { server, ends_at } = client.link {
                    if !running[server] || now >= ends_at {
                        held[server] -= 1;
                        client.link = Link::Away {
                            reconnect_at: now + retry(&mut rng),
                        };
                    }
                }
            }
            // Reconnects, through the balancer, with Last-Event-ID.
            for client in &mut clients {
                let Link::Away { reconnect_at } = client.link else {
                    continue;
                };
                if now < reconnect_at {
                    continue;
                }
                let server = match self.balancer {
                    Balancer::RoundRobin => {
                        while !running[turn % servers] {
                            turn += 1;
                        }
                        turn += 1;
                        (turn - 1) % servers
                    }
                    Balancer::LeastConnections => (0..servers)
                        .filter(|&s| running[s])
                        .min_by_key(|&s| held[s])
                        .expect("one server is down at a time"),
                };
                held[server] += 1;
                traces[server].accepted[second] += 1;
                client.link = Link::On {
                    server,
                    ends_at: ends_at(&mut rng, now),
                };
                if self.delivery == Delivery::Log {
                    client.received += events - client.last;
                    client.last = events;
                }
            }
            if now % 1000 == 0 {
                for (trace, &n) in traces.iter_mut().zip(&held) {
                    trace.held[second] = n;
                }
            }
            // An event, published on a running server.
            if now > 0 && now % EVENT_EVERY_MS == 0 {
                events += 1;
                let up: Vec<usize> = (0..servers).filter(|&s| running[s]).collect();
                let origin = up[events as usize % up.len()];
                for client in &mut clients {
                    if let Link::On { server, .. } = client.link {
                        if self.delivery != Delivery::Alone || server == origin {
                            client.received += 1;
                            client.last = events;
                        }
                    }
                }
            }
        }
        // A client still waiting out its retry when the run ends reads the
        // log as soon as it is back: with a log, it will miss nothing.
        if self.delivery == Delivery::Log {
            for client in &mut clients {
                client.received += events - client.last;
            }
        }
        let missed_each = clients.iter().map(|c| events - c.received);
        Outcome {
            horizon_ms: horizon,
            events,
            at_end: held,
            missed: missed_each.clone().map(u64::from).sum(),
            clients_missing: missed_each.clone().filter(|&m| m > 0).count() as u32,
            most_missed: missed_each.max().unwrap_or(0),
            servers: traces,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLEET: Fleet = Fleet {
        servers: 4,
        clients: 1000,
        delivery: Delivery::PubSub,
        retry: Retry::Fixed,
        balancer: Balancer::RoundRobin,
        max_age: false,
    };

    #[test]
    fn pub_sub_alone_loses_what_was_published_while_a_client_was_away() {
        let run = FLEET.run();
        assert_eq!(run.events, run.horizon_ms / 1000 - 1);
        // Every client lost its stream at least once, for a 3 s retry: it
        // missed the 3 events published meanwhile, each time it moved (a
        // client can land on a server still to be restarted, up to 4 times).
        assert_eq!(run.clients_missing, 1000);
        assert!(run.missed >= 3 * 1000, "{}", run.missed);
        assert!((3..=12).contains(&run.most_missed), "{}", run.most_missed);
        for max_age in [false, true] {
            let log = Fleet {
                delivery: Delivery::Log,
                max_age,
                ..FLEET
            }
            .run();
            assert_eq!((log.missed, log.clients_missing), (0, 0));
        }
    }

    #[test]
    fn without_a_broker_a_client_gets_only_its_own_servers_events() {
        let run = Fleet {
            delivery: Delivery::Alone,
            ..FLEET
        }
        .run();
        let deliveries = u64::from(run.events) * 1000;
        // A quarter of the clients, a third while one server is down.
        assert!(
            run.missed * 3 >= deliveries * 2,
            "{} of {deliveries}",
            run.missed
        );
    }

    #[test]
    fn a_fixed_retry_lands_a_drained_servers_clients_in_one_moment() {
        let fixed = FLEET.run();
        // The first server's 250 clients, a third on each of the others,
        // all in the same second.
        assert!(fixed.servers[1].most_accepted() >= 80, "{fixed:?}");
        let random = Fleet {
            retry: Retry::Random,
            ..FLEET
        }
        .run();
        assert!(
            fixed.most_accepted() >= 3 * random.most_accepted(),
            "{} against {}",
            fixed.most_accepted(),
            random.most_accepted()
        );
    }

    #[test]
    fn after_a_rolling_deploy_the_last_server_restarted_holds_nothing_unless_streams_age_out() {
        for balancer in [Balancer::RoundRobin, Balancer::LeastConnections] {
            let run = Fleet { balancer, ..FLEET }.run();
            assert_eq!(run.at_end[3], 0, "{balancer:?}: {:?}", run.at_end);
            assert_eq!(run.at_end.iter().sum::<u32>(), 1000);
        }
        let aged = Fleet {
            balancer: Balancer::LeastConnections,
            max_age: true,
            ..FLEET
        }
        .run();
        let (fewest, most) = (
            aged.at_end.iter().min().unwrap(),
            aged.at_end.iter().max().unwrap(),
        );
        assert!(most - fewest <= 10, "{:?}", aged.at_end);
    }

    #[test]
    fn the_same_fleet_gives_the_same_result() {
        assert_eq!(FLEET.run(), FLEET.run());
    }
}
