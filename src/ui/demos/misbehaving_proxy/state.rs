//! What the proxy demo shows: the behaviour picked, and what reached the
//! page through the proxy on each side.

use leptos::prelude::*;

use super::arrivals::Arrivals;
use crate::model::wire::ProxyBehaviour;

#[derive(Clone, Copy)]
pub struct ProxyState {
    pub behaviour: RwSignal<ProxyBehaviour>,
    pub heartbeat: RwSignal<bool>,
    pub stream_url: RwSignal<String>,
    pub stream: Arrivals,
    pub socket_url: RwSignal<String>,
    pub echoed: RwSignal<u32>,
    pub socket_closes: RwSignal<u32>,
    /// The last `CloseEvent`'s code, as text ("–" before any).
    pub close_code: RwSignal<String>,
    pub socket_status: RwSignal<String>,
    /// The proxy's log for this page, oldest first.
    pub log: RwSignal<Vec<String>>,
}

impl ProxyState {
    pub fn new(start: ProxyBehaviour) -> Self {
        ProxyState {
            behaviour: RwSignal::new(start),
            heartbeat: RwSignal::new(false),
            stream_url: RwSignal::new(String::new()),
            stream: Arrivals::new(),
            socket_url: RwSignal::new(String::new()),
            echoed: RwSignal::new(0),
            socket_closes: RwSignal::new(0),
            close_code: RwSignal::new("–".into()),
            socket_status: RwSignal::new("Starts when the page is ready.".into()),
            log: RwSignal::new(Vec::new()),
        }
    }
}
