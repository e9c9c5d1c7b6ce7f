//! One pass over pulldown-cmark's events that turns a lesson body into HTML
//! blocks, a table of contents, and the directives the caller must resolve.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

use super::headings::{plain_text, slugify};
use super::highlight::escape;
use super::lines::line_of;
use super::rendered::{Block, Rendered, SectionText};
use super::tables::TableCells;
use super::tabs::{self, Tab};
use super::{admonition, claims, code, options, speaker_notes, RenderError};
use crate::model::course::TocEntry;

mod blocks;

pub fn render(text: &str) -> Result<Rendered, Vec<RenderError>> {
    render_prefixed(text, "")
}

/// As [`render`], every id it makes (headings, tabs) starting `id_prefix`,
/// so that several texts can share one page.
pub fn render_prefixed(text: &str, id_prefix: &str) -> Result<Rendered, Vec<RenderError>> {
    let mut walk = Walk::new(text, id_prefix);
    let mut events = Parser::new_ext(text, options()).into_offset_iter();
    let mut depth = 0usize;
    while let Some((event, range)) = events.next() {
        // A group of tabs is code blocks one after the other: anything else ends it.
        if !matches!(&event, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.contains("tab="))
        {
            walk.end_tabs();
        }
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
            Event::Start(Tag::CodeBlock(kind)) => {
                let inner = take_until_end(&mut events);
                walk.any_code_block(depth, &kind, &inner, &range);
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(claims::SCHEME) => {
                let label = plain_text(&take_until_end(&mut events));
                walk.claim(&dest_url, &label, &range);
            }
            Event::Start(Tag::Paragraph) if text[range.clone()].trim_start().starts_with("::") => {
                take_until_end(&mut events);
                walk.directive(depth, &range);
            }
            event @ (Event::Start(
                Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell,
            )
            | Event::End(TagEnd::Table)) => {
                match &event {
                    Event::Start(_) => depth += 1,
                    _ => depth = depth.saturating_sub(1),
                }
                walk.table.event(event, &mut walk.pending);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                depth += 1;
                walk.pending
                    .push(Event::Html(admonition::open(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                depth = depth.saturating_sub(1);
                walk.pending.push(Event::Html(admonition::CLOSE.into()));
            }
            event => {
                match &event {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth = depth.saturating_sub(1),
                    _ => {}
                }
                walk.add_words(&event);
                walk.pending.push(event);
            }
        }
    }
    walk.end_tabs();
    walk.flush();
    if walk.errors.is_empty() {
        Ok(walk.rendered)
    } else {
        Err(walk.errors)
    }
}

struct Walk<'a> {
    text: &'a str,
    id_prefix: &'a str,
    rendered: Rendered,
    /// Events not yet turned into HTML: they become one `Block::Html`.
    pending: Vec<Event<'a>>,
    ids: HashSet<String>,
    errors: Vec<RenderError>,
    /// Knowledge checks so far: the next one's number is this plus one.
    checks: usize,
    /// The code tabs of the group being read, with the offset of its first.
    tabs: Vec<(Tab, usize)>,
    /// Groups of tabs so far, to number their ids.
    tab_groups: usize,
    /// The table being read (`tables.rs`).
    table: TableCells,
}

impl<'a> Walk<'a> {
    fn new(text: &'a str, id_prefix: &'a str) -> Self {
        Walk {
            text,
            id_prefix,
            rendered: Rendered::default(),
            pending: Vec::new(),
            table: TableCells::default(),
            ids: HashSet::new(),
            errors: Vec::new(),
            checks: 0,
            tabs: Vec::new(),
            tab_groups: 0,
        }
    }

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
        if level == HeadingLevel::H2 {
            self.rendered.sections.push(SectionText {
                heading: Some((id.clone(), title.clone())),
                text: String::new(),
            });
        } else {
            for event in &inner {
                self.add_words(event);
            }
            self.add_words(&Event::End(TagEnd::Heading(level)));
        }
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

    /// A fenced or indented block: a knowledge check, an example of the
    /// authors' guide, or code to highlight.
    fn any_code_block(
        &mut self,
        depth: usize,
        kind: &CodeBlockKind<'a>,
        inner: &[Event<'a>],
        range: &Range<usize>,
    ) {
        match kind {
            CodeBlockKind::Fenced(info) if info.split_whitespace().next() == Some("check") => {
                self.check(depth, inner, range)
            }
            CodeBlockKind::Fenced(info) if info.split_whitespace().next() == Some("exercise") => {
                self.exercise(depth, inner, range)
            }
            CodeBlockKind::Fenced(info) if speaker_notes::is_notes(info) => {
                self.notes(depth, info, inner, range)
            }
            CodeBlockKind::Fenced(info) if example_kind(info).is_some() => {
                self.example(depth, info, inner, range)
            }
            _ => self.code_block(kind, inner, range),
        }
    }

    /// `[checked by a test](test:NAME)`: the claim's note, or an error at
    /// its line.
    fn claim(&mut self, url: &str, label: &str, range: &Range<usize>) {
        match claims::marker_html(url, label) {
            Ok(html) => self.pending.push(Event::InlineHtml(html.into())),
            Err(message) => self.error(range.start, message),
        }
    }

    fn code_block(&mut self, kind: &CodeBlockKind<'a>, inner: &[Event<'a>], range: &Range<usize>) {
        let label = match kind {
            CodeBlockKind::Fenced(info) => tabs::label(info),
            CodeBlockKind::Indented => Ok(None),
        };
        let html = match code::code_block_html(self.text, kind, inner, range) {
            Ok(html) => html,
            Err(error) => return self.errors.push(error),
        };
        match label {
            Ok(Some(label)) => {
                if self.tabs.iter().any(|(tab, _)| tab.label == label) {
                    self.error(
                        range.start,
                        format!(
                            "this group of code tabs already has a tab `{label}`; give each \
                             tab of a group its own label"
                        ),
                    );
                }
                self.tabs.push((Tab { label, html }, range.start));
            }
            Ok(None) => self.pending.push(Event::Html(html.into())),
            Err(message) => self.error(range.start, message),
        }
    }

    /// Adds the words of `event`, if any, to the section being read.
    fn add_words(&mut self, event: &Event<'_>) {
        let sections = &mut self.rendered.sections;
        if sections.is_empty() {
            sections.push(SectionText::default());
        }
        let text = &mut sections.last_mut().expect("one section at least").text;
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(words),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) if !text.ends_with(' ') => text.push(' '),
            _ => {}
        }
    }

    /// Closes the group of code tabs being read, if any.
    fn end_tabs(&mut self) {
        let group: Vec<(Tab, usize)> = std::mem::take(&mut self.tabs);
        match group.as_slice() {
            [] => {}
            [(tab, start)] => self.error(
                *start,
                format!(
                    "the code tab `{}` stands alone: a group of tabs is two or more code blocks \
                     with `tab=\"…\"`, one right after the other; add the other tabs after it, \
                     or remove `tab=` to show a plain code block",
                    tab.label
                ),
            ),
            _ => {
                self.tab_groups += 1;
                let tabs: Vec<Tab> = group.into_iter().map(|(tab, _)| tab).collect();
                let group = format!("{}{}", self.id_prefix, self.tab_groups);
                let html = tabs::group_html(&tabs, &group);
                self.pending.push(Event::Html(html.into()));
                self.rendered.code_tabs = true;
            }
        }
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
        let base = format!("{}{base}", self.id_prefix);
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

/// `Some(false)` for ```` ```md example ````, `Some(true)` for ```` ```md error ````.
fn example_kind(info: &str) -> Option<bool> {
    let mut words = info.split_whitespace();
    match (words.next(), words.next()) {
        (Some("md" | "markdown"), Some("example")) => Some(false),
        (Some("md" | "markdown"), Some("error")) => Some(true),
        _ => None,
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
