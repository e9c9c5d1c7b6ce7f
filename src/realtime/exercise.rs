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
//!    [`Scenario`] says (`stream`, `socket`) and write what they see in
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
mod socket;
mod stream;

use axum::extract::{FromRef, Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

use super::client::{ClientAddr, ClientRule};
use super::ids::new_token;
use super::stopping::Stopping;
use crate::model::exercise::{Issued, Rule, Standing, Verdict};
pub use journal::{Journal, Seen};

/// How many tokens are kept, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExerciseSettings {
    /// Live tokens one client address may hold: a learner retrying an
    /// exercise many times, a few tabs, a room behind one address a while.
    pub tokens_per_client: usize,
    /// Live tokens in all.
    pub most_tokens: usize,
    /// A token unused for this long is forgotten.
    pub quiet: Duration,
}

impl Default for ExerciseSettings {
    fn default() -> Self {
        ExerciseSettings {
            tokens_per_client: 64,
            most_tokens: 20_000,
            quiet: Duration::from_secs(15 * 60),
        }
    }
}
/// Forgotten tokens remembered as such, to say "expired" rather than "unknown".
const REMEMBERED: usize = 20_000;

/// The rules of the course's exercise `id`, or `None` if it has none such.
pub type RulesOf = Arc<dyn Fn(&str) -> Option<Vec<Rule>> + Send + Sync>;

/// Every live token's journal.
#[derive(Debug, Default)]
pub struct Exercises {
    settings: ExerciseSettings,
    tokens: Mutex<Tokens>,
}

#[derive(Debug, Default)]
struct Tokens {
    live: HashMap<String, Arc<Journal>>,
    expired: VecDeque<String>,
}

/// Why a token was not issued or not found, with the settings that say why.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooManyForClient(ExerciseSettings),
    TooMany(ExerciseSettings),
    Expired(ExerciseSettings),
    Unknown,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let quiet = |settings: ExerciseSettings| humantime::format_duration(settings.quiet);
        let (status, text) = match self {
            Refused::TooManyForClient(settings) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Your address already holds {} exercise tokens, its share. Unused ones are \
                     forgotten after {}; use one you have.\n",
                    settings.tokens_per_client,
                    quiet(settings)
                ),
            ),
            Refused::TooMany(settings) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "The server holds {} exercise tokens, its limit. Try again in a minute.\n",
                    settings.most_tokens
                ),
            ),
            Refused::Expired(settings) => (
                StatusCode::GONE,
                format!(
                    "This exercise token expired: it was unused for {}. Get a new one (Reset on \
                     the exercise, or POST to /api/exercises/ID/token) and run again.\n",
                    quiet(settings)
                ),
            ),
            Refused::Unknown => (
                StatusCode::NOT_FOUND,
                "No such exercise token (the server may have restarted since it was issued). Get \
                 a new one: Reset on the exercise, or POST to /api/exercises/ID/token.\n"
                    .to_string(),
            ),
        };
        (status, text).into_response()
    }
}

impl Exercises {
    pub fn new(settings: ExerciseSettings) -> Self {
        Exercises {
            settings,
            tokens: Mutex::default(),
        }
    }

    /// A new token for exercise `exercise`, graded on `rules`.
    pub fn issue(
        &self,
        exercise: &str,
        rules: Vec<Rule>,
        client: std::net::IpAddr,
    ) -> Result<(String, Arc<Journal>), Refused> {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.forget_quiet(self.settings.quiet);
        if tokens.live.len() >= self.settings.most_tokens {
            return Err(Refused::TooMany(self.settings));
        }
        let held = tokens.live.values().filter(|j| j.client == client).count();
        if held >= self.settings.tokens_per_client {
            return Err(Refused::TooManyForClient(self.settings));
        }
        let token = new_token();
        let journal = Arc::new(Journal::new(exercise, rules, client));
        tokens.live.insert(token.clone(), journal.clone());
        Ok((token, journal))
    }

    /// The journal of `token`, marked used.
    pub fn find(&self, token: &str) -> Result<Arc<Journal>, Refused> {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.forget_quiet(self.settings.quiet);
        if let Some(journal) = tokens.live.get(token) {
            journal.touch();
            return Ok(journal.clone());
        }
        if tokens.expired.iter().any(|t| t == token) {
            Err(Refused::Expired(self.settings))
        } else {
            Err(Refused::Unknown)
        }
    }

    /// Live tokens now.
    pub fn live(&self) -> usize {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .live
            .len()
    }
}

impl Tokens {
    fn forget_quiet(&mut self, quiet: Duration) {
        let quiet: Vec<String> = self
            .live
            .iter()
            .filter(|(_, journal)| journal.quiet_for() >= quiet)
            .map(|(token, _)| token.clone())
            .collect();
        for token in quiet {
            self.live.remove(&token);
            if self.expired.len() >= REMEMBERED {
                self.expired.pop_front();
            }
            self.expired.push_back(token);
        }
    }
}

/// A token with [`journal::MOST_OPEN`] connections open already.
fn too_many_connections() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "This exercise token already has {} connections open; close one first.\n",
            journal::MOST_OPEN
        ),
    )
        .into_response()
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
        quiet_secs: routes.exercises.settings.quiet.as_secs(),
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

    #[test]
    fn one_address_gets_its_share_of_tokens_and_no_more() {
        let exercises = Exercises::default();
        let rules = || vec![Rule::ClosesWithCodeAndReason];
        let greedy = [10, 0, 0, 1].into();
        for _ in 0..ExerciseSettings::default().tokens_per_client {
            exercises.issue("close", rules(), greedy).unwrap();
        }
        assert!(matches!(
            exercises.issue("close", rules(), greedy).unwrap_err(),
            Refused::TooManyForClient(_)
        ));
        assert!(exercises
            .issue("close", rules(), [10, 0, 0, 2].into())
            .is_ok());
        assert_eq!(exercises.find("nope").unwrap_err(), Refused::Unknown);
    }

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
