use leptos::prelude::*;

use crate::model::course::DemoName;
use crate::model::wire::EchoLimits;
use crate::realtime::RealtimeState;
use crate::ui::demos::{ConnectionLab, Counter, HandshakeInspector, SseClock, WsEcho};

/// A live demo in its frame, labelled for screen readers. The frame is
/// server-only HTML; the demo inside is an island, handed as props what
/// this server knows (the echo's limits, where the lab's lanes listen).
#[component]
pub fn DemoFrame(name: DemoName) -> impl IntoView {
    let realtime = expect_context::<RealtimeState>();
    let body = match name {
        DemoName::SseClock => view! { <SseClock /> }.into_any(),
        DemoName::WsEcho => {
            let settings = &realtime.echo.settings;
            let limits = EchoLimits {
                max_message: settings.max_message,
                idle_secs: settings.idle.as_secs(),
            };
            view! { <WsEcho limits /> }.into_any()
        }
        DemoName::HandshakeInspector => view! { <HandshakeInspector /> }.into_any(),
        DemoName::ConnectionLab => {
            let lanes = realtime.lab_lanes.clone();
            view! { <ConnectionLab lanes /> }.into_any()
        }
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
