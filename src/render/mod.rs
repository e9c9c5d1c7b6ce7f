//! Markdown → HTML blocks, in one pass over pulldown-cmark's events.
//!
//! 1. [`options`] is the one place that sets pulldown-cmark's options.
//! 2. [`markdown::render`] walks the events: headings get ids and anchors and
//!    feed the table of contents (`headings` makes their ids), code goes
//!    through `code` and [`highlight`], and a paragraph that starts with `::`
//!    is handed back as a raw directive; a `test:` link is a tested claim's
//!    note ([`claims`]); a ```` ```check ```` block is a knowledge check
//!    ([`knowledge_check`]); a ```` ```exercise ```` block is an exercise the
//!    server grades ([`exercise`]); `> [!NOTE]` and its kin are notes (`admonition`), and
//!    fenced blocks with `tab="…"` one after the other are code tabs (`tabs`);
//!    a table scrolls sideways in a region of its own (`tables`); a
//!    ```` ```notes ```` block is the presenter's alone ([`speaker_notes`]).
//! 3. The caller (`content::lesson`) resolves directives; this module knows no
//!    demo names.
//! 4. [`source::quoted_source_html`] is the HTML of the server's code that a
//!    lesson quotes, with the lines it comes from ([`lines`] numbers lines
//!    for the whole crate).
//!
//! A leaf: it depends on pulldown-cmark, syntect and `crate::model`, never on
//! the content room that calls it.

mod admonition;
pub mod claims;
mod code;
pub mod exercise;
mod headings;
pub mod highlight;
pub mod knowledge_check;
pub mod lines;
pub mod markdown;
mod rendered;
pub mod source;
pub mod speaker_notes;
mod tables;
mod tabs;

pub use markdown::{render, render_prefixed};
pub use rendered::{Block, Rendered, SectionText};

use pulldown_cmark::Options;

/// The one place that chooses pulldown-cmark's Markdown dialect: the
/// lesson walk ([`markdown`]) and the knowledge checks ([`knowledge_check`]) read
/// Markdown the same way.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        // GitHub's alerts, `> [!NOTE]` (`admonition`).
        | Options::ENABLE_GFM
}

/// A problem at a 1-based line of the rendered text, from any step of the
/// walk (code, checks, claims, directives).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    pub line: usize,
    pub message: String,
}
