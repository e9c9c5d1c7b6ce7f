use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::list_lessons;
use crate::ui::components::SiteHeader;

/// The course path: every lesson in order, with its summary.
#[component]
pub fn HomePage() -> impl IntoView {
    let lessons = Resource::new(|| (), |_| list_lessons());
    view! {
        <Title text="" />
        <SiteHeader />
        <main id="main" class="home">
            <section class="hero">
                <h1>"Server-Sent Events or WebSockets?"</h1>
                <p class="lede">
                    "Both push data to the browser without polling. This course shows you, live in your own browser, "
                    "how each one works, what goes over the wire, and why HTTP/1.1 versus HTTP/2 changes the answer."
                </p>
            </section>
            <section aria-labelledby="path-title">
                <h2 id="path-title">"The course path"</h2>
                <Suspense fallback=|| view! { <p class="loading">"Loading the lessons…"</p> }>
                    {move || Suspend::new(async move {
                        match lessons.await {
                            Ok(lessons) => {
                                let items = lessons
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, lesson)| { let href = lesson.href(); view! {
                                        <li class="path-step">
                                            <span class="step-number" aria-hidden="true">{i + 1}</span>
                                            <div>
                                                <h3><a href=href>{lesson.title}</a></h3>
                                                <p>{lesson.summary}</p>
                                            </div>
                                        </li>
                                    }})
                                    .collect_view();
                                view! { <ol class="course-path">{items}</ol> }.into_any()
                            }
                            Err(error) => view! {
                                <p class="error" role="alert">"The lessons could not be loaded: " {error.to_string()}</p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
