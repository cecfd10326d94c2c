//! Sinks: where scrubbed lines go. A sink *accepts* data when `write` returns `Ok`; `sync`
//! makes everything accepted so far durable (written to disk, or acknowledged by the remote
//! service) and is called before the positions of that data are checkpointed, so a checkpoint
//! never runs ahead of the data it stands for.

pub mod cloudwatch;
pub mod file;
pub mod stdout;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::checkpoint::SinkMark;

/// A consecutive run of scrubbed bytes in a write, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The input stream: for [`RecordKind::Lines`], a file's path below its source's root
    /// ([`stream_of_path`]: `app.log`, `d1/app.log`); for events, the CloudWatch stream name.
    /// Sinks name their outputs after it (a file, a log stream).
    pub stream: Arc<str>,
    /// Length in bytes of this record's part of the data.
    pub len: usize,
    pub kind: RecordKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// Whole lines of a file, each ending in `\n`: each line is an event of its own, stamped
    /// with the time it is sent.
    Lines,
    /// One CloudWatch event: its message, with a `\n` appended to end its last line (the
    /// message's own final `\n`, if it had one, was taken off first and `newline` says so).
    Event { timestamp_ms: i64, newline: bool },
}

/// A destination for scrubbed lines, driven from one thread.
pub trait Sink: Send {
    /// Accept whole scrubbed lines read by source `source`; `records` split `data` by stream.
    /// A sink that writes a single file says which file and how long it is now, so a crash's
    /// re-sent window can be counted. On `Err` nothing of `data` was accepted, or (files) a
    /// prefix was; the caller retries the whole write.
    fn write(
        &mut self,
        source: &str,
        data: &[u8],
        records: &[Record],
    ) -> io::Result<Option<SinkMark>>;
    /// Make everything accepted so far durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Close and reopen output files (SIGHUP after logrotate moved them).
    fn reopen(&mut self) -> io::Result<()>;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

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
}
