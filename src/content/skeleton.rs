//! `realtime-lab new "Title"`: a lesson file to start from, placed at the
//! end of the course, that passes `realtime-lab check` as it is.

use std::path::{Path, PathBuf};

use super::course::Course;

/// Writes `NN-slug.md` into `dir` (NN one past the last lesson) and returns
/// its path; refuses to overwrite a file.
pub fn write_new_lesson(dir: &Path, title: &str) -> Result<PathBuf, String> {
    let title = title.trim();
    if title.is_empty() || title.chars().any(char::is_control) {
        return Err("give the lesson a title on one line, such as \
                    `realtime-lab new \"Long polling\"`"
            .into());
    }
    let slug = slug_of(title).ok_or_else(|| {
        format!(
            "the title `{title}` has no letters or digits to make a file name from; \
             choose a title with some"
        )
    })?;
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a folder of lessons; name one with --content-dir",
            dir.display()
        ));
    }
    let order = last_order(dir) + 1;
    let path = dir.join(format!("{order:02}-{slug}.md"));
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another title",
            path.display()
        ));
    }
    std::fs::write(&path, skeleton(title))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// `Long polling, in 2026!` → `long-polling-in-2026`.
fn slug_of(title: &str) -> Option<String> {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    (!slug.is_empty()).then_some(slug)
}

/// The highest position on the course path: from the lessons when the
/// folder loads, else from the numbers its file names start with.
fn last_order(dir: &Path) -> u32 {
    if let Ok(course) = Course::load(dir) {
        return course.lessons().iter().map(|l| l.order).max().unwrap_or(0);
    }
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            name.ends_with(".md").then(|| digits.parse().ok()).flatten()
        })
        .max()
        .unwrap_or(0)
}

fn skeleton(title: &str) -> String {
    let quoted = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"+++
title = "{quoted}"
summary = "One sentence on what a learner takes away from this lesson."
+++

## What this lesson answers

Write the lesson here, in your own words. A live demo goes in a paragraph of its own, such
as `::demo[sse-clock]` on its own line; knowledge checks go in a `check` fence. The README's
"Adding a lesson" lists all a lesson can hold. Preview it with
`realtime-lab --content-dir content` (the server reads it again when you save; reload the
page) and check it with `realtime-lab check`.

## Sources

- [The HTML standard, server-sent events](https://html.spec.whatwg.org/multipage/server-sent-events.html):
  replace with what this lesson cites.
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(
            slug_of("Long polling, in 2026!").as_deref(),
            Some("long-polling-in-2026")
        );
        assert_eq!(
            slug_of("  Ünïcode façade ").as_deref(),
            Some("n-code-fa-ade")
        );
        assert_eq!(slug_of("!!!"), None);
    }
}
