//! The walk's blocks that stand alone at the top level of a lesson and
//! become a `Block` of their own: an exercise, a knowledge check, a
//! directive paragraph, speaker notes, an example of the authors' guide.

use pulldown_cmark::{CodeBlockKind, Event};
use std::ops::Range;

use super::{example_kind, Walk};
use crate::render::lines::line_of;
use crate::render::rendered::Block;
use crate::render::{code, exercise, knowledge_check, speaker_notes, RenderError};

impl<'a> Walk<'a> {
    /// Whether a fenced block (`an exercise`, `a check`) stands at the top
    /// level of the lesson; if not, an error at its fence says so.
    fn fence_at_top_level(&mut self, what: &str, depth: usize, range: &Range<usize>) -> bool {
        if depth > 0 {
            self.error(
                range.start,
                format!(
                    "{what} must stand at the top level of the lesson, not inside a list or \
                     quote; move its fence to the start of a line"
                ),
            );
        }
        depth == 0
    }

    pub(super) fn exercise(&mut self, depth: usize, inner: &[Event<'a>], range: &Range<usize>) {
        if !self.fence_at_top_level("an exercise", depth, range) {
            return;
        }
        match exercise::exercise(&code::code_text(inner)) {
            Ok(exercise) => {
                self.flush();
                let line = line_of(self.text, range.start);
                self.rendered
                    .blocks
                    .push(Block::Exercise { line, exercise });
            }
            // The exercise's text starts on the line after its fence.
            Err(error) => self.errors.push(RenderError {
                line: line_of(self.text, range.start) + error.line,
                message: error.message,
            }),
        }
    }

    pub(super) fn check(&mut self, depth: usize, inner: &[Event<'a>], range: &Range<usize>) {
        if !self.fence_at_top_level("a check", depth, range) {
            return;
        }
        let source = code::code_text(inner);
        self.checks += 1;
        match knowledge_check::check_html(&source, self.checks) {
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

    pub(super) fn notes(
        &mut self,
        depth: usize,
        info: &str,
        inner: &[Event<'a>],
        range: &Range<usize>,
    ) {
        if !self.fence_at_top_level("a notes block", depth, range) {
            return;
        }
        match speaker_notes::notes_html(info, &code::code_text(inner)) {
            Ok(html) => {
                self.flush();
                self.rendered.blocks.push(Block::Notes(html));
            }
            Err(message) => self.error(range.start, message),
        }
    }

    pub(super) fn directive(&mut self, depth: usize, range: &Range<usize>) {
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

    pub(super) fn example(
        &mut self,
        depth: usize,
        info: &str,
        inner: &[Event<'a>],
        range: &Range<usize>,
    ) {
        if depth > 0 {
            self.error(
                range.start,
                "an example must stand at the top level, not inside a list or quote; move \
                 its fence to the start of a line",
            );
            return;
        }
        let shown = CodeBlockKind::Fenced("md".into());
        self.code_block(&shown, inner, range);
        self.flush();
        let source = code::code_text(inner);
        self.rendered.blocks.push(Block::Example {
            line: line_of(self.text, range.start),
            source,
            expect_error: example_kind(info) == Some(true),
        });
    }
}
