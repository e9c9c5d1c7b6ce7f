use leptos::prelude::*;

/// The bar at the top of every page, with a skip link for keyboard users.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⇄"</span>
                "Realtime Lab"
            </a>
            <p class="tagline">"Server-Sent Events or WebSockets, seen live"</p>
        </header>
    }
}
