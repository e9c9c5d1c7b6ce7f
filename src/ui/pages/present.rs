use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::content::ContentStore;
use crate::realtime::RealtimeState;
use crate::ui::components::{Presenting, RoomRole, SiteHeader};
use crate::ui::pages::lesson::LessonView;
use crate::ui::pages::NotFound;

/// `/present/:slug` (and `/present`, the first lesson): the lesson as
/// learners see it, with the presenter's controls. Only for the browser
/// that opened the presenter's link (its cookie); rendered per request and
/// never cached (`server::page_cache`). Its links to other lessons go to
/// their presenter's pages.
#[component]
pub fn PresentPage() -> impl IntoView {
    let realtime = expect_context::<RealtimeState>();
    let request = use_context::<http::request::Parts>();
    let Some(room) = realtime.room.clone() else {
        return view! { <NotFound /> }.into_any();
    };
    let admitted = request
        .as_ref()
        .is_some_and(|r| room.presenter().admits(&r.headers));
    if !admitted {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return view! { <NotPresenter /> }.into_any();
    }
    let course = expect_context::<ContentStore>().course();
    let slug = use_params_map()
        .read_untracked()
        .get("slug")
        .unwrap_or_else(|| {
            let lessons = course.lessons();
            lessons
                .first()
                .map(|l| l.summary.slug.clone())
                .unwrap_or_default()
        });
    let host = request
        .as_ref()
        .and_then(|r| r.headers.get(http::header::HOST))
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    provide_context(Presenting);
    let role = RoomRole::Presenter {
        join_url: room.join_url(&host),
    };
    match course.page(&slug) {
        Some(detail) => view! { <LessonView detail room=Some(role) /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

#[component]
fn NotPresenter() -> impl IntoView {
    view! {
        <Title text="Presenter only" />
        <SiteHeader />
        <main id="main" class="not-found">
            <h1>"Presenter only"</h1>
            <p>
                "This page drives the room, so it opens only in the browser that opened the presenter's link. "
                "The server printed that link when it started."
            </p>
            <p><a href="/room">"Join the room as a learner"</a></p>
        </main>
    }
}
