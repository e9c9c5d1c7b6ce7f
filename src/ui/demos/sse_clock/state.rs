//! The clock's signals, shared by its view and its browser code.

use leptos::prelude::*;

use crate::ui::demos::widgets::ChosenFault;

/// One event as `EventSource` delivered it.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub at: String,
    pub kind: String,
    pub id: String,
    pub data: String,
}

#[derive(Clone, Copy)]
pub struct ClockState {
    pub running: RwSignal<bool>,
    /// The fault the learner asked for ("break it"); `None`: the clock as it is.
    pub fault: RwSignal<Option<ChosenFault>>,
    pub show_raw: RwSignal<bool>,
    pub ready_state: RwSignal<u16>,
    pub time: RwSignal<String>,
    pub last_id: RwSignal<String>,
    pub ticks: RwSignal<u32>,
    pub connections: RwSignal<u32>,
    pub stream: RwSignal<Option<u64>>,
    /// Bumped by "Make the server drop this connection".
    pub drop_requests: RwSignal<u32>,
    pub events: RwSignal<Vec<Parsed>>,
    pub raw: RwSignal<String>,
    pub note: RwSignal<String>,
}

impl ClockState {
    pub fn new() -> Self {
        ClockState {
            running: RwSignal::new(true),
            fault: RwSignal::new(None),
            show_raw: RwSignal::new(true),
            ready_state: RwSignal::new(0),
            time: RwSignal::new("--:--:--".into()),
            last_id: RwSignal::new(String::new()),
            ticks: RwSignal::new(0),
            connections: RwSignal::new(0),
            stream: RwSignal::new(None),
            drop_requests: RwSignal::new(0),
            events: RwSignal::new(Vec::new()),
            raw: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
        }
    }
}

pub fn ready_state_label(state: u16) -> &'static str {
    match state {
        0 => "CONNECTING",
        1 => "OPEN",
        _ => "CLOSED",
    }
}
