//! The answer when a demo is full: a room of learners must not exhaust the
//! server, and the one who is turned away should know why and when to retry.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

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
