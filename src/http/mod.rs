//! The connection plumbing, one floor below the composition root
//! (`server/`): it knows sockets, TLS and HTTP, and no lesson or endpoint.
//!
//! - [`accept`]: takes connections on every listener (a cap, a deadline for
//!   a request's head, HTTP/1.1 and HTTP/2, a graceful stop) and [`accept::bind`].
//! - [`lanes`] and [`tls`]: the connection lab's HTTPS ports (HTTP/2 and
//!   HTTP/1.1 only); each connection told to a [`lanes::LaneConnections`].
//! - [`quic`]: the lab's QUIC lane (HTTP/3, WebTransport), each session
//!   handed to a [`quic::QuicSessions`], its UDP socket able to lose packets.
//! - [`assets`]: the built files (hashed, precompressed, cached for a
//!   year), embedded in the binary or from a folder; [`encoding`] picks a
//!   compressed form and answers `If-None-Match`, for them and the pages.
//! - [`page_policy`]: the headers every page gets (its CSP, with the hashes
//!   of its inline scripts).
//! - [`read_ahead`], [`memory`], [`runtime`]: small reads without an idle
//!   buffer, the allocator's trimming, the server's tokio runtime.
//! - [`tap`]: a connection's plaintext copied for the wire view, when a
//!   request names a tap.

pub mod accept;
pub mod assets;
pub mod encoding;
pub mod lanes;
pub(crate) mod memory;
pub mod page_policy;
pub mod quic;
pub(crate) mod read_ahead;
pub mod runtime;
pub mod tap;
pub mod tls;
