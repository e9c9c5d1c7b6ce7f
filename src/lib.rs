//! # Realtime Lab
//!
//! A Leptos app rendered on the server (axum) and hydrated in the browser
//! (WebAssembly). The layout follows the path of a request:
//!
//! - `main.rs`: flags → content → [`server::AppState`] → [`server::app`] → serve.
//! - [`config`]: every flag and environment variable, with defaults.
//! - [`lanes`] and [`tls`]: the connection lab's HTTPS ports (HTTP/2 and
//!   HTTP/1.1 only), each request tagged with its TCP connection.
//! - [`content`]: lessons from disk: front matter, directives, loading, the
//!   store that reloads on change. [`content::model`] is the data pages get.
//! - [`render`]: Markdown → HTML blocks, highlighted code, table of contents.
//! - [`realtime`]: the live demos' endpoints (SSE clock, WebSocket echo,
//!   handshake inspector), one file each. [`realtime::model`] is their JSON.
//! - [`api`]: the server functions between pages and content.
//! - [`app`]: the HTML shell and the routes; [`ui`]: pages, components, demos.
//!
//! Content code never touches sockets, realtime code never parses Markdown,
//! and UI code never reads files.

// Leptos views are deeply nested types; the default limit (128) is too low for them.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod model;
pub mod ui;

// Server-only rooms, declared so here and nowhere else.
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod lanes;
#[cfg(feature = "ssr")]
pub mod realtime;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod tls;

/// Entry point of the browser build: attach to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker for tests and for the curious: the page is now interactive.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
