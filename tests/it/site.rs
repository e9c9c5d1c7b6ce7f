//! The real server on 127.0.0.1:0: pages, statuses, assets and their types.

use crate::common::{client, get_text, manifest_dir, serve, serve_course};
use realtime_lab::content::ContentStore;
use reqwest::StatusCode;

#[tokio::test]
async fn serves_every_lesson_with_its_title_and_description() {
    let base = serve_course().await;
    let course = ContentStore::open(manifest_dir().join("content"))
        .unwrap()
        .course();
    assert_eq!(
        course.lessons().len(),
        9,
        "the course has nine lessons: the seven of LESSONS.md, production, and HTTP/3 with WebTransport"
    );
    for lesson in course.summaries() {
        let response = client()
            .get(format!("{base}{}", lesson.href()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", lesson.slug);
        let html = response.text().await.unwrap();
        let title = format!("<title>{} · Realtime Lab</title>", escape(&lesson.title));
        assert!(html.contains(&title), "{} lacks {title}", lesson.slug);
        assert!(html.contains(&format!(
            "<meta name=\"description\" content=\"{}\"",
            escape(&lesson.summary)
        )));
        assert!(
            html.contains("<h2 id=\"sources\">"),
            "{} has a Sources section",
            lesson.slug
        );
        assert!(
            html.contains("aria-label=\"Live demo: "),
            "{} places a live demo",
            lesson.slug
        );
    }
}

#[tokio::test]
async fn home_page_lists_the_course_path_in_order() {
    let base = serve_course().await;
    let html = get_text(&base).await;
    let course = ContentStore::open(manifest_dir().join("content"))
        .unwrap()
        .course();
    let mut last = 0;
    for lesson in course.summaries() {
        let at = html
            .find(&format!("href=\"{}\"", lesson.href()))
            .unwrap_or_else(|| panic!("home page links {}", lesson.slug));
        assert!(at > last, "{} is out of order", lesson.slug);
        last = at;
    }
}

#[tokio::test]
async fn unknown_paths_and_lessons_are_404_pages() {
    let base = serve_course().await;
    for path in ["/no-such-page", "/lessons/no-such-lesson"] {
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            response.text().await.unwrap().contains("Page not found"),
            "{path}"
        );
    }
}

/// The bundle's file names as a page with a demo links them (hashed).
async fn bundle_paths(base: &str) -> Vec<String> {
    let html = get_text(&format!("{base}/demos/counter")).await;
    let mut paths: Vec<String> = html
        .split('"')
        .filter(|part| part.starts_with("/pkg/"))
        .map(str::to_string)
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[tokio::test]
async fn serves_the_hashed_bundle_with_its_types_cached_for_a_year() {
    let base = serve_course().await;
    let paths = bundle_paths(&base).await;
    for (ext, content_type) in [
        (".wasm", "application/wasm"),
        (".js", "text/javascript"),
        (".css", "text/css"),
    ] {
        let path = paths
            .iter()
            .find(|p| p.ends_with(ext))
            .unwrap_or_else(|| panic!("a page with a demo links a {ext} file: {paths:?}"));
        assert!(
            path.matches('.').count() >= 2,
            "{path} carries a content hash"
        );
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers();
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with(content_type));
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(headers["vary"], "accept-encoding", "{path}");
    }
    let favicon = client()
        .get(format!("{base}/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert!(favicon.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
}

#[tokio::test]
async fn serves_the_wasm_precompressed_for_browsers_that_accept_brotli() {
    let base = serve_course().await;
    let wasm = bundle_paths(&base)
        .await
        .into_iter()
        .find(|p| p.ends_with(".wasm"))
        .expect("a page with a demo links its wasm");
    let url = format!("{base}{wasm}");
    let plain = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let response = client()
        .get(&url)
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    let compressed = response.bytes().await.unwrap();
    assert!(
        compressed.len() * 2 < plain.len(),
        "the .br file is served: {} bytes for {} raw",
        compressed.len(),
        plain.len()
    );
}

#[tokio::test]
async fn places_a_demo_directive_in_the_page() {
    let dir = manifest_dir().join("tests/fixtures/valid");
    let base = serve(&dir, &manifest_dir().join("target/site")).await;
    let html = get_text(&format!("{base}/lessons/first")).await;
    let demo = html
        .find("data-demo=\"counter\"")
        .expect("the counter demo is on the page");
    let before = html.find("id=\"a-section\"").unwrap();
    let after = html.find("id=\"another-section\"").unwrap();
    assert!(
        before < demo && demo < after,
        "the demo stands where the directive was"
    );
    assert!(html.contains("href=\"/lessons/second\" rel=\"next\""));
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}
