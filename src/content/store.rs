//! Step 5: the course in memory, swapped whole when the folder changes.
//! The course embedded in the binary is loaded once and never changes.
//!
//! A reload that finds problems keeps serving the last good course, logs
//! every problem with its file and line, and remembers them until a later
//! reload succeeds. Nothing an author saves can take the site down: a
//! watcher error is logged and the folder is read again anyway, and even a
//! panic while loading is logged and leaves the watcher running.

use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult, Debouncer};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;
use tokio::sync::watch;

use super::course::Course;
use super::error::{ContentError, ContentErrors};

#[derive(Clone, Debug)]
pub struct ContentStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The content folder, or `None` for the course embedded in the binary.
    dir: Option<PathBuf>,
    course: RwLock<Arc<Course>>,
    problems: RwLock<Option<ContentErrors>>,
    /// Bumped after every reload, good or refused (the live preview follows it).
    reloads: watch::Sender<u64>,
    /// Whether a watcher reloads the folder on every save.
    watched: AtomicBool,
}

/// Keeps the file watcher alive; dropping it stops live reload.
pub type Watcher = Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>;

impl ContentStore {
    /// Loads the folder; fails if any lesson has a problem.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, ContentErrors> {
        let dir = dir.into();
        let course = Course::load(&dir)?;
        Ok(Self::holding(Some(dir), course))
    }

    /// Loads the course embedded in the binary; fails if any lesson has a
    /// problem, or if the binary was built without lessons.
    pub fn embedded() -> Result<Self, ContentErrors> {
        let files = super::embedded::files();
        if files.is_empty() {
            return Err(ContentErrors(vec![ContentError::whole_file(
                Path::new("content"),
                "this binary was built without lessons; pass `--content-dir PATH` or set \
                 REALTIME_LAB_CONTENT to the folder that holds them",
            )]));
        }
        Ok(Self::holding(None, Course::from_files(files)?))
    }

    /// For a starting server, which should answer at once: the folder
    /// (`None`: the embedded course), checked and rendered with its code
    /// left without colours ([`crate::render::highlight::uncoloured`]),
    /// then rendered again with colours on a thread of its own and swapped
    /// in, as a reload is (the page cache follows). Here that took the
    /// first page from about 1.2 s after start to well under 300 ms; the
    /// coloured course follows within a second. Every problem an author can
    /// make is found before the server starts; one only colouring can find
    /// (a grammar failing on a line) is logged and kept as a failed
    /// reload's, while the uncoloured course is served.
    pub fn for_server(dir: Option<PathBuf>) -> Result<Self, ContentErrors> {
        let store = crate::render::highlight::uncoloured(|| match dir {
            Some(dir) => Self::open(dir),
            None => Self::embedded(),
        })?;
        let colouring = store.clone();
        let uncoloured = store.course();
        let spawned = std::thread::Builder::new()
            .name("colour lessons".into())
            .spawn(move || colouring.colour(uncoloured));
        if let Err(e) = spawned {
            tracing::warn!("the lessons' code stays without colours: no thread for it ({e})");
        }
        Ok(store)
    }

    /// Renders the course again with colours and puts it in place of
    /// `uncoloured`, unless a reload has replaced that already (a reload
    /// colours, and reads newer files).
    fn colour(&self, uncoloured: Arc<Course>) {
        let coloured = match self.dir() {
            Some(dir) => Course::load(dir),
            None => Course::from_files(super::embedded::files()),
        };
        let mut course = self
            .inner
            .course
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !Arc::ptr_eq(&course, &uncoloured) {
            return;
        }
        match coloured {
            Ok(coloured) => *course = Arc::new(coloured),
            Err(errors) => {
                drop(course);
                tracing::error!(
                    "the lessons' code is served without colours: colouring found problems.\n{errors}"
                );
                *self
                    .inner
                    .problems
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = Some(errors);
            }
        }
    }

    fn holding(dir: Option<PathBuf>, course: Course) -> Self {
        ContentStore {
            inner: Arc::new(Inner {
                dir,
                course: RwLock::new(Arc::new(course)),
                problems: RwLock::new(None),
                reloads: watch::Sender::new(0),
                watched: AtomicBool::new(false),
            }),
        }
    }

    /// The content folder; `None` when the course is the embedded one.
    pub fn dir(&self) -> Option<&Path> {
        self.inner.dir.as_deref()
    }

    /// Where the lessons come from, for messages: the folder, or the binary.
    pub fn origin(&self) -> String {
        match self.dir() {
            Some(dir) => dir.display().to_string(),
            None => "the course built into this binary".to_string(),
        }
    }

    // The locks below only ever hold a whole value, swapped in one
    // assignment, so a poisoned lock (a panic elsewhere while it was held)
    // still holds a good course: read through it rather than panic again.

    pub fn course(&self) -> Arc<Course> {
        self.inner
            .course
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The problems of the last reload, if it failed.
    pub fn problems(&self) -> Option<ContentErrors> {
        self.inner
            .problems
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes after every reload, good or refused.
    pub fn reloads(&self) -> watch::Receiver<u64> {
        self.inner.reloads.subscribe()
    }

    /// Whether the folder is reloaded on every save ([`ContentStore::watch`]).
    pub fn is_watched(&self) -> bool {
        self.inner.watched.load(Ordering::Relaxed)
    }

    /// Reads the folder again. On success the new course replaces the old
    /// one; on failure the old one stays and the problems are kept. The
    /// embedded course is never read again.
    pub fn reload(&self) -> Result<(), ContentErrors> {
        let Some(dir) = self.dir() else {
            return Ok(());
        };
        let result = Course::load(dir);
        let mut problems = self
            .inner
            .problems
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let outcome = match result {
            Ok(course) => {
                *self
                    .inner
                    .course
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = Arc::new(course);
                *problems = None;
                Ok(())
            }
            Err(errors) => {
                *problems = Some(errors.clone());
                Err(errors)
            }
        };
        drop(problems);
        self.inner.reloads.send_modify(|n| *n = n.wrapping_add(1));
        outcome
    }

    /// Reloads, and logs the outcome as one entry. A panic while loading
    /// (a bug, since content errors are values) is caught and logged too,
    /// so the watcher thread that calls this lives on.
    pub fn reload_and_log(&self) {
        let dir = self.origin();
        match catch_unwind(AssertUnwindSafe(|| self.reload())) {
            Ok(Ok(())) => tracing::info!(
                "content reloaded: {} lessons from {dir}",
                self.course().lessons().len()
            ),
            Ok(Err(errors)) => tracing::error!(
                "content not reloaded, still serving the last good version.\n{errors}"
            ),
            Err(panic) => {
                let reason = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(
                    "content not reloaded: loading {dir} panicked ({reason}); still serving \
                     the last good version, and watching for the next change"
                )
            }
        }
    }

    /// Reloads whenever a file in the folder changes (debounced, so an
    /// editor's burst of writes gives one reload and one log entry). The
    /// embedded course has no folder to watch: that is an error.
    pub fn watch(&self) -> Result<Watcher, notify_debouncer_mini::notify::Error> {
        let Some(dir) = self.dir() else {
            return Err(notify_debouncer_mini::notify::Error::generic(
                "the lessons are the ones built into the binary; pass --content-dir to edit \
                 them live",
            ));
        };
        let store = self.clone();
        let watched = dir.to_path_buf();
        // Reading the lessons is itself a file-system event to the watcher:
        // reload only when a file's size or time changed, so one save gives
        // one reload and one log entry.
        let mut seen = fingerprint(dir);
        let mut debouncer = new_debouncer(
            Duration::from_millis(150),
            move |events: DebounceEventResult| {
                if let Err(error) = events {
                    // Changes may have been missed: read the folder anyway.
                    tracing::warn!(
                        "watching {} reported an error ({error}); reloading to be safe",
                        store.origin()
                    );
                } else {
                    let now = fingerprint(&watched);
                    if now == seen {
                        return;
                    }
                    seen = now;
                }
                store.reload_and_log();
            },
        )?;
        debouncer
            .watcher()
            .watch(dir, RecursiveMode::NonRecursive)?;
        self.inner.watched.store(true, Ordering::Relaxed);
        Ok(debouncer)
    }
}

/// Each file of the folder with its size and modification time.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let metadata = entry.metadata().ok()?;
            Some((entry.path(), metadata.len(), metadata.modified().ok()))
        })
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "+++\ntitle = \"One\"\nsummary = \"S\"\n+++\nBody\n";

    fn store_with_one_lesson() -> (tempfile::TempDir, ContentStore) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("01-one.md"), LESSON).unwrap();
        let store = ContentStore::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn the_embedded_course_loads_and_has_nothing_to_reload_or_watch() {
        let store = ContentStore::embedded().expect("the course in content/ is valid");
        let folder = ContentStore::open(concat!(env!("CARGO_MANIFEST_DIR"), "/content")).unwrap();
        assert_eq!(
            store.course().summaries(),
            folder.course().summaries(),
            "the binary carries the lessons of content/"
        );
        assert_eq!(store.dir(), None);
        assert!(store.reload().is_ok());
        assert!(store.watch().is_err());
    }

    #[test]
    fn a_poisoned_lock_still_serves_the_course_and_reloads() {
        let (dir, store) = store_with_one_lesson();
        let poisoner = store.clone();
        let _ = std::thread::spawn(move || {
            let _held = poisoner.inner.course.write().unwrap();
            let _also = poisoner.inner.problems.write().unwrap();
            panic!("poison both locks");
        })
        .join();
        assert!(store.inner.course.is_poisoned());
        assert_eq!(store.course().lessons().len(), 1);
        std::fs::write(dir.path().join("02-two.md"), LESSON.replace("One", "Two")).unwrap();
        store.reload().unwrap();
        assert_eq!(store.course().lessons().len(), 2);
        assert!(store.problems().is_none());
    }

    #[test]
    fn a_failed_reload_keeps_the_course_and_a_later_one_clears_the_problems() {
        let (dir, store) = store_with_one_lesson();
        let lesson = dir.path().join("01-one.md");
        std::fs::write(&lesson, "+++\ntitle = \"Broken\"\n+++\n").unwrap();
        store.reload_and_log();
        assert_eq!(store.course().summaries()[0].title, "One");
        assert!(store.problems().is_some());
        std::fs::write(&lesson, LESSON.replace("One", "Fixed")).unwrap();
        store.reload_and_log();
        assert_eq!(store.course().summaries()[0].title, "Fixed");
        assert!(store.problems().is_none());
    }
}
