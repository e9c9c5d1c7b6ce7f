//! The frame, server only: what the answer demo says as it goes, with `{…}` filled in by the island. The
//! island reads each sentence by its `data-demo-text` key, so none is
//! compiled into the WebAssembly.

use leptos::prelude::*;

use super::AnswerStream;

#[component]
pub fn AnswerStreamFrame() -> impl IntoView {
    let texts = [
        ("answer-asking", "Asking with fetch…"),
        ("answer-refused", "The server answered {status}: {text}"),
        (
            "answer-cut",
            "The page cut the connection after 10 tokens. fetch does not reconnect by itself: \
             the page asks again, sending Last-Event-ID: {id}.",
        ),
        (
            "answer-broken",
            "The stream broke ({why}): asking again in {ms} ms.",
        ),
        (
            "answer-given-up",
            "The stream broke {n} times ({why}); the page gave up.",
        ),
        ("answer-done", "Done: {tokens} tokens in one request."),
        (
            "answer-done-resumed",
            "Done: {tokens} tokens in {requests} requests, none lost and none twice.",
        ),
        ("answer-es-opening", "new EventSource(\"{url}\")…"),
        (
            "answer-es-broken",
            "The connection broke: EventSource reconnects by itself.",
        ),
        (
            "answer-es-given-up",
            "EventSource gave up (readyState 2) and cannot tell the page why. The same GET \
             with fetch shows what the server said: {said}",
        ),
        (
            "answer-es-done",
            "Done: {tokens} tokens. The page called close(), or EventSource would have asked \
             again.",
        ),
    ]
    .map(|(key, text)| view! { <p data-demo-text=key>{text}</p> });
    view! {
        <AnswerStream />
        <div hidden>{texts.to_vec()}</div>
    }
}
