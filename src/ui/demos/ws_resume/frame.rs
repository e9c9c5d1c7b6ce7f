//! The frame, server only: what the resumable echo says as it goes. The
//! island reads each sentence by its `data-demo-text` key, so none is
//! compiled into the WebAssembly.

use leptos::prelude::*;

use super::WsResume;

#[component]
pub fn WsResumeFrame() -> impl IntoView {
    let texts = [
        (
            "resume-new",
            "Connected to a new session: the page numbers its messages from 1 again.",
        ),
        (
            "resume-resumed",
            "Resumed: the server had the page's messages up to number {received}, so the page \
             sent {n} again; the server sent every echo after the last one the page had \
             ({lost} no longer kept).",
        ),
        (
            "resume-lost",
            "The connection was lost (close code {code}). Reconnecting in {ms} ms (backoff \
             with jitter).",
        ),
        (
            "resume-queued",
            "Kept for later: the socket is not open yet, and send() on a CONNECTING socket \
             throws. The page sends it after the server's welcome.",
        ),
    ]
    .map(|(key, text)| view! { <p data-demo-text=key>{text}</p> });
    view! {
        <WsResume />
        <div hidden>{texts.to_vec()}</div>
    }
}
