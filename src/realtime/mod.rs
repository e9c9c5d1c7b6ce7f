//! The live demos' endpoints, one file each, served by the site's own server.
//!
//! - [`answer`]: `GET` and `POST /api/answer`, lesson 3's answer streamed
//!   token by token, over `fetch` and over `EventSource`.
//! - [`clock`]: `GET /api/clock`, the SSE clock (one shared ticker, replay
//!   after `Last-Event-ID`), and `POST /api/clock/streams/{id}/drop`.
//! - [`echo`]: `GET /api/echo`, the WebSocket echo with its limits.
//! - [`resume`]: `GET /api/echo/resume`, lesson 4's echo that numbers its
//!   messages and resumes a session after a drop.
//! - [`faults`]: `?fault=…` on the clock: one stream misbehaving on request.
//! - [`leaky`]: `GET /api/leaky/naive` and `/api/leaky/stats`, lesson 5's
//!   timer per connection, leaking and bounded, beside the shared ticker.
//! - [`inspect`]: `GET /api/inspect/sse` and `/api/inspect/ws`, which report
//!   their own handshake.
//! - [`lab`]: `GET /api/lab/{stream,socket,ping,view}`, the connection lab, answered
//!   on the HTTPS lanes of `crate::lanes`.
//! - [`proxy`]: `GET /api/proxy/{behaviour}/{clock|echo}`, lesson 8's
//!   misbehaving proxy in front of the clock and the echo.
//! - [`room`]: presenter mode: `/room`, `/room/present`, `/api/room/…`, the
//!   host driving the room's pages over SSE, and polls.
//! - [`origin`], [`limits`] and [`fair_share`]: who may open a socket, what a
//!   full demo says, and each client's share;
//!   [`replay`]: the clock's window of recent ticks; [`sse`]: events
//!   encoded once and shared by every stream; [`Stopping`]: how each
//!   endpoint ends when the server stops.
//!
//! What these endpoints send is typed in `crate::model::wire`, shared with
//! the browser build; this room is server-only (declared so once, in
//! `lib.rs`). Realtime code never parses Markdown.

pub mod answer;
pub mod clock;
pub mod echo;
pub mod fair_share;
mod faults;
pub mod inspect;
pub mod lab;
pub mod leaky;
mod limits;
mod origin;
pub mod proxy;
mod replay;
pub mod resume;
pub mod room;
mod sse;
mod stopping;

use axum::extract::FromRef;
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::model::wire::LabLanes;
use clock::Clock;
use echo::Echo;
use lab::Lab;
use leaky::Leaky;
use proxy::Proxy;
use room::{Room, RoomSettings};
pub use stopping::Stopping;

/// Clock streams, echo sockets and lab streams one client address may hold
/// by default: a room of a hundred learners behind one NAT, a few tabs
/// each, fits, while one greedy script gets at most a quarter of the
/// server's 2000.
pub const PER_CLIENT: usize = 500;

/// The SSE clock's settings. Defaults suit a workshop room.
#[derive(Clone, Debug)]
pub struct ClockSettings {
    /// Time between ticks.
    pub tick: Duration,
    /// Time between `: heartbeat` comments (sent on every stream at once).
    pub heartbeat: Duration,
    /// The `retry:` hint: how long browsers wait before reconnecting.
    pub retry: Duration,
    /// How many recent ticks are kept for replay after `Last-Event-ID`.
    pub window: usize,
    /// Open clock streams, server-wide, accepted before answering 503
    /// (`--max-streams`).
    pub max_open_streams: usize,
    /// Open clock streams per client address, before answering 429
    /// (`--clock-per-client`).
    pub max_streams_per_client: usize,
}

impl Default for ClockSettings {
    fn default() -> Self {
        ClockSettings {
            tick: Duration::from_secs(1),
            heartbeat: Duration::from_secs(15),
            retry: Duration::from_secs(2),
            window: 300,
            max_open_streams: 2000,
            max_streams_per_client: PER_CLIENT,
        }
    }
}

/// The WebSocket echo's limits.
#[derive(Clone, Debug)]
pub struct EchoSettings {
    /// Largest message (and frame) accepted, in bytes; larger closes with 1009.
    pub max_message: usize,
    /// A socket silent this long is closed with 1008.
    pub idle: Duration,
    /// After this long without a frame from the client, the server sends a
    /// ping (`--ws-ping-secs`)...
    pub ping_after: Duration,
    /// ...and drops the connection if nothing, not even the pong, comes back
    /// within this (`--ws-pong-secs`): a peer that vanished without a TCP
    /// reset is found in seconds, not when TCP gives up retransmitting.
    pub pong_deadline: Duration,
    /// Open echo sockets, server-wide, accepted before answering 503
    /// (`--max-sockets`).
    pub max_open_sockets: usize,
    /// Open echo sockets per client address, before answering 429
    /// (`--echo-per-client`).
    pub max_sockets_per_client: usize,
}

impl Default for EchoSettings {
    fn default() -> Self {
        EchoSettings {
            max_message: 64 * 1024,
            idle: Duration::from_secs(120),
            ping_after: Duration::from_secs(30),
            pong_deadline: Duration::from_secs(10),
            max_open_sockets: 2000,
            max_sockets_per_client: PER_CLIENT,
        }
    }
}

#[derive(Clone, Debug)]
pub struct RealtimeSettings {
    pub clock: ClockSettings,
    pub echo: EchoSettings,
    /// Origins besides the site's own that may open WebSockets.
    pub allowed_origins: Vec<String>,
    /// Lab streams one client address may hold at once, on both lanes
    /// together (`--lab-per-client`).
    pub lab_streams_per_client: usize,
    /// How long a stopping server waits for open connections (`--drain-secs`).
    pub drain: Duration,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Presenter mode, when the host asked for it (`--presenter`).
    pub room: Option<RoomSettings>,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        RealtimeSettings {
            clock: ClockSettings::default(),
            echo: EchoSettings::default(),
            allowed_origins: Vec::new(),
            lab_streams_per_client: PER_CLIENT,
            drain: Duration::from_secs(5),
            trusted_proxies: Vec::new(),
            room: None,
        }
    }
}

/// What the realtime handlers share; each extracts only its part.
#[derive(Clone, Debug, FromRef)]
pub struct RealtimeState {
    pub clock: Arc<Clock>,
    pub echo: Echo,
    pub allowed_origins: Arc<Vec<String>>,
    pub lab: Arc<Lab>,
    pub leaky: Arc<Leaky>,
    /// Lesson 8's misbehaving proxy, in front of this server.
    pub proxy: Arc<Proxy>,
    /// Where the lab's lanes listen; `None` when the lab is off.
    pub lab_lanes: Option<LabLanes>,
    /// Set when the server begins to stop.
    pub stopping: Stopping,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
    /// Where the site listens (the lanes name its pages by its port).
    pub site: SocketAddr,
    /// The inspector's reports, kept for the page to read back.
    pub inspect_reports: Arc<inspect::Reports>,
    /// Presenter mode's room; `None` unless the host started it.
    pub room: Option<Arc<Room>>,
}

impl RealtimeState {
    /// Starts the clock's ticker: call inside the tokio runtime, once every
    /// listener is bound (`site` is where the site listens, `lab_lanes`
    /// where the lab's lanes are).
    pub fn start(
        settings: RealtimeSettings,
        site: SocketAddr,
        lab_lanes: Option<LabLanes>,
    ) -> Self {
        let stopping = Stopping::new(settings.drain);
        let room = settings
            .room
            .map(|room| Room::start(room, stopping.clone()));
        RealtimeState {
            clock: Clock::start(settings.clock, stopping.clone()),
            echo: Echo::new(settings.echo),
            allowed_origins: Arc::new(settings.allowed_origins),
            lab: Lab::new(settings.lab_streams_per_client),
            leaky: Leaky::start(stopping.clone()),
            proxy: Proxy::new(site),
            lab_lanes,
            stopping,
            trusted_proxies: Arc::new(settings.trusted_proxies),
            site,
            inspect_reports: Arc::default(),
            room,
        }
    }
}

/// Every live endpoint, ready to merge into the site's router.
pub fn router(state: RealtimeState) -> Router {
    Router::new()
        .merge(answer::router())
        .merge(clock::router())
        .merge(echo::router())
        .merge(inspect::router())
        .merge(lab::router())
        .merge(leaky::router())
        .merge(proxy::router())
        .merge(room::router())
        .with_state(state)
}
