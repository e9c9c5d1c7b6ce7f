//! `GET /x/{token}/socket`: the socket exercises' WebSocket, which behaves
//! as the token's scenario says.
//!
//! - Backoff: the first socket is closed by the server (1012) after a
//!   second; the next five handshakes are refused with `503`; then one is
//!   kept.
//! - Heartbeat: three `{"type":"heartbeat"}` a second apart, then silence
//!   without a close; if no new socket comes within two intervals and a
//!   little, the journal says so.
//! - Close: a socket that waits for the client's close frame.
//! - Subprotocol: the server picks one of the known subprotocols the
//!   client offered, at random, so that only a client that reads
//!   `socket.protocol` speaks the right one.
//!
//! Every socket reads at most 100 messages (the journal keeps the first
//! few) and lives at most two minutes.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

use super::journal::Slot;
use super::{Journal, Routes, Seen};
use crate::model::exercise::{Scenario, HEARTBEAT_MS, REFUSALS, SUBPROTOCOLS};
use crate::realtime::socket::{close, close_code, SOCKET_BUFFER};
use crate::realtime::stopping::Stopping;

/// The longest a socket of an exercise lives.
const LIFETIME: Duration = Duration::from_secs(120);
/// Messages a socket reads before it closes with 1008.
const MOST_READ: usize = 100;
/// The largest message it takes.
const MOST_MESSAGE: usize = 4096;
/// Heartbeats before the silence.
const HEARTBEATS: usize = 3;
/// Beyond two heartbeat intervals, before "no reconnect" is written down.
const SILENCE_SLACK: Duration = Duration::from_millis(250);
/// Subprotocols read from one handshake, at most.
const MOST_OFFERED: usize = 8;
/// 1012, "service restart": the backoff exercise's first close.
const SERVICE_RESTART: u16 = 1012;

pub async fn handler(
    State(routes): State<Routes>,
    Path(token): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (journal, slot) = match super::connect(&routes.exercises, &token, "socket") {
        Ok(connected) => connected,
        Err(refused) => return *refused,
    };
    let attempt = journal.next_attempt();
    let offered = offered(&headers);
    if journal.scenario == Scenario::Backoff && (2..=REFUSALS + 1).contains(&attempt) {
        journal.record(Seen::Attempt {
            accepted: false,
            offered,
            picked: None,
        });
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "Refused on purpose: attempt {} of the {REFUSALS} this exercise refuses.\n",
                attempt - 1
            ),
        )
            .into_response();
    }
    let picked = (journal.scenario == Scenario::Subprotocol)
        .then(|| pick(&offered))
        .flatten();
    journal.record(Seen::Attempt {
        accepted: true,
        offered,
        picked: picked.map(String::from),
    });
    let upgrade = match picked {
        Some(protocol) => upgrade.protocols([protocol]),
        None => upgrade,
    };
    let stopping = routes.stopping.clone();
    upgrade
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .max_message_size(MOST_MESSAGE)
        .on_upgrade(move |socket| run(socket, journal, attempt, slot, stopping))
}

/// The subprotocols a handshake offers, as many as are read.
fn offered(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|protocol| protocol.trim().chars().take(64).collect::<String>())
        .filter(|protocol| !protocol.is_empty())
        .take(MOST_OFFERED)
        .collect()
}

/// One of the known subprotocols `offered` names, at random.
fn pick(offered: &[String]) -> Option<&'static str> {
    let known: Vec<&'static str> = SUBPROTOCOLS
        .into_iter()
        .filter(|known| offered.iter().any(|o| o == known))
        .collect();
    let mut byte = [0u8; 1];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut byte).ok()?;
    known
        .get(usize::from(byte[0]) % known.len().max(1))
        .copied()
}

async fn run(
    mut socket: WebSocket,
    journal: Arc<Journal>,
    attempt: usize,
    _slot: Slot,
    stopping: Stopping,
) {
    let _held = stopping.hold();
    let said = match journal.scenario {
        Scenario::Backoff if attempt == 1 => {
            let _ = socket
                .send(Message::text(
                    "connected: the server will close this socket in a second",
                ))
                .await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            journal.record(Seen::ClosedByServer);
            close(
                &mut socket,
                SERVICE_RESTART,
                "service restart: reconnect, with backoff",
            )
            .await;
            return;
        }
        Scenario::Backoff => "connected again: the refusals are over",
        Scenario::Heartbeat => {
            heartbeats(&mut socket, &journal, attempt).await;
            "" // then silence
        }
        Scenario::Close => "connected: close this socket with 4000 and a reason",
        Scenario::Subprotocol => "connected: say hello in the subprotocol the server picked",
        Scenario::Stream => return,
    };
    if !said.is_empty() {
        let _ = socket.send(Message::text(said)).await;
    }
    let stop = stopping.wait();
    tokio::select! {
        () = listen(&mut socket, &journal) => {}
        () = tokio::time::sleep(LIFETIME) => {
            close(&mut socket, close_code::NORMAL, "the exercise's socket lives two minutes").await;
        }
        () = stop => close(&mut socket, close_code::GOING_AWAY, "the server is stopping").await,
    }
}

/// Three heartbeats, a second apart; then a watch for the reconnect that
/// should follow the silence.
async fn heartbeats(socket: &mut WebSocket, journal: &Arc<Journal>, attempt: usize) {
    for n in 0..HEARTBEATS {
        if n > 0 {
            tokio::time::sleep(Duration::from_millis(HEARTBEAT_MS)).await;
        }
        if socket
            .send(Message::text(r#"{"type":"heartbeat"}"#))
            .await
            .is_err()
        {
            return;
        }
        journal.record(Seen::Heartbeat);
    }
    let journal = journal.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2 * HEARTBEAT_MS) + SILENCE_SLACK).await;
        if journal.attempts() == attempt {
            journal.record(Seen::NoReconnect);
        }
    });
}

/// Reads until the client closes or goes, writing down its messages and
/// its close frame.
async fn listen(socket: &mut WebSocket, journal: &Journal) {
    let mut read = 0;
    while let Some(message) = socket.recv().await {
        match message {
            Ok(Message::Text(text)) => {
                read += 1;
                journal.record(Seen::Message(text.as_str().to_string()));
                if read >= MOST_READ {
                    close(
                        socket,
                        close_code::POLICY_VIOLATION,
                        "this exercise reads 100 messages at most",
                    )
                    .await;
                    return;
                }
            }
            Ok(Message::Close(frame)) => {
                let (code, reason) = frame.map_or((None, String::new()), |frame| {
                    (Some(frame.code), frame.reason.as_str().to_string())
                });
                journal.record(Seen::CloseFrame { code, reason });
                // Reading on sends the answering close frame and ends the socket.
                while let Some(Ok(_)) = socket.recv().await {}
                return;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    journal.record(Seen::Dropped);
}
