//! Lesson 8's misbehaving proxy: how it misbehaves, and its limits.

use serde::{Deserialize, Serialize};

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
