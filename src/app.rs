//! The HTML shell and the routes of the site.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::ui::pages::{DemoPage, HomePage, LessonPage, NotFound};

/// The document around every page, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/realtime-lab.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Realtime Lab".to_string() } else { format!("{title} · Realtime Lab") }
        } />
        <Meta
            name="description"
            content="An interactive course: Server-Sent Events or WebSockets, and why HTTP/1.1 versus HTTP/2 changes the answer."
        />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=HomePage />
                <Route path=path!("/lessons/:slug") view=LessonPage />
                <Route path=path!("/demos/:name") view=DemoPage />
            </Routes>
        </Router>
    }
}
