//! What rendering a text gives back: its blocks, its table of contents, and
//! its prose by section for search.

use crate::model::course::TocEntry;

/// A run of HTML, a knowledge check, or a directive paragraph
/// (`::name[…]`) left for the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Html(String),
    /// A ```` ```check ```` block, rendered (`super::check`).
    Check(String),
    /// A ```` ```notes ```` block's HTML, for the presenter's page only
    /// (`super::speaker_notes`).
    Notes(String),
    /// A ```` ```exercise ```` block, rendered (`super::exercise`).
    Exercise {
        /// 1-based line of the fence within the rendered text.
        line: usize,
        exercise: super::exercise::Exercise,
    },
    Directive {
        /// 1-based line within the rendered text.
        line: usize,
        source: String,
    },
    /// A ```` ```md example ```` (or `md error`) block: Markdown the
    /// caller checks and shows rendered, after the block's own code.
    Example {
        /// 1-based line of the fence within the rendered text.
        line: usize,
        source: String,
        /// `md error`: the example must fail, and shows its errors.
        expect_error: bool,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub blocks: Vec<Block>,
    pub toc: Vec<TocEntry>,
    /// Whether the text has a group of code tabs (`super::tabs`), which
    /// the page's code tabs script works.
    pub code_tabs: bool,
    /// The prose as plain text, by `##` section, for learners' search.
    pub sections: Vec<SectionText>,
}

/// The plain text of one `##` section (the first one: the text before any
/// `##`, with no heading), code blocks and knowledge checks left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionText {
    /// The heading's id and title; `None` for the text before the first.
    pub heading: Option<(String, String)>,
    pub text: String,
}
