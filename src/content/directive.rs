//! Step 3 of loading a lesson: resolve directive paragraphs.
//!
//! A directive is a paragraph of its own, in the leaf-directive form of the
//! CommonMark "generic directives" proposal (as remark-directive reads it):
//!
//! - `::demo[NAME]` places the live demo NAME there;
//! - `::source[PATH]` or `::source[PATH:FN]` quotes this server's own code
//!   (see [`super::sources`]).

use crate::model::course::DemoName;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    Demo(DemoName),
    Source { path: String, item: Option<String> },
}

const USAGE: &str =
    "`::demo[name]` for a live demo or `::source[path:fn]` to quote the server's code";

/// What a directive paragraph asks for, or why it cannot be read.
pub fn parse(source: &str) -> Result<Directive, String> {
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
    let argument = args
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .map(str::trim);
    match (kind, argument) {
        ("demo", Some(name)) => DemoName::from_name(name)
            .map(Directive::Demo)
            .ok_or_else(|| {
                format!(
                    "unknown demo `{name}`; expected one of {}",
                    DemoName::list()
                )
            }),
        ("source", Some(target)) => {
            let (path, item) = match target.split_once(':') {
                Some((path, item)) => (path, Some(item.trim().to_string())),
                None => (target, None),
            };
            Ok(Directive::Source {
                path: path.trim().to_string(),
                item,
            })
        }
        ("demo", None) => Err(format!(
            "expected `::demo[name]`, found `{source}`; name is one of {}",
            DemoName::list()
        )),
        ("source", None) => Err(format!(
            "expected `::source[path]` or `::source[path:fn]`, found `{source}`"
        )),
        _ => Err(format!("unknown directive `::{kind}`; use {USAGE}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_demo_directive() {
        assert_eq!(
            parse("::demo[counter]"),
            Ok(Directive::Demo(DemoName::Counter))
        );
        assert_eq!(
            parse("::demo[ sse-clock ]"),
            Ok(Directive::Demo(DemoName::SseClock))
        );
    }

    #[test]
    fn reads_a_source_directive() {
        assert_eq!(
            parse("::source[src/realtime/echo.rs:close_for]"),
            Ok(Directive::Source {
                path: "src/realtime/echo.rs".into(),
                item: Some("close_for".into())
            })
        );
    }

    #[test]
    fn rejects_unknown_demo_name() {
        assert_eq!(
            parse("::demo[sse-clok]"),
            Err("unknown demo `sse-clok`; expected one of `sse-clock`, `ws-echo`, `handshake-inspector`, `connection-lab`, `buffered-clock`, `leaky-server`, `which-fits`, `counter`".into())
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
