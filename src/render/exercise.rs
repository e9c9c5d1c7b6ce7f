//! An exercise: a fenced block with the info string `exercise`, graded by
//! the server from the learner's own connections.
//!
//! ````markdown
//! ```exercise
//! id: resume-without-loss
//! title: Resume without loss
//! rules: resumes-from-last-id, waits-for-retry
//! task: The server ends the stream after its third event. Open it with
//!   `EventSource` and log each event's id: the browser should come back
//!   for the rest by itself.
//! hint: `EventSource` reconnects on its own, after the `retry:` it was sent.
//! hint: Which header carries the last id? The browser sends it for you.
//! ~~~starter
//! const source = new EventSource(EXERCISE.url);
//! ~~~
//! ~~~reference
//! const source = new EventSource(EXERCISE.url);
//! source.onmessage = (event) => console.log(event.lastEventId, event.data);
//! source.addEventListener("done", () => source.close());
//! ~~~
//! ```
//! ````
//!
//! Fields are `key: value` lines; `task:` and `hint:` go on over the lines
//! that follow until a blank line or the next field; `hint:` may repeat.
//! `rules:` lists rules the server implements (`crate::model::exercise`),
//! all of one scenario (the server's endpoint behaves one way per
//! exercise). `~~~starter` and `~~~reference` hold JavaScript. The HTML
//! says everything without JavaScript: the task, the rules, the starter,
//! the hints, the reference and how to pass from a terminal; the page's
//! exercise script adds the editor, the runner and the live checklist.

mod html;

use crate::model::exercise::Rule;
use html::{exercise_html, Fields};

/// A problem at a 1-based line of the exercise's text.
#[derive(Debug, PartialEq, Eq)]
pub struct ExerciseError {
    pub line: usize,
    pub message: String,
}

/// A read exercise, rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exercise {
    pub id: String,
    pub rules: Vec<Rule>,
    pub html: String,
}

const FIELDS: &str = "`id:`, `title:`, `rules:`, `task:`, `hint:`, or a `~~~starter` or \
                      `~~~reference` block";

fn error(line: usize, message: impl Into<String>) -> ExerciseError {
    ExerciseError {
        line,
        message: message.into(),
    }
}

/// The exercise in `source`, the text inside its fence.
pub fn exercise(source: &str) -> Result<Exercise, ExerciseError> {
    let fields = parse(source)?;
    let missing = |what: &str| error(1, format!("this exercise has no {what}"));
    let id = fields
        .id
        .clone()
        .ok_or_else(|| missing("`id:` (a name of lowercase letters, digits and hyphens)"))?;
    let title = fields.title.clone().ok_or_else(|| missing("`title:`"))?;
    let task = fields
        .task
        .clone()
        .ok_or_else(|| missing("`task:` saying what to build"))?;
    let starter = fields
        .starter
        .clone()
        .ok_or_else(|| missing("`~~~starter` block with the code the learner starts from"))?;
    let reference = fields
        .reference
        .clone()
        .ok_or_else(|| missing("`~~~reference` block with a solution that passes"))?;
    if fields.rules.is_empty() {
        return Err(missing(
            "`rules:` (one or more of the rules the server grades)",
        ));
    }
    let html = exercise_html(&id, &title, &task, &fields, &starter, &reference)
        .map_err(|message| error(1, message))?;
    Ok(Exercise {
        id,
        rules: fields.rules,
        html,
    })
}

fn parse(source: &str) -> Result<Fields, ExerciseError> {
    let mut fields = Fields::default();
    let mut code: Option<(&str, usize, String)> = None;
    // The field that lines without a key go on: `task` or the last hint.
    let mut going_on: Option<&str> = None;
    for (index, line) in source.lines().enumerate() {
        let number = index + 1;
        if let Some((name, start, mut text)) = code.take() {
            if line.trim_end() == "~~~" {
                let slot = if name == "starter" {
                    &mut fields.starter
                } else {
                    &mut fields.reference
                };
                if slot.is_some() {
                    return Err(error(
                        start,
                        format!("a second `~~~{name}` block: an exercise has one"),
                    ));
                }
                *slot = Some(text);
            } else {
                text.push_str(line);
                text.push('\n');
                code = Some((name, start, text));
            }
            continue;
        }
        if let Some(name) = line.strip_prefix("~~~") {
            let name = match name.trim() {
                "starter" => "starter",
                "reference" => "reference",
                other => {
                    return Err(error(number, format!(
                        "unknown code block `~~~{other}` in an exercise; expected `~~~starter` or `~~~reference`"
                    )))
                }
            };
            code = Some((name, number, String::new()));
            going_on = None;
            continue;
        }
        if line.trim().is_empty() {
            going_on = None;
            continue;
        }
        match line
            .split_once(':')
            .filter(|(key, _)| !key.starts_with(' '))
        {
            Some((key, value)) if is_key(key) => {
                going_on = field(&mut fields, key, value.trim(), number)?;
            }
            _ => match going_on {
                Some("task") => push_line(fields.task.get_or_insert_default(), line),
                Some(_) => push_line(fields.hints.last_mut().expect("a hint was started"), line),
                None => {
                    let key = line
                        .split_once(':')
                        .map_or(line.trim(), |(key, _)| key.trim());
                    return Err(error(
                        number,
                        format!("unknown field `{key}` in an exercise; expected {FIELDS}"),
                    ));
                }
            },
        }
    }
    if let Some((name, start, _)) = code {
        return Err(error(
            start,
            format!("the `~~~{name}` block has no closing `~~~`"),
        ));
    }
    Ok(fields)
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

fn push_line(text: &mut String, line: &str) {
    text.push('\n');
    text.push_str(line.trim());
}

/// Sets one field; returns the field that later lines go on, if any.
fn field(
    fields: &mut Fields,
    key: &str,
    value: &str,
    line: usize,
) -> Result<Option<&'static str>, ExerciseError> {
    let once = |slot: &mut Option<String>, value: &str| {
        if slot.is_some() {
            return Err(error(
                line,
                format!("a second `{key}:`: an exercise has one"),
            ));
        }
        *slot = Some(value.to_string());
        Ok(())
    };
    match key {
        "id" => {
            if value.is_empty()
                || !value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(error(
                    line,
                    format!(
                        "the id `{value}` is not valid: use lowercase letters, digits and hyphens"
                    ),
                ));
            }
            once(&mut fields.id, value)?;
            Ok(None)
        }
        "title" => once(&mut fields.title, value).map(|()| None),
        "task" => once(&mut fields.task, value).map(|()| Some("task")),
        "hint" => {
            fields.hints.push(value.to_string());
            Ok(Some("hint"))
        }
        "rules" => {
            for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let rule = Rule::from_name(name).ok_or_else(|| {
                    error(
                        line,
                        format!("unknown rule `{name}`; the server grades {}", Rule::list()),
                    )
                })?;
                if let Some(other) = fields
                    .rules
                    .iter()
                    .find(|r| r.scenario() != rule.scenario())
                {
                    return Err(error(
                        line,
                        format!(
                        "the rules `{}` and `{name}` need the server to behave in two different \
                         ways: put them in two exercises",
                        other.name()
                    ),
                    ));
                }
                fields.rules.push(rule);
            }
            Ok(None)
        }
        _ => Err(error(
            line,
            format!("unknown field `{key}` in an exercise; expected {FIELDS}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "id: close-with-intent\ntitle: Close with intent\n\
        rules: closes-with-code-and-reason\ntask: Close the socket\n  with 4000.\n\
        hint: `socket.close(code, reason)`\n~~~starter\nconst s = new WebSocket(EXERCISE.url);\n~~~\n\
        ~~~reference\nconst s = new WebSocket(EXERCISE.url);\ns.onopen = () => s.close(4000, \"done\");\n~~~\n";

    #[test]
    fn reads_every_field_and_renders_them_without_javascript() {
        let exercise = exercise(GOOD).unwrap();
        assert_eq!(exercise.id, "close-with-intent");
        assert_eq!(exercise.rules, vec![Rule::ClosesWithCodeAndReason]);
        for part in [
            "id=\"exercise-close-with-intent\"",
            "Close the socket\nwith 4000.",
            "data-rule=\"closes-with-code-and-reason\"",
            "Hint 1",
            "A reference solution",
            "/api/exercises/close-with-intent/token",
        ] {
            assert!(
                exercise.html.contains(part),
                "no {part:?} in {}",
                exercise.html
            );
        }
    }

    #[test]
    fn says_which_line_is_wrong_and_what_was_expected() {
        let unknown_rule = GOOD.replace("closes-with-code-and-reason", "reconnects-quickly");
        let e = exercise(&unknown_rule).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.message.starts_with(
                "unknown rule `reconnects-quickly`; the server grades `posts-with-bearer`"
            ),
            "{}",
            e.message
        );
        let two_scenarios = GOOD.replace(
            "closes-with-code-and-reason",
            "closes-with-code-and-reason, backs-off",
        );
        assert!(exercise(&two_scenarios)
            .unwrap_err()
            .message
            .contains("two different ways"));
        let no_reference = GOOD.split("~~~reference").next().unwrap().to_string();
        let e = exercise(&no_reference).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                1,
                "this exercise has no `~~~reference` block with a solution that passes"
            )
        );
        let unknown_field = GOOD.replace("title:", "name:");
        let e = exercise(&unknown_field).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.starts_with("unknown field `name`"),
            "{}",
            e.message
        );
        let unclosed = GOOD.trim_end().trim_end_matches("~~~").to_string();
        assert!(exercise(&unclosed)
            .unwrap_err()
            .message
            .contains("has no closing `~~~`"));
    }
}
