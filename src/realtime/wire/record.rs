//! What the wire view sends the page: one record per unit of framing
//! (a head, a chunk, a frame), with its fields, its bytes on the wire and
//! the section of the RFC that defines it. Sent as JSON (`event: record`).

use serde::Serialize;

/// Previews of payloads stop here; the byte counts do not.
pub const PREVIEW: usize = 1024;

/// One unit of framing, as it crossed the connection.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    /// `client` (to the server) or `server`.
    pub from: &'static str,
    /// Milliseconds since the tap's first byte.
    pub at_ms: f64,
    /// Bytes this unit took on the wire (after TLS; see `tls_bytes`).
    pub wire_bytes: usize,
    /// Bytes of it the application sent or read: a message's payload, an
    /// event's text. 0 for pure framing (a head, SETTINGS).
    pub app_bytes: usize,
    /// Where the fields are defined, as `RFC 6455 §5.2`.
    pub rfc: &'static str,
    /// A link to that section.
    pub href: &'static str,
    #[serde(flatten)]
    pub unit: Unit,
}

/// The kinds of unit, with their fields.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Unit {
    /// An HTTP/1.1 request or response head.
    Head {
        start_line: String,
        headers: Vec<(String, String)>,
    },
    /// One chunk of a chunked body: the size line, the data, the CRLF.
    Chunk {
        size_line: String,
        size: usize,
        data: String,
    },
    /// A body sent with a `Content-Length`, or until the connection closed.
    Body { data: String },
    /// A WebSocket frame.
    Frame(WsFrame),
    /// HTTP/2's connection preface.
    Preface { text: String },
    /// An HTTP/2 frame.
    H2(H2Frame),
    /// Bytes the view could not decode (and stopped decoding that way).
    Undecoded { reason: String, hex: String },
}

/// A WebSocket frame's fields (RFC 6455 §5.2).
#[derive(Clone, Debug, Serialize)]
pub struct WsFrame {
    pub fin: bool,
    pub rsv: [bool; 3],
    pub opcode: u8,
    pub opcode_name: &'static str,
    pub masked: bool,
    /// `7-bit`, `16-bit` or `64-bit`: how the length was written.
    pub length_form: &'static str,
    pub length: u64,
    /// The masking key, in hex.
    pub mask_key: Option<String>,
    /// The header's bytes, in hex.
    pub header_hex: String,
    /// The payload as sent (masked, when masked), in hex, up to [`PREVIEW`].
    pub payload_hex: String,
    /// The payload unmasked, as text where it is text.
    pub payload: String,
    /// A close frame's code and reason.
    pub close: Option<(u16, String)>,
}

/// An HTTP/2 frame's header (RFC 9113 §4.1) and what its type carries.
#[derive(Clone, Debug, Serialize)]
pub struct H2Frame {
    pub frame_type: String,
    pub flags: Vec<&'static str>,
    pub stream: u32,
    pub length: usize,
    /// The 9-byte header, in hex.
    pub header_hex: String,
    /// `SETTINGS` as (name, value).
    pub settings: Vec<(String, u32)>,
    /// `HEADERS` decoded (RFC 7541).
    pub headers: Vec<(String, String)>,
    /// The header block's size against the same fields written as text
    /// (`name: value` and CRLF each, as HTTP/1.1 would).
    pub hpack: Option<Hpack>,
    /// `DATA`'s payload, as text, up to [`super::record::PREVIEW`].
    pub data: Option<String>,
    /// WebSocket frames inside a `DATA` frame of an extended CONNECT stream.
    pub frames: Vec<WsFrame>,
    /// `WINDOW_UPDATE`'s increment.
    pub increment: Option<u32>,
    /// `RST_STREAM`'s or `GOAWAY`'s error code, by name.
    pub error: Option<String>,
    /// `GOAWAY`'s last stream.
    pub last_stream: Option<u32>,
    /// `PING`'s opaque data, in hex.
    pub opaque: Option<String>,
}

/// What HPACK made of one header block.
#[derive(Clone, Debug, Serialize)]
pub struct Hpack {
    pub block_bytes: usize,
    pub as_text_bytes: usize,
}

impl H2Frame {
    pub fn new(frame_type: String, stream: u32, length: usize, header_hex: String) -> Self {
        H2Frame {
            frame_type,
            flags: Vec::new(),
            stream,
            length,
            header_hex,
            settings: Vec::new(),
            headers: Vec::new(),
            hpack: None,
            data: None,
            frames: Vec::new(),
            increment: None,
            error: None,
            last_stream: None,
            opaque: None,
        }
    }
}

/// `bytes` as text for a preview: lossy UTF-8, at most [`PREVIEW`] bytes.
pub fn preview(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(PREVIEW)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if bytes.len() > PREVIEW {
        text.push('…');
    }
    text
}

/// `bytes` in hex, at most [`PREVIEW`] bytes of them.
pub fn hex_preview(bytes: &[u8]) -> String {
    let mut text = crate::realtime::ids::hex(&bytes[..bytes.len().min(PREVIEW)]);
    if bytes.len() > PREVIEW {
        text.push('…');
    }
    text
}
