//! The live demos, one public component per file. [`Demo`] maps the name an
//! author writes in `::demo[name]` to its component.

#[cfg(feature = "hydrate")]
mod browser;
mod connection_lab;
#[cfg(feature = "hydrate")]
mod connection_lab_browser;
mod counter;
mod handshake_inspector;
mod lab_model;
mod sse_clock;
mod ws_echo;

use leptos::prelude::*;

use crate::model::course::DemoName;
pub use connection_lab::ConnectionLab;
pub use counter::Counter;
pub use handshake_inspector::HandshakeInspector;
pub use sse_clock::SseClock;
pub use ws_echo::WsEcho;

/// Puts `entry` first in a newest-first log and keeps the newest `keep`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn push_newest<T: Send + Sync + 'static>(log: RwSignal<Vec<T>>, entry: T, keep: usize) {
    log.update(|log| {
        log.insert(0, entry);
        log.truncate(keep);
    });
}

/// A demo in its frame, labelled for screen readers.
#[component]
pub fn Demo(name: DemoName) -> impl IntoView {
    let body = match name {
        DemoName::SseClock => view! { <SseClock /> }.into_any(),
        DemoName::WsEcho => view! { <WsEcho /> }.into_any(),
        DemoName::HandshakeInspector => view! { <HandshakeInspector /> }.into_any(),
        DemoName::ConnectionLab => view! { <ConnectionLab /> }.into_any(),
        DemoName::Counter => view! { <Counter /> }.into_any(),
    };
    view! {
        <section class="demo" data-demo=name.as_str() aria-label=format!("Live demo: {}", name.title())>
            <header class="demo-header">
                <p class="demo-badge">"Live demo"</p>
                <h3 class="demo-title">{name.title()}</h3>
                <a class="demo-open" href=format!("/demos/{}", name.as_str())>"Open on its own page"</a>
            </header>
            {body}
        </section>
    }
}
