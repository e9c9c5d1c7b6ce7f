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
