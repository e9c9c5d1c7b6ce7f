//! Step 3 of loading a lesson: resolve directive paragraphs.
//!
//! A directive is a paragraph of its own whose whole text is
//! `::demo[NAME]` (the leaf-directive form of the CommonMark "generic
//! directives" proposal, as remark-directive reads it). It places the live
//! demo NAME at that spot in the lesson.

use super::model::DemoName;

/// What a directive paragraph asks for, or why it cannot be read.
pub fn parse(source: &str) -> Result<DemoName, String> {
    if source.contains('\n') {
        return Err(format!(
            "a directive must be alone in its paragraph, but `{}` is followed by more text; \
             put a blank line after it",
            source.lines().next().unwrap_or(source).trim()
        ));
    }
    let rest = source.strip_prefix("::").unwrap_or(source);
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    let (kind, args) = rest.split_at(name_end);
    if kind != "demo" {
        return Err(format!(
            "unknown directive `::{kind}`; the directive for a live demo is `::demo[name]`, \
             with name one of {}",
            DemoName::list()
        ));
    }
    let Some(name) = args.strip_prefix('[').and_then(|a| a.strip_suffix(']')) else {
        return Err(format!(
            "expected `::demo[name]`, found `{source}`; name is one of {}",
            DemoName::list()
        ));
    };
    let name = name.trim();
    DemoName::from_name(name).ok_or_else(|| {
        format!(
            "unknown demo `{name}`; expected one of {}",
            DemoName::list()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_demo_directive() {
        assert_eq!(parse("::demo[counter]"), Ok(DemoName::Counter));
        assert_eq!(parse("::demo[ counter ]"), Ok(DemoName::Counter));
    }

    #[test]
    fn rejects_unknown_demo_name() {
        assert_eq!(
            parse("::demo[sse-clok]"),
            Err("unknown demo `sse-clok`; expected one of `counter`".into())
        );
    }

    #[test]
    fn rejects_unknown_directive() {
        assert!(parse("::video[x]")
            .unwrap_err()
            .starts_with("unknown directive `::video`"));
    }

    #[test]
    fn rejects_missing_brackets() {
        assert!(parse("::demo counter")
            .unwrap_err()
            .starts_with("expected `::demo[name]`"));
    }

    #[test]
    fn rejects_trailing_text() {
        assert!(parse("::demo[counter]\nand more")
            .unwrap_err()
            .contains("put a blank line after it"));
    }
}
