//! `GET /x/runner`: the page the learner's code runs in, inside a frame.
//!
//! Its own policy sandboxes it (`sandbox allow-scripts`: an opaque origin,
//! with no reach into the site's pages, cookies or storage, even when it is
//! opened on its own), lets it run inline script (the learner's code, which
//! it receives from the exercise's page by `postMessage`) and connect to
//! this server only. Its console goes back to the page the same way.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The frame's document: a console that reports to the page, then the
/// learner's code as a module script (top-level `await` works).
const RUNNER: &str = r#"<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Your code runs here</title>
<script>
const report = (kind, values) => parent.postMessage({ kind, text: values.map(show).join(" ") }, "*");
const show = (value) => {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try { return JSON.stringify(value); } catch { return String(value); }
};
for (const kind of ["log", "info", "warn", "error"]) console[kind] = (...values) => report(kind, values);
addEventListener("error", (event) => report("error", [event.message]));
addEventListener("unhandledrejection", (event) => report("error", ["Uncaught (in promise)", event.reason]));
addEventListener("message", (event) => {
  if (event.source !== parent || typeof event.data?.code !== "string") return;
  window.EXERCISE = Object.freeze({ ...event.data.exercise });
  const script = document.createElement("script");
  script.type = "module";
  script.textContent = event.data.code;
  document.body.append(script);
}, { once: true });
parent.postMessage({ kind: "ready" }, "*");
</script>
<body></body></html>
"#;

pub async fn handler(headers: HeaderMap) -> Response {
    // Connections go to this server, by whichever scheme reached it.
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| {
            host.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let policy = format!(
        "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; \
         connect-src http://{host} https://{host} ws://{host} wss://{host}; \
         frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    );
    let mut response = RUNNER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_runner_is_sandboxed_and_reaches_only_its_own_server() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        let response = handler(headers).await;
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(policy.starts_with("sandbox allow-scripts;"), "{policy}");
        assert!(policy.contains("connect-src http://127.0.0.1:3000 https://127.0.0.1:3000 ws://127.0.0.1:3000 wss://127.0.0.1:3000;"), "{policy}");
        let mut forged = HeaderMap::new();
        forged.insert(header::HOST, HeaderValue::from_static("a; script-src *"));
        let response = handler(forged).await;
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(policy.contains("connect-src http://localhost "), "{policy}");
    }
}
