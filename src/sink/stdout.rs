//! The stdout sink: scrubbed lines of every source, interleaved by whole chunks.

use std::io::{self, Write};
use super::{Record, Sink};
use crate::checkpoint::SinkMark;

/// Writes to standard output; `sync` flushes it.
#[derive(Default)]
pub struct StdoutSink;

impl Sink for StdoutSink {
    fn write(&mut self, _source: &str, data: &[u8], _records: &[Record]) -> io::Result<Option<SinkMark>> {
        io::stdout().lock().write_all(data)?;
        Ok(None)
    }

    fn sync(&mut self) -> io::Result<()> {
        io::stdout().lock().flush()
    }

    fn reopen(&mut self) -> io::Result<()> {
        Ok(())
    }
}
