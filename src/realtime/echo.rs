//! `GET /api/echo`: a WebSocket that sends every message back unchanged.
//!
//! Limits, each with a close code a learner can look up (lesson 4):
//! a message over the size limit closes with 1009, text that is not UTF-8
//! with 1007, a silent client is closed with 1008 after the idle timeout
//! (a rule of this server); when the server stops, every socket is closed
//! with 1001, "going away".
//!
//! Over HTTP/2 the same handler answers an extended CONNECT (RFC 8441), so
//! the route takes `CONNECT` beside `GET`.
//! The loop reads one message and finishes sending it before it reads the
//! next, so a client that does not read stalls only itself: TCP pushes back
//! and the server never queues more than one message per socket.

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::Query;
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, Uri, Version};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

mod liveness;
mod settings;

use liveness::{Check, Liveness};
pub use settings::EchoSettings;

use super::client::{ClientAddr, ClientRule};
use super::fair_share::{Share, Shares};
use super::limits::{semaphore_permits, Refused};
use super::origin;
use super::socket::{close, close_code, idle_reason, SOCKET_BUFFER};
use super::stopping::Stopping;
use crate::model::wire::{
    echo_hello, EchoFault, PING_STORM_PREFIX, TOKEN_EXPIRED, TOKEN_LIFE_SECS,
};

/// Frames up to this many times the message limit are read whole before the
/// message is refused. A frame refused from its header alone leaves its
/// payload unread, closing the socket then sends a TCP reset, and a browser
/// reports 1006 instead of the 1009 the server sent. Beyond this allowance
/// that still happens, which bounds what one socket can make the server hold.
const FRAME_ALLOWANCE: usize = 4;

#[derive(Clone, Debug)]
pub struct Echo {
    pub settings: EchoSettings,
    permits: Arc<Semaphore>,
    shares: Arc<Shares>,
}

impl Echo {
    pub fn new(settings: EchoSettings) -> Self {
        Echo {
            permits: Arc::new(Semaphore::new(semaphore_permits(settings.max_open_sockets))),
            shares: Shares::new(
                "echo sockets",
                "--echo-per-client",
                settings.max_sockets_per_client,
            ),
            settings,
        }
    }

    /// A socket's place among the echo's: its client's share and a permit,
    /// or the answer that says which limit is full.
    pub(super) fn hold(&self, client: std::net::IpAddr) -> Result<Held, Refused> {
        let share = self.shares.take(client).map_err(Refused::OverShare)?;
        let Ok(permit) = self.permits.clone().try_acquire_owned() else {
            return Err(Refused::Full {
                what: "echo sockets",
                limit: self.settings.max_open_sockets,
            });
        };
        Ok((permit, share))
    }
}

/// What an open echo socket holds until it ends.
pub(super) type Held = (OwnedSemaphorePermit, Share);

/// What the echo's handler reads.
#[derive(Clone, FromRef)]
pub struct Routes {
    pub echo: Echo,
    pub stopping: Stopping,
    /// Origins besides the site's own that may open WebSockets.
    pub allowed_origins: Arc<Vec<String>>,
    pub client: ClientRule,
}

pub fn router(routes: Routes) -> Router {
    Router::new()
        .route("/api/echo", get(echo_handler).connect(echo_handler))
        .with_state(routes)
}

async fn echo_handler(
    State(routes): State<Routes>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    (uri, version): (Uri, Version),
    Query(asked): Query<EchoQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (echo, stopping) = (routes.echo, routes.stopping);
    if let Err(refused) = origin::check(&headers, &uri, &routes.allowed_origins) {
        return refused.into_response();
    }
    let held = match echo.hold(client) {
        Ok(held) => held,
        Err(refused) => return refused.into_response(),
    };
    let settings = echo.settings.clone();
    upgrade
        .max_message_size(settings.max_message)
        .max_frame_size(settings.max_message.saturating_mul(FRAME_ALLOWANCE))
        // tungstenite reads and writes through 128 KiB buffers by default:
        // 2000 idle sockets held 264 MB. Frames larger than these still
        // work (the frame buffer grows as needed); the chunk is only smaller.
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .on_upgrade(move |socket| {
            let hello = asked.hello.is_some().then_some(version == Version::HTTP_2);
            serve(socket, hello, asked.fault, settings, stopping, held)
        })
}

/// One socket's whole life, in one future: it says hello if asked (over
/// HTTP/2 or not), misbehaves if asked, then echoes. Not an `async fn`: the
/// future of one keeps a second copy of each argument it holds across an
/// `.await` (rust-lang/rust#62958), and every idle socket would pay for
/// that, its WebSocket twice.
#[allow(clippy::manual_async_fn)]
fn serve(
    mut socket: WebSocket,
    hello: Option<bool>,
    fault: Option<EchoFault>,
    settings: EchoSettings,
    stopping: Stopping,
    held: Held,
) -> impl std::future::Future<Output = ()> + Send {
    async move {
        // Kept, unmoved (a move would be a second copy), until the end.
        let _held = &held;
        if let Some(over_http2) = hello {
            let hello = echo_hello(over_http2);
            if socket.send(Message::Text(hello.into())).await.is_err() {
                return;
            }
        }
        // Boxed: a rare path should not make every socket's task larger.
        if fault == Some(EchoFault::Expire) {
            return Box::pin(expiring(&mut socket, &settings, &stopping)).await;
        }
        if let Some(fault) = fault {
            if !Box::pin(misbehave(&mut socket, fault)).await {
                return;
            }
        }
        echo_socket(&mut socket, &settings, &stopping).await
    }
}

/// `?fault=…`: this one socket misbehaves as asked (lesson 4's "break it").
/// `?hello`: the first message, before any echo, says how the socket
/// reached the server (lesson 6: over HTTP/2 with RFC 8441, or not).
#[derive(serde::Deserialize)]
struct EchoQuery {
    fault: Option<EchoFault>,
    hello: Option<String>,
}

/// Pings in a ping storm, and how long the storm waits for their pongs.
const PING_STORM: u32 = 50;
const PING_STORM_WAIT: Duration = Duration::from_secs(2);

/// Each fault touches no other socket and is over within seconds: it ends
/// the socket (`false`), or leaves it to echo as usual (`true`).
async fn misbehave(socket: &mut WebSocket, fault: EchoFault) -> bool {
    match fault {
        EchoFault::ServerError => {
            let reason = "server error, asked for with ?fault=server-error";
            close(socket, close_code::INTERNAL_ERROR, reason).await;
            false
        }
        // Dropping the socket closes TCP without a close frame: the page sees 1006.
        EchoFault::Drop => false,
        EchoFault::PingStorm => ping_storm(socket).await.is_some(),
        // Its own path in `serve`: the fault lasts the socket's whole life.
        EchoFault::Expire => true,
    }
}

/// Echoes until the socket's pretend token expires, then closes with 1008
/// and a reason that says what to do: what a server that checks a token's
/// life on open sockets sends (the page must fetch a new token first).
async fn expiring(socket: &mut WebSocket, settings: &EchoSettings, stopping: &Stopping) {
    let life = Duration::from_secs(TOKEN_LIFE_SECS);
    if tokio::time::timeout(life, echo_socket(socket, settings, stopping))
        .await
        .is_err()
    {
        close(socket, close_code::POLICY_VIOLATION, TOKEN_EXPIRED).await;
    }
}

/// Sends [`PING_STORM`] pings at once and counts the pongs the browser
/// answers with by itself (RFC 6455 §5.5.2), then says so in a text message.
async fn ping_storm(socket: &mut WebSocket) -> Option<()> {
    let started = std::time::Instant::now();
    for i in 0..PING_STORM {
        let payload = Bytes::copy_from_slice(&i.to_be_bytes());
        socket.send(Message::Ping(payload)).await.ok()?;
    }
    let (mut pongs, mut held) = (0, Vec::new());
    let _ = tokio::time::timeout(PING_STORM_WAIT, async {
        while pongs < PING_STORM {
            match socket.recv().await {
                Some(Ok(Message::Pong(_))) => pongs += 1,
                // The page's own messages are echoed once the storm is over.
                Some(Ok(message @ (Message::Text(_) | Message::Binary(_)))) => held.push(message),
                Some(Ok(_)) => {}
                _ => return,
            }
        }
    })
    .await;
    let report = format!(
        "{PING_STORM_PREFIX}the server sent {PING_STORM} pings at once; {pongs} pongs came back \
         in {} ms. The browser answered each by itself: the page saw no event for any of them.",
        started.elapsed().as_millis()
    );
    socket.send(Message::Text(report.into())).await.ok()?;
    for message in held {
        socket.send(message).await.ok()?;
    }
    Some(())
}

async fn echo_socket(socket: &mut WebSocket, settings: &EchoSettings, stopping: &Stopping) {
    // Counted until this task ends, after the close handshake below: the
    // server must not exit while a 1001 waits for the browser's answer.
    let _open = stopping.hold();
    let stopping = stopping.wait();
    tokio::pin!(stopping);
    let mut watch = Liveness::new(settings);
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout_at(watch.next_check(), socket.recv()) => next,
            _ = &mut stopping => {
                Box::pin(close(socket, close_code::GOING_AWAY, "the server is restarting")).await;
                return;
            }
        };
        let received = match next {
            Err(_timer) => match watch.on_timer() {
                Check::Idle => {
                    let reason = idle_reason(settings.idle);
                    Box::pin(close(socket, close_code::POLICY_VIOLATION, &reason)).await;
                    return;
                }
                // No frame at all since the ping: the peer is gone (a close
                // frame could not reach it either).
                Check::Dead => return,
                Check::Ping => {
                    if socket.send(Message::Ping(Bytes::new())).await.is_err() {
                        return;
                    }
                    continue;
                }
            },
            Ok(None) => return,
            Ok(Some(received)) => received,
        };
        match received {
            Ok(message @ (Message::Text(_) | Message::Binary(_))) => {
                watch.heard(true);
                if socket.send(message).await.is_err() {
                    return;
                }
            }
            // Pings are answered by the WebSocket layer itself; a close frame
            // is echoed with the client's code on the next read, which then
            // ends the loop.
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Close(_)) => watch.heard(false),
            Err(error) => {
                if let Some((code, reason)) = close_for(&error, settings.max_message) {
                    Box::pin(close(socket, code, &reason)).await;
                }
                return;
            }
        }
    }
}

/// The close frame owed to the client for a read error, if the connection
/// can still carry one.
fn close_for(error: &axum::Error, max_message: usize) -> Option<(u16, String)> {
    let inner = std::error::Error::source(error)?;
    match inner.downcast_ref::<tungstenite::Error>()? {
        tungstenite::Error::Capacity(_) => Some((
            close_code::MESSAGE_TOO_BIG,
            format!("message over the {max_message}-byte limit"),
        )),
        tungstenite::Error::Utf8(_) => Some((
            close_code::INVALID_PAYLOAD,
            "text message is not valid UTF-8".into(),
        )),
        tungstenite::Error::Protocol(_) => {
            Some((close_code::PROTOCOL_ERROR, "protocol error".into()))
        }
        _ => None,
    }
}
