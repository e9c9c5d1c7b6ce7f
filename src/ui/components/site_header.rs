use leptos::prelude::*;

use crate::content::search::MAX_QUERY_CHARS;

/// Fills in the protocol this page arrived over, as the browser saw it
/// (`PerformanceNavigationTiming.nextHopProtocol`): behind a proxy, that is
/// the proxy's protocol, which the server cannot know. Without JavaScript the
/// line stays hidden. Allowed by the page's CSP through its hash.
const PAGE_PROTOCOL_SCRIPT: &str = r#"(()=>{let p=performance.getEntriesByType("navigation")[0]?.nextHopProtocol,e=document.getElementById("page-protocol");if(p&&e){e.querySelector("b").textContent={h2:"HTTP/2",h3:"HTTP/3"}[p]||p.toUpperCase();e.hidden=!1}})()"#;

/// The bar at the top of every page, with a skip link for keyboard users
/// and the search box (a plain form: `GET /search?q=`). `query` fills the
/// box on the results page.
#[component]
pub fn SiteHeader(#[prop(optional, into)] query: String) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"⇄"</span>
                "Realtime Lab"
            </a>
            <p class="tagline">"Server-Sent Events or WebSockets, seen live"</p>
            <form class="site-search" role="search" action="/search" method="get">
                <label class="visually-hidden" for="site-search-q">"Search the lessons"</label>
                <input id="site-search-q" type="search" name="q" value=query placeholder="Search the lessons"
                    maxlength=MAX_QUERY_CHARS autocomplete="off" />
                <button type="submit">"Search"</button>
            </form>
            <p class="page-protocol" id="page-protocol" hidden>"This page arrived over " <b></b></p>
            <script inner_html=PAGE_PROTOCOL_SCRIPT></script>
        </header>
    }
}
