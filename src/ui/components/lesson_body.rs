use leptos::prelude::*;

use crate::content::model::Segment;
use crate::ui::demos::Demo;

/// A lesson's rendered Markdown with its live demos in place.
#[component]
pub fn LessonBody(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|segment| match segment {
            Segment::Html(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
            Segment::Demo(name) => view! { <Demo name /> }.into_any(),
        })
        .collect_view()
}
