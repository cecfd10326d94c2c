//! Colour codes, read: where a line holds ANSI escape sequences and how long each is.
//!
//! Role in the data flow: one of the two things [`super::plain`] looks past before the rules
//! read a keyword line. Loggers colour keys and values when they think they write to a terminal
//! — structlog's console renderer, loguru, rich, Node's `util.inspect`, the `debug` module,
//! pino-pretty, werkzeug, mongoose — and those bytes reach files, the journal, Docker's json-file
//! logs and CloudWatch. A sequence between a key and its value
//! (`ESC[36mpassword ESC[0m= ESC[35mhunter2 ESC[0m`) hides the pair from every grammar.
//!
//! Recognised: a raw `ESC` with the CSI (`ESC [ params intermediates final`), OSC (`ESC ] … BEL`
//! or `ESC ] … ESC \`) or two-byte form after it (a lone `ESC` is dropped alone); and CSI written
//! out at any escape depth, as JSON (`\u001b[`), Python or JavaScript repr (`\x1b[`) or shell
//! (`\033[`) write it, with every backslash of the escape (`\\u001b[` in JSON inside JSON).

use super::escapes;
use super::redact;

/// Longest parameter-and-intermediate run of a CSI sequence taken as one.
const CSI_MAX: usize = 32;
/// Longest OSC sequence (a hyperlink's URL) taken as one.
const OSC_MAX: usize = 2048;

/// The first escape sequence at or after `from`: (start, length). A written-out escape is found
/// by its `[` (rarer in logs than a backslash) and what precedes it.
pub fn next_escape(line: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(off) = memchr::memchr2(0x1b, b'[', &line[i..]) {
        let p = i + off;
        i = p + 1;
        if line[p] == 0x1b {
            return Some((p, 1 + raw_len(&line[p + 1..]).unwrap_or(0)));
        }
        let Some(intro) = [&b"u001b"[..], b"x1b", b"033"]
            .into_iter()
            .find(|w| p > w.len() && line[p - w.len()..p].eq_ignore_ascii_case(w))
        else {
            continue;
        };
        let at = p - intro.len();
        let run = escapes::before(&line[from..], at - from);
        if run == 0 {
            continue;
        }
        if let Some(n) = csi_len(&line[p..]) {
            return Some((at - run, run + intro.len() + n));
        }
    }
    None
}

/// Length of the sequence after a raw `ESC` (`rest` starts after it).
fn raw_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'[' => csi_len(rest),
        b']' => {
            let body = &rest[1..rest.len().min(OSC_MAX)];
            body.iter().enumerate().find_map(|(i, &b)| match b {
                0x07 => Some(i + 2),
                0x1b if body.get(i + 1) == Some(&b'\\') => Some(i + 3),
                _ => None,
            })
        }
        _ => {
            let n = rest
                .iter()
                .take(CSI_MAX)
                .take_while(|b| (0x20..=0x2f).contains(*b))
                .count();
            // Nor is `ESC " [REDACTED:…]` a sequence ending in `[`: see `csi_len`.
            rest.get(n)
                .filter(|b| (0x30..=0x7e).contains(*b) && !rest[n..].starts_with(redact::OPEN))
                .map(|_| n + 1)
        }
    }
}

/// Length of `[ params intermediates final` at the start of `s`, or `None`.
fn csi_len(s: &[u8]) -> Option<usize> {
    // `ESC[REDACTED:…]` is a code's escape byte before scrubd's own placeholder (the code's
    // parameters went with the secret): taking `[R` as the sequence would unmake the placeholder.
    if s.first() != Some(&b'[') || s.starts_with(redact::OPEN) {
        return None;
    }
    let mut j = 1;
    while j <= CSI_MAX && s.get(j).is_some_and(|b| (0x30..=0x3f).contains(b)) {
        j += 1;
    }
    while j <= CSI_MAX && s.get(j).is_some_and(|b| (0x20..=0x2f).contains(b)) {
        j += 1;
    }
    // Of the final bytes (0x40-0x7e) only those terminals act on: a letter, `@` or `~`.
    s.get(j)
        .filter(|b| b.is_ascii_alphabetic() || **b == b'@' || **b == b'~')
        .map(|_| j + 1)
}

#[cfg(test)]
mod tests {
    fn plain(line: &str) -> Option<(String, Vec<(usize, usize)>)> {
        let (mut p, mut m) = (Vec::new(), Vec::new());
        super::super::plain::strip(line.as_bytes(), &mut p, &mut m)
            .then(|| (String::from_utf8(p).unwrap(), m))
    }

    #[test]
    fn strips_every_form_and_depth() {
        for (line, want) in [
            (
                "\x1b[36mpassword\x1b[0m=\x1b[35mhunter2\x1b[0m",
                "password=hunter2",
            ),
            ("\x1b[1;38;5;208mkey\x1b[m: v", "key: v"),
            ("\x1b]8;;https://x.io\x07link\x1b]8;;\x1b\\ end", "link end"),
            ("a\x1b(Bb \x1b", "ab "),
            (
                "pw=\x1b[REDACTED:password]\x1b[0m",
                "pw=[REDACTED:password]",
            ),
            ("pw \x1b\"[REDACTED:password]", "pw \"[REDACTED:password]"),
            (
                r#"{"log":"\u001b[36mtoken\u001b[0m=abc"}"#,
                r#"{"log":"token=abc"}"#,
            ),
            (
                r#"{"m":"{\"log\":\"\\u001b[36mtoken\\u001B[0m=abc\"}"}"#,
                r#"{"m":"{\"log\":\"token=abc\"}"}"#,
            ),
            (r"'\x1b[32mpw\x1B[39m' \033[1mx\033[0m", "'pw' x"),
        ] {
            assert_eq!(plain(line).map(|p| p.0).as_deref(), Some(want), "{line:?}");
        }
    }

    #[test]
    fn leaves_look_alikes() {
        for line in [
            "password=hunter2 [36m",
            r#"{"a":"\\u001bx","b":"C:\\x1b\\033"}"#,
            r"\u001b[12; \x1b[999999999999999999999999999999999999999m",
            r"path\\\\",
        ] {
            assert!(plain(line).is_none(), "{line:?}");
        }
    }
}
