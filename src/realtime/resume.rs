//! `GET /api/echo/resume`: lesson 4's echo that survives a dropped
//! connection without losing a message or delivering one twice.
//!
//! Both sides number what they send. The page's messages carry `num`
//! (1, 2, 3… per session), the server's echoes `seq`. A socket opened with
//! `?session=…&seen=N` picks its session up again: the server's welcome
//! says the last `num` it has (the page resends every later one), and the
//! server sends again every echo after `seen` that it still keeps. A resent
//! message the server already has is dropped, so a resend is harmless.
//!
//! Sessions live in this process, bounded in number, in messages kept
//! each ([`KEPT`]) and in the size of a message; one left alone for
//! [`KEPT_FOR`] is forgotten. Sockets count against the echo's limits, and
//! close with the echo's codes.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRef, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

use super::client::{ClientAddr, ClientRule};
use super::echo::Echo;
use super::limits::too_busy;
use super::origin;
use super::socket::{close, close_code, idle_reason, SOCKET_BUFFER};
use super::stopping::Stopping;
use crate::model::wire::{ResumeFromPage, ResumeFromServer, RESUME_MOST_CUT};
use sessions::MOST_MESSAGE;
pub use sessions::{Attached, Holding, Recorded, Sessions, KEPT, KEPT_FOR, MOST_TEXT};

mod sessions;

/// `?session=…&seen=N`: the session to pick up and the last echo the page has.
#[derive(serde::Deserialize)]
pub(super) struct ResumeQuery {
    session: Option<String>,
    #[serde(default)]
    seen: u64,
}

/// What the resumable echo's handler reads: the echo, whose limits its
/// sockets count in, and the sessions.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub echo: Echo,
    pub sessions: Arc<Sessions>,
    pub stopping: Stopping,
    /// Origins besides the site's own that may open WebSockets.
    pub allowed_origins: Arc<Vec<String>>,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/echo/resume", get(resume_handler))
        .with_state(routes)
}

async fn resume_handler(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    uri: Uri,
    Query(asked): Query<ResumeQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Err(refused) = origin::check(&headers, &uri, &routes.allowed_origins) {
        return refused.into_response();
    }
    let echo = routes.echo;
    let held = match echo.hold(client) {
        Ok(held) => held,
        Err(refused) => return refused.into_response(),
    };
    let sessions = routes.sessions;
    let Some(attached) = sessions.attach(asked.session.as_deref(), asked.seen) else {
        return too_busy("resumable sessions", sessions.most);
    };
    let holding = Holding::new(sessions.clone(), attached);
    let (idle, stopping) = (echo.settings.idle, routes.stopping);
    upgrade
        .max_message_size(MOST_MESSAGE)
        .max_frame_size(MOST_MESSAGE)
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .on_upgrade(move |mut socket| async move {
            let _held = held;
            // Counted until the close handshake is over, as the echo's are.
            let _open = stopping.hold();
            let talk = Talk {
                holding: &holding,
                idle,
            };
            let ending = tokio::select! {
                ending = talk.converse(&mut socket) => ending,
                () = stopping.wait() => {
                    Ending::Close(close_code::GOING_AWAY, "the server is restarting".into())
                }
            };
            drop(holding); // kept for the page's return from now on
            if let Ending::Close(code, reason) = ending {
                close(&mut socket, code, &reason).await;
            }
        })
}

/// What ended a resumable socket: the close frame owed, or none (the page
/// closed it, the connection broke, or a `cut` dropped it).
enum Ending {
    Close(u16, String),
    Gone,
}

/// One socket's conversation with its session.
struct Talk<'a> {
    holding: &'a Holding,
    idle: Duration,
}

impl Talk<'_> {
    async fn converse(&self, socket: &mut WebSocket) -> Ending {
        let attached = &self.holding.attached;
        let hello = std::iter::once(&attached.welcome).chain(&attached.backlog);
        for message in hello {
            if send(socket, message).await.is_err() {
                return Ending::Gone;
            }
        }
        // Echoes still to lose before the link goes: `Some` after a `cut`.
        let mut losing: Option<u64> = None;
        loop {
            let received = match tokio::time::timeout(self.idle, socket.recv()).await {
                Err(_idle) => {
                    return Ending::Close(close_code::POLICY_VIOLATION, idle_reason(self.idle))
                }
                Ok(None | Some(Err(_))) => return Ending::Gone,
                Ok(Some(Ok(received))) => received,
            };
            let text = match received {
                Message::Text(text) => text,
                Message::Binary(_) => {
                    let why = "this socket speaks JSON text messages only";
                    return Ending::Close(close_code::UNSUPPORTED_DATA, why.into());
                }
                Message::Close(_) => return Ending::Gone,
                Message::Ping(_) | Message::Pong(_) => continue,
            };
            let (num, text) = match serde_json::from_str::<ResumeFromPage>(&text) {
                Ok(ResumeFromPage::Send { num, text }) if text.len() <= MOST_TEXT => (num, text),
                Ok(ResumeFromPage::Send { .. }) => {
                    let why = format!("a message's text is at most {MOST_TEXT} bytes");
                    return Ending::Close(close_code::MESSAGE_TOO_BIG, why);
                }
                Ok(ResumeFromPage::Cut { after }) => {
                    match after {
                        0 => return Ending::Gone,
                        _ => losing = Some(after.min(RESUME_MOST_CUT)),
                    }
                    continue;
                }
                Err(error) => {
                    let why = format!("not a message of this socket ({error})");
                    return Ending::Close(close_code::POLICY_VIOLATION, why);
                }
            };
            let echoed = match self.holding.sessions.record(attached, num, text) {
                Recorded::Echo(echoed) => echoed,
                Recorded::Again => continue,
                Recorded::Skipped { expected } => {
                    let why = format!("message {num} came before message {expected}");
                    return Ending::Close(close_code::POLICY_VIOLATION, why);
                }
                Recorded::TakenOver => {
                    let why = "a newer socket took this session over";
                    return Ending::Close(close_code::NORMAL, why.into());
                }
            };
            match losing.as_mut() {
                // Numbered and kept, never sent: lost with the link.
                Some(left) => {
                    *left -= 1;
                    if *left == 0 {
                        return Ending::Gone;
                    }
                }
                None => {
                    if send(socket, &echoed).await.is_err() {
                        return Ending::Gone;
                    }
                }
            }
        }
    }
}

async fn send(socket: &mut WebSocket, message: &ResumeFromServer) -> Result<(), axum::Error> {
    let json = serde_json::to_string(message).expect("wire messages serialise");
    socket.send(Message::Text(json.into())).await
}
