use leptos::prelude::*;

/// A labelled checkbox bound to a signal.
#[component]
pub fn Toggle(checked: RwSignal<bool>, label: &'static str) -> impl IntoView {
    view! {
        <label class="toggle">
            <input type="checkbox" prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev)) />
            " " {label}
        </label>
    }
}
