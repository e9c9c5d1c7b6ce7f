//! What a learner asks of the room besides its stream: to join it, and to
//! answer a poll, once per browser.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

use super::{presenter, room_of, Refused, Routes, VOTER_COOKIE};
use crate::model::room::AnswerAsked;
use crate::realtime::client::ClientAddr;

/// `GET /room`: the join link. Sends the learner to where the room is.
pub(super) async fn join(State(routes): State<Routes>) -> Result<Redirect, Refused> {
    let room = room_of(&routes)?;
    let href = room
        .state()
        .position()
        .map_or("/".to_string(), |p| p.href());
    Ok(Redirect::to(&href))
}

/// `POST /api/room/answer`: one learner's answer, once per browser (its
/// cookie, set here on the first answer).
pub(super) async fn answer(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Json(asked): Json<AnswerAsked>,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    if !room.take_answer(client, asked.poll) {
        return Err(Refused::TooManyAnswers(client));
    }
    let known = presenter::cookie(&headers, VOTER_COOKIE).map(str::to_string);
    let voter = known
        .clone()
        .unwrap_or_else(crate::realtime::ids::random_id);
    room.answer(&voter, asked).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if known.is_none() {
        let cookie = cookie::Cookie::build((VOTER_COOKIE, voter))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .max_age(cookie::time::Duration::days(1))
            .build();
        if let Ok(value) = cookie.to_string().parse() {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}
