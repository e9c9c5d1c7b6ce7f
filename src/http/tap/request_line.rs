//! Where a request names a tap: its request line's target, `?tap=…`.

/// How much of a request line is looked at for a tap id.
pub(super) const LONGEST_LINE: usize = 2048;

/// The longest tap id looked for.
const LONGEST_ID: usize = 32;

/// A tap id in the target of the request line that starts `bytes`, as in
/// `GET /api/clock?tap=abc HTTP/1.1`.
pub fn tap_id_in_request_line(bytes: &[u8]) -> Option<&str> {
    if !bytes.first()?.is_ascii_uppercase() {
        return None;
    }
    let head = &bytes[..bytes.len().min(LONGEST_LINE)];
    let line = &head[..memchr::memchr(b'\n', head)?];
    tap_id_in_target(line)
}

/// The value of `tap=` in a request target's query, if any.
pub fn tap_id_in_target(target: &[u8]) -> Option<&str> {
    memchr::memmem::find_iter(target, b"tap=")
        .filter(|&at| at > 0 && matches!(target[at - 1], b'?' | b'&'))
        .find_map(|at| {
            let rest = &target[at + 4..];
            let end = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')))
                .unwrap_or(rest.len());
            (end > 0 && end <= LONGEST_ID).then(|| std::str::from_utf8(&rest[..end]).ok())?
        })
}

/// A read that starts with a whole HTTP/1.x request line.
pub(super) fn is_request_line(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(LONGEST_LINE)];
    bytes.first().is_some_and(u8::is_ascii_uppercase)
        && memchr::memchr(b'\n', head).is_some_and(|end| {
            let line = head[..end].strip_suffix(b"\r").unwrap_or(&head[..end]);
            line.ends_with(b" HTTP/1.1") || line.ends_with(b" HTTP/1.0")
        })
}

/// A read that starts a request line and stops before its end.
pub(super) fn begins_a_line_without_its_end(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.len() < LONGEST_LINE
        && memchr::memchr(b'\n', bytes).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tap_id_is_found_in_the_query_only() {
        let line = |s: &str| tap_id_in_request_line(s.as_bytes()).map(str::to_owned);
        assert_eq!(
            line("GET /api/clock?tap=abc HTTP/1.1\r\n").as_deref(),
            Some("abc")
        );
        assert_eq!(
            line("GET /a?x=1&tap=k-9_z HTTP/1.1\r\n").as_deref(),
            Some("k-9_z")
        );
        assert_eq!(line("GET /a?mytap=abc HTTP/1.1\r\n"), None);
        assert_eq!(line("GET /tap=abc HTTP/1.1\r\n"), None);
        assert_eq!(line("GET /a?tap= HTTP/1.1\r\n"), None);
        assert_eq!(
            line("\u{81}\u{85}?tap=abc\n"),
            None,
            "a frame is not a request line"
        );
        assert_eq!(
            line("GET /a HTTP/1.1\r\nX: ?tap=abc\r\n"),
            None,
            "headers are not looked at"
        );
    }
}
