//! The connection lab's wire: its two lanes, and what the server tells a
//! page about the TCP connections that carry its streams.

use serde::{Deserialize, Serialize};

/// The two lanes of the connection lab: the same server on two HTTPS ports,
/// one offering HTTP/2 (ALPN `h2`, with `http/1.1` as fallback), one
/// offering only HTTP/1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lane {
    #[serde(rename = "h1")]
    Http1,
    #[serde(rename = "h2")]
    Http2,
}

impl Lane {
    pub fn label(self) -> &'static str {
        match self {
            Lane::Http1 => "HTTP/1.1",
            Lane::Http2 => "HTTP/2",
        }
    }
}

/// Where the lab's lanes listen; the page builds `https://{its host}:{port}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabLanes {
    pub http1_port: u16,
    pub http2_port: u16,
    /// The QUIC lane's UDP port (HTTP/3, WebTransport); `None` with `--no-quic`.
    pub http3_port: Option<u16>,
    /// SHA-256 of the lanes' certificate, as the browser shows it.
    pub fingerprint: String,
    pub self_signed: bool,
}

/// The first event of a lab stream: which TCP connection carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabHello {
    pub connection: u64,
    pub lane: Lane,
    /// The protocol of this request: `HTTP/2` or `HTTP/1.1`.
    pub protocol: String,
    pub label: String,
}

/// The answer to `GET /api/lab/ping`: which TCP connection carried it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabPing {
    pub connection: u64,
    /// The protocol of this request: `HTTP/2` or `HTTP/1.1`.
    pub protocol: String,
}

/// One open TCP connection on a lane, as the server sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabConnection {
    pub id: u64,
    pub lane: Lane,
    /// What TLS negotiated with ALPN: `h2`, `http/1.1`, or none.
    pub alpn: Option<String>,
    /// The labels of the lab streams open on it.
    pub streams: Vec<String>,
    /// How many lab WebSockets it carries (`/api/lab/socket`).
    #[serde(default)]
    pub sockets: usize,
}

/// The server's view of one client's lab connections (`/api/lab/view`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabView {
    pub connections: Vec<LabConnection>,
}
