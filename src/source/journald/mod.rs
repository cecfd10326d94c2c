//! journald source: follows the systemd journal through `journalctl -o json --follow`,
//! filtered by units and syslog identifiers, resuming after the last delivered entry's cursor.
//!
//! **Why journalctl, not the journal API.** The journal file format and its C library are
//! systemd's business; `journalctl` is on every host that has a journal, reads every journal
//! it can (system, user, `--directory`, `--file`), and `--after-cursor` gives exactly-once
//! resumption from an opaque cursor. One child process per source, read line by line.
//!
//! **Entries → lines.** An entry's `MESSAGE` becomes one or more lines (a final `\n` taken
//! off and remembered, as for CloudWatch events), framed by the one line rule; a binary
//! `MESSAGE` (an array of bytes in journalctl's JSON) keeps its bytes. The stream is the entry's
//! unit (`_SYSTEMD_UNIT`), else its `SYSLOG_IDENTIFIER`, else `journal`; the timestamp is
//! `__REALTIME_TIMESTAMP`. The position is the last entry's `__CURSOR`.
//!
//! **Where a first start begins.** `start_at = "end"` (the default): entries from now on;
//! `"beginning"`: every entry the journal still holds. With a checkpoint: after its cursor.
//! If journalctl exits (rotated away, not installed) it is started again after a pause, from
//! the last cursor sent, and counted as a source error.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::{BuildCtx, ParseCtx, Source, SourceIo, SourceSpec, TableError};
use crate::batch::{Batch, CursorPosition, Framer, Position, Record, RecordKind};
use crate::metrics::Event;

/// The checkpoint key of a source's one journal reader.
const KEY: &str = "journal";
/// Most entries in one batch.
const BATCH_ENTRIES: usize = 1000;
/// A batch is sent at the latest this long after its first entry arrived.
const BATCH_WAIT: Duration = Duration::from_millis(100);
/// Pause before starting journalctl again after it exited.
const RESTART_PAUSE: Duration = Duration::from_secs(1);

/// `[[sources]] type = "journald"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJournaldSource {
    /// Only entries of these systemd units (`-u`), any of them.
    #[serde(default)]
    units: Vec<String>,
    /// Only entries with these syslog identifiers (`-t`), any of them.
    #[serde(default)]
    identifiers: Vec<String>,
    /// `"end"` (default) or `"beginning"`, for a first start without checkpoint.
    start_at: Option<String>,
    /// Read the journal files in this directory instead of the system journal (`-D`).
    directory: Option<PathBuf>,
    /// Read these journal files instead of the system journal (`--file`).
    #[serde(default)]
    files: Vec<PathBuf>,
    /// The journalctl to run (default: `journalctl` on the PATH).
    journalctl: Option<PathBuf>,
}

/// Parse and validate a journald source's table.
pub(crate) fn parse(
    table: toml::Table,
    ctx: &mut ParseCtx<'_>,
) -> Result<Box<dyn SourceSpec>, TableError> {
    let raw: RawJournaldSource = super::from_table(table)?;
    let from_beginning = match raw.start_at.as_deref() {
        None | Some("end") => false,
        Some("beginning") => true,
        Some(other) => {
            return Err(TableError::at(
                other,
                format!("start_at {other:?}: expected \"end\" or \"beginning\""),
            ))
        }
    };
    if raw.directory.is_some() && !raw.files.is_empty() {
        return Err(TableError::table(format!(
            "source {:?}: set directory or files, not both",
            ctx.name
        )));
    }
    for u in raw.units.iter().chain(&raw.identifiers) {
        if u.is_empty() || u.starts_with('-') {
            return Err(TableError::at(
                u,
                format!("{u:?}: not a unit or identifier"),
            ));
        }
    }
    Ok(Box::new(JournaldSpec {
        units: raw.units,
        identifiers: raw.identifiers,
        from_beginning,
        directory: raw.directory.map(|d| ctx.base.join(d)),
        files: raw.files.iter().map(|f| ctx.base.join(f)).collect(),
        journalctl: raw.journalctl.unwrap_or_else(|| "journalctl".into()),
        max_line_bytes: ctx.max_line_bytes,
    }))
}

/// A validated journald source.
#[derive(Debug, Clone)]
struct JournaldSpec {
    units: Vec<String>,
    identifiers: Vec<String>,
    from_beginning: bool,
    directory: Option<PathBuf>,
    files: Vec<PathBuf>,
    journalctl: PathBuf,
    max_line_bytes: usize,
}

impl SourceSpec for JournaldSpec {
    fn build(&self, ctx: BuildCtx<'_>) -> anyhow::Result<Box<dyn Source>> {
        let cursor = ctx
            .store
            .get_cursors(ctx.name)
            .into_iter()
            .find(|c| c.key == KEY)
            .map(|c| c.cursor);
        let first_start = !ctx.store.has_started(ctx.name);
        ctx.store.mark_started(ctx.name);
        Ok(Box::new(JournaldSource {
            spec: self.clone(),
            cursor,
            // `start_at` is a first-start policy, as for files: later starts without a cursor
            // (nothing delivered yet) read what the journal holds.
            from_beginning: self.from_beginning || !first_start,
        }))
    }
}

/// The running source.
struct JournaldSource {
    spec: JournaldSpec,
    /// Resume after this entry.
    cursor: Option<String>,
    from_beginning: bool,
}

impl JournaldSource {
    fn command(&self) -> Command {
        let s = &self.spec;
        let mut cmd = Command::new(&s.journalctl);
        cmd.args(["--output=json", "--follow", "--no-pager", "--all"])
            .arg("--output-fields=MESSAGE,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER");
        for u in &s.units {
            cmd.arg(format!("--unit={u}"));
        }
        for t in &s.identifiers {
            cmd.arg(format!("--identifier={t}"));
        }
        if let Some(d) = &s.directory {
            cmd.arg("--directory").arg(d);
        }
        for f in &s.files {
            cmd.arg("--file").arg(f);
        }
        match (&self.cursor, self.from_beginning) {
            (Some(c), _) => {
                cmd.arg(format!("--after-cursor={c}"));
            }
            (None, true) => {
                cmd.arg("--no-tail");
            }
            (None, false) => {
                cmd.arg("--lines=0");
            }
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        cmd
    }

    /// Run one journalctl until it exits or the source is cancelled; false once cancelled or
    /// the pipeline is gone.
    fn follow(&mut self, io: &SourceIo) -> bool {
        let mut child = match self.command().spawn() {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(source = %io.name, journalctl = ?self.spec.journalctl, error = %e, "cannot start journalctl; retrying");
                io.emit.emit(Event::SourceError { source: &io.name });
                return true;
            }
        };
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std_mpsc::sync_channel::<Vec<u8>>(BATCH_ENTRIES);
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                match r.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut batch = Pending::new(self.spec.max_line_bytes);
        let going = loop {
            if io.cancel.is_cancelled() {
                break false;
            }
            let wait = if batch.is_empty() {
                Duration::from_millis(250)
            } else {
                BATCH_WAIT
            };
            match rx.recv_timeout(wait) {
                Ok(line) => match serde_json::from_slice::<Entry>(&line) {
                    Ok(entry) => batch.push(entry),
                    Err(_) => {
                        // Never log the line: it is unscrubbed content.
                        tracing::warn!(source = %io.name, "journalctl wrote a line that is not an entry; skipped");
                        io.emit.emit(Event::SourceError { source: &io.name });
                    }
                },
                Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                Err(std_mpsc::RecvTimeoutError::Disconnected) => {
                    if !self.send(&mut batch, io) {
                        break false;
                    }
                    tracing::warn!(source = %io.name, "journalctl exited; starting it again");
                    io.emit.emit(Event::SourceError { source: &io.name });
                    break true;
                }
            }
            let due = batch.entries >= BATCH_ENTRIES
                || (!batch.is_empty() && batch.since.elapsed() >= BATCH_WAIT);
            if due && !self.send(&mut batch, io) {
                break false;
            }
        };
        stop(&mut child);
        let _ = reader.join();
        going
    }

    fn send(&mut self, batch: &mut Pending, io: &SourceIo) -> bool {
        let Some(cursor) = batch.cursor.take() else {
            return true;
        };
        self.cursor = Some(cursor.clone());
        let b = Batch {
            data: std::mem::take(&mut batch.data),
            records: std::mem::take(&mut batch.records),
            oversize_lines: std::mem::take(&mut batch.oversize),
            ack: Position::Cursor(CursorPosition {
                source: io.name.to_string(),
                key: KEY.into(),
                cursor,
            }),
            state_key: None,
        };
        batch.entries = 0;
        io.send_blocking(b)
    }
}

/// Ends our own journalctl child.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

impl Source for JournaldSource {
    fn run(mut self: Box<Self>, io: SourceIo) {
        while !io.cancel.is_cancelled() {
            if !self.follow(&io) {
                return;
            }
            let deadline = std::time::Instant::now() + RESTART_PAUSE;
            while std::time::Instant::now() < deadline && !io.cancel.is_cancelled() {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// One entry of `journalctl -o json`, the fields scrubd uses.
#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "__CURSOR")]
    cursor: String,
    #[serde(rename = "__REALTIME_TIMESTAMP", default)]
    realtime_us: Option<String>,
    #[serde(rename = "MESSAGE", default)]
    message: Option<Field>,
    #[serde(rename = "_SYSTEMD_UNIT", default)]
    unit: Option<Field>,
    #[serde(rename = "SYSLOG_IDENTIFIER", default)]
    identifier: Option<Field>,
}

/// A field's value: text, bytes (not UTF-8 or with control characters), or several values
/// (the field was set more than once: the first is used).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Field {
    Text(String),
    Bytes(Vec<u8>),
    Many(Vec<serde_json::Value>),
}

impl Field {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Field::Text(s) => s.clone().into_bytes(),
            Field::Bytes(b) => b.clone(),
            Field::Many(v) => match v.first() {
                Some(serde_json::Value::String(s)) => s.clone().into_bytes(),
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_u64().map(|b| b as u8))
                    .collect(),
                _ => Vec::new(),
            },
        }
    }
}

/// Entries gathered for the next batch.
struct Pending {
    framer: Framer,
    data: Vec<u8>,
    records: Vec<Record>,
    oversize: u32,
    entries: usize,
    cursor: Option<String>,
    since: std::time::Instant,
    streams: std::collections::HashMap<Vec<u8>, Arc<str>>,
}

impl Pending {
    fn new(max_line_bytes: usize) -> Self {
        Pending {
            framer: Framer::new(max_line_bytes),
            data: Vec::new(),
            records: Vec::new(),
            oversize: 0,
            entries: 0,
            cursor: None,
            since: std::time::Instant::now(),
            streams: Default::default(),
        }
    }

    fn is_empty(&self) -> bool {
        self.cursor.is_none()
    }

    fn push(&mut self, e: Entry) {
        if self.is_empty() {
            self.since = std::time::Instant::now();
        }
        let message = e.message.as_ref().map(Field::bytes).unwrap_or_default();
        let (body, newline) = match message.strip_suffix(b"\n") {
            Some(b) => (b, true),
            None => (&message[..], false),
        };
        let before = self.data.len();
        self.framer
            .frame_message(body, &mut self.data, &mut self.oversize);
        let name = e
            .unit
            .or(e.identifier)
            .map(|f| f.bytes())
            .unwrap_or_else(|| b"journal".to_vec());
        let stream = match self.streams.get(&name) {
            Some(s) => Arc::clone(s),
            None => {
                let s: Arc<str> = String::from_utf8_lossy(&name).into();
                if self.streams.len() > 10_000 {
                    self.streams.clear();
                }
                self.streams.insert(name, Arc::clone(&s));
                s
            }
        };
        let timestamp_ms = e
            .realtime_us
            .and_then(|t| t.parse::<i64>().ok())
            .map_or_else(crate::batch::now_ms, |us| us / 1000);
        self.records.push(Record {
            stream,
            len: self.data.len() - before,
            kind: RecordKind::Event {
                timestamp_ms,
                newline,
            },
        });
        self.entries += 1;
        self.cursor = Some(e.cursor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_become_lines_with_their_unit_time_and_cursor() {
        let mut p = Pending::new(16);
        for line in [
            r#"{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1700000000123456","MESSAGE":"one\ntwo","_SYSTEMD_UNIT":"app.service"}"#,
            r#"{"__CURSOR":"s=2","MESSAGE":[104,105,255],"SYSLOG_IDENTIFIER":"cron"}"#,
            r#"{"__CURSOR":"s=3","MESSAGE":"0123456789abcdefXYZ\r\n"}"#,
        ] {
            p.push(serde_json::from_str(line).unwrap());
        }
        assert_eq!(
            p.data,
            b"one\ntwo\nhi\xff\n[REDACTED:line-too-long:bytes=19]\r\n".to_vec()
        );
        let streams: Vec<&str> = p.records.iter().map(|r| &*r.stream).collect();
        assert_eq!(streams, ["app.service", "cron", "journal"]);
        assert_eq!(
            p.records[0].kind,
            RecordKind::Event {
                timestamp_ms: 1_700_000_000_123,
                newline: false
            }
        );
        assert_eq!(p.oversize, 1);
        assert_eq!(p.cursor.as_deref(), Some("s=3"));
    }

    fn config(extra: &str) -> Result<crate::config::Config, String> {
        let text = format!(
            "[state]\ndir = \"state\"\n[[sources]]\nname = \"j\"\ntype = \"journald\"\nsink = \"out\"\nunits = [\"app.service\"]\n{extra}\n\
             [[sinks]]\nname = \"out\"\ntype = \"stdout\"\n"
        );
        crate::config::Config::parse(std::path::Path::new("scrubd.toml"), &text)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn config_dispatches_journald_and_rejects_unknown_keys_and_bad_start_at() {
        config("").unwrap();
        config("start_at = \"beginning\"").unwrap();
        let e = config("unit = [\"x\"]").unwrap_err();
        assert!(e.contains("unknown field `unit`"), "{e}");
        let e = config("start_at = \"begining\"").unwrap_err();
        assert!(e.contains("start_at \"begining\""), "{e}");
    }
}
