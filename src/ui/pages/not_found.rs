use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::SiteHeader;

/// Any unknown path, and a lesson slug that does not exist. On the server it
/// sets the response status to 404.
#[component]
pub fn NotFound() -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <SiteHeader />
        <main id="main" class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have been renamed, or the link has a typo."</p>
            <p><a href="/">"Go to the course path"</a></p>
        </main>
    }
}
