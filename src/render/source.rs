//! The HTML of the server's own code quoted in a lesson (`::source[…]`): a
//! figure whose caption names the file, the function and the lines it comes
//! from, around the highlighted code. Which code to quote is the caller's
//! business (`content::sources`); how it looks and how its lines are
//! numbered is decided here.

use super::highlight::{self, escape, HighlightError};
use super::lines::last_line;

/// What a lesson quotes, and where in the server's source it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote<'a> {
    /// The Rust code, as it stands in the file.
    pub code: &'a str,
    /// The file's line of the code's first line, 1-based.
    pub first_line: usize,
    /// The file, as a lesson names it (`src/realtime/echo.rs`).
    pub path: &'a str,
    /// The function quoted, or `None` for the whole file.
    pub item: Option<&'a str>,
}

/// `<figure class="source">` with a caption and the highlighted `<pre>`, or
/// a message for the lesson's author that names the file and line quoted.
pub fn quoted_source_html(quote: &Quote<'_>) -> Result<String, String> {
    let code =
        highlight::code_block(quote.code, "rust").map_err(|error| quote_error(quote, &error))?;
    Ok(format!(
        "<figure class=\"source\"><figcaption>{}: the code this server runs</figcaption>{code}</figure>\n",
        caption(quote)
    ))
}

/// A highlighting error, at the line of the quoted file it happened on.
fn quote_error(quote: &Quote<'_>, error: &HighlightError) -> String {
    match error {
        HighlightError::Grammar { line, message, .. } => format!(
            "the Rust grammar failed on {}:{} ({message}); quote another function, or \
             rewrite that line of the server",
            quote.path,
            quote.first_line.saturating_add(line.saturating_sub(1))
        ),
        HighlightError::UnknownLanguage(_) => error.to_string(),
    }
}

/// `src/realtime/echo.rs`, `fn close_for`, lines 120–137
fn caption(quote: &Quote<'_>) -> String {
    let mut caption = format!("<code>{}</code>", escape(quote.path));
    if let Some(item) = quote.item {
        caption.push_str(&format!(", <code>fn {}</code>", escape(item)));
    }
    let last = last_line(quote.first_line, quote.code);
    if last == quote.first_line {
        caption.push_str(&format!(", line {last}"));
    } else {
        caption.push_str(&format!(", lines {}–{last}", quote.first_line));
    }
    caption
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(item: Option<&'static str>) -> Quote<'static> {
        Quote {
            code: "fn close_for() {\n    None\n}\n",
            first_line: 120,
            path: "src/realtime/echo.rs",
            item,
        }
    }

    #[test]
    fn the_caption_names_the_file_the_function_and_its_lines() {
        let html = quoted_source_html(&quote(Some("close_for"))).unwrap();
        assert!(
            html.starts_with(
                "<figure class=\"source\"><figcaption><code>src/realtime/echo.rs</code>, \
                 <code>fn close_for</code>, lines 120–122: the code this server runs</figcaption>"
            ),
            "{html}"
        );
        assert!(html.ends_with("</pre></figure>\n"), "{html}");
    }

    #[test]
    fn a_whole_file_is_captioned_without_a_function() {
        let html = quoted_source_html(&Quote {
            first_line: 1,
            ..quote(None)
        })
        .unwrap();
        assert!(
            html.contains("<figcaption><code>src/realtime/echo.rs</code>, lines 1–3:"),
            "{html}"
        );
    }

    #[test]
    fn quoted_code_is_a_keyboard_reachable_rust_block() {
        let html = quoted_source_html(&quote(None)).unwrap();
        assert!(
            html.contains("<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\">"),
            "{html}"
        );
        assert!(html.contains("hl-storage"), "highlighted: {html}");
    }

    #[test]
    fn the_caption_escapes_what_it_is_given() {
        let html = quoted_source_html(&Quote {
            path: "a<b>.rs",
            ..quote(None)
        })
        .unwrap();
        assert!(html.contains("<code>a&lt;b&gt;.rs</code>"), "{html}");
    }

    #[test]
    fn a_grammar_failure_names_the_quoted_file_and_line() {
        let error = HighlightError::Grammar {
            language: "rust".into(),
            line: 2,
            message: "Missing context".into(),
        };
        assert_eq!(
            quote_error(&quote(None), &error),
            "the Rust grammar failed on src/realtime/echo.rs:121 (Missing context); quote \
             another function, or rewrite that line of the server"
        );
    }
}
