//! Errors for authors: which file, which line, what was wrong, what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one lesson file. `Display` prints `file:line: message`,
/// the form editors and terminals turn into a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentError {
    pub file: PathBuf,
    /// 1-based; `None` when the problem is the file as a whole.
    pub line: Option<usize>,
    pub message: String,
}

impl ContentError {
    pub fn at(file: &Path, line: usize, message: impl Into<String>) -> Self {
        ContentError {
            file: file.to_path_buf(),
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        ContentError {
            file: file.to_path_buf(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ContentError {}

/// Every problem found in one load of the content folder, so an author
/// sees all of them at once rather than one per restart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "{count} problem{} in the lessons:",
            if count == 1 { "" } else { "s" }
        )?;
        for error in &self.0 {
            writeln!(f, "  {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ContentErrors {}

/// `realtime-lab check --format json`: one object, for editors and scripts.
/// `{"ok": true, "lessons": 8, "problems": []}`, or `ok` false and each
/// problem as `{"file": "content/03-x.md", "line": 7, "message": "…"}`
/// (`line` is null when the problem is the whole file).
#[derive(Debug, serde::Serialize)]
pub struct CheckReport {
    pub ok: bool,
    /// How many lessons loaded; 0 when any has a problem (nothing is served then).
    pub lessons: usize,
    pub problems: Vec<Problem>,
}

#[derive(Debug, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl CheckReport {
    pub fn fine(lessons: usize) -> Self {
        CheckReport {
            ok: true,
            lessons,
            problems: Vec::new(),
        }
    }

    pub fn problems(errors: &ContentErrors) -> Self {
        let problems = errors
            .0
            .iter()
            .map(|e| Problem {
                file: e.file.display().to_string(),
                line: e.line,
                message: e.message.clone(),
            })
            .collect();
        CheckReport {
            ok: false,
            lessons: 0,
            problems,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serialises")
    }
}
