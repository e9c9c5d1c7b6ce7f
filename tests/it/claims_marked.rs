//! Tested claims stay tested: every `test:NAME` marker in a lesson names a
//! test that exists (a Rust `fn NAME` under `tests/`, or a browser test
//! titled `NAME` under `end2end/tests/`), and every claim test, a test whose
//! name starts with `lessonN_`, is marked in lesson N.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// `(file, marker)` for every `](test:NAME)` in the lessons.
fn markers() -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in fs::read_dir("content").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        for piece in text.split("](test:").skip(1) {
            let name: String = piece.chars().take_while(|c| *c != ')').collect();
            found.push((path.display().to_string(), name));
        }
    }
    found
}

/// Names of the claim tests: Rust `fn lessonN_…` and browser `test("lessonN_…"`.
fn claim_tests() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (dir, openers) in [
        ("tests/it", &["fn "][..]),
        ("end2end/tests", &["test(\"", "test('"][..]),
    ] {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            for opener in openers {
                for piece in text.split(opener).skip(1) {
                    let name: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if is_claim_name(&name) {
                        names.insert(name);
                    }
                }
            }
        }
    }
    names
}

fn is_claim_name(name: &str) -> bool {
    name.strip_prefix("lesson")
        .and_then(|rest| rest.split_once('_'))
        .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

#[test]
fn every_marker_names_a_real_test_and_every_claim_test_is_marked() {
    let markers = markers();
    let tests = claim_tests();
    let missing: Vec<_> = markers
        .iter()
        .filter(|(_, name)| !tests.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "these lessons mark claims with tests that do not exist \
         (write the test, or fix the name): {missing:?}"
    );
    let marked: BTreeSet<&String> = markers.iter().map(|(_, name)| name).collect();
    let unmarked: Vec<_> = tests.iter().filter(|name| !marked.contains(name)).collect();
    assert!(
        unmarked.is_empty(),
        "these claim tests are not marked in any lesson: add \
         `[checked by a test](test:NAME)` after the claim they check: {unmarked:?}"
    );
    for (file, name) in &markers {
        let lesson: String = name["lesson".len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let file_name = Path::new(file).file_name().unwrap().to_string_lossy();
        assert!(
            file_name
                .trim_start_matches('0')
                .starts_with(&format!("{lesson}-")),
            "{file} marks {name}, a test of lesson {lesson}"
        );
    }
    assert!(
        markers.len() >= 20,
        "only {} claims are marked",
        markers.len()
    );
}
