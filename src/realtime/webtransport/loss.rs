//! Head-of-line blocking, live: the server sends the same numbered messages
//! three ways at once on one WebTransport session, while its UDP socket
//! drops a share of the packets it sends to that session's address
//! (`crate::http::quic::lossy`):
//!
//! - every message on **one stream**: a lost packet holds back every later
//!   message until it is sent again, as TCP would;
//! - each message on **a stream of its own**: a loss delays that message
//!   only;
//! - each message as a **datagram**: a loss is a message gone.
//!
//! Every packet that is not dropped arrives `delay` late (100 ms unless
//! asked), a far path's half round trip: a loss is found only when later
//! packets are acknowledged, and repaired a round trip after that.
//!
//! Each message says when it was sent (`sent`, ms since the session began);
//! the page measures each one's delay from its arrival. The loss stops
//! before the summary (packets sent, packets dropped) goes out.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use wtransport::Connection;

use crate::http::quic::lossy::Loss;
use crate::model::wire::{LossMessage, LossSummary, LossWay};

/// What a page may ask of the demo, with the bounds it is held to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossAsked {
    /// The share of packets dropped, 0 to [`MOST_DROP`].
    pub drop: f64,
    /// Messages sent each way, 1 to [`MOST_MESSAGES`].
    pub count: u32,
    /// Time between two messages, [`LEAST_EVERY_MS`] to [`MOST_EVERY_MS`].
    pub every: Duration,
    /// How late every packet to the browser arrives, as on a far path: 0
    /// to [`MOST_DELAY_MS`].
    pub delay: Duration,
    pub seed: u64,
}

pub const MOST_DROP: f64 = 0.5;
/// Below browsers' limit of streams a server may open at once (100 in
/// Chromium), since each message may hold one.
pub const MOST_MESSAGES: u32 = 60;
pub const LEAST_EVERY_MS: u64 = 10;
pub const MOST_EVERY_MS: u64 = 500;
pub const MOST_DELAY_MS: u64 = 300;

impl Default for LossAsked {
    fn default() -> Self {
        LossAsked {
            drop: 0.2,
            count: 50,
            every: Duration::from_millis(20),
            delay: Duration::from_millis(100),
            seed: 1,
        }
    }
}

impl LossAsked {
    /// From the session's query; what is missing or unreadable keeps its
    /// default, what is out of bounds is brought within them.
    pub fn parse(query: &str) -> Self {
        let mut asked = LossAsked::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "drop" => {
                    if let Ok(drop) = value.parse::<f64>() {
                        asked.drop = if drop.is_finite() {
                            drop.clamp(0.0, MOST_DROP)
                        } else {
                            0.0
                        };
                    }
                }
                "count" => {
                    if let Ok(count) = value.parse::<u32>() {
                        asked.count = count.clamp(1, MOST_MESSAGES);
                    }
                }
                "every" => {
                    if let Ok(ms) = value.parse::<u64>() {
                        asked.every =
                            Duration::from_millis(ms.clamp(LEAST_EVERY_MS, MOST_EVERY_MS));
                    }
                }
                "delay" => {
                    if let Ok(ms) = value.parse::<u64>() {
                        asked.delay = Duration::from_millis(ms.min(MOST_DELAY_MS));
                    }
                }
                "seed" => {
                    if let Ok(seed) = value.parse() {
                        asked.seed = seed;
                    }
                }
                _ => {}
            }
        }
        asked
    }
}

/// Sends the messages three ways under loss, then the summary, then waits
/// for the browser to close the session.
pub async fn run(connection: &Connection, loss: &Arc<Loss>, asked: LossAsked) {
    let remote: SocketAddr = connection.remote_address();
    let Ok(opening) = connection.open_uni().await else {
        return;
    };
    let Ok(mut one_stream) = opening.await else {
        return;
    };
    let guard = loss.start(remote, (asked.drop, asked.delay), asked.seed);
    let began = Instant::now();
    let mut own_streams = tokio::task::JoinSet::new();
    for seq in 0..asked.count {
        tokio::time::sleep_until(began + asked.every * seq).await;
        let sent = began.elapsed().as_millis() as u64;
        let line = |way| {
            let mut json = serde_json::to_vec(&LossMessage { seq, way, sent }).expect("serialises");
            json.push(b'\n');
            json
        };
        if one_stream
            .write_all(&line(LossWay::OneStream))
            .await
            .is_err()
        {
            return;
        }
        let Ok(opening) = connection.open_uni().await else {
            return;
        };
        let own = line(LossWay::OwnStream);
        own_streams.spawn(async move {
            let Ok(mut stream) = opening.await else {
                return;
            };
            // Finished once the browser has acknowledged every byte (sent
            // again as often as lost), so the summary comes after them all.
            if stream.write_all(&own).await.is_ok() {
                let _ = stream.finish().await;
            }
        });
        // A datagram too large or refused is lost as a dropped one would be.
        let _ = connection.send_datagram(line(LossWay::Datagram));
    }
    let _ = one_stream.quic_stream_mut().finish();
    // Every stream's bytes acknowledged (resent as often as needed), then
    // the loss stops and the summary goes out cleanly.
    let _ = one_stream.finish().await;
    while own_streams.join_next().await.is_some() {}
    tokio::time::sleep(Duration::from_millis(200)).await;
    let counts = guard.counts();
    drop(guard);
    let summary = LossSummary {
        messages: asked.count,
        packets: counts.sent,
        dropped: counts.dropped,
    };
    if let Ok(opening) = connection.open_uni().await {
        if let Ok(mut stream) = opening.await {
            let json = serde_json::to_vec(&summary).expect("serialises");
            if stream.write_all(&json).await.is_ok() {
                let _ = stream.finish().await;
            }
        }
    }
    connection.closed().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_held_within_bounds() {
        let asked = LossAsked::parse("drop=0.9&count=1000&every=1&delay=5000&seed=9");
        assert_eq!(asked.delay, Duration::from_millis(MOST_DELAY_MS));
        assert_eq!(asked.drop, MOST_DROP);
        assert_eq!(asked.count, MOST_MESSAGES);
        assert_eq!(asked.every, Duration::from_millis(LEAST_EVERY_MS));
        assert_eq!(asked.seed, 9);
        let asked = LossAsked::parse("drop=NaN&count=x");
        assert_eq!(asked.drop, 0.0);
        assert_eq!(asked.count, LossAsked::default().count);
    }
}
