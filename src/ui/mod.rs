//! What the learner sees. Pages (one per route) and the components they
//! share are rendered on the server only, to plain HTML; the live demos are
//! islands, the only parts hydrated in the browser. Components receive
//! data, never file paths.

#[cfg(feature = "ssr")]
pub mod components;
pub mod demos;
#[cfg(feature = "ssr")]
pub mod pages;
/// The browser facade the islands share (fetch, `EventSource`, `WebSocket`,
/// the page): "browser" in a demo's folder is that demo's browser half.
#[cfg(feature = "hydrate")]
pub mod web;
