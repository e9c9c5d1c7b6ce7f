//! The answer when a demo is full: a room of learners must not exhaust the
//! server, and the one who is turned away should know why and when to retry.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::fair_share::OverShare;

/// Why a stream or a socket was refused before it began: the client holds
/// its share (429), or the server holds its limit of `what` (503).
#[derive(Debug)]
pub enum Refused {
    OverShare(OverShare),
    Full { what: &'static str, limit: usize },
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::OverShare(refused) => refused.into_response(),
            Refused::Full { what, limit } => too_busy(what, limit),
        }
    }
}

pub fn too_busy(what: &str, limit: usize) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        format!(
            "The server already holds {limit} {what}, its limit. Try again in a few seconds.\n"
        ),
    )
        .into_response()
}

/// A limit as a semaphore's permit count. tokio's `Semaphore::new` panics
/// above `Semaphore::MAX_PERMITS` (`usize::MAX >> 3`), a number no server
/// reaches; a larger `--max-streams` simply means "no limit".
pub fn semaphore_permits(limit: usize) -> usize {
    limit.min(tokio::sync::Semaphore::MAX_PERMITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_above_what_tokio_allows_still_opens_a_semaphore() {
        let semaphore = tokio::sync::Semaphore::new(semaphore_permits(usize::MAX));
        assert_eq!(
            semaphore.available_permits(),
            tokio::sync::Semaphore::MAX_PERMITS
        );
        assert_eq!(semaphore_permits(2000), 2000);
    }
}
