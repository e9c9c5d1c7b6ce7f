//! Who may drive the room, and what driving does.
//!
//! The presenter's link carries the token once: `GET /room/present?token=…`
//! answers with a cookie (`HttpOnly`, `SameSite=Strict`) and a redirect to
//! the presenter's page, so the token is not left in the address bar, and
//! the `Referrer-Policy` of every page keeps it out of `Referer`. The
//! cookie holds an HMAC of a fixed label under the token, not the token:
//! every server given the same token checks it, and it reveals nothing of
//! the token. A wrong token is logged without its value.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use cookie::{Cookie, SameSite};
use ring::hmac;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use super::{room_of, PollChange, Refused, Room, Routes, ACTIONS_PER_SECOND};
use crate::model::room::{MoveAsked, PollAsked, QuestionMark, RoomPoll, RoomPosition};
use crate::realtime::ids::{hex, unhex};

/// The presenter's cookie.
pub const PRESENTER_COOKIE: &str = "realtime_lab_presenter";
/// What the cookie signs.
const LABEL: &[u8] = b"routes-lab presenter";

pub struct Presenter {
    key: hmac::Key,
}

impl Presenter {
    pub fn new(token: &str) -> Self {
        Presenter {
            key: hmac::Key::new(hmac::HMAC_SHA256, token.as_bytes()),
        }
    }

    /// The presenter cookie's value for this token.
    fn cookie_value(&self) -> String {
        hex(hmac::sign(&self.key, LABEL).as_ref())
    }

    /// Whether `token` is the presenter's (in constant time).
    fn is_token(&self, token: &str) -> bool {
        let other = hmac::Key::new(hmac::HMAC_SHA256, token.as_bytes());
        hmac::verify(&self.key, LABEL, hmac::sign(&other, LABEL).as_ref()).is_ok()
    }

    /// The room's name in Redis: the servers given the same token are one
    /// room. An HMAC under the token, so it reveals nothing of it.
    pub fn room_name(&self) -> String {
        let tag = hmac::sign(&self.key, b"routes-lab room name");
        hex(&tag.as_ref()[..8])
    }

    /// Whether the request carries the presenter's cookie.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        cookie(headers, PRESENTER_COOKIE)
            .and_then(unhex)
            .is_some_and(|tag| hmac::verify(&self.key, LABEL, &tag).is_ok())
    }
}

/// The value of the cookie `name`, if the request sent it.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .and_then(|cookie| cookie.value_raw())
}

#[derive(serde::Deserialize)]
pub(super) struct Login {
    token: Option<String>,
}

/// `GET /room/present?token=…`: the presenter's link.
pub(super) async fn login(
    State(routes): State<Routes>,
    Query(login): Query<Login>,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    if !login.token.is_some_and(|t| room.presenter.is_token(&t)) {
        tracing::warn!("a presenter link with a wrong or missing token was refused");
        let message = "This is not the presenter's link: use the one the server printed when it \
                       started (or the token you gave it with --presenter-token).\n";
        return Ok((StatusCode::FORBIDDEN, message).into_response());
    }
    let cookie = Cookie::build((PRESENTER_COOKIE, room.presenter.cookie_value()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let to = room
        .state()
        .position()
        .map_or("/present".to_string(), |p| format!("/present/{}", p.slug));
    let mut response = Redirect::to(&to).into_response();
    if let Ok(value) = cookie.to_string().parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

impl Room {
    /// One more presenter action, or `false` past [`ACTIONS_PER_SECOND`].
    fn take_action(&self) -> bool {
        let mut actions = self.actions.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        while actions
            .front()
            .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1))
        {
            actions.pop_front();
        }
        if actions.len() >= ACTIONS_PER_SECOND {
            return false;
        }
        actions.push_back(now);
        true
    }
}

/// The room, if this request is the presenter's and may act now.
fn presenting(routes: &Routes, headers: &HeaderMap) -> Result<Arc<Room>, Refused> {
    let room = room_of(routes)?;
    if !room.presenter.admits(headers) {
        return Err(Refused::NotPresenter);
    }
    if !room.take_action() {
        return Err(Refused::TooFast);
    }
    Ok(room)
}

/// `POST /api/room/position`: brings everyone to a lesson's section.
pub(super) async fn move_room(
    State(routes): State<Routes>,
    headers: HeaderMap,
    Json(asked): Json<MoveAsked>,
) -> Result<Json<RoomPosition>, Refused> {
    let room = presenting(&routes, &headers)?;
    Ok(Json(room.move_to(asked).await?))
}

/// `POST /api/room/poll`: asks the room a question.
pub(super) async fn ask(
    State(routes): State<Routes>,
    headers: HeaderMap,
    Json(asked): Json<PollAsked>,
) -> Result<Json<RoomPoll>, Refused> {
    change_poll(&routes, &headers, PollChange::Ask(asked)).await
}

/// `POST /api/room/poll/reveal`: shows everyone the counts.
pub(super) async fn reveal(
    State(routes): State<Routes>,
    headers: HeaderMap,
) -> Result<Json<RoomPoll>, Refused> {
    change_poll(&routes, &headers, PollChange::Reveal).await
}

/// `POST /api/room/poll/close`: takes no more answers.
pub(super) async fn close(
    State(routes): State<Routes>,
    headers: HeaderMap,
) -> Result<Json<RoomPoll>, Refused> {
    change_poll(&routes, &headers, PollChange::Close).await
}

/// `POST /api/room/questions/mark`: a question answered, hidden, or open again.
pub(super) async fn mark_question(
    State(routes): State<Routes>,
    headers: HeaderMap,
    Json(mark): Json<QuestionMark>,
) -> Result<StatusCode, Refused> {
    let room = presenting(&routes, &headers)?;
    room.mark_question(mark).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A presenter's change to the poll, made and sent to every stream.
async fn change_poll(
    routes: &Routes,
    headers: &HeaderMap,
    change: PollChange,
) -> Result<Json<RoomPoll>, Refused> {
    let room = presenting(routes, headers)?;
    Ok(Json(room.change_poll(change).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_checked_against_the_token_and_does_not_contain_it() {
        let presenter = Presenter::new("a-long-secret-token-0123");
        let value = presenter.cookie_value();
        assert!(!value.contains("a-long-secret"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            format!("other=1; {PRESENTER_COOKIE}={value}")
                .parse()
                .unwrap(),
        );
        assert!(presenter.admits(&headers));
        assert!(!Presenter::new("another-token-000000000").admits(&headers));
        assert!(presenter.is_token("a-long-secret-token-0123"));
        assert!(!presenter.is_token("a-long-secret-token-0124"));
    }
}
