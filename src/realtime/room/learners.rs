//! What a learner asks of the room besides its stream: to join it, to
//! answer a poll, to mark a section done or stuck, and to ask and vote for
//! questions, once per browser.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

use std::net::IpAddr;
use std::sync::PoisonError;

use super::{presenter, room_of, Refused, Room, Routes, ANSWERS_PER_CLIENT, VOTER_COOKIE};
use crate::model::room::{AnswerAsked, PulseAsked, QuestionAsked, QuestionVote};
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
    let voter = Voter::of(&headers);
    room.answer(&voter.id, asked).await?;
    Ok(voter.answer())
}

/// `POST /api/room/pulse`: a learner marks the room's section done or
/// stuck (or takes the mark back), one mark per browser.
pub(super) async fn pulse(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Json(asked): Json<PulseAsked>,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    if !room.marks().take(client, asked.seq) {
        return Err(Refused::TooManyMarks(client));
    }
    let voter = Voter::of(&headers);
    room.mark(&voter.id, asked).await?;
    Ok(voter.answer())
}

/// `POST /api/room/questions`: a learner's question to the room.
pub(super) async fn ask(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Json(asked): Json<QuestionAsked>,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    let voter = Voter::of(&headers);
    room.ask_question(&voter.id, client, asked).await?;
    Ok(voter.answer())
}

/// `POST /api/room/questions/vote`: one vote per browser for a question.
pub(super) async fn vote(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Json(vote): Json<QuestionVote>,
) -> Result<Response, Refused> {
    let room = room_of(&routes)?;
    room.asked().may_vote(client)?;
    let voter = Voter::of(&headers);
    room.vote(&voter.id, vote).await?;
    Ok(voter.answer())
}

impl Room {
    /// One more answer from `client` to `poll`, or `false` past its share.
    fn take_answer(&self, client: IpAddr, poll: u64) -> bool {
        self.answers_by_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take(client, poll, ANSWERS_PER_CLIENT)
    }
}

/// The browser behind a request: its cookie's id, or a new one to set.
struct Voter {
    id: String,
    new: bool,
}

impl Voter {
    fn of(headers: &HeaderMap) -> Voter {
        match presenter::cookie(headers, VOTER_COOKIE) {
            Some(id) => Voter {
                id: id.to_string(),
                new: false,
            },
            None => Voter {
                id: crate::realtime::ids::random_id(),
                new: true,
            },
        }
    }

    /// `204 No Content`, setting the browser's cookie when it had none.
    fn answer(self) -> Response {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if self.new {
            let cookie = cookie::Cookie::build((VOTER_COOKIE, self.id))
                .path("/")
                .http_only(true)
                .same_site(cookie::SameSite::Lax)
                .max_age(cookie::time::Duration::days(1))
                .build();
            if let Ok(value) = cookie.to_string().parse() {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
        }
        response
    }
}
