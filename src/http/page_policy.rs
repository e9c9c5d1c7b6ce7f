//! What a cached page may run: a `Content-Security-Policy` built from the
//! page itself, and no per-request nonce.
//!
//! leptos_axum gives every render a fresh random nonce and puts it on the
//! inline hydration script. A page rendered once and served to everyone
//! cannot carry a nonce (it would be the same for every reader, so it would
//! protect nothing), so the nonce is taken out again, and the policy allows
//! each inline script by the SHA-256 hash of its text instead: a script
//! injected into a lesson would not match.
//!
//! A page without an island runs nothing at all, so the empty hydration
//! data leptos_axum's stream appends (`__RESOLVED_RESOURCES=[]…`) goes too:
//! such a page is HTML and CSS only.

use base64::Engine;

/// The page without its nonce, and the policy header that goes with it.
pub fn finish(html: &str) -> (String, String) {
    let mut html = without_nonce(html);
    if !html.contains("<leptos-island") {
        for empty in EMPTY_HYDRATION_DATA {
            html = html.replace(empty, "");
        }
    }
    let policy = policy(&inline_script_hashes(&html));
    (html, policy)
}

/// What leptos_axum appends to every streamed page, with nothing in it.
const EMPTY_HYDRATION_DATA: [&str; 2] = [
    "<script>__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script>",
    "<script>__INCOMPLETE_CHUNKS=[];</script>",
];

fn policy(script_hashes: &[String]) -> String {
    let scripts: String = script_hashes
        .iter()
        .map(|hash| format!(" 'sha256-{hash}'"))
        .collect();
    // connect-src: the demos talk to this origin (event streams, fetch,
    // WebSockets) and the lab to its HTTPS lanes on other ports.
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
         style-src 'self'; img-src 'self' data:; connect-src 'self' https: wss: ws:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )
}

/// Removes `nonce="…"` and turns `crossorigin="…"` carrying the same value
/// into a bare `crossorigin` (anonymous, as the nonce value meant).
fn without_nonce(html: &str) -> String {
    const ATTRIBUTE: &str = " nonce=\"";
    let Some(start) = html.find(ATTRIBUTE).map(|i| i + ATTRIBUTE.len()) else {
        return html.to_string();
    };
    let Some(length) = html[start..].find('"') else {
        return html.to_string();
    };
    let nonce = &html[start..start + length];
    html.replace(&format!(" nonce=\"{nonce}\""), "")
        .replace(&format!(" crossorigin=\"{nonce}\""), " crossorigin")
}

/// The base64 SHA-256 of the text of every inline `<script>`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let tag_end = match rest[open..].find('>') {
            Some(end) => open + end + 1,
            None => break,
        };
        let Some(close) = rest[tag_end..].find("</script>") else {
            break;
        };
        let text = &rest[tag_end..tag_end + close];
        if !rest[open..tag_end].contains(" src=") && !text.is_empty() {
            let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest.as_ref()));
        }
        rest = &rest[tag_end + close..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = concat!(
        "<head><link rel=\"modulepreload\" href=\"/pkg/a.js\" crossorigin=\"N0nce\">",
        "<script type=\"module\" nonce=\"N0nce\">run()</script></head>"
    );

    #[test]
    fn takes_the_nonce_out_of_a_page() {
        let (html, _) = finish(PAGE);
        assert!(!html.contains("N0nce"), "{html}");
        assert!(html.contains("href=\"/pkg/a.js\" crossorigin>"), "{html}");
        assert!(
            html.contains("<script type=\"module\">run()</script>"),
            "{html}"
        );
    }

    #[test]
    fn allows_exactly_the_inline_scripts_of_the_page_by_hash() {
        let (_, policy) = finish(PAGE);
        // printf 'run()' | openssl dgst -sha256 -binary | base64
        let expected = base64::engine::general_purpose::STANDARD
            .encode(ring::digest::digest(&ring::digest::SHA256, b"run()").as_ref());
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
    }

    #[test]
    fn a_page_without_islands_loses_the_empty_hydration_data() {
        let page = format!("<p>text</p>{}", EMPTY_HYDRATION_DATA.concat());
        let (html, policy) = finish(&page);
        assert_eq!(html, "<p>text</p>");
        assert!(!policy.contains("sha256-"), "{policy}");
        let island = format!("<leptos-island></leptos-island>{}", EMPTY_HYDRATION_DATA[1]);
        assert!(finish(&island).0.contains("__INCOMPLETE_CHUNKS"));
    }

    #[test]
    fn a_page_without_scripts_allows_no_inline_script() {
        let (html, policy) = finish("<p>text</p>");
        assert_eq!(html, "<p>text</p>");
        assert!(!policy.contains("sha256-"), "{policy}");
    }
}
