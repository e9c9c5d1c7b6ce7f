//! The server's own Rust files that a lesson may quote with
//! `::source[path]` (the whole file) or `::source[path:name]` (one top-level
//! `fn`, with its doc comment). They are compiled into the binary, so what a
//! learner reads is exactly the code that serves the demos.

const FILES: &[(&str, &str)] = &[
    (
        "src/realtime/clock.rs",
        include_str!("../realtime/clock.rs"),
    ),
    (
        "src/realtime/clock/stream.rs",
        include_str!("../realtime/clock/stream.rs"),
    ),
    ("src/realtime/echo.rs", include_str!("../realtime/echo.rs")),
    (
        "src/realtime/inspect.rs",
        include_str!("../realtime/inspect.rs"),
    ),
    (
        "src/realtime/origin.rs",
        include_str!("../realtime/origin.rs"),
    ),
];

/// Code quoted from one of [`FILES`], and the file line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub code: String,
    /// 1-based.
    pub first_line: usize,
}

/// The quoted code, or a message that lists the valid choices.
pub fn excerpt(path: &str, item: Option<&str>) -> Result<Excerpt, String> {
    let Some((_, text)) = FILES.iter().find(|(p, _)| *p == path) else {
        let known: Vec<String> = FILES.iter().map(|(p, _)| format!("`{p}`")).collect();
        return Err(format!(
            "no source file `{path}` to quote; expected one of {}",
            known.join(", ")
        ));
    };
    let Some(item) = item else {
        return Ok(Excerpt {
            code: text.to_string(),
            first_line: 1,
        });
    };
    function(text, item).ok_or_else(|| {
        let names: Vec<String> = top_level_functions(text)
            .map(|n| format!("`{n}`"))
            .collect();
        format!(
            "no top-level fn `{item}` in {path}; its functions are {}",
            names.join(", ")
        )
    })
}

/// The name of a top-level `fn` declared on this line, if any.
fn declared_fn(line: &str) -> Option<&str> {
    let rest = ["pub ", "pub(crate) ", "pub(super) ", "async "]
        .iter()
        .fold(line, |rest, prefix| {
            rest.strip_prefix(prefix).unwrap_or(rest)
        });
    let rest = rest
        .strip_prefix("async ")
        .unwrap_or(rest)
        .strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

fn top_level_functions(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(declared_fn)
}

/// One top-level function with the doc comments and attributes above it,
/// up to its closing `}` at the start of a line (rustfmt's layout).
fn function(text: &str, name: &str) -> Option<Excerpt> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|line| declared_fn(line) == Some(name))?;
    let start = (0..at)
        .rev()
        .take_while(|&i| lines[i].starts_with("///") || lines[i].starts_with("#["))
        .last()
        .unwrap_or(at);
    let end = (at..lines.len()).find(|&i| lines[i] == "}" || lines[i].ends_with(';') && i == at)?;
    Some(Excerpt {
        code: lines.get(start..=end)?.join("\n") + "\n",
        first_line: start + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_one_function_with_its_doc_comment() {
        let Excerpt { code, first_line } =
            excerpt("src/realtime/echo.rs", Some("close_for")).unwrap();
        let file_line = include_str!("../realtime/echo.rs")
            .lines()
            .nth(first_line - 1);
        assert_eq!(
            file_line,
            code.lines().next(),
            "first_line is the file's line"
        );
        assert!(
            code.starts_with("/// The close frame owed to the client"),
            "{code}"
        );
        assert!(code.contains("fn close_for("));
        assert!(code.ends_with("}\n"));
        assert!(
            !code.contains("async fn close("),
            "stops at the end of the function"
        );
    }

    #[test]
    fn rejects_an_unknown_function_listing_the_known_ones() {
        let error = excerpt("src/realtime/echo.rs", Some("nope")).unwrap_err();
        assert!(
            error.starts_with(
                "no top-level fn `nope` in src/realtime/echo.rs; its functions are `router`"
            ),
            "{error}"
        );
    }

    #[test]
    fn rejects_an_unknown_file() {
        let error = excerpt("src/main.rs", None).unwrap_err();
        assert!(error.starts_with(
            "no source file `src/main.rs` to quote; expected one of `src/realtime/clock.rs`"
        ));
    }
}
