//! Sinks: where scrubbed lines go. A sink *accepts* data when `write` returns `Ok`; `sync`
//! makes everything accepted so far durable (written to disk, or acknowledged by the remote
//! service) and is called before the positions of that data are checkpointed, so a checkpoint
//! never runs ahead of the data it stands for.
//!
//! Every kind has one shape: a config type parsed from its `[[sinks]]` table ([`parse`]
//! dispatches on `type`), validated into a [`SinkSpec`] whose `build` makes the [`Sink`]. A sink
//! knows no source.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use crate::batch::Record;
use crate::checkpoint::SinkMark;
use crate::metrics::{Emit, Metrics};
pub(crate) use crate::table::{from_table, TableError};

/// What a kind's `parse` gets besides its own table.
pub(crate) struct ParseCtx<'a> {
    /// Relative paths are relative to this (the config file's directory).
    pub base: &'a std::path::Path,
}

/// What a sink's `build` gets.
pub(crate) struct BuildCtx<'a> {
    pub name: &'a str,
    pub emit: Arc<dyn Emit>,
    /// The daemon's runtime, for sinks that are async inside (called from the sink's thread).
    pub runtime: tokio::runtime::Handle,
}

/// A validated sink config of some kind.
pub(crate) trait SinkSpec: std::fmt::Debug + Send + Sync {
    /// The local directory this sink writes `source`'s lines under, if it writes local files.
    fn output_dir(&self, _source: &str) -> Option<PathBuf> {
        None
    }
    /// At most one sink of this kind per config (there is one stdout).
    fn single(&self) -> bool {
        false
    }
    /// Register the kind's own metric series at 0.
    fn register(&self, _name: &str, _metrics: &Metrics) {}
    /// Make the sink.
    fn build(&self, ctx: BuildCtx<'_>) -> Box<dyn Sink>;
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
    /// The local files a `write` of `records` would append to, with their lengths now (before
    /// the write). The pipeline records them before the first write to each since the last
    /// checkpoint, so lines a crash leaves beyond any checkpoint are counted when a restart
    /// writes them again, even in an output no checkpoint names yet. Sinks that write no local
    /// files return nothing.
    fn outputs(&mut self, _source: &str, _records: &[Record]) -> Vec<SinkMark> {
        Vec::new()
    }
    /// Make everything accepted so far durable.
    fn sync(&mut self) -> io::Result<()>;
    /// Close and reopen outputs (SIGHUP: files logrotate moved; remote clients, so changed
    /// credentials are picked up).
    fn reopen(&mut self) -> io::Result<()>;
}

/// Declares the sink kinds: their modules and the dispatch on `type`.
macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        $(pub(crate) mod $kind;)*

        /// The kind names `type` accepts.
        pub(crate) const KINDS: &[&str] = &[$(stringify!($kind)),*];

        /// Parse the table of a sink of kind `kind` (`None`: no such kind).
        pub(crate) fn parse(
            kind: &str,
            table: toml::Table,
            ctx: &ParseCtx<'_>,
        ) -> Option<Result<Box<dyn SinkSpec>, TableError>> {
            match kind {
                $(stringify!($kind) => Some($kind::parse(table, ctx)),)*
                _ => None,
            }
        }
    };
}

kinds!(file, stdout, cloudwatch);
