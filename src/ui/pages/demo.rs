use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::model::course::DemoName;
use crate::ui::components::{has_twin, CopyCodeScript, DemoFrame, SiteHeader};
use crate::ui::pages::NotFound;

/// `/demos/:name`: one live demo on a page of its own, for a projector.
#[component]
pub fn DemoPage() -> impl IntoView {
    let name = use_params_map()
        .read_untracked()
        .get("name")
        .unwrap_or_default();
    let Some(demo) = DemoName::from_name(&name) else {
        return view! { <NotFound /> }.into_any();
    };
    view! {
        <Title text=demo.title() />
        <Meta name="description" content=demo.blurb() />
        <SiteHeader />
        <main id="main" class="demo-page">
            <h1>{demo.title()}</h1>
            <p class="lede">{demo.blurb()}</p>
            // The frame's title is an h3, as under a lesson's h2 sections;
            // here an h2 for screen readers keeps the outline in order.
            <h2 class="visually-hidden">"Try it"</h2>
            <DemoFrame name=demo />
            <p><a href="/">"Back to the course path"</a></p>
            {has_twin(demo).then(|| view! { <CopyCodeScript /> })}
        </main>
    }
    .into_any()
}
