//! File source: tails the files named by `include` globs, rotation-safe, resuming from
//! checkpoints.
//!
//! Split by concern (after Vector's `lib/file-source`): [`fingerprint`] (file identity),
//! [`discovery`] (globs → paths), [`tailer`] (one file: lines, rotation, truncation), and here
//! [`FileSource`], which owns one [`FileTailer`] per discovered path.
//!
//! **Discovery** runs at start and every `rescan_interval`. Directory change events (notify)
//! only hint that a rescan or a read is due sooner: inotify's queue overflows and some file
//! systems send nothing, so polling is always the ground truth.
//!
//! **Resuming.** A checkpoint belongs to the discovered file with its device + inode (a
//! rename keeps them), provided that file still has the checkpoint's fingerprint and proves
//! its offset (the bytes before it are unchanged); otherwise the file changed while scrubd was
//! down and is read from 0. A checkpoint whose inode is not found passes to a file with the
//! same fingerprint only if that file is named as its copy ([`names`]: `app.log.1`, the same
//! name elsewhere) and proves the offset (a copy, a restore). So a file rotated
//! while scrubd was stopped (`app.log` → `app.log.1`) is finished from its checkpoint under
//! its new name (Vector #22954) — **provided `include` also covers the rotated names** (e.g.
//! `/var/log/app/app.log*`); otherwise its tail is lost.
//!
//! **Where a file without checkpoint starts.** `start_at` applies to the files present at the
//! source's *first* start with its state dir (the store records it); every file found then is
//! checkpointed at once, idle or not ([`FileSource::initial_positions`]). Any file without a
//! checkpoint after that — created while scrubd ran or while it was stopped — is new and read
//! from its beginning.
//!
//! **File descriptors.** A followed file stays open while it can (that is how a renamed file is
//! drained), and a source raises the process's soft `RLIMIT_NOFILE` to its hard limit when it
//! starts (systemd's default soft limit is 1024, the hard one 524288). The file sources share a
//! budget of handles derived from that limit ([`handles`]); beyond it, the handles of the least
//! recently active tailers idle at EOF with no partial line held are closed ("parked",
//! counted in `scrubd_file_handles_closed_total`): the [`Tracker`] marks the file `Done` where
//! reading stands, and the tailer reopens its path when a `stat` shows it changed, continuing
//! there if the file still proves the offset, reading again from 0 (a truncation) if not; a
//! file renamed meanwhile is looked for by inode in its directory and drained from the claim
//! as if its handle had stayed open (else left to the tailer of its new name, which continues
//! it from the same claim). An open that fails with EMFILE/ENFILE lowers the budget and is retried at
//! the next poll: no file is skipped; it is logged once and counted as one source error per
//! episode.
//!
//! **Ownership.** A [`Tracker`] shared by the tailers lets only one read a file at a time, and
//! lets the tailer of `app.log.1` continue where the tailer of `app.log` stopped after a
//! rotation: no byte is emitted twice in one run. A finished file is remembered while it
//! exists (a symlink may point back at it); once it is gone, a `gone` chunk tells the pipeline
//! to drop its checkpoint.
//!
//! **Output names.** Each path's stream name is its path below the source's root
//! ([`Discovery::common_root`]), so two files of one source never share an output.

pub mod discovery;
pub mod fingerprint;
pub mod handles;
pub mod names;
pub mod tailer;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc as std_mpsc, Arc};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{BuildCtx, CheckCtx, ParseCtx, Source, SourceIo, SourceSpec, TableError};
use crate::batch::{Batch, FilePosition, Position};
use crate::metrics::Event;

/// `[[sources]] type = "file"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileSource {
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    start_at: Option<StartAt>,
    partial_flush: Option<String>,
    rescan_interval: Option<String>,
    /// Deprecated spellings of the two durations (integer milliseconds).
    partial_flush_ms: Option<u64>,
    rescan_interval_ms: Option<u64>,
}

/// Parse and validate a file source's table.
pub(crate) fn parse(
    table: toml::Table,
    ctx: &mut ParseCtx<'_>,
) -> Result<Box<dyn SourceSpec>, TableError> {
    let f: RawFileSource = super::from_table(table)?;
    if f.include.is_empty() {
        return Err(TableError::table(format!(
            "source {:?}: include must name at least one glob",
            ctx.name
        )));
    }
    for g in f.include.iter().chain(&f.exclude) {
        globset::Glob::new(g).map_err(|e| TableError::at(g, format!("bad glob: {e}")))?;
    }
    // Relative globs are relative to the config file's directory.
    let resolve = |p: &str| -> String {
        if Path::new(p).is_absolute() {
            p.to_string()
        } else {
            ctx.base.join(p).to_string_lossy().into_owned()
        }
    };
    let include: Vec<String> = f.include.iter().map(|g| resolve(g)).collect();
    let partial_flush = super::duration_or_ms(
        f.partial_flush.as_deref(),
        f.partial_flush_ms,
        "partial_flush",
        Duration::from_secs(5),
        ctx,
    )?;
    let rescan_interval = super::duration_or_ms(
        f.rescan_interval.as_deref(),
        f.rescan_interval_ms,
        "rescan_interval",
        Duration::from_secs(1),
        ctx,
    )?;
    Ok(Box::new(FileSpec {
        raw_include: f.include,
        cfg: FileSourceConfig {
            name: ctx.name.to_string(),
            include,
            exclude: f.exclude,
            start_at: f.start_at.unwrap_or(StartAt::End),
            max_line_bytes: ctx.max_line_bytes,
            partial_flush,
            rescan_interval,
            avoid: Avoid::default(),
            yield_to: Vec::new(),
        },
    }))
}

/// A validated file source.
#[derive(Debug, Clone)]
pub(crate) struct FileSpec {
    /// The include globs as written (errors point at them).
    raw_include: Vec<String>,
    pub(crate) cfg: FileSourceConfig,
}

impl SourceSpec for FileSpec {
    fn register(&self, name: &str, metrics: &crate::metrics::Metrics) {
        metrics.register_file_source(name);
    }

    fn local_globs(&self) -> Option<(Vec<String>, Vec<String>)> {
        Some((self.cfg.include.clone(), self.cfg.exclude.clone()))
    }

    /// Refuse globs that reach what scrubd writes (its own output: a loop that grows without
    /// end; its state files); warn when an earlier source's globs overlap (a file matched by two
    /// sources is followed by the first of them only).
    fn check(&self, ctx: &CheckCtx<'_>) -> Result<Vec<String>, TableError> {
        use discovery::{overlap, reach_under};
        let (include, exclude) = (&self.cfg.include, &self.cfg.exclude);
        let located = |k: usize, msg: String| {
            TableError::at(self.raw_include.get(k).map_or("", |g| g.as_str()), msg)
        };
        for (k, glob) in include.iter().enumerate() {
            let one = std::slice::from_ref(glob);
            for (dir, what) in ctx.outputs {
                let found =
                    reach_under(one, exclude, dir).map_err(|e| located(k, e.to_string()))?;
                if let Some(example) = found {
                    return Err(located(
                        k,
                        format!(
                            "source {:?}: include {glob:?} matches files scrubd writes, {what} (e.g. {}): scrubd would read its own output; narrow the glob, exclude that directory or move the sink",
                            ctx.name,
                            example.display()
                        ),
                    ));
                }
            }
            let d = Discovery::new(one, exclude).map_err(|e| located(k, e.to_string()))?;
            if let Some(f) = ctx.state_files.iter().find(|f| d.is_match(f)) {
                return Err(located(
                    k,
                    format!(
                        "source {:?}: include {glob:?} matches the state dir's {} : scrubd would ship its own checkpoints; move the state dir out of the globs",
                        ctx.name,
                        f.display()
                    ),
                ));
            }
        }
        let mut warnings = Vec::new();
        for (earlier, globs, _) in ctx.earlier {
            if let Ok(Some(example)) = overlap(globs, include) {
                warnings.push(format!(
                    "sources {earlier:?} and {:?} can both match a file (e.g. {}): such a file is followed by {earlier:?} only, the first in the config",
                    ctx.name,
                    example.display()
                ));
            }
        }
        Ok(warnings)
    }

    fn build(&self, ctx: BuildCtx<'_>) -> anyhow::Result<Box<dyn Source>> {
        let mut cfg = self.cfg.clone();
        cfg.avoid = Avoid {
            dirs: ctx.own_dirs,
            files: ctx.own_files,
        };
        cfg.yield_to = ctx.earlier;
        let store = ctx.store;
        let mut source = FileSource::new(cfg, store.get(ctx.name), store.has_started(ctx.name))
            .map_err(|e| anyhow::anyhow!("source {}: {e}", ctx.name))?;
        // Before anything is read: every file found now gets its checkpoint (an idle one too),
        // the source is recorded as started, and checkpoints of files gone for longer than the
        // retention are dropped; the pipeline flushes them in one atomic write.
        for p in source.initial_positions() {
            store.set(p);
        }
        store.mark_started(ctx.name);
        store.prune_files(
            ctx.name,
            crate::checkpoint::DEFAULT_RETENTION,
            std::time::SystemTime::now(),
        );
        Ok(Box::new(source))
    }
}

impl Source for FileSource {
    fn run(self: Box<Self>, io: SourceIo) {
        let name = Arc::clone(&io.name);
        if let Err(e) = (*self).run_with(io) {
            tracing::error!(source = %name, error = %e, "source stopped");
        }
    }

    /// The lines the files found at start will read again that can have gone into `output`
    /// before an unclean stop: from the checkpoint a file still proves (or its copy does), the
    /// whole file if it was truncated or rewritten (it is read from 0: lines scrubd may have
    /// read after the truncation and before the stop); nothing of a checkpoint whose content
    /// no file holds any more (truncated while scrubd was down, its copy not followed).
    /// `None` when no checkpoint names `output` (its lines come from files scrubd cannot
    /// tell), or a file cannot be read to count.
    fn resend_bound(&self, output: &Path, limit: u64) -> Option<u64> {
        if !self.resend_outputs.contains(output) {
            return None;
        }
        let mut lines = 0;
        for r in self.resend.iter().filter(|r| r.outputs.iter().any(|o| o == output)) {
            if lines >= limit {
                break;
            }
            let counted = match &r.file {
                Held::Open(file) => count_lines_from(file, r.from, limit - lines),
                Held::Path(path) => File::open(path)
                    .and_then(|file| count_lines_from(&file, r.from, limit - lines)),
                Held::Lost => return None,
            };
            lines += counted.ok()?;
        }
        Some(lines.min(limit))
    }
}

/// A file found at start that the source reads again (from `from`), and the outputs (named
/// by checkpoints) its lines can have gone to before the stop.
#[derive(Debug)]
struct Resend {
    file: Held,
    from: u64,
    outputs: Vec<PathBuf>,
}

/// How a [`Resend`] file is reached when its lines are counted. Writers keep rotating while
/// scrubd starts, and by then its path may name the new file that took it: the first
/// [`RESEND_HELD`] files are held open from when they were found; beyond that (a host with
/// thousands of files and a low fd limit) they are counted by path.
#[derive(Debug)]
enum Held {
    Open(File),
    Path(PathBuf),
    /// Renamed before it could be opened: its count is unknown.
    Lost,
}

/// At most this many files are held open until the count (see [`Held`]).
const RESEND_HELD: usize = 512;

/// Lines (`\n`) in `file` from `from`, counting stopped at `limit`.
fn count_lines_from(file: &File, from: u64, limit: u64) -> io::Result<u64> {
    let mut buf = vec![0u8; 64 << 10];
    let (mut at, mut lines) = (from, 0);
    while lines < limit {
        let n = file.read_at(&mut buf, at)?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        at += n as u64;
    }
    Ok(lines)
}
pub use discovery::{Avoid, Discovery, GlobError};
pub use fingerprint::FileId;
pub use handles::Handles;
pub use tailer::{FileTailer, StartHint, TailerConfig, Tracker};

/// Where a file without checkpoint found at the source's first start is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartAt {
    /// Its first byte.
    Beginning,
    /// After its last complete line: only what is written from now on.
    End,
}

/// Settings of one file source.
#[derive(Debug, Clone)]
pub struct FileSourceConfig {
    /// Source name, recorded in every position.
    pub name: String,
    /// Globs of files to read, matched against full paths (`*` does not cross `/`).
    pub include: Vec<String>,
    /// Globs of files to skip, matched against the file name and the full path.
    pub exclude: Vec<String>,
    pub start_at: StartAt,
    /// Longest line emitted as is; longer ones are replaced and counted.
    pub max_line_bytes: usize,
    /// How long a renamed or deleted file must stop growing before it is finished (its
    /// partial last line then emitted, ended with a newline; a live file's partial line waits
    /// for its newline).
    pub partial_flush: Duration,
    /// How often the globs are expanded again.
    pub rescan_interval: Duration,
    /// Files scrubd writes, never followed.
    pub avoid: Avoid,
    /// Include/exclude globs of the file sources before this one: files they match are theirs.
    pub yield_to: Vec<(Vec<String>, Vec<String>)>,
}

/// Counters of a running source, readable from any thread.
#[derive(Debug, Default)]
pub struct FileSourceStats {
    pub files_watched: AtomicU64,
    pub truncations: AtomicU64,
    pub rotations: AtomicU64,
    pub deletions: AtomicU64,
    pub read_errors: AtomicU64,
    /// Lines read a second time because they are a copy of content already emitted.
    pub duplicate_lines: AtomicU64,
    /// Handles of idle files closed to stay within the open-files budget.
    pub handles_closed: AtomicU64,
    /// Times opening files failed for lack of descriptors (EMFILE/ENFILE), once per episode.
    pub fd_exhaustions: AtomicU64,
    /// Files not read because they hold compressed data.
    pub compressed_files: AtomicU64,
    /// Files not read because they live on a pseudo file system.
    pub pseudo_files: AtomicU64,
    /// Files not read because they are FIFOs, sockets or devices.
    pub special_files: AtomicU64,
}

/// A copy of [`FileSourceStats`] at one moment.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub files_watched: u64,
    pub truncations: u64,
    pub rotations: u64,
    pub deletions: u64,
    pub read_errors: u64,
    pub duplicate_lines: u64,
    pub handles_closed: u64,
    pub fd_exhaustions: u64,
    pub compressed_files: u64,
    pub pseudo_files: u64,
    pub special_files: u64,
}

impl FileSourceStats {
    /// The current values.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            files_watched: self.files_watched.load(Ordering::Relaxed),
            truncations: self.truncations.load(Ordering::Relaxed),
            rotations: self.rotations.load(Ordering::Relaxed),
            deletions: self.deletions.load(Ordering::Relaxed),
            read_errors: self.read_errors.load(Ordering::Relaxed),
            duplicate_lines: self.duplicate_lines.load(Ordering::Relaxed),
            handles_closed: self.handles_closed.load(Ordering::Relaxed),
            fd_exhaustions: self.fd_exhaustions.load(Ordering::Relaxed),
            compressed_files: self.compressed_files.load(Ordering::Relaxed),
            pseudo_files: self.pseudo_files.load(Ordering::Relaxed),
            special_files: self.special_files.load(Ordering::Relaxed),
        }
    }
}

/// Most bytes read from all files in one [`FileSource::poll`].
const POLL_BUDGET: usize = 8 << 20;
/// Longest idle wait of [`FileSource::run`] between polls.
const IDLE_TICK: Duration = Duration::from_millis(250);
/// A poll that read at least this much (and not its whole budget) means the files are busy:
/// the next poll waits [`LINGER`] so that it reads a bigger piece. Scrubbing costs ~30 % more
/// CPU per byte in the ~200 KiB pieces a file written at 20 MB/s yields per wake-up than in
/// megabyte pieces (cold caches each time); a file written a line at a time never lingers, so
/// its lines keep their millisecond latency.
const LINGER_BYTES: usize = 64 << 10;
/// How long a busy source waits between polls (at most this much latency added under load).
const LINGER: Duration = Duration::from_millis(100);

/// Tails every file of one source.
pub struct FileSource {
    cfg: FileSourceConfig,
    tailer_cfg: TailerConfig,
    discovery: Discovery,
    tailers: BTreeMap<PathBuf, FileTailer>,
    tracker: Tracker,
    stats: Arc<FileSourceStats>,
    next_rescan: Instant,
    rescan_now: bool,
    /// Round-robin start, so a busy file cannot always go first.
    cursor: usize,
    /// Set when the last poll stopped on a budget: more data is waiting.
    more: bool,
    watcher: Option<notify::RecommendedWatcher>,
    watched: HashSet<PathBuf>,
    hints: std_mpsc::Receiver<bool>,
    /// Output names are paths below this directory.
    root: PathBuf,
    /// Positions of the files found at start, to checkpoint before reading begins.
    initial: Vec<FilePosition>,
    /// The files found at start that will be read again from a checkpoint or from 0 (see
    /// [`Source::resend_bound`]).
    resend: Vec<Resend>,
    /// The outputs the source's checkpoints name.
    resend_outputs: HashSet<PathBuf>,
    /// The checkpoints found at start, by inode: a file renamed between the start's listing
    /// and its first read (`app.log` → `app.log.1` as scrubd starts) is found by a rescan
    /// under its new name and continues from its checkpoint, not from 0. The tailer checks
    /// the fingerprint and proof as for any start hint.
    start_hints: HashMap<FileId, StartHint>,
    /// Files forgotten at the last rescan, announced in the next poll's output.
    gone: Vec<FilePosition>,
    /// The open-files budget shared with the other file sources of the process.
    handles: Arc<Handles>,
    /// Handles of this source's tailers open now (counted in `handles`).
    holding: usize,
    /// Opens are failing for lack of descriptors (logged once, until one succeeds).
    fd_exhausted: bool,
    /// Handles this source asked the other file sources for (see [`Handles::ask`]).
    asked: usize,
}

impl Drop for FileSource {
    fn drop(&mut self) {
        self.handles.closed(self.holding);
        self.handles.ask(self.asked, 0);
    }
}

impl FileSource {
    /// Compile the globs, discover the files and match them with `checkpoints` (positions of
    /// other sources are ignored). `started_before`: the source has started with this state
    /// dir before, so files without checkpoint are new (read from 0) and `start_at` no longer
    /// applies. Nothing is read until the first poll.
    pub fn new(
        cfg: FileSourceConfig,
        checkpoints: Vec<FilePosition>,
        started_before: bool,
    ) -> Result<Self, GlobError> {
        raise_fd_limit();
        let discovery = Discovery::new(&cfg.include, &cfg.exclude)?
            .avoiding(cfg.avoid.clone())
            .yielding_to(&cfg.yield_to)?;
        let root = discovery.common_root();
        let tailer_cfg = TailerConfig {
            max_line_bytes: cfg.max_line_bytes,
            partial_flush: cfg.partial_flush,
            ..TailerConfig::default()
        };
        let (tx, hints) = std_mpsc::channel();
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            use notify::EventKind::{Create, Modify, Remove};
            let structural = match ev {
                Ok(ev) => matches!(
                    ev.kind,
                    Create(_) | Remove(_) | Modify(notify::event::ModifyKind::Name(_))
                ),
                Err(_) => true, // e.g. queue overflow: rescan
            };
            let _ = tx.send(structural);
        })
        .ok();
        let now = Instant::now();
        let mut src = FileSource {
            cfg,
            tailer_cfg,
            discovery,
            tailers: BTreeMap::new(),
            tracker: Tracker::default(),
            stats: Arc::new(FileSourceStats::default()),
            next_rescan: now,
            rescan_now: false,
            cursor: 0,
            more: false,
            watcher,
            watched: HashSet::new(),
            hints,
            root,
            initial: Vec::new(),
            resend: Vec::new(),
            resend_outputs: HashSet::new(),
            start_hints: HashMap::new(),
            gone: Vec::new(),
            handles: Handles::process(),
            holding: 0,
            fd_exhausted: false,
            asked: 0,
        };
        src.start(checkpoints, started_before, now);
        Ok(src)
    }

    /// The positions of the files found at start (the checkpoint they resume from, or where
    /// `start_at` puts them), once: record them before reading begins, so a file idle during
    /// this run still has a checkpoint at the next start.
    pub fn initial_positions(&mut self) -> Vec<FilePosition> {
        std::mem::take(&mut self.initial)
    }

    fn tailer(&self, path: PathBuf, now: Instant) -> FileTailer {
        let rel = path
            .strip_prefix(&self.root)
            .ok()
            .filter(|r| !r.as_os_str().is_empty())
            .map(Path::to_path_buf);
        let rel =
            rel.unwrap_or_else(|| PathBuf::from(path.file_name().unwrap_or(path.as_os_str())));
        let stream: std::sync::Arc<str> = crate::batch::stream_of_path(&rel).into();
        FileTailer::new(&self.cfg.name, path, self.tailer_cfg.clone(), now).with_stream(stream)
    }

    /// The live counters.
    #[cfg(test)]
    pub fn stats(&self) -> Arc<FileSourceStats> {
        Arc::clone(&self.stats)
    }

    fn start(&mut self, checkpoints: Vec<FilePosition>, started_before: bool, now: Instant) {
        struct Found {
            path: PathBuf,
            id: FileId,
            size: u64,
            /// `None` when it cannot be opened now (e.g. permissions), or has no complete
            /// first line: its checkpoint is kept and checked when the tailer can open it.
            /// (Files are opened one at a time here: there may be more than descriptors.)
            fingerprint: Option<String>,
            hint: Option<StartHint>,
            /// The checkpoint this file resumes from, as found (kept as its initial position).
            resumes: Option<FilePosition>,
        }
        let mut found: Vec<Found> = Vec::new();
        // Files renamed while the globs are listed (a writer rotating now) can be missed by one
        // listing (`app.log` seen as the new file, `app.log.1` not there yet): list again until
        // a listing finds nothing new, so that the renamed file is found with its checkpoint.
        for _ in 0..4 {
            let listed: Vec<(PathBuf, std::fs::Metadata)> = self
                .discovery
                .discover()
                .into_iter()
                .filter_map(|p| std::fs::metadata(&p).ok().map(|m| (p, m)))
                .collect();
            let is_new = |(p, m): &(PathBuf, std::fs::Metadata)| {
                !found.iter().any(|f| f.path == *p && f.id == FileId::of(m))
            };
            if !found.is_empty() && !listed.iter().any(is_new) {
                break;
            }
            // What this listing shows stands: a path now holding another file, or gone, drops.
            found.retain(|f| {
                listed
                    .iter()
                    .any(|(p, m)| *p == f.path && FileId::of(m) == f.id)
            });
            for (path, meta) in listed {
                if found.iter().any(|f| f.path == path) {
                    continue;
                }
                // Id, size and fingerprint all of the one file the path names when opened
                // (a rename since the listing shows the next listing a new file).
                let (meta, fingerprint) = match File::open(&path)
                    .and_then(|f| f.metadata().map(|m| (f, m)))
                {
                    Ok((f, m)) => {
                        let fp = fingerprint::fingerprint(&f, self.tailer_cfg.fingerprint_bytes);
                        (m, fp.ok().flatten())
                    }
                    Err(_) => (meta, None),
                };
                found.push(Found {
                    path,
                    id: FileId::of(&meta),
                    size: meta.len(),
                    fingerprint,
                    hint: None,
                    resumes: None,
                });
            }
        }
        let mine: Vec<FilePosition> = checkpoints
            .into_iter()
            .filter(|c| c.source == self.cfg.name)
            .collect();
        let hint_of = |cp: &FilePosition, id: FileId| StartHint {
            id,
            fingerprint: cp.fingerprint.clone(),
            offset: cp.offset,
            proof: cp.proof.clone(),
        };
        // Which outputs the checkpoints name, by the path of the file each was taken of.
        let named: Vec<(PathBuf, PathBuf)> = mine
            .iter()
            .filter_map(|c| c.sink.as_ref().map(|s| (c.path.clone(), s.path.clone())))
            .collect();
        self.resend_outputs = named.iter().map(|(_, o)| o.clone()).collect();
        // Device + inode first: a file keeps its checkpoint across renames, and two live files
        // never share one.
        let mut unmatched = Vec::new();
        for cp in mine {
            let id = FileId {
                dev: cp.dev,
                ino: cp.ino,
            };
            self.start_hints.insert(id, hint_of(&cp, id));
            match found.iter_mut().find(|f| f.id == id && f.hint.is_none()) {
                Some(f) => {
                    f.hint = Some(hint_of(&cp, id));
                    if f.fingerprint.as_ref().is_some_and(|fp| *fp != cp.fingerprint) {
                        // Rewritten while scrubd was stopped (copytruncate): a copy of the old
                        // content, if the globs find one, continues where it was.
                        unmatched.push(cp.clone());
                    }
                    f.resumes = Some(cp);
                }
                None => unmatched.push(cp),
            }
        }
        // A checkpoint whose file is not found at its inode (copied, restored from a backup)
        // passes to a file with its fingerprint only if that file is named as its copy (or
        // restore) and proves the offset. An unrelated file that starts with the same lines
        // (a new worker's log with the same start-up banner) is read whole.
        for cp in unmatched {
            let Some(proof) = &cp.proof else { continue };
            let proves = |f: &Found| {
                f.hint.is_none()
                    && f.fingerprint.as_deref() == Some(cp.fingerprint.as_str())
                    && names::may_be_copy_of(&cp.path, &f.path)
                    && f.size >= cp.offset
                    && fingerprint::open_as(&f.path, f.id)
                        .ok()
                        .flatten()
                        .is_some_and(|file| fingerprint::proof_holds(proof, &file, cp.offset))
            };
            let pick = found
                .iter()
                .position(|f| proves(f) && f.path == cp.path)
                .or_else(|| found.iter().position(proves));
            if let Some(i) = pick {
                let id = found[i].id;
                found[i].hint = Some(hint_of(&cp, id));
                found[i].resumes = Some(FilePosition {
                    path: found[i].path.clone(),
                    dev: id.dev,
                    ino: id.ino,
                    ..cp
                });
            }
        }
        // What each file will read again, for the count of lines an unclean stop makes the
        // outputs hold twice: from the checkpoint it proves, else from 0.
        for f in &found {
            let mut outputs: Vec<PathBuf> = named
                .iter()
                .filter(|(p, _)| *p == f.path)
                .map(|(_, o)| o.clone())
                .collect();
            outputs.extend(f.resumes.as_ref().and_then(|c| c.sink.as_ref()).map(|s| s.path.clone()));
            if outputs.is_empty() {
                continue;
            }
            // The file as found, opened once: its proof is checked on it, and it is held for
            // the count (a rename since it was found has given its path to another file).
            let held = match fingerprint::open_as(&f.path, f.id) {
                Ok(Some(file)) => Held::Open(file),
                Ok(None) => Held::Lost,
                Err(_) => Held::Path(f.path.clone()),
            };
            let proven = f.hint.as_ref().filter(|h| {
                f.fingerprint.as_ref() == Some(&h.fingerprint)
                    && h.offset <= f.size
                    && h.proof.as_ref().map_or(true, |p| match &held {
                        Held::Open(file) => fingerprint::proof_holds(p, file, h.offset),
                        Held::Path(_) | Held::Lost => false,
                    })
            });
            let file = match held {
                Held::Open(_) if self.resend.len() >= RESEND_HELD => Held::Path(f.path.clone()),
                held => held,
            };
            self.resend.push(Resend {
                file,
                from: proven.map_or(0, |h| h.offset),
                outputs,
            });
        }
        for f in found {
            let mut t = self.tailer(f.path.clone(), now);
            // A path a rename has given to another file since it was found holds a file born
            // after the start: it is read from 0.
            let file = match (&f.resumes, &f.fingerprint) {
                (None, Some(_)) => fingerprint::open_as(&f.path, f.id).ok().flatten(),
                _ => None,
            };
            let initial = match (f.resumes, &f.fingerprint, &file) {
                (Some(cp), _, _) => Some(FilePosition {
                    path: f.path.clone(),
                    ..cp
                }),
                (None, Some(fp), Some(file)) => {
                    let offset = match (started_before, self.cfg.start_at) {
                        (false, StartAt::End) => line_start_before(file, f.size),
                        _ => 0,
                    };
                    let proof = fingerprint::read_window(file, offset)
                        .ok()
                        .map(|w| fingerprint::proof_of(&w, b""));
                    proof.map(|proof| FilePosition {
                        source: self.cfg.name.clone(),
                        path: f.path.clone(),
                        dev: f.id.dev,
                        ino: f.id.ino,
                        fingerprint: fp.clone(),
                        offset,
                        proof: Some(proof),
                        sink: None,
                    })
                }
                // Not readable, or no complete first line yet: read from 0 once it can be.
                _ => None,
            };
            match (f.hint, &initial) {
                (Some(h), _) => t = t.with_start(h),
                (None, Some(p)) if p.offset > 0 => {
                    t = t.with_start(StartHint {
                        id: f.id,
                        fingerprint: p.fingerprint.clone(),
                        offset: p.offset,
                        proof: p.proof.clone(),
                    })
                }
                _ => {}
            }
            self.initial.extend(initial);
            self.tailers.insert(f.path, t);
        }
        self.watch_roots();
        self.next_rescan = now + self.cfg.rescan_interval;
        self.stats
            .files_watched
            .store(self.tailers.len() as u64, Ordering::Relaxed);
    }

    /// Watch the discovery roots that exist (again: a root may appear after start).
    fn watch_roots(&mut self) {
        use notify::{RecursiveMode, Watcher};
        let Some(w) = self.watcher.as_mut() else {
            return;
        };
        for r in self.discovery.roots() {
            if self.watched.contains(&r.dir) || !r.dir.is_dir() {
                continue;
            }
            let mode = if r.depth == Some(1) {
                RecursiveMode::NonRecursive
            } else {
                RecursiveMode::Recursive
            };
            if w.watch(&r.dir, mode).is_ok() {
                self.watched.insert(r.dir.clone());
            }
        }
    }

    /// Expand the globs again: new paths get a tailer (read from the beginning), tailers of
    /// vanished paths go once their file is finished.
    fn rescan(&mut self, now: Instant) {
        let mut special = Vec::new();
        let paths = self.discovery.discover_with_special(&mut special);
        for s in special {
            if self.tracker.found_skipped(s.id, |c| &mut c.special_files) {
                tracing::warn!(
                    source = %self.cfg.name,
                    path = ?s.path,
                    kind = s.kind,
                    "skipping a matched file that is no regular file: a FIFO, socket or \
                     device has no position to keep (counted in scrubd_files_skipped_total; \
                     to scrub a pipe, run `scrubd filter` on it)"
                );
            }
        }
        let mut ids = HashSet::new();
        for p in &paths {
            if let Ok(m) = std::fs::metadata(p) {
                ids.insert(FileId::of(&m));
            }
            if !self.tailers.contains_key(p) {
                let mut t = self.tailer(p.clone(), now);
                if let Ok(m) = std::fs::metadata(p) {
                    let id = FileId::of(&m);
                    if !self.tracker.claimed(id) {
                        if let Some(h) = self.start_hints.remove(&id) {
                            t = t.with_start(h);
                        }
                    }
                }
                self.tailers.insert(p.clone(), t);
            }
        }
        // A parked file's claim stays while its tailer may still look for it.
        ids.extend(self.tailers.values().filter_map(FileTailer::parked_id));
        let listed: HashSet<&PathBuf> = paths.iter().collect();
        // A parked tailer stays until its next poll looked for its file under a new name.
        self.tailers
            .retain(|p, t| t.is_open() || t.is_parked() || listed.contains(p));
        self.tracker.retain_finished(|id| ids.contains(&id));
        for (id, fingerprint) in self.tracker.take_gone() {
            self.gone.push(FilePosition {
                source: self.cfg.name.clone(),
                path: PathBuf::new(),
                dev: id.dev,
                ino: id.ino,
                fingerprint,
                offset: 0,
                proof: None,
                sink: None,
            });
        }
        self.watch_roots();
        self.next_rescan = now + self.cfg.rescan_interval;
        self.stats
            .files_watched
            .store(self.tailers.len() as u64, Ordering::Relaxed);
    }

    /// Read what is available from every file (at most a few MiB per call) into `out`.
    pub fn poll(&mut self, out: &mut Vec<Batch>) -> io::Result<()> {
        self.poll_at(Instant::now(), out)
    }

    /// [`poll`](Self::poll) at a given time (tests drive the partial-flush clock with it).
    pub fn poll_at(&mut self, now: Instant, out: &mut Vec<Batch>) -> io::Result<()> {
        while let Ok(structural) = self.hints.try_recv() {
            self.rescan_now |= structural;
        }
        if self.rescan_now || now >= self.next_rescan {
            self.rescan_now = false;
            self.rescan(now);
        }
        for end in self.gone.drain(..) {
            out.push(Batch::lines(
                Vec::new(),
                "".into(),
                0,
                Position::FileGone(end),
            ));
        }
        let paths: Vec<PathBuf> = self.tailers.keys().cloned().collect();
        let n = paths.len();
        self.more = false;
        let mut bytes = 0;
        // Open tailers idle longest first, listed when a handle is first needed in this poll.
        let mut idle: Option<std::vec::IntoIter<PathBuf>> = None;
        let mut waiting = 0;
        let mut exhausted = false;
        let mut opened = false;
        for k in 0..n {
            let path = &paths[(self.cursor + k) % n];
            let Some(t) = self.tailers.get(path) else {
                continue;
            };
            if !t.is_open() && (t.is_parked() || !self.handles.has_room()) {
                if !t.wants_open() {
                    continue; // parked and unchanged, or nothing at the path: no handle needed
                }
                if !self.handles.has_room() && !self.park_one(path, &mut idle) {
                    waiting += 1;
                    continue;
                }
            }
            let t = self.tailers.get_mut(path).expect("listed");
            let was_open = t.is_open();
            let before = out.len();
            match t.poll(now, &mut self.tracker, out) {
                Ok(more) => self.more |= more,
                Err(e) if tailer::is_fd_exhaustion(&e) => {
                    exhausted = true;
                    waiting += 1;
                }
                Err(_) => {
                    self.stats.read_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            match (was_open, t.is_open()) {
                (false, true) => {
                    self.holding += 1;
                    self.handles.opened();
                    opened = true;
                }
                (true, false) => {
                    self.holding -= 1;
                    self.handles.closed(1);
                }
                _ => {}
            }
            bytes += out[before..].iter().map(|c| c.data.len()).sum::<usize>();
            if bytes >= POLL_BUDGET {
                self.more = true;
                self.cursor = (self.cursor + k + 1) % n;
                break;
            }
        }
        self.after_poll(waiting, exhausted, opened);
        let c = self.tracker.counts;
        self.stats
            .truncations
            .store(c.truncations, Ordering::Relaxed);
        self.stats.rotations.store(c.rotations, Ordering::Relaxed);
        self.stats.deletions.store(c.deletions, Ordering::Relaxed);
        self.stats
            .duplicate_lines
            .store(c.duplicate_lines, Ordering::Relaxed);
        self.stats
            .compressed_files
            .store(c.compressed_files, Ordering::Relaxed);
        self.stats
            .pseudo_files
            .store(c.pseudo_files, Ordering::Relaxed);
        self.stats
            .special_files
            .store(c.special_files, Ordering::Relaxed);
        Ok(())
    }

    /// Close the handle of the open tailer idle longest (not `except`'s) to make room for
    /// another. `idle` lists the candidates, computed at the first call of a poll. Whether one
    /// was closed.
    fn park_one(&mut self, except: &Path, idle: &mut Option<std::vec::IntoIter<PathBuf>>) -> bool {
        let candidates = idle.get_or_insert_with(|| {
            handles::least_recent(
                self.tailers
                    .iter()
                    .filter(|(_, t)| t.is_open())
                    .map(|(p, t)| (p.clone(), t.last_active())),
            )
            .into_iter()
        });
        for p in candidates.by_ref() {
            if p == except {
                continue;
            }
            if let Some(t) = self.tailers.get_mut(&p) {
                if t.park(&mut self.tracker) {
                    self.holding -= 1;
                    self.handles.closed(1);
                    self.stats.handles_closed.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
            }
        }
        false
    }

    /// After a poll: react to opens that found no room or no descriptor, and close idle
    /// handles beyond the budget (it may have been lowered) or that another source asked for.
    fn after_poll(&mut self, waiting: usize, exhausted: bool, opened: bool) {
        if exhausted {
            let budget = self.handles.exhausted_at(self.handles.in_use());
            if !self.fd_exhausted {
                self.fd_exhausted = true;
                self.stats.fd_exhaustions.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    source = %self.cfg.name,
                    open = self.handles.in_use(),
                    budget,
                    "out of file descriptors (EMFILE/ENFILE) opening files to follow: closing idle handles and retrying; nothing is skipped (logged once until opens succeed)"
                );
            }
        } else if self.fd_exhausted && waiting == 0 {
            self.fd_exhausted = false;
            tracing::info!(source = %self.cfg.name, "files open again");
        }
        if waiting > 0 {
            // Poll again soon if this poll made progress (else at the idle tick: no busy loop
            // while every handle is held by a file with a partial line).
            self.more |= opened && !exhausted;
        }
        // Ask the other file sources for idle handles while some of ours wait; give ours when
        // another asks and none of ours wait.
        let asked_before = std::mem::replace(&mut self.asked, waiting);
        self.handles.ask(asked_before, waiting);
        let mut excess = self.handles.in_use().saturating_sub(self.handles.budget());
        if waiting == 0 && asked_before == 0 {
            excess = excess.max(self.handles.take_wanted().min(self.holding));
        }
        let mut idle = None;
        while excess > 0 && self.park_one(Path::new(""), &mut idle) {
            excess -= 1;
        }
    }

    /// Poll until `io.cancel`, sending batches as they come (a slow sink slows reading), and
    /// reporting the source's counts. Returns when cancelled or the pipeline is gone.
    fn run_with(mut self, io: SourceIo) -> io::Result<()> {
        // Counted before the run (`resend_bound`): the files held open for it are let go.
        self.resend = Vec::new();
        let mut out = Vec::new();
        let tick = IDLE_TICK.min(self.cfg.partial_flush.max(Duration::from_millis(10)));
        let mut reported = StatsSnapshot::default();
        while !io.cancel.is_cancelled() {
            self.poll(&mut out)?;
            let now = self.stats.snapshot();
            if now.files_watched != reported.files_watched {
                io.emit.emit(Event::FilesWatched {
                    source: &io.name,
                    files: now.files_watched,
                });
            }
            for _ in reported.read_errors..now.read_errors {
                io.emit.emit(Event::SourceError { source: &io.name });
            }
            if now.handles_closed > reported.handles_closed {
                io.emit.emit(Event::FileHandlesClosed {
                    source: &io.name,
                    handles: now.handles_closed - reported.handles_closed,
                });
            }
            for _ in reported.fd_exhaustions..now.fd_exhaustions {
                io.emit.emit(Event::SourceError { source: &io.name });
            }
            if now.duplicate_lines > reported.duplicate_lines {
                io.emit.emit(Event::DuplicateLines {
                    source: &io.name,
                    lines: now.duplicate_lines - reported.duplicate_lines,
                });
            }
            if now.compressed_files > reported.compressed_files {
                io.emit.emit(Event::FilesSkipped {
                    source: &io.name,
                    reason: "compressed",
                    files: now.compressed_files - reported.compressed_files,
                });
            }
            if now.pseudo_files > reported.pseudo_files {
                io.emit.emit(Event::FilesSkipped {
                    source: &io.name,
                    reason: "pseudo",
                    files: now.pseudo_files - reported.pseudo_files,
                });
            }
            if now.special_files > reported.special_files {
                io.emit.emit(Event::FilesSkipped {
                    source: &io.name,
                    reason: "special",
                    files: now.special_files - reported.special_files,
                });
            }
            reported = now;
            let idle = out.is_empty() && !self.more;
            let read: usize = out.iter().map(|b| b.data.len()).sum();
            let polled = std::time::Instant::now();
            for batch in out.drain(..) {
                if !io.send_blocking(batch) {
                    return Ok(());
                }
            }
            if idle {
                if let Ok(structural) = self.hints.recv_timeout(tick) {
                    self.rescan_now |= structural;
                }
            } else if !self.more && read >= LINGER_BYTES {
                // Busy: let the next piece grow (the sink was fed meanwhile).
                while !io.cancel.is_cancelled() {
                    let left = LINGER.saturating_sub(polled.elapsed());
                    if left.is_zero() {
                        break;
                    }
                    if let Ok(structural) = self.hints.recv_timeout(left.min(tick)) {
                        self.rescan_now |= structural;
                    }
                }
            }
        }
        // Stopping: one last read (bounded by the poll budget) of what was written before the
        // stop. A file renamed away since the last poll, with lines nobody read yet, is drained
        // through its open handle now; after a restart only its new name could find it, and
        // only if the include globs cover that name (a symlink's target rotated in a directory
        // no watch covers was lost so).
        self.poll(&mut out)?;
        for batch in out.drain(..) {
            if !io.send_blocking(batch) {
                break;
            }
        }
        Ok(())
    }
}

/// Raise the soft limit on open files to the hard limit (once per process; see the module docs).
/// Returns the soft limit in effect afterwards.
#[allow(clippy::unnecessary_cast)] // `rlim_t` is not `u64` on every target
pub fn raise_fd_limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit with a valid pointer to an initialised struct.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return 0;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    tracing::debug!(
                        from = lim.rlim_cur,
                        to = lim.rlim_max,
                        "raised the open-files limit"
                    );
                    return lim.rlim_max as u64;
                }
                tracing::warn!(limit = lim.rlim_cur, "cannot raise the open-files limit");
            }
        }
        lim.rlim_cur as u64
    })
}

/// Where the line holding the byte before `offset` starts: `offset` itself when that byte ends
/// a line (or cannot be read), and also when the line started more than 64 KiB before (such a
/// line was cut into placeholders anyway; reading it again gains nothing). Where
/// `start_at = "end"` begins (at the file's size) and where a checkpoint inside a line resumes:
/// a line is read whole, never from its middle.
pub(crate) fn line_start_before(file: &File, offset: u64) -> u64 {
    let from = offset.saturating_sub(64 << 10);
    let mut buf = vec![0; (offset - from) as usize];
    if file.read_exact_at(&mut buf, from).is_err() || buf.last().map_or(true, |&b| b == b'\n') {
        return offset;
    }
    match memchr::memrchr(b'\n', &buf) {
        Some(i) => from + i as u64 + 1,
        None if from == 0 => 0,
        None => offset,
    }
}

#[cfg(test)]
mod tests;
