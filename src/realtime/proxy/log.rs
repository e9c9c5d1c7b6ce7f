//! What the proxy did, per page: each request that carries `?log={id}`
//! writes its lines under that id, and `GET /api/proxy/log/{id}` reads them.
//! Bounded twice: the newest [`LINES`] of a log, the newest [`LOGS`] logs.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// Lines kept per log.
const LINES: usize = 40;
/// Logs kept; the oldest is forgotten first.
const LOGS: usize = 512;
/// The longest id accepted; an id is letters, digits and `-`.
const MOST_ID_CHARS: usize = 40;

#[derive(Debug, Default)]
struct Kept {
    lines: HashMap<String, VecDeque<String>>,
    /// Ids, oldest first.
    order: VecDeque<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Logs {
    kept: Arc<Mutex<Kept>>,
}

/// Writes one request's lines; writes nothing for a request without a log.
#[derive(Clone, Debug)]
pub struct Writer {
    logs: Logs,
    id: Option<String>,
}

impl Logs {
    /// The writer for a request with this query string.
    pub fn writer(&self, query: Option<&str>) -> Writer {
        Writer {
            logs: self.clone(),
            id: query.and_then(log_id),
        }
    }

    /// The lines under `id`, oldest first; `None` for an unknown id.
    pub fn read(&self, id: &str) -> Option<Vec<String>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.lines
            .get(id)
            .map(|lines| lines.iter().cloned().collect())
    }

    fn write(&self, id: &str, line: String) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if !kept.lines.contains_key(id) {
            if kept.order.len() >= LOGS {
                if let Some(oldest) = kept.order.pop_front() {
                    kept.lines.remove(&oldest);
                }
            }
            kept.order.push_back(id.to_string());
        }
        let lines = kept.lines.entry(id.to_string()).or_default();
        if lines.len() >= LINES {
            lines.pop_front();
        }
        lines.push_back(format!("{} {line}", time_of_day()));
    }
}

impl Writer {
    pub fn line(&self, line: String) {
        if let Some(id) = &self.id {
            self.logs.write(id, line);
        }
    }
}

/// The `log` parameter of a query, when it is a usable id.
fn log_id(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("log="))
        .find(|id| {
            !id.is_empty()
                && id.len() <= MOST_ID_CHARS
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_string)
}

/// `HH:MM:SS.mmm` in UTC.
fn time_of_day() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let ms = since.as_millis() % 86_400_000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_go_under_the_query_s_log_id_and_nowhere_without_one() {
        let logs = Logs::default();
        logs.writer(Some("every=10&log=page-1"))
            .line("first".into());
        logs.writer(Some("log=page-1")).line("second".into());
        logs.writer(None).line("lost".into());
        logs.writer(Some("log=bad id!")).line("lost".into());
        let lines = logs.read("page-1").unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with(" first") && lines[1].ends_with(" second"));
        assert!(logs.read("bad id!").is_none());
    }

    #[test]
    fn logs_and_lines_are_bounded() {
        let logs = Logs::default();
        for n in 0..LINES + 5 {
            logs.write("one", format!("line {n}"));
        }
        assert_eq!(logs.read("one").unwrap().len(), LINES);
        for n in 0..LOGS {
            logs.write(&format!("id-{n}"), "x".into());
        }
        assert!(logs.read("one").is_none(), "the oldest log is forgotten");
        assert!(logs.read(&format!("id-{}", LOGS - 1)).is_some());
    }
}
