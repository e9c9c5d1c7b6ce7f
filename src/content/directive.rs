//! Step 3 of loading a lesson: resolve directive paragraphs.
//!
//! A directive is a paragraph of its own, in the leaf-directive form of the
//! CommonMark "generic directives" proposal (as remark-directive reads it):
//!
//! - `::demo[NAME]` places the live demo NAME there, and
//!   `::demo[NAME]{key=value …}` sets it up (the attributes of the same
//!   proposal): `::demo[connection-lab]{lane=http2 streams=12}`;
//! - `::source[PATH]` or `::source[PATH:FN]` quotes this server's own code
//!   (see [`super::sources`]).

use crate::model::course::{DemoName, DemoOptions};
use crate::model::wire::Lane;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    Demo(DemoName, DemoOptions),
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
    // `[argument]`, then `{attributes}` for a demo.
    let (args, attributes) = match args.split_once("]{") {
        Some((args, attributes)) if kind == "demo" => {
            let Some(attributes) = attributes.strip_suffix('}') else {
                return Err(format!(
                    "the options of `{source}` have no closing `}}`; write them as \
                     `{{key=value key=value}}`"
                ));
            };
            (format!("{args}]"), Some(attributes))
        }
        _ => (args.to_string(), None),
    };
    let argument = args
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .map(str::trim);
    match (kind, argument) {
        ("demo", Some(name)) => {
            let demo = DemoName::from_name(name).ok_or_else(|| {
                format!(
                    "unknown demo `{name}`; expected one of {}",
                    DemoName::list()
                )
            })?;
            let options = demo_options(demo, attributes.unwrap_or(""))?;
            Ok(Directive::Demo(demo, options))
        }
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

/// What a demo's `{key=value …}` asks for; only the lab takes options.
fn demo_options(demo: DemoName, attributes: &str) -> Result<DemoOptions, String> {
    let mut options = DemoOptions::default();
    for pair in attributes.split_whitespace() {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!(
                "`{pair}` in the options of `::demo[{}]` has no value; write `key=value`",
                demo.as_str()
            ));
        };
        let value = value.trim_matches('"');
        match (demo, key) {
            (DemoName::ConnectionLab, "lane") => {
                options.lab_lane = Some(match value {
                    "http1" => Lane::Http1,
                    "http2" => Lane::Http2,
                    _ => return Err(format!("`lane` is `http1` or `http2`, not `{value}`")),
                })
            }
            (DemoName::ConnectionLab, "streams") => {
                let max = DemoOptions::MAX_LAB_STREAMS;
                options.lab_streams = Some(
                    value
                        .parse::<u8>()
                        .ok()
                        .filter(|n| (1..=max).contains(n))
                        .ok_or_else(|| {
                            format!("`streams` is a whole number from 1 to {max}, not `{value}`")
                        })?,
                )
            }
            (DemoName::ConnectionLab, _) => {
                return Err(format!(
                    "`::demo[connection-lab]` takes `lane` (http1 or http2) and `streams` \
                     (1 to {}); `{key}` is not one of them",
                    DemoOptions::MAX_LAB_STREAMS
                ))
            }
            _ => {
                return Err(format!(
                    "`::demo[{}]` takes no options; remove `{{{attributes}}}`",
                    demo.as_str()
                ))
            }
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_demo_directive() {
        assert_eq!(
            parse("::demo[counter]"),
            Ok(Directive::Demo(DemoName::Counter, DemoOptions::default()))
        );
        assert_eq!(
            parse("::demo[ sse-clock ]"),
            Ok(Directive::Demo(DemoName::SseClock, DemoOptions::default()))
        );
    }

    #[test]
    fn reads_the_labs_options() {
        assert_eq!(
            parse("::demo[connection-lab]{lane=http2 streams=12}"),
            Ok(Directive::Demo(
                DemoName::ConnectionLab,
                DemoOptions {
                    lab_lane: Some(Lane::Http2),
                    lab_streams: Some(12)
                }
            ))
        );
        assert_eq!(
            parse("::demo[connection-lab]{lane=\"http1\"}"),
            Ok(Directive::Demo(
                DemoName::ConnectionLab,
                DemoOptions {
                    lab_lane: Some(Lane::Http1),
                    lab_streams: None
                }
            ))
        );
    }

    #[test]
    fn rejects_bad_options_saying_what_is_taken() {
        let error = |source| parse(source).unwrap_err();
        assert_eq!(
            error("::demo[connection-lab]{lanes=http2}"),
            "`::demo[connection-lab]` takes `lane` (http1 or http2) and `streams` (1 to 50); `lanes` is not one of them"
        );
        assert_eq!(
            error("::demo[connection-lab]{lane=h3}"),
            "`lane` is `http1` or `http2`, not `h3`"
        );
        assert_eq!(
            error("::demo[connection-lab]{streams=0}"),
            "`streams` is a whole number from 1 to 50, not `0`"
        );
        assert!(error("::demo[connection-lab]{streams}").contains("has no value"));
        assert!(error("::demo[connection-lab]{streams=3").contains("no closing `}`"));
        assert_eq!(
            error("::demo[sse-clock]{lane=http2}"),
            "`::demo[sse-clock]` takes no options; remove `{lane=http2}`"
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
            Err("unknown demo `sse-clok`; expected one of `sse-clock`, `ws-echo`, `ws-resume`, `answer-stream`, `handshake-inspector`, `connection-lab`, `buffered-clock`, `misbehaving-proxy`, `leaky-server`, `reconnect-crowd`, `rolling-deploy`, `which-fits`, `webtransport`, `head-of-line`, `counter`".into())
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
