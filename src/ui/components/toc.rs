use leptos::prelude::*;

use crate::model::course::TocEntry;

/// "On this page": the lesson's `##` and `###` headings.
#[component]
pub fn TableOfContents(toc: Vec<TocEntry>) -> impl IntoView {
    if toc.is_empty() {
        return ().into_any();
    }
    let entries = toc
        .into_iter()
        .map(|entry| {
            view! {
                <li class=format!("toc-level-{}", entry.level)>
                    <a href=format!("#{}", entry.id)>{entry.title}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="toc" aria-labelledby="toc-title">
            <h2 id="toc-title">"On this page"</h2>
            <ul>{entries}</ul>
        </nav>
    }
    .into_any()
}
