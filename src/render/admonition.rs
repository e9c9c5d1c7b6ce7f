//! GitHub's alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`,
//! `[!CAUTION]`), which pulldown-cmark reads with `ENABLE_GFM`, as a note
//! the reader can tell from the text around it: `role="note"` and a visible
//! title, so a screen reader announces what kind of note it is.

use pulldown_cmark::BlockQuoteKind;

/// The opening of an alert; [`CLOSE`] ends it.
pub fn open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"admonition admonition-{class}\" role=\"note\">\n\
         <p class=\"admonition-title\">{title}</p>\n"
    )
}

pub const CLOSE: &str = "</div>\n";
