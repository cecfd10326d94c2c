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
}
