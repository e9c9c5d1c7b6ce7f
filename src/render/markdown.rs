//! One pass over pulldown-cmark's events that turns a lesson body into HTML
//! blocks, a table of contents, and the directives the caller must resolve.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

use super::headings::{plain_text, slugify};
use super::highlight::escape;
use super::lines::line_of;
use super::{check, claims, code};
use crate::model::course::TocEntry;

/// The one place that chooses pulldown-cmark's Markdown dialect.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A run of HTML, a knowledge check, or a directive paragraph
/// (`::name[…]`) left for the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Html(String),
    /// A ```` ```check ```` block, rendered (`super::check`).
    Check(String),
    Directive {
        /// 1-based line within the rendered text.
        line: usize,
        source: String,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub blocks: Vec<Block>,
    pub toc: Vec<TocEntry>,
}

/// A problem at a 1-based line of the rendered text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    pub line: usize,
    pub message: String,
}

pub fn render(text: &str) -> Result<Rendered, Vec<RenderError>> {
    let mut walk = Walk {
        text,
        rendered: Rendered::default(),
        pending: Vec::new(),
        ids: HashSet::new(),
        errors: Vec::new(),
        checks: 0,
    };
    let mut events = Parser::new_ext(text, options()).into_offset_iter();
    let mut depth = 0usize;
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let inner = take_until_end(&mut events);
                walk.heading(level, id, inner, |id| Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                });
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("check") =>
            {
                let inner = take_until_end(&mut events);
                walk.check(depth, &inner, &range);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let inner = take_until_end(&mut events);
                walk.code_block(&kind, &inner, &range);
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(claims::SCHEME) => {
                let label = plain_text(&take_until_end(&mut events));
                match claims::marker_html(&dest_url, &label) {
                    Ok(html) => walk.pending.push(Event::InlineHtml(html.into())),
                    Err(message) => walk.error(range.start, message),
                }
            }
            Event::Start(Tag::Paragraph) if text[range.clone()].trim_start().starts_with("::") => {
                take_until_end(&mut events);
                walk.directive(depth, &range);
            }
            event => {
                match &event {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth = depth.saturating_sub(1),
                    _ => {}
                }
                walk.pending.push(event);
            }
        }
    }
    walk.flush();
    if walk.errors.is_empty() {
        Ok(walk.rendered)
    } else {
        Err(walk.errors)
    }
}

struct Walk<'a> {
    text: &'a str,
    rendered: Rendered,
    /// Events not yet turned into HTML: they become one `Block::Html`.
    pending: Vec<Event<'a>>,
    ids: HashSet<String>,
    errors: Vec<RenderError>,
    /// Knowledge checks so far: the next one's number is this plus one.
    checks: usize,
}

impl<'a> Walk<'a> {
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit_id: Option<CowStr<'a>>,
        inner: Vec<Event<'a>>,
        start: impl FnOnce(Option<CowStr<'a>>) -> Tag<'a>,
    ) {
        let title = plain_text(&inner);
        let id = self.unique_id(
            explicit_id
                .map(|id| id.to_string())
                .unwrap_or_else(|| slugify(&title)),
        );
        if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
            self.rendered.toc.push(TocEntry {
                level: level as u8,
                id: id.clone(),
                title,
            });
        }
        let anchor = format!(
            "<a class=\"heading-anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
            escape(&id)
        );
        self.pending.push(Event::Start(start(Some(id.into()))));
        self.pending.extend(inner);
        self.pending.push(Event::InlineHtml(anchor.into()));
        self.pending.push(Event::End(TagEnd::Heading(level)));
    }

    fn code_block(&mut self, kind: &CodeBlockKind<'a>, inner: &[Event<'a>], range: &Range<usize>) {
        match code::code_block_html(self.text, kind, inner, range) {
            Ok(html) => self.pending.push(Event::Html(html.into())),
            Err(error) => self.errors.push(error),
        }
    }

    fn check(&mut self, depth: usize, inner: &[Event<'a>], range: &Range<usize>) {
        if depth > 0 {
            self.error(
                range.start,
                "a check must stand at the top level of the lesson, not inside a list or \
                 quote; move its fence to the start of a line",
            );
            return;
        }
        let source: String = inner
            .iter()
            .filter_map(|event| match event {
                Event::Text(text) => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        self.checks += 1;
        match check::check_html(&source, self.checks) {
            Ok(html) => {
                self.flush();
                self.rendered.blocks.push(Block::Check(html));
            }
            // The check's text starts on the line after its fence.
            Err(error) => self.errors.push(RenderError {
                line: line_of(self.text, range.start) + error.line,
                message: error.message,
            }),
        }
    }

    fn directive(&mut self, depth: usize, range: &Range<usize>) {
        if depth > 0 {
            self.error(
                range.start,
                "a directive must stand at the top level of the lesson, not inside a list, \
                 quote or table; move it to a line of its own with blank lines around it",
            );
            return;
        }
        self.flush();
        self.rendered.blocks.push(Block::Directive {
            line: line_of(self.text, range.start),
            source: self.text[range.clone()].trim().to_string(),
        });
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, self.pending.drain(..));
        self.rendered.blocks.push(Block::Html(html));
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.errors.push(RenderError {
            line: line_of(self.text, offset),
            message: message.into(),
        });
    }
}

/// The events up to the end of the element just started (that end consumed).
fn take_until_end<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> Vec<Event<'a>> {
    let mut inner = Vec::new();
    let mut depth = 0usize;
    for (event, _) in events {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        inner.push(event);
    }
    inner
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
