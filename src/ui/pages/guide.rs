use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::content::guide::guide;
use crate::ui::components::{LessonBody, SiteHeader, TableOfContents};
use crate::ui::pages::NotFound;

/// `/guide`: the authors' guide (`content::guide`), laid out like a lesson,
/// its examples shown as typed and as they render.
#[component]
pub fn GuidePage() -> impl IntoView {
    let guide = match guide() {
        Ok(guide) => guide.clone(),
        Err(errors) => {
            // The tests load the guide; a build that ships a broken one says so here.
            tracing::error!("the authors' guide does not load: {errors}");
            return view! { <NotFound /> }.into_any();
        }
    };
    view! {
        <Title text=guide.title.clone() />
        <Meta name="description" content=guide.summary.clone() />
        <SiteHeader />
        <div class="lesson-layout guide-layout">
            <main id="main" class="lesson">
                <article aria-labelledby="lesson-title">
                    <header class="lesson-header">
                        <p class="lesson-number">"For authors"</p>
                        <h1 id="lesson-title">{guide.title}</h1>
                        <p class="lede">{guide.summary}</p>
                    </header>
                    <LessonBody segments=guide.segments code_tabs=guide.code_tabs />
                </article>
            </main>
            <TableOfContents toc=guide.toc />
        </div>
    }
    .into_any()
}
