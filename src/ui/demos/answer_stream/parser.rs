//! The event-stream parser the answer demo runs in the page, on the bytes
//! `fetch` hands it: what `EventSource` does for you, in the spec's own
//! steps (WHATWG HTML §9.2.6, "Interpreting an event stream").
//!
//! Lines end at LF, CR or CR LF (a CR at the end of one chunk and an LF at
//! the start of the next are one line end); a blank line dispatches the
//! event; `:` starts a comment; one space after the field's colon is
//! dropped; `id` (unless it holds NUL) becomes the last event ID when its
//! event ends, even one with no `data`, which is not dispatched; what is
//! left at the end of the stream is discarded, its `id` too.

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamEvent {
    /// `event:`, or `message` when it had none.
    pub kind: String,
    pub data: String,
    /// The last event ID when the event was dispatched.
    pub last_id: String,
}

#[derive(Debug, Default)]
pub struct EventStreamParser {
    line: String,
    /// The previous chunk ended in CR: an LF that starts this one ends nothing.
    after_cr: bool,
    /// Before the first character: a byte order mark there is dropped.
    started: bool,
    kind: String,
    data: String,
    /// The `id` read since the last blank line, or the one before it.
    id: String,
    /// The last event ID: what a reconnect sends as `Last-Event-ID`.
    pub last_id: String,
    /// The last valid `retry:`, in milliseconds.
    pub retry: Option<u64>,
}

impl EventStreamParser {
    /// Feeds decoded text; returns the events it completed, in order.
    pub fn push(&mut self, text: &str) -> Vec<StreamEvent> {
        let mut text = text;
        if !self.started && !text.is_empty() {
            self.started = true;
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        let mut events = Vec::new();
        for c in text.chars() {
            let after_cr = std::mem::take(&mut self.after_cr);
            match c {
                '\n' if after_cr => {}
                '\n' | '\r' => {
                    self.after_cr = c == '\r';
                    let line = std::mem::take(&mut self.line);
                    events.extend(self.line_ended(&line));
                }
                c => self.line.push(c),
            }
        }
        events
    }

    fn line_ended(&mut self, line: &str) -> Option<StreamEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.kind = value.to_string(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.id = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<StreamEvent> {
        self.last_id.clone_from(&self.id);
        let kind = std::mem::take(&mut self.kind);
        let mut data = std::mem::take(&mut self.data);
        if data.is_empty() {
            return None;
        }
        data.pop();
        Some(StreamEvent {
            kind: if kind.is_empty() {
                "message".into()
            } else {
                kind
            },
            data,
            last_id: self.last_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, data: &str, last_id: &str) -> StreamEvent {
        StreamEvent {
            kind: kind.into(),
            data: data.into(),
            last_id: last_id.into(),
        }
    }

    #[test]
    fn parses_what_axum_writes_whichever_way_it_is_cut() {
        let stream = "retry: 1000\nevent: token\nid: 1\ndata: {\"text\":\"Hi\"}\n\n: heartbeat\n\nevent: done\nid: 2\ndata: {}\n\n";
        let expected = vec![
            event("token", "{\"text\":\"Hi\"}", "1"),
            event("done", "{}", "2"),
        ];
        for cut in 0..=stream.len() {
            let mut parser = EventStreamParser::default();
            let mut events = parser.push(&stream[..cut]);
            events.extend(parser.push(&stream[cut..]));
            assert_eq!(events, expected, "cut at {cut}");
            assert_eq!(parser.retry, Some(1000));
        }
    }

    #[test]
    fn ends_lines_at_cr_lf_and_cr_even_split_across_chunks() {
        let mut parser = EventStreamParser::default();
        let mut events = parser.push("data: a\r");
        events.extend(parser.push("\ndata: b\r\r"));
        events.extend(parser.push("data:c\n\n"));
        assert_eq!(
            events,
            vec![event("message", "a\nb", ""), event("message", "c", "")]
        );
    }

    #[test]
    fn follows_the_spec_on_the_odd_lines() {
        let mut parser = EventStreamParser::default();
        let events = parser.push(
            "\u{feff}data:  two spaces\nid: 7\n\nevent: only a name\n\nid: x\0y\ndata\nretry: soon\n\n",
        );
        assert_eq!(
            events,
            vec![
                event("message", " two spaces", "7"),
                event("message", "", "7")
            ]
        );
        assert_eq!(parser.retry, None, "a retry that is not digits is ignored");
    }

    #[test]
    fn an_event_cut_off_by_the_end_of_the_stream_is_never_dispatched() {
        let mut parser = EventStreamParser::default();
        assert!(parser.push("id: 2\n\nid: 3\ndata: half").is_empty());
        assert!(parser.push("\n").is_empty());
        assert_eq!(
            parser.last_id, "2",
            "an id counts once its event ends, with data or not"
        );
    }
}
