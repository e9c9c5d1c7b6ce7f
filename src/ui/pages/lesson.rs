use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::content::ContentStore;
use crate::model::course::{EditUrl, LessonDetail};
use crate::realtime::RealtimeState;
use crate::ui::components::{
    CourseNav, LessonBody, Planned, PrevNext, ProgressScript, RoomFrame, RoomRole, SiteHeader,
    TableOfContents,
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
    let room = expect_context::<RealtimeState>()
        .room
        .is_some()
        .then_some(RoomRole::Learner);
    match expect_context::<ContentStore>().course().page(&slug) {
        Some(detail) => view! { <LessonView detail room /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

/// A lesson, with presenter mode's strip on top while the host runs a room.
#[component]
pub fn LessonView(detail: LessonDetail, room: Option<RoomRole>) -> impl IntoView {
    let LessonDetail {
        number,
        lesson,
        toc,
        segments,
        code_tabs,
        course,
        prev,
        next,
        file,
        updated,
    } = detail;
    let edit = use_context::<EditUrl>().map(|url| {
        view! { " · " <a href=url.for_file(&file)>"Edit this page"</a> }
    });
    let updated = updated.map(|date| {
        let shown = date.clone();
        view! { " · Last updated " <time datetime=date>{shown}</time> }
    });
    let total = course.len();
    let planned = Planned {
        lesson: lesson.duration_secs,
        workshop: course.iter().filter_map(|l| l.duration_secs).sum(),
    };
    let room = room.map(|role| {
        view! {
            <RoomFrame
                role
                slug=lesson.slug.clone()
                prev=prev.as_ref().map(|p| p.slug.clone())
                next=next.as_ref().map(|n| n.slug.clone())
                checks=lesson.checks
                planned
            />
        }
    });
    view! {
        <Title text=lesson.title.clone() />
        <Meta name="description" content=lesson.summary.clone() />
        <SiteHeader />
        <div class="lesson-layout">
            <CourseNav course current=lesson.slug.clone() />
            <main id="main" class="lesson">
                {room}
                <article aria-labelledby="lesson-title">
                    <header class="lesson-header">
                        <p class="lesson-number">"Lesson " {number} " of " {total}</p>
                        <h1 id="lesson-title">{lesson.title}</h1>
                        <p class="lede">{lesson.summary}</p>
                    </header>
                    <LessonBody segments code_tabs />
                    <div data-lesson-end=lesson.slug.clone()></div>
                    <p class="lesson-source">
                        <a href=format!("/lessons/{}.md", lesson.slug) type="text/markdown">
                            "This lesson as Markdown"
                        </a>
                        {edit}
                        {updated}
                    </p>
                </article>
                <PrevNext prev next />
                <ProgressScript />
            </main>
            <TableOfContents toc />
        </div>
    }
}
