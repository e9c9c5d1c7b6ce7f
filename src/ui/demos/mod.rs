//! The live demos, one public component per file. [`Demo`] maps the name an
//! author writes in `::demo[name]` to its component.

mod counter;

use leptos::prelude::*;

use crate::content::model::DemoName;
pub use counter::Counter;

/// A demo in its frame, labelled for screen readers.
#[component]
pub fn Demo(name: DemoName) -> impl IntoView {
    let body = match name {
        DemoName::Counter => view! { <Counter /> }.into_any(),
    };
    view! {
        <section class="demo" data-demo=name.as_str() aria-label=format!("Live demo: {}", name.as_str())>
            <p class="demo-badge">"Live demo"</p>
            {body}
        </section>
    }
}
