//! Durable positions: where each input was read up to, written only after the sink accepted
//! everything before it (at-least-once). Stored in the state dir, written atomically; the
//! state dir is held by one scrubd at a time ([`lock_state_dir`]).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How far one file of one source has been delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePosition {
    /// Source name from the config.
    pub source: String,
    /// Path the file had when last read (it may have been rotated since). Stored as a JSON
    /// string when it is UTF-8, else as `{"base64": "…"}` of its bytes.
    #[serde(with = "path_bytes")]
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    /// Hex digest of the file's first bytes: tells an inode reused by a new file from the old.
    pub fingerprint: String,
    /// Byte offset just after the last line the sink accepted.
    pub offset: u64,
    /// Proof of the bytes just before `offset` (absent in documents of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
    /// Where the sink had written up to when this position was checkpointed (file sinks): after a
    /// crash, output beyond it is what the restart will write a second time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink: Option<SinkMark>,
}

/// How far one CloudWatch log group of one source has been delivered. The source reads the
/// group in time windows (FilterLogEvents from `start_ms`); events it already delivered whose
/// timestamps are at or after `start_ms` are listed by id, so the window can overlap the last one
/// (for events that arrive late) without sending any event twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPosition {
    /// Source name from the config.
    pub source: String,
    /// Log group name.
    pub group: String,
    /// The next read starts at this event time (Unix milliseconds, inclusive).
    pub start_ms: i64,
    /// Ids and timestamps of delivered events with timestamp >= `start_ms`.
    #[serde(default)]
    pub seen: BTreeMap<String, i64>,
}

/// Evidence that a file holds the content a position was taken in: the SHA-256 of the `len`
/// bytes just before the position's offset (see `source::file::fingerprint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub len: u32,
    pub sha256: String,
}

/// How far one input of a source that resumes from an opaque text cursor (the journal's
/// `__CURSOR`) has been delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPosition {
    /// Source name from the config.
    pub source: String,
    /// Which input of the source (one source may follow several).
    pub key: String,
    /// Resume after this cursor.
    pub cursor: String,
}

/// A position of any source kind, as it travels from a source to the checkpoint store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    File(FilePosition),
    Group(GroupPosition),
    /// The file (source, dev, ino, fingerprint) is gone: drop its checkpoint.
    FileGone(FilePosition),
    Cursor(CursorPosition),
}

impl Position {
    /// The input this position belongs to when it is a file (source, dev, ino): a file's first
    /// delivery is checkpointed at once.
    pub fn file_identity(&self) -> Option<(&str, u64, u64)> {
        match self {
            Position::File(p) => Some((&p.source, p.dev, p.ino)),
            _ => None,
        }
    }

    /// This position with the sink's output mark at the moment it was written.
    pub fn with_sink_mark(self, mark: Option<SinkMark>) -> Position {
        match self {
            Position::File(p) => Position::File(FilePosition { sink: mark, ..p }),
            other => other,
        }
    }
}

/// An output file and its length at a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinkMark {
    #[serde(with = "path_bytes")]
    pub path: PathBuf,
    pub len: u64,
}

/// Paths as JSON without loss: a string when the path is UTF-8 (as older versions wrote
/// every path), else `{"base64": "<the path's bytes>"}`. Both forms are read.
mod path_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    use std::path::{Path, PathBuf};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Bytes { base64: String },
    }

    pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        match path.to_str() {
            Some(text) => Repr::Text(text.to_string()),
            None => Repr::Bytes {
                base64: base64::engine::general_purpose::STANDARD
                    .encode(path.as_os_str().as_bytes()),
            },
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        Ok(match Repr::deserialize(d)? {
            Repr::Text(text) => PathBuf::from(text),
            Repr::Bytes { base64 } => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(base64)
                    .map_err(serde::de::Error::custom)?;
                PathBuf::from(std::ffi::OsString::from_vec(bytes))
            }
        })
    }
}

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Name of the checkpoint document inside the state dir.
pub const CHECKPOINT_FILE: &str = "checkpoints.json";
/// The lock a running scrubd holds on its state dir (it holds its pid).
pub const LOCK_FILE: &str = "scrubd.lock";
/// The temp file a flush writes before renaming it over [`CHECKPOINT_FILE`].
pub const CHECKPOINT_TMP_FILE: &str = "checkpoints.json.tmp";
/// The document version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Suggested retention for [`CheckpointStore::prune`]: a file not read for this long is
/// presumed gone (rotated away and deleted).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Why the checkpoint store could not be read or written. Messages name the path and the
/// OS error or the JSON position, never the document's content.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint store {path}: cannot {op}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error(
        "checkpoint file {path} is corrupt ({reason}); move it aside to start without \
         checkpoints (files are then read according to the source's start policy)"
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "checkpoint file {path} has version {version}, this scrubd reads version {FORMAT_VERSION}; \
         use a newer scrubd or move the file aside"
    )]
    UnsupportedVersion { path: PathBuf, version: u64 },
    #[error("checkpoint store {path}: cannot encode checkpoints: {reason}")]
    Encode { path: PathBuf, reason: String },
    #[error(
        "state dir {dir} is in use by another scrubd ({holder}, lock file {lock}); two \
         instances on one state dir would deliver lines twice and overwrite each other's positions"
    )]
    Locked {
        dir: PathBuf,
        lock: PathBuf,
        holder: String,
    },
}

/// The exclusive lock on a state dir, held until dropped (or the process ends).
#[derive(Debug)]
pub struct StateLock {
    file: File,
    dir: PathBuf,
}

impl StateLock {
    /// Lock again if the lock file was removed or replaced under us (an `rm -rf` of the state
    /// dir's contents): a second instance would otherwise lock the new file, and both would
    /// read and write the same files. Whether the lock had to be taken again; an error if
    /// another process holds the file now at the lock's path.
    pub fn keep(&mut self) -> Result<bool, CheckpointError> {
        use std::os::unix::fs::MetadataExt;
        let id = |m: fs::Metadata| (m.dev(), m.ino());
        let ours = self.file.metadata().ok().map(id);
        if ours.is_some() && fs::metadata(self.dir.join(LOCK_FILE)).ok().map(id) == ours {
            return Ok(false);
        }
        *self = lock_state_dir(&self.dir)?;
        Ok(true)
    }
}

/// Take the exclusive lock on `dir` (creating it if missing): `flock` on `dir/scrubd.lock`,
/// which then holds our pid. Fails at once, naming the holder's pid, if another process holds it.
pub fn lock_state_dir(dir: &Path) -> Result<StateLock, CheckpointError> {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    fs::create_dir_all(dir).map_err(io_err("create the state directory", dir))?;
    let lock = dir.join(LOCK_FILE);
    // Held read-only (flock needs no write access): a file open for writing would keep the
    // state dir's file system from being remounted read-only.
    if let Err(e) = OpenOptions::new().append(true).create(true).open(&lock) {
        return Err(io_err("create", &lock)(e));
    }
    let mut f = File::open(&lock).map_err(io_err("open", &lock))?;
    // SAFETY: flock on a file descriptor we own.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(io_err("lock", &lock)(e));
        }
        let mut pid = String::new();
        let _ = f.read_to_string(&mut pid);
        let holder = match pid.trim().parse::<u32>() {
            Ok(p) => format!("pid {p}"),
            Err(_) => "pid unknown".to_string(),
        };
        return Err(CheckpointError::Locked {
            dir: dir.to_path_buf(),
            lock,
            holder,
        });
    }
    // The pid is for the next instance's error message only: a full or read-only state dir
    // does not stop this one.
    let pid = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&lock)
        .and_then(|mut w| writeln!(w, "{}", std::process::id()));
    if let Err(e) = pid {
        tracing::warn!(lock = ?lock, error = %e, "cannot write our pid into the state dir lock");
    }
    Ok(StateLock {
        file: f,
        dir: dir.to_path_buf(),
    })
}

/// One stored entry: a [`FilePosition`] plus when it was last set, for pruning.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    pos: FilePosition,
    /// Unix seconds of the last [`CheckpointStore::set`] of this entry.
    #[serde(default)]
    updated_unix_secs: u64,
}

/// One stored CloudWatch entry, as [`Entry`] for files.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct GroupEntry {
    #[serde(flatten)]
    pos: GroupPosition,
    #[serde(default)]
    updated_unix_secs: u64,
}

/// One stored cursor entry, as [`Entry`] for files.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CursorEntry {
    #[serde(flatten)]
    pos: CursorPosition,
    #[serde(default)]
    updated_unix_secs: u64,
}

/// What the store knows of a source itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SourceEntry {
    /// Unix seconds of the source's first start with this state dir: from then on, a file
    /// without checkpoint is new and read from its beginning (`start_at` applied before).
    first_start_unix_secs: u64,
    /// Output lengths up to which an earlier start already counted the lines beyond a
    /// checkpoint's sink mark as re-sent (`scrubd_duplicate_lines_total`): a start that comes
    /// before the next checkpoint counts only beyond them, so no re-sent line is counted twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    resent_counted: Vec<SinkMark>,
}

/// Version 1 documents written before CloudWatch sources existed have no `groups`, and
/// those written before sources were recorded have no `sources`: both default to empty, so
/// they read as they are.
#[derive(Serialize, Deserialize)]
struct Document {
    version: u64,
    files: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<GroupEntry>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    sources: BTreeMap<String, SourceEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cursors: Vec<CursorEntry>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    outputs: BTreeMap<String, Vec<SinkMark>>,
}

/// Only the version, read first so a newer document is reported as such, not as corrupt.
#[derive(Deserialize)]
struct VersionProbe {
    version: u64,
}

/// The positions of every file of every source, persisted in `<state dir>/checkpoints.json`:
///
/// ```json
/// {"version": 1, "files": [{"source": "app", "path": "/var/log/app.log", "dev": 2049,
///   "ino": 131, "fingerprint": "9f…", "offset": 4096, "proof": {"len": 1024, "sha256": "…"},
///   "updated_unix_secs": 1700000000}],
///  "sources": {"app": {"first_start_unix_secs": 1700000000}}}
/// ```
///
/// File entries are keyed by source, device and inode: two live files never share one.
///
/// Changes stay in memory until [`flush`](Self::flush), which replaces the file atomically
/// (temp file, fsync, rename, fsync of the directory): after a crash the file holds either
/// the previous or the new document, never a mix.
#[derive(Debug)]
pub struct CheckpointStore {
    dir: PathBuf,
    /// Keyed by (source, dev, ino) so the document is written in a stable order.
    entries: BTreeMap<(String, u64, u64), Entry>,
    /// CloudWatch positions keyed by (source, group).
    groups: BTreeMap<(String, String), GroupEntry>,
    /// Cursor positions keyed by (source, key).
    cursors: BTreeMap<(String, String), CursorEntry>,
    sources: BTreeMap<String, SourceEntry>,
    /// Per source, the sink outputs written since the checkpoint before the last one, with
    /// their lengths at the last checkpoint (or, for an output not yet checkpointed, before its
    /// first write): output beyond them is what a restart writes again. Keyed by path.
    outputs: BTreeMap<String, BTreeMap<PathBuf, u64>>,
    dirty: bool,
}

impl CheckpointStore {
    /// Open the store in `dir`, creating the directory if missing and loading
    /// `checkpoints.json` if present. A leftover temp file from an interrupted flush is removed.
    pub fn open(dir: &Path) -> Result<Self, CheckpointError> {
        fs::create_dir_all(dir).map_err(io_err("create the state directory", dir))?;
        let tmp = dir.join(CHECKPOINT_TMP_FILE);
        match fs::remove_file(&tmp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(io_err("remove the leftover temp file", &tmp)(e));
            }
            _ => {}
        }
        let path = dir.join(CHECKPOINT_FILE);
        let mut entries = BTreeMap::new();
        let mut groups = BTreeMap::new();
        let mut sources = BTreeMap::new();
        let mut cursors = BTreeMap::new();
        let mut outputs = BTreeMap::new();
        match fs::read(&path) {
            Ok(bytes) => {
                let doc = parse(&path, &bytes)?;
                for e in doc.files {
                    entries.insert((e.pos.source.clone(), e.pos.dev, e.pos.ino), e);
                }
                sources = doc.sources;
                for g in doc.groups {
                    groups.insert((g.pos.source.clone(), g.pos.group.clone()), g);
                }
                for c in doc.cursors {
                    cursors.insert((c.pos.source.clone(), c.pos.key.clone()), c);
                }
                for (source, marks) in doc.outputs {
                    let marks = marks.into_iter().map(|m| (m.path, m.len)).collect();
                    outputs.insert(source, marks);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("read", &path)(e)),
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            entries,
            groups,
            cursors,
            sources,
            outputs,
            dirty: false,
        })
    }

    /// Whether `source` has started with this state dir before.
    pub fn has_started(&self, source: &str) -> bool {
        self.sources.contains_key(source)
    }

    /// Record that `source` has started (its first start, if this is it).
    pub fn mark_started(&mut self, source: &str) {
        if !self.sources.contains_key(source) {
            self.sources.insert(
                source.to_string(),
                SourceEntry {
                    first_start_unix_secs: unix_secs(SystemTime::now()),
                    resent_counted: Vec::new(),
                },
            );
            self.dirty = true;
        }
    }

    /// The output lengths up to which re-sent lines of `source` were counted at an earlier
    /// start (see [`set_resent_counted`](Self::set_resent_counted)).
    pub fn resent_counted(&self, source: &str) -> Vec<SinkMark> {
        self.sources
            .get(source)
            .map(|s| s.resent_counted.clone())
            .unwrap_or_default()
    }

    /// Record the output lengths up to which this start counted re-sent lines of `source`.
    pub fn set_resent_counted(&mut self, source: &str, marks: Vec<SinkMark>) {
        let Some(entry) = self.sources.get_mut(source) else {
            return; // a source that never started has no checkpoints, so nothing re-sent
        };
        if entry.resent_counted != marks {
            entry.resent_counted = marks;
            self.dirty = true;
        }
    }

    /// The outputs of `source` a restart may write again beyond the recorded lengths (see
    /// [`register_outputs`](Self::register_outputs) and [`set_outputs`](Self::set_outputs)).
    pub fn outputs(&self, source: &str) -> Vec<SinkMark> {
        self.outputs
            .get(source)
            .into_iter()
            .flatten()
            .map(|(path, &len)| SinkMark {
                path: path.clone(),
                len,
            })
            .collect()
    }

    /// Record outputs `source` is about to write to for the first time since the last
    /// checkpoint, with their lengths before that write: everything after is not yet covered
    /// by a checkpoint. Paths already recorded keep their (lower or equal) length. True if
    /// anything was added (the caller flushes before writing).
    pub fn register_outputs(&mut self, source: &str, marks: &[SinkMark]) -> bool {
        let known = self.outputs.entry(source.to_string()).or_default();
        let mut added = false;
        for m in marks {
            if !known.contains_key(&m.path) {
                known.insert(m.path.clone(), m.len);
                added = true;
            }
        }
        self.dirty |= added;
        added
    }

    /// At a checkpoint: the outputs `source` wrote since the last one, with their lengths
    /// now. They replace the source's list, so outputs it no longer writes are forgotten.
    pub fn set_outputs(&mut self, source: &str, marks: Vec<SinkMark>) {
        let marks: BTreeMap<PathBuf, u64> = marks.into_iter().map(|m| (m.path, m.len)).collect();
        if self.outputs.get(source) != Some(&marks) {
            self.outputs.insert(source.to_string(), marks);
            self.dirty = true;
        }
    }

    /// Path of the checkpoint document.
    pub fn path(&self) -> PathBuf {
        self.dir.join(CHECKPOINT_FILE)
    }

    /// Every stored position of `source`, in (dev, ino) order.
    pub fn get(&self, source: &str) -> Vec<FilePosition> {
        self.entries
            .values()
            .filter(|e| e.pos.source == source)
            .map(|e| e.pos.clone())
            .collect()
    }

    /// Every stored CloudWatch position of `source`, in group order.
    pub fn get_groups(&self, source: &str) -> Vec<GroupPosition> {
        self.groups
            .values()
            .filter(|e| e.pos.source == source)
            .map(|e| e.pos.clone())
            .collect()
    }

    /// Every stored cursor position of `source`, in key order.
    pub fn get_cursors(&self, source: &str) -> Vec<CursorPosition> {
        self.cursors
            .values()
            .filter(|e| e.pos.source == source)
            .map(|e| e.pos.clone())
            .collect()
    }

    /// Record a position of any kind.
    pub fn set_position(&mut self, pos: Position) {
        match pos {
            Position::File(p) => self.set(p),
            Position::Group(g) => self.set_group(g),
            Position::FileGone(p) => self.forget(&p),
            Position::Cursor(c) => self.set_cursor(c),
        }
    }

    /// Record a cursor position, replacing the previous one of its (source, key).
    pub fn set_cursor(&mut self, pos: CursorPosition) {
        let updated_unix_secs = unix_secs(SystemTime::now());
        let key = (pos.source.clone(), pos.key.clone());
        if self
            .cursors
            .get(&key)
            .is_some_and(|e| e.pos == pos && e.updated_unix_secs == updated_unix_secs)
        {
            return;
        }
        self.cursors.insert(
            key,
            CursorEntry {
                pos,
                updated_unix_secs,
            },
        );
        self.dirty = true;
    }

    /// Drop the entry of the file `pos` names (same source, dev, ino and fingerprint).
    pub fn forget(&mut self, pos: &FilePosition) {
        let key = (pos.source.clone(), pos.dev, pos.ino);
        if self
            .entries
            .get(&key)
            .is_some_and(|e| e.pos.fingerprint == pos.fingerprint)
        {
            self.entries.remove(&key);
            self.dirty = true;
        }
    }

    /// Record the position of one CloudWatch log group, replacing the previous one.
    pub fn set_group(&mut self, pos: GroupPosition) {
        let updated_unix_secs = unix_secs(SystemTime::now());
        let key = (pos.source.clone(), pos.group.clone());
        if self
            .groups
            .get(&key)
            .is_some_and(|e| e.pos == pos && e.updated_unix_secs == updated_unix_secs)
        {
            return;
        }
        self.groups.insert(
            key,
            GroupEntry {
                pos,
                updated_unix_secs,
            },
        );
        self.dirty = true;
    }

    /// Record `pos`, replacing the entry of the same file: same source, dev and inode (the
    /// file, maybe renamed; or a new file on a reused inode).
    pub fn set(&mut self, pos: FilePosition) {
        self.set_at(pos, SystemTime::now());
    }

    fn set_at(&mut self, pos: FilePosition, now: SystemTime) {
        let updated_unix_secs = unix_secs(now);
        let key = (pos.source.clone(), pos.dev, pos.ino);
        if let Some(e) = self.entries.get(&key) {
            if e.pos == pos && e.updated_unix_secs == updated_unix_secs {
                return;
            }
        }
        self.entries.insert(
            key,
            Entry {
                pos,
                updated_unix_secs,
            },
        );
        self.dirty = true;
    }

    /// Drop the file entries of `source` not [`set`](Self::set) within `max_age` of `now` and
    /// return how many. Call it after the source has `set` the files it found at start-up
    /// (which refreshes them): what is left was not found (gone while scrubd was stopped).
    pub fn prune_files(&mut self, source: &str, max_age: Duration, now: SystemTime) -> usize {
        let cutoff = unix_secs(now).saturating_sub(max_age.as_secs());
        let before = self.entries.len();
        self.entries
            .retain(|(s, _, _), e| s != source || e.updated_unix_secs >= cutoff);
        let pruned = before - self.entries.len();
        self.dirty |= pruned > 0;
        pruned
    }

    /// Whether there are changes not yet flushed.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Persist the positions if anything changed since the last flush: write
    /// `checkpoints.json.tmp`, fsync it, rename it over `checkpoints.json`, fsync the directory.
    /// On error the store stays dirty, so the next flush retries.
    pub fn flush(&mut self) -> Result<(), CheckpointError> {
        if !self.dirty {
            return Ok(());
        }
        let path = self.path();
        let tmp = self.dir.join(CHECKPOINT_TMP_FILE);
        let doc = Document {
            version: FORMAT_VERSION.into(),
            files: self.entries.values().cloned().collect(),
            groups: self.groups.values().cloned().collect(),
            sources: self.sources.clone(),
            cursors: self.cursors.values().cloned().collect(),
            outputs: self
                .outputs
                .iter()
                .filter(|(_, marks)| !marks.is_empty())
                .map(|(source, marks)| {
                    let marks = marks
                        .iter()
                        .map(|(path, &len)| SinkMark {
                            path: path.clone(),
                            len,
                        })
                        .collect();
                    (source.clone(), marks)
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| CheckpointError::Encode {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(io_err("create", &tmp))?;
        f.write_all(&bytes).map_err(io_err("write", &tmp))?;
        f.sync_all().map_err(io_err("fsync", &tmp))?;
        drop(f);
        fs::rename(&tmp, &path).map_err(io_err("rename the temp file over", &path))?;
        // The rename is durable only once the directory entry is.
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err("fsync the directory", &self.dir))?;
        self.dirty = false;
        Ok(())
    }
}

/// An adapter for `map_err` that names the operation and the path.
fn io_err(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> CheckpointError {
    let path = path.to_path_buf();
    move |source| CheckpointError::Io { op, path, source }
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Parse a document, describing failures by JSON position only (serde's messages can quote
/// values from the file).
fn parse(path: &Path, bytes: &[u8]) -> Result<Document, CheckpointError> {
    let corrupt = |e: serde_json::Error| {
        use serde_json::error::Category;
        let what = match e.classify() {
            Category::Eof => "truncated",
            Category::Syntax => "invalid JSON",
            Category::Data => "unexpected structure",
            Category::Io => "unreadable",
        };
        CheckpointError::Corrupt {
            path: path.to_path_buf(),
            reason: format!("{what} at line {} column {}", e.line(), e.column()),
        }
    };
    let probe: VersionProbe = serde_json::from_slice(bytes).map_err(corrupt)?;
    if probe.version != u64::from(FORMAT_VERSION) {
        return Err(CheckpointError::UnsupportedVersion {
            path: path.to_path_buf(),
            version: probe.version,
        });
    }
    serde_json::from_slice(bytes).map_err(corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(source: &str, ino: u64, fp: &str, offset: u64) -> FilePosition {
        FilePosition {
            source: source.into(),
            path: PathBuf::from(format!("/var/log/{source}-{ino}.log")),
            dev: 7,
            ino,
            fingerprint: fp.into(),
            offset,
            proof: None,
            sink: None,
        }
    }

    #[test]
    fn round_trip_through_flush_and_open() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        assert!(s.get("app").is_empty());
        s.set(pos("app", 1, "aa", 10));
        s.set(pos("app", 2, "bb", 20));
        s.set(pos("web", 3, "cc", 30));
        s.set(pos("app", 1, "aa", 15));
        s.flush().unwrap();
        assert!(!s.is_dirty());
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(
            s.get("app"),
            vec![pos("app", 1, "aa", 15), pos("app", 2, "bb", 20)]
        );
        assert_eq!(s.get("web"), vec![pos("web", 3, "cc", 30)]);
        let doc: serde_json::Value = serde_json::from_slice(&fs::read(s.path()).unwrap()).unwrap();
        assert_eq!(doc["version"], 1);
        assert_eq!(doc["files"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn group_positions_round_trip_beside_files_and_old_documents_still_read() {
        let dir = tempfile::tempdir().unwrap();
        // A document from before CloudWatch sources: no "groups".
        fs::write(
            dir.path().join(CHECKPOINT_FILE),
            br#"{"version": 1, "files": []}"#,
        )
        .unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        assert!(s.get_groups("cw").is_empty());
        let g = GroupPosition {
            source: "cw".into(),
            group: "/aws/lambda/orders".into(),
            start_ms: 1_700_000_000_000,
            seen: [("3".to_string(), 1_700_000_000_500)].into(),
        };
        s.set_position(Position::Group(g.clone()));
        s.set_position(Position::File(pos("app", 1, "aa", 10)));
        s.flush().unwrap();
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(s.get_groups("cw"), vec![g]);
        assert_eq!(s.get("app"), vec![pos("app", 1, "aa", 10)]);
        assert!(s.get("cw").is_empty() && s.get_groups("app").is_empty());
    }

    #[test]
    fn open_creates_missing_dir() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        CheckpointStore::open(&nested).unwrap();
        assert!(nested.is_dir());
    }

    #[test]
    fn outputs_keep_their_first_length_until_a_checkpoint_sets_them() {
        let dir = tempfile::tempdir().unwrap();
        let mark = |path: &str, len| SinkMark {
            path: PathBuf::from(path),
            len,
        };
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        assert!(s.register_outputs("app", &[mark("/o/a", 10)]));
        // Registered again before a checkpoint: the length before the first write stays.
        assert!(!s.register_outputs("app", &[mark("/o/a", 50)]));
        assert!(s.register_outputs("app", &[mark("/o/a", 60), mark("/o/b", 0)]));
        s.flush().unwrap();
        let s2 = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(s2.outputs("app"), vec![mark("/o/a", 10), mark("/o/b", 0)]);
        assert!(s2.outputs("other").is_empty());
        // A checkpoint replaces the list: outputs not written since are forgotten.
        s.set_outputs("app", vec![mark("/o/b", 70)]);
        s.flush().unwrap();
        let s3 = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(s3.outputs("app"), vec![mark("/o/b", 70)]);
    }

    #[test]
    fn flush_writes_nothing_when_clean() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        s.flush().unwrap();
        assert!(!s.path().exists());
    }

    #[test]
    fn crash_between_write_and_rename_keeps_previous_document() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        s.set(pos("app", 1, "aa", 10));
        s.flush().unwrap();
        // A crash mid-flush leaves a partial temp file and the old document untouched.
        let tmp = dir.path().join(CHECKPOINT_TMP_FILE);
        fs::write(&tmp, br#"{"version": 1, "files": [{"source": "app", "pa"#).unwrap();
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(s.get("app"), vec![pos("app", 1, "aa", 10)]);
        assert!(!tmp.exists(), "leftover temp file is removed");
    }

    #[test]
    fn leftover_tmp_without_document_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(CHECKPOINT_TMP_FILE), b"garbage").unwrap();
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert!(s.get("app").is_empty());
    }

    #[test]
    fn truncated_file_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CHECKPOINT_FILE);
        fs::write(
            &path,
            br#"{"version": 1, "files": [{"source": "s3cr3t-looking"#,
        )
        .unwrap();
        let msg = CheckpointStore::open(dir.path()).unwrap_err().to_string();
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(
            msg.contains("truncated") && msg.contains("move it aside"),
            "{msg}"
        );
        assert!(!msg.contains("s3cr3t"), "content must not leak: {msg}");
    }

    #[test]
    fn wrong_structure_is_corrupt_without_quoting_content() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(CHECKPOINT_FILE),
            br#"{"version": 1, "files": "hunter2"}"#,
        )
        .unwrap();
        let err = CheckpointStore::open(dir.path()).unwrap_err();
        assert!(matches!(err, CheckpointError::Corrupt { .. }), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn newer_version_is_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(CHECKPOINT_FILE),
            br#"{"version": 2, "whatever": []}"#,
        )
        .unwrap();
        let err = CheckpointStore::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, CheckpointError::UnsupportedVersion { version: 2, .. }),
            "{err}"
        );
    }

    #[test]
    fn state_dir_under_a_regular_file_is_an_error_not_a_panic() {
        // Root ignores permission bits, so make creation fail structurally instead.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        fs::write(&file, b"").unwrap();
        let state = file.join("state");
        let err = CheckpointStore::open(&state).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, CheckpointError::Io { .. }), "{msg}");
        assert!(msg.contains(&state.display().to_string()), "{msg}");
    }

    #[test]
    fn flush_failure_is_an_error_and_stays_dirty() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let mut s = CheckpointStore::open(&state).unwrap();
        s.set(pos("app", 1, "aa", 10));
        fs::remove_dir(&state).unwrap();
        fs::write(&state, b"").unwrap();
        let msg = s.flush().unwrap_err().to_string();
        assert!(
            msg.contains(&state.join(CHECKPOINT_TMP_FILE).display().to_string()),
            "{msg}"
        );
        assert!(s.is_dirty());
    }

    #[test]
    fn same_inode_with_new_fingerprint_replaces_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        s.set(pos("app", 1, "aa", 500));
        s.set(pos("app", 2, "bb", 20));
        s.set(pos("other", 1, "cc", 7)); // same inode, other source: untouched
        s.set(pos("app", 1, "dd", 3));
        assert_eq!(
            s.get("app"),
            vec![pos("app", 1, "dd", 3), pos("app", 2, "bb", 20)]
        );
        assert_eq!(s.get("other"), vec![pos("other", 1, "cc", 7)]);
    }

    #[test]
    fn files_sharing_a_fingerprint_keep_an_entry_each() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        s.set(pos("app", 1, "banner", 500));
        s.set(pos("app", 2, "banner", 20));
        let mut renamed = pos("app", 1, "banner", 600);
        renamed.path = PathBuf::from("/var/log/app.log.1");
        s.set(renamed.clone());
        assert_eq!(s.get("app"), vec![renamed, pos("app", 2, "banner", 20)]);
    }

    #[test]
    fn forget_drops_only_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        s.set(pos("app", 1, "aa", 5));
        s.set_position(Position::FileGone(pos("app", 1, "other", 0)));
        assert_eq!(s.get("app").len(), 1, "same inode, another file: kept");
        s.set_position(Position::FileGone(pos("app", 1, "aa", 0)));
        assert!(s.get("app").is_empty());
    }

    #[test]
    fn non_utf8_paths_round_trip_and_old_text_paths_still_read() {
        use std::os::unix::ffi::OsStringExt;
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        let mut bad = pos("app", 1, "aa", 5);
        bad.path = PathBuf::from(std::ffi::OsString::from_vec(
            b"/var/log/bad\xff.log".to_vec(),
        ));
        bad.sink = Some(SinkMark {
            path: PathBuf::from(std::ffi::OsString::from_vec(b"/out/bad\xfe.log".to_vec())),
            len: 3,
        });
        let good = pos("app", 2, "bb", 6);
        s.set(bad.clone());
        s.set(good.clone());
        s.flush().unwrap();
        let text = fs::read_to_string(s.path()).unwrap();
        assert!(
            text.contains(r#""path": "/var/log/app-2.log""#),
            "UTF-8 paths stay strings: {text}"
        );
        assert!(text.contains("base64"), "{text}");
        assert_eq!(
            CheckpointStore::open(dir.path()).unwrap().get("app"),
            vec![bad, good]
        );
    }

    #[test]
    fn sources_started_are_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        assert!(!s.has_started("app"));
        s.mark_started("app");
        s.flush().unwrap();
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert!(s.has_started("app") && !s.has_started("web"));
    }

    #[test]
    fn state_dir_lock_is_exclusive_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_state_dir(dir.path()).unwrap();
        let err = lock_state_dir(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(held);
        lock_state_dir(dir.path()).unwrap();
    }

    #[test]
    fn prune_files_drops_entries_of_the_source_not_set_within_max_age() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        let day = Duration::from_secs(24 * 3600);
        let now = SystemTime::now();
        s.set_at(pos("app", 1, "old", 1), now - 10 * day);
        s.set_at(pos("app", 2, "new", 2), now - day);
        s.set_at(pos("web", 3, "old", 3), now - 10 * day);
        s.flush().unwrap();
        assert_eq!(s.prune_files("app", DEFAULT_RETENTION, now), 1);
        assert!(s.is_dirty());
        s.flush().unwrap();
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(s.get("app"), vec![pos("app", 2, "new", 2)]);
        assert_eq!(
            s.get("web"),
            vec![pos("web", 3, "old", 3)],
            "other sources untouched"
        );
    }
}
