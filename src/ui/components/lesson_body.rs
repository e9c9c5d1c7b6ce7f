use leptos::prelude::*;

use crate::model::course::{DemoName, Segment};
use crate::ui::components::DemoFrame;

/// A lesson's rendered Markdown with its live demos in place. Demos that
/// follow each other directly stand side by side on a wide screen.
#[component]
pub fn LessonBody(segments: Vec<Segment>) -> impl IntoView {
    let mut blocks: Vec<Block> = Vec::new();
    for segment in segments {
        match (segment, blocks.last_mut()) {
            (Segment::Demo(name), Some(Block::Demos(row))) => row.push(name),
            (Segment::Demo(name), _) => blocks.push(Block::Demos(vec![name])),
            (Segment::Html(html), _) => blocks.push(Block::Html(html)),
        }
    }
    blocks
        .into_iter()
        .map(|block| match block {
            Block::Html(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
            Block::Demos(row) if row.len() == 1 => view! { <DemoFrame name=row[0] /> }.into_any(),
            Block::Demos(row) => view! {
                <div class="demo-row">{row.into_iter().map(|name| view! { <DemoFrame name /> }).collect_view()}</div>
            }
            .into_any(),
        })
        .collect_view()
}

enum Block {
    Html(String),
    Demos(Vec<DemoName>),
}
