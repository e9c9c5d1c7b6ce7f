//! Lesson 9's two WebTransport demos, on the lab's QUIC lane
//! (`crate::realtime::webtransport`): the server renders each whole, and a
//! small script (`webtransport/webtransport.js`, bundled from
//! `editor/src/webtransport.js`) drives it. Not an island: web-sys has
//! WebTransport only behind `--cfg=web_sys_unstable_apis`, a flag for the
//! whole wasm build, and the script is a few kilobytes on these two pages
//! only, where the wasm bundle would grow on every demo page.
//!
//! - [`WebTransportFrame`]: the clock in datagrams and an echo on streams,
//!   with the server's view of the connection; where WebTransport cannot
//!   open (no UDP, no secure context, no API) it says why and echoes over
//!   the WebSocket instead.
//! - [`HeadOfLineFrame`]: the same messages on one stream, a stream each
//!   and as datagrams, under loss, each message's delay plotted.

pub mod frame;
