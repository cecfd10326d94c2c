//! `scrubd filter`: a byte stream in, the same stream scrubbed out, on every core, in order.
//!
//! Data flow: a [`LineReader`] cuts the input into pieces of whole lines with the one line
//! [`Framer`] (bounded memory: one read block plus one maximum-length line; a longer line is
//! replaced by `[REDACTED:line-too-long:bytes=N]` with its own line ending, fail closed);
//! workers scrub pieces in parallel, each with its own scratch space; one writer puts pieces
//! back in input order, writes them, reports them to the one emitter (whose counters `--stats`
//! reads back) and writes audit records.
//!
//! PEM blocks can straddle two pieces: a worker scrubs a piece as if no block were open and
//! reports whether one is open at its end; when the previous piece ended inside a block the
//! writer scrubs the piece again, in order, with that state. That is rare and keeps the
//! common path parallel.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use crate::batch::Framer;
use crate::engine::{Hit, Scratch, Scrubber, StreamState};
use crate::metrics::{Emit, Event, Metrics, Totals};

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

/// What went through: totals and per-kind counts, read back from the metrics.
pub type Stats = Totals;

/// One piece of input: whole lines (over-long ones already replaced).
struct Piece {
    data: Vec<u8>,
    /// Input bytes this piece stands for.
    input_bytes: u64,
    oversize: u32,
    /// Where each replacement starts in `data` (audit mode only).
    marks: Vec<usize>,
}

/// Cuts a byte stream into [`Piece`]s in bounded memory.
pub struct LineReader<R> {
    inner: R,
    raw: Vec<u8>,
    framer: Framer,
    eof: bool,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max_line: usize) -> Self {
        LineReader {
            inner,
            raw: vec![0; BLOCK],
            framer: Framer::new(max_line),
            eof: false,
        }
    }

    /// Record where replacements start (for audit records).
    fn with_marks(mut self) -> Self {
        self.framer.marks = Some(Vec::new());
        self
    }

    fn fill(&mut self) -> io::Result<usize> {
        loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next piece, `None` at end of input. `recycled` is reused for the piece's bytes.
    fn next_piece(&mut self, mut recycled: Vec<u8>) -> io::Result<Option<Piece>> {
        recycled.clear();
        let mut piece = Piece {
            data: recycled,
            input_bytes: 0,
            oversize: 0,
            marks: Vec::new(),
        };
        while !self.eof && piece.data.len() < BLOCK {
            let n = self.fill()?;
            if n == 0 {
                self.eof = true;
                self.framer.finish(&mut piece.data, &mut piece.oversize);
                break;
            }
            piece.input_bytes += n as u64;
            self.framer
                .push(&self.raw[..n], &mut piece.data, &mut piece.oversize);
            // Everything read so far is whole lines: hand them on rather than wait for more
            // input (a live stream's lines must not sit here until a block fills).
            if !piece.data.is_empty() && !self.framer.is_holding() {
                break;
            }
        }
        if let Some(m) = self.framer.marks.as_mut() {
            piece.marks = std::mem::take(m);
        }
        if piece.data.is_empty() && piece.oversize == 0 && self.eof {
            return Ok(None);
        }
        Ok(Some(piece))
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
    if audit.is_some() {
        reader = reader.with_marks();
    }
    let kinds: Vec<&str> = scrubber
        .rules()
        .kinds()
        .iter()
        .map(String::as_str)
        .collect();
    let metrics = opts.metrics.clone().unwrap_or_else(|| {
        Arc::new(Metrics::new(
            &["stdin"],
            &["stdout"],
            &kinds,
            crate::engine::validate::JWT_ALGS,
        ))
    });
    let mut writer = Writer::new(
        scrubber,
        output,
        audit,
        opts.audit_only,
        Arc::clone(&metrics),
    );
    if opts.threads <= 1 {
        let mut scratch = scrubber.scratch();
        let mut buf = Vec::new();
        while let Some(piece) = reader.next_piece(std::mem::take(&mut buf))? {
            let mut done = Done {
                seq: 0,
                piece,
                out: Vec::new(),
                hits: Vec::new(),
                end_state: StreamState::default(),
            };
            writer.scrub_in_order(&mut done, &mut scratch);
            writer.write(&done)?;
            buf = done.piece.data;
        }
        writer.finish()?;
        return Ok(writer.stats());
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
            Ok(writer.stats())
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
                let Some(piece) = reader.next_piece(buf)? else {
                    return Ok(());
                };
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

fn worker(
    scrubber: &Scrubber,
    work: &std::sync::Mutex<Receiver<(u64, Piece)>>,
    done: &SyncSender<Done>,
) {
    let mut scratch = scrubber.scratch();
    loop {
        let next = work.lock().expect("work queue poisoned").recv();
        let Ok((seq, piece)) = next else { return };
        let mut d = Done {
            seq,
            piece,
            out: Vec::new(),
            hits: Vec::new(),
            end_state: StreamState::default(),
        };
        let input = &d.piece.data;
        d.out.reserve(input.len() + input.len() / 8);
        scrubber.scrub_block(
            input,
            &mut d.end_state,
            &mut scratch,
            &mut d.out,
            &mut d.hits,
        );
        if done.send(d).is_err() {
            return;
        }
    }
}

fn write_in_order<W: Write>(
    writer: &mut Writer<'_, W>,
    done: Receiver<Done>,
    recycle: SyncSender<Vec<u8>>,
) -> io::Result<()> {
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
            let _ = recycle.try_send(d.piece.data);
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
    line_base: u64,
    metrics: Arc<Metrics>,
}

impl<'a, W: Write> Writer<'a, W> {
    fn new(
        scrubber: &'a Scrubber,
        out: W,
        audit: Option<Box<dyn Write + Send>>,
        audit_only: bool,
        metrics: Arc<Metrics>,
    ) -> Self {
        Writer {
            scrubber,
            out,
            audit,
            audit_only,
            carry: StreamState::default(),
            line_base: 0,
            metrics,
        }
    }

    /// Scrub `d` here, starting from the carried stream state.
    fn scrub_in_order(&mut self, d: &mut Done, scratch: &mut Scratch) {
        d.out.clear();
        d.hits.clear();
        self.scrubber.scrub_block(
            &d.piece.data,
            &mut self.carry,
            scratch,
            &mut d.out,
            &mut d.hits,
        );
    }

    fn write(&mut self, d: &Done) -> io::Result<()> {
        let input = &d.piece.data;
        let lines = crate::batch::count_lines(input);
        self.out
            .write_all(if self.audit_only { input } else { &d.out })?;
        self.metrics.emit(Event::Scrubbed {
            source: "stdin",
            lines,
            bytes: d.piece.input_bytes,
            oversize: u64::from(d.piece.oversize),
            hits: &d.hits,
            rules: self.scrubber.rules(),
        });
        self.audit_hits(d)?;
        self.line_base += lines;
        Ok(())
    }

    fn audit_hits(&mut self, d: &Done) -> io::Result<()> {
        let Some(a) = self.audit.as_mut() else {
            return Ok(());
        };
        let rules = self.scrubber.rules();
        let mut events: Vec<(u64, Option<&Hit>, usize)> = Vec::new();
        for &at in &d.piece.marks {
            let line = memchr::memchr_iter(b'\n', &d.piece.data[..at]).count() as u64;
            events.push((line, None, at));
        }
        for h in &d.hits {
            events.push((h.line as u64, Some(h), 0));
        }
        events.sort_by_key(|e| (e.0, e.1.is_some()));
        for (line, hit, at) in events {
            match hit {
                None => {
                    let rest = &d.piece.data[at..];
                    let text = &rest[..memchr::memchr(b']', rest).unwrap_or(0)];
                    let bytes = text.rsplit(|&b| b == b'=').next().unwrap_or(b"0");
                    writeln!(
                        a,
                        r#"{{"line":{},"event":"line-too-long","bytes":{}}}"#,
                        self.line_base + line + 1,
                        String::from_utf8_lossy(bytes)
                    )?;
                }
                Some(h) => {
                    let rule = &rules.rules()[h.rule as usize];
                    write!(
                        a,
                        r#"{{"line":{},"rule":"{}","kind":"{}","start":{},"end":{}"#,
                        self.line_base + line + 1,
                        rule.id,
                        rules.kind_name(h.kind),
                        h.start,
                        h.end
                    )?;
                    if let Some(alg) = h.alg {
                        write!(a, r#","alg":"{alg}""#)?;
                    }
                    if let Some(r) = &h.jwt {
                        // Finding names, the weak key's dictionary id, an allowlisted issuer
                        // (from the config, JSON-escaped) or `other`: nothing of the token.
                        let names: Vec<&str> = r.findings.iter().map(|f| f.name()).collect();
                        write!(a, r#","jwt_findings":{}"#, serde_json::json!(names))?;
                        if let Some(k) = r.weak_key {
                            write!(
                                a,
                                r#","weak_key":{}"#,
                                serde_json::json!(rules.jwt().weak_key_id(k))
                            )?;
                        }
                        write!(
                            a,
                            r#","issuer":{}"#,
                            serde_json::json!(rules.jwt().issuer_label(r.issuer))
                        )?;
                    }
                    if let Some(fp) = h.fingerprint {
                        write!(
                            a,
                            r#","fingerprint":"{}""#,
                            std::str::from_utf8(&fp).unwrap_or("")
                        )?;
                    }
                    a.write_all(b"}\n")?;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()?;
        if let Some(a) = self.audit.as_mut() {
            a.flush()?;
        }
        Ok(())
    }

    /// The totals of this run, from the counters.
    fn stats(&self) -> Stats {
        self.metrics.totals(
            "stdin",
            self.scrubber.rules().kinds(),
            crate::engine::validate::JWT_ALGS,
            self.scrubber.rules().jwt().issuers(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &[u8], max_line: usize) -> Vec<String> {
        let mut r = LineReader::new(input, max_line);
        let mut out = String::new();
        while let Some(p) = r.next_piece(Vec::new()).unwrap() {
            out.push_str(&String::from_utf8_lossy(&p.data));
        }
        if out.is_empty() {
            Vec::new()
        } else {
            vec![out]
        }
    }

    #[test]
    fn reader_keeps_last_line_without_newline() {
        assert_eq!(pieces(b"a\nb", 10), vec!["a\nb"]);
    }

    #[test]
    fn reader_empty_input() {
        assert!(pieces(b"", 10).is_empty());
    }

    #[test]
    fn reader_replaces_overlong_line_keeping_crlf() {
        assert_eq!(
            pieces(b"ok\n0123456789abc\r\nnext\n", 5),
            vec!["ok\n[REDACTED:line-too-long:bytes=13]\r\nnext\n"]
        );
    }

    #[test]
    fn reader_overlong_last_line_without_newline() {
        assert_eq!(
            pieces(b"0123456789", 4),
            vec!["[REDACTED:line-too-long:bytes=10]"]
        );
    }

    #[test]
    fn reader_line_of_exactly_max_is_kept() {
        assert_eq!(pieces(b"abcd\r\n", 4), vec!["abcd\r\n"]);
    }

    /// The one line rule, as each source applies it: a CRLF line of exactly `max` bytes of
    /// content is kept, one byte more is replaced, by stdin, a file and CloudWatch alike.
    #[test]
    fn crlf_line_of_max_plus_one_is_treated_alike_by_stdin_files_and_cloudwatch() {
        let max = 8;
        for (line, want) in [
            ("12345678\r\n", "12345678\r\n"),
            ("123456789\r\n", "[REDACTED:line-too-long:bytes=9]\r\n"),
            ("12345678\n", "12345678\n"),
            ("123456789\n", "[REDACTED:line-too-long:bytes=9]\n"),
        ] {
            assert_eq!(
                pieces(line.as_bytes(), max).concat(),
                want,
                "stdin {line:?}"
            );
            let cw = crate::source::cloudwatch::frame_events(max, &[line]);
            assert_eq!(String::from_utf8(cw).unwrap(), want, "cloudwatch {line:?}");
            let file = crate::source::file::tailer::frame_file(max, line.as_bytes());
            assert_eq!(file, want, "file {line:?}");
        }
    }
}
