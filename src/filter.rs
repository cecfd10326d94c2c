//! `scrubd filter`: a byte stream in, the same stream scrubbed out, on every core, in order.
//!
//! Data flow: a [`LineReader`] cuts the input into pieces of whole lines (bounded memory:
//! at most one read block plus one maximum-length line is buffered); workers scrub pieces in
//! parallel, each with its own scratch space; one writer puts pieces back in input order,
//! writes them, counts hits and writes audit records. A line longer than `max_line_bytes` is
//! never buffered whole: it is discarded as it streams by and replaced, in place, by
//! `[REDACTED:line-too-long:bytes=N]` with its original line ending (fail closed: nothing that
//! was not scanned is emitted), and counted.
//!
//! PEM blocks can straddle two pieces: a worker scrubs a piece as if no block were open and
//! reports whether one is open at its end; when the previous piece ended inside a block the
//! writer scrubs the piece again, in order, with that state. That is rare and keeps the
//! common path parallel.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::engine::redact::write_oversize;
use crate::metrics::Metrics;
use crate::engine::{Hit, Scratch, Scrubber, StreamState};

/// How much input one piece carries, at most (plus one partial line).
const BLOCK: usize = 256 << 10;

/// Filter settings.
#[derive(Clone)]
pub struct Options {
    /// Longest line scanned; longer ones are replaced whole (fail closed) and counted.
    pub max_line_bytes: usize,
    /// Worker threads; 1 scrubs on the calling thread.
    pub threads: usize,
    /// Pass input through unchanged and only report findings (to the audit sink).
    pub audit_only: bool,
    /// Count into these metrics as the stream goes (source label `stdin`).
    pub metrics: Option<Arc<Metrics>>,
}

/// What went through: totals and per-kind counts, for `--stats` and metrics.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    pub lines: u64,
    pub bytes: u64,
    pub lines_redacted: u64,
    pub redactions: u64,
    pub oversize_lines: u64,
    /// Redactions per kind name.
    pub by_kind: BTreeMap<String, u64>,
    /// JWTs per header alg.
    pub jwt_by_alg: BTreeMap<&'static str, u64>,
    /// JWT misconfiguration findings, per finding name (every occurrence, like `jwt_by_alg`).
    pub jwt_findings: BTreeMap<&'static str, u64>,
}

/// One piece of input: whole lines, or one line too long to keep.
enum Piece {
    Lines(Vec<u8>),
    Oversize { len: u64, ending: &'static [u8] },
}

/// Cuts a byte stream into [`Piece`]s in bounded memory.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    max_line: usize,
    eof: bool,
    /// Bytes of an overlong line discarded so far, and its last byte (to keep `\r\n`).
    discarding: Option<(u64, u8)>,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max_line: usize) -> Self {
        LineReader { inner, buf: Vec::with_capacity(BLOCK + max_line.min(BLOCK)), max_line: max_line.max(1), eof: false, discarding: None }
    }

    fn fill(&mut self) -> io::Result<usize> {
        let len = self.buf.len();
        self.buf.resize(len + BLOCK, 0);
        let n = loop {
            match self.inner.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(len + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n)
    }

    /// The next piece, `None` at end of input. `recycled` is reused for the piece's bytes.
    fn next_piece(&mut self, mut recycled: Vec<u8>) -> io::Result<Option<Piece>> {
        loop {
            if let Some((count, last)) = self.discarding {
                match memchr::memchr(b'\n', &self.buf) {
                    Some(i) => {
                        let last = if i > 0 { self.buf[i - 1] } else { last };
                        let (len, ending): (u64, &'static [u8]) =
                            if last == b'\r' { (count + i as u64 - 1, b"\r\n") } else { (count + i as u64, b"\n") };
                        self.buf.drain(..=i);
                        self.discarding = None;
                        return Ok(Some(Piece::Oversize { len, ending }));
                    }
                    None if self.eof => {
                        let len = count + self.buf.len() as u64;
                        self.buf.clear();
                        self.discarding = None;
                        return Ok(Some(Piece::Oversize { len, ending: b"" }));
                    }
                    None => {
                        let n = self.buf.len();
                        let last = self.buf.last().copied().unwrap_or(last);
                        self.discarding = Some((count + n as u64, last));
                        self.buf.clear();
                        self.fill()?;
                        continue;
                    }
                }
            }
            // Whole lines at the front of `buf`, each no longer than `max_line`.
            let mut end = 0;
            let mut overlong = None;
            if self.buf.len() <= self.max_line {
                end = memchr::memrchr(b'\n', &self.buf).map_or(0, |i| i + 1);
            } else {
                while let Some(i) = memchr::memchr(b'\n', &self.buf[end..]) {
                    let content = if i > 0 && self.buf[end + i - 1] == b'\r' { i - 1 } else { i };
                    if content > self.max_line {
                        overlong = Some(end);
                        break;
                    }
                    end += i + 1;
                }
                if overlong.is_none() && self.buf.len() - end > self.max_line {
                    overlong = Some(end); // the partial last line is already too long
                }
            }
            if end > 0 && (end >= BLOCK || overlong.is_some() || self.eof || end == self.buf.len()) {
                recycled.clear();
                recycled.extend_from_slice(&self.buf[..end]);
                self.buf.drain(..end);
                return Ok(Some(Piece::Lines(recycled)));
            }
            if overlong.is_some() {
                self.discarding = Some((0, 0));
                continue;
            }
            if self.eof {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                recycled.clear();
                recycled.append(&mut self.buf);
                return Ok(Some(Piece::Lines(recycled)));
            }
            self.fill()?;
        }
    }
}

/// A scrubbed piece on its way to the writer.
struct Done {
    seq: u64,
    piece: Piece,
    out: Vec<u8>,
    hits: Vec<Hit>,
    /// Open block at the end of the piece, assuming none at its start.
    end_state: StreamState,
}

/// Scrub `input` into `output` with `scrubber`; findings go to `audit` as JSON lines.
pub fn run<R: Read, W: Write + Send>(
    scrubber: &Scrubber,
    input: R,
    output: W,
    audit: Option<Box<dyn Write + Send>>,
    opts: &Options,
) -> io::Result<Stats> {
    let mut reader = LineReader::new(input, opts.max_line_bytes);
    let mut writer = Writer::new(scrubber, output, audit, opts.audit_only);
    writer.metrics = opts.metrics.clone();
    if opts.threads <= 1 {
        let mut scratch = scrubber.scratch();
        let mut buf = Vec::new();
        while let Some(piece) = reader.next_piece(std::mem::take(&mut buf))? {
            let mut done = Done { seq: 0, piece, out: Vec::new(), hits: Vec::new(), end_state: StreamState::default() };
            writer.scrub_in_order(&mut done, &mut scratch);
            writer.write(&done)?;
            if let Piece::Lines(b) = done.piece {
                buf = b;
            }
        }
        writer.finish()?;
        return Ok(writer.stats);
    }
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<(u64, Piece)>(opts.threads * 2);
        let work_rx = Arc::new(std::sync::Mutex::new(work_rx));
        let (done_tx, done_rx) = sync_channel::<Done>(opts.threads * 2);
        // Room for every buffer in flight, so the writer never drops one (see `max_in_flight`).
        let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(opts.threads * 4 + 4);
        for _ in 0..opts.threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || worker(scrubber, &work_rx, &done_tx));
        }
        drop(done_tx);
        let writer_thread = scope.spawn(move || -> io::Result<Stats> {
            write_in_order(&mut writer, done_rx, recycle_tx)?;
            writer.finish()?;
            Ok(writer.stats)
        });
        let mut seq = 0;
        // At most this many pieces are read and not yet written: a worker that is descheduled
        // on a busy host would otherwise let the others run ahead and the writer's reorder
        // buffer grow without bound (RSS must not grow with the input).
        let max_in_flight = opts.threads * 4 + 4;
        let mut allocated = 0;
        let read_result = (|| -> io::Result<()> {
            loop {
                let buf = match recycle_rx.try_recv() {
                    Ok(b) => b,
                    Err(_) if allocated < max_in_flight => {
                        allocated += 1;
                        Vec::new()
                    }
                    Err(_) => match recycle_rx.recv() {
                        Ok(b) => b,
                        Err(_) => return Ok(()), // the writer stopped; its error is reported below
                    },
                };
                let Some(piece) = reader.next_piece(buf)? else { return Ok(()) };
                if matches!(piece, Piece::Oversize { .. }) {
                    allocated -= 1; // its buffer was dropped, it will not come back
                }
                if work_tx.send((seq, piece)).is_err() {
                    return Ok(()); // the writer stopped; its error is reported below
                }
                seq += 1;
            }
        })();
        drop(work_tx);
        let stats = writer_thread.join().expect("writer thread panicked");
        read_result?;
        stats
    })
}

fn worker(scrubber: &Scrubber, work: &std::sync::Mutex<Receiver<(u64, Piece)>>, done: &SyncSender<Done>) {
    let mut scratch = scrubber.scratch();
    loop {
        let next = work.lock().expect("work queue poisoned").recv();
        let Ok((seq, piece)) = next else { return };
        let mut d = Done { seq, piece, out: Vec::new(), hits: Vec::new(), end_state: StreamState::default() };
        if let Piece::Lines(input) = &d.piece {
            d.out.reserve(input.len() + input.len() / 8);
            scrubber.scrub_block(input, &mut d.end_state, &mut scratch, &mut d.out, &mut d.hits);
        }
        if done.send(d).is_err() {
            return;
        }
    }
}

fn write_in_order<W: Write>(writer: &mut Writer<'_, W>, done: Receiver<Done>, recycle: SyncSender<Vec<u8>>) -> io::Result<()> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0;
    let mut scratch = None;
    for d in done {
        pending.insert(d.seq, d);
        while let Some(mut d) = pending.remove(&next) {
            if writer.carry.in_block() {
                let scratch = scratch.get_or_insert_with(|| writer.scrubber.scratch());
                writer.scrub_in_order(&mut d, scratch);
            } else {
                writer.carry = d.end_state.clone();
            }
            writer.write(&d)?;
            if let Piece::Lines(b) = d.piece {
                let _ = recycle.try_send(b);
            }
            next += 1;
        }
    }
    Ok(())
}

/// Writes pieces in order, keeps the stream state between pieces, counts, audits.
struct Writer<'a, W> {
    scrubber: &'a Scrubber,
    out: W,
    audit: Option<Box<dyn Write + Send>>,
    audit_only: bool,
    carry: StreamState,
    stats: Stats,
    kind_counts: HashMap<u16, u64>,
    line_base: u64,
    metrics: Option<Arc<Metrics>>,
}

impl<'a, W: Write> Writer<'a, W> {
    fn new(scrubber: &'a Scrubber, out: W, audit: Option<Box<dyn Write + Send>>, audit_only: bool) -> Self {
        Writer {
            scrubber,
            out,
            audit,
            audit_only,
            carry: StreamState::default(),
            stats: Stats::default(),
            kind_counts: HashMap::new(),
            line_base: 0,
            metrics: None,
        }
    }

    /// Scrub `d` here, starting from the carried stream state.
    fn scrub_in_order(&mut self, d: &mut Done, scratch: &mut Scratch) {
        d.out.clear();
        d.hits.clear();
        if let Piece::Lines(input) = &d.piece {
            self.scrubber.scrub_block(input, &mut self.carry, scratch, &mut d.out, &mut d.hits);
        }
    }

    fn write(&mut self, d: &Done) -> io::Result<()> {
        match &d.piece {
            Piece::Lines(input) => {
                let lines = memchr::memchr_iter(b'\n', input).count() as u64
                    + u64::from(!input.is_empty() && input.last() != Some(&b'\n'));
                self.out.write_all(if self.audit_only { input } else { &d.out })?;
                self.stats.bytes += input.len() as u64;
                self.count_hits(&d.hits)?;
                if let Some(m) = &self.metrics {
                    m.record_block("stdin", lines, input.len() as u64, 0, &d.hits, self.scrubber.rules());
                }
                self.stats.lines += lines;
                self.line_base += lines;
            }
            Piece::Oversize { len, ending } => {
                let mut line = Vec::with_capacity(48);
                write_oversize(*len, &mut line);
                line.extend_from_slice(ending);
                self.out.write_all(&line)?;
                self.stats.lines += 1;
                self.stats.bytes += len + ending.len() as u64;
                self.stats.oversize_lines += 1;
                if let Some(m) = &self.metrics {
                    m.record_block("stdin", 1, len + ending.len() as u64, 1, &[], self.scrubber.rules());
                }
                if let Some(a) = self.audit.as_mut() {
                    writeln!(a, r#"{{"line":{},"event":"line-too-long","bytes":{}}}"#, self.line_base + 1, len)?;
                }
                self.line_base += 1;
                self.carry = StreamState::default();
            }
        }
        Ok(())
    }

    fn count_hits(&mut self, hits: &[Hit]) -> io::Result<()> {
        let mut last_line = None;
        for h in hits {
            if last_line != Some(h.line) {
                self.stats.lines_redacted += 1;
                last_line = Some(h.line);
            }
            if !h.continued {
                self.stats.redactions += 1;
                *self.kind_counts.entry(h.kind).or_default() += 1;
            }
            if let Some(alg) = h.alg {
                *self.stats.jwt_by_alg.entry(alg).or_default() += 1;
            }
            for f in h.jwt.iter().flat_map(|r| r.findings.iter()) {
                *self.stats.jwt_findings.entry(f.name()).or_default() += 1;
            }
            if let Some(a) = self.audit.as_mut() {
                let rules = self.scrubber.rules();
                let rule = &rules.rules()[h.rule as usize];
                write!(
                    a,
                    r#"{{"line":{},"rule":"{}","kind":"{}","start":{},"end":{}"#,
                    self.line_base + h.line as u64 + 1,
                    rule.id,
                    rules.kind_name(h.kind),
                    h.start,
                    h.end
                )?;
                if let Some(alg) = h.alg {
                    write!(a, r#","alg":"{alg}""#)?;
                }
                if let Some(r) = &h.jwt {
                    // Finding names, the weak key's dictionary id, an allowlisted issuer (from
                    // the config, JSON-escaped) or `other`: nothing of the token.
                    let names: Vec<&str> = r.findings.iter().map(|f| f.name()).collect();
                    write!(a, r#","jwt_findings":{}"#, serde_json::json!(names))?;
                    if let Some(k) = r.weak_key {
                        write!(a, r#","weak_key":{}"#, serde_json::json!(rules.jwt().weak_key_id(k)))?;
                    }
                    write!(a, r#","issuer":{}"#, serde_json::json!(rules.jwt().issuer_label(r.issuer)))?;
                }
                if let Some(fp) = h.fingerprint {
                    write!(a, r#","fingerprint":"{}""#, std::str::from_utf8(&fp).unwrap_or(""))?;
                }
                a.write_all(b"}\n")?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()?;
        if let Some(a) = self.audit.as_mut() {
            a.flush()?;
        }
        let rules = self.scrubber.rules();
        for (&k, &n) in &self.kind_counts {
            *self.stats.by_kind.entry(rules.kind_name(k).to_string()).or_default() += n;
        }
        self.kind_counts.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &[u8], max_line: usize) -> Vec<String> {
        let mut r = LineReader::new(input, max_line);
        let mut out: Vec<String> = Vec::new();
        // Where line pieces are cut is the reader's business; adjacent ones are joined here.
        while let Some(p) = r.next_piece(Vec::new()).unwrap() {
            match p {
                Piece::Lines(b) => match out.last_mut() {
                    Some(last) if last.starts_with("L:") => last.push_str(&String::from_utf8_lossy(&b)),
                    _ => out.push(format!("L:{}", String::from_utf8_lossy(&b))),
                },
                Piece::Oversize { len, ending } => out.push(format!("O:{len}:{:?}", std::str::from_utf8(ending).unwrap())),
            }
        }
        out
    }

    #[test]
    fn reader_keeps_last_line_without_newline() {
        assert_eq!(pieces(b"a\nb", 10), vec!["L:a\nb"]);
    }

    #[test]
    fn reader_empty_input() {
        assert!(pieces(b"", 10).is_empty());
    }

    #[test]
    fn reader_replaces_overlong_line_keeping_crlf() {
        assert_eq!(pieces(b"ok\n0123456789abc\r\nnext\n", 5), vec!["L:ok\n", "O:13:\"\\r\\n\"", "L:next\n"]);
    }

    #[test]
    fn reader_overlong_last_line_without_newline() {
        assert_eq!(pieces(b"0123456789", 4), vec!["O:10:\"\""]);
    }

    #[test]
    fn reader_line_of_exactly_max_is_kept() {
        assert_eq!(pieces(b"abcd\r\n", 4), vec!["L:abcd\r\n"]);
    }
}
