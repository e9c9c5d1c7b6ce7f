use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::content::ContentStore;
use crate::model::course::LessonDetail;
use crate::ui::components::{
    CourseNav, LessonBody, PrevNext, ProgressScript, SiteHeader, TableOfContents,
};
use crate::ui::pages::NotFound;

/// `/lessons/:slug`, rendered synchronously from the course in memory: the
/// lesson, its `<title>` and description are in the server's HTML, in
/// document order, with no loading state and no script needed to read it.
#[component]
pub fn LessonPage() -> impl IntoView {
    let slug = use_params_map()
        .read_untracked()
        .get("slug")
        .unwrap_or_default();
    match expect_context::<ContentStore>().course().page(&slug) {
        Some(detail) => view! { <LessonView detail /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

#[component]
fn LessonView(detail: LessonDetail) -> impl IntoView {
    let LessonDetail {
        number,
        lesson,
        toc,
        segments,
        code_tabs,
        course,
        prev,
        next,
    } = detail;
    let total = course.len();
    view! {
        <Title text=lesson.title.clone() />
        <Meta name="description" content=lesson.summary.clone() />
        <SiteHeader />
        <div class="lesson-layout">
            <CourseNav course current=lesson.slug.clone() />
            <main id="main" class="lesson">
                <article aria-labelledby="lesson-title">
                    <header class="lesson-header">
                        <p class="lesson-number">"Lesson " {number} " of " {total}</p>
                        <h1 id="lesson-title">{lesson.title}</h1>
                        <p class="lede">{lesson.summary}</p>
                    </header>
                    <LessonBody segments code_tabs />
                    <div data-lesson-end=lesson.slug.clone()></div>
                </article>
                <PrevNext prev next />
                <ProgressScript />
            </main>
            <TableOfContents toc />
        </div>
    }
}
