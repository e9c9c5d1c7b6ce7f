//! Pages over the real server: complete in the HTML (islands mode, no
//! loading state), wasm only where a demo is, rendered once and served
//! compressed with an ETag.

use crate::common::{client, get_text, manifest_dir, serve_course};
use realtime_lab::content::ContentStore;
use reqwest::StatusCode;

fn course() -> std::sync::Arc<realtime_lab::content::course::Course> {
    ContentStore::open(manifest_dir().join("content"))
        .unwrap()
        .course()
}

#[tokio::test]
async fn two_hundred_concurrent_requests_for_each_lesson_all_get_the_whole_lesson() {
    let base = serve_course().await;
    for lesson in course().lessons() {
        let url = format!("{base}{}", lesson.summary.href());
        let requests = (0..200).map(|_| {
            let url = url.clone();
            tokio::spawn(async move { get_text(&url).await })
        });
        let title = "<h1 id=\"lesson-title\">";
        let description = "<meta name=\"description\" content=\"";
        for html in futures_util::future::join_all(requests).await {
            let html = html.unwrap();
            assert!(html.contains(title), "{url} has its <h1>");
            assert!(html.contains(description), "{url} has its description");
            assert!(!html.contains("Loading"), "{url} has no loading fallback");
            let (h1, body, next) = (
                html.find(title).unwrap(),
                html.find("<article").unwrap(),
                html.find("class=\"prev-next\"").unwrap(),
            );
            assert!(
                body < h1 && h1 < next,
                "{url}: the lesson is in document order"
            );
        }
    }
}

#[tokio::test]
async fn only_pages_with_a_demo_or_a_check_load_the_wasm() {
    let base = serve_course().await;
    for lesson in course().lessons() {
        let html = get_text(&format!("{base}{}", lesson.summary.href())).await;
        let has_demo = lesson.has_islands();
        assert_eq!(
            html.contains("<leptos-island"),
            has_demo,
            "{}",
            lesson.summary.slug
        );
        assert_eq!(html.contains(".wasm"), has_demo, "{}", lesson.summary.slug);
        assert_eq!(
            html.contains("<script type=\"module\""),
            has_demo,
            "{}",
            lesson.summary.slug
        );
    }
    let home = get_text(&base).await;
    assert!(
        !home.contains(".wasm") && !home.contains("<script src") && !home.contains("<script type"),
        "the home page is HTML and CSS, and the inline scripts applying the learner's theme, \
         naming its protocol, wiring the theme control and showing the learner's progress"
    );
    assert_eq!(home.matches("<script").count(), 4, "{home}");
    let demo = get_text(&format!("{base}/demos/sse-clock")).await;
    assert!(demo.contains("<leptos-island") && demo.contains(".wasm"));
}

#[tokio::test]
async fn pages_carry_no_per_request_nonce() {
    let base = serve_course().await;
    let html = get_text(&format!("{base}/demos/ws-echo")).await;
    assert!(
        !html.contains("nonce="),
        "a cached page cannot carry a nonce"
    );
}

#[tokio::test]
async fn a_page_is_served_compressed_with_an_etag_and_revalidated_with_304() {
    let base = serve_course().await;
    let lesson = course().summaries()[2].href();
    let url = format!("{base}{lesson}");
    let first = client()
        .get(&url)
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let headers = first.headers().clone();
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(headers["vary"], "accept-encoding");
    assert_eq!(headers["cache-control"], "no-cache");
    let etag = headers["etag"].clone();
    let again = client()
        .get(&url)
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"], etag);
    let plain = client().get(&url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain
        .text()
        .await
        .unwrap()
        .contains("<h1 id=\"lesson-title\">"));
}

#[tokio::test]
async fn a_saved_lesson_replaces_its_cached_page() {
    let dir = tempfile::tempdir().unwrap();
    let lesson = dir.path().join("01-one.md");
    let write = |title: &str| {
        std::fs::write(
            &lesson,
            format!("+++\ntitle = \"{title}\"\nsummary = \"S\"\n+++\nBody\n"),
        )
        .unwrap()
    };
    write("Before");
    let store = ContentStore::open(dir.path()).unwrap();
    let _watcher = store.watch().unwrap();
    let served = crate::common::start_with(
        store,
        &manifest_dir().join("target/site"),
        &["--no-lab"],
        crate::common::as_flagged,
    )
    .await;
    let url = format!("{}/lessons/one", served.base);
    assert!(get_text(&url).await.contains("Before"));
    write("After");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !get_text(&url).await.contains("After") {
        assert!(
            std::time::Instant::now() < deadline,
            "the new title is served"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `/lessons/{slug}.md` is each lesson's Markdown as written (demos named,
/// sources kept), linked from its page; `/llms.txt` lists them all.
#[tokio::test]
async fn every_lesson_is_served_as_markdown_and_llms_txt_lists_them() {
    let base = serve_course().await;
    let course = course();
    let llms = client()
        .get(format!("{base}/llms.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(llms.status(), StatusCode::OK);
    let llms = llms.text().await.unwrap();
    assert!(llms.starts_with("# Realtime Lab\n"), "{llms}");
    for lesson in course.lessons() {
        let summary = &lesson.summary;
        let md = format!("{}.md", summary.href());
        assert!(
            llms.contains(&format!("- [{}]({md}): {}", summary.title, summary.summary)),
            "{llms}"
        );
        let response = client().get(format!("{base}{md}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{md}");
        assert_eq!(
            response.headers()["content-type"],
            "text/markdown; charset=utf-8"
        );
        let text = response.text().await.unwrap();
        assert!(
            text.starts_with(&format!("# {}\n\n> {}\n\n", summary.title, summary.summary)),
            "{md}: {text}"
        );
        assert!(text.contains("## Sources"), "{md} keeps its sources");
        assert!(!text.contains("+++"), "{md} without its front matter");
        let page = get_text(&format!("{base}{}", summary.href())).await;
        assert!(page.contains(&format!("href=\"{md}\"")), "{md} is linked");
    }
    let event_stream = get_text(&format!("{base}/lessons/event-stream.md")).await;
    assert!(event_stream.contains("::demo[sse-clock]"), "demos named");

    let missing = client()
        .get(format!("{base}/lessons/no-such-lesson.md"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("/llms.txt"));
}

/// `--edit-url` puts "Edit this page" under each lesson, its `{file}` the
/// lesson's file name; a lesson read from a folder says when its file last
/// changed. The course built into the binary has no such date, and without
/// the flag there is no edit link.
#[tokio::test]
async fn a_lesson_links_its_edit_page_and_says_when_its_file_changed() {
    use crate::common::{as_flagged, built_site_root, start, start_with};
    let template = "https://example.com/edit/main/content/{file}";
    let served = start(
        &manifest_dir().join("content"),
        &built_site_root(),
        &["--no-lab", "--edit-url", template],
        as_flagged,
    )
    .await;
    let page = get_text(&format!("{}/lessons/event-stream", served.base)).await;
    assert!(
        page.contains(
            "href=\"https://example.com/edit/main/content/03-event-stream.md\">Edit this page</a>"
        ),
        "{page}"
    );
    let changed = std::fs::metadata(manifest_dir().join("content/03-event-stream.md"))
        .unwrap()
        .modified()
        .unwrap();
    let date = &humantime::format_rfc3339_seconds(changed).to_string()[..10];
    assert!(
        page.contains(&format!(
            "Last updated <time datetime=\"{date}\">{date}</time>"
        )),
        "{page}"
    );

    let embedded = start_with(
        ContentStore::embedded().unwrap(),
        &built_site_root(),
        &["--no-lab"],
        as_flagged,
    )
    .await;
    let page = get_text(&format!("{}/lessons/event-stream", embedded.base)).await;
    assert!(page.contains("This lesson as Markdown"), "{page}");
    assert!(!page.contains("Edit this page"), "no --edit-url, no link");
    assert!(
        !page.contains("Last updated"),
        "the binary's course has no file dates"
    );
}
