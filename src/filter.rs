//! `scrubd filter`: a byte stream in, the same stream scrubbed out, on every core, in order.
//!
//! Data flow: the stdin source ([`crate::source::stdin`]) cuts the input into batches of
//! whole lines with the one line framer (bounded memory, over-long lines replaced, fail
//! closed); the daemon's ordered scrub stage ([`crate::pipeline::scrub_in_order`]) scrubs
//! them on `threads` workers and hands them back in input order, multi-line state (a PEM
//! block straddling two batches) carried as for any source; in order, they go to the stdout
//! sink, are reported to the one emitter (whose counters `--stats` reads back) and, with an
//! audit file, become audit records.

use std::io::{self, Read, Write};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use crate::engine::{Hit, Scrubber};
use crate::metrics::{Emit, Event, Metrics, Totals};
use crate::pipeline::{scrub_in_order, Scrubbed};
use crate::sink::{stdout::StdoutSink, Sink};
pub use crate::source::stdin::{Interrupt, Watch};
use crate::source::stdin::{StdinBatch, StdinSource};

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
    /// The real stdin's descriptor and the SIGINT/SIGTERM pipe (see [`Watch`]).
    pub watch: Option<Arc<Watch>>,
}

/// What went through: totals and per-kind counts, read back from the metrics.
pub type Stats = Totals;

/// How a filter run ended.
#[derive(Debug)]
pub struct Ended {
    /// What reached the output: lines counted only once the sink took them.
    pub stats: Stats,
    /// The output was closed by its reader (`| head`) before the input ended: the rest of the
    /// input was not read. `stats` still says what was written.
    pub output_closed: bool,
}

/// Scrub `input` into `output` with `scrubber`; findings go to `audit` as JSON lines. An output
/// closed by its reader ends the run early (`Ended::output_closed`), with the counts of what
/// was written; any other error is returned.
pub fn run<R: Read, W: Write + Send>(
    scrubber: &Scrubber,
    input: R,
    output: W,
    audit: Option<Box<dyn Write + Send>>,
    opts: &Options,
) -> io::Result<Ended> {
    // Marks place the oversize lines, for the audit and for counting a batch cut short.
    let mut source = StdinSource::new(input, opts.max_line_bytes)
        .with_watch(opts.watch.clone())
        .with_marks();
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
    let threads = opts.threads.max(1);
    let mut writer = Writer {
        scrubber,
        sink: StdoutSink::new(output),
        audit,
        audit_only: opts.audit_only,
        line_base: 0,
        metrics: Arc::clone(&metrics),
    };
    // Input buffers go back to the source once written: at most one per batch in flight.
    let (recycle_tx, recycle_rx) = sync_channel::<Vec<u8>>(threads * 4 + 5);
    let next = || -> io::Result<Option<(&Scrubber, StdinBatch)>> {
        let buf = recycle_rx.try_recv().unwrap_or_default();
        Ok(source.next_batch(buf)?.map(|b| (scrubber, b)))
    };
    let deliver = |d: Scrubbed<&Scrubber, StdinBatch>| -> io::Result<()> {
        writer.write(&d)?;
        let _ = recycle_tx.try_send(d.job.batch.data);
        Ok(())
    };
    let output_closed = match scrub_in_order(threads, next, deliver, None) {
        Ok(()) => false,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => true,
        Err(e) => return Err(e),
    };
    if output_closed {
        // The audit still records every finding in what was written.
        if let Some(a) = writer.audit.as_mut() {
            a.flush()?;
        }
    } else {
        writer.finish()?;
    }
    Ok(Ended {
        stats: writer.stats(),
        output_closed,
    })
}

/// The in-order end of `filter`: writes each batch to the stdout sink, counts it, audits it.
struct Writer<'a, W> {
    scrubber: &'a Scrubber,
    sink: StdoutSink<W>,
    audit: Option<Box<dyn Write + Send>>,
    audit_only: bool,
    line_base: u64,
    metrics: Arc<Metrics>,
}

impl<W: Write + Send> Writer<'_, W> {
    fn write(&mut self, d: &Scrubbed<&Scrubber, StdinBatch>) -> io::Result<()> {
        let input = &d.job.batch.data;
        let data = if self.audit_only { input } else { &d.out };
        let Err((written, e)) = self.sink.write_counted(data) else {
            let job = &d.job;
            return self.count(input, job.input_bytes, &job.marks, &d.hits);
        };
        // The output closed part way: the lines it took whole were written, and are counted
        // (one line in, one line out: the n-th output line is the n-th input line).
        let whole = memchr::memchr_iter(b'\n', &data[..written]).count();
        let cut = memchr::memchr_iter(b'\n', input)
            .nth(whole.wrapping_sub(1))
            .map_or(0, |at| at + 1);
        let marks: Vec<usize> = d.job.marks.iter().copied().filter(|&m| m < cut).collect();
        // Bytes read for those lines: an oversize line was read whole, not as its marker.
        let bytes = marks.iter().fold(cut as u64, |n, &m| {
            let marker = &input[m..m + memchr::memchr(b']', &input[m..]).map_or(0, |e| e + 1)];
            n + oversize_len(marker).saturating_sub(marker.len() as u64)
        });
        let hits: Vec<Hit> = d.hits.iter().filter(|h| h.line < whole).cloned().collect();
        self.count(&input[..cut], bytes, &marks, &hits)?;
        Err(e)
    }

    /// Count and audit `lines` (whole input lines, all written), `bytes` read for them, the
    /// oversize lines at `marks` in `lines` and the findings `hits` in them.
    fn count(&mut self, lines: &[u8], bytes: u64, marks: &[usize], hits: &[Hit]) -> io::Result<()> {
        let n = crate::batch::count_lines(lines);
        self.metrics.emit(Event::Scrubbed {
            source: "stdin",
            lines: n,
            bytes,
            oversize: marks.len() as u64,
            hits,
            rules: self.scrubber.rules(),
        });
        self.audit_hits(lines, marks, hits)?;
        self.line_base += n;
        Ok(())
    }

    fn audit_hits(&mut self, data: &[u8], marks: &[usize], hits: &[Hit]) -> io::Result<()> {
        let Some(a) = self.audit.as_mut() else {
            return Ok(());
        };
        let rules = self.scrubber.rules();
        let mut events: Vec<(u64, Option<&Hit>, usize)> = Vec::new();
        for &at in marks {
            let line = memchr::memchr_iter(b'\n', &data[..at]).count() as u64;
            events.push((line, None, at));
        }
        for h in hits {
            events.push((h.line as u64, Some(h), 0));
        }
        events.sort_by_key(|e| (e.0, e.1.is_some()));
        for (line, hit, at) in events {
            match hit {
                None => {
                    let rest = &data[at..];
                    let marker = &rest[..memchr::memchr(b']', rest).map_or(0, |e| e + 1)];
                    writeln!(
                        a,
                        r#"{{"line":{},"event":"line-too-long","bytes":{}}}"#,
                        self.line_base + line + 1,
                        oversize_len(marker)
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
        self.sink.sync()?;
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

/// The length of the line an oversize `marker` (`[REDACTED:line-too-long:bytes=N]`) stands for.
fn oversize_len(marker: &[u8]) -> u64 {
    let digits = marker.rsplit(|&b| b == b'=').next().unwrap_or_default();
    let digits = digits.strip_suffix(b"]").unwrap_or(digits);
    std::str::from_utf8(digits)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Mode, RuleSet};

    /// A reader that takes `room` bytes, then closes the pipe.
    struct Closes {
        room: usize,
        took: Vec<u8>,
    }

    impl Write for Closes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room).min(7);
            self.room -= n;
            self.took.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// One batch cut part way: the lines the reader took whole are counted and audited, with
    /// the oversize line among them read at its full length; the rest is not.
    #[test]
    fn a_batch_cut_part_way_counts_the_lines_taken_whole() {
        let scrubber = Scrubber::new(Arc::new(RuleSet::builtin().unwrap()), Mode::Mask);
        let long = "x".repeat(100);
        let input = format!(
            "a password=hunter2hunter2\n{long}\nb token=ghp_1234567890abcdefghijABCDEFGHIJ123456\nc password=zzzzzzzzzz\n"
        );
        let opts = Options {
            max_line_bytes: 64,
            threads: 1,
            audit_only: false,
            metrics: None,
            watch: None,
        };
        // The reader takes the first two output lines and part of the third.
        let (first, second) = (
            "a password=[REDACTED:password]\n",
            "[REDACTED:line-too-long:bytes=100]\n",
        );
        let room = first.len() + second.len() + 5;
        let mut out = Closes {
            room,
            took: Vec::new(),
        };
        let audit: Arc<std::sync::Mutex<Vec<u8>>> = Arc::default();
        struct Shared(Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().write(buf)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let ended = run(
            &scrubber,
            input.as_bytes(),
            &mut out,
            Some(Box::new(Shared(Arc::clone(&audit)))),
            &opts,
        )
        .unwrap();
        assert!(ended.output_closed);
        assert_eq!(out.took, format!("{first}{second}b tok").as_bytes());
        let s = ended.stats;
        assert_eq!((s.lines, s.oversize_lines), (2, 1));
        assert_eq!(s.bytes, (input.find("\nb ").unwrap() + 1) as u64);
        assert_eq!((s.lines_redacted, s.redactions), (1, 1));
        let audit = String::from_utf8(audit.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = audit.lines().collect();
        assert_eq!(lines.len(), 2, "{audit}");
        assert!(lines[0].starts_with(r#"{"line":1,"rule":"#), "{audit}");
        assert_eq!(
            lines[1],
            r#"{"line":2,"event":"line-too-long","bytes":100}"#
        );
    }
}
