//! Small pieces every demo island uses, in both builds.

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

/// `Some("true")` once the island runs in the browser, for a
/// `data-hydrated` attribute: tests and the curious can see that the
/// WebAssembly has taken over this demo. Effects never run on the server,
/// so the server's HTML carries no such attribute.
pub fn hydrated_marker() -> Signal<Option<&'static str>> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    Signal::derive(move || hydrated.get().then_some("true"))
}

/// Puts `entry` first in a newest-first log and keeps the newest `keep`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn push_newest<T: Send + Sync + 'static>(log: RwSignal<Vec<T>>, entry: T, keep: usize) {
    log.update(|log| {
        log.insert(0, entry);
        log.truncate(keep);
    });
}
