//! Lesson 3's answer streamed over `fetch`, the way token-by-token AI
//! answers reach a page.
//!
//! - `POST /api/answer` takes a JSON question and `Authorization: Bearer
//!   demo-token`, two things `EventSource` cannot send, and answers with an
//!   event stream: one `event: token` per word, each with an `id:`, then
//!   `event: done`. A client that lost the connection asks again with
//!   `Last-Event-ID` and gets the rest, as `EventSource` would have done
//!   for it.
//! - `GET /api/answer?question=…` streams the same answer to an
//!   `EventSource`, which sends no header: it is refused with `401` unless
//!   the token rides in the URL (`&access_token=demo-token`), the
//!   workaround whose risks the lesson names. Once the answer is done, a
//!   reconnect gets `204`, which tells `EventSource` to stop.
//!
//! The answers are written here, not generated: the point is how they
//! travel. Streams count against the clock's limits, as every event stream
//! of the demos does.

use axum::extract::{DefaultBodyLimit, FromRef, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;

use super::client::{ClientAddr, ClientRule};
use super::clock::Clock;
use super::limits::Refused;
use super::sse::{self, last_event_id};
use super::stopping::Stopping;
use crate::model::wire::{AnswerDone, AnswerQuestion, AnswerToken};

/// The demo's bearer token: public, printed on the page. The server checks
/// it as a real API checks a secret one.
pub const DEMO_TOKEN: &str = "demo-token";

/// Time between two tokens: slow enough to watch the answer grow.
pub const TOKEN_EVERY: Duration = Duration::from_millis(60);

/// The longest question taken, in characters.
pub const MOST_QUESTION: usize = 300;

/// The largest request body read, in bytes (a question and its JSON).
const MOST_BODY: usize = 4 * 1024;

/// Each answer, picked by the first of its words found in the question.
const ANSWERS: &[(&[&str], &str)] = &[
    (
        &["websocket", "binary", "both ways", "two-way"],
        "Pick a WebSocket when the browser sends as often as it receives: a game, a shared editor, \
         a chat that types back. It is one connection carrying messages both ways, text or binary, \
         and you write the reconnecting yourself.",
    ),
    (
        &["reconnect", "resume", "lost", "drop"],
        "Number every event with an id. A client that loses the stream asks again and says the \
         last id it saw; the server sends what came after. EventSource does this by itself with \
         Last-Event-ID. Over fetch you send that header yourself, as this page just did.",
    ),
    (
        &["http/2", "http2", "six", "limit"],
        "Over HTTP/1.1 a browser opens about six connections per host, and each open event stream \
         holds one. Over HTTP/2 every stream shares one connection, so a hundred streams cost one \
         connection and the limit is the server's stream count instead.",
    ),
];

/// The answer when no word of the question matches one above.
const DEFAULT_ANSWER: &str =
    "Server-Sent Events fit when the server does the talking: an answer typed out token by token, \
     a live score, a build log. They are plain HTTP, so proxies, caches and auth work as for any \
     request, and over fetch you may POST a body and send any header on the way.";

/// The answer to `question`, as the tokens it is streamed in.
fn answer(question: &str) -> Vec<String> {
    let question = question.to_lowercase();
    let text = ANSWERS
        .iter()
        .find(|(words, _)| words.iter().any(|word| question.contains(word)))
        .map_or(DEFAULT_ANSWER, |(_, text)| text);
    text.split_whitespace()
        .enumerate()
        .map(|(i, word)| {
            if i == 0 {
                word.to_string()
            } else {
                format!(" {word}")
            }
        })
        .collect()
}

/// What the answer's handlers read: the clock (whose shares and stopping
/// the answer stream counts in) and the rule naming the client.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub clock: Arc<Clock>,
    pub stopping: Stopping,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route(
            "/api/answer",
            get(answer_to_event_source)
                .post(answer_to_fetch)
                .layer(DefaultBodyLimit::max(MOST_BODY)),
        )
        .with_state(routes)
}

/// Why a question was not answered, in words that say what to send.
enum Refusal {
    NoToken(&'static str),
    BadQuestion(String),
    /// Over the clock's limits (`429` or `503`).
    Busy(Refused),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::NoToken(how) => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                format!("This answer needs the demo's token, {DEMO_TOKEN}: {how}.\n"),
            )
                .into_response(),
            Refusal::BadQuestion(why) => (StatusCode::UNPROCESSABLE_ENTITY, why).into_response(),
            Refusal::Busy(refused) => refused.into_response(),
        }
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn checked_question(question: &str) -> Result<&str, Refusal> {
    let question = question.trim();
    let count = question.chars().count();
    if count == 0 {
        return Err(Refusal::BadQuestion(
            "Ask a question: it is empty.\n".into(),
        ));
    }
    if count > MOST_QUESTION {
        return Err(Refusal::BadQuestion(format!(
            "A question holds at most {MOST_QUESTION} characters; this one has {count}.\n"
        )));
    }
    Ok(question)
}

async fn answer_to_fetch(
    State(clock): State<Arc<Clock>>,
    State(stopping): State<Stopping>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Json(asked): Json<AnswerQuestion>,
) -> Result<Response, Refusal> {
    if bearer_token(&headers) != Some(DEMO_TOKEN) {
        let how = "send it as `Authorization: Bearer demo-token`";
        return Err(Refusal::NoToken(how));
    }
    let tokens = answer(checked_question(&asked.question)?);
    let place = clock.admit(client).map_err(Refusal::Busy)?;
    let after = last_event_id(&headers).unwrap_or(0);
    Ok(stream_answer(tokens, after, place, stopping))
}

#[derive(serde::Deserialize)]
struct AnswerQuery {
    #[serde(default)]
    question: String,
    access_token: Option<String>,
}

async fn answer_to_event_source(
    State(clock): State<Arc<Clock>>,
    State(stopping): State<Stopping>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Query(asked): Query<AnswerQuery>,
) -> Result<Response, Refusal> {
    let token = bearer_token(&headers).or(asked.access_token.as_deref());
    if token != Some(DEMO_TOKEN) {
        let how = "EventSource cannot send an Authorization header, so put it in the URL as \
                   `&access_token=demo-token` (where logs and history keep it), or use a cookie";
        return Err(Refusal::NoToken(how));
    }
    let tokens = answer(checked_question(&asked.question)?);
    let after = last_event_id(&headers).unwrap_or(0);
    // The answer is whole: `204` is how a server tells `EventSource` to stop
    // reconnecting.
    if after > tokens.len() as u64 {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let place = clock.admit(client).map_err(Refusal::Busy)?;
    Ok(stream_answer(tokens, after, place, stopping))
}

/// The tokens after id `after`, one every [`TOKEN_EVERY`], then `done`
/// (whose id is one past the last token's). `place` holds the stream's
/// share of the clock's limits until the stream ends.
fn stream_answer<P: Send + 'static>(
    tokens: Vec<String>,
    after: u64,
    place: P,
    stopping: Stopping,
) -> Response {
    let total = tokens.len();
    let events = async_stream::stream! {
        let _place = place;
        let stop = stopping.wait();
        tokio::pin!(stop);
        let mut every = tokio::time::interval(TOKEN_EVERY);
        let start = usize::try_from(after).unwrap_or(usize::MAX).min(total);
        for (i, text) in tokens.into_iter().enumerate().skip(start) {
            tokio::select! {
                _ = every.tick() => {}
                _ = &mut stop => return,
            }
            let data = serde_json::to_string(&AnswerToken { text }).expect("a token serialises");
            let mut event = Event::default().event("token").id((i + 1).to_string()).data(data);
            if i == 0 {
                event = event.retry(Duration::from_secs(1));
            }
            yield Ok(sse::encode(event));
        }
        let done = serde_json::to_string(&AnswerDone { tokens: total }).expect("done serialises");
        let id = (total + 1).to_string();
        yield Ok(sse::encode(Event::default().event("done").id(id).data(done)));
    };
    sse::response(Box::pin(events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_its_words_each_with_the_space_before_it() {
        let tokens = answer("How do I resume after a drop?");
        assert_eq!(tokens[0], "Number");
        assert_eq!(tokens[1], " every");
        assert_eq!(
            tokens.concat(),
            ANSWERS[1]
                .1
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }

    #[test]
    fn a_question_that_matches_nothing_gets_the_default_answer() {
        assert_eq!(
            answer("Why?").concat(),
            DEFAULT_ANSWER
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }

    #[test]
    fn refuses_an_empty_or_overlong_question_saying_the_limit() {
        assert!(matches!(
            checked_question("   "),
            Err(Refusal::BadQuestion(_))
        ));
        let long = "a".repeat(MOST_QUESTION + 1);
        let Err(Refusal::BadQuestion(why)) = checked_question(&long) else {
            panic!()
        };
        assert!(
            why.contains("at most 300 characters; this one has 301"),
            "{why}"
        );
    }
}
