//! The one vocabulary every stage speaks: a [`Batch`] of whole lines that a source produced and
//! a sink consumes, the [`Record`]s that split it by stream, the [`Position`] to acknowledge once
//! a sink synced it, and the one line [`Framer`] that owns the overlong-line rule and CRLF.
//!
//! Sources and sinks meet only here and in the pipeline: neither imports the other.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::checkpoint::{CursorPosition, FilePosition, GroupPosition, Position};
use crate::engine::redact::write_oversize;

/// Whole lines read from one source, with the position just after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Whole lines, each ending in `\n` (a last line without one only when its input ended
    /// without one). A line longer than the limit is already replaced by the [`Framer`].
    pub data: Vec<u8>,
    /// Consecutive runs of `data`, each of one stream (empty only when `data` is).
    pub records: Vec<Record>,
    /// How many lines in `data` are overlong-line replacements.
    pub oversize_lines: u32,
    /// Checkpoint this once a sink synced `data` (a batch without data carries a position
    /// alone, e.g. "this file is gone").
    pub ack: Position,
    /// Key of the multi-line scrub state of this batch's lines, when it is not the records'
    /// stream names (a file: its device and inode, since a path can hold other files later).
    pub state_key: Option<Arc<str>>,
}

impl Batch {
    /// A batch of `data` that is all one stream's lines.
    pub fn lines(data: Vec<u8>, stream: Arc<str>, oversize_lines: u32, ack: Position) -> Batch {
        let records = if data.is_empty() {
            Vec::new()
        } else {
            vec![Record {
                stream,
                len: data.len(),
                kind: RecordKind::Lines,
            }]
        };
        Batch {
            data,
            records,
            oversize_lines,
            ack,
            state_key: None,
        }
    }

    /// Input lines in `data` (a last line without `\n` counts).
    pub fn line_count(&self) -> u64 {
        count_lines(&self.data)
    }
}

/// Lines in `data`, a last one without `\n` included.
pub fn count_lines(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
        + u64::from(data.last().is_some_and(|&b| b != b'\n'))
}

/// A consecutive run of a batch's bytes, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The input stream: for a file, its path below its source's root ([`stream_of_path`]:
    /// `app.log`, `d1/app.log`); for events, their stream name. Sinks name their outputs
    /// after it (a file, a log stream).
    pub stream: Arc<str>,
    /// Length in bytes of this record's part of the data.
    pub len: usize,
    pub kind: RecordKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Whole lines, each an event of its own, stamped with the time it is sent.
    Lines,
    /// One event: its message, with a `\n` appended to end its last line (the message's own
    /// final `\n`, if it had one, was taken off first and `newline` says so).
    Event { timestamp_ms: i64, newline: bool },
}

/// The parts of `data` that `records` describe, with their records.
pub fn split<'a>(
    data: &'a [u8],
    records: &'a [Record],
) -> impl Iterator<Item = (&'a Record, &'a [u8])> + 'a {
    let mut at = 0;
    records.iter().map(move |r| {
        let end = (at + r.len).min(data.len());
        let part = &data[at.min(end)..end];
        at = end;
        (r, part)
    })
}

/// Lines a record printed over lines (a pretty-printed object, a parameter list) may take
/// before its end and still be kept whole, as far back as the scrubber reads (its look-backs
/// go at most this far).
pub const RECORD_LINES: usize = 64;

/// Where the last record of `data` (whole lines) starts, when it may go on past `data`: its
/// last line is indented, or ends by opening a bracket (`parameters: [`, `{`). A record starts
/// at a line that is not indented, blank, a closing bracket, or an overlong line's
/// replacement (its indentation is gone with it). `None` too when no start lies
/// within the last [`RECORD_LINES`] lines: a record that long is not kept whole.
///
/// Why: some of a secret's context is printed only after it (knex prints a query's bindings
/// before its SQL; util.inspect a list's items before its `]`), and the scrubber reads it
/// within the lines it is handed together. A source that cuts its input only before a record
/// that has started whole keeps such a record in one piece.
pub fn open_record(data: &[u8]) -> Option<usize> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    let last_start = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
    let last = trim_end(&body[last_start..]);
    let indented = matches!(last.first(), Some(b' ' | b'\t'));
    if !indented && !matches!(last.last(), Some(b'[' | b'{' | b'(')) {
        return None;
    }
    let mut start = last_start;
    for _ in 0..RECORD_LINES {
        let line = trim_end(
            &body[start..memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i)],
        );
        if !line.is_empty()
            && !matches!(line[0], b' ' | b'\t' | b']' | b'}' | b')')
            && !crate::engine::redact::is_oversize(line)
        {
            return Some(start);
        }
        if start == 0 {
            break;
        }
        start = memchr::memrchr(b'\n', &body[..start - 1]).map_or(0, |i| i + 1);
    }
    None
}

fn trim_end(line: &[u8]) -> &[u8] {
    let n = line
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r'))
        .map_or(0, |i| i + 1);
    &line[..n]
}

/// Milliseconds since the Unix epoch (0 for a clock before it).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Cuts a byte stream into whole lines in bounded memory: the one place that decides what a
/// line is and what happens to one that is too long.
///
/// **The rule** (after tokio-util's `LinesCodec::max_length`, but fail-closed): a line's
/// length is its content without the `\n` and without a `\r` just before it. A line longer
/// than `max` bytes is never held whole: it is discarded as it streams by and replaced by
/// `[REDACTED:line-too-long:bytes=N]` (N its content length) plus its own ending (`\n`,
/// `\r\n`, or none at the end of input), so nothing unscanned is emitted. Memory: the partial
/// last line, at most `max + 1` bytes (a `\r` waiting for its `\n`).
#[derive(Debug)]
pub struct Framer {
    max: usize,
    /// The partial last line.
    pending: Vec<u8>,
    /// An overlong line being skipped: bytes skipped so far and the last of them.
    discarding: Option<(u64, u8)>,
    /// When set, where in `out` each replacement starts (`filter --audit` reports their lines).
    pub marks: Option<Vec<usize>>,
}

impl Framer {
    /// A framer for lines of at most `max` bytes (at least 1).
    pub fn new(max: usize) -> Self {
        Framer {
            max: max.max(1),
            pending: Vec::new(),
            discarding: None,
            marks: None,
        }
    }

    /// Whether a partial line (or an overlong line being skipped) is held.
    pub fn is_holding(&self) -> bool {
        !self.pending.is_empty() || self.discarding.is_some()
    }

    /// Input bytes of the partial last line held, or of the overlong line being skipped.
    pub fn held_len(&self) -> u64 {
        match self.discarding {
            Some((count, _)) => count,
            None => self.pending.len() as u64,
        }
    }

    /// Bytes of the partial last line held (tests check the memory bound).
    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> usize {
        self.pending.len()
    }

    /// Forget what is held (the input restarts elsewhere).
    pub fn reset(&mut self) {
        self.pending.clear();
        self.discarding = None;
    }

    fn oversize(&mut self, len: u64, ending: &[u8], out: &mut Vec<u8>, oversize: &mut u32) {
        if let Some(m) = self.marks.as_mut() {
            m.push(out.len());
        }
        write_oversize(len, out);
        out.extend_from_slice(ending);
        *oversize += 1;
    }

    /// Take the next `input` bytes: whole lines go to `out`, replacements counted in
    /// `oversize`. Returns how many bytes of `input` the lines emitted so far end after (the
    /// rest is held), or `None` if no line ended in `input`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>, oversize: &mut u32) -> Option<usize> {
        let mut done = None;
        let mut i = 0;
        // The common case, in one copy: no line held and every line of the block short enough.
        if self.discarding.is_none() {
            if let Some(k) = memchr::memrchr(b'\n', input) {
                if self.pending.len() + k <= self.max {
                    out.extend_from_slice(&self.pending);
                    out.extend_from_slice(&input[..=k]);
                    self.pending.clear();
                    i = k + 1;
                    done = Some(i);
                }
            }
        }
        while i < input.len() {
            let nl = memchr::memchr(b'\n', &input[i..]);
            if let Some((count, last)) = self.discarding {
                match nl {
                    Some(j) => {
                        let before = if j > 0 { input[i + j - 1] } else { last };
                        let crlf = before == b'\r';
                        let ending: &[u8] = if crlf { b"\r\n" } else { b"\n" };
                        self.oversize(count + j as u64 - u64::from(crlf), ending, out, oversize);
                        self.discarding = None;
                        i += j + 1;
                        done = Some(i);
                    }
                    None => {
                        self.discarding =
                            Some((count + (input.len() - i) as u64, input[input.len() - 1]));
                        i = input.len();
                    }
                }
                continue;
            }
            match nl {
                Some(j) => {
                    let before = if j > 0 {
                        Some(input[i + j - 1])
                    } else {
                        self.pending.last().copied()
                    };
                    let crlf = before == Some(b'\r');
                    let content = self.pending.len() + j - usize::from(crlf);
                    if content > self.max {
                        let ending: &[u8] = if crlf { b"\r\n" } else { b"\n" };
                        self.oversize(content as u64, ending, out, oversize);
                    } else {
                        out.extend_from_slice(&self.pending);
                        out.extend_from_slice(&input[i..=i + j]);
                    }
                    self.pending.clear();
                    i += j + 1;
                    done = Some(i);
                }
                None => {
                    self.pending.extend_from_slice(&input[i..]);
                    i = input.len();
                    let p = &self.pending;
                    let waits_for_lf = p.len() == self.max + 1 && p.last() == Some(&b'\r');
                    if p.len() > self.max && !waits_for_lf {
                        self.discarding = Some((p.len() as u64, p[p.len() - 1]));
                        self.pending.clear();
                    }
                }
            }
        }
        done
    }

    /// The input ended: emit what is held as a last line without ending (a `\r` it ends in is
    /// content). Whether anything was held.
    pub fn finish(&mut self, out: &mut Vec<u8>, oversize: &mut u32) -> bool {
        if let Some((count, _)) = self.discarding.take() {
            self.oversize(count, b"", out, oversize);
            true
        } else if !self.pending.is_empty() {
            if self.pending.len() > self.max {
                // max + 1 bytes ending in a `\r` that no `\n` followed: too long after all.
                self.oversize(self.pending.len() as u64, b"", out, oversize);
                self.pending.clear();
            } else {
                out.append(&mut self.pending);
            }
            true
        } else {
            false
        }
    }

    /// Frame one whole message whose lines all end (an event's body, with its final `\n` taken
    /// off): each of its lines plus `\n` goes to `out`. Nothing stays held.
    pub fn frame_message(&mut self, body: &[u8], out: &mut Vec<u8>, oversize: &mut u32) {
        self.reset();
        self.push(body, out, oversize);
        self.push(b"\n", out, oversize);
    }
}

/// A file's stream name: `rel` (its path below its source's root) as text that names it
/// one-to-one: UTF-8 kept as is, `\` written `\\`, any other byte (invalid UTF-8) `\xHH`.
pub fn stream_of_path(rel: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in rel.as_os_str().as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The relative path a file's stream name stands for (the inverse of [`stream_of_path`]).
pub fn path_of_stream(stream: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let mut bytes = Vec::with_capacity(stream.len());
    let s = stream.as_bytes();
    let mut i = 0;
    while i < s.len() {
        match (s[i], s.get(i + 1)) {
            (b'\\', Some(b'\\')) => {
                bytes.push(b'\\');
                i += 2;
            }
            (b'\\', Some(b'x')) if i + 4 <= s.len() => {
                let hex = std::str::from_utf8(&s[i + 2..i + 4])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        bytes.push(b);
                        i += 4;
                    }
                    None => {
                        bytes.push(b'\\');
                        i += 1;
                    }
                }
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn frame(chunks: &[&[u8]], max: usize) -> (String, u32) {
        let mut f = Framer::new(max);
        let (mut out, mut n) = (Vec::new(), 0);
        for c in chunks {
            f.push(c, &mut out, &mut n);
        }
        f.finish(&mut out, &mut n);
        (String::from_utf8(out).unwrap(), n)
    }

    #[test]
    fn framer_keeps_a_line_of_exactly_max_with_crlf() {
        assert_eq!(frame(&[b"abcd\r\n"], 4), ("abcd\r\n".into(), 0));
        assert_eq!(frame(&[b"abcd\r", b"\n"], 4), ("abcd\r\n".into(), 0));
    }

    #[test]
    fn framer_replaces_a_line_of_max_plus_one_keeping_its_ending() {
        let want = ("[REDACTED:line-too-long:bytes=5]\r\n".to_string(), 1);
        assert_eq!(frame(&[b"abcde\r\n"], 4), want);
        assert_eq!(frame(&[b"ab", b"cde\r", b"\n"], 4), want);
        assert_eq!(
            frame(&[b"abcde\n"], 4),
            ("[REDACTED:line-too-long:bytes=5]\n".into(), 1)
        );
    }

    #[test]
    fn framer_last_line_without_newline() {
        assert_eq!(frame(&[b"a\nb"], 10), ("a\nb".into(), 0));
        assert_eq!(
            frame(&[b"0123456789"], 4),
            ("[REDACTED:line-too-long:bytes=10]".into(), 1)
        );
        assert_eq!(
            frame(&[b"abcd\r"], 4),
            ("[REDACTED:line-too-long:bytes=5]".into(), 1)
        );
        assert_eq!(frame(&[b""], 4), (String::new(), 0));
    }

    #[test]
    fn framer_reports_where_the_emitted_lines_end() {
        let mut f = Framer::new(8);
        let (mut out, mut n) = (Vec::new(), 0);
        assert_eq!(f.push(b"ab\ncd", &mut out, &mut n), Some(3));
        assert_eq!(f.push(b"ef", &mut out, &mut n), None);
        assert!(f.is_holding());
        assert_eq!(f.push(b"\nxy", &mut out, &mut n), Some(1));
        assert_eq!(out, b"ab\ncdef\n");
    }

    #[test]
    fn framer_never_holds_an_overlong_line_whole() {
        let mut f = Framer::new(16);
        let (mut out, mut n) = (Vec::new(), 0);
        for _ in 0..1000 {
            f.push(&[b'x'; 10], &mut out, &mut n);
            assert!(f.pending.len() <= 17);
        }
        f.push(b"\n", &mut out, &mut n);
        assert_eq!(out, b"[REDACTED:line-too-long:bytes=10000]\n");
    }

    #[test]
    fn messages_frame_each_line() {
        let mut f = Framer::new(4);
        let (mut out, mut n) = (Vec::new(), 0);
        f.frame_message(b"ab\r\nabcde\r\nabcd\r", &mut out, &mut n);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ab\r\n[REDACTED:line-too-long:bytes=5]\r\nabcd\r\n"
        );
        assert_eq!(n, 1);
    }

    #[test]
    fn stream_names_of_paths_are_one_to_one() {
        let names: Vec<&[u8]> = vec![
            b"app.log",
            b"d1/app.log",
            b"bad\xff.log",
            b"bad\xfe.log",
            b"bad\\xff.log",
            b"a\\b",
            "\u{fc}.log".as_bytes(),
        ];
        let streams: Vec<String> = names
            .iter()
            .map(|n| stream_of_path(Path::new(std::ffi::OsStr::from_bytes(n))))
            .collect();
        assert_eq!(streams[0], "app.log");
        assert_eq!(streams[1], "d1/app.log");
        assert_eq!(streams[2], "bad\\xff.log");
        assert_eq!(streams[4], "bad\\\\xff.log");
        assert_eq!(streams[6], "\u{fc}.log");
        for (n, s) in names.iter().zip(&streams) {
            assert_eq!(path_of_stream(s).as_os_str().as_bytes(), *n, "{s}");
        }
        let distinct: std::collections::HashSet<&String> = streams.iter().collect();
        assert_eq!(distinct.len(), names.len());
    }

    #[test]
    fn a_record_is_open_while_its_last_line_is_indented_or_opens_a_bracket() {
        assert_eq!(open_record(b""), None);
        assert_eq!(open_record(b"GET / 200\n"), None);
        assert_eq!(open_record(b"a\nparameters: [\n"), Some(2));
        assert_eq!(open_record(b"a\nparameters: [  \r\n  'x',\n"), Some(2));
        assert_eq!(open_record(b"a\n{\n  bindings: [ 'x' ],\n  }\n"), Some(2));
        // Closed: the bracket's own line, at the left margin, ends it.
        assert_eq!(open_record(b"a\nparameters: [\n  'x'\n]\n"), None);
        // Blank lines and closing brackets are not starts.
        assert_eq!(open_record(b"x\n\n]\n  y\n"), Some(0));
        assert_eq!(open_record(b"  only indented"), None);
        let mut long = b"start {\n".to_vec();
        long.extend(b"  field\n".repeat(RECORD_LINES - 1));
        assert_eq!(open_record(&long), Some(0));
        long.extend_from_slice(b"  field\n");
        assert_eq!(open_record(&long), None, "no start within reach");
    }
}
