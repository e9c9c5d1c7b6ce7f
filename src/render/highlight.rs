//! Server-side syntax highlighting with syntect, using bat's grammars from
//! two-face (they add HTTP, TOML and more to syntect's defaults).
//!
//! The output carries CSS classes (`hl-keyword`, `hl-string`, …) rather than
//! colours, so `style/main.css` can colour code for light and dark themes.
//! Every `<pre>` is focusable (`tabindex="0"`): a block wider than the page
//! scrolls, and a keyboard can only scroll what it can focus.

use std::cell::Cell;
use std::sync::LazyLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// Languages written in a fence as ```` ```name ````, and the grammar each picks.
/// The first names of each row are what the error message suggests.
const LANGUAGES: &[(&[&str], &str)] = &[
    (&["js", "javascript", "mjs"], "JavaScript"),
    (&["rust", "rs"], "Rust"),
    (&["http"], "HTTP Request and Response"),
    (
        &["sh", "bash", "shell", "console"],
        "Bourne Again Shell (bash)",
    ),
    (&["json"], "JSON"),
    (&["html"], "HTML"),
    (&["css"], "CSS"),
    (&["toml"], "TOML"),
    (&["md", "markdown"], "Markdown"),
];

/// Names that mean "no highlighting".
const PLAIN: &[&str] = &["", "text", "txt", "plain"];

/// Why a code block could not be highlighted.
#[derive(Debug, PartialEq, Eq)]
pub enum HighlightError {
    /// The fence names a language this site has no grammar for.
    UnknownLanguage(String),
    /// syntect failed on a line of the code (1-based within the block).
    Grammar {
        language: String,
        line: usize,
        message: String,
    },
}

impl HighlightError {
    /// The 1-based line of the code the error is on; `None` for the fence.
    pub fn code_line(&self) -> Option<usize> {
        match self {
            HighlightError::UnknownLanguage(_) => None,
            HighlightError::Grammar { line, .. } => Some(*line),
        }
    }
}

impl std::fmt::Display for HighlightError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HighlightError::UnknownLanguage(language) => {
                let known: Vec<String> = LANGUAGES
                    .iter()
                    .map(|(names, _)| format!("`{}`", names.first().unwrap_or(&"")))
                    .collect();
                write!(
                    f,
                    "unknown code language `{language}`; use one of {}, or `text` for plain text",
                    known.join(", ")
                )
            }
            HighlightError::Grammar {
                language,
                line,
                message,
            } => write!(
                f,
                "the `{language}` grammar failed on line {line} of this code block ({message}); \
                 mark the block `text` to show it without highlighting, or change that line"
            ),
        }
    }
}

thread_local! {
    /// Set by [`uncoloured`] for the code it runs.
    static UNCOLOURED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `render` with every code block left without colours: the same
/// `<pre>` and `<code>` with the code escaped, and the fence's language
/// still checked, but no grammar run. Colouring is most of what rendering
/// the course costs (the JavaScript grammar alone, some 0.6 s for the
/// course's 6 KB of JavaScript), so a starting server renders its lessons
/// so first and colours them in the background (`content::store`). A
/// grammar that fails on a line is found only by the coloured render.
pub fn uncoloured<T>(render: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            UNCOLOURED.set(self.0);
        }
    }
    let _reset = Reset(UNCOLOURED.replace(true));
    render()
}

/// The whole `<pre>` element for a fenced code block.
pub fn code_block(code: &str, language: &str) -> Result<String, HighlightError> {
    let language = language.trim().to_ascii_lowercase();
    let label = escape(&language);
    if PLAIN.contains(&language.as_str()) {
        return Ok(format!(
            "<pre class=\"code\" tabindex=\"0\"><code>{}</code></pre>",
            escape(code)
        ));
    }
    let grammar =
        grammar_name(&language).ok_or_else(|| HighlightError::UnknownLanguage(language.clone()))?;
    let html = if UNCOLOURED.get() {
        escape(code)
    } else {
        let syntax = SYNTAXES
            .find_syntax_by_name(grammar)
            .ok_or_else(|| HighlightError::UnknownLanguage(language.clone()))?;
        classed_html(code, syntax, &SYNTAXES).map_err(|(line, error)| HighlightError::Grammar {
            language: language.clone(),
            line,
            message: error.to_string(),
        })?
    };
    Ok(format!(
        "<pre class=\"code\" tabindex=\"0\" data-lang=\"{label}\"><code class=\"language-{label}\">{html}</code></pre>"
    ))
}

/// `code` as spans with `hl-` classes, or the 1-based line syntect failed on.
fn classed_html(
    code: &str,
    syntax: &SyntaxReference,
    syntaxes: &SyntaxSet,
) -> Result<String, (usize, syntect::Error)> {
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for (index, line) in LinesWithEndings::from(code).enumerate() {
        html.parse_html_for_line_which_includes_newline(line)
            .map_err(|error| (index + 1, error))?;
    }
    Ok(html.finalize())
}

/// The grammar a fence's language names, without loading any grammar.
fn grammar_name(language: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(names, _)| names.contains(&language))
        .map(|(_, grammar)| *grammar)
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncoloured_code_is_escaped_in_the_same_pre_and_the_language_still_checked() {
        let plain = uncoloured(|| code_block("let a = \"<b>\";\n", "js")).unwrap();
        assert_eq!(
            plain,
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"js\"><code class=\"language-js\">\
             let a = &quot;&lt;b&gt;&quot;;\n</code></pre>"
        );
        assert_eq!(
            uncoloured(|| code_block("x", "jvascript")),
            Err(HighlightError::UnknownLanguage("jvascript".into()))
        );
        // Only inside: the next block is coloured again.
        assert!(code_block("let a = 1;\n", "js").unwrap().contains("hl-"));
    }

    #[test]
    fn every_listed_language_has_a_grammar() {
        for (names, grammar) in LANGUAGES {
            assert!(
                SYNTAXES.find_syntax_by_name(grammar).is_some(),
                "no grammar named {grammar:?} for {names:?}"
            );
        }
    }

    #[test]
    fn highlights_the_course_languages() {
        for (language, code, class) in [
            ("js", "const x = 1;\n", "hl-storage"),
            ("rust", "fn main() {}\n", "hl-storage"),
            ("http", "GET / HTTP/1.1\nHost: example.com\n", "hl-"),
            ("sh", "echo \"hi\"\n", "hl-string"),
            ("json", "{\"a\": 1}\n", "hl-string"),
        ] {
            let html = code_block(code, language).unwrap();
            assert!(html.contains(class), "{language}: {html}");
            assert!(html.contains(&format!("data-lang=\"{language}\"")));
        }
    }

    #[test]
    fn escapes_plain_text() {
        assert_eq!(
            code_block("<b>&</b>", "text").unwrap(),
            "<pre class=\"code\" tabindex=\"0\"><code>&lt;b&gt;&amp;&lt;/b&gt;</code></pre>"
        );
    }

    #[test]
    fn rejects_unknown_language_with_the_known_ones() {
        let error = code_block("x", "jvascript").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown code language `jvascript`; use one of `js`, `rust`, `http`, `sh`, `json`, \
             `html`, `css`, `toml`, `md`, or `text` for plain text"
        );
    }

    #[test]
    fn every_code_block_can_be_reached_with_the_keyboard() {
        for language in ["rust", "text"] {
            let html = code_block("x\n", language).unwrap();
            assert!(
                html.starts_with("<pre class=\"code\" tabindex=\"0\""),
                "{html}"
            );
        }
    }

    /// A grammar whose one rule pushes a context it never defines: syntect
    /// builds it, and fails only when a line reaches that rule. (Written as
    /// serde JSON: loading `.sublime-syntax` YAML needs a feature we do not use.)
    fn broken_grammar() -> SyntaxSet {
        let start = r#"{"meta_scope": [], "meta_content_scope": [],
            "meta_include_prototype": false, "clear_scopes": null, "prototype": null,
            "uses_backrefs": false, "patterns": [{"Match": {"has_captures": false,
            "regex": "boom", "scope": [], "captures": null,
            "operation": {"Push": [{"Named": "missing"}]}, "with_prototype": null}}]}"#;
        let json = format!(
            r#"{{"name": "Broken", "file_extensions": [], "scope": "source.broken",
            "first_line_match": null, "hidden": false, "variables": {{}},
            "contexts": {{"__start": {start}}}}}"#
        );
        let definition: syntect::parsing::SyntaxDefinition = serde_json::from_str(&json).unwrap();
        let mut builder = syntect::parsing::SyntaxSetBuilder::new();
        builder.add(definition);
        builder.build()
    }

    #[test]
    fn a_grammar_failure_names_the_line_of_the_code() {
        let syntaxes = broken_grammar();
        let syntax = syntaxes.find_syntax_by_name("Broken").unwrap();
        let (line, _) = classed_html("fine\nstill fine\nboom\n", syntax, &syntaxes).unwrap_err();
        assert_eq!(line, 3);
    }
}
