//! What [`super::start`] needs from the command line, each part apart: the
//! listeners', the lab lanes', the live endpoints'. `main` and the tests
//! both make it with [`Settings::from_config`], so a flag means the same to
//! both; below this file nothing reads [`Config`].

use std::net::SocketAddr;
use std::time::Duration;

use crate::config::Config;
use crate::http::accept::ConnectionLimits;
use crate::http::lanes::LaneSettings;
use crate::model::course::EditUrl;
use crate::model::wire::Lane;
use crate::realtime::room::RoomSettings;
use crate::realtime::{ClockSettings, EchoSettings, RealtimeSettings};

/// Everything the server is started with.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The site's address (`--addr`).
    pub site: SocketAddr,
    /// The connection lab's lanes; `None` with `--no-lab`.
    pub lanes: Option<LaneSettings>,
    /// What every listener allows a connection.
    pub limits: ConnectionLimits,
    /// The live endpoints'.
    pub realtime: RealtimeSettings,
    /// Where "Edit this page" leads (`--edit-url`).
    pub edit_url: Option<EditUrl>,
}

impl Settings {
    /// The settings the flags give. With `--presenter` and no
    /// `--presenter-token`, each call makes a new token: call once.
    pub fn from_config(config: &Config) -> Self {
        Settings {
            site: config.addr,
            lanes: (!config.no_lab).then(|| lane_settings(config)),
            limits: ConnectionLimits {
                max_connections: config.max_connections,
                header_read_timeout: Duration::from_secs(config.header_timeout_secs),
            },
            realtime: realtime_settings(config),
            edit_url: config.edit_url.clone(),
        }
    }

    /// The presenter's token, when presenter mode is on.
    pub fn presenter_token(&self) -> Option<&str> {
        self.realtime.room.as_ref().map(|room| room.token.as_str())
    }
}

fn lane_settings(config: &Config) -> LaneSettings {
    LaneSettings {
        http2: lane_addr(config, Lane::Http2),
        http1: lane_addr(config, Lane::Http1),
        http3: (!config.no_quic).then(|| {
            config.lab_h3_addr.unwrap_or_else(|| {
                let port = if config.addr.port() == 0 { 0 } else { 3445 };
                SocketAddr::new(config.addr.ip(), port)
            })
        }),
        tls_cert: config.tls_cert.clone(),
        tls_key: config.tls_key.clone(),
        tls_hosts: config.tls_hosts.clone(),
    }
}

/// Where a lab lane listens: its flag, or the host of --addr with the
/// lane's default port (a free port when --addr asks for one).
fn lane_addr(config: &Config, lane: Lane) -> SocketAddr {
    let (flag, port) = match lane {
        Lane::Http2 => (config.lab_h2_addr, 3443),
        Lane::Http1 => (config.lab_h1_addr, 3444),
    };
    flag.unwrap_or_else(|| {
        let port = if config.addr.port() == 0 { 0 } else { port };
        SocketAddr::new(config.addr.ip(), port)
    })
}

fn realtime_settings(config: &Config) -> RealtimeSettings {
    let token = match (&config.presenter_token, config.presenter) {
        (Some(token), _) => Some(token.0.clone()),
        (None, true) => Some(crate::realtime::room::new_token()),
        (None, false) => None,
    };
    RealtimeSettings {
        clock: ClockSettings {
            max_open_streams: config.max_streams,
            max_streams_per_client: config.clock_per_client,
            ..ClockSettings::default()
        },
        echo: EchoSettings {
            max_message: config.ws_max_message as usize,
            idle: Duration::from_secs(config.ws_idle_secs),
            ping_after: Duration::from_secs(config.ws_ping_secs),
            pong_deadline: Duration::from_secs(config.ws_pong_secs),
            max_open_sockets: config.max_sockets,
            max_sockets_per_client: config.echo_per_client,
        },
        allowed_origins: config.allowed_origins.clone(),
        lab_streams_per_client: config.lab_per_client,
        webtransport_per_client: config.quic_per_client,
        drain: Duration::from_secs(config.drain_secs),
        trusted_proxies: config.trusted_proxies.clone(),
        room: token.map(|token| RoomSettings {
            token,
            max_audience: config.room_max_audience,
            audience_per_client: crate::realtime::PER_CLIENT,
            join_url: config.join_url.clone(),
            redis: config.redis_url.as_ref().map(|url| url.0.clone()),
        }),
        exercises: crate::realtime::exercise::ExerciseSettings::default(),
        wire: crate::realtime::wire::WireSettings {
            enabled: !config.no_wire_view,
            per_client: config.wire_per_client,
            ..Default::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(flags: &[&str]) -> Settings {
        let args = std::iter::once("realtime-lab").chain(flags.iter().copied());
        Settings::from_config(&Config::try_parse_from(args).unwrap())
    }

    #[test]
    fn presenter_mode_gets_a_token_and_only_when_asked() {
        let room = parse(&["--presenter"]).realtime.room.unwrap();
        assert!(room.token.len() >= 16, "{}", room.token);
        let given = parse(&["--presenter-token", "a-long-secret-token-0123"]);
        assert_eq!(given.presenter_token(), Some("a-long-secret-token-0123"));
        assert!(parse(&[]).realtime.room.is_none());
    }

    /// `config.rs` writes each default out; they are the endpoints' own.
    #[test]
    fn the_flags_defaults_are_the_endpoints_defaults() {
        let flags = parse(&[]);
        let (settings, defaults) = (&flags.realtime, RealtimeSettings::default());
        let (clock, echo) = (&settings.clock, &defaults.echo);
        assert_eq!(clock.max_open_streams, defaults.clock.max_open_streams);
        assert_eq!(
            clock.max_streams_per_client,
            defaults.clock.max_streams_per_client
        );
        assert_eq!(settings.echo.max_message, echo.max_message);
        assert_eq!(settings.echo.idle, echo.idle);
        assert_eq!(settings.echo.ping_after, echo.ping_after);
        assert_eq!(settings.echo.pong_deadline, echo.pong_deadline);
        assert_eq!(settings.echo.max_open_sockets, echo.max_open_sockets);
        assert_eq!(
            settings.echo.max_sockets_per_client,
            echo.max_sockets_per_client
        );
        assert_eq!(
            settings.lab_streams_per_client,
            defaults.lab_streams_per_client
        );
        assert_eq!(settings.drain, defaults.drain);
        let limits = ConnectionLimits::default();
        assert_eq!(flags.limits.max_connections, limits.max_connections);
        assert_eq!(flags.limits.header_read_timeout, limits.header_read_timeout);
        let room = parse(&["--presenter"]).realtime.room.unwrap();
        assert_eq!(room.audience_per_client, crate::realtime::PER_CLIENT);
    }

    #[test]
    fn the_lanes_follow_the_site_address_unless_told() {
        let lanes = parse(&["--addr", "0.0.0.0:8080"]).lanes.unwrap();
        assert_eq!(lanes.http2, "0.0.0.0:3443".parse().unwrap());
        assert_eq!(lanes.http1, "0.0.0.0:3444".parse().unwrap());
        let free = parse(&["--addr", "127.0.0.1:0"]).lanes.unwrap();
        assert_eq!((free.http2.port(), free.http1.port()), (0, 0));
        let told = parse(&["--lab-h1-addr", "127.0.0.1:9000"]).lanes.unwrap();
        assert_eq!(told.http1, "127.0.0.1:9000".parse().unwrap());
        assert!(parse(&["--no-lab"]).lanes.is_none());
        assert!(!parse(&["--no-wire-view"]).realtime.wire.enabled);
        assert!(parse(&[]).realtime.wire.enabled);
        assert_eq!(
            parse(&[]).realtime.wire.per_client,
            crate::realtime::wire::WireSettings::default().per_client
        );
    }
}
