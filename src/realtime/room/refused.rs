//! Why a room request was refused, as an answer that says what to do.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;

use super::redis_side::SharedError;
use super::state::RoomError;
use super::{ACTIONS_PER_SECOND, ANSWERS_PER_CLIENT};

/// Why a room request was refused; each answer says what to do.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The server runs without presenter mode.
    Off,
    /// A presenter's request without the presenter's cookie.
    NotPresenter,
    /// The presenter's page acts too fast.
    TooFast,
    /// One address answered too often.
    TooManyAnswers(IpAddr),
    /// One address marked one section too often.
    TooManyMarks(IpAddr),
    /// One address asked too many questions, or voted too often.
    TooManyQuestions(IpAddr),
    TooManyVotes(IpAddr),
    Room(RoomError),
    /// The room's Redis did not answer.
    Redis(redis::RedisError),
}

impl From<RoomError> for Refused {
    fn from(error: RoomError) -> Self {
        Refused::Room(error)
    }
}

impl From<SharedError> for Refused {
    fn from(error: SharedError) -> Self {
        match error {
            SharedError::Room(error) => Refused::Room(error),
            SharedError::Redis(error) => Refused::Redis(error),
        }
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Refused::Off => (
                StatusCode::NOT_FOUND,
                "Presenter mode is off on this server: the host starts it with --presenter."
                    .to_string(),
            ),
            Refused::NotPresenter => (
                StatusCode::FORBIDDEN,
                "Only the presenter drives the room: open the presenter's link first.".into(),
            ),
            Refused::TooFast => {
                let message = format!(
                    "The presenter's page acts at most {ACTIONS_PER_SECOND} times a second; try again."
                );
                let mut response = (StatusCode::TOO_MANY_REQUESTS, message + "\n").into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
                return response;
            }
            Refused::TooManyAnswers(client) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("{client} has given this poll {ANSWERS_PER_CLIENT} answers, the most one address gives."),
            ),
            Refused::TooManyMarks(client) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("{client} has marked this section {ANSWERS_PER_CLIENT} times, the most one address does."),
            ),
            Refused::TooManyQuestions(client) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("{client} has asked this server {ANSWERS_PER_CLIENT} questions, the most one address asks."),
            ),
            Refused::TooManyVotes(client) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("{client} has voted {} times on this server, the most one address votes.", ANSWERS_PER_CLIENT * 10),
            ),
            Refused::Room(error) => (room_error_status(&error), sentence(&error.to_string())),
            Refused::Redis(error) => {
                tracing::warn!("the room's Redis did not answer: {error}");
                let message = "The room's Redis did not answer, so nothing changed: try again \
                               in a moment (the host checks that redis-server runs).";
                let mut response = (StatusCode::SERVICE_UNAVAILABLE, format!("{message}\n"))
                    .into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
                return response;
            }
        };
        (status, message + "\n").into_response()
    }
}

fn room_error_status(error: &RoomError) -> StatusCode {
    match error {
        RoomError::NoPoll => StatusCode::NOT_FOUND,
        RoomError::OtherPoll { .. }
        | RoomError::Closed
        | RoomError::Answered
        | RoomError::MovedOn
        | RoomError::Voted => StatusCode::CONFLICT,
        RoomError::Full | RoomError::TooManyQuestions => StatusCode::SERVICE_UNAVAILABLE,
        RoomError::AskedTooSoon => StatusCode::TOO_MANY_REQUESTS,
        RoomError::NoQuestion(_) => StatusCode::NOT_FOUND,
        RoomError::BadName(_)
        | RoomError::BadQuestion
        | RoomError::BadOptions
        | RoomError::BadChoice(_)
        | RoomError::BadQuestionText => StatusCode::BAD_REQUEST,
    }
}

/// An error's words as a sentence: a capital, a full stop.
fn sentence(words: &str) -> String {
    let mut sentence = words.to_string();
    if let Some(first) = sentence.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    sentence + "."
}
