//! Learners' search and the authors' guide, over the real server: `GET
//! /search?q=` ranks, marks and escapes; a saved lesson is searchable at
//! once; every page has the search box; `/guide` serves its checked examples.

use std::fs;
use std::time::{Duration, Instant};

use crate::common::{client, get_text, serve_course};
use realtime_lab::content::ContentStore;

/// The `href` of each result, in order.
fn result_links(html: &str) -> Vec<String> {
    html.split("<li><h2><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_word_from_lesson_6_finds_lesson_6_first_with_the_word_marked() {
    let base = serve_course().await;
    let html = get_text(&format!("{base}/search?q=multiplexing")).await;
    let links = result_links(&html);
    assert!(
        links[0].starts_with("/lessons/http1-vs-http2#"),
        "{links:?}"
    );
    assert!(html.contains("<mark>multiplex"), "the word is marked");
    // A stemmed match: "streams" finds "stream" and "streaming" too.
    let html = get_text(&format!("{base}/search?q=streams")).await;
    assert!(result_links(&html).len() >= 5, "{html}");
}

#[tokio::test]
async fn gibberish_finds_nothing_and_the_query_is_escaped() {
    let base = serve_course().await;
    let html = get_text(&format!("{base}/search?q=qwzxvb")).await;
    assert!(result_links(&html).is_empty());
    assert!(html.contains("No section of any lesson matches “qwzxvb”"));

    let response = client()
        .get(format!("{base}/search"))
        .query(&[("q", "<script>alert(1)</script>\"")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-security-policy")
        .is_some_and(|policy| policy.to_str().unwrap().contains("script-src 'self'")));
    let html = response.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(
        html.contains("<title>Search results · Realtime Lab</title>"),
        "the query stays out of the title"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // A very long query is read up to its limit, not refused.
    let long = "stream ".repeat(500);
    let response = client()
        .get(format!("{base}/search"))
        .query(&[("q", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn every_page_has_the_search_box_and_search_works_without_a_query() {
    let base = serve_course().await;
    for path in [
        "/",
        "/lessons/event-stream",
        "/demos/sse-clock",
        "/guide",
        "/search",
    ] {
        let html = get_text(&format!("{base}{path}")).await;
        assert!(
            html.contains("<form role=\"search\" action=\"/search\" method=\"get\""),
            "{path}"
        );
    }
    let html = get_text(&format!("{base}/search")).await;
    assert!(html.contains("Type a word or two in the search box"));
}

#[tokio::test]
async fn a_saved_lesson_is_searchable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let head = "+++\ntitle = \"One\"\nsummary = \"S\"\n+++\n";
    fs::write(
        dir.path().join("01-one.md"),
        format!("{head}## First\n\nNothing yet.\n"),
    )
    .unwrap();
    let store = ContentStore::open(dir.path()).unwrap();
    let _watcher = store.watch().unwrap();
    let served = crate::common::start_with(
        store,
        &crate::common::manifest_dir().join("target/site"),
        &["--no-lab"],
        crate::common::as_flagged,
    )
    .await;
    let search = format!("{}/search?q=heartbeat", served.base);
    assert!(result_links(&get_text(&search).await).is_empty());
    fs::write(
        dir.path().join("01-one.md"),
        format!("{head}## First\n\nA heartbeat keeps proxies from closing the stream.\n"),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let links = result_links(&get_text(&search).await);
        if links == ["/lessons/one#first"] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the saved lesson was not found: {links:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_guide_shows_its_examples_and_their_errors() {
    let base = serve_course().await;
    let response = client().get(format!("{base}/guide")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1 id=\"lesson-title\">Writing a lesson</h1>"));
    assert!(html.contains("<p class=\"guide-example-label\">How it looks</p>"));
    assert!(
        html.contains("content/09-draft.md:1: unknown demo `sse-clok`"),
        "an error example"
    );
    assert!(
        html.contains("role=\"tablist\""),
        "the tabs example, rendered"
    );
    assert!(
        html.contains("realtime-lab.tab"),
        "and the script that works them"
    );
    assert!(
        !html.contains("<leptos-island"),
        "no island: the guide runs no demo"
    );
}
