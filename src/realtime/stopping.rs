//! The server going away: on SIGTERM or Ctrl-C every long-lived response
//! ends in the way its protocol teaches (lesson 8, "graceful restarts"):
//! clock streams end their body cleanly, so `EventSource` reconnects to the
//! next process with `Last-Event-ID`; echo sockets close with 1001, "going
//! away". `server::start` waits for them up to the drain deadline.

use std::time::Duration;
use tokio::sync::watch;

/// See [`Stopping::hold`].
pub struct Held(#[allow(dead_code)] watch::Receiver<bool>);

#[derive(Clone, Debug)]
pub struct Stopping {
    stopping: watch::Sender<bool>,
    /// How long `server::start` waits for open connections once stopping.
    pub drain: Duration,
}

impl Stopping {
    pub fn new(drain: Duration) -> Self {
        Stopping {
            stopping: watch::Sender::new(false),
            drain,
        }
    }

    /// Tells every open stream and socket to end.
    pub fn begin(&self) {
        self.stopping.send_replace(true);
    }

    /// Whether the server has begun to stop.
    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Something open that [`Stopping::drained`] waits for until it is
    /// dropped: a socket task holds one to its very end, past its close
    /// handshake (a finished [`Stopping::wait`] no longer counts).
    pub fn hold(&self) -> Held {
        Held(self.stopping.subscribe())
    }

    /// Resolves once the server is stopping (at once if it already is).
    /// Until it resolves, it counts as something open that
    /// [`Stopping::drained`] waits for; to be waited for past that, hold a
    /// [`Stopping::hold`].
    pub fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut stopping = self.stopping.subscribe();
        async move {
            // An error means the sender is gone: the server is gone too.
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }

    /// Resolves once nothing waits on [`Stopping::wait`] any more: every
    /// stream and socket has ended. Upgraded sockets live outside hyper's
    /// connections, so its graceful shutdown alone would not wait for them.
    pub async fn drained(&self) {
        while self.stopping.receiver_count() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
