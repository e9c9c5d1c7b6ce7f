//! What the QUIC lane's WebTransport sessions send, and what
//! `GET /api/webtransport` tells a page about the lane.

use serde::{Deserialize, Serialize};

/// `GET /api/webtransport`: where the QUIC lane is and which certificate
/// it presents. Fetched when a demo connects, not written into the page:
/// the page is cached, and a generated certificate is renewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebTransportLane {
    /// The lane's UDP port; `None` when the lane is off.
    pub port: Option<u16>,
    /// The SHA-256 of a self-signed certificate, in hex, for the browser's
    /// `serverCertificateHashes`; empty when the host gave a certificate
    /// browsers check themselves.
    pub certificate_hashes: Vec<String>,
}

/// A datagram of the echo session's clock: the shared clock's tick, and
/// this server's view of the session's QUIC connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WtTick {
    /// The clock's tick id, as `/api/clock` numbers it.
    pub tick: u64,
    pub time: String,
    /// Which QUIC connection carries the session (numbered by this server).
    pub connection: u64,
    /// Bidirectional streams the browser has opened on it so far.
    pub streams: u64,
    /// Of them, how many are open now.
    pub open: u64,
}

/// How a message of the head-of-line demo travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossWay {
    /// Every message on one stream, in order.
    OneStream,
    /// Each message on a unidirectional stream of its own.
    OwnStream,
    /// Each message as a datagram: never sent again.
    Datagram,
}

impl LossWay {
    pub const ALL: [LossWay; 3] = [LossWay::OneStream, LossWay::OwnStream, LossWay::Datagram];
}

/// One message of the head-of-line demo, as a JSON line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossMessage {
    pub seq: u32,
    pub way: LossWay,
    /// When the server sent it, in ms since the session began.
    pub sent: u64,
}

/// The last thing the head-of-line demo sends, on a stream of its own once
/// the loss has stopped: how many packets went to the browser while it
/// ran, and how many of them the server dropped on purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossSummary {
    pub messages: u32,
    pub packets: u64,
    pub dropped: u64,
}
