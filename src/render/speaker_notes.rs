//! Speaker notes: a ```` ```notes ```` block is Markdown for the presenter
//! alone. It renders as a block of its own ([`super::Block::Notes`]), which
//! only the presenter's page shows; a learner's page, the lesson's
//! Markdown (`/lessons/{slug}.md`) and search leave it out ([`strip`]).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

/// Whether a fence's info string opens speaker notes: `notes`, alone.
pub fn is_notes(info: &str) -> bool {
    info.split_whitespace().next() == Some("notes")
}

/// The notes' HTML, or why the block cannot be notes.
pub fn notes_html(info: &str, source: &str) -> Result<String, String> {
    if info.split_whitespace().nth(1).is_some() {
        return Err(format!(
            "```notes takes nothing after its name, but this fence says `{}`; write ```notes \
             alone on the line",
            info.trim()
        ));
    }
    if source.trim().is_empty() {
        return Err(
            "this notes block is empty; write what you want to tell the room here, or remove it"
                .into(),
        );
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(source, super::options()));
    Ok(html)
}

/// The notes as the presenter's page shows them: a labelled aside (which
/// the projector view hides, `style/main.css`).
pub fn aside_html(notes: &str) -> String {
    format!(
        "<aside class=\"speaker-notes\" aria-label=\"Speaker notes\">\n\
         <p class=\"speaker-notes-title\">Speaker notes <span>(only on the presenter's \
         page)</span></p>\n{notes}</aside>\n"
    )
}

/// `text` without its speaker notes blocks (fence to fence), for readers
/// other than the presenter.
pub fn strip(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut from = 0;
    for (event, range) in Parser::new_ext(text, super::options()).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event {
            if is_notes(&info) && range.start >= from {
                kept.push_str(&text[from..range.start]);
                from = range.end;
                // The blank line after the block goes with it.
                while text[from..].starts_with('\n') && kept.ends_with("\n\n") {
                    from += 1;
                }
            }
        }
    }
    kept.push_str(&text[from..]);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_markdown_for_the_presenter() {
        let html = notes_html("notes", "Ask who has used **SSE**.\n").unwrap();
        assert_eq!(html, "<p>Ask who has used <strong>SSE</strong>.</p>\n");
    }

    #[test]
    fn empty_notes_and_notes_with_options_are_errors() {
        assert!(notes_html("notes", " \n").unwrap_err().contains("empty"));
        assert!(notes_html("notes private", "x")
            .unwrap_err()
            .contains("nothing after its name"));
    }

    #[test]
    fn stripping_removes_the_notes_and_keeps_the_rest() {
        let text =
            "Intro.\n\n```notes\nSecret: *pause here*.\n```\n\nAfter.\n\n```js\nnotes();\n```\n";
        assert_eq!(strip(text), "Intro.\n\nAfter.\n\n```js\nnotes();\n```\n");
        assert_eq!(strip("No notes.\n"), "No notes.\n");
    }
}
