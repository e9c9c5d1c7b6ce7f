use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::content::search::Hit;
use crate::content::ContentStore;
use crate::ui::components::SiteHeader;

/// `/search?q=…`: the lessons' sections that match, best first, each with
/// a passage where the words matched are marked. A plain form and a plain
/// page: it works without JavaScript, and every page's header has the box.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    let query = query.trim().to_string();
    let hits = expect_context::<ContentStore>().course().search(&query);
    let status = match (query.is_empty(), hits.len()) {
        (true, _) => {
            "Type a word or two in the search box: every section of every lesson is searched."
                .to_string()
        }
        (false, 0) => format!(
            "No section of any lesson matches “{query}”. Try another word, or a shorter one."
        ),
        (false, 1) => format!("1 section matches “{query}”."),
        (false, n) => format!("{n} sections match “{query}”, best first."),
    };
    // Not the query: leptos_meta writes a title's text unescaped, and `<title>`
    // ends at the first `</title>`, which a query could hold.
    let title = if query.is_empty() {
        "Search"
    } else {
        "Search results"
    };
    view! {
        <Title text=title />
        <Meta name="robots" content="noindex" />
        <SiteHeader query=query.clone() />
        <main id="main" class="search-page">
            <h1>"Search the lessons"</h1>
            <p role="status">{status}</p>
            {(!hits.is_empty()).then(|| view! {
                <ol class="search-results">{hits.into_iter().map(|hit| view! { <SearchHit hit /> }).collect_view()}</ol>
            })}
            <p><a href="/">"All lessons"</a></p>
        </main>
    }
}

#[component]
fn SearchHit(hit: Hit) -> impl IntoView {
    let Hit {
        href,
        lesson,
        section,
        snippet_html,
    } = hit;
    view! {
        <li>
            <h2><a href=href>{section.unwrap_or_else(|| lesson.clone())}</a></h2>
            <p class="search-result-lesson">{lesson}</p>
            // Escaped by `content::search`, with only its own <mark> tags.
            <p class="search-snippet" inner_html=snippet_html></p>
        </li>
    }
}
