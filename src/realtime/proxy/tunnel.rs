//! An upgraded connection through the proxy: once both sides have switched
//! protocols, bytes go each way as they come, and the tunnel ends when
//! either side closes, or, for the idle-closing proxy, when the server has
//! sent nothing for a while (nginx applies `proxy_read_timeout` to a
//! WebSocket the same way), or, for the life-capping one, when it has been
//! open as long as the proxy allows (a platform's request timeout counts a
//! WebSocket's whole life).

use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::OwnedSemaphorePermit;

use super::log::Writer;

/// Each direction's read buffer.
const CHUNK: usize = 4096;

/// When the proxy ends a tunnel itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// After this long without a byte from the server.
    pub idle: Option<Duration>,
    /// This long after it opened, whatever flows.
    pub life: Option<Duration>,
}

/// Why a tunnel ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    Browser,
    Server,
    Idle(Duration),
    Life(Duration),
    Failed(String),
}

pub async fn carry(
    browser: OnUpgrade,
    server: OnUpgrade,
    limits: Limits,
    log: Writer,
    _place: OwnedSemaphorePermit,
) {
    let ended = match tokio::try_join!(browser, server) {
        Ok((browser, server)) => pump(browser, server, limits).await,
        Err(error) => Ended::Failed(error.to_string()),
    };
    log.line(match ended {
        Ended::Browser => "the browser closed the tunnel".into(),
        Ended::Server => "the server closed the tunnel".into(),
        Ended::Idle(after) => format!(
            "{} s without a byte from the server: closing the tunnel",
            after.as_secs()
        ),
        Ended::Life(after) => format!(
            "the tunnel has lived {} s, the most this proxy allows: closing it, busy or not",
            after.as_secs()
        ),
        Ended::Failed(why) => format!("the tunnel failed: {why}"),
    });
}

/// Copies both ways until one side closes, or the proxy's limits end it.
async fn pump(browser: Upgraded, server: Upgraded, limits: Limits) -> Ended {
    let (mut from_browser, mut to_browser) = tokio::io::split(TokioIo::new(browser));
    let (mut from_server, mut to_server) = tokio::io::split(TokioIo::new(server));
    let (mut up, mut down) = (vec![0; CHUNK], vec![0; CHUNK]);
    // Without a limit, a deadline that never comes.
    let never = Duration::from_secs(60 * 60 * 24 * 365);
    let limit = limits.idle.unwrap_or(never);
    let quiet = tokio::time::sleep(limit);
    let life = limits.life.unwrap_or(never);
    let old = tokio::time::sleep(life);
    tokio::pin!(quiet, old);
    loop {
        tokio::select! {
            read = from_browser.read(&mut up) => match read {
                Ok(0) | Err(_) => return Ended::Browser,
                Ok(n) => if to_server.write_all(&up[..n]).await.is_err() {
                    return Ended::Server;
                },
            },
            read = from_server.read(&mut down) => match read {
                Ok(0) | Err(_) => return Ended::Server,
                Ok(n) => {
                    quiet.as_mut().reset(tokio::time::Instant::now() + limit);
                    if to_browser.write_all(&down[..n]).await.is_err() {
                        return Ended::Browser;
                    }
                }
            },
            () = &mut quiet => return Ended::Idle(limit),
            () = &mut old => return Ended::Life(life),
        }
    }
}
