use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::model::course::DemoName;
use crate::ui::components::SiteHeader;
use crate::ui::demos::Demo;
use crate::ui::pages::NotFound;

/// `/demos/:name`: one live demo on a page of its own, for a projector.
#[component]
pub fn DemoPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let name = params.read().get("name").unwrap_or_default();
        match DemoName::from_name(&name) {
            Some(demo) => view! {
                <Title text=demo.title() />
                <Meta name="description" content=demo.blurb() />
                <SiteHeader />
                <main id="main" class="demo-page">
                    <h1>{demo.title()}</h1>
                    <p class="lede">{demo.blurb()}</p>
                    <Demo name=demo />
                    <p><a href="/">"Back to the course path"</a></p>
                </main>
            }
            .into_any(),
            None => view! { <NotFound /> }.into_any(),
        }
    }
}
