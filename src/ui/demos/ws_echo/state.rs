//! The echo's signals, shared by its view and its browser code.

use leptos::prelude::*;

use crate::ui::demos::widgets::ChosenFault;

#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub at: String,
    pub direction: &'static str,
    pub kind: &'static str,
    pub size: usize,
    pub preview: String,
    pub rtt_ms: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct EchoState {
    pub ready_state: RwSignal<u16>,
    pub text: RwSignal<String>,
    pub binary_size: RwSignal<u32>,
    pub log: RwSignal<Vec<LogEntry>>,
    pub closed: RwSignal<Option<String>>,
    pub connect_requests: RwSignal<u32>,
    /// The fault the next connection asks for ("break it"); `None`: the plain echo.
    pub fault: RwSignal<Option<ChosenFault>>,
    pub disconnect_requests: RwSignal<u32>,
    pub send_requests: RwSignal<Option<Outgoing>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    Text(String),
    Binary(u32),
    /// One byte more than the server's limit.
    OverLimit,
}

pub fn ready_state_label(state: u16) -> &'static str {
    match state {
        0 => "CONNECTING",
        1 => "OPEN",
        2 => "CLOSING",
        _ => "CLOSED",
    }
}
