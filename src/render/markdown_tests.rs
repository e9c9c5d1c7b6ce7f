//! Tests of `markdown.rs`: the dialect, headings, directives, claim markers.

use super::*;

fn html(text: &str) -> String {
    let rendered = render(text).unwrap();
    rendered
        .blocks
        .iter()
        .map(|block| match block {
            Block::Html(html) => html.clone(),
            Block::Directive { source, .. } => format!("[directive {source}]"),
            Block::Example { source, .. } => format!("[example {source}]"),
            Block::Check(html) => format!("[check {}]", html.len()),
            Block::Exercise { exercise, .. } => format!("[exercise {}]", exercise.id),
            Block::Notes(html) => format!("[notes {html}]"),
        })
        .collect()
}

#[test]
fn aligned_columns_get_classes_not_inline_styles_the_csp_would_refuse() {
    let out = html("| name | n | mid |\n|:---|---:|:---:|\n| a | 1 | x |\n| b | 22 | y |\n");
    assert!(!out.contains("style="), "{out}");
    assert!(out.contains("<th class=\"align-left\">name</th>"), "{out}");
    assert!(out.contains("<th class=\"align-right\">n</th>"), "{out}");
    assert!(out.contains("<td class=\"align-right\">22</td>"), "{out}");
    assert!(out.contains("<td class=\"align-center\">y</td>"), "{out}");
    let plain = html("| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(plain.contains("<td>1</td><td>2</td>"), "{plain}");
}

#[test]
fn renders_tables_footnotes_strikethrough_and_task_lists() {
    let out =
        html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: A note.\n\n- [x] done\n");
    assert!(
        out.contains("<div class=\"table-wide\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls sideways)\">\n<table>"),
        "a table scrolls in a region the keyboard reaches: {out}"
    );
    assert!(out.contains("</table>\n</div>"), "{out}");
    assert!(out.contains("<del>old</del>"), "{out}");
    assert!(out.contains("footnote-reference"), "{out}");
    assert!(
        out.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
        "{out}"
    );
}

#[test]
fn gives_headings_unique_ids_anchors_and_a_toc() {
    let rendered = render("# Title\n\n## Why `SSE`?\n\n### Details\n\n## Why `SSE`?\n").unwrap();
    let toc: Vec<_> = rendered
        .toc
        .iter()
        .map(|e| (e.level, e.id.as_str(), e.title.as_str()))
        .collect();
    assert_eq!(
        toc,
        [
            (2, "why-sse", "Why SSE?"),
            (3, "details", "Details"),
            (2, "why-sse-1", "Why SSE?")
        ]
    );
    let out = html("## Why `SSE`?\n");
    assert!(
        out.contains(
            "<h2 id=\"why-sse\">Why <code>SSE</code>?<a class=\"heading-anchor\" href=\"#why-sse\""
        ),
        "{out}"
    );
}

#[test]
fn keeps_an_explicit_heading_id() {
    let rendered = render("## Frames {#frames}\n").unwrap();
    assert_eq!(rendered.toc[0].id, "frames");
}

#[test]
fn escapes_an_explicit_id_in_the_anchor() {
    let out = html("## Quotes {#a\"b}\n");
    assert!(out.contains("href=\"#a&quot;b\""), "{out}");
}

#[test]
fn splits_html_around_a_directive() {
    let rendered = render("Before\n\n::demo[counter]\n\nAfter\n").unwrap();
    assert_eq!(
        rendered.blocks,
        [
            Block::Html("<p>Before</p>\n".into()),
            Block::Directive {
                line: 3,
                source: "::demo[counter]".into()
            },
            Block::Html("<p>After</p>\n".into()),
        ]
    );
}

#[test]
fn leaves_directives_in_code_alone() {
    let out = html("```text\n::demo[counter]\n```\n\n`::demo[x]`\n");
    assert!(!out.contains("[directive"), "{out}");
}

#[test]
fn rejects_a_directive_inside_a_list() {
    let errors = render("- item\n\n  ::demo[counter]\n").unwrap_err();
    assert_eq!(errors[0].line, 3);
    assert!(errors[0].message.contains("top level"));
}

#[test]
fn turns_a_test_link_into_a_note_naming_the_test() {
    let out = html("EventSource stops. [checked by a test](test:lesson3_stops_on_204)\n");
    assert!(out.contains("<small class=\"claim-test\">"), "{out}");
    assert!(!out.contains("href=\"test:"), "{out}");
    let errors = render("Intro\n\nSee [this](test:Bad-Name).\n").unwrap_err();
    assert_eq!(errors[0].line, 3);
}

const CHECK: &str =
    "```check\nWhat now?\n\n- [ ] A\n  > no\n- [x] B\n  > yes\n- [ ] C\n  > no\n```\n";

#[test]
fn numbers_knowledge_checks_in_order_between_the_prose() {
    let rendered = render(&format!("Intro.\n\n{CHECK}\nBetween.\n\n{CHECK}")).unwrap();
    let kinds: Vec<_> = rendered
        .blocks
        .iter()
        .map(|block| match block {
            Block::Html(_) => "html".to_string(),
            Block::Check(html) => html[..html.find('>').unwrap()].to_string(),
            Block::Directive { .. } => "directive".to_string(),
            Block::Example { .. } => "example".to_string(),
            Block::Exercise { .. } => "exercise".to_string(),
            Block::Notes(_) => "notes".to_string(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "html",
            "<section class=\"check\" id=\"check-1\" data-check=\"1\" aria-labelledby=\"check-1-q\"",
            "html",
            "<section class=\"check\" id=\"check-2\" data-check=\"2\" aria-labelledby=\"check-2-q\"",
        ]
    );
}

#[test]
fn a_broken_check_is_an_error_at_its_line_in_the_file() {
    // Line 5 of the text is the second option, the one with no explanation.
    let text = "Intro.\n\n```check\nWhat now?\n- [ ] A\n- [x] B\n  > yes\n- [ ] C\n  > no\n```\n";
    let errors = render(text).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 5, "{errors:?}");
    assert!(errors[0].message.contains("no explanation"), "{errors:?}");
}

#[test]
fn a_check_inside_a_list_is_an_error() {
    let text = format!("- item\n\n  {}", CHECK.replace('\n', "\n  "));
    let errors = render(&text).unwrap_err();
    assert!(errors[0].message.contains("top level"), "{errors:?}");
}

#[test]
fn speaker_notes_are_a_block_of_their_own_and_no_words_for_search() {
    let text = "## Start\n\nSaid aloud.\n\n```notes\nAsk who has used *SSE*.\n```\n\nAfter.\n";
    let rendered = render(text).unwrap();
    let out = html(text);
    assert!(
        out.contains("[notes <p>Ask who has used <em>SSE</em>.</p>\n]"),
        "{out}"
    );
    assert!(!out.contains("<pre"), "not shown as code: {out}");
    let words: String = rendered.sections.iter().map(|s| s.text.as_str()).collect();
    assert!(!words.contains("Ask who"), "{words}");
}

#[test]
fn speaker_notes_inside_a_list_or_empty_are_errors_at_their_line() {
    let errors = render("- item\n\n  ```notes\n  hidden\n  ```\n").unwrap_err();
    assert_eq!(errors[0].line, 3, "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("a notes block must stand at the top level"),
        "{errors:?}"
    );
    let errors = render("Text.\n\n```notes\n```\n").unwrap_err();
    assert_eq!(errors[0].line, 3, "{errors:?}");
    assert!(errors[0].message.contains("empty"), "{errors:?}");
}
