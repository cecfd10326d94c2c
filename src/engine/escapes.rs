//! Backslash runs: how the readers tell a string's escape depth.
//!
//! Role in the data flow: shared by every reader that looks past escaping (the key/value
//! scanner, the SQL grammar, colour codes written out, character references). A line printed
//! inside a JSON or repr string, once or several times, carries its quotes as `\"`, `\\\"`, …;
//! the length of the backslash run before a quote says at which depth it delimits a string.

/// How many backslashes stand right before `at`.
pub(crate) fn before(line: &[u8], at: usize) -> usize {
    line[..at].iter().rev().take_while(|&&b| b == b'\\').count()
}

/// Length of the run of backslashes starting at `at` (0 at or past the end of `line`).
pub(crate) fn after(line: &[u8], at: usize) -> usize {
    line.get(at..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\\').count())
}

/// `text` without the escaped line breaks that end it (`\n`, `\r\n`, at any escape depth): a
/// JSON string's content as the line it logged.
pub(crate) fn trim_breaks(mut text: &[u8]) -> &[u8] {
    while let [rest @ .., b'\\', b'n' | b'r'] = text {
        text = rest;
        while let [rest @ .., b'\\'] = text {
            text = rest;
        }
    }
    text
}

/// The character a `\uXXXX` escape starting at `at` stands for, written at any depth
/// (`\u2502` in a JSON string, `\\u2502` in a JSON string inside one), and the escape's length.
pub(crate) fn unicode_at(line: &[u8], at: usize) -> Option<(u32, usize)> {
    let r = after(line, at);
    if r == 0 || line.get(at + r) != Some(&b'u') {
        return None;
    }
    let hex = line.get(at + r + 1..at + r + 5)?;
    let c = hex
        .iter()
        .try_fold(0u32, |c, &b| Some(c * 16 + char::from(b).to_digit(16)?))?;
    Some((c, r + 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_counted_up_to_the_first_other_byte() {
        let line = br#"a\\\"b"#;
        assert_eq!(before(line, 4), 3);
        assert_eq!(before(line, 1), 0);
        assert_eq!(before(line, 0), 0);
        assert_eq!(after(line, 1), 3);
        assert_eq!(after(line, 2), 2);
        assert_eq!(after(line, 0), 0);
        assert_eq!(after(line, line.len()), 0);
        assert_eq!(after(line, line.len() + 3), 0);
    }

    #[test]
    fn escaped_line_breaks_are_trimmed_at_any_depth() {
        assert_eq!(trim_breaks(br"abc\n"), b"abc");
        assert_eq!(trim_breaks(br"abc\r\n"), b"abc");
        assert_eq!(trim_breaks(br"abc\\\\n"), b"abc");
        assert_eq!(trim_breaks(br"abc\nx"), br"abc\nx");
        assert_eq!(trim_breaks(br"n"), b"n");
    }

    #[test]
    fn a_unicode_escape_is_read_at_any_depth() {
        let line = br#"a \u2502 \\u00E9 \u12 \x41 u0041"#;
        assert_eq!(unicode_at(line, 2), Some((0x2502, 6)));
        assert_eq!(unicode_at(line, 9), Some((0xe9, 7)));
        assert_eq!(unicode_at(line, 17), None, "too few digits");
        assert_eq!(unicode_at(line, 22), None, "not a u escape");
        assert_eq!(unicode_at(line, 27), None, "no backslash");
    }
}
