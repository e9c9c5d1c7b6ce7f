//! Every setting of the server, from a flag or an environment variable.
//! `realtime-lab --help` prints this with the defaults.

use clap::Parser;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::model::course::EditUrl;

/// The share of each kind of connection one client address may hold, by
/// default (`realtime::PER_CLIENT`).
///
/// Every default here is written out rather than read from the endpoints'
/// settings: a flag's default is public interface, shown by `--help`, and
/// this file describes the command line without depending on the server.
/// A test in `server::settings` keeps each equal to its endpoint's default.
const PER_CLIENT: usize = 500;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "realtime-lab",
    version,
    about = "Realtime Lab: an interactive course on Server-Sent Events, WebSockets, HTTP/1.1 and HTTP/2."
)]
pub struct Config {
    /// Address to listen on, as host:port. Port 0 picks a free port (the
    /// chosen address is printed). Use 0.0.0.0:3000 to serve a whole room.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder of a built site to serve instead of the one embedded in the
    /// binary: pkg/ (wasm, js, css) and the public assets, as cargo-leptos
    /// writes it, with its hash.txt beside the binary. [default: the site
    /// embedded at build time]
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<PathBuf>,

    /// Folder of lessons (Markdown) to serve instead of the course embedded
    /// in the binary; read at start-up and again whenever a file in it
    /// changes. [default: the course embedded at build time, no live reload]
    #[arg(long, env = "REALTIME_LAB_CONTENT", global = true)]
    pub content_dir: Option<PathBuf>,

    /// Do not reload the lessons when their files change.
    #[arg(long, env = "REALTIME_LAB_NO_WATCH", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_watch: bool,

    /// Most SSE clock streams open at once; more get 503 with Retry-After.
    #[arg(long, env = "REALTIME_LAB_MAX_STREAMS", default_value_t = 2000)]
    pub max_streams: usize,

    /// Most echo WebSockets open at once; more get 503 with Retry-After.
    #[arg(long, env = "REALTIME_LAB_MAX_SOCKETS", default_value_t = 2000)]
    pub max_sockets: usize,

    /// Largest WebSocket message the echo accepts, in bytes (larger: close 1009).
    #[arg(long, env = "REALTIME_LAB_WS_MAX_MESSAGE", default_value_t = 64 * 1024,
          value_parser = clap::value_parser!(u64).range(125..=16 * 1024 * 1024))]
    pub ws_max_message: u64,

    /// Seconds an echo WebSocket may stay silent before it is closed (1008).
    #[arg(long, env = "REALTIME_LAB_WS_IDLE_SECS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub ws_idle_secs: u64,

    /// Seconds without a frame from an echo WebSocket's client before the
    /// server pings it.
    #[arg(long, env = "REALTIME_LAB_WS_PING_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub ws_ping_secs: u64,

    /// Seconds the server waits for the answer to that ping before it drops
    /// the connection as dead.
    #[arg(long, env = "REALTIME_LAB_WS_PONG_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub ws_pong_secs: u64,

    /// Another origin whose pages may open WebSockets here, such as
    /// https://workshop.example.org (repeat the flag, or separate with commas).
    /// The site's own origin is always allowed.
    #[arg(
        long = "allowed-origin",
        env = "REALTIME_LAB_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// Where the connection lab's HTTP/2 lane listens (HTTPS; ALPN h2, then
    /// http/1.1). Default: the host of --addr, port 3443 (port 0 if --addr
    /// uses port 0).
    #[arg(long, env = "REALTIME_LAB_H2_ADDR")]
    pub lab_h2_addr: Option<SocketAddr>,

    /// Where the lab's HTTP/1.1 lane listens (HTTPS; ALPN http/1.1 only).
    /// Default: the host of --addr, port 3444 (port 0 if --addr uses port 0).
    #[arg(long, env = "REALTIME_LAB_H1_ADDR")]
    pub lab_h1_addr: Option<SocketAddr>,

    /// Where the lab's QUIC lane listens (UDP; HTTP/3 with WebTransport, for
    /// lesson 9's demos). Default: the host of --addr, UDP port 3445 (port 0
    /// if --addr uses port 0). A host opens this UDP port to the room.
    #[arg(long, env = "REALTIME_LAB_H3_ADDR")]
    pub lab_h3_addr: Option<SocketAddr>,

    /// Do not open the QUIC lane (the HTTPS lanes stay; --no-lab turns off all three).
    #[arg(long, env = "REALTIME_LAB_NO_QUIC", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_quic: bool,

    /// WebTransport sessions one client address may hold at once on the
    /// QUIC lane (more are refused with 429): a share, like --lab-per-client.
    #[arg(long, env = "REALTIME_LAB_QUIC_PER_CLIENT", default_value_t = crate::realtime::webtransport::QUIC_PER_CLIENT)]
    pub quic_per_client: usize,

    /// Certificate chain (PEM) for the lab's lanes. Without --tls-cert and
    /// --tls-key, a self-signed certificate is generated at start-up.
    #[arg(long, env = "REALTIME_LAB_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Private key (PEM) for --tls-cert.
    #[arg(long, env = "REALTIME_LAB_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// A host name or IP the generated certificate should also cover, such
    /// as the address learners type in a workshop (repeat, or comma-separated).
    /// localhost, 127.0.0.1 and ::1 are always covered.
    #[arg(
        long = "tls-host",
        env = "REALTIME_LAB_TLS_HOSTS",
        value_delimiter = ','
    )]
    pub tls_hosts: Vec<String>,

    /// Lab streams one client address may hold at once (more get 429): a
    /// share, like --clock-per-client. `--lab-max-streams` is its old name,
    /// still accepted.
    #[arg(long = "lab-per-client", alias = "lab-max-streams", env = "REALTIME_LAB_LAB_MAX_STREAMS", default_value_t = PER_CLIENT)]
    pub lab_per_client: usize,

    /// Clock streams one client address may hold at once (more get 429).
    /// The default fits a room of about a hundred learners behind one NAT.
    #[arg(long, env = "REALTIME_LAB_CLOCK_PER_CLIENT", default_value_t = PER_CLIENT)]
    pub clock_per_client: usize,

    /// Echo sockets one client address may hold at once (more get 429).
    #[arg(long, env = "REALTIME_LAB_ECHO_PER_CLIENT", default_value_t = PER_CLIENT)]
    pub echo_per_client: usize,

    /// The address of a proxy in front of this server, such as 127.0.0.1 for
    /// nginx on the same machine: requests from it are counted against the
    /// client its X-Forwarded-For names (repeat, or separate with commas).
    #[arg(
        long = "trusted-proxy",
        env = "REALTIME_LAB_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,

    /// Do not open the lab's HTTPS lanes, nor the QUIC lane (the lab page then
    /// offers its simulation; lesson 9's demos say the lane is off).
    #[arg(long, env = "REALTIME_LAB_NO_LAB", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_lab: bool,

    /// Turn the wire view off: no request is looked at for a tap id, and the
    /// demos show no "Wire view".
    #[arg(long, env = "REALTIME_LAB_NO_WIRE_VIEW", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_wire_view: bool,

    /// Wire views one client address may have open at once (more get 429):
    /// a tap whose connection ended counts in no share. The default fits a
    /// room behind one NAT whose learners open a view or two each.
    #[arg(long, env = "REALTIME_LAB_WIRE_PER_CLIENT", default_value_t = crate::realtime::wire::WIRE_PER_CLIENT)]
    pub wire_per_client: usize,

    /// Open connections each listener accepts at once; the next waits,
    /// unanswered, until one closes.
    #[arg(long, env = "REALTIME_LAB_MAX_CONNECTIONS", default_value_t = 8192,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_connections: usize,

    /// Seconds a client has to send a request's head before its connection
    /// is closed (slow or silent clients cannot hold a connection).
    #[arg(long, env = "REALTIME_LAB_HEADER_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_secs: u64,

    /// Seconds to wait for open connections on SIGTERM or Ctrl-C, after
    /// clock streams are ended and echo sockets closed with 1001.
    #[arg(long, env = "REALTIME_LAB_DRAIN_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub drain_secs: u64,

    /// Presenter mode: the host drives the room's pages and asks polls. The
    /// server prints the presenter's link, holding a new secret token, and
    /// the link learners join by.
    #[arg(long, env = "REALTIME_LAB_PRESENTER", value_parser = clap::builder::BoolishValueParser::new())]
    pub presenter: bool,

    /// Presenter mode with this token instead of a new one (at least 16
    /// letters, digits, `-` or `_`): a link that survives a restart.
    #[arg(long, env = "REALTIME_LAB_PRESENTER_TOKEN", hide_env_values = true, value_parser = parse_token)]
    pub presenter_token: Option<PresenterToken>,

    /// Learners following the presenter at once (more get 503).
    #[arg(long, env = "REALTIME_LAB_ROOM_MAX_AUDIENCE", default_value_t = 2000,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub room_max_audience: usize,

    /// The join link the projector shows, such as http://192.168.1.20:3000/room.
    /// [default: /room on the host the presenter's page was opened with]
    #[arg(long, env = "REALTIME_LAB_JOIN_URL")]
    pub join_url: Option<String>,

    /// Where each lesson's "Edit this page" link leads: a URL in which
    /// `{file}` stands for the lesson's file name, such as
    /// https://github.com/you/realtime-lab/edit/main/content/{file}.
    /// [default: no such link]
    #[arg(long, env = "REALTIME_LAB_EDIT_URL", value_parser = EditUrl::parse)]
    pub edit_url: Option<EditUrl>,

    /// Several servers as one room, through this Redis, such as
    /// redis://127.0.0.1:6379/ (behind a load balancer, no sticky sessions
    /// needed). Give every server the same --presenter-token: the token
    /// names the room.
    #[arg(long, env = "REALTIME_LAB_REDIS_URL", hide_env_values = true,
          requires = "presenter_token", value_parser = parse_redis_url)]
    pub redis_url: Option<RedisUrl>,

    /// The same as `realtime-lab check` (kept for scripts that use it).
    #[arg(long)]
    pub check: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does instead of serving, for lesson authors.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum Command {
    /// Check every lesson, print each problem with its file and line, and
    /// exit (status 1 if any lesson has a problem). Starts no server; for
    /// authors' CI and editors.
    Check {
        /// `text` for people, `json` for editors and scripts.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Write a new lesson at the end of the course (in --content-dir, or
    /// `content`) and print its path. It passes `check` as it is.
    New {
        /// The lesson's title, such as "Long polling".
        title: String,
    },
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
}

/// The presenter's secret; never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PresenterToken(pub String);

impl std::fmt::Debug for PresenterToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PresenterToken(…)")
    }
}

/// A Redis address, checked; its password (if any) is never printed by `Debug`.
#[derive(Clone)]
pub struct RedisUrl(pub redis::ConnectionInfo);

impl std::fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisUrl({})", self.0.addr())
    }
}

fn parse_redis_url(text: &str) -> Result<RedisUrl, String> {
    redis::IntoConnectionInfo::into_connection_info(text)
        .map(RedisUrl)
        .map_err(|e| format!("{e}: give a Redis URL such as redis://127.0.0.1:6379/"))
}

fn parse_token(text: &str) -> Result<PresenterToken, String> {
    let fits = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if text.len() >= 16 && text.chars().all(fits) {
        Ok(PresenterToken(text.to_string()))
    } else {
        Err(
            "the token needs at least 16 characters, each a letter, a digit, `-` or `_` \
             (it goes in a link as it is)"
                .into(),
        )
    }
}

impl Config {
    /// How to report a check, if this run is one (`check` or `--check`).
    pub fn check_format(&self) -> Option<CheckFormat> {
        match &self.command {
            Some(Command::Check { format }) => Some(*format),
            _ => self.check.then_some(CheckFormat::Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_a_bad_address_naming_the_flag() {
        let error = Config::try_parse_from(["realtime-lab", "--addr", "localhost"]).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("invalid value 'localhost' for '--addr <ADDR>'"),
            "{text}"
        );
    }

    #[test]
    fn a_short_presenter_token_is_refused_with_what_it_needs() {
        let error =
            Config::try_parse_from(["realtime-lab", "--presenter-token", "abc"]).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("at least 16 characters"), "{text}");
        assert!(!format!("{:?}", parse_token("a-long-secret-token-0123")).contains("secret"));
    }

    #[test]
    fn defaults_to_the_embedded_site_and_course() {
        let config = Config::try_parse_from(["realtime-lab"]).unwrap();
        assert_eq!(config.content_dir, None);
        assert_eq!(config.site_root, None);
    }
}
