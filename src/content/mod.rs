//! Lessons from disk. Loading one file goes through these steps:
//!
//! 1. [`front_matter`]: split the TOML front matter from the Markdown body.
//! 2. `crate::render`: Markdown → HTML blocks, headings, highlighted code.
//! 3. [`directive`]: resolve `::demo[name]` paragraphs to live demos and
//!    `::source[path:fn]` to the server's own code ([`sources`]).
//! 4. [`course`]: all files together; no two share a slug or an order.
//! 5. [`store`]: the course in memory, reloaded when a file changes.
//!
//! [`model`] holds the plain data the pages receive; it is the only part
//! compiled into the browser build.

pub mod model;

#[cfg(feature = "ssr")]
pub mod course;
#[cfg(feature = "ssr")]
pub mod directive;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod front_matter;
#[cfg(feature = "ssr")]
pub mod lesson;
#[cfg(feature = "ssr")]
pub mod sources;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "ssr")]
pub use store::ContentStore;
