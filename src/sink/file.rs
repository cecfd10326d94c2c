//! The file sink: lines of input `/var/log/app/x.log` of source `app` are appended to
//! `<dir>/app/x.log`; a CloudWatch stream `2026/11/24/[$LATEST]ab12` of source `cw` to
//! `<dir>/cw/2026_11_24_[$LATEST]ab12` (`/` becomes `_`).
//!
//! **Names, one-to-one.** A file's output mirrors its path below its source's root (the
//! deepest directory holding every include glob's literal prefix): with
//! `include = ["/var/log/*/app.log"]`, `/var/log/d1/app.log` goes to `<dir>/app/d1/app.log` and
//! `/var/log/d2/app.log` to `<dir>/app/d2/app.log`. When all of a source's files are in one
//! directory (the usual `/var/log/app/*.log`) that is just the file name, as before. Names are
//! kept byte for byte, invalid UTF-8 included, but for secrets: the pipeline hands sinks
//! stream names already scrubbed, so `upload-AKIA….log` arrives as
//! `upload-[REDACTED:aws-access-key].log` (names differing only in a secret share an output).
//!
//! Files stay open between writes; `reopen` (SIGHUP, logrotate's postrotate) closes them so the
//! next write creates the file afresh at its path. `sync` fsyncs the files written since the
//! last sync.
//!
//! **Outputs follow their path.** Before each write to an open output, its path is `stat`ed:
//! if it no longer names the open file (rotated away without a SIGHUP, deleted by a cleanup
//! job, replaced), the handle is retired and the write creates a new file at the path. Lines
//! written to a file nobody can find any more would be lost though checkpointed; now only a
//! deletion between that `stat` and the write itself can lose them.
//!
//! **File descriptors.** At most [`output_cap`] outputs are open at once (an eighth of the
//! process's open-files limit: the rest is the file source's and the sockets'). Opening one
//! more closes the least recently written. An output holding data not yet synced must be
//! synced before its handle goes, since a checkpoint may only cover synced data: it waits in a
//! list the next `sync` syncs and closes (at most a quarter of the cap; beyond that it is
//! synced at once), and if its sync fails it stays there and `sync` keeps failing, holding the
//! checkpoints back, until one succeeds. A closed output is reopened in append mode at its
//! next write.
//!
//! **Outputs that cannot exist at their path.** Some mirrored paths can never be created: a
//! name that a redacted secret made longer than the file system allows (ENAMETOOLONG), or a
//! followed file `svc` later replaced by a directory `svc/` whose files' outputs would need
//! the output file `svc` to be a directory (EEXIST, ENOTDIR; EISDIR the other way round).
//! Retrying such a write would block every stream of the sink forever, so that stream alone is
//! written to `<dir>/<source>/_unwritable/<h>.log` instead, `h` the hex of the first 16 bytes of
//! the SHA-256 of its output path below `<dir>/<source>`: the same file at every start, so
//! checkpoints' output marks name it. One warning per stream names the fallback, the reason
//! and the (scrubbed) stream. The path is tried again after a SIGHUP or restart. Other errors
//! (ENOSPC, EACCES, EROFS, EIO, …) can heal and are retried as before.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{BuildCtx, ParseCtx, Sink, SinkSpec, TableError};
use crate::batch::{path_of_stream, Record, RecordKind};
use crate::checkpoint::SinkMark;

/// `[[sinks]] type = "file"`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFileSink {
    /// Outputs of source `s` go under `<dir>/<s>/`.
    dir: PathBuf,
}

/// Parse a file sink's table.
pub(crate) fn parse(
    table: toml::Table,
    ctx: &ParseCtx<'_>,
) -> Result<Box<dyn SinkSpec>, TableError> {
    let raw: RawFileSink = super::from_table(table)?;
    Ok(Box::new(FileSinkSpec {
        dir: ctx.base.join(raw.dir),
    }))
}

/// A validated file sink.
#[derive(Debug)]
pub(crate) struct FileSinkSpec {
    pub dir: PathBuf,
}

impl SinkSpec for FileSinkSpec {
    fn output_dir(&self, source: &str) -> Option<PathBuf> {
        Some(self.dir.join(source))
    }

    fn build(&self, _ctx: BuildCtx<'_>) -> Box<dyn Sink> {
        Box::new(FileSink::new(self.dir.clone()))
    }
}

/// Appends to mirrored files under `dir`.
pub struct FileSink {
    dir: PathBuf,
    /// Open outputs.
    open: HashMap<PathBuf, Output>,
    /// Most outputs open at once; read from the fd limit at the first write (after the file
    /// source raised the soft limit).
    cap: Option<usize>,
    /// Counts writes: [`Output::used`] orders outputs by their last write.
    clock: u64,
    /// Handles closed out of `open` while holding data not yet synced (their sync failed at
    /// eviction, or a write failed): `sync` syncs them before it may succeed.
    unsynced: Vec<(PathBuf, File)>,
    /// Outputs that cannot be created at their path → the fallback file written instead
    /// (until the next `reopen`).
    fallbacks: HashMap<PathBuf, PathBuf>,
}

/// The folder under `<dir>/<source>` of the outputs that cannot be created at their path.
const UNWRITABLE_DIR: &str = "_unwritable";

/// Whether opening an output failed for a reason retrying cannot fix: a name too long, a file
/// where a directory must be or a directory where the file must be. A full disk, a permission,
/// a read-only or failing file system can heal: those are retried.
fn unwritable_path(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENAMETOOLONG | libc::EEXIST | libc::ENOTDIR | libc::EISDIR)
    )
}

/// Open `path` for appending, creating it and its parent directories. On failure: the error,
/// naming the path, and whether it is one retrying cannot fix ([`unwritable_path`]).
fn create_output(path: &Path) -> Result<(File, std::fs::Metadata), (io::Error, bool)> {
    let context = |what: &str, p: &Path, e: io::Error| {
        let unwritable = unwritable_path(&e);
        let e = io::Error::new(e.kind(), format!("{what} {}: {e}", p.display()));
        (e, unwritable)
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| context("creating", parent, e))?;
    }
    let f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| context("opening", path, e))?;
    let meta = f.metadata().map_err(|e| {
        let e = io::Error::new(e.kind(), format!("stat {}: {e}", path.display()));
        (e, false)
    })?;
    Ok((f, meta))
}

/// One open output.
struct Output {
    file: File,
    /// Device and inode of `file`: whether the path still names it.
    id: (u64, u64),
    /// Written since the last sync.
    dirty: bool,
    len: u64,
    /// [`FileSink::clock`] at the last write.
    used: u64,
}

/// Most outputs a file sink keeps open under an open-files limit of `limit` (0: unknown).
pub(crate) fn output_cap(limit: u64) -> usize {
    if limit == 0 {
        return 128;
    }
    usize::try_from(limit / 8).unwrap_or(usize::MAX).max(4)
}

/// The process's soft open-files limit (0 if it cannot be read).
#[allow(clippy::unnecessary_cast)] // `rlim_t` is not `u64` on every target
fn soft_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit with a valid pointer to an initialised struct.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 0;
    }
    lim.rlim_cur as u64
}

impl FileSink {
    pub fn new(dir: PathBuf) -> Self {
        FileSink {
            dir,
            open: HashMap::new(),
            cap: None,
            clock: 0,
            unsynced: Vec::new(),
            fallbacks: HashMap::new(),
        }
    }

    /// At most `cap` outputs open at once (tests; the default comes from the fd limit).
    #[cfg(test)]
    fn with_cap(mut self, cap: usize) -> Self {
        self.cap = Some(cap);
        self
    }

    /// Close the least recently written output, synced first if it holds unsynced data.
    fn evict_one(&mut self) {
        let Some(path) = self
            .open
            .iter()
            .min_by_key(|(_, o)| o.used)
            .map(|(p, _)| p.clone())
        else {
            return;
        };
        let out = self.open.remove(&path).expect("just found");
        let cap = self.cap.unwrap_or(1);
        if out.dirty && self.unsynced.len() < cap.div_ceil(4) {
            // Synced and closed by the next `sync`, within a second: a burst of new outputs
            // does not wait for one fsync each.
            self.unsynced.push((path, out.file));
            return;
        }
        self.retire(path, out);
    }

    /// Drop an output's handle, unless it holds data not yet synced that cannot be synced
    /// now: then it waits in `unsynced` for the next `sync`.
    fn retire(&mut self, path: PathBuf, out: Output) {
        if out.dirty {
            if let Err(e) = sync_data(&out.file) {
                tracing::warn!(path = ?path, error = %e, "cannot sync an output before closing it; kept open until a sync succeeds");
                self.unsynced.push((path, out.file));
            }
        }
    }

    /// Where lines of input stream `stream` read by `source` are written: a file's path
    /// mirrored below `<dir>/<source>`, a CloudWatch stream flattened (`/` becomes `_`).
    pub fn output_path(&self, source: &str, stream: &str, kind: RecordKind) -> PathBuf {
        let base = self.dir.join(source);
        if kind == RecordKind::Lines {
            let mut out = base.clone();
            for c in path_of_stream(stream).components() {
                // A file's path below its root has only normal components; anything else
                // (never produced by discovery) must not climb out of the output dir.
                match c {
                    std::path::Component::Normal(n) => out.push(n),
                    _ => out.push("_"),
                }
            }
            if out != base {
                return out;
            }
        }
        let mut name: String = stream
            .chars()
            .map(|c| if c == '/' || c == '\0' { '_' } else { c })
            .collect();
        if name.is_empty() || name.starts_with('.') {
            name.insert(0, '_');
        }
        base.join(name)
    }

    /// Where the lines of output `primary` of `source` go when `primary` cannot be created.
    fn fallback_path(&self, source: &str, primary: &Path) -> PathBuf {
        let base = self.dir.join(source);
        let rel = primary.strip_prefix(&base).unwrap_or(primary);
        let digest = Sha256::digest(rel.as_os_str().as_bytes());
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        base.join(UNWRITABLE_DIR).join(format!("{hex}.log"))
    }

    /// Open the output of stream `stream` (scrubbed) of `source`, mirrored at `primary`, and
    /// return the path it is open at: `primary`, or its fallback when `primary` cannot be
    /// created for a reason retrying cannot fix (warned once).
    fn open_output(&mut self, source: &str, stream: &str, primary: PathBuf) -> io::Result<PathBuf> {
        if let Some(fallback) = self.fallbacks.get(&primary).cloned() {
            self.file(&fallback).map_err(|(e, _)| e)?;
            return Ok(fallback);
        }
        let e = match self.file(&primary) {
            Ok(_) => return Ok(primary),
            Err((e, false)) => return Err(e),
            Err((e, true)) => e,
        };
        let fallback = self.fallback_path(source, &primary);
        self.file(&fallback).map_err(|(fe, _)| {
            io::Error::new(fe.kind(), format!("{e}; and for its fallback, {fe}"))
        })?;
        tracing::warn!(
            source,
            stream,
            fallback = %fallback.display(),
            reason = %e,
            "a stream's output cannot be created at its path; writing it to a fallback file"
        );
        self.fallbacks.insert(primary, fallback.clone());
        Ok(fallback)
    }

    /// The open output at `path`, opened (created) if it is not; on failure the error and
    /// whether retrying cannot fix it.
    fn file(&mut self, path: &Path) -> Result<&mut Output, (io::Error, bool)> {
        use std::os::unix::fs::MetadataExt;
        self.clock += 1;
        if let Some(out) = self.open.get(path) {
            let here = match std::fs::metadata(path) {
                Ok(m) => Some((m.dev(), m.ino())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(_) => Some(out.id), // cannot tell (permissions): keep writing to it
            };
            if here != Some(out.id) {
                tracing::info!(path = ?path, "output moved or deleted without a SIGHUP; writing to a new file at its path");
                let out = self.open.remove(path).expect("just found");
                self.retire(path.to_path_buf(), out);
            }
        }
        if !self.open.contains_key(path) {
            let cap = *self.cap.get_or_insert_with(|| output_cap(soft_fd_limit()));
            while self.open.len() >= cap && !self.open.is_empty() {
                self.evict_one();
            }
            let (f, meta) = create_output(path)?;
            self.open.insert(
                path.to_path_buf(),
                Output {
                    file: f,
                    id: (meta.dev(), meta.ino()),
                    len: meta.len(),
                    dirty: false,
                    used: 0,
                },
            );
        }
        let out = self.open.get_mut(path).expect("just inserted");
        out.used = self.clock;
        Ok(out)
    }
}

impl FileSink {
    /// Append `data` to the output open at `path` (by [`FileSink::open_output`]).
    fn append(&mut self, path: PathBuf, data: &[u8]) -> io::Result<SinkMark> {
        let out = self.open.get_mut(&path).expect("opened by open_output");
        let result = append_to(out, &path, data);
        if result.is_err() {
            // Reopen (and re-read its length) on the next attempt; earlier writes to it that
            // are not synced yet still count for the next `sync`.
            if let Some(out) = self.open.remove(&path) {
                if out.dirty {
                    self.unsynced.push((path, out.file));
                }
            }
        }
        result
    }
}

/// Append `data` to `out` (at `path`); its mark after the write.
fn append_to(out: &mut Output, path: &Path, data: &[u8]) -> io::Result<SinkMark> {
    let Output {
        file: f, dirty, len, ..
    } = out;
    *dirty = true;
    let mut written = 0;
    while written < data.len() {
        match f.write(&data[written..]) {
            Ok(0) => {
                let e = io::Error::new(io::ErrorKind::WriteZero, "wrote nothing");
                cut_partial_append(f, written);
                return Err(io::Error::new(
                    e.kind(),
                    format!("writing {}: {e}", path.display()),
                ));
            }
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                // A failed append (ENOSPC) may have written part of `data`: cut it off,
                // so the retry's whole write leaves no fragment and no duplicate lines.
                cut_partial_append(f, written);
                return Err(io::Error::new(
                    e.kind(),
                    format!("writing {}: {e}", path.display()),
                ));
            }
        }
    }
    *len += data.len() as u64;
    Ok(SinkMark {
        path: path.to_path_buf(),
        len: *len,
    })
}

/// Remove the `written` bytes a failed append left at the end of `f`. Measured from the
/// file's length now, not from the length we last knew: logrotate's copytruncate may have
/// truncated the output meanwhile, and cutting back to the old length would extend the file
/// with a run of NUL bytes.
fn cut_partial_append(f: &File, written: usize) {
    if written == 0 {
        return;
    }
    if let Ok(m) = f.metadata() {
        let _ = f.set_len(m.len().saturating_sub(written as u64));
    }
}

impl Sink for FileSink {
    fn write(
        &mut self,
        source: &str,
        data: &[u8],
        records: &[Record],
    ) -> io::Result<Option<SinkMark>> {
        let mut mark = None;
        // Consecutive records of one stream go out in one write.
        let mut at = 0;
        while at < records.len() {
            let stream = &records[at].stream;
            let start: usize = records[..at].iter().map(|r| r.len).sum();
            let mut end = start;
            while at < records.len() && records[at].stream == *stream {
                end += records[at].len;
                at += 1;
            }
            let primary = self.output_path(source, stream, records[at - 1].kind);
            let path = self.open_output(source, stream, primary)?;
            mark = Some(self.append(path, &data[start.min(data.len())..end.min(data.len())])?);
        }
        Ok(if records.len() == 1 { mark } else { None })
    }

    fn outputs(&mut self, source: &str, records: &[Record]) -> Vec<SinkMark> {
        let mut marks: Vec<SinkMark> = Vec::new();
        for (i, r) in records.iter().enumerate() {
            if i > 0 && records[i - 1].stream == r.stream && records[i - 1].kind == r.kind {
                continue; // the same output as the record before
            }
            let primary = self.output_path(source, &r.stream, r.kind);
            let path = match self.fallbacks.get(&primary) {
                Some(fallback) => fallback.clone(),
                None if self.open.contains_key(&primary) => primary,
                // Opened now, as the write would: an output that cannot be created at its
                // path is recorded at its fallback, where the write will append.
                None => self
                    .open_output(source, &r.stream, primary.clone())
                    .unwrap_or(primary),
            };
            if marks.iter().any(|m| m.path == path) {
                continue;
            }
            let len = match self.open.get(&path) {
                Some(o) => o.len,
                None => std::fs::metadata(&path).map_or(0, |m| m.len()),
            };
            marks.push(SinkMark { path, len });
        }
        marks
    }

    fn sync(&mut self) -> io::Result<()> {
        while let Some((path, f)) = self.unsynced.last() {
            sync_data(f).map_err(|e| {
                io::Error::new(e.kind(), format!("syncing {}: {e}", path.display()))
            })?;
            self.unsynced.pop();
        }
        for (path, out) in self.open.iter_mut() {
            if out.dirty {
                sync_data(&out.file).map_err(|e| {
                    io::Error::new(e.kind(), format!("syncing {}: {e}", path.display()))
                })?;
                out.dirty = false;
            }
        }
        Ok(())
    }

    fn reopen(&mut self) -> io::Result<()> {
        self.sync()?;
        self.open.clear();
        self.fallbacks.clear(); // try their paths again
        Ok(())
    }
}

/// `fdatasync` of an output; an output that cannot be synchronized (a FIFO, a socket, a
/// character device: `EINVAL`/`EROFS`, see fsync(2)) has nothing to sync, its writes are
/// already delivered.
fn sync_data(f: &File) -> io::Result<()> {
    match f.sync_data() {
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::EROFS)) => {
            let special = f.metadata().is_ok_and(|m| !m.is_file());
            if special {
                Ok(())
            } else {
                Err(e)
            }
        }
        r => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::RecordKind;
    use std::sync::Arc;

    /// A FIFO as an output (a pipe to another program): fsync says EINVAL, and there is nothing
    /// to sync. Taken for a failure, it held every checkpoint back for good.
    #[test]
    fn an_output_that_cannot_be_synced_has_nothing_to_sync() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let f = OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
        assert_eq!(f.sync_data().unwrap_err().raw_os_error(), Some(libc::EINVAL));
        sync_data(&f).unwrap();
        let regular = File::create(dir.path().join("f")).unwrap();
        sync_data(&regular).unwrap();
    }

    fn lines(stream: &str, data: &[u8]) -> Vec<Record> {
        vec![Record {
            stream: Arc::from(stream),
            len: data.len(),
            kind: RecordKind::Lines,
        }]
    }

    #[test]
    fn events_go_to_one_file_per_stream() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        let ev = |stream: &str, len| Record {
            stream: Arc::from(stream),
            len,
            kind: RecordKind::Event {
                timestamp_ms: 1,
                newline: true,
            },
        };
        let data = b"a1\nb1\na2\n";
        let mark = s
            .write("cw", data, &[ev("2026/a", 3), ev("b", 3), ev("2026/a", 3)])
            .unwrap();
        assert_eq!(mark, None, "several outputs: no single mark");
        assert_eq!(
            std::fs::read(dir.path().join("cw/2026_a")).unwrap(),
            b"a1\na2\n"
        );
        assert_eq!(std::fs::read(dir.path().join("cw/b")).unwrap(), b"b1\n");
        let event = RecordKind::Event {
            timestamp_ms: 1,
            newline: true,
        };
        assert_eq!(s.output_path("cw", "..", event).file_name().unwrap(), "_..");
    }

    #[test]
    fn an_output_moved_or_deleted_without_sighup_is_created_again_at_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        let out = dir.path().join("app/x.log");
        let write = |s: &mut FileSink, text: &[u8]| {
            s.write("app", text, &lines("x.log", text)).unwrap();
        };
        write(&mut s, b"1\n");
        // logrotate's `create` without a postrotate SIGHUP
        std::fs::rename(&out, dir.path().join("app/x.log.1")).unwrap();
        write(&mut s, b"2\n");
        // a cleanup job deletes it
        std::fs::remove_file(&out).unwrap();
        write(&mut s, b"3\n");
        // replaced by another file
        std::fs::write(dir.path().join("app/tmp"), b"other\n").unwrap();
        std::fs::rename(dir.path().join("app/tmp"), &out).unwrap();
        write(&mut s, b"4\n");
        write(&mut s, b"5\n");
        s.sync().unwrap();
        assert_eq!(std::fs::read(dir.path().join("app/x.log.1")).unwrap(), b"1\n");
        assert_eq!(std::fs::read(&out).unwrap(), b"other\n4\n5\n");
        let mark = s.outputs("app", &lines("x.log", b"")).pop().unwrap();
        assert_eq!(mark.len, 10, "the mark is the new file's length");
    }

    #[test]
    fn file_outputs_mirror_the_path_below_the_root_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        s.write("app", b"one\n", &lines("d1/app.log", b"one\n"))
            .unwrap();
        s.write("app", b"two\n", &lines("d2/app.log", b"two\n"))
            .unwrap();
        s.write("app", b"three\n", &lines("bad\\xff.log", b"three\n"))
            .unwrap();
        s.write("app", b"four\n", &lines("bad\\xfe.log", b"four\n"))
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("app/d1/app.log")).unwrap(),
            b"one\n"
        );
        assert_eq!(
            std::fs::read(dir.path().join("app/d2/app.log")).unwrap(),
            b"two\n"
        );
        let bad = |b: &[u8]| dir.path().join("app").join(std::ffi::OsStr::from_bytes(b));
        assert_eq!(std::fs::read(bad(b"bad\xff.log")).unwrap(), b"three\n");
        assert_eq!(std::fs::read(bad(b"bad\xfe.log")).unwrap(), b"four\n");
        assert_eq!(
            s.output_path("app", "../../etc/x", RecordKind::Lines),
            dir.path().join("app/_/_/etc/x")
        );
    }

    #[test]
    fn mirrors_input_name_under_source_dir() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        s.write("app", b"one\n", &lines("x.log", b"one\n")).unwrap();
        s.write("app", b"two\n", &lines("x.log", b"two\n")).unwrap();
        s.sync().unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("app/x.log")).unwrap(),
            b"one\ntwo\n"
        );
    }

    #[test]
    fn reopen_follows_a_rotated_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        s.write("app", b"before\n", &lines("a.log", b"before\n"))
            .unwrap();
        std::fs::rename(dir.path().join("app/a.log"), dir.path().join("app/a.log.1")).unwrap();
        s.reopen().unwrap();
        s.write("app", b"after\n", &lines("a.log", b"after\n"))
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("app/a.log.1")).unwrap(),
            b"before\n"
        );
        assert_eq!(
            std::fs::read(dir.path().join("app/a.log")).unwrap(),
            b"after\n"
        );
    }

    #[test]
    fn outputs_beyond_the_cap_close_the_least_recently_written_and_reopen_appending() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf()).with_cap(2);
        s.write("app", b"a1\n", &lines("a.log", b"a1\n")).unwrap();
        s.write("app", b"b1\n", &lines("b.log", b"b1\n")).unwrap();
        s.write("app", b"a2\n", &lines("a.log", b"a2\n")).unwrap();
        // c.log evicts b.log, the least recently written; a.log stays open.
        s.write("app", b"c1\n", &lines("c.log", b"c1\n")).unwrap();
        assert_eq!(s.open.len(), 2);
        assert!(!s.open.contains_key(&dir.path().join("app/b.log")));
        assert_eq!(s.unsynced.len(), 1, "b.log waits for the next sync");
        s.sync().unwrap();
        assert!(s.unsynced.is_empty(), "synced and closed");
        // b.log reopens in append mode, and its mark counts what it held before.
        let mark = s
            .write("app", b"b2\n", &lines("b.log", b"b2\n"))
            .unwrap()
            .unwrap();
        assert_eq!(mark.len, 6);
        assert_eq!(s.open.len(), 2);
        s.sync().unwrap();
        assert!(s.open.values().all(|o| !o.dirty));
        for (name, want) in [("a.log", "a1\na2\n"), ("b.log", "b1\nb2\n"), ("c.log", "c1\n")] {
            assert_eq!(
                std::fs::read_to_string(dir.path().join("app").join(name)).unwrap(),
                want
            );
        }
    }

    #[test]
    fn many_outputs_under_a_small_cap_keep_every_line_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf()).with_cap(3);
        for round in 0..4 {
            for f in 0..10 {
                let line = format!("{f}-{round}\n");
                s.write("app", line.as_bytes(), &lines(&format!("{f}.log"), line.as_bytes()))
                    .unwrap();
                assert!(s.open.len() <= 3);
                assert!(s.unsynced.len() <= 1, "a quarter of the cap, rounded up");
            }
            if round == 1 {
                s.reopen().unwrap(); // SIGHUP in the middle
            }
        }
        s.sync().unwrap();
        for f in 0..10 {
            assert_eq!(
                std::fs::read_to_string(dir.path().join(format!("app/{f}.log"))).unwrap(),
                (0..4).map(|r| format!("{f}-{r}\n")).collect::<String>()
            );
        }
    }

    #[test]
    fn output_cap_is_an_eighth_of_the_fd_limit() {
        assert_eq!(output_cap(256), 32);
        assert_eq!(output_cap(8), 4, "never below 4");
        assert_eq!(output_cap(0), 128, "limit unknown");
    }

    /// Two streams in one write, `good` first: their records over `data`.
    fn two_streams(good: &str, bad: &str, g: &[u8], b: &[u8]) -> (Vec<u8>, Vec<Record>) {
        let mut records = lines(good, g);
        records.extend(lines(bad, b));
        ([g, b].concat(), records)
    }

    /// The fallback of output `rel` (below `<dir>/<source>`), spelled out.
    fn fallback_of(dir: &Path, source: &str, rel: &[u8]) -> PathBuf {
        let digest = Sha256::digest(rel);
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        dir.join(source).join("_unwritable").join(hex + ".log")
    }

    #[test]
    fn a_stream_whose_output_name_is_too_long_goes_to_a_fallback_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        // A 255-byte name with an AWS key id, as the scrub stage hands it on: 260 bytes.
        let raw = format!("{}AKIAABCDEFGHIJKLMNOP.log", "n".repeat(231));
        assert_eq!(raw.len(), 255);
        let long = raw.replace("AKIAABCDEFGHIJKLMNOP", "[REDACTED:aws-access-key]");
        assert_eq!(long.len(), 260);
        let fallback = fallback_of(dir.path(), "app", long.as_bytes());

        // Before the write, the pipeline records where it will append: the fallback.
        let (data, records) = two_streams("ok.log", &long, b"ok 1\n", b"long 1\r\n\xff\n");
        let marks = s.outputs("app", &records);
        assert_eq!(
            marks,
            vec![
                SinkMark { path: dir.path().join("app/ok.log"), len: 0 },
                SinkMark { path: fallback.clone(), len: 0 },
            ]
        );
        s.write("app", &data, &records).unwrap();
        assert_eq!(std::fs::read(dir.path().join("app/ok.log")).unwrap(), b"ok 1\n");
        assert_eq!(std::fs::read(&fallback).unwrap(), b"long 1\r\n\xff\n");

        // The next write of the stream appends there, and its mark names it.
        let mark = s.write("app", b"long 2\n", &lines(&long, b"long 2\n")).unwrap();
        assert_eq!(mark, Some(SinkMark { path: fallback.clone(), len: 17 }));
        let (data, records) = two_streams("ok.log", &long, b"ok 2\n", b"long 3\n");
        s.write("app", &data, &records).unwrap();
        s.sync().unwrap();
        assert_eq!(std::fs::read(dir.path().join("app/ok.log")).unwrap(), b"ok 1\nok 2\n");
        assert_eq!(
            std::fs::read(&fallback).unwrap(),
            b"long 1\r\n\xff\nlong 2\nlong 3\n"
        );

        // A restart (a new sink) finds the same file, with its length, and appends to it.
        let mut s = FileSink::new(dir.path().to_path_buf());
        let marks = s.outputs("app", &lines(&long, b"long 4\n"));
        assert_eq!(marks, vec![SinkMark { path: fallback.clone(), len: 24 }]);
        s.write("app", b"long 4\n", &lines(&long, b"long 4\n")).unwrap();
        assert_eq!(
            std::fs::read(&fallback).unwrap(),
            b"long 1\r\n\xff\nlong 2\nlong 3\nlong 4\n"
        );
        let entries = std::fs::read_dir(dir.path().join("app/_unwritable")).unwrap().count();
        assert_eq!(entries, 1);
    }

    #[test]
    fn a_stream_whose_parent_output_is_a_file_goes_to_a_fallback_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = FileSink::new(dir.path().to_path_buf());
        // `logs/svc` was a followed file, then became a directory holding `x.log`.
        s.write("app", b"svc\n", &lines("svc", b"svc\n")).unwrap();
        let fallback = fallback_of(dir.path(), "app", b"svc/x.log");
        let (data, records) = two_streams("ok.log", "svc/x.log", b"ok 1\n", b"x 1\n");
        let marks = s.outputs("app", &records);
        assert_eq!(marks[1], SinkMark { path: fallback.clone(), len: 0 });
        s.write("app", &data, &records).unwrap();
        let (data, records) = two_streams("ok.log", "svc/x.log", b"ok 2\n", b"x 2\n");
        s.write("app", &data, &records).unwrap();
        s.sync().unwrap();
        assert_eq!(std::fs::read(dir.path().join("app/svc")).unwrap(), b"svc\n");
        assert_eq!(std::fs::read(dir.path().join("app/ok.log")).unwrap(), b"ok 1\nok 2\n");
        assert_eq!(std::fs::read(&fallback).unwrap(), b"x 1\nx 2\n");
        // Deeper below the file (ENOTDIR), and a directory where the file must be (EISDIR).
        let deeper = fallback_of(dir.path(), "app", b"svc/d/y.log");
        s.write("app", b"y\n", &lines("svc/d/y.log", b"y\n")).unwrap();
        assert_eq!(std::fs::read(&deeper).unwrap(), b"y\n");
        s.write("app", b"z\n", &lines("dir/z.log", b"z\n")).unwrap();
        let is_dir = fallback_of(dir.path(), "app", b"dir");
        s.write("app", b"d\n", &lines("dir", b"d\n")).unwrap();
        assert_eq!(std::fs::read(&is_dir).unwrap(), b"d\n");
        assert_eq!(std::fs::read(dir.path().join("app/dir/z.log")).unwrap(), b"z\n");
    }

    #[test]
    fn only_errors_retrying_cannot_fix_choose_a_fallback() {
        let os = io::Error::from_raw_os_error;
        for e in [libc::ENAMETOOLONG, libc::EEXIST, libc::ENOTDIR, libc::EISDIR] {
            assert!(unwritable_path(&os(e)), "{e}");
        }
        for e in [libc::ENOSPC, libc::EACCES, libc::EROFS, libc::EIO, libc::EMFILE] {
            assert!(!unwritable_path(&os(e)), "{e}");
        }
    }

    #[test]
    fn unwritable_dir_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let mut s = FileSink::new(blocker.clone());
        let e = s.write("app", b"x\n", &lines("a.log", b"x\n")).unwrap_err();
        assert!(e.to_string().contains(&*blocker.to_string_lossy()), "{e}");
    }
}
