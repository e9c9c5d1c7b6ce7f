//! A knowledge check: a fenced block with the info string `check`.
//!
//! ````markdown
//! ```check
//! The server answers `204 No Content`. What does `EventSource` do next?
//!
//! - [ ] It reconnects after the `retry:` delay.
//!   > No: a 204 is how a server says "stop".
//! - [x] It stops for good: `readyState` becomes `CLOSED`.
//!   > Right: …
//! ```
//! ````
//!
//! The question is the text before the first option; each option is one
//! line, `- [ ]` (wrong) or `- [x]` (right), followed by its explanation on
//! lines indented two spaces that start with `> `. Three or four options,
//! exactly one right, every one explained. The HTML is a form that works
//! with the keyboard and a screen reader, plus a `<details>` with every
//! answer and why, so the check means something without JavaScript too;
//! the `KnowledgeChecks` island answers it in place.

use super::options;

/// Options a check may have.
pub const OPTIONS: std::ops::RangeInclusive<usize> = 3..=4;

/// The syntax, for error messages.
const SYNTAX: &str =
    "a question, then 3 or 4 options `- [ ] wrong` or `- [x] right`, each followed \
                      by its explanation on lines starting `  > `";

#[derive(Debug, PartialEq, Eq)]
struct Choice {
    right: bool,
    text: String,
    why: String,
}

/// A problem at a 1-based line of the check's text.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> CheckError {
    CheckError {
        line,
        message: message.into(),
    }
}

/// The HTML of check number `number` (1-based, in its lesson) from the
/// text inside its fence.
pub fn check_html(source: &str, number: usize) -> Result<String, CheckError> {
    let (question, choices) = parse(source)?;
    Ok(html(&question, &choices, number))
}

fn parse(source: &str) -> Result<(String, Vec<Choice>), CheckError> {
    let mut question = Vec::new();
    let mut choices: Vec<(usize, Choice)> = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_end();
        if let Some((right, text)) = option_line(trimmed) {
            if text.is_empty() {
                return Err(error(n, "an option has no text after `- [ ]`"));
            }
            choices.push((
                n,
                Choice {
                    right,
                    text: text.to_string(),
                    why: String::new(),
                },
            ));
        } else if let Some(why) = trimmed.trim_start().strip_prefix('>') {
            let Some((_, choice)) = choices.last_mut() else {
                return Err(error(
                    n,
                    format!("an explanation (`>`) before any option; {SYNTAX}"),
                ));
            };
            if !line.starts_with("  ") {
                return Err(error(
                    n,
                    "indent an option's explanation by two spaces: `  > why`",
                ));
            }
            if !choice.why.is_empty() {
                choice.why.push(' ');
            }
            choice.why.push_str(why.trim());
        } else if trimmed.trim().is_empty() {
            continue;
        } else if choices.is_empty() {
            question.push(trimmed.trim());
        } else {
            return Err(error(
                n,
                format!(
                    "`{}` is neither an option nor an explanation; {SYNTAX}",
                    trimmed.trim()
                ),
            ));
        }
    }
    let last = source.lines().count().max(1);
    check_whole(&question, &choices, last)?;
    Ok((
        question.join(" "),
        choices.into_iter().map(|(_, c)| c).collect(),
    ))
}

/// What a check must have as a whole, once its lines are read: a question,
/// 3 or 4 options, each explained, exactly one of them right. Each problem
/// names the line to fix (`last` when there is no better one).
fn check_whole(
    question: &[&str],
    choices: &[(usize, Choice)],
    last: usize,
) -> Result<(), CheckError> {
    if question.is_empty() {
        return Err(error(1, format!("the check has no question; {SYNTAX}")));
    }
    if !OPTIONS.contains(&choices.len()) {
        return Err(error(
            choices.first().map_or(last, |(n, _)| *n),
            format!(
                "the check has {} option(s); give it 3 or 4: {SYNTAX}",
                choices.len()
            ),
        ));
    }
    if let Some((n, _)) = choices.iter().find(|(_, c)| c.why.is_empty()) {
        return Err(error(
            *n,
            "this option has no explanation: add a line `  > why it is right, or what really happens`",
        ));
    }
    match choices.iter().filter(|(_, c)| c.right).count() {
        1 => {}
        0 => {
            return Err(error(
                choices[0].0,
                "the check has no right answer: mark one option `- [x]`",
            ))
        }
        _ => {
            let second = choices
                .iter()
                .filter(|(_, c)| c.right)
                .nth(1)
                .map(|(n, _)| *n);
            return Err(error(
                second.unwrap_or(1),
                "the check has more than one right answer: mark exactly one option `- [x]`",
            ));
        }
    }
    Ok(())
}

/// `- [x] text` → `(true, "text")`; `- [ ] text` → `(false, "text")`.
fn option_line(line: &str) -> Option<(bool, &str)> {
    let rest = line.strip_prefix("- [")?;
    let (mark, text) = rest.split_at_checked(2)?;
    let right = match mark {
        "x]" | "X]" => true,
        " ]" => false,
        _ => return None,
    };
    Some((right, text.trim()))
}

fn html(question: &str, choices: &[Choice], number: usize) -> String {
    let id = format!("check-{number}");
    let mut html = format!(
        "<section class=\"check\" id=\"{id}\" data-check=\"{number}\" aria-labelledby=\"{id}-q\">\
         <form class=\"check-form\" action=\"#{id}\"><fieldset><legend id=\"{id}-q\">\
         <span class=\"check-label\">Check {number}</span> {}</legend><ul class=\"check-options\">",
        inline(question)
    );
    for (i, choice) in choices.iter().enumerate() {
        let option = format!("{id}-{}", i + 1);
        html.push_str(&format!(
            "<li{}><label><input type=\"radio\" name=\"{id}\" value=\"{}\" id=\"{option}\"><span>{}</span></label>\
             <p class=\"check-why\" id=\"{option}-why\" hidden>{}</p></li>",
            if choice.right { " data-right" } else { "" },
            i + 1,
            inline(&choice.text),
            inline(&choice.why),
        ));
    }
    html.push_str(
        "</ul><button type=\"submit\" class=\"button\">Check my answer</button>\
         <p class=\"check-result\" role=\"status\"></p></fieldset></form>\
         <details class=\"check-answers\"><summary>All the answers, and why</summary><ul>",
    );
    for choice in choices {
        let verdict = if choice.right { "Right" } else { "Wrong" };
        html.push_str(&format!(
            "<li><strong>{verdict}:</strong> {} — {}</li>",
            inline(&choice.text),
            inline(&choice.why)
        ));
    }
    html.push_str("</ul></details></section>");
    html
}

/// One line of inline Markdown (`code`, *emphasis*, links) as HTML,
/// without the paragraph around it. Raw HTML in a check is shown as text.
fn inline(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
        // Text is escaped when written out.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        event => Some(event),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "What does `EventSource` do after a 204?\n\n\
                        - [ ] It reconnects.\n  > No: a 204 says stop.\n\
                        - [x] It stops for good.\n  > Right: it fails the connection.\n  > For good.\n\
                        - [ ] It retries at once.\n  > No.\n";

    #[test]
    fn renders_a_check_as_a_form_with_its_answers() {
        let html = check_html(GOOD, 2).unwrap();
        assert!(html.contains("<legend id=\"check-2-q\"><span class=\"check-label\">Check 2</span> What does <code>EventSource</code> do after a 204?</legend>"), "{html}");
        assert_eq!(html.matches("type=\"radio\" name=\"check-2\"").count(), 3);
        assert_eq!(html.matches("<li data-right>").count(), 1);
        assert!(
            html.contains("Right: it fails the connection. For good."),
            "{html}"
        );
        assert!(
            html.contains("<strong>Right:</strong> It stops for good."),
            "{html}"
        );
    }

    #[test]
    fn escapes_html_written_in_a_check() {
        let source = GOOD.replace("It retries at once.", "It runs <script>");
        let html = check_html(&source, 1).unwrap();
        assert!(html.contains("It runs &lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"));
    }

    fn error_of(source: &str) -> (usize, String) {
        let e = check_html(source, 1).unwrap_err();
        (e.line, e.message)
    }

    #[test]
    fn requires_exactly_one_right_answer() {
        let none = GOOD.replace("[x]", "[ ]");
        assert_eq!(error_of(&none).0, 3);
        assert!(error_of(&none).1.contains("no right answer"));
        let two = GOOD.replace("- [ ] It retries", "- [x] It retries");
        assert_eq!(error_of(&two).0, 8);
        assert!(error_of(&two).1.contains("more than one right answer"));
    }

    #[test]
    fn requires_an_explanation_for_every_option() {
        let source = GOOD.replace("  > No.\n", "");
        assert_eq!(error_of(&source), (8, "this option has no explanation: add a line `  > why it is right, or what really happens`".into()));
    }

    #[test]
    fn requires_three_or_four_options_and_a_question() {
        let two = "Q?\n- [x] A\n  > a\n- [ ] B\n  > b\n";
        assert!(error_of(two).1.starts_with("the check has 2 option(s)"));
        assert!(error_of("- [x] A\n  > a\n")
            .1
            .starts_with("the check has no question"));
    }

    #[test]
    fn names_the_line_of_stray_text() {
        let source = GOOD.replace("  > No.\n", "  > No.\nstray words\n");
        assert_eq!(error_of(&source).0, 10);
        assert!(error_of(&source)
            .1
            .starts_with("`stray words` is neither an option"));
    }
}
