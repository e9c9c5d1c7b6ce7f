//! What the demo endpoints send and the demo components read: plain data,
//! the same in the server and the browser build.

use serde::{Deserialize, Serialize};

/// The first event of every clock stream (`event: hello`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockHello {
    /// Names this stream for `POST /api/clock/streams/{stream}/drop`.
    pub stream: u64,
    /// The `Last-Event-ID` the browser sent, if it was reconnecting.
    pub resumed_after: Option<u64>,
    /// How many missed ticks follow at once.
    pub replayed: usize,
    /// Ticks missed beyond the server's replay window.
    pub lost: u64,
}

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

/// Lesson 5's leaky server, for one client (`/api/leaky/stats`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakyStats {
    /// Its naive timers still firing, whether or not their client is there.
    pub naive_timers: usize,
    /// Of those, the ones whose client has left: the leak.
    pub orphaned: usize,
    /// Seconds until the demo's safety net stops the oldest leaked timer.
    pub next_cleanup_s: Option<u64>,
    /// Its clock streams, every one served by the server's one shared ticker.
    pub shared_streams: usize,
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_query_names_are_serdes() {
        for fault in ClockFault::ALL {
            assert_eq!(
                serde_json::to_string(&fault).unwrap(),
                format!("\"{}\"", fault.query())
            );
        }
        for fault in EchoFault::ALL {
            assert_eq!(
                serde_json::to_string(&fault).unwrap(),
                format!("\"{}\"", fault.query())
            );
        }
    }

    #[test]
    fn computes_the_rfc_6455_example() {
        let steps = websocket_accept("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(
            steps.joined,
            "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
        );
        assert_eq!(
            steps.sha1_hex,
            "b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea"
        );
        assert_eq!(steps.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}

/// `GET /api/clock?fault=…`: the clock misbehaves for this one stream, so a
/// learner (and a test) sees what `EventSource` does about it. Each fault is
/// bounded: it ends the response, or it behaves like an ordinary stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClockFault {
    /// `204 No Content`: the browser stops for good.
    NoContent,
    /// `500 Internal Server Error`: the browser stops for good.
    ServerError,
    /// `200` with `Content-Type: text/plain`: the browser stops for good.
    WrongType,
    /// The hello and the newest tick, then a cleanly ended body: the
    /// browser reconnects and sends the tick's id as `Last-Event-ID`.
    EndBody,
    /// Only the hello (no `id:`), then the end: the reconnect carries no
    /// `Last-Event-ID`.
    EndBeforeId,
    /// A tick, then a second one cut off by the end of the body (no blank
    /// line): the browser discards it and resumes after the first.
    CutOff,
    /// `retry: 10000`, a tick, then the end: the browser waits ten seconds.
    SlowRetry,
    /// An ordinary stream with a comment line every 100 ms besides the ticks.
    Chatty,
    /// An ordinary stream held back and released every few seconds, as a
    /// buffering proxy would.
    Buffered,
    /// An ordinary stream whose response head waits [`LATE_HEAD_SECS`], as
    /// from a server that sends nothing until it has an event: the page's
    /// `EventSource` stays CONNECTING, and `open` fires only then.
    LateHead,
}

/// How long `?fault=late-head` holds the clock's response head.
pub const LATE_HEAD_SECS: u64 = 5;

impl ClockFault {
    /// Every fault, in the order the clock's "break it" control lists them.
    pub const ALL: [ClockFault; 10] = [
        ClockFault::NoContent,
        ClockFault::ServerError,
        ClockFault::WrongType,
        ClockFault::EndBody,
        ClockFault::EndBeforeId,
        ClockFault::CutOff,
        ClockFault::SlowRetry,
        ClockFault::Chatty,
        ClockFault::Buffered,
        ClockFault::LateHead,
    ];

    /// The value of `?fault=` (serde's name for it).
    pub fn query(self) -> &'static str {
        match self {
            ClockFault::NoContent => "no-content",
            ClockFault::ServerError => "server-error",
            ClockFault::WrongType => "wrong-type",
            ClockFault::EndBody => "end-body",
            ClockFault::EndBeforeId => "end-before-id",
            ClockFault::CutOff => "cut-off",
            ClockFault::SlowRetry => "slow-retry",
            ClockFault::Chatty => "chatty",
            ClockFault::Buffered => "buffered",
            ClockFault::LateHead => "late-head",
        }
    }
}

/// Starts the message `/api/echo?hello` sends first, before any echo.
pub const ECHO_HELLO_PREFIX: &str = "hello: ";

/// That first message: how this socket reached the server.
pub fn echo_hello(over_http2: bool) -> String {
    let how = if over_http2 {
        "this socket is a stream inside the page's HTTP/2 connection, opened with an \
         extended CONNECT (RFC 8441, answered 200)"
    } else {
        "this socket has a TCP connection of its own, opened with an HTTP/1.1 Upgrade \
         (answered 101)"
    };
    format!("{ECHO_HELLO_PREFIX}{how}")
}

/// `GET /api/echo?fault=…`: this one socket misbehaves at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EchoFault {
    /// Closes with 1011, the server's "internal error".
    ServerError,
    /// Closes the TCP connection without a close frame: the page sees 1006.
    Drop,
    /// Sends a burst of pings; the browser answers them with pongs by
    /// itself (RFC 6455 §5.5.3 allows one pong for the latest of several),
    /// and the page sees none of them. The server then says in a
    /// text message how many pongs came back, and echoes as usual.
    PingStorm,
    /// Echoes as usual, then closes with 1008 after [`TOKEN_LIFE_SECS`], as
    /// a server does when the token the socket was opened with expires.
    Expire,
}

/// How long an `?fault=expire` socket lives: its pretend token's life.
pub const TOKEN_LIFE_SECS: u64 = 10;

/// The reason of that socket's close frame.
pub const TOKEN_EXPIRED: &str = "token expired: get a new one, then reconnect";

impl EchoFault {
    /// Every fault, in the order the echo's "break it" control lists them.
    pub const ALL: [EchoFault; 4] = [
        EchoFault::Drop,
        EchoFault::ServerError,
        EchoFault::PingStorm,
        EchoFault::Expire,
    ];

    /// The value of `?fault=` (serde's name for it).
    pub fn query(self) -> &'static str {
        match self {
            EchoFault::ServerError => "server-error",
            EchoFault::Drop => "drop",
            EchoFault::PingStorm => "ping-storm",
            EchoFault::Expire => "expire",
        }
    }
}

/// Starts the text message that reports a ping storm's pongs.
pub const PING_STORM_PREFIX: &str = "ping storm: ";

/// `GET /api/proxy/{behaviour}/{clock|echo}`: lesson 8's misbehaving
/// proxy, in front of this server's own clock and echo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyBehaviour {
    /// Configured for streams: passes each read on at once, and upgrades.
    Behaves,
    /// Holds a response's bytes until [`PROXY_BUFFER_BYTES`] have come.
    Buffers,
    /// Closes a connection after [`PROXY_IDLE_SECS`] without a byte from
    /// the server.
    IdleClose,
    /// Drops `Upgrade` and `Connection`, as any proxy does with hop-by-hop
    /// headers unless told to pass them.
    StripsUpgrade,
    /// Cuts every response and tunnel [`PROXY_LIFE_SECS`] after it began,
    /// busy or not, as a gateway's or a platform's request timeout does.
    CapsLife,
}

impl ProxyBehaviour {
    pub const ALL: [ProxyBehaviour; 5] = [
        ProxyBehaviour::Behaves,
        ProxyBehaviour::Buffers,
        ProxyBehaviour::IdleClose,
        ProxyBehaviour::StripsUpgrade,
        ProxyBehaviour::CapsLife,
    ];

    /// The path segment (serde's name for it).
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyBehaviour::Behaves => "behaves",
            ProxyBehaviour::Buffers => "buffers",
            ProxyBehaviour::IdleClose => "idle-close",
            ProxyBehaviour::StripsUpgrade => "strips-upgrade",
            ProxyBehaviour::CapsLife => "caps-life",
        }
    }

    pub fn from_name(name: &str) -> Option<ProxyBehaviour> {
        Self::ALL.into_iter().find(|b| b.as_str() == name)
    }
}

/// How many bytes the buffering proxy holds before it passes them on.
pub const PROXY_BUFFER_BYTES: usize = 512;

/// How long the idle-closing proxy waits for a byte from the server.
pub const PROXY_IDLE_SECS: u64 = 5;

/// How long the life-capping proxy lets a response or a tunnel live.
pub const PROXY_LIFE_SECS: u64 = 15;

/// What lesson 3's streamed answer is asked (`POST /api/answer`, JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerQuestion {
    pub question: String,
}

/// One `event: token` of a streamed answer: a word, with the space before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerToken {
    pub text: String,
}

/// The last event of a streamed answer (`event: done`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerDone {
    /// How many tokens the whole answer has.
    pub tokens: usize,
}

/// `GET /api/echo/resume`: lesson 4's echo that survives a drop. The page
/// numbers its messages (`num`), the server numbers its own (`seq`); after
/// a reconnect each side says the last number it has and the other sends
/// the rest. The server's messages, as JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ResumeFromServer {
    /// First on every socket: the session (new, or the one the page named),
    /// the last of the page's messages the server has (the page resends
    /// every later one), and how many of the server's messages after the
    /// page's `seen` it no longer keeps.
    Welcome {
        session: String,
        resumed: bool,
        received: u64,
        lost: u64,
    },
    /// The server's message `seq`: the echo of the page's message `of`.
    Echo { seq: u64, of: u64, text: String },
}

/// The page's messages on `/api/echo/resume`, as JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ResumeFromPage {
    /// The page's message `num` (1, 2, 3… in its session; a number the
    /// server already has is a resend and is dropped).
    Send { num: u64, text: String },
    /// "Lose the link after the next `after` messages": the server reads
    /// them and numbers their echoes but sends none, then drops the
    /// connection without a close frame; whatever the page sent after them
    /// is never read. A lost Wi-Fi, on request, in both directions.
    Cut { after: u64 },
}

/// The most messages a `cut` may lose.
pub const RESUME_MOST_CUT: u64 = 10;
