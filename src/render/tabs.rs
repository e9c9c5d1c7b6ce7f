//! Code tabs: fenced code blocks that follow each other, each with a
//! `tab="Label"` after its language, are one group (the same example in
//! JavaScript, Node and Rust, say), shown as tabs.
//!
//! The HTML reads whole without JavaScript: every panel shows with its
//! label, and the tab list stays hidden. A script on the page
//! (`ui/components/code_tabs.rs`) turns a group into WAI-ARIA tabs (arrow
//! keys, Home, End) and remembers the label chosen, for every group that has it.

use super::highlight::escape;

/// One tab of a group: its label and its highlighted code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tab {
    pub label: String,
    pub html: String,
}

/// The label of `tab="…"` (or `tab=word`) in a fence's info string, if the
/// block is a tab: `Ok(None)` for an ordinary block.
pub fn label(info: &str) -> Result<Option<String>, String> {
    let Some(at) = info.find("tab=") else {
        return Ok(None);
    };
    let rest = &info[at + "tab=".len()..];
    let label = match rest.strip_prefix('"') {
        Some(quoted) => quoted
            .split_once('"')
            .map(|(label, _)| label)
            .ok_or_else(|| format!("the tab label in `{info}` has no closing quote"))?,
        None => rest.split_whitespace().next().unwrap_or(""),
    };
    let label = label.trim();
    if label.is_empty() {
        return Err(format!(
            "`tab=` in `{info}` has no label; write the tab's name, as in ```js tab=\"Browser\""
        ));
    }
    Ok(Some(label.to_string()))
}

/// A group's HTML; `group` tells the page's groups apart, in ids.
pub fn group_html(tabs: &[Tab], group: &str) -> String {
    let labels: Vec<&str> = tabs.iter().map(|t| t.label.as_str()).collect();
    let mut html = format!(
        "<div class=\"code-tabs\" data-tabs=\"{}\">\n\
         <div class=\"code-tabs-list\" role=\"tablist\" aria-label=\"{}\" hidden>",
        escape(&labels.join("|")),
        escape(&format!("The same code in {}", list(&labels)))
    );
    for (i, tab) in tabs.iter().enumerate() {
        let first = i == 0;
        html.push_str(&format!(
            "<button type=\"button\" role=\"tab\" id=\"tab-{group}-{i}\" \
             aria-controls=\"tabpanel-{group}-{i}\" aria-selected=\"{first}\" tabindex=\"{}\" \
             data-tab=\"{label}\">{label}</button>",
            if first { 0 } else { -1 },
            label = escape(&tab.label)
        ));
    }
    html.push_str("</div>\n");
    for (i, tab) in tabs.iter().enumerate() {
        html.push_str(&format!(
            "<div class=\"code-tab\" role=\"tabpanel\" id=\"tabpanel-{group}-{i}\" \
             aria-labelledby=\"tab-{group}-{i}\">\n<p class=\"code-tab-label\">{}</p>\n{}</div>\n",
            escape(&tab.label),
            tab.html
        ));
    }
    html.push_str("</div>\n");
    html
}

/// `a`, `a or b`, `a, b or c`.
fn list(labels: &[&str]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_quoted_or_a_bare_label() {
        assert_eq!(
            label("js tab=\"In the browser\""),
            Ok(Some("In the browser".into()))
        );
        assert_eq!(label("rust tab=Rust"), Ok(Some("Rust".into())));
        assert_eq!(label("rust"), Ok(None));
        assert!(label("js tab=").unwrap_err().contains("has no label"));
        assert!(label("js tab=\"Open")
            .unwrap_err()
            .contains("no closing quote"));
    }

    #[test]
    fn a_group_is_a_tablist_and_one_panel_per_tab() {
        let tabs = [
            Tab {
                label: "Node".into(),
                html: "<pre>n</pre>".into(),
            },
            Tab {
                label: "Rust <axum>".into(),
                html: "<pre>r</pre>".into(),
            },
        ];
        let html = group_html(&tabs, "2");
        assert!(
            html.contains("data-tabs=\"Node|Rust &lt;axum&gt;\""),
            "{html}"
        );
        assert!(
            html.contains(
                "role=\"tablist\" aria-label=\"The same code in Node or Rust &lt;axum&gt;\" hidden"
            ),
            "{html}"
        );
        assert!(html.contains("<button type=\"button\" role=\"tab\" id=\"tab-2-0\" aria-controls=\"tabpanel-2-0\" aria-selected=\"true\" tabindex=\"0\" data-tab=\"Node\">Node</button>"), "{html}");
        assert!(html.contains("id=\"tab-2-1\" aria-controls=\"tabpanel-2-1\" aria-selected=\"false\" tabindex=\"-1\" data-tab=\"Rust &lt;axum&gt;\">Rust &lt;axum&gt;</button>"), "{html}");
        assert!(html.contains("role=\"tabpanel\" id=\"tabpanel-2-1\" aria-labelledby=\"tab-2-1\">\n<p class=\"code-tab-label\">Rust &lt;axum&gt;</p>\n<pre>r</pre>"), "{html}");
    }
}
