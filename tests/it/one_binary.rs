//! The release binary copied alone into an empty folder, as a host copies
//! it to another machine: it serves the lessons, the browser bundle
//! (precompressed, with ETags) and the live demos from what it embeds.
//! Needs the site built before the binary, as `scripts/test.sh` does with
//! `cargo leptos build --release --precompress --split`.

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use realtime_lab::content::ContentStore;
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The server, killed when the test ends, passing or not.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the binary into `folder` and runs it from there with no folder
/// flag and none of their environment variables: only what it embeds.
fn start_alone_in(folder: &Path) -> Server {
    let binary = folder.join("realtime-lab");
    std::fs::copy(env!("CARGO_BIN_EXE_realtime-lab"), &binary).unwrap();
    let mut child = Command::new(&binary)
        .args(["--addr", "127.0.0.1:0", "--no-lab"])
        .current_dir(folder)
        .env_remove("LEPTOS_SITE_ROOT")
        .env_remove("REALTIME_LAB_CONTENT")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit()) // a warning (no site embedded) shows with a failure
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("Realtime Lab is running: open ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, base }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The path of the first `/pkg/…{ext}` file a page links.
fn linked(html: &str, ext: &str) -> String {
    html.split('"')
        .find(|part| part.starts_with("/pkg/") && part.ends_with(ext))
        .unwrap_or_else(|| {
            panic!(
                "the demo page links no {ext} file: was the binary built after the site \
                 (`cargo leptos build --release --precompress --split`)?"
            )
        })
        .to_string()
}

#[test]
fn the_binary_alone_in_an_empty_folder_serves_lessons_the_bundle_and_demos() {
    let folder = tempfile::tempdir().unwrap();
    let server = start_alone_in(folder.path());
    let base = server.base.clone();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let client = client();
        let get = |path: String| client.get(format!("{base}{path}"));

        // A lesson, with its text: the course embedded in the binary.
        let course = ContentStore::open(concat!(env!("CARGO_MANIFEST_DIR"), "/content"))
            .unwrap()
            .course();
        let lesson = &course.summaries()[0];
        let response = get(lesson.href()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", lesson.href());
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&lesson.title),
            "the lesson page shows its title"
        );

        // A demo's page, and the bundle it loads to hydrate.
        let response = get("/demos/sse-clock".into()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let demo = response.text().await.unwrap();
        let script = get(linked(&demo, ".js")).send().await.unwrap();
        assert_eq!(script.status(), StatusCode::OK);
        assert!(script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"));
        let stylesheet = get(linked(&demo, ".css")).send().await.unwrap();
        assert_eq!(stylesheet.status(), StatusCode::OK);

        // The wasm: its brotli twin for a client that takes brotli.
        let wasm = linked(&demo, ".wasm");
        let plain = get(wasm.clone()).send().await.unwrap();
        assert_eq!(plain.status(), StatusCode::OK);
        assert!(plain.headers().get("content-encoding").is_none());
        let plain = plain.bytes().await.unwrap();
        assert!(plain.starts_with(b"\0asm"), "{wasm} is WebAssembly");
        let brotli = get(wasm.clone())
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(brotli.status(), StatusCode::OK);
        let headers = brotli.headers().clone();
        assert_eq!(headers["content-encoding"], "br");
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(headers["vary"], "accept-encoding");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let compressed = brotli.bytes().await.unwrap();
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut &compressed[..], &mut unpacked).unwrap();
        assert_eq!(unpacked, plain, "the .br twin is the same wasm");

        let gzip = get(wasm.clone())
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(gzip.headers()["content-encoding"], "gzip");

        // Its ETag: the same request with it gets 304 and no body.
        let etag = headers["etag"].clone();
        let again = get(wasm)
            .header("accept-encoding", "gzip, br")
            .header("if-none-match", etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()["etag"], etag);
        assert!(again.bytes().await.unwrap().is_empty());

        // A live demo: the clock's first event.
        let clock = get("/api/clock".into())
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        assert_eq!(clock.status(), StatusCode::OK);
        let mut events = clock.bytes_stream().eventsource();
        let first = tokio::time::timeout(Duration::from_secs(5), events.next())
            .await
            .expect("the clock's first event within 5 s")
            .expect("the stream is open")
            .expect("a well-formed event");
        assert_eq!(first.event, "hello");
    });

    let beside: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        ["realtime-lab"],
        "the binary wrote nothing beside itself"
    );
    drop(server);
}
