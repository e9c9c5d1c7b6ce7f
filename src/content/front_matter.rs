//! Step 1 of loading a lesson: split the TOML front matter from the Markdown body.
//!
//! ```text
//! +++
//! title = "The big picture"
//! summary = "Both push data to the browser; one is a radio, one is a phone call."
//! order = 1            # optional: defaults to the file name's number (01-…)
//! slug = "big-picture" # optional: defaults to the file name without the number
//! duration = "20min"   # optional: the time a workshop gives it (presenter's timer)
//! +++
//! Markdown starts here.
//! ```

use serde::Deserialize;
use std::path::Path;

use super::error::ContentError;
use crate::render::lines::line_of;

const FENCE: &str = "+++";

/// The keys a lesson's front matter may have. Unknown keys are rejected, so
/// a typo (`titel`) is reported with the list of valid keys instead of being
/// silently ignored.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub summary: String,
    pub order: Option<u32>,
    pub slug: Option<String>,
    pub duration: Option<LessonDuration>,
}

/// The time a workshop plans for a lesson (`duration = "20min"`, `"1h 30min"`),
/// in whole seconds, as `humantime` reads it; the presenter's page counts it down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonDuration(pub u64);

impl LessonDuration {
    const MOST: u64 = 24 * 60 * 60;
}

impl<'de> Deserialize<'de> for LessonDuration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let seconds = humantime::parse_duration(text.trim())
            .map_err(|error| {
                serde::de::Error::custom(format!(
                    "`duration = \"{text}\"` is not a duration ({error}); write one such as \
                     \"20min\" or \"1h 30min\""
                ))
            })?
            .as_secs();
        if !(60..=Self::MOST).contains(&seconds) {
            return Err(serde::de::Error::custom(format!(
                "`duration = \"{text}\"` is out of range: a lesson takes from 1min to 24h"
            )));
        }
        Ok(LessonDuration(seconds))
    }
}

/// A lesson file cut in two.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: FrontMatter,
    pub body: &'a str,
    /// The file line on which `body` starts, so body offsets map to file lines.
    pub body_first_line: usize,
}

pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(after_open) = strip_fence_line(text) else {
        return Err(missing_front_matter(file, text));
    };
    let open_len = text.len() - after_open.len();
    let Some((toml_len, body_offset)) = find_closing_fence(after_open) else {
        return Err(ContentError::at(
            file,
            1,
            "the front matter opened with `+++` is never closed; \
             add a line with only `+++` after the last key",
        ));
    };
    let toml_text = &after_open[..toml_len];
    let front_matter: FrontMatter = toml::from_str(toml_text).map_err(|error| {
        let line = error
            .span()
            .map(|span| line_of(toml_text, span.start) + 1)
            .unwrap_or(1);
        ContentError::at(file, line, front_matter_message(&error))
    })?;
    check_fields(file, &front_matter)?;
    let body_start = open_len + body_offset;
    Ok(Split {
        front_matter,
        body: &text[body_start..],
        body_first_line: line_of(text, body_start),
    })
}

/// `text` after its first line, if that line is exactly `+++`.
fn strip_fence_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(FENCE)?;
    let rest = rest.strip_prefix('\r').unwrap_or(rest);
    rest.strip_prefix('\n')
}

/// Length of the TOML before the closing `+++` line, and the offset after it.
fn find_closing_fence(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == FENCE {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

fn missing_front_matter(file: &Path, text: &str) -> ContentError {
    let first_line = text.lines().next().unwrap_or("").trim();
    let message = if first_line == "---" {
        "front matter must be TOML between `+++` lines, not YAML between `---` lines; \
         replace both `---` lines with `+++` and write the keys as `title = \"…\"`"
            .to_string()
    } else {
        format!(
            "a lesson must start with front matter; did you forget to add `+++`? \
             Start the file with:\n    +++\n    title = \"…\"\n    summary = \"…\"\n    +++\n{}",
            "  (see README.md, \"Adding a lesson\")"
        )
    };
    ContentError::at(file, 1, message)
}

/// toml's own message (which for an unknown key already lists the valid
/// ones), without the source excerpt it appends.
fn front_matter_message(error: &toml::de::Error) -> String {
    format!("invalid front matter: {}", error.message().trim_end())
}

fn check_fields(file: &Path, fm: &FrontMatter) -> Result<(), ContentError> {
    if fm.title.trim().is_empty() {
        return Err(ContentError::at(
            file,
            2,
            "`title` is empty; give the lesson a title",
        ));
    }
    if fm.summary.trim().is_empty() {
        return Err(ContentError::at(
            file,
            2,
            "`summary` is empty; write one sentence for the course path",
        ));
    }
    if let Some(slug) = &fm.slug {
        if !is_valid_slug(slug) {
            return Err(ContentError::at(
                file,
                2,
                format!(
                    "slug `{slug}` is not valid: use lowercase letters, digits and single \
                     hyphens, such as `event-stream`"
                ),
            ));
        }
    }
    Ok(())
}

pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> &'static Path {
        Path::new("content/01-test.md")
    }

    #[test]
    fn a_duration_is_read_as_people_write_it_and_refused_at_its_line() {
        let read = |value: &str| {
            let text =
                format!("+++\ntitle = \"T\"\nsummary = \"S\"\nduration = \"{value}\"\n+++\nBody\n");
            split(file(), &text).map(|s| s.front_matter.duration)
        };
        assert_eq!(read("20min").unwrap(), Some(LessonDuration(1200)));
        assert_eq!(read("1h 30min").unwrap(), Some(LessonDuration(5400)));
        let error = read("twenty").unwrap_err();
        assert_eq!(error.line, Some(4), "{error}");
        assert!(error.message.contains("\"20min\""), "{error}");
        let error = read("10s").unwrap_err();
        assert!(error.message.contains("out of range"), "{error}");
    }

    #[test]
    fn splits_front_matter_from_body() {
        let text = "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\n# Body\n";
        let split = split(file(), text).unwrap();
        assert_eq!(split.front_matter.title, "T");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(split.body_first_line, 5);
    }

    #[test]
    fn accepts_windows_line_endings_and_a_byte_order_mark() {
        let text = "\u{feff}+++\r\ntitle = \"T\"\r\nsummary = \"S\"\r\n+++\r\nBody\r\n";
        let split = split(file(), text).unwrap();
        assert_eq!(split.body, "Body\r\n");
    }

    #[test]
    fn rejects_unknown_key_with_the_valid_ones() {
        let text = "+++\ntitle = \"T\"\nsummary = \"S\"\ntitel = \"x\"\n+++\n";
        let error = split(file(), text).unwrap_err();
        assert_eq!(error.line, Some(4));
        assert!(error.message.contains("unknown field `titel`"), "{error}");
        assert!(
            error
                .message
                .contains("`title`, `summary`, `order`, `slug`"),
            "{error}"
        );
    }

    #[test]
    fn explains_yaml_front_matter() {
        let error = split(file(), "---\ntitle: T\n---\n").unwrap_err();
        assert!(
            error.message.contains("not YAML between `---` lines"),
            "{error}"
        );
    }

    #[test]
    fn rejects_a_missing_front_matter() {
        let error = split(file(), "# Just Markdown\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        assert!(error.message.contains("did you forget to add `+++`?"));
    }

    #[test]
    fn rejects_an_unclosed_front_matter() {
        let error = split(file(), "+++\ntitle = \"T\"\n# Body\n").unwrap_err();
        assert!(error.message.contains("never closed"));
    }

    #[test]
    fn rejects_a_missing_summary() {
        let error = split(file(), "+++\ntitle = \"T\"\n+++\n").unwrap_err();
        assert!(error.message.contains("missing field `summary`"), "{error}");
    }

    #[test]
    fn rejects_a_bad_slug() {
        let error = split(
            file(),
            "+++\ntitle = \"T\"\nsummary = \"S\"\nslug = \"Big Picture\"\n+++\n",
        )
        .unwrap_err();
        assert!(error.message.contains("slug `Big Picture` is not valid"));
    }
}
