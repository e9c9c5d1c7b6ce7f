//! The smallest island: a button whose clicks are counted by the
//! WebAssembly running in the page. If it counts, the island is hydrated.

use leptos::prelude::*;

use super::widgets::hydrated_marker;

#[island(lazy)]
pub fn Counter() -> impl IntoView {
    let (count, set_count) = signal(0u32);
    view! {
        <div class="counter-demo" data-hydrated=hydrated_marker()>
            <p>"This button is handled by Rust compiled to WebAssembly, running in your browser."</p>
            <button class="button" on:click=move |_| set_count.update(|n| *n += 1)>
                "Clicked " <output>{count}</output> " times"
            </button>
        </div>
    }
}
