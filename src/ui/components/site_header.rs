use leptos::prelude::*;

use crate::content::search::MAX_QUERY_CHARS;

/// Fills in the protocol this page arrived over, as the browser saw it
/// (`PerformanceNavigationTiming.nextHopProtocol`): behind a proxy, that is
/// the proxy's protocol, which the server cannot know. Without JavaScript the
/// line stays hidden. Allowed by the page's CSP through its hash.
const PAGE_PROTOCOL_SCRIPT: &str = r#"(()=>{let p=performance.getEntriesByType("navigation")[0]?.nextHopProtocol,e=document.getElementById("page-protocol");if(p&&e){e.querySelector("b").textContent={h2:"HTTP/2",h3:"HTTP/3"}[p]||p.toUpperCase();e.hidden=!1}})()"#;

/// Wires the theme control: marks the learner's theme pressed (the one
/// app.rs's head script applied from `localStorage["realtime-lab-theme"]`,
/// or System), applies and keeps a press (`"light"`, `"dark"`, or no key for
/// System; a theme picked in another tab follows), then shows the control.
/// Without JavaScript it stays hidden and the page follows the system.
/// Allowed by the page's CSP through its hash.
const THEME_CHOICE_SCRIPT: &str = r#"(()=>{let g=document.getElementById("theme-choice"),d=document.documentElement,K="realtime-lab-theme",s=t=>{t=="light"||t=="dark"?d.dataset.theme=t:delete d.dataset.theme;for(let b of g.querySelectorAll("button"))b.setAttribute("aria-pressed",b.value==(d.dataset.theme||"system"))};s(d.dataset.theme);g.addEventListener("click",e=>{let t=e.target.value;if(t){s(t);try{t=="system"?localStorage.removeItem(K):localStorage.setItem(K,t)}catch(e){}}});addEventListener("storage",e=>{(e.key==K||!e.key)&&s(e.newValue)});g.hidden=!1})()"#;

/// The bar at the top of every page, with a skip link for keyboard users,
/// the search box (a plain form: `GET /search?q=`) and the theme control
/// (System, Light, Dark; pressed is the one in use). `query` fills the box
/// on the results page.
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
            <div class="theme-choice" id="theme-choice" role="group" aria-labelledby="theme-choice-label" hidden>
                <span class="theme-choice-label" id="theme-choice-label">"Theme"</span>
                <button type="button" value="system" aria-pressed="false">"System"</button>
                <button type="button" value="light" aria-pressed="false">"Light"</button>
                <button type="button" value="dark" aria-pressed="false">"Dark"</button>
            </div>
            <p class="page-protocol" id="page-protocol" hidden>"This page arrived over " <b></b></p>
            <script inner_html=PAGE_PROTOCOL_SCRIPT></script>
            <script inner_html=THEME_CHOICE_SCRIPT></script>
        </header>
    }
}
