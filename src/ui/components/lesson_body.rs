use leptos::prelude::*;

use crate::model::course::{DemoName, DemoOptions, Segment};
use crate::render::speaker_notes;
use crate::ui::components::{
    has_twin, CodeTabsScript, CopyCodeScript, DemoFrame, ExerciseScript, Presenting,
};
use crate::ui::demos::KnowledgeChecks;

/// A lesson's rendered Markdown with its live demos (islands) and
/// knowledge checks and exercises in place; the checks' one island follows
/// when there are any, the code tabs' script when there are tabs, the copy
/// buttons' when there is code, and the exercises' when there are some. Demos that
/// follow each other directly stand side by side on a wide screen. Speaker
/// notes show on the presenter's page only.
#[component]
pub fn LessonBody(segments: Vec<Segment>, code_tabs: bool) -> impl IntoView {
    let presenting = use_context::<Presenting>().is_some();
    let has_checks = segments.iter().any(|s| matches!(s, Segment::Check(_)));
    let has_exercises = segments
        .iter()
        .any(|s| matches!(s, Segment::Exercise { .. }));
    let has_code = segments.iter().any(|s| match s {
        Segment::Html(html) => html.contains("<pre class=\"code\""),
        Segment::Demo(name, _) => has_twin(*name),
        _ => false,
    });
    let mut blocks: Vec<Block> = Vec::new();
    for segment in segments {
        match (segment, blocks.last_mut()) {
            (Segment::Demo(name, options), Some(Block::Demos(row))) => row.push((name, options)),
            (Segment::Demo(name, options), _) => blocks.push(Block::Demos(vec![(name, options)])),
            (Segment::Html(html), _) => blocks.push(Block::Html(html)),
            (Segment::Check(html), _) => blocks.push(Block::Check(html)),
            (Segment::Exercise { html, .. }, _) => blocks.push(Block::Exercise(html)),
            (Segment::Notes(html), _) if presenting => {
                blocks.push(Block::Html(speaker_notes::aside_html(&html)))
            }
            (Segment::Notes(_), _) => {}
        }
    }
    let body = blocks
        .into_iter()
        .map(|block| match block {
            Block::Html(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
            Block::Check(html) => view! { <div class="prose check-frame" inner_html=html></div> }.into_any(),
            Block::Exercise(html) => view! { <div class="prose exercise-frame" inner_html=html></div> }.into_any(),
            Block::Demos(row) if row.len() == 1 => view! { <DemoFrame name=row[0].0 options=row[0].1 /> }.into_any(),
            Block::Demos(row) => view! {
                <div class="demo-row">{row.into_iter().map(|(name, options)| view! { <DemoFrame name options /> }).collect_view()}</div>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        {body}
        {has_checks.then(|| view! { <KnowledgeChecks /> })}
        {code_tabs.then(|| view! { <CodeTabsScript /> })}
        {has_code.then(|| view! { <CopyCodeScript /> })}
        {has_exercises.then(|| view! { <ExerciseScript /> })}
    }
}

enum Block {
    Html(String),
    Check(String),
    Exercise(String),
    Demos(Vec<(DemoName, DemoOptions)>),
}
