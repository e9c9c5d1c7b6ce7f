//! The echo's frame, server only: the server's message limit and the
//! "break it" options for the island, and the close codes in words, which
//! the island reads when a socket closes.

use leptos::context::Provider;
use leptos::prelude::*;

use super::{MaxMessage, WsEcho};
use crate::realtime::RealtimeState;
use crate::ui::demos::seam::{give, FrameHtml};
use close_codes::{close_meaning, CLOSE_CODES};

mod close_codes;
mod faults;

#[component]
pub fn WsEchoFrame() -> impl IntoView {
    let max_message = expect_context::<RealtimeState>().echo.settings.max_message;
    let max_message = u32::try_from(max_message).unwrap_or(u32::MAX);
    let island = || {
        view! { <Provider value=FrameHtml(faults::options_html())><WsEcho /></Provider> }
    };
    let meanings = CLOSE_CODES.map(|code| {
        view! { <dt>{code}</dt><dd data-demo-text=format!("close-{code}")>{close_meaning(code)}</dd> }
    });
    view! {
        {give(MaxMessage(max_message), island)}
        <dl class="close-meanings" hidden>{meanings.to_vec()}</dl>
    }
}
