use leptos::prelude::*;

use crate::model::course::{DemoName, DemoOptions};
use crate::ui::components::{TerminalTwin, WireView};
use crate::ui::demos::frames::*;
use crate::ui::demos::Counter;

/// A live demo in its frame, labelled for screen readers. The frame is
/// server-only HTML; the demo inside is an island. Each demo's own frame
/// (`ui/demos/<demo>/frame.rs`) gives its island what it must know of this
/// server and holds the words it shows now and then (`ui/demos/seam.rs`
/// says how); this one only picks it, so a new demo adds one line here.
#[component]
pub fn DemoFrame(name: DemoName, #[prop(optional)] options: DemoOptions) -> impl IntoView {
    let body = match name {
        DemoName::SseClock => view! { <SseClockFrame /> }.into_any(),
        DemoName::WsEcho => view! { <WsEchoFrame /> }.into_any(),
        DemoName::WsResume => view! { <WsResumeFrame /> }.into_any(),
        DemoName::AnswerStream => view! { <AnswerStreamFrame /> }.into_any(),
        DemoName::HandshakeInspector => view! { <HandshakeInspectorFrame /> }.into_any(),
        DemoName::ConnectionLab => view! { <ConnectionLabFrame options /> }.into_any(),
        DemoName::BufferedClock | DemoName::MisbehavingProxy => {
            view! { <MisbehavingProxyFrame name /> }.into_any()
        }
        DemoName::LeakyServer => view! { <LeakyServerFrame /> }.into_any(),
        DemoName::ReconnectCrowd => view! { <ReconnectCrowdFrame /> }.into_any(),
        DemoName::RollingDeploy => view! { <RollingDeployFrame /> }.into_any(),
        DemoName::WhichFits => view! { <WhichFitsFrame /> }.into_any(),
        DemoName::WebTransport => view! { <WebTransportFrame /> }.into_any(),
        DemoName::HeadOfLine => view! { <HeadOfLineFrame /> }.into_any(),
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
            <WireView name />
            <TerminalTwin name />
        </section>
    }
}
