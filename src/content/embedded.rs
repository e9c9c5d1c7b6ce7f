//! The course compiled into the binary: `content/*.md` as they were when
//! the server was built, the lessons served when no `--content-dir` is
//! given. They go through the same loader as a folder's files
//! (`Course::from_files`), named as in the repository (`content/01-….md`),
//! so a problem is reported with the file and line an author would open.
//! `build.rs` has cargo rebuild the binary when a lesson changes.

use std::borrow::Cow;
use std::path::PathBuf;

use rust_embed::RustEmbed;

/// The folder embedded, and the name its files are given in messages.
const FOLDER: &str = "content";

#[derive(RustEmbed)]
#[folder = "content/"]
#[allow_missing = true]
struct Lessons;

/// Every embedded `*.md` file, named `content/…`, with its bytes.
pub fn files() -> Vec<(PathBuf, Cow<'static, [u8]>)> {
    let mut names: Vec<_> = Lessons::iter()
        .filter(|name| name.ends_with(".md") && !name.contains('/'))
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let file = Lessons::get(&name)?;
            Some((PathBuf::from(FOLDER).join(&*name), file.data))
        })
        .collect()
}

/// The authors' guide (`content/guide/authors.md`), served at `/guide`
/// whatever `--content-dir` says: it is about this binary.
pub fn guide() -> Option<Cow<'static, [u8]>> {
    Lessons::get("guide/authors.md").map(|file| file.data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_course_is_the_content_folder() {
        let embedded: Vec<PathBuf> = files().into_iter().map(|(name, _)| name).collect();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FOLDER);
        let mut on_disk: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| PathBuf::from(FOLDER).join(entry.unwrap().file_name()))
            .filter(|name| name.extension().is_some_and(|ext| ext == "md"))
            .collect();
        on_disk.sort();
        assert_eq!(embedded, on_disk);
    }
}
