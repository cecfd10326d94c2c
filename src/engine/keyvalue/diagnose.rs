//! Tracebacks that print the value of every name in a frame's source line, the way
//! better_exceptions and loguru do (loguru's `diagnose=True` is its default):
//!
//! ```text
//!   File "app.py", line 13, in login                    # a frame…
//!     connect(username, password, cfg.db_password)      # …its source line…
//!     │       │         │         │   └ 'Tr0ub4dor&3xx' # …and under each name, its value
//!     │       │         │         └ <Cfg object at 0x7f3c…>
//!     │       │         └ 'correct horse battery'
//!     │       └ 'alice'
//!     └ <function connect at 0x7f3c…>
//! ```
//!
//! A value's line names nothing: its name is the identifier of the source line that starts at
//! the column of the `└`. A [`LineCarry`](super::lines::LineCarry) takes the frame line's
//! announcement to the source line, and the source line's sensitive names (by column) to the
//! annotation lines under it.

use super::names::{KeyClass, Names, Verdict};

/// Most sensitive names one source line carries to its annotations.
const MAX_NAMES: usize = 6;

/// A sensitive name of a source line: its column (in characters), class, and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Name {
    col: u16,
    class: KeyClass,
    start: u32,
    end: u32,
}

/// The sensitive names of a source line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    at: [Name; MAX_NAMES],
    len: u8,
}

impl Columns {
    /// The class of the name starting at column `col`, if it is a sensitive one.
    pub fn class_at(&self, col: usize) -> Option<KeyClass> {
        self.name_at(col).map(|n| n.class)
    }

    fn name_at(&self, col: usize) -> Option<&Name> {
        self.at[..self.len as usize]
            .iter()
            .find(|n| n.col as usize == col)
    }
}

/// Whether `rest` (a line after its indentation) is a traceback's frame line:
/// `File "app.py", line 13, in login`, or loguru's `> File …` marking the frame that caught.
#[inline]
pub fn frame_line(rest: &[u8]) -> bool {
    // Every keyword line asks: one byte decides for nearly all.
    if !matches!(rest.first(), Some(b'F' | b'>')) {
        return false;
    }
    let rest = rest.strip_prefix(b"> ").unwrap_or(rest);
    let Some(rest) = rest.strip_prefix(b"File \"") else {
        return false;
    };
    let Some(at) = crate::engine::substr::find(rest, b"\", line ") else {
        return false;
    };
    let digits = rest[at + 8..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    digits > 0 && rest[at + 8 + digits..].starts_with(b", in ")
}

/// Whether `b` starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

/// The sensitive names of a frame's source line, by the column each starts at; `None` when it
/// names none.
pub fn sensitive_names(names: &Names, line: &[u8]) -> Option<Columns> {
    let mut cols = Columns {
        at: [Name {
            col: 0,
            class: KeyClass::NONE,
            start: 0,
            end: 0,
        }; MAX_NAMES],
        len: 0,
    };
    let (mut i, mut col) = (0, 0usize);
    let mut quote = None;
    while i < line.len() && (cols.len as usize) < MAX_NAMES {
        let b = line[i];
        if let Some(q) = quote {
            // A string literal's words are not annotated.
            match b {
                b'\\' => {
                    i += 1;
                    col += 1;
                }
                _ if b == q => quote = None,
                _ => {}
            }
        } else if b == b'"' || b == b'\'' {
            quote = Some(b);
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let n = line[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if let Verdict::Sensitive(class) = names.classify(&line[i..i + n]) {
                cols.at[cols.len as usize] = Name {
                    col: col.min(u16::MAX as usize) as u16,
                    class,
                    start: i as u32,
                    end: (i + n) as u32,
                };
                cols.len += 1;
            }
            i += n;
            col += n;
            continue;
        } else if b == b'#' {
            break; // a comment
        }
        if i < line.len() && starts_char(line[i]) {
            col += 1;
        }
        i += 1;
    }
    (cols.len > 0).then_some(cols)
}

const PIPE: &[u8] = "│".as_bytes();
const ELBOW: &[u8] = "└".as_bytes();

/// An annotation line (`    │       └ 'alice'`): the column of its `└` and where the value after
/// it starts; `None` for any other line.
pub fn annotation(line: &[u8]) -> Option<(usize, usize)> {
    let (mut i, mut col) = (0, 0);
    loop {
        let rest = &line[i..];
        if rest.first() == Some(&b' ') {
            i += 1;
        } else if rest.starts_with(PIPE) {
            i += PIPE.len();
        } else if rest.starts_with(ELBOW) {
            let v = i + ELBOW.len();
            return (line.get(v) == Some(&b' ')).then_some((col, v + 1));
        } else {
            return None;
        }
        col += 1;
    }
}

/// The part of an annotation's value (from `s`) that may be a secret: a string's content
/// (`'…'`, `"…"`, `b'…'`; loguru cuts a long one short with `...`), or a bare token (a
/// number); `None` for an object, a container (whose keys the key/value scanner reads) or
/// nothing.
pub fn value_range(line: &[u8], s: usize) -> Option<(usize, usize)> {
    let v = line[s..].trim_ascii_end();
    let e = s + v.len();
    let lead = usize::from(matches!(v.first(), Some(b'b' | b'r' | b'u')));
    match v.get(lead) {
        Some(&q @ (b'\'' | b'"')) => {
            let cs = s + lead + 1;
            if e > cs && line[e - 1] == q {
                Some((cs, e - 1))
            } else if v.ends_with(b"...") && e - 3 > cs {
                Some((cs, e - 3)) // cut short
            } else {
                None
            }
        }
        Some(_) if lead == 0 && !v.iter().any(|b| b" <>{}[](),".contains(b)) => Some((s, e)),
        _ => None,
    }
}

/// A value [`escaped`] found: its byte range, its name's, and the name's class.
pub type Annotated = ((usize, usize), (usize, usize), KeyClass);

/// The keyword that finds a frame line.
pub const FRAME_KEYWORD: &[u8] = b"\", line ";

/// Most escape depths a traceback inside JSON strings is decoded through.
const MAX_DEPTH: usize = 3;

/// A traceback inside a JSON string, its lines joined by escaped newlines (loguru's
/// `serialize=True`, a container runtime's JSON log of it): for the frame line whose quote
/// ends at `quote` (escaped: a backslash before it), the annotated values of sensitive names,
/// as byte ranges of `line`. The string is decoded (as often as it is
/// nested), read a line at a time as above, and the ranges mapped back.
pub fn escaped(names: &Names, line: &[u8], quote: usize, out: &mut Vec<Annotated>) {
    if quote == 0 || line[quote - 1] != b'\\' {
        return;
    }
    // From the frame line's start (`File`) to the end of the line: the traceback's own lines.
    let Some(file) = memchr::memmem::rfind(&line[..quote], b"File ") else {
        return;
    };
    let mut text = line[file..].to_vec();
    let mut map: Vec<usize> = (file..=line.len()).collect();
    let mut depth = 0;
    while depth < MAX_DEPTH && crate::engine::substr::find(&text, b"\\\", line ").is_some() {
        (text, map) = unescape(&text, &map);
        depth += 1;
    }
    let (text, map) = unescape(&text, &map); // the innermost string
                                             // After a frame line: its source line's names, and where that line starts.
    let mut columns: Option<Option<(Columns, usize)>> = None;
    let mut start = 0;
    for seg in text.split(|&b| b == b'\n') {
        let at = start;
        start += seg.len() + 1;
        let ind = seg.iter().take_while(|&&b| b == b' ').count();
        match columns {
            None if frame_line(&seg[ind..]) => columns = Some(None),
            None => {}
            Some(None) => {
                columns = sensitive_names(names, seg).map(|c| Some((c, at)));
            }
            Some(Some((cols, source))) => {
                let Some((col, v)) = annotation(seg) else {
                    columns = frame_line(&seg[ind..]).then_some(None);
                    continue;
                };
                let Some(&Name {
                    class,
                    start: ns,
                    end: ne,
                    ..
                }) = cols.name_at(col)
                else {
                    continue;
                };
                let Some((s, e)) = value_range(seg, v) else {
                    continue;
                };
                if super::judge(&seg[s..e], class.values(), false, None).is_ok() {
                    let name = (map[source + ns as usize], map[source + ne as usize]);
                    out.push(((map[at + s], map[at + e]), name, class));
                }
            }
        }
    }
}

/// One level of JSON string escapes decoded (`\"`, `\\`, `\n`, `\uXXXX`…), each output byte
/// mapped to where its escape starts in the line (`map` does the same for `text`; one more entry
/// for the end).
fn unescape(text: &[u8], map: &[usize]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(text.len());
    let mut out_map = Vec::with_capacity(text.len() + 1);
    let mut i = 0;
    while i < text.len() {
        let from = map[i];
        if text[i] != b'\\' || i + 1 == text.len() {
            out.push(text[i]);
            out_map.push(from);
            i += 1;
            continue;
        }
        let decoded = match text[i + 1] {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'b' => Some(8),
            b'f' => Some(12),
            c @ (b'"' | b'\\' | b'/') => Some(c),
            b'u' => None,
            _ => {
                out.push(b'\\');
                out_map.push(from);
                i += 1;
                continue;
            }
        };
        if let Some(c) = decoded {
            out.push(c);
            out_map.push(from);
            i += 2;
            continue;
        }
        let ch = text
            .get(i + 2..i + 6)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match ch {
            Some(ch) => {
                let mut buf = [0; 4];
                for &b in ch.encode_utf8(&mut buf).as_bytes() {
                    out.push(b);
                    out_map.push(from);
                }
                i += 6;
            }
            None => {
                out.push(b'\\');
                out_map.push(from);
                i += 1;
            }
        }
    }
    out_map.push(map[text.len()]);
    (out, out_map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names::compile(&super::super::builtin_names().unwrap())
    }

    #[test]
    fn frame_lines() {
        for yes in [
            &b"File \"/app/auth.py\", line 13, in login"[..],
            b"> File \"/app/auth.py\", line 7, in <module>",
        ] {
            assert!(frame_line(yes), "{}", String::from_utf8_lossy(yes));
        }
        for no in [
            &b"File \"/app/auth.py\" not found"[..],
            b"File \"a.py\", line x, in f",
            b"log file \"a\", line 3, in f",
        ] {
            assert!(!frame_line(no), "{}", String::from_utf8_lossy(no));
        }
    }

    #[test]
    fn names_by_column() {
        let n = names();
        let line =
            "    connect(username, password, cfg.db_password, \"token\")  # api_key".as_bytes();
        let cols = sensitive_names(&n, line).unwrap();
        assert!(cols.class_at(22).is_some_and(|c| c.password));
        assert!(cols.class_at(36).is_some());
        assert!(cols.class_at(12).is_none()); // username
        assert!(cols.class_at(50).is_none()); // a string literal
        assert_eq!(cols.len, 2);
        assert!(sensitive_names(&n, b"    return amount / count").is_none());
        // Columns count characters, not bytes.
        let line = "    f('é', password)".as_bytes();
        assert!(sensitive_names(&n, line).unwrap().class_at(11).is_some());
    }

    #[test]
    fn annotation_lines() {
        let line = "    │       │         └ 'correct horse battery'".as_bytes();
        let (col, at) = annotation(line).unwrap();
        assert_eq!(col, 22);
        assert_eq!(
            value_range(line, at).map(|(s, e)| &line[s..e]),
            Some(&b"correct horse battery"[..])
        );
        for (value, want) in [
            ("'it\\'s'", Some("it\\'s")),
            ("\"it's\"", Some("it's")),
            ("b'\\x00k3y'", Some("\\x00k3y")),
            (
                "'eyJhbGciOiJIUzI1NiJ9.eyJzdWIi...",
                Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi"),
            ),
            ("482913", Some("482913")),
            ("<__main__.Cfg object at 0x7f3c>", None),
            ("{'user': 'bob'}", None),
            ("None", Some("None")), // judged (and kept) by the caller
        ] {
            let line = format!("    └ {value}");
            let (col, at) = annotation(line.as_bytes()).unwrap();
            assert_eq!(col, 4);
            let got = value_range(line.as_bytes(), at).map(|(s, e)| &line[s..e]);
            assert_eq!(got, want, "{value}");
        }
        for no in ["    connect(a, b)", "    │", "", "  └not a value"] {
            assert_eq!(annotation(no.as_bytes()), None, "{no}");
        }
    }

    #[test]
    fn inside_json_strings() {
        let n = names();
        let tb = concat!(
            "  File \"app.py\", line 13, in login\n",
            "    connect(\"u\", password, cfg.token)\n",
            "    │            │         │   └ 'tok_8fK2mQ9xLp3Zv7Wd'\n",
            "    │            │         └ <Cfg object>\n",
            "    │            └ 'correct \"horse\"'\n",
            "    └ <function connect>\n",
        );
        let once = serde_json::to_string(tb).unwrap();
        let twice = serde_json::to_string(&format!("{{\"text\": {once}}}")).unwrap();
        let ascii = once.replace('│', "\\u2502").replace('└', "\\u2514");
        for line in [once, twice, ascii] {
            let line = format!("{{\"log\": {line}}}");
            let quote = crate::engine::substr::find(line.as_bytes(), FRAME_KEYWORD).unwrap();
            let mut out = Vec::new();
            escaped(&n, line.as_bytes(), quote, &mut out);
            let got: Vec<&str> = out.iter().map(|&((s, e), _, _)| &line[s..e]).collect();
            assert_eq!(got.len(), 2, "{line}");
            let names: Vec<&str> = out.iter().map(|&(_, (s, e), _)| &line[s..e]).collect();
            assert_eq!(names, ["token", "password"], "{line}");
            assert!(got[0] == "tok_8fK2mQ9xLp3Zv7Wd", "{line}: {got:?}");
            assert!(
                got[1].starts_with("correct ") && got[1].ends_with('"'),
                "{line}: {got:?}"
            );
        }
    }
}
