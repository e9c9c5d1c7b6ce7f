//! The scenarios of "which one fits?", each choice with its verdict and its
//! reason. Every claim here is one lesson 7 (or 6, 8) makes and sources.

#[derive(Clone, Copy)]
pub enum Technology {
    Sse,
    WebSocket,
    LongPolling,
    WebTransport,
}

impl Technology {
    pub fn key(self) -> &'static str {
        match self {
            Technology::Sse => "sse",
            Technology::WebSocket => "websocket",
            Technology::LongPolling => "long-polling",
            Technology::WebTransport => "webtransport",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Technology::Sse => "Server-Sent Events",
            Technology::WebSocket => "WebSockets",
            Technology::LongPolling => "Long polling",
            Technology::WebTransport => "WebTransport",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Fits,
    AtACost,
    Poor,
}

pub struct Choice {
    pub technology: Technology,
    pub verdict: Verdict,
    pub why: &'static str,
}

pub struct Scenario {
    pub situation: &'static str,
    pub choices: [Choice; 4],
}

use Technology::*;
use Verdict::*;

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        situation: "A live score page: the server pushes each goal to thousands of readers, \
                    who never send anything back.",
        choices: [
            Choice {
                technology: Sse,
                verdict: Fits,
                why: "The traffic goes one way, server to page. It is plain HTTP, so cookies, \
                      proxies and HTTP/2 multiplexing work as for any response, and EventSource \
                      reconnects by itself and resumes with Last-Event-ID.",
            },
            Choice {
                technology: WebSocket,
                verdict: AtACost,
                why: "It works, but the upward direction goes unused, reconnection and resume \
                      are yours to build, and every proxy on the path must allow the upgrade.",
            },
            Choice {
                technology: LongPolling,
                verdict: AtACost,
                why: "It works everywhere, but every goal costs a whole request and response, \
                      and a goal scored between two polls waits for the next one.",
            },
            Choice {
                technology: WebTransport,
                verdict: Poor,
                why: "Several streams and unreliable datagrams over HTTP/3 buy nothing for a \
                      one-way feed of small text events, and fewer servers and proxies speak it.",
            },
        ],
    },
    Scenario {
        situation: "A chat room: people type messages and see everyone else's at once.",
        choices: [
            Choice {
                technology: WebSocket,
                verdict: Fits,
                why: "Both sides talk, often, with little delay, on one connection: a message \
                      up costs a frame header of a few bytes rather than a whole request.",
            },
            Choice {
                technology: Sse,
                verdict: AtACost,
                why: "It works well: messages come down the event stream and each one typed \
                      goes up as a fetch() POST. Over HTTP/2 both share one connection, but \
                      every message sent is a full request.",
            },
            Choice {
                technology: LongPolling,
                verdict: AtACost,
                why: "The fallback many chat libraries keep for hostile networks: each message \
                      costs a request and response, and messages wait between polls.",
            },
            Choice {
                technology: WebTransport,
                verdict: AtACost,
                why: "Its reliable streams could carry a chat, but chat needs nothing it adds \
                      over WebSockets, and fewer servers and proxies speak HTTP/3's WebTransport.",
            },
        ],
    },
    Scenario {
        situation: "A multiplayer game: each player's position goes out 30 times a second, and \
                    a position is worthless once a newer one exists.",
        choices: [
            Choice {
                technology: WebTransport,
                verdict: Fits,
                why: "Its unreliable datagrams suit data that is stale when late: a lost \
                      position is not sent again and does not hold up the newer ones. It is \
                      in all three major browser engines now; check your server and proxies.",
            },
            Choice {
                technology: WebSocket,
                verdict: AtACost,
                why: "The usual choice, and it works. But it runs over TCP, which delivers in \
                      order: one lost packet holds back every message after it until it is sent \
                      again, so positions arrive late and in a burst.",
            },
            Choice {
                technology: Sse,
                verdict: Poor,
                why: "It carries only the server's side: each of the player's 30 updates a \
                      second would be a request of its own.",
            },
            Choice {
                technology: LongPolling,
                verdict: Poor,
                why: "A request per message in each direction, and a wait between polls: far \
                      too slow and heavy at 30 messages a second.",
            },
        ],
    },
    Scenario {
        situation: "A long build's progress, shown to the developer who started it, through a \
                    company network whose HTTP proxy does not pass WebSocket upgrades.",
        choices: [
            Choice {
                technology: Sse,
                verdict: Fits,
                why: "An event stream is an ordinary HTTP response, so it goes wherever \
                      responses go, as long as the proxy does not buffer it (lesson 8); \
                      heartbeats keep a quiet build from timing out.",
            },
            Choice {
                technology: WebSocket,
                verdict: Poor,
                why: "The proxy refuses the upgrade, so the socket never opens; the page must \
                      fall back to something else anyway.",
            },
            Choice {
                technology: LongPolling,
                verdict: AtACost,
                why: "It survives even a proxy that buffers whole responses, since each answer \
                      is complete; the cost is a request per update.",
            },
            Choice {
                technology: WebTransport,
                verdict: Poor,
                why: "It needs HTTP/3, over UDP, all the way to the server; a network whose way \
                      out is an HTTP proxy does not pass it.",
            },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_offers_each_technology_once_and_one_that_fits() {
        for scenario in SCENARIOS {
            let mut keys: Vec<_> = scenario
                .choices
                .iter()
                .map(|c| c.technology.key())
                .collect();
            keys.sort();
            assert_eq!(keys, ["long-polling", "sse", "websocket", "webtransport"]);
            let fits = scenario
                .choices
                .iter()
                .filter(|c| c.verdict == Fits)
                .count();
            assert_eq!(fits, 1, "{}", scenario.situation);
        }
    }
}
