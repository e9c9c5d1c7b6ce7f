use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::content::ContentStore;
use crate::realtime::RealtimeState;
use crate::ui::components::{LessonProgress, ProgressScript, RoomFrame, RoomRole, SiteHeader};

/// The course path: every lesson in order, with its summary. The course is
/// in memory, so the page renders at once, complete in the server's HTML.
#[component]
pub fn HomePage() -> impl IntoView {
    let lessons = expect_context::<ContentStore>().course().summaries();
    let items = lessons
        .into_iter()
        .enumerate()
        .map(|(i, lesson)| {
            let href = lesson.href();
            let (slug, checks, exercises) = (lesson.slug.clone(), lesson.checks, lesson.exercises);
            view! {
                <li class="path-step">
                    <span class="step-number" aria-hidden="true">{i + 1}</span>
                    <div>
                        <h3><a href=href>{lesson.title}<LessonProgress slug checks exercises /></a></h3>
                        <p>{lesson.summary}</p>
                    </div>
                </li>
            }
        })
        .collect_view();
    // While the host runs a room, a learner who joins before the first move waits here.
    let room = expect_context::<RealtimeState>().room.is_some().then(|| {
        view! { <RoomFrame role=RoomRole::Learner slug=String::new() prev=None next=None checks=0 /> }
    });
    view! {
        <Title text="" />
        <Meta
            name="description"
            content="An interactive course: Server-Sent Events or WebSockets, and why HTTP/1.1 versus HTTP/2 changes the answer."
        />
        <SiteHeader />
        <main id="main" class="home">
            {room}
            <section class="hero">
                <h1>"Server-Sent Events or WebSockets?"</h1>
                <p class="lede">
                    "Both push data to the browser without polling. This course shows you, live in your own browser, "
                    "how each one works, what goes over the wire, and why HTTP/1.1 versus HTTP/2 changes the answer."
                </p>
            </section>
            <section aria-labelledby="path-title">
                <h2 id="path-title">"The course path"</h2>
                <ol class="course-path">{items}</ol>
                <ProgressScript />
            </section>
            <p class="home-authors">
                "Writing a lesson? The " <a href="/guide">"authors' guide"</a>
                " shows everything a lesson file can hold, with examples."
            </p>
        </main>
    }
}
