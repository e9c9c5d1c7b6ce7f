//! Code in a lesson, fenced (```` ```rust ````) or indented: its text goes
//! through [`super::highlight`], and a highlighting error becomes a
//! [`RenderError`] on the line of the lesson it is about.

use pulldown_cmark::{CodeBlockKind, Event};
use std::ops::Range;

use super::highlight::{self, HighlightError};
use super::lines::line_of;
use super::RenderError;

/// The `<pre>` for a code block whose events are `inner` and whose source
/// is `range` of `text`.
pub fn code_block_html(
    text: &str,
    kind: &CodeBlockKind<'_>,
    inner: &[Event<'_>],
    range: &Range<usize>,
) -> Result<String, RenderError> {
    let language = match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
        CodeBlockKind::Indented => "",
    };
    highlight::code_block(&code_text(inner), language)
        .map_err(|error| highlight_error(text, kind, range, &error))
}

/// The text of a fenced or indented block, from its events.
pub fn code_text(inner: &[Event<'_>]) -> String {
    inner
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// A highlighting error at its line of `text`: the fence's line for an
/// unknown language, the failing line of the code for a grammar error.
fn highlight_error(
    text: &str,
    kind: &CodeBlockKind<'_>,
    range: &Range<usize>,
    error: &HighlightError,
) -> RenderError {
    let block_line = line_of(text, range.start);
    let line = match (error.code_line(), kind) {
        (None, _) => block_line,
        // A fenced block's code starts on the line after its fence.
        (Some(code_line), CodeBlockKind::Fenced(_)) => block_line.saturating_add(code_line),
        (Some(code_line), CodeBlockKind::Indented) => {
            block_line.saturating_add(code_line.saturating_sub(1))
        }
    };
    RenderError {
        line,
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_a_grammar_failure_at_the_failing_line_of_the_code() {
        let text = "Intro\n\n```rust\nfn a() {}\nfn b() {}\n```\n\n    indented\n    code\n";
        let grammar = HighlightError::Grammar {
            language: "rust".into(),
            line: 2,
            message: "Missing context".into(),
        };
        let fenced = CodeBlockKind::Fenced("rust".into());
        let error = highlight_error(text, &fenced, &(7..37), &grammar);
        assert_eq!(
            error.line, 5,
            "line 2 of the code, under the fence on line 3"
        );
        assert!(
            error.message.starts_with(
                "the `rust` grammar failed on line 2 of this code block (Missing context)"
            ),
            "{}",
            error.message
        );
        let indented = highlight_error(text, &CodeBlockKind::Indented, &(40..63), &grammar);
        assert_eq!(indented.line, 9, "line 2 of the code that starts on line 8");
    }

    #[test]
    fn highlights_fenced_code_in_a_lesson() {
        let rendered = crate::render::render("```rust\nfn main() {}\n```\n").unwrap();
        let Some(crate::render::Block::Html(out)) = rendered.blocks.first() else {
            panic!("one HTML block: {rendered:?}");
        };
        assert!(
            out.contains("<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\">"),
            "{out}"
        );
    }

    #[test]
    fn reports_an_unknown_code_language_at_its_line() {
        let errors = crate::render::render("Intro\n\n```jsx\nx\n```\n").unwrap_err();
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.starts_with("unknown code language `jsx`"));
    }
}
