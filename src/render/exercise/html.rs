//! An exercise's HTML, which says everything without JavaScript: the task,
//! the rules (each with a place for the server's verdict), the starter,
//! the hints, how to pass from a terminal, and the reference.

use pulldown_cmark::{html, Parser};

use crate::model::exercise::Rule;
use crate::render::highlight::{self, escape};

/// What an exercise block says, field by field, as `super::parse` reads it.
#[derive(Default)]
pub(super) struct Fields {
    pub(super) id: Option<String>,
    pub(super) title: Option<String>,
    pub(super) rules: Vec<Rule>,
    pub(super) task: Option<String>,
    pub(super) hints: Vec<String>,
    pub(super) starter: Option<String>,
    pub(super) reference: Option<String>,
}

/// Markdown of a task or a hint, as HTML.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(text, crate::render::options()));
    out
}

pub(super) fn exercise_html(
    id: &str,
    title: &str,
    task: &str,
    fields: &Fields,
    starter: &str,
    reference: &str,
) -> Result<String, String> {
    // Plain, not coloured: the editor colours the code in the page, and a
    // coloured copy of two programs per exercise would double the lesson's HTML.
    let code = |text: &str| {
        highlight::code_block(text, "text").map_err(|e| format!("the exercise's code: {e}"))
    };
    let id = escape(id);
    let scenario = fields.rules[0].scenario();
    let mut html = format!(
        "<section class=\"exercise\" id=\"exercise-{id}\" data-exercise=\"{id}\" \
         aria-labelledby=\"exercise-{id}-title\">\n\
         <h3 id=\"exercise-{id}-title\"><span class=\"exercise-kind\">Exercise</span> {}</h3>\n\
         <div class=\"exercise-task\">{}</div>\n\
         <h4>The server checks that your code</h4>\n<ul class=\"exercise-rules\">\n",
        escape(title),
        markdown(task)
    );
    for rule in &fields.rules {
        html.push_str(&format!(
            "<li data-rule=\"{}\" data-standing=\"waiting\"><span class=\"verdict-mark\" aria-hidden=\"true\"></span>\
             <span class=\"verdict-rule\"><span class=\"verdict-said visually-hidden\"></span>{}</span> \
             <span class=\"verdict-evidence\"></span></li>\n",
            rule.name(),
            escape(rule.describe())
        ));
    }
    html.push_str(
        "</ul>\n<div class=\"exercise-code\">\n<p class=\"exercise-label\">Starter code</p>\n",
    );
    html.push_str(&code(starter)?);
    html.push_str("\n</div>\n");
    for (n, hint) in fields.hints.iter().enumerate() {
        html.push_str(&format!(
            "<details class=\"exercise-hint\"><summary>Hint {}</summary>{}</details>\n",
            n + 1,
            markdown(hint)
        ));
    }
    let path = scenario.path();
    let connect = match path {
        "events" => "curl -N \"$SITE/x/$TOKEN/events\"        # or your own client",
        _ => "websocat \"ws://${SITE#*://}/x/$TOKEN/socket\"   # or your own client",
    };
    html.push_str(&format!(
        "<details class=\"exercise-terminal\"><summary>Pass it from a terminal or your own app</summary>\n\
         <p>Get a personal address (a token), point your own client at it, then read the same \
         checklist the page shows:</p>\n\
         <pre class=\"code\" tabindex=\"0\"><code>SITE=http://localhost:3000   # this site's address\n\
         TOKEN=$(curl -s -X POST \"$SITE/api/exercises/{id}/token?as=text\")\n\
         {connect}\n\
         curl \"$SITE/api/exercises/tokens/$TOKEN\"   # the checklist</code></pre>\n\
         </details>\n"
    ));
    html.push_str(
        "<details class=\"exercise-reference\"><summary>A reference solution</summary>\n",
    );
    html.push_str(&code(reference)?);
    html.push_str("\n</details>\n</section>\n");
    Ok(html)
}
