//! Authors save a file; the server shows the change without a restart, and a
//! broken save keeps the last good course.

use std::fs;
use std::time::{Duration, Instant};

use realtime_lab::content::ContentStore;

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn title_of_first(store: &ContentStore) -> String {
    store.course().summaries()[0].title.clone()
}

#[test]
fn reloads_a_changed_lesson_and_survives_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = dir.path().join("01-one.md");
    fs::write(
        &lesson,
        "+++\ntitle = \"Before\"\nsummary = \"S\"\n+++\nBody\n",
    )
    .unwrap();
    let store = ContentStore::open(dir.path()).unwrap();
    let _watcher = store.watch().unwrap();

    fs::write(
        &lesson,
        "+++\ntitle = \"After\"\nsummary = \"S\"\n+++\nBody\n",
    )
    .unwrap();
    wait_for("the new title", || title_of_first(&store) == "After");

    fs::write(&lesson, "+++\ntitle = \"Broken\"\n+++\n").unwrap();
    wait_for("the problem to be recorded", || store.problems().is_some());
    assert_eq!(
        title_of_first(&store),
        "After",
        "the last good course is still served"
    );
    let problems = store.problems().unwrap().to_string();
    assert!(
        problems.contains("01-one.md:2: invalid front matter: missing field `summary`"),
        "{problems}"
    );

    fs::write(&lesson, "+++\ntitle = \"Fixed\"\nsummary = \"S\"\n+++\n").unwrap();
    wait_for("the fix", || title_of_first(&store) == "Fixed");
    assert!(store.problems().is_none());

    fs::write(
        dir.path().join("02-two.md"),
        "+++\ntitle = \"Two\"\nsummary = \"S\"\n+++\n",
    )
    .unwrap();
    wait_for("the added lesson", || store.course().lessons().len() == 2);
}
