//! The live demos an author can place with `::demo[name]`: their names,
//! titles, one-line blurbs, and which ship WebAssembly.

use serde::{Deserialize, Serialize};

/// The live demos a lesson can embed with `::demo[name]`.
///
/// This is the contract between content and UI: the content loader accepts
/// exactly these names, and `ui::demos` renders one component for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DemoName {
    /// The ticking SSE clock, with its raw bytes and a "drop" control.
    SseClock,
    /// The WebSocket echo, with a message log and round-trip times.
    WsEcho,
    /// Lesson 4's echo that survives a drop: numbered messages, resumed
    /// after a reconnect with nothing lost and nothing twice.
    WsResume,
    /// Lesson 3's answer streamed token by token: a POST over `fetch`,
    /// parsed in the page and resumed, beside the same through `EventSource`.
    AnswerStream,
    /// The learner's own SSE and WebSocket handshakes, header by header.
    HandshakeInspector,
    /// Event streams over HTTP/1.1 against HTTP/2, measured in the browser.
    ConnectionLab,
    /// The misbehaving proxy, started on "buffers": the clock held back
    /// and released in bursts.
    BufferedClock,
    /// Lesson 8's misbehaving proxy in front of the clock and the echo:
    /// buffering, idle timeouts, a stripped upgrade, heartbeats.
    MisbehavingProxy,
    /// Lesson 5's leaky server: a timer per connection that outlives its
    /// client, beside the one shared ticker.
    LeakyServer,
    /// Lesson 8's crowd of clients reconnecting after a restart: a fixed
    /// delay, backoff, and backoff with jitter (simulated on the server).
    ReconnectCrowd,
    /// Lesson 8's fleet: event streams over several servers through a
    /// rolling deploy, with pub/sub, a shared log or no broker (simulated
    /// on the server).
    RollingDeploy,
    /// Lesson 7's scenarios: which of SSE, WebSockets, long polling and
    /// WebTransport fits, with the reasoning for every choice.
    WhichFits,
    /// Lesson 9's WebTransport on the QUIC lane: the clock in datagrams, an
    /// echo on streams, and the WebSocket when UDP is blocked.
    WebTransport,
    /// Lesson 9's head-of-line blocking, live: one stream, a stream each
    /// and datagrams under loss.
    HeadOfLine,
    /// A click counter: the smallest proof that a lesson page is hydrated.
    Counter,
}

impl DemoName {
    pub const ALL: &'static [DemoName] = &[
        DemoName::SseClock,
        DemoName::WsEcho,
        DemoName::WsResume,
        DemoName::AnswerStream,
        DemoName::HandshakeInspector,
        DemoName::ConnectionLab,
        DemoName::BufferedClock,
        DemoName::MisbehavingProxy,
        DemoName::LeakyServer,
        DemoName::ReconnectCrowd,
        DemoName::RollingDeploy,
        DemoName::WhichFits,
        DemoName::WebTransport,
        DemoName::HeadOfLine,
        DemoName::Counter,
    ];

    /// The name an author writes in `::demo[…]`, and the demo page's address.
    pub fn as_str(self) -> &'static str {
        match self {
            DemoName::SseClock => "sse-clock",
            DemoName::WsEcho => "ws-echo",
            DemoName::WsResume => "ws-resume",
            DemoName::AnswerStream => "answer-stream",
            DemoName::HandshakeInspector => "handshake-inspector",
            DemoName::ConnectionLab => "connection-lab",
            DemoName::BufferedClock => "buffered-clock",
            DemoName::MisbehavingProxy => "misbehaving-proxy",
            DemoName::LeakyServer => "leaky-server",
            DemoName::ReconnectCrowd => "reconnect-crowd",
            DemoName::RollingDeploy => "rolling-deploy",
            DemoName::WhichFits => "which-fits",
            DemoName::WebTransport => "webtransport",
            DemoName::HeadOfLine => "head-of-line",
            DemoName::Counter => "counter",
        }
    }

    /// The demo's heading, on its own page and in a lesson.
    pub fn title(self) -> &'static str {
        match self {
            DemoName::SseClock => "The SSE clock",
            DemoName::WsEcho => "The WebSocket echo",
            DemoName::WsResume => "An echo that resumes after a drop",
            DemoName::AnswerStream => "An answer streamed over fetch",
            DemoName::HandshakeInspector => "The handshake inspector",
            DemoName::ConnectionLab => "The connection lab",
            DemoName::BufferedClock => "The clock behind a buffering proxy",
            DemoName::MisbehavingProxy => "A misbehaving proxy",
            DemoName::LeakyServer => "A timer per connection, against one shared ticker",
            DemoName::ReconnectCrowd => "A crowd reconnecting after a restart",
            DemoName::RollingDeploy => "A rolling deploy across several servers",
            DemoName::WhichFits => "Which one fits?",
            DemoName::WebTransport => "WebTransport on the QUIC lane",
            DemoName::HeadOfLine => "Head-of-line blocking, live",
            DemoName::Counter => "A click counter",
        }
    }

    /// One sentence on what the demo shows.
    pub fn blurb(self) -> &'static str {
        match self {
            DemoName::SseClock => {
                "An EventSource on /api/clock: every tick, the raw bytes, and a reconnect you can trigger."
            }
            DemoName::WsEcho => "A WebSocket on /api/echo: send text or bytes and time the round trip.",
            DemoName::WsResume => {
                "Numbered messages over a WebSocket that loses its link: reconnect, resume, and count what was lost."
            }
            DemoName::AnswerStream => {
                "A POST with a header, answered token by token, parsed from the raw bytes and resumed after a cut, beside EventSource."
            }
            DemoName::HandshakeInspector => {
                "The headers your own browser sent and the server answered, for an event stream and a WebSocket."
            }
            DemoName::ConnectionLab => {
                "Open event streams over HTTP/1.1 or HTTP/2 and see which TCP connection carries each, and which wait."
            }
            DemoName::BufferedClock => {
                "The clock through a real proxy that buffers: ticks held back and released in bursts. Switch the proxy to compare."
            }
            DemoName::MisbehavingProxy => {
                "An event stream and a WebSocket through a real proxy that buffers, closes idle connections or strips the upgrade."
            }
            DemoName::LeakyServer => {
                "Event streams served with a timer each, which go on firing after you leave, against one shared ticker."
            }
            DemoName::ReconnectCrowd => {
                "A room of clients reconnecting at once: a fixed delay, backoff, and backoff with jitter, side by side."
            }
            DemoName::RollingDeploy => {
                "Event streams over several servers while each restarts in turn: what a broker, a shared log, the retry and the balancer change."
            }
            DemoName::WhichFits => {
                "Four situations: pick SSE, WebSockets, long polling or WebTransport, and read why."
            }
            DemoName::WebTransport => {
                "A WebTransport session over HTTP/3: the clock in datagrams, an echo on a stream each, and the WebSocket when UDP is blocked."
            }
            DemoName::HeadOfLine => {
                "The same messages on one stream, on a stream each and as datagrams, while the server drops packets: each one's delay."
            }
            DemoName::Counter => "A button counted by the WebAssembly in this page.",
        }
    }

    /// Whether the demo ships WebAssembly. The crowd and the fleet are
    /// simulated on the server and are plain HTML: their pages load no
    /// script. The WebTransport demos load a script of their own instead
    /// (`ui/demos/webtransport`).
    pub fn has_island(self) -> bool {
        !matches!(
            self,
            DemoName::ReconnectCrowd
                | DemoName::RollingDeploy
                | DemoName::WebTransport
                | DemoName::HeadOfLine
        )
    }

    pub fn from_name(name: &str) -> Option<DemoName> {
        Self::ALL.iter().copied().find(|demo| demo.as_str() == name)
    }

    /// The valid names, ready for an error message: "`a`, `b`".
    pub fn list() -> String {
        Self::ALL
            .iter()
            .map(|demo| format!("`{}`", demo.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_name_round_trips() {
        for demo in DemoName::ALL {
            assert_eq!(DemoName::from_name(demo.as_str()), Some(*demo));
        }
        assert_eq!(DemoName::from_name("no-such-demo"), None);
    }
}
