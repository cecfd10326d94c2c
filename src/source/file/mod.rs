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
//! **Resuming.** A checkpoint matches the discovered file with the same fingerprint; among
//! several, the one with the checkpoint's dev + ino, else the one at the checkpoint's path.
//! So a file rotated while scrubd was stopped (`app.log` → `app.log.1`) is finished from its
//! checkpoint under its new name (Vector #22954) — **provided `include` also covers the rotated
//! names** (e.g. `/var/log/app/app.log*`); otherwise its tail is lost. Files without a matching
//! checkpoint start at `start_at`; files that appear after start are read from the beginning.
//!
//! **File descriptors.** Every followed file stays open (that is how a renamed file is drained),
//! and the file sink keeps one output open per input name: about two fds per file. A source
//! therefore raises the process's soft `RLIMIT_NOFILE` to its hard limit when it starts
//! (systemd's default soft limit is 1024, the hard one 524288). Beyond the hard limit, opens fail
//! with EMFILE: counted as source errors and retried, nothing is lost, but reading stalls.
//!
//! **Ownership.** A [`Tracker`] shared by the tailers lets only one read a file at a time, and
//! lets the tailer of `app.log.1` continue where the tailer of `app.log` stopped after a
//! rotation: no byte is emitted twice in one run.

pub mod discovery;
pub mod fingerprint;
pub mod tailer;

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc as std_mpsc, Arc};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::checkpoint::FilePosition;
use crate::source::Chunk;
pub use discovery::{Discovery, GlobError};
pub use fingerprint::{FileId, DEFAULT_FINGERPRINT_BYTES};
pub use tailer::{FileTailer, TailCounts, TailerConfig, Tracker};

/// Where a file without checkpoint found at start-up is read from.
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
    /// How long a partial last line may stop growing before it is emitted without newline.
    pub partial_flush: Duration,
    /// How often the globs are expanded again.
    pub rescan_interval: Duration,
}

/// Counters of a running source, readable from any thread.
#[derive(Debug, Default)]
pub struct FileSourceStats {
    pub files_watched: AtomicU64,
    pub truncations: AtomicU64,
    pub rotations: AtomicU64,
    pub deletions: AtomicU64,
    pub read_errors: AtomicU64,
    /// Lines handed to the pipeline.
    pub lines_read: AtomicU64,
}

/// A copy of [`FileSourceStats`] at one moment.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub files_watched: u64,
    pub truncations: u64,
    pub rotations: u64,
    pub deletions: u64,
    pub read_errors: u64,
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
        }
    }
}

/// Most bytes read from all files in one [`FileSource::poll`].
const POLL_BUDGET: usize = 8 << 20;
/// Longest idle wait of [`FileSource::run`] between polls.
const IDLE_TICK: Duration = Duration::from_millis(250);

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
}

impl FileSource {
    /// Compile the globs, discover the files and match them with `checkpoints` (positions of
    /// other sources are ignored). Nothing is read until the first poll.
    pub fn new(cfg: FileSourceConfig, checkpoints: Vec<FilePosition>) -> Result<Self, GlobError> {
        raise_fd_limit();
        let discovery = Discovery::new(&cfg.include, &cfg.exclude)?;
        let tailer_cfg = TailerConfig {
            max_line_bytes: cfg.max_line_bytes,
            partial_flush: cfg.partial_flush,
            ..TailerConfig::default()
        };
        let (tx, hints) = std_mpsc::channel();
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            use notify::EventKind::{Create, Modify, Remove};
            let structural = match ev {
                Ok(ev) => matches!(ev.kind, Create(_) | Remove(_) | Modify(notify::event::ModifyKind::Name(_))),
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
        };
        src.start(checkpoints, now);
        Ok(src)
    }

    /// The live counters (share the `Arc` with a metrics exporter).
    pub fn stats(&self) -> Arc<FileSourceStats> {
        Arc::clone(&self.stats)
    }

    /// The paths currently followed.
    pub fn paths(&self) -> impl Iterator<Item = &std::path::Path> {
        self.tailers.keys().map(|p| p.as_path())
    }

    fn start(&mut self, checkpoints: Vec<FilePosition>, now: Instant) {
        struct Found {
            path: PathBuf,
            id: FileId,
            fingerprint: Option<String>,
            file: File,
            size: u64,
            resume: Option<u64>,
        }
        let mut found = Vec::new();
        for path in self.discovery.discover() {
            let Ok(file) = File::open(&path) else { continue };
            let Ok(meta) = file.metadata() else { continue };
            let fingerprint = fingerprint::fingerprint(&file, self.tailer_cfg.fingerprint_bytes).ok().flatten();
            found.push(Found { path, id: FileId::of(&meta), fingerprint, file, size: meta.len(), resume: None });
        }
        for cp in checkpoints.iter().filter(|c| c.source == self.cfg.name) {
            let same_fp: Vec<usize> = (0..found.len())
                .filter(|&i| found[i].resume.is_none() && found[i].fingerprint.as_deref() == Some(cp.fingerprint.as_str()))
                .collect();
            let pick = same_fp
                .iter()
                .copied()
                .find(|&i| found[i].id == FileId { dev: cp.dev, ino: cp.ino })
                .or(if same_fp.len() == 1 { Some(same_fp[0]) } else { None })
                .or_else(|| same_fp.iter().copied().find(|&i| found[i].path == cp.path));
            if let Some(i) = pick {
                found[i].resume = Some(cp.offset);
            }
        }
        for f in found {
            let mut t = FileTailer::new(&self.cfg.name, f.path.clone(), self.tailer_cfg.clone(), now);
            if let Some(fp) = f.fingerprint {
                let offset = match (f.resume, self.cfg.start_at) {
                    (Some(off), _) => off,
                    (None, StartAt::Beginning) => 0,
                    (None, StartAt::End) => end_of_last_line(&f.file, f.size),
                };
                t = t.with_start(fp, offset);
            }
            self.tailers.insert(f.path, t);
        }
        self.watch_roots();
        self.next_rescan = now + self.cfg.rescan_interval;
        self.stats.files_watched.store(self.tailers.len() as u64, Ordering::Relaxed);
    }

    /// Watch the discovery roots that exist (again: a root may appear after start).
    fn watch_roots(&mut self) {
        use notify::{RecursiveMode, Watcher};
        let Some(w) = self.watcher.as_mut() else { return };
        for r in self.discovery.roots() {
            if self.watched.contains(&r.dir) || !r.dir.is_dir() {
                continue;
            }
            let mode = if r.depth == Some(1) { RecursiveMode::NonRecursive } else { RecursiveMode::Recursive };
            if w.watch(&r.dir, mode).is_ok() {
                self.watched.insert(r.dir.clone());
            }
        }
    }

    /// Expand the globs again: new paths get a tailer (read from the beginning), tailers of
    /// vanished paths go once their file is finished.
    fn rescan(&mut self, now: Instant) {
        let paths = self.discovery.discover();
        let mut ids = HashSet::new();
        for p in &paths {
            if let Ok(m) = std::fs::metadata(p) {
                ids.insert(FileId::of(&m));
            }
            if !self.tailers.contains_key(p) {
                self.tailers.insert(p.clone(), FileTailer::new(&self.cfg.name, p.clone(), self.tailer_cfg.clone(), now));
            }
        }
        let listed: HashSet<&PathBuf> = paths.iter().collect();
        self.tailers.retain(|p, t| t.is_open() || listed.contains(p));
        self.tracker.retain_finished(|id| ids.contains(&id));
        self.watch_roots();
        self.next_rescan = now + self.cfg.rescan_interval;
        self.stats.files_watched.store(self.tailers.len() as u64, Ordering::Relaxed);
    }

    /// Read what is available from every file (at most a few MiB per call) into `out`.
    pub fn poll(&mut self, out: &mut Vec<Chunk>) -> io::Result<()> {
        self.poll_at(Instant::now(), out)
    }

    /// [`poll`](Self::poll) at a given time (tests drive the partial-flush clock with it).
    pub fn poll_at(&mut self, now: Instant, out: &mut Vec<Chunk>) -> io::Result<()> {
        while let Ok(structural) = self.hints.try_recv() {
            self.rescan_now |= structural;
        }
        if self.rescan_now || now >= self.next_rescan {
            self.rescan_now = false;
            self.rescan(now);
        }
        let paths: Vec<PathBuf> = self.tailers.keys().cloned().collect();
        let n = paths.len();
        self.more = false;
        let mut bytes = 0;
        for k in 0..n {
            let Some(t) = self.tailers.get_mut(&paths[(self.cursor + k) % n]) else { continue };
            let before = out.len();
            match t.poll(now, &mut self.tracker, out) {
                Ok(more) => self.more |= more,
                Err(_) => {
                    self.stats.read_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            bytes += out[before..].iter().map(|c| c.data.len()).sum::<usize>();
            if bytes >= POLL_BUDGET {
                self.more = true;
                self.cursor = (self.cursor + k + 1) % n;
                break;
            }
        }
        let c = self.tracker.counts;
        self.stats.truncations.store(c.truncations, Ordering::Relaxed);
        self.stats.rotations.store(c.rotations, Ordering::Relaxed);
        self.stats.deletions.store(c.deletions, Ordering::Relaxed);
        Ok(())
    }

    /// Poll until `shutdown`, sending chunks with `blocking_send` (a slow sink slows reading).
    /// Meant for a dedicated std thread. Returns when shutdown is requested or the receiver is
    /// dropped; a send blocked on a full channel is not interrupted by `shutdown`, so the
    /// pipeline should keep draining (or drop the receiver) while shutting down.
    pub fn run(mut self, tx: mpsc::Sender<Chunk>, shutdown: CancellationToken) -> io::Result<()> {
        let mut out = Vec::new();
        let tick = IDLE_TICK.min(self.cfg.partial_flush.max(Duration::from_millis(10)));
        while !shutdown.is_cancelled() {
            self.poll(&mut out)?;
            let idle = out.is_empty() && !self.more;
            for chunk in out.drain(..) {
                let lines = memchr::memchr_iter(b'\n', &chunk.data).count() as u64
                    + u64::from(chunk.data.last().is_some_and(|&b| b != b'\n'));
                self.stats.lines_read.fetch_add(lines, Ordering::Relaxed);
                if tx.blocking_send(chunk).is_err() {
                    return Ok(());
                }
            }
            if idle {
                if let Ok(structural) = self.hints.recv_timeout(tick) {
                    self.rescan_now |= structural;
                }
            }
        }
        Ok(())
    }
}

/// Raise the soft limit on open files to the hard limit (once per process; see the module docs).
/// Returns the soft limit in effect afterwards.
pub fn raise_fd_limit() -> u64 {
    static LIMIT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit/setrlimit with a valid pointer to an initialised struct.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return 0;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit { rlim_cur: lim.rlim_max, rlim_max: lim.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    tracing::debug!(from = lim.rlim_cur, to = lim.rlim_max, "raised the open-files limit");
                    return lim.rlim_max as u64;
                }
                tracing::warn!(limit = lim.rlim_cur, "cannot raise the open-files limit");
            }
        }
        lim.rlim_cur as u64
    })
}

/// The offset after the last `\n` in the file's last 64 KiB (`size` if there is none): where
/// `start_at = "end"` begins, so the next line is read whole.
fn end_of_last_line(file: &File, size: u64) -> u64 {
    let from = size.saturating_sub(64 << 10);
    let mut buf = vec![0; (size - from) as usize];
    match file.read_exact_at(&mut buf, from) {
        Ok(()) => memchr::memrchr(b'\n', &buf).map_or(size, |i| from + i as u64 + 1),
        Err(_) => size,
    }
}

#[cfg(test)]
mod tests;
