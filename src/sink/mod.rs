//! Sinks: where scrubbed lines go. A sink *accepts* data when `write` returns `Ok`; `sync`
//! makes everything accepted so far durable (written to disk, or acknowledged by the remote
//! service) and is called before the positions of that data are checkpointed, so a checkpoint
//! never runs ahead of the data it stands for.

pub mod cloudwatch;
pub mod file;
pub mod stdout;

use std::io;
use std::sync::Arc;

use crate::checkpoint::SinkMark;

/// A consecutive run of scrubbed bytes in a write, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The input stream: a file source's file name, a CloudWatch stream name. Sinks name
    /// their outputs after it (a file, a log stream).
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
    fn write(&mut self, source: &str, data: &[u8], records: &[Record]) -> io::Result<Option<SinkMark>>;
    /// Make everything accepted so far durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Close and reopen output files (SIGHUP after logrotate moved them).
    fn reopen(&mut self) -> io::Result<()>;
}

/// The parts of `data` that `records` describe, with their records.
pub fn split<'a>(data: &'a [u8], records: &'a [Record]) -> impl Iterator<Item = (&'a Record, &'a [u8])> + 'a {
    let mut at = 0;
    records.iter().map(move |r| {
        let end = (at + r.len).min(data.len());
        let part = &data[at.min(end)..end];
        at = end;
        (r, part)
    })
}
