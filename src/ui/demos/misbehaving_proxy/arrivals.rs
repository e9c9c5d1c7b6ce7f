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

/// Arrivals closer than this came in one burst.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const BURST_MS: f64 = 50.0;

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEPT: usize = 12;

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

    /// Back to nothing, for a new run.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn reset(&self) {
        self.log.set(Vec::new());
        for count in [self.ticks, self.bunched, self.drops] {
            count.set(0);
        }
        self.longest_ms.set(0.0);
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn record(&self, arrival: Arrival) {
        if let Some(after) = arrival.after_ms {
            self.longest_ms
                .update(|longest| *longest = longest.max(after));
            if after < BURST_MS {
                self.bunched.update(|n| *n += 1);
            }
        }
        self.ticks.update(|n| *n += 1);
        crate::ui::demos::widgets::push_newest(self.log, arrival, KEPT);
    }
}
