//! The event stream's side of the demo: the ticks as they arrived through
//! the proxy, how long the page waited between arrivals, and the
//! connections lost.

use leptos::prelude::*;

/// A tick as it reached the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    pub id: String,
    /// The server's time of the tick, `HH:MM:SS`.
    pub sent: String,
    /// Milliseconds since the previous arrival in this column.
    pub after_ms: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct Arrivals {
    pub log: RwSignal<Vec<Arrival>>,
    pub ticks: RwSignal<u32>,
    /// The longest wait between two arrivals so far.
    pub longest_ms: RwSignal<f64>,
    /// Ticks that arrived less than 50 ms after the one before: a burst.
    pub bunched: RwSignal<u32>,
    /// Times the connection ended and `EventSource` reconnected.
    pub drops: RwSignal<u32>,
    pub status: RwSignal<String>,
}

impl Arrivals {
    pub fn new() -> Self {
        Arrivals {
            log: RwSignal::new(Vec::new()),
            ticks: RwSignal::new(0),
            longest_ms: RwSignal::new(0.0),
            bunched: RwSignal::new(0),
            drops: RwSignal::new(0),
            status: RwSignal::new("Starts when the page is ready.".into()),
        }
    }
}
