//! Exercises graded on the wire: the learner writes the client, this
//! server is its other end and grades what the client did.
//!
//! 1. `POST /api/exercises/{id}/token` issues a token for one exercise of
//!    the course (its rules come from the lesson, through [`RulesOf`]: this
//!    room never reads Markdown). Each client address holds a share of live
//!    tokens (`429` beyond); a token unused for a while is forgotten, and
//!    then answered with `410` and what to do ([`ExerciseSettings`]).
//! 2. The learner's code talks to `/x/{token}/events` (an event stream) or
//!    `/x/{token}/socket` (a WebSocket), which behave as the exercise's
//!    [`Scenario`](crate::model::exercise::Scenario) says (`stream`, `socket`) and write what they see in
//!    the token's [`Journal`]. These paths take any origin, on purpose: the
//!    page runs the learner's code in a sandboxed frame whose origin is
//!    `null`, and a terminal sends none; the token is what scopes them.
//!    Every other endpoint keeps its own origin checks.
//!    The page runs the learner's code in a frame of `/x/runner` ([`runner`]).
//! 3. The rules are graded on every entry ([`grade`]); the page follows
//!    the verdicts on `GET /api/exercises/tokens/{token}/verdicts` (an event
//!    stream), a terminal reads them as text on
//!    `GET /api/exercises/tokens/{token}`.

mod grade;
mod journal;
mod runner;
mod seen;
mod socket;
mod stream;
mod tokens;

use axum::extract::{FromRef, Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

use super::client::{ClientAddr, ClientRule};
use super::stopping::Stopping;
use crate::model::exercise::{Issued, Standing, Verdict};
pub use journal::{Journal, Seen};
pub use tokens::{ExerciseSettings, Exercises, Refused, RulesOf};

/// The journal of `token` and a slot for one more connection, when the
/// token is live, its exercise talks over `here` (`events` or `socket`),
/// and it has fewer than [`journal::MOST_OPEN`] connections open; else the
/// answer that says which is not so (boxed: a response is large).
fn connect(
    exercises: &Exercises,
    token: &str,
    here: &str,
) -> Result<(Arc<Journal>, journal::Slot), Box<Response>> {
    let journal = exercises
        .find(token)
        .map_err(|refused| Box::new(refused.into_response()))?;
    let path = journal.scenario.path();
    if path != here {
        let over = if path == "events" {
            "an event stream"
        } else {
            "a WebSocket"
        };
        return Err(Box::new(
            (
                StatusCode::NOT_FOUND,
                format!("This exercise talks over {over}: /x/{token}/{path}\n"),
            )
                .into_response(),
        ));
    }
    let slot = journal.connect().ok_or_else(|| {
        Box::new(
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "This exercise token already has {} connections open; close one first.\n",
                    journal::MOST_OPEN
                ),
            )
                .into_response(),
        )
    })?;
    Ok((journal, slot))
}

#[derive(Clone, FromRef)]
pub struct Routes {
    pub exercises: Arc<Exercises>,
    pub rules_of: RulesOf,
    pub stopping: Stopping,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    // The learner's code runs in a frame with no origin, or in a terminal:
    // any origin may read these, without credentials (none are used).
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(AllowMethods::list([Method::GET, Method::POST]))
        .allow_headers(AllowHeaders::list([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("last-event-id"),
        ]));
    let learner_side = Router::new()
        .route(
            "/x/{token}/events",
            get(stream::handler).post(stream::handler),
        )
        .route("/x/{token}/socket", get(socket::handler))
        .layer(cors)
        .route("/x/runner", get(runner::handler));
    Router::new()
        .route("/api/exercises/{id}/token", post(issue_handler))
        .route("/api/exercises/tokens/{token}", get(checklist_handler))
        .route(
            "/api/exercises/tokens/{token}/verdicts",
            get(verdicts_handler),
        )
        .merge(learner_side)
        .with_state(routes)
}

/// `?as=text`: the token alone, as text, for a shell's `$(curl …)`.
#[derive(serde::Deserialize)]
struct IssueQuery {
    #[serde(rename = "as")]
    format: Option<String>,
}

async fn issue_handler(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    Path(id): Path<String>,
    Query(query): Query<IssueQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(rules) = (routes.rules_of)(&id) else {
        return (
            StatusCode::NOT_FOUND,
            format!("No exercise `{id}` in this course.\n"),
        )
            .into_response();
    };
    let (token, journal) = match routes.exercises.issue(&id, rules, client) {
        Ok(issued) => issued,
        Err(refused) => return refused.into_response(),
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let path = journal.scenario.path();
    let issued = Issued {
        url: format!("/x/{token}/{path}"),
        verdicts: format!("/api/exercises/tokens/{token}"),
        quiet_secs: routes.exercises.settings().quiet.as_secs(),
        token,
    };
    let mut response = if query.format.as_deref() == Some("text") {
        (StatusCode::CREATED, format!("{}\n", issued.token)).into_response()
    } else {
        (StatusCode::CREATED, axum::Json(&issued)).into_response()
    };
    if let Ok(location) = format!("//{host}{}", issued.verdicts).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The checklist as text, for a terminal: `curl …/api/exercises/tokens/T`.
async fn checklist_handler(State(routes): State<Routes>, Path(token): Path<String>) -> Response {
    match routes.exercises.find(&token) {
        Ok(journal) => {
            let verdicts = journal.verdicts().borrow().clone();
            checklist_text(&journal.exercise, &verdicts).into_response()
        }
        Err(refused) => refused.into_response(),
    }
}

/// `[pass] Comes back with … — sent Last-Event-ID: 5, …`, a line a rule.
pub fn checklist_text(exercise: &str, verdicts: &[Verdict]) -> String {
    let mut text = format!("Exercise {exercise}\n");
    for verdict in verdicts {
        let mark = match verdict.standing {
            Standing::Passed => "[pass]",
            Standing::Failed => "[FAIL]",
            Standing::Waiting => "[ .. ]",
        };
        text.push_str(&format!(
            "{mark} {}\n       {}\n",
            verdict.rule.describe(),
            verdict.evidence
        ));
    }
    let passed = verdicts.iter().all(|v| v.standing == Standing::Passed);
    text.push_str(if passed {
        "Passed.\n"
    } else {
        "Not passed yet.\n"
    });
    text
}

/// The verdicts as an event stream: `event: verdicts`, their JSON, now and
/// on every change.
async fn verdicts_handler(State(routes): State<Routes>, Path(token): Path<String>) -> Response {
    let journal = match routes.exercises.find(&token) {
        Ok(journal) => journal,
        Err(refused) => return refused.into_response(),
    };
    let receiver = journal.verdicts();
    let stopping = routes.stopping.clone();
    let events = futures_util::stream::unfold(
        (receiver, true, journal),
        move |(mut receiver, first, journal)| {
            let stopping = stopping.clone();
            async move {
                if !first {
                    tokio::select! {
                        changed = receiver.changed() => changed.ok()?,
                        () = stopping.wait() => return None,
                    }
                }
                journal.touch();
                let verdicts = receiver.borrow_and_update().clone();
                let json = serde_json::to_string(&verdicts).unwrap_or_default();
                let event = axum::response::sse::Event::default()
                    .event("verdicts")
                    .data(json);
                Some((Ok(super::sse::encode(event)), (receiver, false, journal)))
            }
        },
    );
    super::sse::response(Box::pin(events))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::exercise::Rule;

    #[test]
    fn the_text_checklist_marks_each_rule() {
        let text = checklist_text(
            "close-with-intent",
            &[Verdict {
                rule: Rule::ClosesWithCodeAndReason,
                standing: Standing::Failed,
                evidence: "closed with 1000 \"bye\"".into(),
            }],
        );
        assert_eq!(
            text,
            "Exercise close-with-intent\n[FAIL] Closes with code 4000 and a reason, in a \
             completed closing handshake\n       closed with 1000 \"bye\"\nNot passed yet.\n"
        );
    }
}
