//! Sources: producers of [`Batch`]es of whole lines, each knowing its own position.
//!
//! Every kind has one shape, in its own folder: a config type parsed from its `[[sources]]`
//! table ([`parse`] dispatches on `type`), validated into a [`SourceSpec`] whose `build`
//! makes the running [`Source`] from its checkpoints. The pipeline knows only these traits; a
//! source knows no sink. Adding a kind is its folder plus one name in [`kinds!`].

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::batch::Batch;
use crate::checkpoint::CheckpointStore;
use crate::metrics::{Emit, Metrics};
pub(crate) use crate::table::{from_table, parse_duration, TableError};

/// What a kind's `parse` gets besides its own table.
pub(crate) struct ParseCtx<'a> {
    /// The source's name.
    pub name: &'a str,
    /// Relative paths are relative to this (the config file's directory).
    pub base: &'a std::path::Path,
    /// `[redact] max_line_bytes`.
    pub max_line_bytes: usize,
    /// `[cloudwatch] max_requests_per_second`.
    pub cloudwatch_requests_per_second: f64,
    /// Deprecation notes and other things worth saying.
    pub warnings: &'a mut Vec<String>,
}

/// A duration setting that also has a deprecated integer `<what>_ms` spelling: the humantime
/// text if given, else the milliseconds (with a deprecation warning), else `default`.
pub(crate) fn duration_or_ms(
    text: Option<&str>,
    ms: Option<u64>,
    what: &str,
    default: std::time::Duration,
    ctx: &mut ParseCtx<'_>,
) -> Result<std::time::Duration, TableError> {
    match (text, ms) {
        (Some(_), Some(_)) => Err(TableError::table(format!(
            "source {:?}: set {what} or {what}_ms, not both",
            ctx.name
        ))),
        (Some(t), None) => parse_duration(t, what),
        (None, Some(ms)) => {
            ctx.warnings.push(format!(
                "source {:?}: {what}_ms is deprecated; write {what} = \"{}\"",
                ctx.name,
                humantime::format_duration(std::time::Duration::from_millis(ms))
            ));
            Ok(std::time::Duration::from_millis(ms))
        }
        (None, None) => Ok(default),
    }
}

/// What a source is checked against when the config is validated.
pub(crate) struct CheckCtx<'a> {
    pub name: &'a str,
    /// Local directories scrubd writes this source's output to, with a description.
    pub outputs: &'a [(PathBuf, String)],
    /// scrubd's own state files.
    pub state_files: &'a [PathBuf],
    /// The local file globs (include, exclude) of the sources before this one, by name.
    pub earlier: &'a [(&'a str, Vec<String>, Vec<String>)],
}

/// What a source's `build` gets.
pub(crate) struct BuildCtx<'a> {
    pub name: &'a str,
    /// The checkpoint store (positions to resume from; positions to record before reading).
    pub store: &'a mut CheckpointStore,
    /// Directories and files scrubd writes: never read them.
    pub own_dirs: Vec<PathBuf>,
    pub own_files: Vec<PathBuf>,
    /// Local file globs (include, exclude) of the sources before this one: theirs, not ours.
    pub earlier: Vec<(Vec<String>, Vec<String>)>,
}

/// A validated source config of some kind.
pub(crate) trait SourceSpec: std::fmt::Debug + Send + Sync {
    /// Local files this source reads, as (include, exclude) globs, if it reads any.
    fn local_globs(&self) -> Option<(Vec<String>, Vec<String>)> {
        None
    }
    /// Check the source against the rest of the config; returns warnings.
    fn check(&self, _ctx: &CheckCtx<'_>) -> Result<Vec<String>, TableError> {
        Ok(Vec::new())
    }
    /// Register the kind's own metric series at 0.
    fn register(&self, _name: &str, _metrics: &Metrics) {}
    /// Make the running source, resuming from its checkpoints in `ctx.store`.
    fn build(&self, ctx: BuildCtx<'_>) -> anyhow::Result<Box<dyn Source>>;
}

/// A running source: reads until cancelled, on a thread of its own.
pub(crate) trait Source: Send {
    /// Read and send batches until `io.cancel` (or the pipeline is gone).
    fn run(self: Box<Self>, io: SourceIo);
    /// Before it runs, after an unclean stop: at most how many lines (up to `limit`) of those
    /// an output holds beyond its last checkpoint this source will read again (into it, or
    /// from a copy of what went into it); `None` when it cannot tell (every line beyond the
    /// checkpoint is then taken to be written again).
    fn resend_bound(&self, _output: &std::path::Path, _limit: u64) -> Option<u64> {
        None
    }
}

/// A running source's connection to the pipeline.
pub(crate) struct SourceIo {
    pub name: Arc<str>,
    tx: mpsc::Sender<Batch>,
    pub cancel: CancellationToken,
    pub emit: Arc<dyn Emit>,
    /// The daemon's runtime, for sources that are async inside.
    pub runtime: tokio::runtime::Handle,
    /// Lines handed to the pipeline (for the shutdown report).
    read: Arc<std::sync::atomic::AtomicU64>,
}

impl SourceIo {
    pub fn new(
        name: Arc<str>,
        tx: mpsc::Sender<Batch>,
        cancel: CancellationToken,
        emit: Arc<dyn Emit>,
        runtime: tokio::runtime::Handle,
        read: Arc<std::sync::atomic::AtomicU64>,
    ) -> Self {
        SourceIo {
            name,
            tx,
            cancel,
            emit,
            runtime,
            read,
        }
    }

    /// Send from a blocking thread (waits while the pipeline is full). False once the
    /// pipeline is gone.
    pub fn send_blocking(&self, batch: Batch) -> bool {
        self.count(&batch);
        self.tx.blocking_send(batch).is_ok()
    }

    /// Send from async code. False once the pipeline is gone.
    pub async fn send(&self, batch: Batch) -> bool {
        self.count(&batch);
        self.tx.send(batch).await.is_ok()
    }

    fn count(&self, batch: &Batch) {
        self.read
            .fetch_add(batch.line_count(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// Declares the source kinds: their modules and the dispatch on `type`.
macro_rules! kinds {
    ($($kind:ident),* $(,)?) => {
        $(pub(crate) mod $kind;)*

        /// The kind names `type` accepts.
        pub(crate) const KINDS: &[&str] = &[$(stringify!($kind)),*];

        /// Parse the table of a source of kind `kind` (`None`: no such kind).
        pub(crate) fn parse(
            kind: &str,
            table: toml::Table,
            ctx: &mut ParseCtx<'_>,
        ) -> Option<Result<Box<dyn SourceSpec>, TableError>> {
            match kind {
                $(stringify!($kind) => Some($kind::parse(table, ctx)),)*
                _ => None,
            }
        }
    };
}

kinds!(file, cloudwatch, journald);

/// Recognising compressed data where lines are expected (file and stdin sources).
pub(crate) mod compressed;

/// `scrubd filter`'s source: not a `[[sources]]` kind (no table; pulled on the caller's thread).
pub(crate) mod stdin;
