//! # Realtime Lab
//!
//! A Leptos app in islands mode: every page is rendered on the server to
//! plain HTML, and only the live demos (islands) are hydrated in the browser
//! from WebAssembly. A page without a demo loads no WebAssembly at all. The
//! layout follows the path of a request:
//!
//! - `main.rs`: flags → [`server::start`], nothing else.
//! - [`config`]: every flag and environment variable, with defaults.
//! - [`server`]: the composition root. [`server::start`] binds every
//!   listener, starts the live endpoints, builds the state and serves the
//!   app (pages from a cache rendered once per content version) until told
//!   to stop; the tests call the same `start`.
//! - [`http`]: the plumbing below it: the accept loop, the connection lab's
//!   HTTPS lanes (HTTP/2 and HTTP/1.1 only) and their certificates, the
//!   hashed and precompressed files embedded in the binary.
//! - [`content`]: lessons from disk or from the binary: front matter,
//!   directives, loading, the store that reloads a folder on change.
//! - [`render`]: Markdown → HTML blocks, highlighted code, quoted source; a
//!   leaf that knows nothing of lessons.
//! - [`realtime`]: the live demos' endpoints (SSE clock, WebSocket echo,
//!   handshake inspector, connection lab), one file each.
//! - [`model`]: the types both builds share (wire messages, lesson data).
//! - [`app`]: the HTML shell and the routes; [`ui`]: server-only pages and
//!   components, and the demo islands.
//!
//! Content code never touches sockets, realtime code never parses Markdown,
//! and UI code never reads files.

// Leptos views are deeply nested types; the default limit (128) is too low for them.
#![recursion_limit = "256"]

pub mod model;
pub mod ui;

// Server-only rooms, declared so here and nowhere else.
#[cfg(feature = "ssr")]
pub mod app;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod realtime;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser build: hydrate the islands on this page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console for development builds; a release
    // build leaves out the formatting code they need.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
