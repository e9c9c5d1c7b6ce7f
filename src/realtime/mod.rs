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
//!   on the HTTPS lanes of `crate::http::lanes`.
//! - [`proxy`]: `GET /api/proxy/{behaviour}/{clock|echo}`, lesson 8's
//!   misbehaving proxy in front of the clock and the echo.
//! - [`room`]: presenter mode: `/room`, `/room/present`, `/api/room/…`, the
//!   host driving the room's pages over SSE, and polls.
//! - [`exercise`]: `/api/exercises/…` and `/x/{token}/…`, the exercises the
//!   server grades from the learner's own connections.
//! - [`webtransport`]: `GET /api/webtransport`, and lesson 9's WebTransport
//!   sessions on the QUIC lane of `crate::http::quic`.
//! - [`wire`]: `/api/wire/taps/…`, the wire view: a learner's own
//!   connection, decoded from this side, and as a `.pcapng`.
//!
//! Below the endpoints, and importing none of them:
//! - [`client`]: who a request is from (the connection's peer, a lab
//!   lane's tag, a trusted proxy's `X-Forwarded-For`);
//! - [`origin`], [`limits`] and [`fair_share`]: who may open a socket, what a
//!   full demo says, and each client's share;
//! - [`socket`]: what every WebSocket endpoint shares (close codes, buffers,
//!   the closing handshake); [`ids`]: random ids and tokens;
//! - [`redact`]: what no page shows of a request's head;
//! - [`replay`]: the clock's window of recent ticks; [`sse`]: events
//!   encoded once and shared by every stream; [`Stopping`]: how each
//!   endpoint ends when the server stops.
//!
//! Each endpoint keeps its settings beside it (`ClockSettings` in the
//! clock) and takes its own part of the state (`clock::Routes`); this file
//! starts the parts ([`RealtimeState::start`]) and hands them out
//! ([`router`]). An endpoint may use another's type (the leaky server
//! reads the clock, the resumable echo counts in the echo's limits), never
//! this file.
//!
//! What these endpoints send is typed in `crate::model::wire`, shared with
//! the browser build; this room is server-only (declared so once, in
//! `lib.rs`). Realtime code never parses Markdown.

pub mod answer;
mod client;
pub mod clock;
pub mod echo;
pub mod exercise;
pub mod fair_share;
mod faults;
mod ids;
pub mod inspect;
pub mod lab;
pub mod leaky;
mod limits;
mod origin;
pub mod proxy;
mod redact;
mod replay;
pub mod resume;
pub mod room;
mod socket;
mod sse;
mod stopping;
pub mod webtransport;
pub mod wire;

use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::model::wire::LabLanes;
use client::ClientRule;
use clock::Clock;
use echo::Echo;
use exercise::{Exercises, RulesOf};
use lab::Lab;
use leaky::Leaky;
use proxy::Proxy;
use resume::Sessions;
use room::{Room, RoomSettings};
use webtransport::WebTransport;

pub use clock::ClockSettings;
pub use echo::EchoSettings;
pub use fair_share::PER_CLIENT;
pub use stopping::Stopping;

#[derive(Clone, Debug)]
pub struct RealtimeSettings {
    pub clock: ClockSettings,
    pub echo: EchoSettings,
    /// Origins besides the site's own that may open WebSockets.
    pub allowed_origins: Vec<String>,
    /// Lab streams one client address may hold at once, on both lanes
    /// together (`--lab-per-client`).
    pub lab_streams_per_client: usize,
    /// WebTransport sessions one client address may hold at once on the
    /// QUIC lane (`--quic-per-client`).
    pub webtransport_per_client: usize,
    /// How long a stopping server waits for open connections (`--drain-secs`).
    pub drain: Duration,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Presenter mode, when the host asked for it (`--presenter`).
    pub room: Option<RoomSettings>,
    /// How many exercise tokens are kept, and for how long.
    pub exercises: exercise::ExerciseSettings,
    /// How many wire views, how large, for how long.
    pub wire: wire::WireSettings,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        RealtimeSettings {
            clock: ClockSettings::default(),
            echo: EchoSettings::default(),
            allowed_origins: Vec::new(),
            lab_streams_per_client: PER_CLIENT,
            webtransport_per_client: webtransport::QUIC_PER_CLIENT,
            drain: Duration::from_secs(5),
            trusted_proxies: Vec::new(),
            room: None,
            exercises: exercise::ExerciseSettings::default(),
            wire: wire::WireSettings::default(),
        }
    }
}

/// Everything the live endpoints hold; `router` hands each endpoint its part.
#[derive(Clone, Debug)]
pub struct RealtimeState {
    pub clock: Arc<Clock>,
    pub echo: Echo,
    /// Lesson 4's resumable echo's sessions.
    pub sessions: Arc<Sessions>,
    pub allowed_origins: Arc<Vec<String>>,
    pub lab: Arc<Lab>,
    pub leaky: Arc<Leaky>,
    /// Lesson 8's misbehaving proxy, in front of this server.
    pub proxy: Arc<Proxy>,
    /// Where the lab's lanes listen; `None` when the lab is off.
    pub lab_lanes: Option<LabLanes>,
    /// Set when the server begins to stop.
    pub stopping: Stopping,
    /// What names a request's client: the trusted proxies, the proxy's hops.
    pub client: ClientRule,
    /// Where the site listens (the lanes name its pages by its port).
    pub site: SocketAddr,
    /// The inspector's reports, kept for the page to read back.
    pub inspect_reports: Arc<inspect::Reports>,
    /// Presenter mode's room; `None` unless the host started it.
    pub room: Option<Arc<Room>>,
    /// The exercise tokens' journals.
    pub exercises: Arc<Exercises>,
    /// The wire view's taps (the listeners find them by id).
    pub taps: Arc<wire::Taps>,
    /// Lesson 9's WebTransport sessions, on the QUIC lane.
    pub webtransport: Arc<WebTransport>,
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
        let proxy = Proxy::new(site);
        let clock = Clock::start(settings.clock, stopping.clone());
        let allowed_origins = Arc::new(settings.allowed_origins);
        let webtransport = WebTransport::new(
            lab_lanes.as_ref().and_then(|lanes| lanes.http3_port),
            settings.webtransport_per_client,
            allowed_origins.clone(),
            clock.clone(),
            stopping.clone(),
        );
        RealtimeState {
            clock,
            webtransport,
            sessions: Arc::new(Sessions::new(settings.echo.max_open_sockets)),
            echo: Echo::new(settings.echo),
            allowed_origins,
            lab: Lab::new(settings.lab_streams_per_client),
            leaky: Leaky::start(stopping.clone()),
            client: ClientRule {
                trusted: Arc::new(settings.trusted_proxies),
                hops: proxy.hops(),
            },
            proxy,
            lab_lanes,
            stopping,
            site,
            inspect_reports: Arc::default(),
            room,
            exercises: Arc::new(Exercises::new(settings.exercises)),
            taps: wire::Taps::new(settings.wire),
        }
    }
}

/// Every live endpoint, ready to merge into the site's router, each with
/// its own part of the state; `rules_of` names each exercise's rules.
pub fn router(state: RealtimeState, rules_of: RulesOf) -> Router {
    let RealtimeState {
        clock,
        echo,
        sessions,
        allowed_origins,
        lab,
        leaky,
        proxy,
        stopping,
        client,
        site,
        inspect_reports,
        room,
        exercises,
        taps,
        webtransport,
        lab_lanes: _,
    } = state;
    Router::new()
        .merge(answer::router(answer::Routes {
            clock: clock.clone(),
            stopping: stopping.clone(),
            client: client.clone(),
        }))
        .merge(clock::router(clock::Routes {
            clock: clock.clone(),
            client: client.clone(),
        }))
        .merge(echo::router(echo::Routes {
            echo: echo.clone(),
            stopping: stopping.clone(),
            allowed_origins: allowed_origins.clone(),
            client: client.clone(),
        }))
        .merge(resume::router(resume::Routes {
            echo,
            sessions,
            stopping: stopping.clone(),
            allowed_origins: allowed_origins.clone(),
            client: client.clone(),
        }))
        .merge(inspect::router(inspect::Routes {
            inspect_reports,
            stopping: stopping.clone(),
            site,
            allowed_origins,
        }))
        .merge(lab::endpoints::router(lab::endpoints::Routes {
            lab,
            stopping: stopping.clone(),
            client: client.clone(),
        }))
        .merge(leaky::router(leaky::Routes {
            leaky,
            clock,
            stopping: stopping.clone(),
            client: client.clone(),
        }))
        .merge(proxy::router(proxy::Routes {
            proxy,
            client: client.clone(),
        }))
        .merge(exercise::router(exercise::Routes {
            exercises,
            rules_of,
            stopping: stopping.clone(),
            client: client.clone(),
        }))
        .merge(wire::router(wire::Routes::new(
            taps,
            stopping,
            client.clone(),
        )))
        .merge(room::router(room::Routes { room, client }))
        .merge(webtransport::router(webtransport::Routes { webtransport }))
}
