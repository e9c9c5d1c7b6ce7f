//! When an echo socket is due a ping, is dead, or is idle: the echo's
//! liveness rule, apart from the socket it watches.

use super::settings::EchoSettings;

/// Two clocks on one socket: the idle rule counts from the client's last
/// message (a pong is not a message, so a silent page is still closed with
/// 1008), and liveness from its last frame of any kind. After `ping_after`
/// without a frame the server pings; a peer that answers nothing within
/// `pong_deadline` is gone. Without this a vanished peer would be found only
/// when TCP gave up retransmitting (15 minutes or more with Linux's
/// defaults) or at the idle rule.
pub(super) struct Liveness<'a> {
    settings: &'a EchoSettings,
    last_message: tokio::time::Instant,
    last_frame: tokio::time::Instant,
    pinged: bool,
}

pub(super) enum Check {
    Idle,
    Ping,
    Dead,
}

impl<'a> Liveness<'a> {
    pub(super) fn new(settings: &'a EchoSettings) -> Self {
        let now = tokio::time::Instant::now();
        Liveness {
            settings,
            last_message: now,
            last_frame: now,
            pinged: false,
        }
    }

    fn idle_at(&self) -> tokio::time::Instant {
        self.last_message + self.settings.idle
    }

    pub(super) fn next_check(&self) -> tokio::time::Instant {
        let quiet = self.settings.ping_after;
        let live_at = if self.pinged {
            self.last_frame + quiet + self.settings.pong_deadline
        } else {
            self.last_frame + quiet
        };
        self.idle_at().min(live_at)
    }

    /// A frame arrived: a message (`true`), or a ping, pong or close.
    pub(super) fn heard(&mut self, message: bool) {
        let now = tokio::time::Instant::now();
        self.last_frame = now;
        self.pinged = false;
        if message {
            self.last_message = now;
        }
    }

    /// The timer of [`Liveness::next_check`] ran out: what is due.
    pub(super) fn on_timer(&mut self) -> Check {
        if tokio::time::Instant::now() >= self.idle_at() {
            Check::Idle
        } else if self.pinged {
            Check::Dead
        } else {
            self.pinged = true;
            Check::Ping
        }
    }
}
