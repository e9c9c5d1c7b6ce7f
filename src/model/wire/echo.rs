//! The WebSocket echoes' wire: the echo's hello and faults, and the
//! resumable echo's messages both ways.

use serde::{Deserialize, Serialize};

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
