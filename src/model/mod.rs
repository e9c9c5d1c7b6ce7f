//! The types both builds share: what the server renders into an island's
//! props and what the live endpoints send over the wire. Plain data, no
//! `#[cfg]`: the same code compiles for the server and the browser.
//!
//! - [`course`]: lessons as pages list them, and the names of the demos.
//! - [`wire`]: the JSON events and reports of the live endpoints.
//! - [`room`]: presenter mode's events, requests and bounds.
//! - [`exercise`]: the rules the server grades exercises on, and its verdicts.

pub mod course;
pub mod exercise;
pub mod room;
pub mod wire;
