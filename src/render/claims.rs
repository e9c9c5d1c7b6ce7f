//! Tested claims: a lesson marks a claim that a test checks with a link to
//! `test:NAME`, such as `[checked by a test](test:lesson3_eventsource_stops_on_204)`.
//! It renders as a small note naming the test; `tests/it/claims_marked.rs`
//! checks that every name is a real test in `tests/` or `end2end/tests/`.

use super::highlight::escape;

/// The link scheme of a claim marker.
pub const SCHEME: &str = "test:";

/// The note for a marker whose link text is `label`, or what is wrong with it.
pub fn marker_html(destination: &str, label: &str) -> Result<String, String> {
    let name = destination.strip_prefix(SCHEME).unwrap_or(destination);
    let well_formed = name.starts_with("lesson")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed {
        return Err(format!(
            "the test marker `{destination}` should name a test as \
             `test:lesson3_what_it_checks` (lowercase letters, digits and `_`, \
             starting with the lesson's number), such as \
             `[checked by a test](test:lesson3_eventsource_stops_on_204)`"
        ));
    }
    let label = if label.trim().is_empty() {
        "checked by a test"
    } else {
        label.trim()
    };
    Ok(format!(
        "<small class=\"claim-test\"><span aria-hidden=\"true\">✓ </span>{}: <code>{}</code></small>",
        escape(label),
        escape(name)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_test_after_the_label() {
        let html = marker_html("test:lesson3_stops_on_204", "checked by a test").unwrap();
        assert!(
            html.contains("checked by a test: <code>lesson3_stops_on_204</code>"),
            "{html}"
        );
    }

    #[test]
    fn refuses_a_name_that_is_not_a_test_name() {
        let error = marker_html("test:Stops on 204", "x").unwrap_err();
        assert!(error.contains("test:lesson3_what_it_checks"), "{error}");
    }
}
