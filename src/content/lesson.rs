//! One lesson file → one [`Lesson`]: front matter, rendering, directives.

use std::path::{Path, PathBuf};

use super::directive::{self, Directive};
use super::error::ContentError;
use super::{front_matter, sources};
use crate::model::course::{LessonSummary, Segment, TocEntry};
use crate::render::source::{quoted_source_html, Quote};
use crate::render::{self, Block, SectionText};

/// A loaded, rendered lesson. Its HTML is rendered once, here, and served
/// from memory until the file changes.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub file: PathBuf,
    pub order: u32,
    pub summary: LessonSummary,
    pub toc: Vec<TocEntry>,
    pub segments: Vec<Segment>,
    /// Whether it has code tabs (`ui/components/code_tabs.rs` works them).
    pub code_tabs: bool,
    /// Its prose by section, for learners' search (`super::search`).
    pub sections: Vec<SectionText>,
    /// Its Markdown as written, after the front matter: what
    /// `/lessons/{slug}.md` serves (`server/markdown.rs`).
    pub markdown: std::sync::Arc<str>,
    /// When its file last changed, for a lesson read from a folder.
    pub updated: Option<std::time::SystemTime>,
    /// Its exercises' ids, each with the line of its fence.
    pub exercises: Vec<(String, usize)>,
}

pub fn load(file: &Path, text: &str) -> Result<Lesson, Vec<ContentError>> {
    load_prefixed(file, text, "")
}

/// As [`load`], every id of the page it makes (headings, tabs) starting
/// `id_prefix`: the authors' guide shows lessons inside its own page.
pub fn load_prefixed(
    file: &Path,
    text: &str,
    id_prefix: &str,
) -> Result<Lesson, Vec<ContentError>> {
    let split = front_matter::split(file, text).map_err(|e| vec![e])?;
    let fm = split.front_matter.clone();
    let (file_order, file_slug) = name_parts(file);
    let order = fm.order.or(file_order).ok_or_else(|| {
        vec![ContentError::at(
            file,
            1,
            "no position on the course path: start the file name with a number \
             (`08-proxies.md`) or add `order = 8` to the front matter",
        )]
    })?;
    let slug = fm.slug.unwrap_or(file_slug);
    if !front_matter::is_valid_slug(&slug) {
        return Err(vec![ContentError::whole_file(
            file,
            format!(
                "the file name gives the slug `{slug}`, which is not valid: rename the file to \
                 lowercase letters, digits and hyphens, or set `slug = \"…\"` in the front matter"
            ),
        )]);
    }
    let body = load_body(file, &split, id_prefix, &mut |_, _| {
        Err(
            "a ```md example block is a checked example of the authors' guide; in a lesson, \
             show Markdown in a plain ```md block"
                .to_string(),
        )
    })?;
    let checks = body
        .segments
        .iter()
        .filter(|s| matches!(s, Segment::Check(_)))
        .count();
    Ok(Lesson {
        file: file.to_path_buf(),
        order,
        summary: LessonSummary {
            slug,
            title: fm.title,
            summary: fm.summary,
            checks,
            exercises: body.exercises.len(),
            duration_secs: fm.duration.map(|d| d.0),
        },
        toc: body.toc,
        segments: body.segments,
        code_tabs: body.code_tabs,
        sections: body.sections,
        markdown: split.body.into(),
        updated: None,
        exercises: body.exercises,
    })
}

/// A page's body, rendered, its directives resolved.
pub struct Body {
    pub toc: Vec<TocEntry>,
    pub segments: Vec<Segment>,
    pub code_tabs: bool,
    pub sections: Vec<SectionText>,
    /// Each exercise's id and the line of its fence in the file.
    pub exercises: Vec<(String, usize)>,
}

/// Renders the body of `split` (from `file`) and resolves its directives;
/// `example` turns a ```` ```md example ```` block (its source, and whether
/// it must fail) into a segment, or says why it cannot stand there.
pub fn load_body(
    file: &Path,
    split: &front_matter::Split<'_>,
    id_prefix: &str,
    example: &mut dyn FnMut(&str, bool) -> Result<Segment, String>,
) -> Result<Body, Vec<ContentError>> {
    let to_file_line = |line: usize| line + split.body_first_line - 1;
    let rendered = render::render_prefixed(split.body, id_prefix).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| ContentError::at(file, to_file_line(e.line), e.message))
            .collect::<Vec<_>>()
    })?;
    let mut errors = Vec::new();
    let mut exercises = Vec::new();
    let mut resolved = |line: usize, segment: Result<Segment, String>| match segment {
        Ok(segment) => Some(segment),
        Err(message) => {
            errors.push(ContentError::at(file, to_file_line(line), message));
            None
        }
    };
    let segments: Vec<Segment> = rendered
        .blocks
        .into_iter()
        .filter_map(|block| match block {
            Block::Html(html) => Some(Segment::Html(html)),
            Block::Check(html) => Some(Segment::Check(html)),
            Block::Notes(html) => Some(Segment::Notes(html)),
            Block::Exercise { line, exercise } => {
                exercises.push((exercise.id.clone(), to_file_line(line)));
                Some(Segment::Exercise {
                    id: exercise.id,
                    rules: exercise.rules,
                    html: exercise.html,
                })
            }
            Block::Directive { line, source } => resolved(line, resolve(&source)),
            Block::Example {
                line,
                source,
                expect_error,
            } => resolved(line, example(&source, expect_error)),
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Body {
        toc: rendered.toc,
        segments,
        code_tabs: rendered.code_tabs,
        sections: rendered.sections,
        exercises,
    })
}

impl Lesson {
    /// Whether its page has an island: a live demo or a knowledge check.
    pub fn has_islands(&self) -> bool {
        self.segments.iter().any(|s| match s {
            Segment::Demo(demo, _) => demo.has_island(),
            Segment::Check(_) => true,
            _ => false,
        })
    }
}

fn resolve(source: &str) -> Result<Segment, String> {
    match directive::parse(source)? {
        Directive::Demo(demo, options) => Ok(Segment::Demo(demo, options)),
        Directive::Source { path, item } => {
            let excerpt = sources::excerpt(&path, item.as_deref())?;
            let html = quoted_source_html(&Quote {
                code: &excerpt.code,
                first_line: excerpt.first_line,
                path: &path,
                item: item.as_deref(),
            })?;
            Ok(Segment::Html(html))
        }
    }
}

/// `03-event-stream.md` → `(Some(3), "event-stream")`; `intro.md` → `(None, "intro")`.
fn name_parts(file: &Path) -> (Option<u32>, String) {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let digits = stem.chars().take_while(char::is_ascii_digit).count();
    match stem[digits..].strip_prefix('-') {
        Some(rest) if digits > 0 => (stem[..digits].parse().ok(), rest.to_string()),
        _ => (None, stem.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::course::DemoName;

    #[test]
    fn takes_order_and_slug_from_the_file_name() {
        let lesson = load(
            Path::new("c/03-event-stream.md"),
            "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\nHi\n",
        )
        .unwrap();
        assert_eq!(lesson.order, 3);
        assert_eq!(lesson.summary.slug, "event-stream");
    }

    #[test]
    fn front_matter_overrides_the_file_name() {
        let text = "+++\ntitle = \"T\"\nsummary = \"S\"\norder = 9\nslug = \"other\"\n+++\n";
        let lesson = load(Path::new("c/03-event-stream.md"), text).unwrap();
        assert_eq!((lesson.order, lesson.summary.slug.as_str()), (9, "other"));
    }

    #[test]
    fn places_a_demo_between_html_segments() {
        let text = "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\nA\n\n::demo[counter]\n\nB\n";
        let lesson = load(Path::new("c/01-a.md"), text).unwrap();
        assert_eq!(lesson.segments.len(), 3);
        assert_eq!(
            lesson.segments[1],
            Segment::Demo(DemoName::Counter, Default::default())
        );
    }

    #[test]
    fn reports_every_bad_directive_at_its_file_line() {
        let text =
            "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\nA\n\n::demo[nope]\n\n::demo[also-nope]\n";
        let errors = load(Path::new("c/01-a.md"), text).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(7), Some(9)]);
        assert_eq!(
            errors[0].to_string(),
            "c/01-a.md:7: unknown demo `nope`; expected one of `sse-clock`, `ws-echo`, `ws-resume`, `answer-stream`, `handshake-inspector`, `connection-lab`, `buffered-clock`, `misbehaving-proxy`, `leaky-server`, `reconnect-crowd`, `rolling-deploy`, `which-fits`, `webtransport`, `head-of-line`, `counter`"
        );
    }

    #[test]
    fn quotes_the_servers_code_captioned_with_its_lines() {
        let text =
            "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\n::source[src/realtime/echo.rs:close_for]\n";
        let lesson = load(Path::new("c/01-a.md"), text).unwrap();
        let Segment::Html(html) = &lesson.segments[0] else {
            panic!("a quote is HTML: {:?}", lesson.segments);
        };
        let first = sources::excerpt("src/realtime/echo.rs", Some("close_for"))
            .unwrap()
            .first_line;
        assert!(
            html.contains(&format!("<code>fn close_for</code>, lines {first}–")),
            "{html}"
        );
        assert!(
            html.contains("<pre class=\"code\" tabindex=\"0\""),
            "{html}"
        );
    }

    #[test]
    fn requires_a_position_on_the_path() {
        let errors = load(
            Path::new("c/intro.md"),
            "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\n",
        )
        .unwrap_err();
        assert!(errors[0]
            .message
            .starts_with("no position on the course path"));
    }
}
