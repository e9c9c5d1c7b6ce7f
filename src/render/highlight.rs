//! Server-side syntax highlighting with syntect, using bat's grammars from
//! two-face (they add HTTP, TOML and more to syntect's defaults).
//!
//! The output carries CSS classes (`hl-keyword`, `hl-string`, …) rather than
//! colours, so `style/main.css` can colour code for light and dark themes.

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
];

/// Names that mean "no highlighting".
const PLAIN: &[&str] = &["", "text", "txt", "plain"];

#[derive(Debug, PartialEq, Eq)]
pub struct UnknownLanguage(pub String);

impl std::fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let known: Vec<String> = LANGUAGES
            .iter()
            .map(|(names, _)| format!("`{}`", names[0]))
            .collect();
        write!(
            f,
            "unknown code language `{}`; use one of {}, or `text` for plain text",
            self.0,
            known.join(", ")
        )
    }
}

/// The whole `<pre>` element for a fenced code block.
pub fn code_block(code: &str, language: &str) -> Result<String, UnknownLanguage> {
    let language = language.trim().to_ascii_lowercase();
    let label = escape(&language);
    if PLAIN.contains(&language.as_str()) {
        return Ok(format!(
            "<pre class=\"code\"><code>{}</code></pre>",
            escape(code)
        ));
    }
    let syntax = syntax_for(&language).ok_or_else(|| UnknownLanguage(language.clone()))?;
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &SYNTAXES,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        html.parse_html_for_line_which_includes_newline(line)
            .expect("syntect failed on a line of a built-in grammar");
    }
    Ok(format!(
        "<pre class=\"code\" data-lang=\"{label}\"><code class=\"language-{label}\">{}</code></pre>",
        html.finalize()
    ))
}

fn syntax_for(language: &str) -> Option<&'static SyntaxReference> {
    let (_, grammar) = LANGUAGES
        .iter()
        .find(|(names, _)| names.contains(&language))?;
    SYNTAXES.find_syntax_by_name(grammar)
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
            "<pre class=\"code\"><code>&lt;b&gt;&amp;&lt;/b&gt;</code></pre>"
        );
    }

    #[test]
    fn rejects_unknown_language_with_the_known_ones() {
        let error = code_block("x", "jvascript").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown code language `jvascript`; use one of `js`, `rust`, `http`, `sh`, `json`, \
             `html`, `css`, `toml`, or `text` for plain text"
        );
    }
}
