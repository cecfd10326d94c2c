//! The file sink: lines of input `/var/log/app/x.log` of source `app` are appended to
//! `<dir>/app/x.log`; a CloudWatch stream `2026/11/24/[$LATEST]ab12` of source `cw` to
//! `<dir>/cw/2026_11_24_[$LATEST]ab12` (`/` becomes `_`).
//!
//! **Names, one-to-one.** A file's output mirrors its path below its source's root (the
//! deepest directory holding every include glob's literal prefix): with
//! `include = ["/var/log/*/app.log"]`, `/var/log/d1/app.log` goes to `<dir>/app/d1/app.log` and
//! `/var/log/d2/app.log` to `<dir>/app/d2/app.log`. When all of a source's files are in one
//! directory (the usual `/var/log/app/*.log`) that is just the file name, as before. Names are
//! kept byte for byte, invalid UTF-8 included.
//!
//! Files stay open between writes; `reopen` (SIGHUP, logrotate's postrotate) closes them so the
//! next write creates the file afresh at its path. `sync` fsyncs the files written since the
//! last sync.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

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
    /// Open outputs: file, written since the last sync, length.
    open: HashMap<PathBuf, (File, bool, u64)>,
}

impl FileSink {
    pub fn new(dir: PathBuf) -> Self {
        FileSink {
            dir,
            open: HashMap::new(),
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

    fn file(&mut self, path: PathBuf) -> io::Result<&mut (File, bool, u64)> {
        if !self.open.contains_key(&path) {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    io::Error::new(e.kind(), format!("creating {}: {e}", parent.display()))
                })?;
            }
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| {
                    io::Error::new(e.kind(), format!("opening {}: {e}", path.display()))
                })?;
            let len = f
                .metadata()
                .map_err(|e| io::Error::new(e.kind(), format!("stat {}: {e}", path.display())))?
                .len();
            self.open.insert(path.clone(), (f, false, len));
        }
        Ok(self.open.get_mut(&path).expect("just inserted"))
    }
}

impl FileSink {
    fn append(&mut self, path: PathBuf, data: &[u8]) -> io::Result<SinkMark> {
        let result = self.file(path.clone()).and_then(|(f, dirty, len)| {
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
                path: path.clone(),
                len: *len,
            })
        });
        if result.is_err() {
            self.open.remove(&path); // reopen (and re-read its length) on the next attempt
        }
        result
    }
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
            let path = self.output_path(source, stream, records[at - 1].kind);
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
            let path = self.output_path(source, &r.stream, r.kind);
            if marks.iter().any(|m| m.path == path) {
                continue;
            }
            let len = match self.open.get(&path) {
                Some((_, _, len)) => *len,
                None => std::fs::metadata(&path).map_or(0, |m| m.len()),
            };
            marks.push(SinkMark { path, len });
        }
        marks
    }

    fn sync(&mut self) -> io::Result<()> {
        for (path, (f, dirty, _)) in self.open.iter_mut() {
            if *dirty {
                f.sync_data().map_err(|e| {
                    io::Error::new(e.kind(), format!("syncing {}: {e}", path.display()))
                })?;
                *dirty = false;
            }
        }
        Ok(())
    }

    fn reopen(&mut self) -> io::Result<()> {
        self.sync()?;
        self.open.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::RecordKind;
    use std::sync::Arc;

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
    fn unwritable_dir_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"").unwrap();
        let mut s = FileSink::new(blocker.clone());
        let e = s.write("app", b"x\n", &lines("a.log", b"x\n")).unwrap_err();
        assert!(e.to_string().contains(&*blocker.to_string_lossy()), "{e}");
    }
}
