use leptos::prelude::*;

use super::{lesson_href, LessonProgress};
use crate::model::course::LessonSummary;

/// The list of all lessons beside a lesson. On a phone it folds away behind
/// its summary (a `<details>`, so no script is needed), and the lesson comes
/// first on a small screen; on a wide screen the stylesheet keeps it open.
#[component]
pub fn CourseNav(course: Vec<LessonSummary>, current: String) -> impl IntoView {
    let items = course
        .into_iter()
        .enumerate()
        .map(|(i, lesson)| {
            let is_current = lesson.slug == current;
            let href = lesson_href(&lesson);
            let (slug, checks, exercises) = (lesson.slug.clone(), lesson.checks, lesson.exercises);
            view! {
                <li>
                    <a
                        href=href
                        aria-current=is_current.then_some("page")
                        class:current=is_current
                    >
                        <span class="lesson-index">{i + 1}</span>
                        {lesson.title}
                        <LessonProgress slug checks exercises />
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="course-nav" aria-label="Lessons">
            <details class="nav-fold">
                <summary class="nav-toggle">"All lessons"</summary>
                <ol id="course-nav-list">{items}</ol>
            </details>
        </nav>
    }
}
