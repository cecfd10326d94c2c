//! One file followed by path: appended data in, whole lines out, across rotations.
//!
//! A [`FileTailer`] is synchronous and takes the time as an argument, so its behaviour under
//! rotation, truncation and timeouts can be tested step by step on real files.
//!
//! **Each poll**, in this order: (1) check the open handle: a size below our offset, a changed
//! fingerprint, or changed bytes just before our offset mean the file was truncated or
//! rewritten in place (copytruncate) and is read again from 0; (2) `stat` the path; (3) read
//! the handle to EOF (bounded by a byte budget, in blocks); (4) if (2) showed the path gone or
//! holding another file and the old file stopped growing for `partial_flush` (its writer may
//! still be writing through its open handle, until it reopens its log), the handle is now
//! finished: its partial last line is emitted, the handle dropped, and the file now at the
//! path (if any) is opened; the new file waits meanwhile. Stat-ing before reading makes (3) a
//! complete drain of everything written to the old file before it was renamed away.
//!
//! **Lines.** Only whole lines are emitted: a line is scrubbed whole or not at all, so a
//! secret is never cut in two by a pause of its writer. A partial last line is held until its
//! `\n` arrives, however long that takes, while its file is live; only a file that is finished
//! (renamed away or deleted, and not grown for `partial_flush`) has its partial last line
//! emitted, ended with a `\n` so that what follows in its stream starts a line of its own; if
//! its writer finishes the line after all, the tailer of the rotated name reads it again whole
//! (see [`FileTailer::finish`]). The same holds for a partial line cut by a truncation. At
//! shutdown a held line is not emitted and not checkpointed: the next start reads it again. A line longer than `max_line_bytes` is never held whole: it is
//! discarded as it streams by and replaced by `[REDACTED:line-too-long:bytes=N]` plus its
//! original ending (`\n` or `\r\n`), and counted in [`Batch::oversize_lines`] (the one rule of
//! [`Framer`]).
//!
//! **Positions** carry a [`Proof`] of the bytes before their offset, kept as the tailer reads
//! (the last [`PROOF_BYTES`] bytes read): see [`super::fingerprint`].
//!
//! **Windows where bytes can be lost** (inherent to following files by path):
//! - copytruncate: bytes appended after our last read and before the truncation are only in
//!   the copy. If `include` matches the copy's name, the [`Tracker`] remembers where the
//!   truncated content was left (by fingerprint and proof), and the copy, found after the
//!   truncation, is continued from there: those bytes come out, nothing twice. A copy found
//!   *before* the truncation was noticed is read from its start (duplicates, not loss: they
//!   are counted in [`TailCounts::duplicate_lines`]).
//! - a writer that appends to the renamed (or deleted) file after a pause of more than
//!   `partial_flush`, *after* we switched to the new file at the path: the [`Tracker`]
//!   remembers where we stopped, so a tailer for the rotated name (when `include` covers it)
//!   continues from there.
//! - a file created and rotated away again between two polls is never seen at this path; nor
//!   one created and rotated away while the previous file's partial last line is waited for.
//! - a file whose handle was closed to save a descriptor ([`FileTailer::park`]), appended to
//!   and then deleted, or moved out of its directory to a name `include` does not match,
//!   before the next poll: an open handle would have drained it.
//! - truncation followed by rewriting, between two polls, the same first line and the same
//!   [`PROOF_BYTES`] bytes before the old offset, is not detectable.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fingerprint::{
    fingerprint, hex_sha256, proof_holds, proof_of, read_head, read_window, FileId,
    DEFAULT_FINGERPRINT_BYTES, PROOF_BYTES,
};
use super::names::may_be_copy_of;
use crate::batch::{open_record, Batch, Framer, Position};
use crate::source::compressed::{self, Sniff, SNIFF_BYTES};
use crate::checkpoint::{FilePosition, Proof};

/// Settings of one tailer.
#[derive(Debug, Clone)]
pub struct TailerConfig {
    /// Longest line emitted as is; longer ones are replaced (see the module docs).
    pub max_line_bytes: usize,
    /// How long a finished file's partial last line may stop growing before it is emitted
    /// (ended with a newline).
    pub partial_flush: Duration,
    /// Leading bytes covered by the fingerprint.
    pub fingerprint_bytes: usize,
    /// Size of one read; also the most a chunk carries (plus one held partial line).
    pub read_block: usize,
    /// Most bytes read from this file in one poll, so one busy file cannot starve the others.
    pub poll_budget: usize,
}

impl Default for TailerConfig {
    fn default() -> Self {
        TailerConfig {
            max_line_bytes: 64 << 10,
            partial_flush: Duration::from_secs(5),
            fingerprint_bytes: DEFAULT_FINGERPRINT_BYTES,
            read_block: 256 << 10,
            poll_budget: 1 << 20,
        }
    }
}

/// Counts of what tailers saw; shared by all tailers of a source through the [`Tracker`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TailCounts {
    /// Files read again from 0: truncated, rewritten in place, or a checkpoint its file no
    /// longer proves.
    pub truncations: u64,
    /// Files finished because another file took their path (rename + create, replacement).
    pub rotations: u64,
    /// Files finished because their path disappeared.
    pub deletions: u64,
    /// Lines read a second time: content of another file of this source (same fingerprint,
    /// proven bytes) that was already emitted, e.g. a copy found before the truncation.
    pub duplicate_lines: u64,
    /// Files not read because they hold compressed data (each file once).
    pub compressed_files: u64,
    /// Files not read because they live on a pseudo file system (procfs, sysfs: each file once).
    pub pseudo_files: u64,
    /// Files not read because they are no regular files (FIFOs, sockets, devices: each once).
    pub special_files: u64,
}

/// Where reading of one file stands: its fingerprint, offset and the proof at that offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub fingerprint: String,
    pub offset: u64,
    pub proof: Proof,
}

#[derive(Debug, Clone)]
enum Claim {
    /// A tailer holds this file open (found at `path`: the path, or a symlink's target) and
    /// has emitted up to here.
    Reading { known: Known, path: PathBuf },
    /// A tailer finished this file here (rotated away or deleted); `real_path` is where the
    /// file was last seen (a symlink's target), to tell whether it still exists.
    Done {
        known: Known,
        real_path: PathBuf,
        /// Where the partial last line emitted at the finish starts, if one was: a reader that
        /// takes the file over starts there instead, so that a line its writer finishes late
        /// is read again whole (see [`FileTailer::finish`]).
        line_start: Option<Known>,
    },
}

/// Most files whose truncated content is remembered.
const TRUNCATED_CAP: usize = 4096;
/// Most other files checked when counting a re-read as duplicates.
const DUPLICATE_CANDIDATES: usize = 16;

/// Who reads which file, shared by the tailers of one source: a file is read by at most one
/// tailer at a time, and a file finished by one tailer (e.g. `app.log` renamed to `app.log.1`)
/// is continued, not re-read, by another (the one following `app.log.1`), or by the same
/// tailer when a symlink points back at it.
#[derive(Debug, Default)]
pub struct Tracker {
    claims: HashMap<FileId, Claim>,
    /// Content a tailer stopped following because its file was truncated or rewritten in
    /// place, by fingerprint, with the file's path and identity. A copy of it (copytruncate's
    /// `app.log.1`) found later, named as a copy of that path ([`may_be_copy_of`]), that proves
    /// the offset continues from there instead of being read again, and yields exactly the
    /// lines written between the last read and the truncation. Another file that proves it (a
    /// new worker's log starting with the same banner), or the truncated file itself written
    /// again with the same lines, is read whole.
    truncated: HashMap<String, Vec<(PathBuf, FileId, Known)>>,
    /// Entries in `truncated`.
    truncated_len: usize,
    /// Finished files forgotten (no longer anywhere): their checkpoints can go.
    gone: Vec<(FileId, String)>,
    /// Files skipped for their content (compressed data) or file system (pseudo files):
    /// counted and logged once each.
    compressed: std::collections::HashSet<FileId>,
    /// What happened so far.
    pub counts: TailCounts,
}

/// Most compressed files remembered (counted and logged once each); beyond, the set starts again.
const COMPRESSED_CAP: usize = 4096;

impl Tracker {
    /// `id` is skipped (compressed data, a pseudo file, a FIFO): whether this is news (then counted in
    /// the count `counter` picks; the caller says so).
    pub(super) fn found_skipped(&mut self, id: FileId, counter: fn(&mut TailCounts) -> &mut u64) -> bool {
        if self.compressed.len() >= COMPRESSED_CAP {
            self.compressed.clear();
        }
        let new = self.compressed.insert(id);
        if new {
            *counter(&mut self.counts) += 1;
        }
        new
    }

    /// Whether a reader of this run has had `id` (reading it, or done with it).
    pub fn claimed(&self, id: FileId) -> bool {
        self.claims.contains_key(&id)
    }

    fn is_reading(&self, id: FileId) -> bool {
        matches!(self.claims.get(&id), Some(Claim::Reading { .. }))
    }

    /// Mark `id` (open as `file`, found at `path`) as being read; the offset where a previous
    /// reader stopped if it is the same file (same fingerprint, and the file proves the offset).
    fn take(&mut self, id: FileId, fp: Option<&str>, file: &File, path: &Path) -> Option<Known> {
        let start = Known {
            fingerprint: fp.unwrap_or_default().to_string(),
            offset: 0,
            proof: proof_of(b"", b""),
        };
        let reading = Claim::Reading {
            known: start,
            path: path.to_path_buf(),
        };
        match self.claims.insert(id, reading) {
            Some(Claim::Done {
                known, line_start, ..
            }) if Some(known.fingerprint.as_str()) == fp
                && proof_holds(&known.proof, file, known.offset) =>
            {
                match line_start {
                    // Its last line was emitted partial: read it again from its start, so that
                    // if its writer finishes it, it is scrubbed whole. Counted now: its first
                    // part goes out again, whole or when this file is finished in turn.
                    Some(ls) if proof_holds(&ls.proof, file, ls.offset) => {
                        self.counts.duplicate_lines += 1;
                        Some(ls)
                    }
                    _ => Some(known),
                }
            }
            _ => None,
        }
    }

    /// The reader of `id` (found at `path`) has emitted up to `known`.
    fn progress(&mut self, id: FileId, known: Known, path: &Path) {
        match self.claims.get_mut(&id) {
            Some(Claim::Reading { known: k, .. }) => *k = known,
            _ => {
                let path = path.to_path_buf();
                self.claims.insert(id, Claim::Reading { known, path });
            }
        }
    }

    /// The file `id` at `path` was truncated or rewritten in place after being read up to
    /// `known`.
    fn truncated_at(&mut self, id: FileId, known: Known, path: &Path) {
        if self.truncated_len >= TRUNCATED_CAP {
            self.truncated.clear(); // bounded; a copy found this late is read from 0
            self.truncated_len = 0;
        }
        let same_fp = self.truncated.entry(known.fingerprint.clone()).or_default();
        match same_fp.iter_mut().find(|(p, i, _)| p == path && *i == id) {
            Some((_, _, k)) if k.offset >= known.offset => {}
            Some((_, _, k)) => *k = known,
            None => {
                same_fp.push((path.to_path_buf(), id, known));
                self.truncated_len += 1;
            }
        }
    }

    /// Truncated content that `file` (identity `id`, fingerprint `fp`, at `path`) is a copy
    /// of: another file's, named as a copy of it ([`may_be_copy_of`]), and proving its offset.
    /// The furthest such content if several.
    fn truncated_copy(&self, id: FileId, fp: &str, file: &File, path: &Path) -> Option<Known> {
        self.truncated
            .get(fp)?
            .iter()
            .filter(|(orig, i, k)| {
                *i != id && may_be_copy_of(orig, path) && proof_holds(&k.proof, file, k.offset)
            })
            .map(|(_, _, k)| k)
            .max_by_key(|k| k.offset)
            .cloned()
    }

    fn release(&mut self, id: FileId, known: Known, real_path: PathBuf) {
        self.release_partial(id, known, real_path, None);
    }

    fn release_partial(
        &mut self,
        id: FileId,
        known: Known,
        real_path: PathBuf,
        line_start: Option<Known>,
    ) {
        let done = Claim::Done {
            known,
            real_path,
            line_start,
        };
        self.claims.insert(id, done);
    }

    /// Drop the claim of a file closed before anything of it was read (no fingerprint yet).
    fn forget(&mut self, id: FileId) {
        if self.is_reading(id) {
            self.claims.remove(&id);
        }
    }

    /// How far `file` (identity `id`, fingerprint `fp`, at `path`) holds content this source
    /// already emitted from *another* file it is a copy of (or the original of): the largest
    /// offset of another file with the same fingerprint, whose name and `path` are a file's and
    /// its copy's ([`may_be_copy_of`], either way), and whose proof `file` holds there. Files
    /// with unrelated names that start alike (workers' logs opening with one banner) are
    /// distinct files, their lines emitted once each: not duplicates.
    fn already_emitted(&self, id: FileId, fp: &str, file: &File, path: &Path) -> u64 {
        self.claims
            .iter()
            .filter_map(|(other, c)| {
                let (k, other_path) = match c {
                    Claim::Reading { known, path } => (known, path),
                    Claim::Done {
                        known, real_path, ..
                    } => (known, real_path),
                };
                let related =
                    may_be_copy_of(other_path, path) || may_be_copy_of(path, other_path);
                (*other != id && k.fingerprint == fp && k.offset > 0 && related).then_some(k)
            })
            .take(DUPLICATE_CANDIDATES)
            .filter(|k| proof_holds(&k.proof, file, k.offset))
            .map(|k| k.offset)
            .max()
            .unwrap_or(0)
    }

    /// Forget finished files that are no longer anywhere: not at a discovered path (`keep` is
    /// false) and not at their last real path. So an inode reused later by a new file is not
    /// mistaken for them, and their checkpoints can be dropped ([`take_gone`](Self::take_gone)).
    pub fn retain_finished(&mut self, keep: impl Fn(FileId) -> bool) {
        let gone = &mut self.gone;
        self.claims.retain(|id, c| match c {
            Claim::Reading { .. } => true,
            Claim::Done {
                known, real_path, ..
            } => {
                let exists = fs::metadata(&*real_path).is_ok_and(|m| FileId::of(&m) == *id);
                if !(keep(*id) || exists) {
                    gone.push((*id, known.fingerprint.clone()));
                    return false;
                }
                true
            }
        });
    }

    /// Files forgotten since the last call: (identity, fingerprint).
    pub fn take_gone(&mut self) -> Vec<(FileId, String)> {
        std::mem::take(&mut self.gone)
    }
}

#[derive(Debug)]
struct Open {
    file: File,
    id: FileId,
    fingerprint: Option<String>,
    /// `fingerprint` is the provisional identity of a file being finished before its first line
    /// completed (its whole short content): the file growing or its line completing is not a
    /// rewrite.
    provisional: bool,
    /// Bytes read so far (emitted, held or discarded).
    offset: u64,
    /// The last [`PROOF_BYTES`] bytes read (ending at `offset`): proofs of positions, and the
    /// check that the bytes before `offset` are still there.
    recent: Vec<u8>,
    /// Bytes before this offset were already emitted from another file (a copy): the lines
    /// read there are counted as duplicates.
    dup_until: u64,
    /// Where the file was found: the path, or a symlink's target.
    real_path: PathBuf,
    /// What its first bytes say: `NeedMore` until judged (once it has a fingerprint or is
    /// finished). A compressed file is not read at all (see [`crate::source::compressed`]).
    sniff: Sniff,
}

impl Open {
    fn known(&self, offset: u64, proof: Proof) -> Known {
        Known {
            fingerprint: self.fingerprint.clone().unwrap_or_default(),
            offset,
            proof,
        }
    }
}

/// What the path points at compared with the open handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathState {
    Same,
    Gone,
    Replaced,
}

/// Where to start in the first file a tailer opens, if it is the expected one: a checkpoint,
/// or the end of the file for `start_at = "end"`.
#[derive(Debug, Clone)]
pub struct StartHint {
    /// The file expected at the path.
    pub id: FileId,
    pub fingerprint: String,
    pub offset: u64,
    /// `None` only for checkpoints written before proofs existed (trusted on the same inode).
    pub proof: Option<Proof>,
}

/// A file whose handle was closed while it was idle ([`FileTailer::park`]): what reopening
/// it must find. Its [`Tracker`] claim is `Done` at `known` meanwhile, so whoever opens it next
/// (this tailer, or the tailer of the name it was rotated to) continues exactly there if the
/// file still proves it.
#[derive(Debug, Clone)]
struct Parked {
    id: FileId,
    known: Known,
    /// Where the file was (a symlink's target): its directory is searched for it when the
    /// path no longer holds it.
    real_path: PathBuf,
}

/// Follows one path: reads the file there, survives rotation, truncation and deletion.
#[derive(Debug)]
pub struct FileTailer {
    source: String,
    path: PathBuf,
    /// The name of this path's stream (see [`crate::batch::Record::stream`]).
    stream: Arc<str>,
    cfg: TailerConfig,
    open: Option<Open>,
    /// Set while the handle is closed to save a file descriptor.
    parked: Option<Parked>,
    start_hint: Option<StartHint>,
    /// The open file's position is to be sent alone (see [`FileTailer::announce_position`]).
    announce: bool,
    lines: Framer,
    block: Vec<u8>,
    /// When the open file last grew (or was opened): the partial-flush clock.
    last_growth: Instant,
    /// The kind of the error the last poll failed with: logged once, until a poll succeeds.
    failing: Option<io::ErrorKind>,
}

impl FileTailer {
    /// A tailer for `path`, nothing opened yet: the first poll opens the file there at offset 0
    /// (or where the [`Tracker`] says a previous reader of that same file stopped).
    pub fn new(source: &str, path: PathBuf, cfg: TailerConfig, now: Instant) -> Self {
        let lines = Framer::new(cfg.max_line_bytes);
        let stream: Arc<str> =
            crate::batch::stream_of_path(Path::new(path.file_name().unwrap_or(path.as_os_str())))
                .into();
        FileTailer {
            source: source.into(),
            path,
            stream,
            cfg,
            open: None,
            parked: None,
            start_hint: None,
            announce: false,
            lines,
            block: Vec::new(),
            last_growth: now,
            failing: None,
        }
    }

    /// Name this path's stream `stream` (the default is the file name).
    pub fn with_stream(mut self, stream: Arc<str>) -> Self {
        self.stream = stream;
        self
    }

    /// Start where `hint` says if the first file opened is the one it names and that file
    /// still has its fingerprint and proves the offset; else the file changed while scrubd was
    /// down (rewritten in place, Vector #23076; or an inode reused): it is read from 0, and a
    /// rewrite is counted as a truncation.
    pub fn with_start(mut self, hint: StartHint) -> Self {
        self.start_hint = Some(hint);
        self
    }

    /// Whether a file is open (being read or waiting for data).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether the file's handle is closed to save a descriptor ([`park`](Self::park)).
    pub fn is_parked(&self) -> bool {
        self.parked.is_some()
    }

    /// The identity of the parked file, if the handle is closed.
    pub fn parked_id(&self) -> Option<FileId> {
        self.parked.as_ref().map(|p| p.id)
    }

    /// When the open file last grew (or was opened): idle handles are closed oldest first.
    pub fn last_active(&self) -> Instant {
        self.last_growth
    }

    /// Whether the next poll would open a file: none is open, and the path may hold one to
    /// read. A parked file is reopened only when the path changed under it (it grew or shrank,
    /// names another file, or is gone).
    pub fn wants_open(&self) -> bool {
        if self.open.is_some() {
            return false;
        }
        match &self.parked {
            None => !matches!(fs::metadata(&self.path), Err(e) if e.kind() == io::ErrorKind::NotFound),
            Some(p) => match fs::metadata(&self.path) {
                Ok(m) => FileId::of(&m) != p.id || m.len() != p.known.offset,
                // Renamed away or deleted: look for it in its directory.
                Err(e) => e.kind() == io::ErrorKind::NotFound,
            },
        }
    }

    /// Close the handle of a file idle at EOF, to save a file descriptor: its claim becomes
    /// `Done` where reading stands, and the next poll that finds the path changed reopens it
    /// there (see [`Parked`]). Not while a partial line is held (its bytes are only in memory),
    /// nor while the file is being finished or has unread data. Whether it was closed.
    pub fn park(&mut self, tracker: &mut Tracker) -> bool {
        let Some(o) = &self.open else {
            return false;
        };
        if self.lines.is_holding() || o.provisional {
            return false;
        }
        if o.fingerprint.is_none() && o.offset > 0 {
            return false;
        }
        match o.file.metadata() {
            Ok(m) if m.len() == o.offset => {}
            _ => return false,
        }
        if fs::metadata(&self.path).map_or(true, |m| FileId::of(&m) != o.id) {
            return false; // renamed or deleted: the next poll drains and finishes it
        }
        let o = self.open.take().expect("open");
        let known = o.known(o.offset, proof_of(&o.recent, b""));
        if o.fingerprint.is_some() {
            tracker.release(o.id, known.clone(), o.real_path.clone());
        } else {
            tracker.forget(o.id);
        }
        self.parked = Some(Parked {
            id: o.id,
            known,
            real_path: o.real_path,
        });
        true
    }

    /// The path no longer holds the parked file: look for it under another name in its
    /// directory (a rename, logrotate's way) and reopen it where reading stood, so the poll
    /// drains and finishes it as if its handle had stayed open. Whether it was reopened.
    fn reopen_renamed(&mut self, now: Instant, tracker: &mut Tracker) -> io::Result<bool> {
        use std::os::unix::fs::DirEntryExt;
        let Some(p) = self.parked.clone() else {
            return Ok(false);
        };
        if p.known.offset == 0 || tracker.is_reading(p.id) {
            return Ok(false); // nothing read yet, or another tailer (its new name's) has it
        }
        let Some(dir) = p.real_path.parent() else {
            return Ok(false);
        };
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if is_fd_exhaustion(&e) => return Err(e),
            Err(_) => return Ok(false),
        };
        for entry in entries.flatten() {
            if entry.ino() != p.id.ino {
                continue;
            }
            let path = entry.path();
            let file = match File::open(&path) {
                Ok(f) => f,
                Err(e) if is_fd_exhaustion(&e) => return Err(e),
                Err(_) => continue,
            };
            let meta = file.metadata()?;
            if FileId::of(&meta) != p.id || !meta.is_file() {
                continue;
            }
            let fp = fingerprint(&file, self.cfg.fingerprint_bytes)?;
            let Some(known) = tracker.take(p.id, fp.as_deref(), &file, &path) else {
                // Rewritten as well: not the content we left; leave it to whoever follows it.
                tracker.release(p.id, p.known, p.real_path);
                return Ok(false);
            };
            let recent = read_window(&file, known.offset)?;
            let dup_until = fp
                .as_deref()
                .map_or(0, |fp| tracker.already_emitted(p.id, fp, &file, &path));
            self.lines.reset();
            self.last_growth = now;
            self.parked = None;
            self.open = Some(Open {
                file,
                id: p.id,
                fingerprint: fp,
                provisional: false,
                offset: known.offset,
                recent,
                dup_until,
                real_path: path,
                sniff: Sniff::NeedMore,
            });
            return Ok(true);
        }
        Ok(false)
    }

    /// Read what is available into `out`. Returns `true` when the byte budget ran out before
    /// EOF (poll again soon). On error the state is kept and the next poll retries; the error
    /// is logged once (with the file's path), until a poll succeeds again.
    pub fn poll(
        &mut self,
        now: Instant,
        tracker: &mut Tracker,
        out: &mut Vec<Batch>,
    ) -> io::Result<bool> {
        let result = self.poll_inner(now, tracker, out);
        match &result {
            // Out of file descriptors: the source retries and logs it once for all its files.
            Err(e) if is_fd_exhaustion(e) => {}
            Err(e) if self.failing != Some(e.kind()) => {
                self.failing = Some(e.kind());
                tracing::warn!(source = %self.source, path = ?self.path, error = %e, "cannot read file; retrying (logged once until it can be read)");
            }
            Err(_) => {}
            Ok(_) => {
                if self.failing.take().is_some() {
                    tracing::info!(source = %self.source, path = ?self.path, "file readable again");
                }
            }
        }
        result
    }

    fn poll_inner(
        &mut self,
        now: Instant,
        tracker: &mut Tracker,
        out: &mut Vec<Batch>,
    ) -> io::Result<bool> {
        let mut budget = self.cfg.poll_budget;
        // At most a few files per poll: the old one, then the new one at the path.
        for _ in 0..4 {
            if self.open.is_none() && !self.try_open(now, tracker)? {
                return Ok(false);
            }
            self.check_truncation(now, tracker, out)?;
            self.announce_position(out);
            let state = self.path_state();
            if !self.read_available(now, state != PathState::Same, &mut budget, tracker, out)? {
                return Ok(true);
            }
            let waited = now.saturating_duration_since(self.last_growth) >= self.cfg.partial_flush;
            match state {
                // A live file's partial last line waits for its newline, however long: emitting
                // it now would scrub the line in two pieces, and a secret straddling the cut
                // would pass in clear.
                PathState::Same => return Ok(false),
                // Renamed or deleted: its writer may still be writing through its open handle
                // until it reopens its log (logrotate's `postrotate`), in the middle of a line
                // or not. Finish the file only once it stopped growing for `partial_flush`:
                // finishing now would lose those lines if no glob covers the rotated name (and
                // always for a deleted file), and cut a held line in two (and a secret in it).
                PathState::Gone | PathState::Replaced if !waited => return Ok(false),
                PathState::Gone => {
                    self.finish(tracker, out);
                    tracker.counts.deletions += 1;
                    return Ok(false);
                }
                PathState::Replaced => {
                    self.finish(tracker, out);
                    tracker.counts.rotations += 1;
                }
            }
        }
        Ok(true)
    }

    /// Open the file at the path unless another tailer reads it. Whether one is open now.
    fn try_open(&mut self, now: Instant, tracker: &mut Tracker) -> io::Result<bool> {
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if self.reopen_renamed(now, tracker)? {
                    return Ok(true);
                }
                if self.parked.take().is_some() {
                    // Deleted or renamed away while parked: its claim stays `Done`, for the
                    // tailer of its new name.
                    tracker.counts.deletions += 1;
                }
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        let id = FileId::of(&meta);
        if self.parked.as_ref().is_some_and(|p| p.id != id) {
            if self.reopen_renamed(now, tracker)? {
                return Ok(true); // drained and finished first; the new file comes next
            }
            // Rotated while parked and not found in its directory: its claim stays `Done`
            // for the tailer of its new name; this path now holds another file.
            self.parked = None;
            tracker.counts.rotations += 1;
        }
        if !meta.is_file() || tracker.is_reading(id) {
            if self.parked.as_ref().is_some_and(|p| p.id == id) {
                self.parked = None; // another tailer (a symlink's) took it over
            }
            return Ok(false);
        }
        if let Some(fs) = pseudo_file_system(&file) {
            if tracker.found_skipped(id, |c| &mut c.pseudo_files) {
                tracing::warn!(
                    source = %self.source,
                    path = ?self.path,
                    fs,
                    "skipping a file of a pseudo file system: its size says nothing of its \
                     content, which it makes anew at each read (counted in \
                     scrubd_files_skipped_total)"
                );
            }
            return Ok(false);
        }
        let fp = fingerprint(&file, self.cfg.fingerprint_bytes)?;
        let hint = self.start_hint.take();
        let real_path =
            if fs::symlink_metadata(&self.path).is_ok_and(|m| m.file_type().is_symlink()) {
                fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone())
            } else {
                self.path.clone()
            };
        let resumed = tracker
            .take(id, fp.as_deref(), &file, &real_path)
            .map(|k| k.offset);
        if let Some(p) = self.parked.take() {
            if resumed.is_none() && p.known.offset > 0 {
                // Truncated or rewritten in place while parked: like `check_truncation`, read
                // it again from 0, and let a copy of the old content continue where it was.
                tracker.counts.truncations += 1;
                tracker.truncated_at(p.id, p.known, &p.real_path);
            }
        }
        let mut offset = 0;
        if let Some(fp) = &fp {
            let mut hinted = || match hint.as_ref().filter(|h| h.id == id) {
                Some(h)
                    if h.fingerprint == *fp
                        && h.offset <= meta.len()
                        && h.proof
                            .as_ref()
                            .map_or(true, |p| proof_holds(p, &file, h.offset)) =>
                {
                    // A checkpoint inside a line: the line's first part was emitted when its
                    // file was finished (a flushed partial line) before scrubd stopped. Read it
                    // again from its start, so that if its writer finishes it, it is scrubbed
                    // whole and no tail of a secret goes out alone, as `Claim::Done` does
                    // within one run; counted as one duplicate now, the same way.
                    let start = super::line_start_before(&file, h.offset);
                    if start < h.offset {
                        tracker.counts.duplicate_lines += 1;
                    }
                    Some(start)
                }
                Some(h) if h.fingerprint == *fp && h.offset > 0 => {
                    tracker.counts.truncations += 1; // rewritten or truncated while scrubd was down
                    Some(0)
                }
                _ => None,
            };
            offset = match resumed {
                Some(off) => off,
                None => match hinted() {
                    Some(off) => off,
                    None => tracker
                        .truncated_copy(id, fp, &file, &real_path)
                        .map_or(0, |k| k.offset),
                },
            };
            // Continued where another reader left it (a rotated name, a copy): that position
            // is this file's checkpoint even if nothing more is ever read from it, or a
            // restart would read it from its start again.
            self.announce = offset > 0 && !hint.as_ref().is_some_and(|h| h.offset == offset);
        }
        let recent = if offset > 0 {
            read_window(&file, offset)?
        } else {
            Vec::new()
        };
        let dup_until = fp
            .as_deref()
            .map_or(0, |fp| tracker.already_emitted(id, fp, &file, &real_path));
        self.lines.reset();
        self.last_growth = now;
        let o = Open {
            file,
            id,
            fingerprint: fp,
            provisional: false,
            offset,
            recent,
            dup_until,
            real_path,
            sniff: Sniff::NeedMore,
        };
        if o.fingerprint.is_some() {
            tracker.progress(id, o.known(offset, proof_of(&o.recent, b"")), &o.real_path);
        }
        self.open = Some(o);
        Ok(true)
    }

    /// Truncated (size below our offset), rewritten in place (fingerprint changed, or the
    /// bytes just before our offset changed): emit what is held, then read again from 0.
    fn check_truncation(
        &mut self,
        now: Instant,
        tracker: &mut Tracker,
        out: &mut Vec<Batch>,
    ) -> io::Result<()> {
        let o = self.open.as_mut().expect("open");
        let size = o.file.metadata()?.len();
        let fp = fingerprint(&o.file, self.cfg.fingerprint_bytes)?;
        let changed = !o.provisional && o.fingerprint.is_some() && fp != o.fingerprint;
        // Only when there is something new to read: an idle file costs no extra read.
        let rewritten = || {
            size > o.offset && !o.recent.is_empty() && {
                let mut buf = vec![0; o.recent.len()];
                let at = o.offset - buf.len() as u64;
                o.file
                    .read_exact_at(&mut buf, at)
                    .map_or(true, |()| buf != o.recent)
            }
        };
        let truncated = o.offset > 0 && (size < o.offset || changed || rewritten());
        if truncated {
            if o.fingerprint.is_some() {
                let known = o.known(o.offset, proof_of(&o.recent, b""));
                tracker.truncated_at(o.id, known, &o.real_path);
            }
            self.flush_held(out);
            let o = self.open.as_mut().expect("open");
            o.offset = 0;
            o.recent.clear();
            o.dup_until = 0;
            tracker.counts.truncations += 1;
            self.last_growth = now;
        }
        let o = self.open.as_mut().expect("open");
        if truncated || changed {
            o.sniff = Sniff::NeedMore; // new content: judge its first bytes again
        }
        if o.fingerprint.is_none() && o.offset == 0 {
            if let Some(fp) = &fp {
                // Its first line just completed (the file was opened empty, e.g. while being
                // copied): only now can it be recognised as a copy of content read before.
                match tracker.truncated_copy(o.id, fp, &o.file, &o.real_path) {
                    Some(k) => {
                        o.recent = read_window(&o.file, k.offset)?;
                        o.offset = k.offset;
                        self.announce = k.offset > 0;
                    }
                    None => {
                        o.dup_until = tracker.already_emitted(o.id, fp, &o.file, &o.real_path)
                    }
                }
            }
        }
        if truncated || !o.provisional || fp.is_some() {
            o.fingerprint = fp;
            o.provisional = false;
        }
        Ok(())
    }

    fn path_state(&self) -> PathState {
        let id = self.open.as_ref().expect("open").id;
        match fs::metadata(&self.path) {
            Ok(m) if FileId::of(&m) == id => PathState::Same,
            Ok(_) => PathState::Replaced,
            Err(e) if e.kind() == io::ErrorKind::NotFound => PathState::Gone,
            // Cannot tell (e.g. permissions changed): keep reading the handle.
            Err(_) => PathState::Same,
        }
    }

    /// Read to EOF within `budget`, one chunk per block. Returns whether EOF was reached. A
    /// file without fingerprint is not read unless it is being finished.
    fn read_available(
        &mut self,
        now: Instant,
        finishing: bool,
        budget: &mut usize,
        tracker: &mut Tracker,
        out: &mut Vec<Batch>,
    ) -> io::Result<bool> {
        let o = self.open.as_mut().expect("open");
        if o.fingerprint.is_none() {
            if !finishing {
                return Ok(true);
            }
            // Finished before its first line completed: its whole short content is its identity.
            o.fingerprint = Some(hex_sha256(&read_head(&o.file, self.cfg.fingerprint_bytes)?));
            o.provisional = true;
        }
        if o.sniff == Sniff::NeedMore {
            // The first line is complete (or as long as a fingerprint takes), or the file is
            // finished: no later byte can complete a magic.
            o.sniff = compressed::sniff(&read_head(&o.file, SNIFF_BYTES)?, true);
            if let Sniff::Compressed(format) = o.sniff {
                if tracker.found_skipped(o.id, |c| &mut c.compressed_files) {
                    tracing::warn!(
                        source = %self.source,
                        path = ?self.path,
                        format,
                        "skipping a file of compressed data: its bytes cannot be scanned \
                         (counted in scrubd_files_skipped_total; exclude it, e.g. \
                         exclude = [\"*.gz\"])"
                    );
                }
            }
        }
        if matches!(o.sniff, Sniff::Compressed(_)) {
            return Ok(true);
        }
        let block_len = self.cfg.read_block.max(1);
        if self.block.len() < block_len {
            self.block.resize(block_len, 0);
        }
        loop {
            if *budget == 0 {
                return Ok(false);
            }
            let want = block_len.min(*budget);
            let n = loop {
                match o.file.read_at(&mut self.block[..want], o.offset) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                return Ok(true);
            }
            *budget -= n;
            self.last_growth = now;
            let start = o.offset;
            let mut data = Vec::new();
            let mut oversize = 0;
            let mut end = self
                .lines
                .push(&self.block[..n], &mut data, &mut oversize)
                .map(|i| start + i as u64);
            let mut n = n;
            // A full block that ends inside a record printed over lines (see `open_record`):
            // the block ends before the record, which the next read starts with (the record
            // fits in the rest of a block, so that read gets past it).
            if let (Some(e), true, 0) = (end, n == block_len && !finishing, oversize) {
                if let Some(at) = open_record(&data)
                    .filter(|&at| at > 0 && data.len() - at <= block_len / 4)
                {
                    let back = (data.len() - at) as u64;
                    data.truncate(at);
                    self.lines.reset();
                    end = Some(e - back);
                    n = (e - back - start) as usize;
                }
            }
            let read = &self.block[..n];
            if start < o.dup_until {
                let upto = (o.dup_until - start).min(n as u64) as usize;
                tracker.counts.duplicate_lines +=
                    memchr::memchr_iter(b'\n', &read[..upto]).count() as u64;
            }
            o.offset += n as u64;
            let end_proof = end.map(|end| {
                // The bytes before `end`: the tail of `recent`, then the block up to `end`.
                let k = (end - start) as usize;
                let from_block = &read[k.saturating_sub(PROOF_BYTES)..k];
                let from_recent = &o.recent
                    [o.recent.len() - (PROOF_BYTES - from_block.len()).min(o.recent.len())..];
                (end, proof_of(from_recent, from_block))
            });
            if n >= PROOF_BYTES {
                o.recent.clear();
                o.recent.extend_from_slice(&read[n - PROOF_BYTES..]);
            } else {
                let drop = (o.recent.len() + n).saturating_sub(PROOF_BYTES);
                o.recent.drain(..drop);
                o.recent.extend_from_slice(read);
            }
            if let Some((end, proof)) = end_proof {
                tracker.progress(o.id, o.known(end, proof.clone()), &o.real_path);
                let pos = position(&self.source, &self.path, o, end, proof);
                out.push(batch(data, &self.stream, oversize, pos));
            }
        }
    }

    /// Emit the held partial line (or overlong-line placeholder), ended with a `\n`: what
    /// the sink writes next for this stream (the new file at the path) starts a line of its own.
    fn flush_held(&mut self, out: &mut Vec<Batch>) {
        let mut data = Vec::new();
        let mut oversize = 0;
        if self.lines.finish(&mut data, &mut oversize) {
            data.push(b'\n');
            let o = self.open.as_ref().expect("open");
            let pos = position(
                &self.source,
                &self.path,
                o,
                o.offset,
                proof_of(&o.recent, b""),
            );
            out.push(batch(data, &self.stream, oversize, pos));
        }
    }

    /// Send the open file's position alone, with no line, once it was opened at a position
    /// taken over from another reader.
    fn announce_position(&mut self, out: &mut Vec<Batch>) {
        if !std::mem::take(&mut self.announce) {
            return;
        }
        if let Some(o) = self.open.as_ref() {
            let pos = position(&self.source, &self.path, o, o.offset, proof_of(&o.recent, b""));
            out.push(batch(Vec::new(), &self.stream, 0, pos));
        }
    }

    /// The open file was read to EOF and is no longer at the path: emit, release, drop.
    ///
    /// A partial last line emitted here may still be finished by its writer, through the
    /// renamed file, after a longer pause than `partial_flush`. Whoever continues that file
    /// (a tailer of the rotated name) starts again at the line's start and holds it as the
    /// live file's partial line, so a finished line is read whole and scrubbed in context
    /// rather than its rest alone (a secret's tail in clear); its first part goes out twice,
    /// counted as a duplicate line.
    fn finish(&mut self, tracker: &mut Tracker, out: &mut Vec<Batch>) {
        let held = self.lines.held_len();
        self.flush_held(out);
        let o = self.open.take().expect("open");
        let line_start = (held > 0 && held <= o.offset)
            .then(|| o.offset - held)
            .and_then(|start| {
                let window = read_window(&o.file, start).ok()?;
                Some(o.known(start, proof_of(&window, b"")))
            });
        let known = o.known(o.offset, proof_of(&o.recent, b""));
        tracker.release_partial(o.id, known, o.real_path, line_start);
    }
}

/// Whether `e` says the process (EMFILE) or the system (ENFILE) is out of file descriptors.
pub fn is_fd_exhaustion(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
}

/// A batch of one file's lines: its multi-line scrub state is the file's (device + inode), not
/// its path's, since a path can hold other files later.
fn batch(data: Vec<u8>, stream: &Arc<str>, oversize: u32, pos: FilePosition) -> Batch {
    let key: Arc<str> = format!("{}:{}", pos.dev, pos.ino).into();
    let mut b = Batch::lines(data, Arc::clone(stream), oversize, Position::File(pos));
    b.state_key = Some(key);
    b
}

fn position(source: &str, path: &Path, o: &Open, offset: u64, proof: Proof) -> FilePosition {
    FilePosition {
        source: source.into(),
        path: path.to_path_buf(),
        dev: o.id.dev,
        ino: o.id.ino,
        fingerprint: o.fingerprint.clone().unwrap_or_default(),
        offset,
        proof: Some(proof),
        sink: None,
    }
}


#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn append(path: &Path, bytes: &[u8]) {
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
    }

    /// logrotate's `copytruncate`: `path` copied to a fresh file at `copy` (`fs::copy` alone
    /// would truncate a file already there, which may be the one still being read), then
    /// truncated in place.
    pub(crate) fn copytruncate(path: &Path, copy: &Path) {
        let _ = fs::remove_file(copy);
        fs::copy(path, copy).unwrap();
        fs::OpenOptions::new()
            .write(true)
            .open(path)
            .unwrap()
            .set_len(0)
            .unwrap();
    }

    struct Harness {
        _dir: tempfile::TempDir,
        path: PathBuf,
        tailer: FileTailer,
        tracker: Tracker,
        now: Instant,
        chunks: Vec<Batch>,
    }

    impl Harness {
        fn new(cfg: TailerConfig) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("app.log");
            let now = Instant::now();
            let tailer = FileTailer::new("app", path.clone(), cfg, now);
            Harness {
                _dir: dir,
                path,
                tailer,
                tracker: Tracker::default(),
                now,
                chunks: Vec::new(),
            }
        }

        fn cfg() -> TailerConfig {
            TailerConfig {
                partial_flush: Duration::from_secs(5),
                ..TailerConfig::default()
            }
        }

        /// Poll once; the bytes emitted.
        fn poll(&mut self) -> String {
            let before = self.chunks.len();
            let more = self
                .tailer
                .poll(self.now, &mut self.tracker, &mut self.chunks)
                .unwrap();
            assert!(!more);
            self.chunks[before..]
                .iter()
                .map(|c| String::from_utf8(c.data.clone()).unwrap())
                .collect()
        }

        fn advance(&mut self, d: Duration) {
            self.now += d;
        }

        fn write(&self, s: &str) {
            append(&self.path, s.as_bytes());
        }

        fn last_end(&self) -> &FilePosition {
            match &self.chunks.last().unwrap().ack {
                Position::File(p) => p,
                other => panic!("not a file position: {other:?}"),
            }
        }
    }

    #[test]
    fn partial_line_held_then_completed() {
        let mut h = Harness::new(Harness::cfg());
        h.write("one\ntw");
        assert_eq!(h.poll(), "one\n");
        assert_eq!(h.last_end().offset, 4);
        h.write("o\n");
        assert_eq!(h.poll(), "two\n");
        assert_eq!(h.last_end().offset, 8);
    }

    #[test]
    fn partial_line_of_a_live_file_waits_for_its_newline_however_long() {
        // Issue 16: a writer pausing mid-line longer than partial_flush must not get the line
        // scrubbed in two pieces (a secret straddling the cut would leak).
        let mut h = Harness::new(Harness::cfg());
        h.write("one\npassword=hun");
        assert_eq!(h.poll(), "one\n");
        h.advance(Duration::from_secs(3600));
        assert_eq!(h.poll(), "", "held, not flushed");
        h.write("ter2 ok\n");
        assert_eq!(h.poll(), "password=hunter2 ok\n");
        assert_eq!(
            h.chunks.last().unwrap().data,
            b"password=hunter2 ok\n",
            "one whole line in one chunk"
        );
        assert_eq!(h.last_end().offset, 24);
    }

    #[test]
    fn growing_partial_line_of_a_finished_file_restarts_the_flush_clock() {
        let mut h = Harness::new(Harness::cfg());
        h.write("one\nt");
        h.poll();
        let mut f = fs::OpenOptions::new().append(true).open(&h.path).unwrap();
        fs::remove_file(&h.path).unwrap();
        h.advance(Duration::from_secs(4));
        f.write_all(b"w").unwrap();
        assert_eq!(h.poll(), "");
        h.advance(Duration::from_secs(4));
        assert_eq!(h.poll(), "", "grew 4 s ago");
        h.advance(Duration::from_secs(1));
        assert_eq!(h.poll(), "tw\n");
    }

    #[test]
    fn crlf_kept() {
        let mut h = Harness::new(Harness::cfg());
        h.write("a\r\nb\r");
        assert_eq!(h.poll(), "a\r\n");
        h.write("\nc\n");
        assert_eq!(h.poll(), "b\r\nc\n");
    }

    #[test]
    fn oversize_line_replaced_with_its_ending() {
        let cfg = TailerConfig {
            max_line_bytes: 8,
            read_block: 5,
            ..Harness::cfg()
        };
        let mut h = Harness::new(cfg);
        h.write("ok\n0123456789abcdef\r\nfine\n0123456789\nx");
        assert_eq!(
            h.poll(),
            "ok\n[REDACTED:line-too-long:bytes=16]\r\nfine\n[REDACTED:line-too-long:bytes=10]\n"
        );
        assert_eq!(h.chunks.iter().map(|c| c.oversize_lines).sum::<u32>(), 2);
        assert_eq!(h.last_end().offset, 37, "after the oversize line's newline");
        h.write("\n");
        assert_eq!(h.poll(), "x\n");
        // Exactly the limit, with its CRLF split across reads, is kept.
        h.write("12345678\r");
        assert_eq!(h.poll(), "");
        h.write("\n");
        assert_eq!(h.poll(), "12345678\r\n");
        h.write("123456789\r\n");
        assert_eq!(h.poll(), "[REDACTED:line-too-long:bytes=9]\r\n");
    }

    /// A record printed over lines is not cut where a full read block ends: the batch ends
    /// before it, and the next read starts with it; nothing is lost or read twice.
    #[test]
    fn a_record_printed_over_lines_is_not_cut_at_a_read_block() {
        let cfg = TailerConfig {
            read_block: 64,
            ..Harness::cfg()
        };
        let mut h = Harness::new(cfg);
        let text = "GET / 200 ok, served in 12 ms\nparameters: [\n  'Zq8LmW3xTb7NpK2v',\n  4\n]\nnext\n";
        h.write(text);
        h.poll();
        let batches: Vec<String> = h
            .chunks
            .iter()
            .map(|c| String::from_utf8(c.data.clone()).unwrap())
            .collect();
        assert_eq!(batches.concat(), text);
        assert!(
            batches.iter().any(|b| b.starts_with("parameters: [\n  'Zq8LmW3xTb7NpK2v',\n  4\n]\n")),
            "{batches:?}"
        );
        assert_eq!(h.last_end().offset, text.len() as u64);
        assert_eq!(h.tracker.counts.duplicate_lines, 0);
    }

    #[test]
    fn oversize_line_never_held_whole() {
        let cfg = TailerConfig {
            max_line_bytes: 16,
            read_block: 64,
            ..Harness::cfg()
        };
        let mut h = Harness::new(cfg);
        h.write("first\n");
        h.poll();
        h.write(&"z".repeat(10_000));
        assert_eq!(h.poll(), "");
        assert!(
            h.tailer.lines.held_bytes() <= 17,
            "held {}",
            h.tailer.lines.held_bytes()
        );
        h.write("\n");
        assert_eq!(h.poll(), "[REDACTED:line-too-long:bytes=10000]\n");
    }

    #[test]
    fn rename_create_rotation_no_line_lost_or_duplicated() {
        let mut h = Harness::new(Harness::cfg());
        h.write("a1\na2\n");
        assert_eq!(h.poll(), "a1\na2\n");
        h.write("a3\na");
        fs::rename(&h.path, h.path.with_extension("log.1")).unwrap();
        h.write("b1\n");
        // Written to the old file by a writer that has not reopened yet.
        append(&h.path.with_extension("log.1"), b"4\n");
        assert_eq!(h.poll(), "a3\na4\n");
        // Still written through the old handle (the writer's `postrotate` reopen is late):
        // the old file is followed until it stops growing.
        h.advance(Duration::from_secs(3));
        append(&h.path.with_extension("log.1"), b"a5\n");
        assert_eq!(h.poll(), "a5\n");
        h.advance(Duration::from_secs(3));
        append(&h.path.with_extension("log.1"), b"a6\n");
        assert_eq!(h.poll(), "a6\n");
        assert_eq!(h.tracker.counts.rotations, 0);
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "b1\n");
        assert_eq!(h.tracker.counts.rotations, 1);
        h.write("b2\n");
        assert_eq!(h.poll(), "b2\n");
    }

    #[test]
    fn a_flushed_line_finished_late_through_the_rotated_file_is_read_again_whole() {
        // logrotate `create` while the app has written half a line (half a key), and the app
        // pauses longer than `partial_flush` before finishing it through its old handle: the
        // tailer of the rotated name reads the whole line, not the key's tail alone.
        let mut h = Harness::new(Harness::cfg());
        h.write("a1\nkey AKIAIOSFOD");
        assert_eq!(h.poll(), "a1\n");
        let rotated = h.path.with_extension("log.1");
        fs::rename(&h.path, &rotated).unwrap();
        h.write("b1\n");
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "key AKIAIOSFOD\nb1\n");
        append(&rotated, b"NN7EXAMPLE used\n");
        let mut t = FileTailer::new("app", rotated.clone(), Harness::cfg(), h.now);
        let mut out = Vec::new();
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        let got: Vec<u8> = out.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(String::from_utf8(got).unwrap(), "key AKIAIOSFODNN7EXAMPLE used\n");
        assert_eq!(h.tracker.counts.duplicate_lines, 1);

        // The rotated name's tailer takes the file over before the writer finishes the line
        // (the usual order): it holds the line until its newline.
        let mut h = Harness::new(Harness::cfg());
        h.write("a1\nkey AKIAIOSFOD");
        assert_eq!(h.poll(), "a1\n");
        fs::rename(&h.path, &rotated).unwrap();
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "key AKIAIOSFOD\n");
        let mut t = FileTailer::new("app", rotated.clone(), Harness::cfg(), h.now);
        let mut out = Vec::new();
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert!(out.iter().all(|c| c.data.is_empty()), "{out:?}");
        h.advance(Duration::from_secs(60));
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert!(out.iter().all(|c| c.data.is_empty()), "a live file's line waits: {out:?}");
        append(&rotated, b"NN7EXAMPLE used\n");
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        let got: Vec<u8> = out.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(String::from_utf8(got).unwrap(), "key AKIAIOSFODNN7EXAMPLE used\n");
        assert_eq!(h.tracker.counts.duplicate_lines, 1);
    }

    #[test]
    fn rotation_flushes_the_old_files_partial_last_line_once_it_stopped_growing() {
        let mut h = Harness::new(Harness::cfg());
        h.write("a1\nhalf");
        assert_eq!(h.poll(), "a1\n");
        fs::rename(&h.path, h.path.with_extension("log.1")).unwrap();
        h.write("b1\n");
        assert_eq!(h.poll(), "", "the writer may still complete the line");
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "half\nb1\n");
        assert_eq!(h.chunks.len(), 3, "half is a line of its own");
    }

    #[test]
    fn line_completed_through_the_old_handle_after_rotation_stays_whole() {
        // Found by scripts/soak.sh: a reader can see an append half done. The application
        // finishes the line through its open handle after logrotate renamed the file.
        let mut h = Harness::new(Harness::cfg());
        let rotated = h.path.with_extension("log.1");
        h.write("a1\nAuthorization: Bearer eyJhbGci");
        assert_eq!(h.poll(), "a1\n");
        fs::rename(&h.path, &rotated).unwrap();
        h.write("b1\n");
        assert_eq!(h.poll(), "");
        h.advance(Duration::from_secs(2));
        append(&rotated, b"OiJIUzI1NiJ9.e30.c2ln\na2\n");
        assert_eq!(
            h.poll(),
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln\na2\n"
        );
        // The new file once the old one stopped growing.
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "b1\n");
        assert_eq!(
            h.chunks[1].data, b"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln\na2\n",
            "one whole line"
        );
        assert_eq!(h.tracker.counts.rotations, 1);
        // Deleted mid-line: the same wait.
        h.write("b2 par");
        assert_eq!(h.poll(), "");
        let mut f = fs::OpenOptions::new().append(true).open(&h.path).unwrap();
        fs::remove_file(&h.path).unwrap();
        assert_eq!(h.poll(), "");
        f.write_all(b"tial\n").unwrap();
        assert_eq!(h.poll(), "b2 partial\n");
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "");
        assert_eq!(h.tracker.counts.deletions, 1);
    }

    #[test]
    fn copytruncate_restarts_from_zero() {
        let mut h = Harness::new(Harness::cfg());
        h.write("old line 1\nold line 2\n");
        assert_eq!(h.poll(), "old line 1\nold line 2\n");
        copytruncate(&h.path, &h.path.with_extension("log.1"));
        h.write("new\n");
        assert_eq!(h.poll(), "new\n");
        assert_eq!(h.tracker.counts.truncations, 1);
        assert_eq!(h.last_end().offset, 4);
    }

    #[test]
    fn rewritten_in_place_past_old_offset_is_detected_by_fingerprint() {
        let mut h = Harness::new(Harness::cfg());
        h.write("first\n");
        assert_eq!(h.poll(), "first\n");
        fs::write(&h.path, b"second file, longer\n").unwrap();
        assert_eq!(h.poll(), "second file, longer\n");
        assert_eq!(h.tracker.counts.truncations, 1);
    }

    #[test]
    fn deleted_file_finished_then_dropped() {
        let mut h = Harness::new(Harness::cfg());
        h.write("a\n");
        assert_eq!(h.poll(), "a\n");
        let mut f = fs::OpenOptions::new().append(true).open(&h.path).unwrap();
        fs::remove_file(&h.path).unwrap();
        f.write_all(b"b\nc").unwrap();
        assert_eq!(h.poll(), "b\n");
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "c\n", "the partial line once it stopped growing");
        assert!(!h.tailer.is_open());
        assert_eq!(h.tracker.counts.deletions, 1);
        h.write("new\n");
        assert_eq!(h.poll(), "new\n", "a new file at the path is read from 0");
    }

    #[test]
    fn replaced_same_name_read_from_start() {
        let mut h = Harness::new(Harness::cfg());
        h.write("a1\na2\n");
        assert_eq!(h.poll(), "a1\na2\n");
        let tmp = h.path.with_extension("tmp");
        fs::write(&tmp, b"b1 is longer than before\n").unwrap();
        h.write("a3\n");
        fs::rename(&tmp, &h.path).unwrap();
        assert_eq!(h.poll(), "a3\n");
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "b1 is longer than before\n");
        assert_eq!(h.tracker.counts.rotations, 1);
    }

    /// A start hint for the file now at the harness's path: `first_line`'s fingerprint,
    /// `offset`, and the proof of `proven` (the bytes before the offset when it was taken).
    fn hint_for(h: &Harness, first_line: &[u8], offset: u64, proven: &[u8]) -> StartHint {
        StartHint {
            id: FileId::of(&fs::metadata(&h.path).unwrap()),
            fingerprint: super::super::fingerprint::fingerprint_of(first_line, 256).unwrap(),
            offset,
            proof: Some(proof_of(proven, b"")),
        }
    }

    #[test]
    fn checkpoint_beyond_eof_reads_from_zero() {
        let mut h = Harness::new(Harness::cfg());
        h.write("short\n");
        let hint = hint_for(&h, b"short\n", 1000, b"short\n");
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "short\n");
        assert_eq!(h.tracker.counts.truncations, 1);
    }

    #[test]
    fn resume_from_checkpoint_offset() {
        let mut h = Harness::new(Harness::cfg());
        h.write("one\ntwo\nthree\n");
        let hint = hint_for(&h, b"one\n", 4, b"one\n");
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "two\nthree\n");
        assert_eq!(h.last_end().offset, 14);
        assert_eq!(
            h.last_end().proof,
            Some(proof_of(b"one\ntwo\nthree\n", b""))
        );
    }

    /// Stopped after a finished file's partial last line was flushed (its checkpoint is inside
    /// the line), restarted, then the writer finishes the line: it is read whole.
    #[test]
    fn checkpoint_inside_a_line_resumes_at_the_line_start() {
        let mut h = Harness::new(Harness::cfg());
        h.write("one\nkey AKIAIOSFOD");
        let hint = hint_for(&h, b"one\n", 18, b"one\nkey AKIAIOSFOD");
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "");
        assert_eq!(h.tracker.counts.duplicate_lines, 1);
        h.write("NN7EXAMPLE used\ntwo\n");
        assert_eq!(h.poll(), "key AKIAIOSFODNN7EXAMPLE used\ntwo\n");
        // A checkpoint at a line's end is where reading goes on.
        let mut h = Harness::new(Harness::cfg());
        h.write("one\ntwo\n");
        let hint = hint_for(&h, b"one\n", 4, b"one\n");
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "two\n");
        assert_eq!(h.tracker.counts.duplicate_lines, 0);
    }

    #[test]
    fn checkpoint_not_proven_by_the_file_reads_from_zero() {
        // Issue 16: truncated and rewritten while scrubd was down, same first line, longer.
        let mut h = Harness::new(Harness::cfg());
        h.write("header\nnew 1\nnew 2\nnew 3\n");
        let hint = hint_for(&h, b"header\n", 13, b"header\nold 1\n");
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "header\nnew 1\nnew 2\nnew 3\n");
        assert_eq!(h.tracker.counts.truncations, 1);
    }

    #[test]
    fn checkpoint_of_another_file_is_ignored() {
        let mut h = Harness::new(Harness::cfg());
        h.write("one\ntwo\n");
        let mut hint = hint_for(&h, b"one\n", 4, b"one\n");
        hint.fingerprint = "00".into();
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "one\ntwo\n");
        let mut h = Harness::new(Harness::cfg());
        h.write("one\ntwo\n");
        let mut hint = hint_for(&h, b"one\n", 4, b"one\n");
        hint.id.ino += 1; // another inode: not this file's checkpoint
        h.tailer = FileTailer::new("app", h.path.clone(), Harness::cfg(), h.now).with_start(hint);
        assert_eq!(h.poll(), "one\ntwo\n");
    }

    #[test]
    fn rewrite_in_place_with_the_same_first_line_is_detected_by_the_bytes_before_the_offset() {
        let mut h = Harness::new(Harness::cfg());
        h.write("header\nold 1\n");
        assert_eq!(h.poll(), "header\nold 1\n");
        fs::write(&h.path, b"header\nnew 1\nnew 2\n").unwrap();
        assert_eq!(h.poll(), "header\nnew 1\nnew 2\n");
        assert_eq!(h.tracker.counts.truncations, 1);
    }

    #[test]
    fn copy_of_a_followed_file_is_read_again_and_counted_as_duplicates() {
        let mut h = Harness::new(Harness::cfg());
        h.write("a1\na2\na3\n");
        assert_eq!(h.poll(), "a1\na2\na3\n");
        let copy = h.path.with_extension("log.1");
        fs::copy(&h.path, &copy).unwrap();
        append(&copy, b"a4\n");
        let mut t = FileTailer::new("app", copy, Harness::cfg(), h.now);
        let mut out = Vec::new();
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert_eq!(
            out.iter().flat_map(|c| c.data.clone()).collect::<Vec<u8>>(),
            b"a1\na2\na3\na4\n"
        );
        assert_eq!(h.tracker.counts.duplicate_lines, 3);
        // A copy found while still empty (opened before it was filled) is recognised too.
        let copy2 = h.path.with_extension("log.2");
        File::create(&copy2).unwrap();
        let mut t = FileTailer::new("app", copy2.clone(), Harness::cfg(), h.now);
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert!(t.is_open());
        append(&copy2, b"a1\na2\na3\n");
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert_eq!(h.tracker.counts.duplicate_lines, 6);
    }

    #[test]
    fn another_file_with_the_same_first_line_is_not_counted_as_duplicates() {
        let mut h = Harness::new(Harness::cfg());
        h.write("banner\na1\n");
        assert_eq!(h.poll(), "banner\na1\n");
        let other = h.path.with_extension("other");
        fs::write(&other, b"banner\nb1\n").unwrap();
        let mut t = FileTailer::new("app", other, Harness::cfg(), h.now);
        let mut out = Vec::new();
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert_eq!(h.tracker.counts.duplicate_lines, 0);
    }

    /// Poll a new tailer of `path` once; the bytes emitted.
    fn poll_new(h: &mut Harness, path: &Path) -> String {
        let mut out = Vec::new();
        let mut t = FileTailer::new("app", path.to_path_buf(), Harness::cfg(), h.now);
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        out.iter()
            .map(|c| String::from_utf8(c.data.clone()).unwrap())
            .collect()
    }

    #[test]
    fn files_with_unrelated_names_sharing_their_first_lines_are_not_duplicates() {
        // Workers' logs opening with one banner: distinct files, each line emitted once; none
        // is a duplicate. (Before: each later file's banner counted as duplicates.)
        let mut h = Harness::new(Harness::cfg());
        h.write("starting\nready\n");
        assert_eq!(h.poll(), "starting\nready\n");
        for w in ["w2.log", "w3.log", "app-2.log"] {
            let other = h.path.with_file_name(w);
            fs::write(&other, b"starting\nready\n").unwrap();
            assert_eq!(poll_new(&mut h, &other), "starting\nready\n");
        }
        assert_eq!(h.tracker.counts.duplicate_lines, 0);
    }

    #[test]
    fn only_a_file_named_as_its_copy_continues_where_a_truncated_file_was() {
        let mut h = Harness::new(Harness::cfg());
        h.write("starting\nready\n");
        assert_eq!(h.poll(), "starting\nready\n");
        // The worker restarts (O_TRUNC) as a new worker starts its log with the same banner:
        // the new log is read whole. (Before: taken for the truncated file's copy and
        // continued where that was, its banner lost.)
        File::create(&h.path).unwrap();
        assert_eq!(h.poll(), "");
        assert_eq!(h.tracker.counts.truncations, 1);
        let w5 = h.path.with_file_name("w5.log");
        fs::write(&w5, b"starting\nready\nw5 own\n").unwrap();
        assert_eq!(poll_new(&mut h, &w5), "starting\nready\nw5 own\n");
        assert_eq!(h.tracker.counts.duplicate_lines, 0);
        // The truncated file written again with the same lines is not its own copy either.
        h.write("starting\nready\nagain\n");
        assert_eq!(h.poll(), "starting\nready\nagain\n");
        // logrotate's copy (`app.log.1`, or `app-20240101.log` with `extension .log`)
        // continues where the truncated file was: its line written after the last read.
        for name in ["app.log.1", "app-20240101.log"] {
            let copy = h.path.with_file_name(name);
            fs::write(&copy, b"starting\nready\nlate\n").unwrap();
            assert_eq!(poll_new(&mut h, &copy), "late\n", "{name}");
        }
        assert_eq!(h.tracker.counts.duplicate_lines, 0);
    }

    #[test]
    fn symlink_retargeted_back_continues_where_it_was() {
        let mut h = Harness::new(Harness::cfg());
        let dir = h.path.parent().unwrap().to_path_buf();
        let (a, b, link) = (
            dir.join("a.target"),
            dir.join("b.target"),
            dir.join("current.log"),
        );
        fs::write(&a, b"a1\n").unwrap();
        fs::write(&b, b"b1\n").unwrap();
        std::os::unix::fs::symlink(&a, &link).unwrap();
        let mut t = FileTailer::new("app", link.clone(), Harness::cfg(), h.now);
        let mut out = Vec::new();
        let retarget = |to: &Path| {
            let tmp = dir.join("tmp.link");
            std::os::unix::fs::symlink(to, &tmp).unwrap();
            fs::rename(&tmp, &link).unwrap();
        };
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        retarget(&b);
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        h.advance(Duration::from_secs(5));
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        // A rescan while the link points at b: a is not at any followed path, but it exists.
        let b_id = FileId::of(&fs::metadata(&b).unwrap());
        h.tracker.retain_finished(|id| id == b_id);
        assert!(h.tracker.take_gone().is_empty());
        retarget(&a);
        append(&a, b"a2\n");
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        h.advance(Duration::from_secs(5));
        t.poll(h.now, &mut h.tracker, &mut out).unwrap();
        let all: Vec<u8> = out.iter().flat_map(|c| c.data.clone()).collect();
        assert_eq!(String::from_utf8(all).unwrap(), "a1\nb1\na2\n");
        // Deleted: forgotten at the next rescan, and announced.
        fs::remove_file(&b).unwrap();
        h.tracker.retain_finished(|_| false);
        assert_eq!(h.tracker.take_gone().len(), 1);
    }

    #[test]
    fn file_without_complete_first_line_not_read_yet() {
        let mut h = Harness::new(Harness::cfg());
        h.write("abc");
        h.advance(Duration::from_secs(60));
        assert_eq!(h.poll(), "");
        h.write("\n");
        assert_eq!(h.poll(), "abc\n");
        assert_eq!(
            h.last_end().fingerprint,
            super::super::fingerprint::hex_sha256(b"abc\n")
        );
    }

    #[test]
    fn rotated_file_continued_by_its_own_tailer_without_duplicates() {
        let mut h = Harness::new(Harness::cfg());
        let rotated = h.path.with_extension("log.1");
        let mut t1 = FileTailer::new("app", rotated.clone(), Harness::cfg(), h.now);
        h.write("a1\n");
        assert_eq!(h.poll(), "a1\n");
        fs::rename(&h.path, &rotated).unwrap();
        // The tailer of app.log.1 must not read a file that app.log's tailer still holds.
        let mut out = Vec::new();
        t1.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert!(out.is_empty() && !t1.is_open());
        h.write("b1\n");
        assert_eq!(h.poll(), "");
        h.advance(Duration::from_secs(5));
        assert_eq!(h.poll(), "b1\n");
        append(&rotated, b"a2\n");
        t1.poll(h.now, &mut h.tracker, &mut out).unwrap();
        assert_eq!(out.len(), 2, "the position taken over, then the line");
        assert!(out[0].data.is_empty());
        let out = [out.pop().unwrap()];
        assert_eq!(
            out[0].data, b"a2\n",
            "continues where app.log's tailer stopped"
        );
    }
}

/// Model-based test (after Vector's `file_watcher/tests`): random writes, rotations,
/// truncations, deletions and polls on a real file, against a tiny in-memory model.
///
/// Invariant: the emitted bytes, concatenated, equal the model's expected bytes: every byte
/// written, in order, once — except the copytruncate window: bytes written to a file after our
/// last poll of it and before it is truncated exist only in the copy, and the model drops
/// exactly those. A live file's partial line is never flushed on a timeout. Lines carry a sequence number so a rewritten file never has its old
/// fingerprint (the undetectable case in the module docs).
#[cfg(test)]
mod model {
    use super::tests::{append, copytruncate};
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Action {
        WriteLine(usize),
        WritePartial(usize),
        RotateRename,
        Truncate,
        Delete,
        Poll { wait: bool },
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            6 => (0..40usize).prop_map(Action::WriteLine),
            2 => (0..300usize).prop_map(Action::WritePartial),
            1 => Just(Action::RotateRename),
            1 => Just(Action::Truncate),
            1 => Just(Action::Delete),
            4 => any::<bool>().prop_map(|wait| Action::Poll { wait }),
        ]
    }

    struct MFile {
        content: Vec<u8>,
        read: usize,
    }

    #[derive(Default)]
    struct Model {
        files: Vec<MFile>,
        at_path: Option<usize>,
        held: Option<usize>,
        /// The tailer holds a partial last line of `held`.
        holding: bool,
        /// `partial_flush` passed since `held` last grew or was opened.
        stale: bool,
        /// `held` was truncated after being read: the next poll sees it, and starts its
        /// `partial_flush` again (the file starts again).
        truncated: bool,
        expected: Vec<u8>,
    }

    impl Model {
        /// The tailer reads a file only once it has a fingerprint (or when finishing it).
        fn fingerprinted(c: &[u8]) -> bool {
            c.len() >= DEFAULT_FINGERPRINT_BYTES || memchr::memchr(b'\n', c).is_some()
        }

        /// Read file `i` as the tailer would; whether anything was read.
        fn read(&mut self, i: usize, finishing: bool) -> bool {
            let f = &mut self.files[i];
            if (finishing || Self::fingerprinted(&f.content)) && f.read < f.content.len() {
                self.expected.extend_from_slice(&f.content[f.read..]);
                f.read = f.content.len();
                self.holding = f.content.last() != Some(&b'\n');
                return true;
            }
            false
        }

        /// A poll; `wait`: `partial_flush` passed since the previous one.
        fn poll(&mut self, wait: bool) {
            // `partial_flush` passed since the held file last grew (or was opened, or was seen
            // truncated).
            self.stale |= wait;
            if std::mem::take(&mut self.truncated) {
                self.stale = false;
            }
            if let Some(h) = self.held {
                let finishing = self.at_path != Some(h);
                if self.read(h, finishing) {
                    self.stale = false;
                }
                // A live file's partial line waits for its newline; a renamed or deleted file
                // is finished once it stopped growing for a while (its writer may still write
                // through its handle), its partial line flushed, ended.
                if finishing {
                    if !self.stale {
                        return;
                    }
                    if self.holding {
                        self.holding = false;
                        self.expected.push(b'\n');
                    }
                    self.held = None;
                }
            }
            if self.held.is_none() {
                if let Some(p) = self.at_path {
                    self.held = Some(p);
                    self.holding = false;
                    self.stale = false;
                    self.read(p, false);
                }
            }
        }

        fn write(&mut self, bytes: &[u8]) {
            let p = *self.at_path.get_or_insert_with(|| {
                self.files.push(MFile {
                    content: Vec::new(),
                    read: 0,
                });
                self.files.len() - 1
            });
            self.files[p].content.extend_from_slice(bytes);
        }
    }

    fn run(actions: &[Action]) -> Result<(), TestCaseError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        let rotated = dir.path().join("app.log.1");
        let cfg = TailerConfig {
            read_block: 64,
            ..TailerConfig::default()
        };
        let flush = cfg.partial_flush;
        let mut now = Instant::now();
        let mut tailer = FileTailer::new("app", path.clone(), cfg, now);
        let mut tracker = Tracker::default();
        let mut chunks = Vec::new();
        let mut m = Model::default();
        let mut seq = 0;
        let mut poll = |now: Instant,
                        wait: bool,
                        m: &mut Model,
                        chunks: &mut Vec<Batch>|
         -> Result<(), TestCaseError> {
            let more = tailer.poll(now, &mut tracker, chunks).unwrap();
            prop_assert!(!more);
            m.poll(wait);
            Ok(())
        };
        for a in actions {
            seq += 1;
            match a {
                Action::WriteLine(n) => {
                    let line = format!("{seq:05}{}\n", "x".repeat(*n));
                    append(&path, line.as_bytes());
                    m.write(line.as_bytes());
                }
                Action::WritePartial(n) => {
                    let part = format!("<{seq:05}{}>", "p".repeat(*n));
                    append(&path, part.as_bytes());
                    m.write(part.as_bytes());
                }
                Action::RotateRename => {
                    if m.at_path.is_some() {
                        fs::rename(&path, &rotated).unwrap();
                        File::create(&path).unwrap();
                        m.files.push(MFile {
                            content: Vec::new(),
                            read: 0,
                        });
                        m.at_path = Some(m.files.len() - 1);
                    }
                }
                Action::Truncate => {
                    if let Some(p) = m.at_path {
                        copytruncate(&path, &rotated);
                        m.truncated |= m.held == Some(p) && m.files[p].read > 0;
                        m.files[p].content.clear();
                        m.files[p].read = 0;
                        if m.held == Some(p) && m.holding {
                            // The tailer emits it, ended, when it sees the truncation.
                            m.holding = false;
                            m.expected.push(b'\n');
                        }
                    }
                }
                Action::Delete => {
                    if m.at_path.take().is_some() {
                        fs::remove_file(&path).unwrap();
                    }
                }
                Action::Poll { wait } => {
                    if *wait {
                        now += flush;
                    }
                    poll(now, *wait, &mut m, &mut chunks)?;
                }
            }
        }
        if m.at_path.is_some() {
            append(&path, b"END\n");
            m.write(b"END\n");
        }
        poll(now, false, &mut m, &mut chunks)?;
        now += flush;
        poll(now, true, &mut m, &mut chunks)?;
        let got: Vec<u8> = chunks.iter().flat_map(|c| c.data.iter().copied()).collect();
        prop_assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&m.expected)
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn tailer_matches_model(actions in proptest::collection::vec(action(), 1..40)) {
            run(&actions)?;
        }
    }

    #[test]
    fn model_catches_a_lost_rotation_tail() {
        use Action::*;
        run(&[
            WriteLine(1),
            Poll { wait: false },
            WriteLine(2),
            RotateRename,
            WriteLine(3),
            Poll { wait: false },
        ])
        .unwrap();
    }
}

/// What a tailer emits for a file holding `content` (tests of the one line rule across
/// sources).
#[cfg(test)]
pub(crate) fn frame_file(max_line_bytes: usize, content: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, content).unwrap();
    let now = Instant::now();
    let cfg = TailerConfig {
        max_line_bytes,
        ..TailerConfig::default()
    };
    let mut t = FileTailer::new("app", path, cfg, now);
    let (mut tracker, mut out) = (Tracker::default(), Vec::new());
    t.poll(now, &mut tracker, &mut out).unwrap();
    out.iter()
        .map(|b| String::from_utf8(b.data.clone()).unwrap())
        .collect()
}

/// The name of the pseudo file system `file` is on (procfs, sysfs and kin: files whose size
/// is 0 or fixed while each read makes their content anew, so no offset can be kept), if it is.
fn pseudo_file_system(file: &File) -> Option<&'static str> {
    use std::os::fd::AsRawFd;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid, writable statfs and the descriptor is open for `file`'s life.
    if unsafe { libc::fstatfs(file.as_raw_fd(), &mut st) } != 0 {
        return None;
    }
    // Magic numbers from linux/magic.h.
    #[allow(clippy::unnecessary_cast)]
    match st.f_type as i64 {
        0x9fa0 => Some("proc"),
        0x6265_6572 => Some("sysfs"),
        0x6462_6720 => Some("debugfs"),
        0x7472_6163 => Some("tracefs"),
        0x6367_7270 => Some("cgroup2"),
        0x0027_e0eb => Some("cgroup"),
        0x7375_7245 => Some("securityfs"),
        0xcafe_4a11 => Some("bpf"),
        _ => None,
    }
}
