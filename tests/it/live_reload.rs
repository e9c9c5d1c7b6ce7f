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

/// `/api/live-preview` over the real server: `ready`, then `problems` with
/// file and line after a broken save, then `reload` after the fix; the
/// pages carry the script only while the folder is watched.
#[tokio::test]
async fn live_preview_tells_open_pages_about_each_save() {
    use eventsource_stream::Eventsource;
    use futures_util::StreamExt;

    let dir = tempfile::tempdir().unwrap();
    let lesson = dir.path().join("01-one.md");
    let good = "+++\ntitle = \"One\"\nsummary = \"S\"\n+++\nBody\n";
    fs::write(&lesson, good).unwrap();
    let store = ContentStore::open(dir.path()).unwrap();
    let unwatched = crate::common::start_with(
        store.clone(),
        &crate::common::manifest_dir().join("target/site"),
        &["--no-lab"],
        crate::common::as_flagged,
    )
    .await;
    let refused = crate::common::client()
        .get(format!("{}/api/live-preview", unwatched.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);

    let _watcher = store.watch().unwrap();
    let page = crate::common::get_text(&format!("{}/lessons/one", unwatched.base)).await;
    assert!(
        page.contains("/api/live-preview"),
        "the page carries the script"
    );
    let response = crate::common::client()
        .get(format!("{}/api/live-preview", unwatched.base))
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().boxed().eventsource();
    macro_rules! next {
        () => {
            tokio::time::timeout(Duration::from_secs(10), events.next())
                .await
                .expect("an event")
                .unwrap()
                .unwrap()
        };
    }
    assert_eq!(next!().event, "ready");

    fs::write(
        &lesson,
        "+++\ntitle = \"One\"\nsummary = \"S\"\n+++\n::demo[nope]\n",
    )
    .unwrap();
    let problems = next!();
    assert_eq!(problems.event, "problems");
    let report: serde_json::Value = serde_json::from_str(&problems.data).unwrap();
    assert!(report["problems"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("01-one.md"));
    assert_eq!(report["problems"][0]["line"], 5);

    fs::write(&lesson, good).unwrap();
    // A loaded machine may see the broken save as two writes (the file
    // emptied, then written) more than the debounce apart: a second
    // `problems` may come first, but the good save must end in a reload.
    let mut after_good = next!();
    while after_good.event == "problems" {
        after_good = next!();
    }
    assert_eq!(after_good.event, "reload");
}

#[test]
fn one_save_is_one_reload_though_reading_the_lessons_is_an_event_too() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = dir.path().join("01-one.md");
    fs::write(&lesson, "+++\ntitle = \"A\"\nsummary = \"S\"\n+++\nBody\n").unwrap();
    let store = ContentStore::open(dir.path()).unwrap();
    let reloads = store.reloads();
    let _watcher = store.watch().unwrap();
    fs::write(
        &lesson,
        "+++\ntitle = \"B\"\nsummary = \"S\"\n+++\n::demo[nope]\n",
    )
    .unwrap();
    wait_for("the reload", || *reloads.borrow() == 1);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        *reloads.borrow(),
        1,
        "one save, one reload (and one log entry)"
    );
}

/// A starting server renders its lessons with their code uncoloured, then
/// colours them on a thread and swaps that course in: the code ends up
/// coloured, the lessons unchanged.
#[test]
fn a_server_start_colours_the_code_after_the_lessons_are_in() {
    use realtime_lab::model::course::Segment;
    let html = |store: &ContentStore| -> String {
        store
            .course()
            .lessons()
            .iter()
            .flat_map(|lesson| lesson.segments.iter())
            .filter_map(|segment| match segment {
                Segment::Html(html) => Some(html.clone()),
                _ => None,
            })
            .collect()
    };
    let content = crate::common::manifest_dir().join("content");
    let eager = ContentStore::open(&content).unwrap();
    let store = ContentStore::for_server(Some(content)).unwrap();
    assert_eq!(
        store.course().summaries(),
        eager.course().summaries(),
        "every lesson is in from the start"
    );
    // Colouring takes about a second on a quiet machine; allow for a busy one.
    let deadline = Instant::now() + Duration::from_secs(60);
    while html(&store) != html(&eager) {
        assert!(Instant::now() < deadline, "the course was never coloured");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(html(&store).contains("class=\"hl-"), "the code is coloured");
    assert!(store.problems().is_none());
}

/// What an author can get wrong is still refused before the server starts.
#[test]
fn a_server_start_still_refuses_an_unknown_code_language() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("01-one.md"),
        "+++\ntitle = \"One\"\nsummary = \"S\"\n+++\n\n```jvascript\nx\n```\n",
    )
    .unwrap();
    let errors = ContentStore::for_server(Some(dir.path().to_path_buf())).unwrap_err();
    assert!(
        errors
            .to_string()
            .contains("unknown code language `jvascript`"),
        "{errors}"
    );
}
