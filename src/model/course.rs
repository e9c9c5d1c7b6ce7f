//! The data a page receives about the course: plain, serialisable, and the same
//! in the server and the browser build. Nothing here knows about files.

use serde::{Deserialize, Serialize};

mod demo_name;
pub use demo_name::DemoName;

/// One lesson as the course path lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// How many knowledge checks the lesson has (for the learner's progress).
    pub checks: usize,
    /// How many exercises it has (the same).
    pub exercises: usize,
    /// The time a workshop plans for it, in seconds (`duration` in its
    /// front matter), for the presenter's timer.
    pub duration_secs: Option<u64>,
}

impl LessonSummary {
    pub fn href(&self) -> String {
        format!("/lessons/{}", self.slug)
    }
}

/// A heading of a lesson, for its table of contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// 2 for `##`, 3 for `###`.
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A lesson's body: rendered HTML, interrupted where a live demo stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Html(String),
    /// `::demo[name]`, or `::demo[name]{key=value …}` with its options.
    Demo(DemoName, DemoOptions),
    /// A knowledge check's HTML, answered by the `KnowledgeChecks` island.
    Check(String),
    /// Speaker notes' HTML: shown on the presenter's page, left out of
    /// every learner's.
    Notes(String),
    /// An exercise the server grades: its id, its rules, its HTML (which
    /// the page's exercise script brings to life).
    Exercise {
        id: String,
        rules: Vec<crate::model::exercise::Rule>,
        html: String,
    },
}

/// How a lesson sets a demo up: the options of `::demo[name]{…}`. Only
/// the connection lab takes any; a demo placed without them starts as on
/// its own page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoOptions {
    /// The lane the lab starts on (`lane=http1` or `lane=http2`).
    pub lab_lane: Option<crate::model::wire::Lane>,
    /// How many streams the lab opens at first (`streams=N`, 1 to
    /// [`DemoOptions::MAX_LAB_STREAMS`]).
    pub lab_streams: Option<u8>,
}

impl DemoOptions {
    /// The most streams the lab's count takes.
    pub const MAX_LAB_STREAMS: u8 = 50;

    /// The lane and stream count the lab starts with: the options', or
    /// HTTP/1.1 and 8 (two more than the six a browser opens per host).
    pub fn lab_start(&self) -> (crate::model::wire::Lane, usize) {
        (
            self.lab_lane.unwrap_or(crate::model::wire::Lane::Http1),
            self.lab_streams.map_or(8, usize::from),
        )
    }
}

/// Everything the lesson page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonDetail {
    /// 1-based position on the course path.
    pub number: usize,
    pub lesson: LessonSummary,
    pub toc: Vec<TocEntry>,
    pub segments: Vec<Segment>,
    /// Whether the body has code tabs (the page's code tabs script works them).
    pub code_tabs: bool,
    pub course: Vec<LessonSummary>,
    pub prev: Option<LessonSummary>,
    pub next: Option<LessonSummary>,
    /// The lesson's file name in the content folder (`03-event-stream.md`).
    pub file: String,
    /// When its file last changed (`2026-12-06`), when the server read it
    /// from a folder; the course built into the binary has no such date.
    pub updated: Option<String>,
}

/// Where "Edit this page" leads (`--edit-url`): a template in which
/// `{file}` stands for the lesson's file name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditUrl(String);

impl EditUrl {
    /// A template that names `{file}`, or what it lacks.
    pub fn parse(template: &str) -> Result<EditUrl, String> {
        if template.contains("{file}") {
            Ok(EditUrl(template.to_string()))
        } else {
            Err(
                "the template needs `{file}` where the lesson's file name goes, such as \
                 https://github.com/you/realtime-lab/edit/main/content/{file}"
                    .into(),
            )
        }
    }

    pub fn for_file(&self, file: &str) -> String {
        self.0.replace("{file}", file)
    }
}
