//! The inspector's signals.

use leptos::prelude::*;

use crate::model::wire::HandshakeReport;

#[derive(Clone, Copy)]
pub struct InspectorState {
    pub sse: RwSignal<Option<HandshakeReport>>,
    pub ws: RwSignal<Option<HandshakeReport>>,
    pub error: RwSignal<Option<String>>,
    pub sse_requests: RwSignal<u32>,
    pub ws_requests: RwSignal<u32>,
}
