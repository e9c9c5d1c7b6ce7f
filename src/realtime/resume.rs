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
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::client::{ClientAddr, ClientRule};
use super::echo::Echo;
use super::limits::too_busy;
use super::origin;
use super::socket::{close, close_code, idle_reason, SOCKET_BUFFER};
use super::stopping::Stopping;
use crate::model::wire::{ResumeFromPage, ResumeFromServer, RESUME_MOST_CUT};

/// Echoes a session keeps for a page that comes back.
pub const KEPT: usize = 32;
/// How long a session without a socket is kept.
pub const KEPT_FOR: Duration = Duration::from_secs(120);
/// The longest text of one message, in bytes.
pub const MOST_TEXT: usize = 500;
/// The largest message this socket reads: a message of [`MOST_TEXT`] bytes
/// as JSON, with room for escapes.
const MOST_MESSAGE: usize = 4 * 1024;

/// The sessions of every open or recently dropped resumable socket.
#[derive(Debug)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    most: usize,
}

#[derive(Debug, Default)]
struct Session {
    /// The last of the page's numbers the server has.
    received: u64,
    /// The last `seq` the server gave.
    sent: u64,
    /// The newest echoes, oldest first.
    kept: VecDeque<Kept>,
    /// Which socket holds the session now: a newer one takes it over.
    holder: u64,
    /// When its last socket ended; `None` while one is open.
    left_at: Option<Instant>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Kept {
    seq: u64,
    of: u64,
    text: String,
}

/// A socket's hold on its session.
#[derive(Debug, PartialEq, Eq)]
pub struct Attached {
    pub session: String,
    holder: u64,
    pub welcome: ResumeFromServer,
    /// The echoes after the page's `seen`, to send again.
    pub backlog: Vec<ResumeFromServer>,
}

/// What became of one of the page's messages.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// New: the echo to send.
    Echo(ResumeFromServer),
    /// A number the server already has: a resend, dropped.
    Again,
    /// A number beyond the next one: a message is missing.
    Skipped { expected: u64 },
    /// Another socket took the session over.
    TakenOver,
}

impl Sessions {
    pub fn new(most: usize) -> Self {
        Sessions {
            sessions: Mutex::default(),
            most: most.max(1),
        }
    }

    /// Picks up the session `named` (when the server still has it) or
    /// starts a new one, forgetting the one left longest ago if the server
    /// holds its most; `None` only when every session has a socket.
    pub fn attach(&self, named: Option<&str>, seen: u64) -> Option<Attached> {
        let mut sessions = self.sessions.lock().expect("no panic holds this lock");
        let now = Instant::now();
        sessions.retain(|_, s| s.left_at.is_none_or(|left| now - left < KEPT_FOR));
        let (id, resumed) = match named.filter(|id| sessions.contains_key(*id)) {
            Some(id) => (id.to_string(), true),
            None => {
                if sessions.len() >= self.most {
                    let oldest = sessions
                        .iter()
                        .filter_map(|(id, s)| Some((s.left_at?, id)))
                        .min()
                        .map(|(_, id)| id.clone())?;
                    sessions.remove(&oldest);
                }
                (super::ids::random_id(), false)
            }
        };
        let session = sessions.entry(id.clone()).or_default();
        session.holder += 1;
        session.left_at = None;
        // The page has every echo up to `seen`: they need not be kept.
        let seen = seen.min(session.sent);
        session.kept.retain(|k| k.seq > seen);
        let first_kept = session.kept.front().map_or(session.sent + 1, |k| k.seq);
        Some(Attached {
            session: id.clone(),
            holder: session.holder,
            welcome: ResumeFromServer::Welcome {
                session: id,
                resumed,
                received: session.received,
                lost: first_kept - seen - 1,
            },
            backlog: session.kept.iter().map(Kept::echo).collect(),
        })
    }

    /// The page's message `num`, numbered and kept if it is the next one.
    pub fn record(&self, attached: &Attached, num: u64, text: String) -> Recorded {
        let mut sessions = self.sessions.lock().expect("no panic holds this lock");
        let Some(session) = sessions
            .get_mut(&attached.session)
            .filter(|s| s.holder == attached.holder)
        else {
            return Recorded::TakenOver;
        };
        let expected = session.received + 1;
        if num < expected {
            return Recorded::Again;
        }
        if num > expected {
            return Recorded::Skipped { expected };
        }
        session.received = num;
        session.sent += 1;
        let kept = Kept {
            seq: session.sent,
            of: num,
            text,
        };
        if session.kept.len() == KEPT {
            session.kept.pop_front();
        }
        session.kept.push_back(kept.clone());
        Recorded::Echo(kept.echo())
    }

    /// The socket ended: its session is kept for [`KEPT_FOR`], unless a
    /// newer socket holds it.
    fn detach(&self, attached: &Attached) {
        let mut sessions = self.sessions.lock().expect("no panic holds this lock");
        if let Some(session) = sessions.get_mut(&attached.session) {
            if session.holder == attached.holder {
                session.left_at = Some(Instant::now());
            }
        }
    }
}

/// A socket's hold on its session, given back when it is dropped: when
/// the socket ends, or when its upgrade never happened.
pub struct Holding {
    sessions: Arc<Sessions>,
    pub attached: Attached,
}

impl Holding {
    pub fn new(sessions: Arc<Sessions>, attached: Attached) -> Self {
        Holding { sessions, attached }
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        self.sessions.detach(&self.attached);
    }
}

impl Kept {
    fn echo(&self) -> ResumeFromServer {
        ResumeFromServer::Echo {
            seq: self.seq,
            of: self.of,
            text: self.text.clone(),
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(recorded: Recorded) -> (u64, u64) {
        match recorded {
            Recorded::Echo(ResumeFromServer::Echo { seq, of, .. }) => (seq, of),
            other => panic!("not an echo: {other:?}"),
        }
    }

    fn welcome(attached: &Attached) -> (bool, u64, u64) {
        match &attached.welcome {
            ResumeFromServer::Welcome {
                resumed,
                received,
                lost,
                ..
            } => (*resumed, *received, *lost),
            other => panic!("not a welcome: {other:?}"),
        }
    }

    #[test]
    fn a_resumed_session_sends_what_came_after_seen_and_says_what_it_has() {
        let sessions = Sessions::new(10);
        let first = sessions.attach(None, 0).unwrap();
        assert_eq!(welcome(&first), (false, 0, 0));
        for num in 1..=3 {
            assert_eq!(
                text(sessions.record(&first, num, format!("m{num}"))),
                (num, num)
            );
        }
        sessions.detach(&first);
        let again = sessions.attach(Some(&first.session), 1).unwrap();
        assert_eq!(welcome(&again), (true, 3, 0));
        let seqs: Vec<u64> = again
            .backlog
            .iter()
            .map(|m| match m {
                ResumeFromServer::Echo { seq, .. } => *seq,
                _ => 0,
            })
            .collect();
        assert_eq!(seqs, [2, 3]);
        assert_eq!(sessions.record(&again, 3, "m3".into()), Recorded::Again);
        assert_eq!(
            sessions.record(&again, 5, "m5".into()),
            Recorded::Skipped { expected: 4 }
        );
        assert_eq!(text(sessions.record(&again, 4, "m4".into())), (4, 4));
        assert_eq!(sessions.record(&first, 5, "m5".into()), Recorded::TakenOver);
    }

    #[test]
    fn echoes_beyond_what_is_kept_are_counted_as_lost() {
        let sessions = Sessions::new(10);
        let first = sessions.attach(None, 0).unwrap();
        let sent = KEPT as u64 + 5;
        for num in 1..=sent {
            sessions.record(&first, num, String::new());
        }
        let again = sessions.attach(Some(&first.session), 0).unwrap();
        assert_eq!(welcome(&again), (true, sent, 5));
        assert_eq!(again.backlog.len(), KEPT);
        // A `seen` from the future is taken as "all of them".
        let later = sessions.attach(Some(&first.session), u64::MAX).unwrap();
        assert_eq!(welcome(&later), (true, sent, 0));
        assert!(later.backlog.is_empty());
    }

    #[test]
    fn an_unknown_session_starts_afresh_and_a_full_store_forgets_the_session_left_longest_ago() {
        let sessions = Sessions::new(2);
        let first = sessions.attach(Some("not-a-session"), 7).unwrap();
        assert_eq!(welcome(&first), (false, 0, 0));
        assert_ne!(first.session, "not-a-session");
        let second = sessions.attach(None, 0).unwrap();
        assert!(
            sessions.attach(None, 0).is_none(),
            "both sessions have a socket"
        );
        sessions.detach(&first);
        std::thread::sleep(Duration::from_millis(2));
        sessions.detach(&second);
        let _third = sessions
            .attach(None, 0)
            .expect("the first session made room");
        let second_again = sessions.attach(Some(&second.session), 0).unwrap();
        assert!(
            welcome(&second_again).0,
            "the session left last is still kept"
        );
        let first_again = sessions.attach(Some(&first.session), 0);
        assert!(
            first_again.is_none(),
            "the first was forgotten, and every session has a socket"
        );
    }
}
