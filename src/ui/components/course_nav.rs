use leptos::prelude::*;

use crate::model::course::LessonSummary;

/// The list of all lessons beside a lesson. On a phone it folds away behind
/// a button, so the lesson comes first on a small screen.
#[component]
pub fn CourseNav(course: Vec<LessonSummary>, current: String) -> impl IntoView {
    let (open, set_open) = signal(false);
    let items = course
        .into_iter()
        .enumerate()
        .map(|(i, lesson)| {
            let is_current = lesson.slug == current;
            let href = lesson.href();
            view! {
                <li>
                    <a
                        href=href
                        aria-current=is_current.then_some("page")
                        class:current=is_current
                    >
                        <span class="lesson-index">{i + 1}</span>
                        {lesson.title}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="course-nav" aria-label="Lessons">
            <button
                class="nav-toggle"
                aria-controls="course-nav-list"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| set_open.update(|open| *open = !*open)
            >
                // One name; aria-expanded tells whether the list is open.
                "All lessons"
            </button>
            <ol id="course-nav-list" class:open=open>
                {items}
            </ol>
        </nav>
    }
}
