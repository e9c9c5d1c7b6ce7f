//! Line numbers, 1-based, for every place that names a line: errors in a
//! lesson (a byte offset into its text) and the lines of quoted source.
//! Content code asks here rather than counting newlines itself.

/// The 1-based line of a byte offset in `text`, which may be a `&str` or
/// bytes that are not UTF-8. An offset past the end is the last line; one
/// inside a multi-byte character counts as that line, since only newline
/// bytes are counted (so no slicing can panic).
pub fn line_of(text: impl AsRef<[u8]>, offset: usize) -> usize {
    let text = text.as_ref();
    let before = &text[..offset.min(text.len())];
    before.iter().filter(|&&byte| byte == b'\n').count() + 1
}

/// The last line of `code` when its first line is `first_line`: a
/// trailing newline ends the last line rather than starting another.
pub fn last_line(first_line: usize, code: &str) -> usize {
    first_line.saturating_add(code.lines().count().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_from_one() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 4), 3);
    }

    #[test]
    fn an_offset_past_the_end_or_inside_a_character_does_not_panic() {
        assert_eq!(line_of("a\né", 100), 2);
        assert_eq!(line_of("a\né", 3), 2, "inside the two bytes of é");
        assert_eq!(line_of(b"a\n\xff\nb", 3), 2, "bytes that are not UTF-8");
    }

    #[test]
    fn the_last_line_of_a_quote_ignores_the_final_newline() {
        assert_eq!(last_line(10, "fn a() {\n}\n"), 11);
        assert_eq!(last_line(10, "one line"), 10);
        assert_eq!(last_line(10, ""), 10);
    }
}
