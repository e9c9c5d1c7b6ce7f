use leptos::prelude::*;

use super::lesson_href;
use crate::model::course::LessonSummary;

/// Links to the lessons before and after this one on the path.
#[component]
pub fn PrevNext(prev: Option<LessonSummary>, next: Option<LessonSummary>) -> impl IntoView {
    view! {
        <nav class="prev-next" aria-label="Previous and next lesson">
            {prev.map(|lesson| { let href = lesson_href(&lesson); view! {
                <a class="prev" href=href rel="prev">
                    <span class="direction">"Previous"</span>
                    <span class="title">{lesson.title}</span>
                </a>
            }})}
            {next.map(|lesson| { let href = lesson_href(&lesson); view! {
                <a class="next" href=href rel="next">
                    <span class="direction">"Next"</span>
                    <span class="title">{lesson.title}</span>
                </a>
            }})}
        </nav>
    }
}
