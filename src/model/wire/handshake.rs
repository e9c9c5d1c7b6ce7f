//! The handshake inspector's wire: the request and response heads it
//! reports, and `Sec-WebSocket-Accept` computed step by step.

use serde::{Deserialize, Serialize};

/// An HTTP message head as the server saw or wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageHead {
    /// `GET /api/clock HTTP/1.1` or `HTTP/1.1 200 OK`.
    pub start_line: String,
    /// In order, names lowercase (as the server's HTTP parser stores them).
    pub headers: Vec<(String, String)>,
}

impl MessageHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the handshake inspector endpoints report about their own request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeReport {
    pub request: MessageHead,
    pub response: MessageHead,
    /// Headers the HTTP layer (hyper) adds as it writes the response, after
    /// the handler has built it: `date`, and for a streamed HTTP/1.1 body
    /// `transfer-encoding: chunked`.
    pub added_when_written: Vec<String>,
    /// For each header in either head that the lessons explain, a one-line
    /// reminder (the inspector's tooltip): the server knows the lessons, so
    /// the text stays out of the WebAssembly.
    #[serde(default)]
    pub explained: Vec<(String, String)>,
}

/// The subprotocol the inspector's socket speaks when asked to pick one
/// (`/api/inspect/ws?subprotocol=echo`).
pub const INSPECTOR_SUBPROTOCOL: &str = "inspector.v1";

/// The GUID every WebSocket server appends to the key (RFC 6455 §1.3).
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept`, computed step by step so a page can show each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptSteps {
    pub joined: String,
    pub sha1_hex: String,
    pub accept: String,
}

pub fn websocket_accept(key: &str) -> AcceptSteps {
    use base64::Engine;
    use sha1::{Digest, Sha1};
    let joined = format!("{key}{WEBSOCKET_GUID}");
    let digest = Sha1::digest(joined.as_bytes());
    AcceptSteps {
        sha1_hex: digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
        accept: base64::engine::general_purpose::STANDARD.encode(digest),
        joined,
    }
}
