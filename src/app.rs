//! The HTML shell and the routes of the site, rendered on the server only.
//!
//! Every page is plain HTML and CSS. Only a page that shows a live demo (an
//! island) loads the WebAssembly and the script that hydrates its islands:
//! the shell reads the request's path and asks the course whether that page
//! has one.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::content::ContentStore;
use crate::http::assets::SiteAssets;
use crate::model::course::DemoName;
use crate::realtime::RealtimeState;
use crate::ui::components::{IslandScripts, LivePreviewScript};
use crate::ui::pages::{
    DemoPage, GuidePage, HomePage, LessonPage, NotFound, PresentPage, SearchPage,
};

/// Applies the theme the learner picked in the header (site_header.rs keeps
/// it in `localStorage["realtime-lab-theme"]`: `light` or `dark`; none
/// follows the system) as `data-theme` on `<html>`, which style/main.css
/// reads, and in the `color-scheme` meta the browser goes by until the
/// stylesheet is in. It runs in `<head>`, before the stylesheet and before
/// anything paints, so a page never shows the other theme first. Storage can
/// throw (blocked, sandboxed): the page then follows the system. Allowed by
/// the page's CSP through its hash.
const THEME_SCRIPT: &str = r#"try{let t=localStorage.getItem("realtime-lab-theme");if(t=="light"||t=="dark"){document.documentElement.dataset.theme=t;document.querySelector("meta[name=color-scheme]").content=t}}catch(e){}"#;

/// The document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let islands = use_context::<http::request::Parts>()
        .is_some_and(|request| page_has_islands(request.uri.path()));
    if !islands {
        // Nothing on this page hydrates: render no hydration markers either.
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
    }
    // Only while the server watches a folder of lessons (an author previewing).
    let live_preview = use_context::<ContentStore>().is_some_and(|c| c.is_watched());
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <script inner_html=THEME_SCRIPT></script>
                <AutoReload options />
                {islands.then(|| view! { <IslandScripts /> })}
                {live_preview.then(|| view! { <LivePreviewScript /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether the page at `path` has an island: a demo's own page, a
/// lesson that places a demo or a knowledge check, and, while the host runs
/// a room, the course path, every lesson and the presenter's pages.
fn page_has_islands(path: &str) -> bool {
    let room = use_context::<RealtimeState>().is_some_and(|r| r.room.is_some());
    if room && (path == "/" || path.starts_with("/lessons/") || path.starts_with("/present")) {
        return true;
    }
    if let Some(name) = path.strip_prefix("/demos/") {
        return DemoName::from_name(name).is_some_and(DemoName::has_island);
    }
    let Some(slug) = path.strip_prefix("/lessons/") else {
        return false;
    };
    let Some(content) = use_context::<ContentStore>() else {
        return false;
    };
    content
        .course()
        .lessons()
        .iter()
        .any(|lesson| lesson.summary.slug == slug && lesson.has_islands())
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Absent only while the route list is gathered, when nothing renders.
    let stylesheet = use_context::<SiteAssets>()
        .map(|assets| assets.stylesheet_href())
        .unwrap_or_default();
    view! {
        <Stylesheet id="leptos" href=stylesheet />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Realtime Lab".to_string() } else { format!("{title} · Realtime Lab") }
        } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage />
                <Route path=path!("/lessons/:slug") view=LessonPage />
                <Route path=path!("/demos/:name") view=DemoPage />
                <Route path=path!("/search") view=SearchPage />
                <Route path=path!("/guide") view=GuidePage />
                <Route path=path!("/present") view=PresentPage />
                <Route path=path!("/present/:slug") view=PresentPage />
            </Routes>
        </Router>
    }
}
