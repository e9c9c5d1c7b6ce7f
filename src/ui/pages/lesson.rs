use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::api::get_lesson;
use crate::model::course::LessonDetail;
use crate::ui::components::{CourseNav, LessonBody, PrevNext, SiteHeader, TableOfContents};
use crate::ui::pages::NotFound;

/// `/lessons/:slug`. The lesson is loaded before the page streams, so its
/// `<title>` and description are in the `<head>` a crawler or a link preview reads.
#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let lesson = Resource::new_blocking(
        move || params.read().get("slug").unwrap_or_default(),
        get_lesson,
    );
    view! {
        <Suspense fallback=|| view! { <SiteHeader /><p class="loading">"Loading the lesson…"</p> }>
            {move || Suspend::new(async move {
                match lesson.await {
                    Ok(Some(detail)) => view! { <LessonView detail /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! {
                        <SiteHeader />
                        <main id="main">
                            <p class="error" role="alert">"The lesson could not be loaded: " {error.to_string()}</p>
                        </main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LessonView(detail: LessonDetail) -> impl IntoView {
    let LessonDetail {
        number,
        lesson,
        toc,
        segments,
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
                    <LessonBody segments />
                </article>
                <PrevNext prev next />
            </main>
            <TableOfContents toc />
        </div>
    }
}
