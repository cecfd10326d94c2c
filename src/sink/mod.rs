//! Sinks: where scrubbed lines go. A sink *accepts* data when `write` returns `Ok`; `sync`
//! makes everything accepted so far durable and is called before the positions of that data
//! are checkpointed, so a checkpoint never runs ahead of the data it stands for.

pub mod file;
pub mod stdout;

use std::io;
use std::path::Path;

use crate::checkpoint::SinkMark;

/// A destination for scrubbed lines, driven from one thread.
pub trait Sink: Send {
    /// Write whole scrubbed lines read from `input` by source `source`. A sink that writes to
    /// files says which file and how long it is now, so a crash's re-sent window can be counted.
    fn write(&mut self, source: &str, input: &Path, data: &[u8]) -> io::Result<Option<SinkMark>>;
    /// Make everything written so far durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Close and reopen output files (SIGHUP after logrotate moved them).
    fn reopen(&mut self) -> io::Result<()>;
}
