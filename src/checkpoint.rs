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
    /// Path the file had when last read (it may have been rotated since).
    pub path: PathBuf,
    pub dev: u64,
    pub ino: u64,
    /// Hex digest of the file's first bytes: identity that survives inode reuse and renames.
    pub fingerprint: String,
    /// Byte offset just after the last line the sink accepted.
    pub offset: u64,
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

/// A position of any source kind, as it travels from a source to the checkpoint store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    File(FilePosition),
    Group(GroupPosition),
}

/// An output file and its length at a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinkMark {
    pub path: PathBuf,
    pub len: u64,
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
    _file: File,
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
        tracing::warn!(lock = %lock.display(), error = %e, "cannot write our pid into the state dir lock");
    }
    Ok(StateLock { _file: f })
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

/// Version 1 documents written before CloudWatch sources existed have no `groups`: it
/// defaults to empty, so they read as they are.
#[derive(Serialize, Deserialize)]
struct Document {
    version: u64,
    files: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<GroupEntry>,
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
///   "ino": 131, "fingerprint": "9f…", "offset": 4096, "updated_unix_secs": 1700000000}]}
/// ```
///
/// Changes stay in memory until [`flush`](Self::flush), which replaces the file atomically
/// (temp file, fsync, rename, fsync of the directory): after a crash the file holds either
/// the previous or the new document, never a mix.
#[derive(Debug)]
pub struct CheckpointStore {
    dir: PathBuf,
    /// Keyed by (source, fingerprint) so the document is written in a stable order.
    entries: BTreeMap<(String, String), Entry>,
    /// CloudWatch positions keyed by (source, group).
    groups: BTreeMap<(String, String), GroupEntry>,
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
        match fs::read(&path) {
            Ok(bytes) => {
                let doc = parse(&path, &bytes)?;
                for e in doc.files {
                    entries.insert((e.pos.source.clone(), e.pos.fingerprint.clone()), e);
                }
                for g in doc.groups {
                    groups.insert((g.pos.source.clone(), g.pos.group.clone()), g);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("read", &path)(e)),
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            entries,
            groups,
            dirty: false,
        })
    }

    /// Path of the checkpoint document.
    pub fn path(&self) -> PathBuf {
        self.dir.join(CHECKPOINT_FILE)
    }

    /// Every stored position of `source`, in fingerprint order.
    pub fn get(&self, source: &str) -> Vec<FilePosition> {
        self.entries
            .values()
            .filter(|e| e.pos.source == source)
            .map(|e| e.pos.clone())
            .collect()
    }

    /// Every stored CloudWatch position of `source`, in group order.
    pub fn get_groups(&self, source: &str) -> Vec<GroupPosition> {
        self.groups.values().filter(|e| e.pos.source == source).map(|e| e.pos.clone()).collect()
    }

    /// Record a position of either kind.
    pub fn set_position(&mut self, pos: Position) {
        match pos {
            Position::File(p) => self.set(p),
            Position::Group(g) => self.set_group(g),
        }
    }

    /// Record the position of one CloudWatch log group, replacing the previous one.
    pub fn set_group(&mut self, pos: GroupPosition) {
        let updated_unix_secs = unix_secs(SystemTime::now());
        let key = (pos.source.clone(), pos.group.clone());
        if self.groups.get(&key).is_some_and(|e| e.pos == pos && e.updated_unix_secs == updated_unix_secs) {
            return;
        }
        self.groups.insert(key, GroupEntry { pos, updated_unix_secs });
        self.dirty = true;
    }

    /// Record `pos`, replacing the entry of the same file: same source and fingerprint (the file,
    /// maybe renamed), or same source, dev and inode (that inode now holds a different file).
    pub fn set(&mut self, pos: FilePosition) {
        self.set_at(pos, SystemTime::now());
    }

    fn set_at(&mut self, pos: FilePosition, now: SystemTime) {
        let updated_unix_secs = unix_secs(now);
        let key = (pos.source.clone(), pos.fingerprint.clone());
        if let Some(e) = self.entries.get(&key) {
            if e.pos == pos && e.updated_unix_secs == updated_unix_secs {
                return;
            }
        }
        self.entries.retain(|(source, fp), e| {
            !(*source == pos.source
                && *fp != pos.fingerprint
                && e.pos.dev == pos.dev
                && e.pos.ino == pos.ino)
        });
        self.entries.insert(
            key,
            Entry {
                pos,
                updated_unix_secs,
            },
        );
        self.dirty = true;
    }

    /// Drop entries not [`set`](Self::set) within `max_age` of `now` and return how many.
    ///
    /// The rule is deliberately simple: a file that still exists but was idle for `max_age` is
    /// pruned too, so call this after the sources have `set` the files they found at start-up
    /// (which refreshes them), and pick `max_age` longer than any rotation keeps a file around.
    pub fn prune(&mut self, max_age: Duration, now: SystemTime) -> usize {
        let cutoff = unix_secs(now).saturating_sub(max_age.as_secs());
        let before = self.entries.len() + self.groups.len();
        self.entries.retain(|_, e| e.updated_unix_secs >= cutoff);
        self.groups.retain(|_, e| e.updated_unix_secs >= cutoff);
        let pruned = before - self.entries.len() - self.groups.len();
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
        fs::write(dir.path().join(CHECKPOINT_FILE), br#"{"version": 1, "files": []}"#).unwrap();
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
            vec![pos("app", 2, "bb", 20), pos("app", 1, "dd", 3)]
        );
        assert_eq!(s.get("other"), vec![pos("other", 1, "cc", 7)]);
    }

    #[test]
    fn same_fingerprint_after_rename_replaces_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        s.set(pos("app", 1, "aa", 500));
        let mut rotated = pos("app", 9, "aa", 600);
        rotated.path = PathBuf::from("/var/log/app.log.1");
        s.set(rotated.clone());
        assert_eq!(s.get("app"), vec![rotated]);
    }

    #[test]
    fn prune_drops_entries_not_set_within_max_age() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = CheckpointStore::open(dir.path()).unwrap();
        let day = Duration::from_secs(24 * 3600);
        let now = SystemTime::now();
        s.set_at(pos("app", 1, "old", 1), now - 10 * day);
        s.set_at(pos("app", 2, "new", 2), now - day);
        s.flush().unwrap();
        assert_eq!(s.prune(DEFAULT_RETENTION, now), 1);
        assert!(s.is_dirty());
        s.flush().unwrap();
        let s = CheckpointStore::open(dir.path()).unwrap();
        assert_eq!(s.get("app"), vec![pos("app", 2, "new", 2)]);
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
}
