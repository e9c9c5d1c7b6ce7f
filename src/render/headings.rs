//! A heading's title as plain text, and the id (slug) it gets from it.

use pulldown_cmark::Event;

/// The text of a heading's events, without its inline markup:
/// `Why `SSE`?` → `Why SSE?`.
pub fn plain_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// `"Headers & handshakes"` → `"headers-handshakes"`.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !slug.ends_with('-')
            && !slug.is_empty()
        {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugifies_titles() {
        assert_eq!(slugify("Headers & handshakes"), "headers-handshakes");
        assert_eq!(slugify("HTTP/1.1 versus HTTP/2"), "http11-versus-http2");
        assert_eq!(slugify("???"), "section");
    }
}
