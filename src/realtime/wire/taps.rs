//! The taps the pages asked for: a few per client address, a bounded
//! number in all, each waiting a short while for its connection and kept
//! a while after it for the page to read and download.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::http::tap::{Capture, TapFinder};

/// Wire views one client address may have open by default
/// (`--wire-per-client`): a room of a few dozen learners behind one NAT.
pub const WIRE_PER_CLIENT: usize = 64;

/// How many taps, how large, for how long.
#[derive(Clone, Debug)]
pub struct WireSettings {
    /// Off (`--no-wire-view`): no tap is given, no request looked at.
    pub enabled: bool,
    /// Taps one client address holds at once.
    pub per_client: usize,
    /// Taps the server holds at once.
    pub max_taps: usize,
    /// Bytes one capture keeps, both ways together.
    pub capture_bytes: usize,
    /// How long a tap waits for a connection to name it.
    pub unclaimed: Duration,
    /// How long a tap is kept at all.
    pub kept: Duration,
}

impl Default for WireSettings {
    fn default() -> Self {
        WireSettings {
            enabled: true,
            per_client: WIRE_PER_CLIENT,
            max_taps: 256,
            capture_bytes: 256 * 1024,
            unclaimed: Duration::from_secs(60),
            kept: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug)]
struct Tap {
    capture: Arc<Capture>,
    client: IpAddr,
    made: Instant,
    claimed: bool,
    /// It arrived on an HTTP/2 connection past its first request.
    reused: bool,
}

/// What the page may know of a tap.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TapStatus {
    pub claimed: bool,
    pub reused: bool,
    #[serde(skip)]
    pub capture: Arc<Capture>,
}

/// Every tap asked for.
#[derive(Debug)]
pub struct Taps {
    settings: WireSettings,
    taps: Mutex<HashMap<String, Tap>>,
}

/// Why a tap was not given.
#[derive(Debug)]
pub enum Refused {
    /// This client holds its share.
    OverShare(usize),
    /// The server holds as many as it keeps.
    Full,
    /// The host turned the wire view off.
    Off,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::OverShare(n) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("Your address has {n} wire views open already, its share of this server; close one (or wait a minute for an unused one to go) and try again. A host whose room shares one address can raise the share with --wire-per-client.\n"),
            ),
            Refused::Off => (
                StatusCode::NOT_FOUND,
                "This server runs without the wire view (--no-wire-view).\n".to_owned(),
            ),
            Refused::Full => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The server is showing as many wire views as it keeps; try again in a minute.\n"
                    .to_owned(),
            ),
        }
        .into_response()
    }
}

impl Taps {
    pub fn new(settings: WireSettings) -> Arc<Self> {
        Arc::new(Taps {
            settings,
            taps: Mutex::default(),
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Tap>) -> R) -> R {
        f(&mut self.taps.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A new tap for `client`, with its id.
    pub fn open(&self, client: IpAddr) -> Result<String, Refused> {
        let settings = &self.settings;
        if !settings.enabled {
            return Err(Refused::Off);
        }
        self.with(|taps| {
            taps.retain(|_, tap| {
                let age = tap.made.elapsed();
                age < settings.kept && (tap.claimed || age < settings.unclaimed)
            });
            // A tap whose connection ended is kept for its page to read and
            // download, and counts in nobody's share.
            let held = taps
                .values()
                .filter(|tap| tap.client == client && !tap.capture.closed())
                .count();
            if held >= settings.per_client {
                return Err(Refused::OverShare(held));
            }
            if taps.len() >= settings.max_taps {
                // Room for a new one: the oldest whose connection ended goes.
                let oldest = taps
                    .iter()
                    .filter(|(_, tap)| tap.capture.closed())
                    .min_by_key(|(_, tap)| tap.made)
                    .map(|(id, _)| id.clone());
                match oldest {
                    Some(id) => drop(taps.remove(&id)),
                    None => return Err(Refused::Full),
                }
            }
            let id = super::super::ids::random_id();
            taps.insert(
                id.clone(),
                Tap {
                    capture: Capture::new(settings.capture_bytes),
                    client,
                    made: Instant::now(),
                    claimed: false,
                    reused: false,
                },
            );
            Ok(id)
        })
    }

    /// The tap's state, if it is kept.
    pub fn status(&self, id: &str) -> Option<TapStatus> {
        let kept = self.settings.kept;
        self.with(|taps| {
            taps.get(id)
                .filter(|tap| tap.made.elapsed() < kept)
                .map(|tap| TapStatus {
                    claimed: tap.claimed,
                    reused: tap.reused,
                    capture: tap.capture.clone(),
                })
        })
    }

    /// Forgets the tap (the page closed its view).
    pub fn close(&self, id: &str) -> bool {
        self.with(|taps| taps.remove(id).is_some())
    }

    pub fn settings(&self) -> &WireSettings {
        &self.settings
    }
}

impl TapFinder for Taps {
    fn claim(&self, id: &str) -> Option<Arc<Capture>> {
        self.with(|taps| {
            let tap = taps.get_mut(id).filter(|tap| !tap.claimed)?;
            tap.claimed = true;
            Some(tap.capture.clone())
        })
    }

    fn reused(&self, id: &str) {
        self.with(|taps| {
            if let Some(tap) = taps.get_mut(id) {
                tap.reused = true;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_holds_a_few_and_a_tap_is_claimed_once() {
        let taps = Taps::new(WireSettings {
            per_client: 4,
            ..WireSettings::default()
        });
        let me: IpAddr = [10, 0, 0, 1].into();
        let ids: Vec<_> = (0..4).map(|_| taps.open(me).unwrap()).collect();
        assert!(matches!(taps.open(me), Err(Refused::OverShare(4))));
        assert!(
            taps.open([10, 0, 0, 2].into()).is_ok(),
            "another client has its own share"
        );
        assert!(taps.claim(&ids[0]).is_some());
        assert!(taps.claim(&ids[0]).is_none(), "one connection per tap");
        assert!(taps.claim("made-up").is_none());
        assert!(taps.close(&ids[1]));
        assert!(taps.open(me).is_ok(), "closing one gives its place back");
    }

    #[tokio::test]
    async fn a_tap_whose_connection_ended_counts_in_no_share_and_makes_room() {
        use crate::http::tap::Tapped;
        let taps = Taps::new(WireSettings {
            per_client: 4,
            max_taps: 4,
            ..WireSettings::default()
        });
        let me: IpAddr = [10, 0, 0, 1].into();
        let ids: Vec<_> = (0..4).map(|_| taps.open(me).unwrap()).collect();
        assert!(matches!(taps.open(me), Err(Refused::OverShare(4))));
        // A connection names the first tap, then ends.
        let finder: Arc<dyn TapFinder> = taps.clone();
        let (mut peer, ours) = tokio::io::duplex(1024);
        let mut conn = Tapped::http1(ours, Some(finder));
        let line = format!("GET /api/clock?tap={} HTTP/1.1\r\n\r\n", ids[0]);
        tokio::io::AsyncWriteExt::write_all(&mut peer, line.as_bytes())
            .await
            .unwrap();
        let mut buf = [0u8; 256];
        tokio::io::AsyncReadExt::read(&mut conn, &mut buf)
            .await
            .unwrap();
        drop(conn);
        assert!(taps.status(&ids[0]).unwrap().claimed);
        let fifth = taps
            .open(me)
            .expect("the ended tap is out of the share and makes room");
        assert!(
            taps.status(&ids[0]).is_none(),
            "the oldest ended tap went for the new one"
        );
        assert!(taps.status(&fifth).is_some());
    }
}
