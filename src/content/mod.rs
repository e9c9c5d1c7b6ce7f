//! Lessons from disk, or from the binary ([`embedded`]). Loading one file
//! goes through these steps:
//!
//! 1. [`front_matter`]: split the TOML front matter from the Markdown body.
//! 2. `crate::render`: Markdown → HTML blocks, headings, highlighted code.
//! 3. [`directive`]: resolve `::demo[name]` paragraphs to live demos and
//!    `::source[path:fn]` to the server's own code ([`sources`]).
//! 4. [`course`]: all files together; no two share a slug or an order.
//! 5. [`search`]: the lessons' sections, indexed for learners' search.
//! 6. [`store`]: the course in memory, reloaded when a file of the folder
//!    changes (the embedded course never changes).
//!
//! The plain data pages receive is in `crate::model::course`; this room is
//! server-only (declared so once, in `lib.rs`).

pub mod course;
pub mod directive;
pub mod embedded;
pub mod error;
pub mod front_matter;
pub mod guide;
pub mod lesson;
pub mod search;
pub mod skeleton;
pub mod sources;
pub mod store;

pub use store::ContentStore;
