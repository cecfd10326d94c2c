//! The stdout sink: scrubbed lines of every source, interleaved by whole batches (`run`), or
//! of standard input (`filter`).

use std::io::{self, Write};

use super::{BuildCtx, ParseCtx, Sink, SinkSpec, TableError};
use crate::batch::Record;
use crate::checkpoint::SinkMark;

/// `[[sinks]] type = "stdout"`: nothing but its name.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStdoutSink {}

/// Parse a stdout sink's table.
pub(crate) fn parse(
    table: toml::Table,
    _ctx: &ParseCtx<'_>,
) -> Result<Box<dyn SinkSpec>, TableError> {
    let RawStdoutSink {} = super::from_table(table)?;
    Ok(Box::new(StdoutSpec))
}

#[derive(Debug)]
struct StdoutSpec;

impl SinkSpec for StdoutSpec {
    fn single(&self) -> bool {
        true
    }

    fn build(&self, _ctx: BuildCtx<'_>) -> Box<dyn Sink> {
        Box::new(StdoutSink::new(io::stdout()))
    }
}

/// Writes to standard output (the daemon: the process's `Stdout`; `filter`: its raw file
/// descriptor, whole batches at a time, or any writer in tests); `sync` flushes it.
pub struct StdoutSink<W> {
    out: W,
}

impl<W: Write> StdoutSink<W> {
    pub fn new(out: W) -> Self {
        StdoutSink { out }
    }

    /// Write all of `data`; an error comes with how many of its bytes were written before it.
    pub fn write_counted(&mut self, data: &[u8]) -> Result<(), (usize, io::Error)> {
        let mut done = 0;
        while done < data.len() {
            match self.out.write(&data[done..]) {
                Ok(0) => return Err((done, io::ErrorKind::WriteZero.into())),
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err((done, e)),
            }
        }
        Ok(())
    }
}

impl<W: Write + Send> Sink for StdoutSink<W> {
    fn write(
        &mut self,
        _source: &str,
        data: &[u8],
        _records: &[Record],
    ) -> io::Result<Option<SinkMark>> {
        self.out.write_all(data)?;
        Ok(None)
    }

    fn sync(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn reopen(&mut self) -> io::Result<()> {
        Ok(())
    }
}
