//! A WebTransport client for the QUIC lane (wtransport), trusting the
//! lane's certificate by the hash `GET /api/webtransport` names, as a
//! browser does; and a run of the head-of-line demo, every message timed.
//! Shared by `tests/it/webtransport.rs` and `benches/head_of_line.rs`.

#![allow(dead_code)] // the bench and the tests use different parts

use realtime_lab::model::wire::{LossMessage, LossSummary, LossWay, WebTransportLane};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use wtransport::endpoint::endpoint_side::Client;
use wtransport::error::ConnectingError;
use wtransport::tls::Sha256Digest;
use wtransport::{ClientConfig, Connection, Endpoint};

pub const PATIENCE: Duration = Duration::from_secs(10);

/// What `GET {base}/api/webtransport` says of the lane.
pub async fn lane(base: &str) -> WebTransportLane {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{base}/api/webtransport");
    let text = client.get(url).send().await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn digest(hex: &str) -> Sha256Digest {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    Sha256Digest::new(bytes.try_into().unwrap())
}

/// A client endpoint on `ip` trusting exactly the certificate `hash` names.
pub fn client(ip: &str, hash: &str) -> Endpoint<Client> {
    let config = ClientConfig::builder()
        .with_bind_address(format!("{ip}:0").parse().unwrap())
        .with_server_certificate_hashes([digest(hash)])
        .build();
    Endpoint::client(config).unwrap()
}

/// A session at `path` on the lane of the site at `base`, from `ip`.
pub async fn connect(
    (base, quic_lane): (&str, &str),
    ip: &str,
    path: &str,
) -> Result<Connection, ConnectingError> {
    let lane = lane(base).await;
    let url = format!("{quic_lane}{path}");
    tokio::time::timeout(
        PATIENCE,
        client(ip, &lane.certificate_hashes[0]).connect(url),
    )
    .await
    .expect("the lane answers within 10 s")
}

/// Each message of the head-of-line demo, by way and number: when it came.
#[derive(Default)]
pub struct Arrivals {
    pub at: HashMap<(LossWay, u32), (Instant, u64)>,
    pub summary: Option<LossSummary>,
}

impl Arrivals {
    pub fn count(&self, way: LossWay) -> usize {
        self.at.keys().filter(|(w, _)| *w == way).count()
    }

    /// Each message's delay past the quickest one's (arrival less sending,
    /// against the least of them), in ms, for one way.
    pub fn delays(&self, way: LossWay) -> Vec<f64> {
        let start = self.at.values().map(|(at, _)| *at).min().unwrap();
        let lateness = |(at, sent): &(Instant, u64)| {
            at.duration_since(start).as_secs_f64() * 1000.0 - *sent as f64
        };
        let least = self.at.values().map(lateness).fold(f64::INFINITY, f64::min);
        self.at
            .iter()
            .filter(|((w, _), _)| *w == way)
            .map(|(_, arrival)| lateness(arrival) - least)
            .collect()
    }

    /// The delays of one way, summed, in ms.
    pub fn total_delay(&self, way: LossWay) -> f64 {
        self.delays(way).iter().sum()
    }
}

/// Runs the loss demo and takes every message and the summary as they come.
pub async fn run_loss_demo(site: (&str, &str), query: &str) -> Arrivals {
    let connection = connect(
        site,
        "127.0.0.1",
        &format!("/api/webtransport/loss?{query}"),
    )
    .await
    .unwrap();
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Arrivals::default()));
    let note = |message: LossMessage| {
        let mut arrivals = arrivals.lock().unwrap();
        arrivals
            .at
            .insert((message.way, message.seq), (Instant::now(), message.sent));
    };
    let datagrams = async {
        while let Ok(datagram) = connection.receive_datagram().await {
            note(serde_json::from_slice(&datagram.payload()).unwrap());
        }
    };
    let streams = async {
        let mut readers = futures_util::stream::FuturesUnordered::new();
        loop {
            tokio::select! {
                stream = connection.accept_uni() => {
                    let Ok(mut stream) = stream else { break };
                    let note = &note;
                    let arrivals = &arrivals;
                    readers.push(async move {
                        let (mut line, mut buffer) = (Vec::new(), [0u8; 1024]);
                        while let Ok(Some(n)) = stream.read(&mut buffer).await {
                            for &byte in &buffer[..n] {
                                if byte == b'\n' {
                                    note(serde_json::from_slice(&line).unwrap());
                                    line.clear();
                                } else {
                                    line.push(byte);
                                }
                            }
                        }
                        if !line.is_empty() {
                            arrivals.lock().unwrap().summary = Some(serde_json::from_slice(&line).unwrap());
                        }
                    });
                }
                Some(()) = futures_util::StreamExt::next(&mut readers) => {
                    if arrivals.lock().unwrap().summary.is_some() {
                        break;
                    }
                }
            }
        }
        // The streams still being read came before the summary: read them out.
        while futures_util::StreamExt::next(&mut readers).await.is_some() {}
    };
    tokio::time::timeout(Duration::from_secs(30), async {
        tokio::select! {
            () = streams => {}
            () = datagrams => {}
        }
    })
    .await
    .expect("the demo ends within 30 s");
    connection.close(0u32.into(), b"done");
    std::sync::Arc::try_unwrap(arrivals)
        .ok()
        .unwrap()
        .into_inner()
        .unwrap()
}
