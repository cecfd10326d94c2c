//! Sources: producers of [`Chunk`]s of whole lines, each knowing its own position.

pub mod cloudwatch;
pub mod file;

use crate::checkpoint::FilePosition;
use std::sync::Arc;

/// Whole lines read from one input, with the position just after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Whole lines, each ending in `\n` (a last line without one only after the partial-line
    /// flush timeout). A line longer than the limit is already replaced by
    /// `[REDACTED:line-too-long:bytes=N]` (its content never read into memory whole).
    pub data: Vec<u8>,
    /// How many lines in `data` are such replacements.
    pub oversize_lines: u32,
    /// Where `data` ends: checkpoint this once the sink accepted `data`.
    pub end: FilePosition,
    /// The file's stream name (see [`crate::sink::Record::stream`]).
    pub stream: Arc<str>,
    /// `end`'s file is gone (`data` is empty): its checkpoint can be dropped.
    pub gone: bool,
}
