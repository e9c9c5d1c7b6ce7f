//! The course as Markdown, for readers that are not browsers (a language
//! model, a script, a learner who wants the source): `/lessons/{slug}.md`
//! is a lesson as its author wrote it, headed by its title and summary, its
//! demos named by their directives and its sources kept (its speaker notes,
//! the presenter's alone, left out); `/llms.txt` lists
//! the course in the format llmstxt.org proposes.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::content::course::Course;
use crate::content::ContentStore;
use crate::render::speaker_notes;

const MARKDOWN: &str = "text/markdown; charset=utf-8";

/// In front of the pages: `/lessons/{slug}.md` is answered here, every
/// other request goes on to the page it names.
pub async fn lesson_markdown(
    State(content): State<ContentStore>,
    request: Request,
    next: Next,
) -> Response {
    let slug = request
        .uri()
        .path()
        .strip_prefix("/lessons/")
        .and_then(|rest| rest.strip_suffix(".md"))
        .map(str::to_string);
    let Some(slug) = slug else {
        return next.run(request).await;
    };
    let course = content.course();
    match lesson_text(&course, &slug) {
        Some(text) => markdown(text),
        None => (
            StatusCode::NOT_FOUND,
            format!("There is no lesson `{slug}`: /llms.txt lists them.\n"),
        )
            .into_response(),
    }
}

/// `GET /llms.txt`: the course, a line per lesson, each linking its Markdown.
pub async fn llms_txt(State(content): State<ContentStore>) -> Response {
    let course = content.course();
    let mut text = String::from(
        "# Realtime Lab\n\n\
         > An interactive course on Server-Sent Events and WebSockets, and on why HTTP/1.1 \
         and HTTP/2 change the answer: each lesson explains, shows it live against this \
         server, and cites its sources.\n\n\
         ## Lessons\n\n",
    );
    for lesson in course.lessons() {
        let summary = &lesson.summary;
        text.push_str(&format!(
            "- [{}]({}.md): {}\n",
            summary.title,
            summary.href(),
            summary.summary
        ));
    }
    text.push_str("\n## Optional\n\n- [The authors' guide](/guide): writing a lesson\n");
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The lesson `slug` as Markdown: its title, its summary, its text.
fn lesson_text(course: &Course, slug: &str) -> Option<String> {
    let lesson = course.lessons().iter().find(|l| l.summary.slug == slug)?;
    Some(format!(
        "# {}\n\n> {}\n\n{}",
        lesson.summary.title,
        lesson.summary.summary,
        speaker_notes::strip(&lesson.markdown).trim_start()
    ))
}

fn markdown(text: String) -> Response {
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(MARKDOWN));
    response
}
