//! The stdout sink: scrubbed lines of every source, interleaved by whole batches.

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
        Box::new(StdoutSink)
    }
}

/// Writes to standard output; `sync` flushes it.
#[derive(Default)]
pub struct StdoutSink;

impl Sink for StdoutSink {
    fn write(
        &mut self,
        _source: &str,
        data: &[u8],
        _records: &[Record],
    ) -> io::Result<Option<SinkMark>> {
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
