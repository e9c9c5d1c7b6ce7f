//! Step 5: the course in memory, swapped whole when the folder changes.
//!
//! A reload that finds problems keeps serving the last good course, logs
//! every problem with its file and line, and remembers them until a later
//! reload succeeds. Nothing an author saves can take the site down.

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult, Debouncer};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::course::Course;
use super::error::ContentErrors;

#[derive(Clone, Debug)]
pub struct ContentStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    course: RwLock<Arc<Course>>,
    problems: RwLock<Option<ContentErrors>>,
}

/// Keeps the file watcher alive; dropping it stops live reload.
pub type Watcher = Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>;

impl ContentStore {
    /// Loads the folder; fails if any lesson has a problem.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, ContentErrors> {
        let dir = dir.into();
        let course = Course::load(&dir)?;
        Ok(ContentStore {
            inner: Arc::new(Inner {
                dir,
                course: RwLock::new(Arc::new(course)),
                problems: RwLock::new(None),
            }),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    pub fn course(&self) -> Arc<Course> {
        self.inner
            .course
            .read()
            .expect("course lock poisoned")
            .clone()
    }

    /// The problems of the last reload, if it failed.
    pub fn problems(&self) -> Option<ContentErrors> {
        self.inner
            .problems
            .read()
            .expect("problems lock poisoned")
            .clone()
    }

    /// Reads the folder again. On success the new course replaces the old
    /// one; on failure the old one stays and the problems are kept.
    pub fn reload(&self) -> Result<(), ContentErrors> {
        let result = Course::load(&self.inner.dir);
        let mut problems = self.inner.problems.write().expect("problems lock poisoned");
        match result {
            Ok(course) => {
                *self.inner.course.write().expect("course lock poisoned") = Arc::new(course);
                *problems = None;
                Ok(())
            }
            Err(errors) => {
                *problems = Some(errors.clone());
                Err(errors)
            }
        }
    }

    /// Reloads whenever a file in the folder changes (debounced, so an
    /// editor's burst of writes gives one reload).
    pub fn watch(&self) -> Result<Watcher, notify_debouncer_mini::notify::Error> {
        let store = self.clone();
        let mut debouncer = new_debouncer(
            Duration::from_millis(150),
            move |events: DebounceEventResult| {
                if events.is_err() {
                    return;
                }
                match store.reload() {
                    Ok(()) => tracing::info!(
                        "content reloaded: {} lessons from {}",
                        store.course().lessons().len(),
                        store.dir().display()
                    ),
                    Err(errors) => tracing::error!(
                        "content not reloaded, still serving the last good version.\n{errors}"
                    ),
                }
            },
        )?;
        debouncer
            .watcher()
            .watch(&self.inner.dir, RecursiveMode::NonRecursive)?;
        Ok(debouncer)
    }
}
