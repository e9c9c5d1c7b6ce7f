//! Step 4: every lesson of the course, checked as a whole (two lessons
//! cannot share a slug or a place on the path). The files come from the
//! content folder or from the binary ([`super::embedded`]); both go
//! through [`Course::from_files`].

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::error::{ContentError, ContentErrors};
use super::lesson::{self, Lesson};
use super::search::{Hit, SearchIndex};
use crate::model::course::{LessonDetail, LessonSummary, Segment};
use crate::render::lines::line_of;

/// The course: its lessons in path order.
#[derive(Clone, Debug, Default)]
pub struct Course {
    lessons: Vec<Lesson>,
    /// Built at the first search; `None` if tantivy could not build it.
    search: Arc<OnceLock<Option<SearchIndex>>>,
}

impl Course {
    /// Reads and renders every `*.md` file in `dir`. All problems are
    /// collected, so one run shows an author everything to fix.
    pub fn load(dir: &Path) -> Result<Course, ContentErrors> {
        let files = lesson_files(dir).map_err(|e| ContentErrors(vec![e]))?;
        let mut read = Vec::new();
        let mut errors = Vec::new();
        for file in files {
            match fs::read(&file) {
                Ok(bytes) => read.push((file, bytes)),
                Err(e) => errors.push(ContentError::whole_file(&file, format!("cannot read: {e}"))),
            }
        }
        match Course::from_files(read) {
            Ok(mut course) if errors.is_empty() => {
                for lesson in &mut course.lessons {
                    lesson.updated = fs::metadata(&lesson.file).and_then(|m| m.modified()).ok();
                }
                Ok(course)
            }
            Ok(_) => Err(ContentErrors(errors)),
            Err(ContentErrors(more)) => Err(ContentErrors([errors, more].concat())),
        }
    }

    /// Renders lessons already read: each file's name (which messages
    /// give) and its bytes, from a folder or from the binary. All problems
    /// are collected.
    pub fn from_files<B: AsRef<[u8]>>(files: Vec<(PathBuf, B)>) -> Result<Course, ContentErrors> {
        let mut errors = Vec::new();
        let mut lessons = Vec::new();
        for (file, bytes) in files {
            match read_lesson(&file, bytes.as_ref()) {
                Ok(lesson) => lessons.push(lesson),
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        errors.extend(clashes(&lessons));
        if !errors.is_empty() {
            return Err(ContentErrors(errors));
        }
        lessons.sort_by_key(|lesson| lesson.order);
        Ok(Course {
            lessons,
            search: Arc::default(),
        })
    }

    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }

    /// The rules of exercise `id`, if a lesson has it.
    pub fn exercise_rules(&self, id: &str) -> Option<Vec<crate::model::exercise::Rule>> {
        self.lessons
            .iter()
            .flat_map(|lesson| &lesson.segments)
            .find_map(|segment| match segment {
                Segment::Exercise {
                    id: found, rules, ..
                } if found == id => Some(rules.clone()),
                _ => None,
            })
    }

    /// The lessons' sections that match `query`, best first.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let index = self.search.get_or_init(|| {
            SearchIndex::build(&self.lessons)
                .map_err(|error| {
                    tracing::error!("the lessons could not be indexed for search: {error}")
                })
                .ok()
        });
        index
            .as_ref()
            .map(|index| index.search(query))
            .unwrap_or_default()
    }

    pub fn summaries(&self) -> Vec<LessonSummary> {
        self.lessons.iter().map(|l| l.summary.clone()).collect()
    }

    pub fn page(&self, slug: &str) -> Option<LessonDetail> {
        let index = self.lessons.iter().position(|l| l.summary.slug == slug)?;
        let lesson = &self.lessons[index];
        let summary_at = |i: Option<usize>| {
            i.and_then(|i| self.lessons.get(i))
                .map(|l| l.summary.clone())
        };
        Some(LessonDetail {
            number: index + 1,
            lesson: lesson.summary.clone(),
            toc: lesson.toc.clone(),
            segments: lesson.segments.clone(),
            code_tabs: lesson.code_tabs,
            course: self.summaries(),
            prev: summary_at(index.checked_sub(1)),
            next: summary_at(Some(index + 1)),
            file: lesson
                .file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            // The date of an RFC 3339 time: `2026-12-06`.
            updated: lesson
                .updated
                .map(|time| humantime::format_rfc3339_seconds(time).to_string()[..10].to_string()),
        })
    }
}

fn lesson_files(dir: &Path) -> Result<Vec<PathBuf>, ContentError> {
    let entries = fs::read_dir(dir).map_err(|e| {
        ContentError::whole_file(
            dir,
            format!(
                "cannot read the content folder ({e}); pass `--content-dir PATH` or set \
                 REALTIME_LAB_CONTENT to the folder that holds the lessons"
            ),
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    if files.is_empty() {
        return Err(ContentError::whole_file(
            dir,
            "the content folder has no lessons; add a Markdown file such as `01-intro.md`",
        ));
    }
    files.sort();
    Ok(files)
}

fn read_lesson(file: &Path, bytes: &[u8]) -> Result<Lesson, Vec<ContentError>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = line_of(bytes, e.valid_up_to());
        vec![ContentError::at(
            file,
            line,
            "the file is not valid UTF-8; save it with UTF-8 encoding",
        )]
    })?;
    lesson::load(file, text)
}

/// A slug or an order used by two files: the second file is named, with the first.
fn clashes(lessons: &[Lesson]) -> Vec<ContentError> {
    let mut errors = Vec::new();
    let mut exercises: HashMap<&str, (&Path, usize)> = HashMap::new();
    for lesson in lessons {
        for (id, line) in &lesson.exercises {
            if let Some((file, first)) = exercises.insert(id, (&lesson.file, *line)) {
                errors.push(ContentError::at(
                    &lesson.file,
                    *line,
                    format!(
                        "the exercise id `{id}` is already used at {}:{first}; give each \
                         exercise its own id (learners' progress and tokens are kept by it)",
                        file.display()
                    ),
                ));
            }
        }
    }
    let mut slugs: HashMap<&str, &Path> = HashMap::new();
    let mut orders: HashMap<u32, &Path> = HashMap::new();
    for lesson in lessons {
        if let Some(first) = slugs.insert(&lesson.summary.slug, &lesson.file) {
            errors.push(ContentError::whole_file(
                &lesson.file,
                format!(
                    "slug `{}` is already used by {}; rename one file or set `slug` in its front matter",
                    lesson.summary.slug,
                    first.display()
                ),
            ));
        }
        if let Some(first) = orders.insert(lesson.order, &lesson.file) {
            errors.push(ContentError::whole_file(
                &lesson.file,
                format!(
                    "order {} is already used by {}; give each lesson its own number",
                    lesson.order,
                    first.display()
                ),
            ));
        }
    }
    errors
}
