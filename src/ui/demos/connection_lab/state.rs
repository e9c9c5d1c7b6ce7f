//! The lab's signals: the learner's choices, each stream as measured,
//! and the server's view.

use leptos::prelude::*;

use crate::model::wire::Lane;

/// The server's view before it has reported anything, and whenever no lab
/// connection is open (`views::server_view_html`).
pub const NO_CONNECTIONS: &str = "<li>No lab connections open.</li>";

/// Constructed in the browser build, which measures the streams; the
/// server renders no row, so it never builds `Failed`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamState {
    Waiting,
    Open,
    Failed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StreamRow {
    pub index: usize,
    pub state: StreamState,
    pub first_event_ms: Option<f64>,
    pub connection: Option<u64>,
    pub protocol: String,
    /// A WebSocket (`/api/lab/socket`) rather than an event stream.
    pub socket: bool,
}

impl StreamRow {
    /// How the row is named in the table and the diagram: a stream by its
    /// number, a socket as `WS` and its number.
    pub fn label(&self) -> String {
        match self.socket {
            true => format!("WS {}", self.index - SOCKET_INDEX),
            false => self.index.to_string(),
        }
    }
}

/// Sockets are numbered from here, apart from the streams (at most 50).
pub const SOCKET_INDEX: usize = 1000;

/// Whether the lanes answer this browser; learned in the browser build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    Checking,
    Trusted,
    Untrusted,
    LabOff,
}

/// What the learner asks of the lab; the browser build carries it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    OpenStreams,
    OpenSocket,
    CloseAll,
    Close(usize),
    Ping,
    CheckTrust,
}

#[derive(Clone, Copy)]
pub struct LabState {
    pub lane: RwSignal<Lane>,
    pub count: RwSignal<usize>,
    pub simulated: RwSignal<bool>,
    pub rows: RwSignal<Vec<StreamRow>>,
    pub trust: RwSignal<Trust>,
    /// The server's view of this browser's lab connections, as markup.
    pub server_view: RwSignal<String>,
    pub ping: RwSignal<String>,
    pub per_host: RwSignal<usize>,
    pub max_concurrent_streams: RwSignal<usize>,
    /// Links to both lanes, as markup, once the page knows its host.
    pub lane_links: RwSignal<String>,
    /// The learner's latest [`Command`], which the browser carries out
    /// (`browser.rs`); nothing on the server.
    pub command: RwSignal<Option<Command>>,
}

impl LabState {
    /// With no lanes (the lab is off), the simulation is all there is.
    pub fn new(lab_off: bool, lane: Lane, count: usize) -> Self {
        LabState {
            lane: RwSignal::new(lane),
            count: RwSignal::new(count),
            simulated: RwSignal::new(lab_off),
            rows: RwSignal::new(Vec::new()),
            trust: RwSignal::new(if lab_off {
                Trust::LabOff
            } else {
                Trust::Checking
            }),
            server_view: RwSignal::new(NO_CONNECTIONS.to_string()),
            ping: RwSignal::new(String::new()),
            per_host: RwSignal::new(6),
            max_concurrent_streams: RwSignal::new(100),
            lane_links: RwSignal::new(String::new()),
            command: RwSignal::new(None),
        }
    }

    /// Asks the lab to carry out `command`.
    pub fn ask(&self, command: Command) {
        self.command.set(Some(command));
    }
}
