//! The text a reader sees of a line, and where each of its bytes came from: colour codes
//! dropped ([`super::ansi`]) and character references decoded ([`super::entities`]).
//!
//! Role in the data flow: between the keyword prefilter and the rules ([`super::scrub`]). A
//! keyword line that holds either is scanned in its plain form, and the spans found there are
//! mapped back onto the line: a placeholder replaces the secret's bytes, with whatever codes lie
//! between its first and last byte and the whole of any reference it begins or ends in; the
//! codes around it stay.

use super::{ansi, entities};

/// Write `line`'s plain form into `plain`, and for each byte of `plain` the range of `line` it
/// came from into `map`. Returns `false`, touching neither, when `line` holds no code and no
/// reference.
pub fn strip(line: &[u8], plain: &mut Vec<u8>, map: &mut Vec<(usize, usize)>) -> bool {
    let mut references = entities::References::new(line);
    let mut esc = ansi::next_escape(line, 0);
    let mut reference = references.next();
    if esc.is_none() && reference.is_none() {
        return false;
    }
    plain.clear();
    map.clear();
    let mut copied = 0;
    loop {
        let (at, len, decoded) = match (esc, reference) {
            (Some((a, l)), Some(r)) if a <= r.at => (a, l, None),
            (_, Some(r)) => (r.at, r.len, Some(r)),
            (Some((a, l)), None) => (a, l, None),
            (None, None) => break,
        };
        plain.extend_from_slice(&line[copied..at]);
        map.extend((copied..at).map(|i| (i, i + 1)));
        if let Some(r) = decoded {
            let mut utf8 = [0; 4];
            let bytes = r.c.encode_utf8(&mut utf8).as_bytes();
            let n = bytes.len() + usize::from(r.escaped);
            if r.escaped {
                plain.push(b'\\');
            }
            plain.extend_from_slice(bytes);
            map.extend(std::iter::repeat((at, at + len)).take(n));
        }
        copied = at + len;
        if esc.is_some_and(|(a, _)| a < copied) {
            esc = ansi::next_escape(line, copied);
        }
        while reference.is_some_and(|r| r.at < copied) {
            reference = references.next();
        }
    }
    plain.extend_from_slice(&line[copied..]);
    map.extend((copied..line.len()).map(|i| (i, i + 1)));
    true
}

/// The range in `line` of the bytes `plain[start..end]` came from, given `strip`'s `map`.
pub fn map_back(
    map: &[(usize, usize)],
    line_len: usize,
    start: usize,
    end: usize,
) -> (usize, usize) {
    let s = map.get(start).map_or(line_len, |m| m.0);
    // Past the plain form (no caller should ask): to the line's end, so a span never shrinks.
    let e = if end == 0 {
        0
    } else {
        map.get(end - 1).map_or(line_len, |m| m.1)
    };
    (s, e.max(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &str) -> Option<(String, Vec<(usize, usize)>)> {
        let (mut p, mut m) = (Vec::new(), Vec::new());
        strip(line.as_bytes(), &mut p, &mut m).then(|| (String::from_utf8(p).unwrap(), m))
    }

    /// The bytes of `line` that `plain`'s `what` came from.
    fn source<'a>(line: &'a str, p: &(String, Vec<(usize, usize)>), what: &str) -> &'a str {
        let s = p.0.find(what).unwrap();
        let (ls, le) = map_back(&p.1, line.len(), s, s + what.len());
        &line[ls..le]
    }

    #[test]
    fn maps_spans_back_around_the_codes() {
        let line = "\x1b[36mpw\x1b[0m=\x1b[35mhun\x1b[1mter2\x1b[0m!";
        let p = plain(line).unwrap();
        assert_eq!(p.0, "pw=hunter2!");
        assert_eq!(source(line, &p, "hunter2"), "hun\x1b[1mter2");
        let len = p.0.len();
        assert_eq!(
            map_back(&p.1, line.len(), len, len),
            (line.len(), line.len())
        );
        assert_eq!(map_back(&p.1, line.len(), 0, 0), (5, 5));
    }

    #[test]
    fn maps_spans_back_over_whole_references() {
        let line = "&lt;pw&gt;&#x27;&amp;amp;x&#233;&quot;&lt;/pw&gt;";
        let p = plain(line).unwrap();
        assert_eq!(p.0, "<pw>'&xé\"</pw>");
        assert!(plain(r#"<pw a="p&quot;w">&lt;1</pw>"#).is_none());
        assert_eq!(source(line, &p, "'&xé\""), "&#x27;&amp;amp;x&#233;&quot;");
        assert_eq!(source(line, &p, "é"), "&#233;");
        assert_eq!(source(line, &p, "x"), "x");
    }

    #[test]
    fn reads_codes_and_references_together() {
        let line = "\x1b[36m&quot;token&quot;\x1b[0m: &quot;\x1b[35ma&amp;b\x1b[0m&quot;";
        let p = plain(line).unwrap();
        assert_eq!(p.0, "\"token\": \"a&b\"");
        assert_eq!(source(line, &p, "a&b"), "a&amp;b");
        let line = r#"{"m": "&lt;i v=&quot;x&quot;&gt;"}"#;
        let p = plain(line).unwrap();
        assert_eq!(p.0, r#"{"m": "<i v=\"x\">"}"#);
        assert_eq!(source(line, &p, "\\\"x"), "&quot;x");
        assert!(plain("password=hunter2 & more; a[0]").is_none());
    }
}
