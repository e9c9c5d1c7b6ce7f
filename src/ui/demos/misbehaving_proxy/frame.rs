//! The proxy demo's frame, server only: the words its island shows now and
//! then, the radios with their labels, and the behaviour it starts on
//! (`buffered-clock` is this demo started on "buffers").

use leptos::context::Provider;
use leptos::prelude::*;

use super::MisbehavingProxy;
use crate::model::course::DemoName;
use crate::model::wire::ProxyBehaviour;
use crate::ui::demos::markup::Markup;
use crate::ui::demos::seam::{give, FrameHtml};

#[component]
pub fn MisbehavingProxyFrame(name: DemoName) -> impl IntoView {
    let start = match name {
        DemoName::BufferedClock => ProxyBehaviour::Buffers,
        _ => ProxyBehaviour::Behaves,
    };
    let texts = [
        ("proxy-connecting", "Connecting…"),
        ("proxy-hello", "Open: the server's hello came through."),
        (
            "proxy-lost",
            "The connection was lost; EventSource reconnects.",
        ),
        ("proxy-gave-up", "EventSource gave up: see the proxy's log."),
        ("proxy-upgraded", "Open: the upgrade came through."),
        (
            "proxy-upgrade-failed",
            "The upgrade failed: no 101 came back, so the browser reports close code 1006; \
             the page tries again in 3 s. The proxy's log says why.",
        ),
    ]
    .map(|(key, text)| view! { <p data-demo-text=key>{text}</p> });
    let island = move || {
        view! { <Provider value=FrameHtml(choices(start))><MisbehavingProxy /></Provider> }
    };
    view! {
        {give(start, island)}
        <div hidden>{texts.to_vec()}</div>
    }
}

/// The radios, one per behaviour, with `start` checked, kept as they are by hydration:
/// their labels are not compiled into the WebAssembly, whose static data
/// every island page loads.
fn choices(start: ProxyBehaviour) -> String {
    let mut html = Markup::default();
    for behaviour in ProxyBehaviour::ALL {
        html.raw("<label class=\"proxy-choice\"><input type=\"radio\" name=\"proxy-behaviour\" autocomplete=\"off\" value=\"")
            .raw(behaviour.as_str())
            .raw(if behaviour == start { "\" checked>" } else { "\">" })
            .raw(" ")
            .text(label(behaviour))
            .raw("</label>");
    }
    html.finish()
}

fn label(behaviour: ProxyBehaviour) -> &'static str {
    match behaviour {
        ProxyBehaviour::Behaves => "Behaves: passes each read on, and upgrades",
        ProxyBehaviour::Buffers => "Buffers: holds the response until 512 bytes have come",
        ProxyBehaviour::IdleClose => {
            "Closes idle connections: 5 s without a byte from the server (the stream is quiet: a tick every 10 s)"
        }
        ProxyBehaviour::StripsUpgrade => "Strips the upgrade: drops Upgrade and Connection",
        ProxyBehaviour::CapsLife => {
            "Caps a request's life: cuts every response and socket after 15 s, busy or not (as a gateway's request timeout does)"
        }
    }
}
