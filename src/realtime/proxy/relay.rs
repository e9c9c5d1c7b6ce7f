//! A response's way back through the proxy: its head as the server sent
//! it (less the hop-by-hop headers), and its body passed on as the
//! behaviour says: each read at once, held until a buffer fills, cut off
//! when the server has been quiet too long, or cut off when it has lived
//! as long as the proxy allows.

use axum::body::{Body, Bytes};
use axum::response::Response;
use bytes::BytesMut;
use futures_util::{Stream, StreamExt};
use tokio::sync::OwnedSemaphorePermit;

use super::log::Writer;
use super::{idle_limit, life_limit, HOP_BY_HOP};
use crate::model::wire::{ProxyBehaviour, PROXY_BUFFER_BYTES, PROXY_IDLE_SECS, PROXY_LIFE_SECS};

/// The most of an error answer's body quoted in the log.
const QUOTED: usize = 200;

type Chunks = std::pin::Pin<Box<dyn Stream<Item = Result<Bytes, axum::Error>> + Send>>;

pub async fn response(
    answer: Response<hyper::body::Incoming>,
    behaviour: ProxyBehaviour,
    log: Writer,
    place: OwnedSemaphorePermit,
) -> Response {
    let (mut parts, body) = answer.into_parts();
    for name in HOP_BY_HOP {
        parts.headers.remove(name);
    }
    let status = parts.status;
    let mut chunks: Chunks = Box::pin(Body::new(body).into_data_stream());
    if status.is_client_error() || status.is_server_error() {
        // Short, and the reason an upgrade failed: read it for the log.
        let body = read_short(&mut chunks).await;
        let first_line = String::from_utf8_lossy(&body[..body.len().min(QUOTED)])
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        log.line(format!("the server answered {status}: {first_line}"));
        return Response::from_parts(parts, Body::from(body));
    }
    log.line(format!("the server answered {status}; passing the body on"));
    let chunks = match behaviour {
        ProxyBehaviour::Behaves | ProxyBehaviour::StripsUpgrade => chunks,
        ProxyBehaviour::Buffers => buffered(chunks, log),
        ProxyBehaviour::IdleClose => closed_when_idle(chunks, log),
        ProxyBehaviour::CapsLife => cut_when_old(chunks, log),
    };
    let chunks = chunks.map(move |chunk| {
        let _place = &place;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// An error answer's body, whole (it ends; the server's are short).
async fn read_short(chunks: &mut Chunks) -> Bytes {
    let mut body = BytesMut::new();
    let read = async {
        while let Some(Ok(chunk)) = chunks.next().await {
            body.extend_from_slice(&chunk);
            if body.len() > 64 * 1024 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), read).await;
    body.freeze()
}

/// Holds bytes until [`PROXY_BUFFER_BYTES`] have come, then passes them on
/// in one write, as a proxy that buffers responses sends whole buffers.
fn buffered(mut chunks: Chunks, log: Writer) -> Chunks {
    Box::pin(async_stream::stream! {
        let mut held = BytesMut::new();
        let mut reads = 0;
        while let Some(chunk) = chunks.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(error) => { yield Err(error); return; }
            };
            held.extend_from_slice(&chunk);
            reads += 1;
            if held.len() >= PROXY_BUFFER_BYTES {
                log.line(format!(
                    "the buffer is full: passing on {} bytes from {reads} reads at once",
                    held.len()
                ));
                reads = 0;
                yield Ok(held.split().freeze());
            }
        }
        if !held.is_empty() {
            log.line(format!("the response ended: passing on the last {} bytes", held.len()));
            yield Ok(held.freeze());
        }
    })
}

/// Passes each read on, and cuts the connection when the server has sent
/// nothing for [`PROXY_IDLE_SECS`], as nginx's `proxy_read_timeout` does.
fn closed_when_idle(mut chunks: Chunks, log: Writer) -> Chunks {
    Box::pin(async_stream::stream! {
        loop {
            match tokio::time::timeout(idle_limit(), chunks.next()).await {
                Ok(Some(chunk)) => yield chunk,
                Ok(None) => return,
                Err(_) => {
                    log.line(format!(
                        "{PROXY_IDLE_SECS} s without a byte from the server: closing the connection"
                    ));
                    // An error ends the body unfinished: hyper closes the
                    // connection without the last chunk, as a timed-out proxy does.
                    yield Err(axum::Error::new(IdleTimeout));
                    return;
                }
            }
        }
    })
}

#[derive(Debug, thiserror::Error)]
#[error("the server sent nothing for {PROXY_IDLE_SECS} s")]
struct IdleTimeout;

/// Passes each read on, and cuts the connection [`PROXY_LIFE_SECS`] after
/// the response began, however busy: a request timeout that counts the
/// whole request, as API gateways and serverless platforms have.
/// Heartbeats cannot help; a client that resumes can.
fn cut_when_old(mut chunks: Chunks, log: Writer) -> Chunks {
    Box::pin(async_stream::stream! {
        let deadline = tokio::time::sleep(life_limit());
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                chunk = chunks.next() => match chunk {
                    Some(chunk) => yield chunk,
                    None => return,
                },
                () = &mut deadline => {
                    log.line(format!(
                        "the response has lived {PROXY_LIFE_SECS} s, the most this proxy allows: \
                         cutting it, busy or not"
                    ));
                    yield Err(axum::Error::new(LifeOver));
                    return;
                }
            }
        }
    })
}

#[derive(Debug, thiserror::Error)]
#[error("the response lived {PROXY_LIFE_SECS} s")]
struct LifeOver;
