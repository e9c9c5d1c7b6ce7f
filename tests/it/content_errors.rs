//! Each folder in tests/fixtures/invalid holds one kind of bad content and an
//! `expected.txt` with the exact text an author must see.

use std::fs;
use std::path::Path;

use realtime_lab::content::course::Course;

#[test]
fn every_kind_of_bad_content_gives_its_exact_error() {
    let root = Path::new("tests/fixtures/invalid");
    let mut checked = 0;
    for entry in fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        let expected = fs::read_to_string(dir.join("expected.txt"))
            .unwrap_or_else(|_| panic!("{} has no expected.txt", dir.display()));
        let errors = Course::load(&dir).expect_err(&format!("{} should not load", dir.display()));
        assert_eq!(errors.to_string(), expected, "in {}", dir.display());
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixture cases found");
}

#[test]
fn the_course_and_the_valid_fixtures_load() {
    for dir in ["content", "tests/fixtures/valid"] {
        Course::load(Path::new(dir)).unwrap_or_else(|e| panic!("{dir}: {e}"));
    }
}
