//! The live demos: each one an island, the only parts of a page that ship
//! WebAssembly. One folder per demo:
//!
//! - `mod.rs`: the island, rendered on the server and hydrated in the browser;
//! - `state.rs`: the signals the island's views and its browser code share;
//! - `browser.rs`: what runs only in the browser (EventSource, WebSocket,
//!   fetch), compiled into the `hydrate` build alone.
//!
//! An island's props are serialised into the page, so the server hands it
//! what it needs (limits, lane ports) and the browser asks for nothing
//! before it can start.

mod answer_stream;
mod connection_lab;
mod counter;
mod handshake_inspector;
mod knowledge_check;
mod leaky_server;
mod markup;
mod misbehaving_proxy;
#[cfg(feature = "ssr")]
mod reconnect_crowd;
#[cfg(feature = "ssr")]
mod rolling_deploy;
mod room;
pub mod seam;
#[cfg(feature = "ssr")]
mod server_side;
mod sse_clock;
#[cfg(feature = "ssr")]
mod webtransport;
mod which_fits;
mod widgets;
mod ws_echo;
mod ws_resume;

pub use answer_stream::AnswerStream;
pub use connection_lab::ConnectionLab;
pub use counter::Counter;
pub use handshake_inspector::HandshakeInspector;
pub use knowledge_check::KnowledgeChecks;
pub use misbehaving_proxy::MisbehavingProxy;
pub use room::RoomFollower;
pub use sse_clock::SseClock;
pub use ws_echo::WsEcho;
pub use ws_resume::WsResume;

/// Each demo's frame, server only: what its island is given (`seam`) and
/// the words it shows now and then; `ui::components::DemoFrame` picks one.
#[cfg(feature = "ssr")]
pub mod frames {
    pub use super::answer_stream::frame::AnswerStreamFrame;
    pub use super::connection_lab::frame::{lab_ports, ConnectionLabFrame};
    pub use super::handshake_inspector::frame::HandshakeInspectorFrame;
    pub use super::leaky_server::frame::LeakyServerFrame;
    pub use super::misbehaving_proxy::frame::MisbehavingProxyFrame;
    pub use super::reconnect_crowd::ReconnectCrowdFrame;
    pub use super::rolling_deploy::RollingDeployFrame;
    pub use super::sse_clock::frame::SseClockFrame;
    pub use super::webtransport::frame::{HeadOfLineFrame, WebTransportFrame};
    pub use super::which_fits::frame::WhichFitsFrame;
    pub use super::ws_echo::frame::WsEchoFrame;
    pub use super::ws_resume::frame::WsResumeFrame;
}
