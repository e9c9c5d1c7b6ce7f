//! Reports kept for the page to read back: a probe that carries
//! `?report={id}` leaves its report here, and `GET /api/inspect/report/{id}`
//! returns it. That is how the inspector shows what the server received and
//! answered when the browser refused to hand the response to the page (a
//! failed CORS check, a subprotocol left unanswered, a `403`).
//!
//! Bounded: the newest [`KEPT`] reports. Cookie and authorisation values
//! are not kept, only the cookies' names: the report is readable by anyone
//! who has its id, not only by the page that made it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use crate::model::wire::{HandshakeReport, MessageHead};

/// Reports kept; the oldest is forgotten first.
const KEPT: usize = 256;
/// The longest id accepted; an id is letters, digits and `-`.
const MOST_ID_CHARS: usize = 40;

#[derive(Clone, Debug, Default)]
pub struct Reports {
    kept: Arc<Mutex<VecDeque<(String, HandshakeReport)>>>,
}

impl Reports {
    /// Keeps `report` under `id` (replacing an older one of the same id).
    pub fn keep(&self, id: &str, report: &HandshakeReport) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(old, _)| old != id);
        if kept.len() == KEPT {
            kept.pop_front();
        }
        let mut report = report.clone();
        redact(&mut report.request);
        kept.push_back((id.to_string(), report));
    }

    pub fn get(&self, id: &str) -> Option<HandshakeReport> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter()
            .find(|(kept_id, _)| kept_id == id)
            .map(|(_, report)| report.clone())
    }
}

/// Whether `id` may name a report.
pub fn valid_id(id: &str) -> bool {
    (1..=MOST_ID_CHARS).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Cookie values and credentials left out (`crate::realtime::redact`).
fn redact(head: &mut MessageHead) {
    for (name, value) in &mut head.headers {
        if let Some(redacted) = super::super::redact::header_value(name, value) {
            *value = redacted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(start_line: &str, headers: &[(&str, &str)]) -> HandshakeReport {
        let head = |start_line: &str| MessageHead {
            start_line: start_line.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        };
        HandshakeReport {
            request: head(start_line),
            response: head("HTTP/1.1 200 OK"),
            added_when_written: Vec::new(),
            explained: Vec::new(),
        }
    }

    #[test]
    fn keeps_the_newest_reports_and_forgets_the_oldest() {
        let reports = Reports::default();
        for n in 0..=KEPT {
            reports.keep(&format!("r{n}"), &report(&format!("GET /{n}"), &[]));
        }
        assert!(reports.get("r0").is_none());
        assert_eq!(reports.get("r1").unwrap().request.start_line, "GET /1");
        assert_eq!(
            reports.get(&format!("r{KEPT}")).unwrap().request.start_line,
            format!("GET /{KEPT}")
        );
    }

    #[test]
    fn keeps_cookie_names_but_no_secrets() {
        let reports = Reports::default();
        let sent = [
            ("cookie", "session=s3cret; theme=dark"),
            ("authorization", "Bearer t0ken"),
            ("origin", "http://localhost:3000"),
        ];
        reports.keep("a", &report("GET /", &sent));
        let kept = reports.get("a").unwrap();
        assert_eq!(kept.request.header("cookie"), Some("session=…; theme=…"));
        assert_eq!(kept.request.header("authorization"), Some("…"));
        assert_eq!(kept.request.header("origin"), Some("http://localhost:3000"));
    }

    #[test]
    fn ids_are_short_and_plain() {
        assert!(valid_id("case-3-k2x9"));
        assert!(!valid_id(""));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(&"x".repeat(MOST_ID_CHARS + 1)));
    }
}
